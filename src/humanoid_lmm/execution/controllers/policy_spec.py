"""`PolicySpec`: an ONNX policy and its observation layout, from `config/policies/<name>.yaml`.

A user plugs in another policy (a TextOp- or BeyondMimic-style tracker, another locomotion policy) by writing
one such file: which ONNX file, which controller runs it (`kind`), its rate, default pose, action scale and the
observation terms (name, dim, scale, order). Term names are the ones the controllers provide
(`LOCOMOTION_TERMS`, `TRACKING_TERMS`); an unknown term fails at load, naming the valid ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from humanoid_lmm.config_files import config_path, read_yaml_mapping
from humanoid_lmm.errors import ConfigError
from humanoid_lmm.robots.assets import package_file

__all__ = ["LOCOMOTION_TERMS", "TRACKING_TERMS", "ObservationTerm", "PolicySpec", "load_policy_spec"]

# term -> dim the controller provides (None: the robot's joint count; 2n for motion_command)
LOCOMOTION_TERMS = {"actions": None, "base_ang_vel": 3, "projected_gravity": 3, "command_lin_vel": 2,
                    "command_ang_vel": 1, "dof_pos": None, "dof_vel": None, "sin_phase": 2, "cos_phase": 2}
TRACKING_TERMS = {"actions": None, "base_ang_vel": 3, "projected_gravity": 3, "dof_pos": None, "dof_vel": None,
                  "motion_command": "2n", "motion_ref_ori_b": 6}
_KINDS = {"locomotion": LOCOMOTION_TERMS, "tracking": TRACKING_TERMS}
_FIELDS = {"kind", "onnx", "robot", "rate_hz", "input", "output", "extra_inputs", "action_scale", "default_q",
           "gait_period_s", "torso_link", "observation"}


@dataclass(frozen=True)
class ObservationTerm:
    name: str
    dim: int
    scale: float


@dataclass(frozen=True, eq=False)
class PolicySpec:
    name: str
    kind: str  # "locomotion" | "tracking"
    onnx: Path
    robot: str
    rate_hz: float
    input: str
    output: str
    extra_inputs: dict
    action_scale: np.ndarray  # (n,)
    default_q: np.ndarray  # (n,)
    terms: tuple[ObservationTerm, ...]  # in concatenation order
    gait_period_s: float = 1.0
    torso_link: str = "torso_link"
    source: Path | None = None

    @property
    def obs_dim(self) -> int:
        return sum(t.dim for t in self.terms)

    def offsets(self) -> dict[str, slice]:
        """term -> its slice in the observation vector."""
        out, i = {}, 0
        for t in self.terms:
            out[t.name] = slice(i, i + t.dim)
            i += t.dim
        return out


def _vector(raw, n: int, what: str, where) -> np.ndarray:
    a = np.asarray([raw] * n if isinstance(raw, (int, float)) else raw, dtype=float)
    if a.shape != (n,) or not np.all(np.isfinite(a)):
        raise ConfigError(f"{where}: {what} must be a number or {n} numbers, got {raw!r:.80}")
    return a


@lru_cache(maxsize=16)
def load_policy_spec(name: str, num_joints: int, path: str | None = None) -> PolicySpec:
    """config/policies/<name>.yaml (or `path`) for a robot with `num_joints` joints; validated."""
    p = Path(path) if path else config_path(None, f"policies/{name}.yaml")
    if not p.is_file():
        have = sorted(x.stem for x in p.parent.glob("*.yaml")) if p.parent.is_dir() else []
        raise ConfigError(f"policy {name!r}: {p} not found; available: {have}")
    raw = read_yaml_mapping(p, "policy spec", _FIELDS)
    kind = raw.get("kind")
    if kind not in _KINDS:
        raise ConfigError(f"{p}: kind {kind!r}; valid choices: {sorted(_KINDS)}")
    onnx = raw.get("onnx")
    if isinstance(onnx, dict) and set(onnx) == {"package", "path"}:
        onnx_path = package_file(str(onnx["package"]), str(onnx["path"]))
    elif isinstance(onnx, str) and Path(onnx).expanduser().is_file():
        onnx_path = Path(onnx).expanduser()
    else:
        raise ConfigError(f"{p}: onnx must be {{package, path}} of an installed package or an existing file, got {onnx!r}")
    obs = raw.get("observation")
    if not isinstance(obs, dict) or not isinstance(obs.get("terms"), dict) or not obs["terms"]:
        raise ConfigError(f"{p}: observation.terms must map term names to {{dim, scale}}")
    provided = _KINDS[kind]
    terms = []
    for tname, t in obs["terms"].items():
        if tname not in provided:
            raise ConfigError(f"{p}: observation term {tname!r} is not provided to a {kind} policy; valid: {sorted(provided)}")
        want = provided[tname]
        want = num_joints if want is None else 2 * num_joints if want == "2n" else want
        if not isinstance(t, dict) or t.get("dim") != want:
            raise ConfigError(f"{p}: observation.terms.{tname}.dim must be {want}, got {t!r}")
        terms.append(ObservationTerm(tname, int(want), float(t.get("scale", 1.0))))
    order = obs.get("order", "sorted")
    if order == "sorted":
        terms.sort(key=lambda t: t.name)
    elif order != "listed":
        raise ConfigError(f"{p}: observation.order {order!r}; valid choices: ['sorted', 'listed']")
    rate = raw.get("rate_hz")
    if not isinstance(rate, (int, float)) or not 1 <= rate <= 1000:
        raise ConfigError(f"{p}: rate_hz must be a number in [1, 1000], got {rate!r}")
    return PolicySpec(
        name=name, kind=kind, onnx=onnx_path, robot=str(raw.get("robot", "")), rate_hz=float(rate),
        input=str(raw.get("input", "obs")), output=str(raw.get("output", "actions")),
        extra_inputs={str(k): float(v) for k, v in (raw.get("extra_inputs") or {}).items()},
        action_scale=_vector(raw.get("action_scale", 0.25), num_joints, "action_scale", p),
        default_q=_vector(raw.get("default_q"), num_joints, "default_q", p),
        terms=tuple(terms), gait_period_s=float(raw.get("gait_period_s", 1.0)),
        torso_link=str(raw.get("torso_link", "torso_link")), source=p,
    )


def onnx_metadata(path: Path) -> dict:
    """The ONNX model's custom metadata, JSON values decoded where they parse."""
    import onnxruntime as ort

    meta = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).get_modelmeta().custom_metadata_map
    out = {}
    for k, v in meta.items():
        try:
            out[k] = json.loads(v)
        except (TypeError, ValueError):
            out[k] = v
    return out
