"""The real-mode confirmation gate: an unconfirmed, rejected or expired plan is never released."""

import threading

import pytest

from humanoid_lmm.control.confirmation import ConfirmationGate, PlanState
from humanoid_lmm.errors import ConfigError


def test_confirmed_plan_is_released_exactly_once():
    gate = ConfirmationGate(timeout_s=10.0)
    gate.hold("a", now=0.0)
    assert gate.release("a", now=1.0) is False  # pending: not yet
    assert gate.confirm("a", now=2.0) is PlanState.CONFIRMED
    assert gate.release("a", now=2.1) is True
    assert gate.release("a", now=2.2) is False  # never twice
    assert gate.state("a", now=3.0) is PlanState.RELEASED


def test_unconfirmed_plan_expires_and_a_late_confirmation_is_refused():
    gate = ConfirmationGate(timeout_s=5.0)
    gate.hold("a", now=100.0)
    assert gate.remaining_s("a", now=103.0) == pytest.approx(2.0)
    assert gate.state("a", now=105.0) is PlanState.PENDING  # the deadline itself still counts
    assert gate.confirm("a", now=105.01) is PlanState.EXPIRED
    assert gate.release("a", now=105.02) is False
    assert gate.pending(now=200.0) == [] and gate.remaining_s("a", now=101.0) == 0.0


def test_expiry_is_judged_at_release_time_too_and_per_plan_timeouts():
    gate = ConfirmationGate(timeout_s=5.0)
    gate.hold("a", now=0.0)
    gate.hold("long", now=0.0, timeout_s=60.0)
    assert gate.release("a", now=6.0) is False and gate.state("a", now=6.0) is PlanState.EXPIRED
    assert gate.confirm("long", now=59.0) is PlanState.CONFIRMED
    with pytest.raises(ConfigError, match="timeout_s"):
        gate.hold("b", now=0.0, timeout_s=-1.0)


def test_rejected_and_unknown_plans_are_never_released():
    gate = ConfirmationGate(timeout_s=5.0)
    gate.hold("a", now=0.0)
    assert gate.reject("a", now=1.0) is PlanState.REJECTED
    assert gate.confirm("a", now=1.5) is PlanState.REJECTED  # a confirmation cannot overturn a rejection
    assert gate.release("a", now=2.0) is False
    assert gate.confirm("nobody-held-this", now=2.0) is PlanState.UNKNOWN
    assert gate.release("nobody-held-this", now=2.0) is False
    gate.hold("b", now=0.0)
    gate.confirm("b", now=1.0)
    assert gate.reject("b", now=1.5) is PlanState.REJECTED  # changed one's mind before it was released
    assert gate.release("b", now=2.0) is False


def test_ids_are_not_reused_and_bad_timeouts_refused():
    gate = ConfirmationGate(timeout_s=1.0)
    gate.hold("a", now=0.0)
    with pytest.raises(ConfigError, match="already held"):
        gate.hold("a", now=0.5)
    with pytest.raises(ConfigError, match="timeout_s"):
        ConfirmationGate(timeout_s=0.0)


def test_pending_lists_undecided_plans_and_history_is_bounded():
    gate = ConfirmationGate(timeout_s=10.0, history=3)
    for i, pid in enumerate("abcd"):
        gate.hold(pid, now=float(i))
    gate.confirm("c", now=4.0)
    assert gate.pending(now=4.0) == ["b", "d"]  # "a" fell out of the history: forgotten, never releasable
    assert gate.release("a", now=4.0) is False


def test_concurrent_confirmations_release_once():
    gate = ConfirmationGate(timeout_s=10.0)
    gate.hold("a", now=0.0)
    gate.confirm("a", now=1.0)
    results = []
    threads = [threading.Thread(target=lambda: results.append(gate.release("a", now=1.5))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 7 + [True]
