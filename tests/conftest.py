"""Settings every test process shares.

HUMANOID_LMM_TEST_DOMAIN: the one DDS domain of this test process (unitree_sdk2py's ChannelFactory is a process
singleton, so every in-process DDS test must use the same one). Random in 200-229, away from the domains the
graph tests give their subprocesses, so parallel runs on one machine don't mix.
"""

import os
import random

os.environ.setdefault("HUMANOID_LMM_TEST_DOMAIN", str(random.randint(200, 229)))
