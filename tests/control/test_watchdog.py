from humanoid_lmm.control.config import WatchdogConfig
from humanoid_lmm.control.watchdog import Watchdog


def test_watchdog_state():
    w = Watchdog(WatchdogConfig(state_timeout_s=0.1))
    assert w.check(0.0) == "watchdog_state"  # never saw state
    w.state_seen(1.0)
    assert w.check(1.09) is None and w.check(1.11) == "watchdog_state"
