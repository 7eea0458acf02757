"""Fuzzed inputs for the fault suite (Hypothesis): command strings and plan messages.

`examples(strategy, n)` draws n values reproducibly (derandomised, no example database), so the library-level
tests and the live-graph tests send the very same inputs.
"""

from __future__ import annotations

import json
import math

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

MB = 1 << 20

# ------------------------------------------------------------------ command strings

EXPLICIT_COMMANDS = [
    "", " ", "\t\n\r", "\x00", "\x00" * 1000, "\x1b[2J\x1b[H", "\u202ewave your right hand",
    "w\u200bave your right hand", "\ufeff", "\U0001F600" * 100, "a" * MB, "\u00e9" * (MB // 2),
    "wave " * (MB // 5), "\n" * MB, "squat\x00twice", "DROP TABLE commands;", "{\"text\": \"wave\"}",
    "nan", "inf", "-1", "0" * 4096,
]

CONTROL = st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs"])
COMMAND_TEXT = st.one_of(
    st.text(max_size=300),  # any unicode (no lone surrogates: not encodable as a ROS string)
    st.text(alphabet=CONTROL, max_size=300),
    st.text(alphabet=st.characters(max_codepoint=127), max_size=300),
    st.text(alphabet=st.characters(categories=["Lo", "Mn", "So"]), max_size=300),
    st.builds(lambda a, n: a * n, st.text(min_size=1, max_size=4), st.integers(300, 20_000)),  # long
)


def examples(strategy, n: int) -> list:
    """n values drawn from `strategy` (explicit ones not included), the same ones on every run."""
    out: list = []

    @settings(max_examples=n, database=None, deadline=None, derandomize=True, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(x):
        out.append(x)

    collect()
    return out


def command_strings(n: int = 10_000) -> list[str]:
    """The explicit cases (empty, control characters, 1 MB, ...) then Hypothesis draws: n in all."""
    return EXPLICIT_COMMANDS + examples(COMMAND_TEXT, n - len(EXPLICIT_COMMANDS))


# ------------------------------------------------------------------ plan messages

BAD_FLOATS = [math.nan, math.inf, -math.inf, 1e308, -1e308, 1e19, -0.0]
MUTATIONS = ["rename", "duplicate", "drop_name", "extra_name", "bad_value", "swap_times", "huge_time",
             "zero_times", "uneven_times", "short_point", "long_point", "no_points", "header_text",
             "header_json", "header_field", "few_points", "nan_root", "bad_quat"]
MUTATION = st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10_000), st.integers(0, 10_000),
                     st.sampled_from(BAD_FLOATS), st.text(max_size=40))
MUTATION_LISTS = st.lists(MUTATION, min_size=1, max_size=3)


def _set_time(p, seconds: float) -> None:
    seconds = min(max(seconds, 0.0), 2**31 - 1)
    p.time_from_start.sec = int(seconds)
    p.time_from_start.nanosec = int(round((seconds - int(seconds)) * 1e9)) % 1_000_000_000


def mutate(msg, mutations):
    """A copy of the plan message `msg` with each (kind, i, j, value, text) mutation applied."""
    import copy

    from trajectory_msgs.msg import JointTrajectoryPoint

    m = copy.deepcopy(msg)
    for kind, i, j, value, text in mutations:
        names = list(m.joint_names)
        points = list(m.points)
        if not points and kind not in ("header_text", "header_json", "header_field", "rename", "extra_name"):
            continue
        a = i % max(1, len(names))
        k = j % max(1, len(points))
        if kind == "rename" and names:
            names[a] = text or "no_such_joint"
        elif kind == "duplicate" and len(names) > 1:
            names[a] = names[(a + 1) % len(names)]
        elif kind == "drop_name" and names:
            del names[a]
        elif kind == "extra_name":
            names.append(text or "extra_joint")
        elif kind == "bad_value":
            pos = list(points[k].positions)
            pos[a % len(pos)] = value
            points[k].positions = pos
        elif kind == "nan_root":
            col = names.index("root/z") if "root/z" in names else a
            pos = list(points[k].positions)
            pos[col % len(pos)] = math.nan
            points[k].positions = pos
        elif kind == "bad_quat" and all(c in names for c in ("root/qw", "root/qx", "root/qy", "root/qz")):
            pos = list(points[k].positions)
            for c in ("root/qw", "root/qx", "root/qy", "root/qz"):
                pos[names.index(c)] = 0.0
            points[k].positions = pos
        elif kind == "swap_times" and len(points) > 1:
            k2 = (k + 1 + j % 7) % len(points)
            points[k].time_from_start, points[k2].time_from_start = points[k2].time_from_start, points[k].time_from_start
        elif kind == "huge_time":
            _set_time(points[k], 1e6 + i * 1e4)
        elif kind == "zero_times":
            for p in points:
                _set_time(p, 0.0)
        elif kind == "uneven_times":
            _set_time(points[k], points[k].time_from_start.sec + points[k].time_from_start.nanosec * 1e-9 + 0.003)
        elif kind == "short_point":
            points[k].positions = list(points[k].positions)[: a]
        elif kind == "long_point":
            points[k].positions = list(points[k].positions) + [value]
        elif kind == "no_points":
            points = []
        elif kind == "few_points":
            points = points[: 1 + a % 3]
        elif kind == "header_text":
            m.header.frame_id = text
        elif kind == "header_json":
            m.header.frame_id = json.dumps(_junk_header(i, j, value, text))
        elif kind == "header_field":
            head = _parse(m.header.frame_id)
            if head:
                field = sorted(head)[i % len(head)]
                head[field] = [None, text, value if math.isfinite(value) else str(value), -j, {"x": 1}, [1, 2]][j % 6]
                m.header.frame_id = json.dumps(head)
        if isinstance(points, list) and points and not isinstance(points[0], JointTrajectoryPoint):
            raise AssertionError("mutation broke the message type")
        m.joint_names = names
        m.points = points
    return m


def _parse(text):
    try:
        head = json.loads(text)
    except ValueError:
        return None
    return head if isinstance(head, dict) else None


def _junk_header(i, j, value, text):
    choices = [
        {"mode": text}, {"mode": "upper_body"}, {"mode": "whole_body", "reason": None, "controller": j},
        {"mode": "locomotion", "assist": text, "reference_fps": value if math.isfinite(value) else 0},
        [1, 2, 3], "upper_body", {"mode": ["upper_body"]}, {"mode": "upper_body", "created": text, "command_id": i},
        {"mode": "upper_body", "attestation": text}, {"mode": "upper_body", "attestation": f"v1:{value}:{text}"},
    ]
    return choices[(i + j) % len(choices)]


def plan_messages(base_msg, n: int = 1000) -> list:
    """n fuzzed variants of `base_msg` (a valid plan message), each different from it: a mutation list that
    undoes itself (the same two points swapped twice) gives back the valid plan, which is rightly executed."""
    # field by field (the messages' __eq__): serialised bytes are no test, CDR padding differs between copies
    variants = (mutate(base_msg, muts) for muts in examples(MUTATION_LISTS, n + n // 10))
    out = [m for m in variants if m != base_msg][:n]
    assert len(out) == n, f"only {len(out)} of {n} fuzzed plan messages differ from the valid one"
    return out


def sane_plan(plan, cfg) -> bool:
    """Finite, the robot's joints in motor order, within the joint limits (+ 0.05 rad), unit root quaternions."""
    ref = plan.reference
    arrays = [ref.q, ref.root_pos, ref.root_quat] + [a for a in (plan.velocity, plan.torso_quat) if a is not None]
    return (all(np.all(np.isfinite(a)) for a in arrays) and tuple(ref.joint_names) == tuple(cfg.joint_names)
            and np.all(ref.q >= cfg.q_lower - 0.05) and np.all(ref.q <= cfg.q_upper + 0.05)
            and np.allclose(np.linalg.norm(ref.root_quat, axis=1), 1.0, atol=1e-3))
