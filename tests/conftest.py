"""Suite-wide ordering: the end-to-end graph test runs first.

It starts the whole ROS graph as processes with a 500 Hz bridge; on a 2-core machine it is the most
timing-sensitive test. On 2026-12-01 it ended in watchdog damping in 2 of 3 full-suite runs but never
when run alone or first, consistent with threads that earlier in-process DDS/ROS tests leave running
(control/dds.py does not delete its readers/writers: see the closing notes). Until that is fixed, it
runs before them.
"""


def pytest_collection_modifyitems(session, config, items):
    first = [i for i in items if "test_end_to_end" in i.nodeid]
    items[:] = first + [i for i in items if "test_end_to_end" not in i.nodeid]
