"""One DDS domain per test process (ChannelFactory is a process singleton); random so parallel runs don't mix."""

import os
import random

DOMAIN = int(os.environ.get("HUMANOID_LMM_TEST_DOMAIN", random.randint(50, 200)))
