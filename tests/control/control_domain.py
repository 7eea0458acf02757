"""The DDS domain of this test process (set once in tests/conftest.py; ChannelFactory is a process singleton)."""

import os

DOMAIN = int(os.environ["HUMANOID_LMM_TEST_DOMAIN"])
