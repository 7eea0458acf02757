"""Fuzzed inputs at the library boundary the nodes call: every input is either accepted as something valid or
refused with a HumanoidLMMError naming why - never another exception (which would kill a node's callback).
The same inputs go through the live graph in test_graph_faults.py."""

import time

import numpy as np
import pytest

from humanoid_lmm.errors import HumanoidLMMError

from fault_helpers import upper_body_wave
from fuzz import MB, command_strings, plan_messages, sane_plan

pytestmark = pytest.mark.ros  # message types only; no graph


@pytest.fixture(scope="module")
def base_msg(g1):
    from humanoid_lmm.control.attestation import PlanSigner
    from humanoid_lmm.ros.convert import plan_to_msg

    plan = upper_body_wave(g1, seconds=2.0).replace(command_id="1.000000001", created=time.time())
    return plan_to_msg(PlanSigner(b"k" * 32).attest(plan))


def test_ten_thousand_fuzzed_command_strings(fault_row):
    from humanoid_lmm.speech import accept_command, load_speech_config

    config = load_speech_config()
    texts = command_strings(10_000)
    assert len(texts) == 10_000 and any(len(t) >= MB for t in texts) and "" in texts
    accepted, reasons, crashes = [], {}, []
    for text in texts:
        try:
            accepted.append(accept_command(text, config))
        except HumanoidLMMError as e:
            assert str(e), "a refusal must say why"
            reasons[getattr(e, "reason", "?")] = reasons.get(getattr(e, "reason", "?"), 0) + 1
        except Exception as e:  # noqa: BLE001 - the point of the test
            crashes.append(f"{text[:30]!r}: {type(e).__name__}: {e}")
    fault_row("10,000 fuzzed command strings (library)", "each accepted or refused with a reason; no exception",
              f"{len(texts) - len(accepted)} refused ({', '.join(f'{k} {v}' for k, v in sorted(reasons.items()))}), "
              f"{len(accepted)} accepted, {len(crashes)} crashes", None, False, not crashes)
    assert not crashes, crashes[:5]
    assert all(isinstance(a, str) and a for a in accepted)


def test_thousand_fuzzed_plan_messages(g1, base_msg, fault_row):
    from humanoid_lmm.control.attestation import PlanSigner
    from humanoid_lmm.ros.convert import msg_to_plan

    msgs = plan_messages(base_msg, 1000)
    signer = PlanSigner(b"k" * 32)
    parsed, refused, crashes, unsafe = 0, 0, [], []
    for i, msg in enumerate(msgs):
        try:
            plan = msg_to_plan(msg, "g1")
        except HumanoidLMMError as e:
            assert str(e)
            refused += 1
            continue
        except Exception as e:  # noqa: BLE001
            crashes.append(f"#{i}: {type(e).__name__}: {e}")
            continue
        parsed += 1
        if not sane_plan(plan, g1):
            unsafe.append(f"#{i}: an insane plan was accepted")
        try:  # what the streamer does next: only the untouched, correctly signed plan may pass
            signer.check(plan, max_age_s=3600.0)
            if plan.digest_bytes() != msg_to_plan(base_msg, "g1").digest_bytes():
                unsafe.append(f"#{i}: a changed plan kept its signature")
        except HumanoidLMMError:
            pass
        except Exception as e:  # noqa: BLE001
            crashes.append(f"#{i} check: {type(e).__name__}: {e}")
    fault_row("1,000 fuzzed JointTrajectory plans (library)", "each refused with a reason or parsed to a sane plan",
              f"{refused} refused, {parsed} parsed (signature then checked), {len(crashes)} crashes, "
              f"{len(unsafe)} unsafe", None, bool(unsafe), not crashes and not unsafe)
    assert not crashes, crashes[:5]
    assert not unsafe, unsafe[:5]
    assert refused >= 800  # nearly every mutation breaks the message


def test_a_million_points_is_refused_without_reading_them(base_msg, fault_row):
    import copy

    from trajectory_msgs.msg import JointTrajectoryPoint

    from humanoid_lmm.ros.convert import msg_to_plan

    msg = copy.copy(base_msg)
    msg.points = [JointTrajectoryPoint()] * 1_000_000
    t0 = time.perf_counter()
    with pytest.raises(HumanoidLMMError, match="too large"):
        msg_to_plan(msg, "g1")
    ms = (time.perf_counter() - t0) * 1e3
    fault_row("JointTrajectory with 10^6 points (library)", "refused before reading the points",
              f"refused in {ms:.1f} ms", None, False, ms < 1000)
    assert ms < 1000


def test_fuzz_helpers_break_what_they_claim(base_msg):
    """The fuzzer itself: its mutations change the message (a fuzzer that returned the base message unchanged
    would make the tests above pass trivially)."""
    from humanoid_lmm.ros.convert import msg_to_plan

    from fuzz import mutate

    good = msg_to_plan(base_msg, "g1")
    for kind in ("bad_value", "duplicate", "swap_times", "no_points", "header_text"):
        bad = mutate(base_msg, [(kind, 3, 5, float("nan"), "x")])
        with pytest.raises(HumanoidLMMError):
            msg_to_plan(bad, "g1")
    assert np.isfinite(good.reference.q).all()
