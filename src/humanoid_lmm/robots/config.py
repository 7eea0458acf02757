"""Robot facts from `config/robots/<robot>.yaml` as a validated, typed `RobotConfig`.

Joint order everywhere in humanoid_lmm is the Unitree motor order (the order of the YAML `joints` list);
`motor_index` maps each joint to its slot in the SDK's `motor_cmd` array.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from humanoid_lmm import project_root
from humanoid_lmm.config_files import read_yaml_mapping
from humanoid_lmm.errors import ConfigError
from humanoid_lmm.robots.assets import RobotAssets, holosoma_root, package_file

__all__ = ["LinkNames", "RobotConfig", "load_robot_config", "load_robot_config_file", "available_robots"]

_JOINT_COLUMNS = ("name", "motor", "lower", "upper", "velocity", "effort", "kp", "kd", "default", "armature")
_FAMILY_SLOTS = {"hg": 35, "go": 20}  # motor_cmd array length of each unitree message family


@dataclass(frozen=True)
class LinkNames:
    """URDF link names of the bodies other stages refer to by role."""

    pelvis: str
    torso: str
    left_foot: str
    right_foot: str
    left_hand: str
    right_hand: str

    @property
    def feet(self) -> tuple[str, str]:
        return (self.left_foot, self.right_foot)

    @property
    def hands(self) -> tuple[str, str]:
        return (self.left_hand, self.right_hand)


@dataclass(frozen=True, eq=False)
class RobotConfig:
    """One robot's facts; arrays are (n,) in motor order. Units: rad, rad/s, N*m, N*m/rad, N*m*s/rad."""

    name: str
    message_family: str  # "hg" (G1) or "go" (H1)
    num_motor_slots: int  # motor slots the robot uses (G1 29, H1 20)
    joint_names: tuple[str, ...]
    motor_index: np.ndarray  # (n,) int
    q_lower: np.ndarray
    q_upper: np.ndarray
    dq_max: np.ndarray
    tau_max: np.ndarray
    kp: np.ndarray
    kd: np.ndarray
    default_q: np.ndarray
    armature: np.ndarray  # reflected rotor inertia [kg*m^2]
    joint_damping: float
    upper_body: np.ndarray  # (k,) joint indices driven in upper-body (arm_sdk) mode
    links: LinkNames
    smpl_map: dict[str, str]
    collision_exclude: tuple[tuple[str, str], ...]
    assets: RobotAssets
    source: Path
    sim_model: Path | None = None  # MJCF the robot is simulated with (its policies were trained on it), if any

    @property
    def num_joints(self) -> int:
        return len(self.joint_names)

    @property
    def lower_body(self) -> np.ndarray:
        """Joint indices not in `upper_body` (legs)."""
        return np.setdiff1d(np.arange(self.num_joints), self.upper_body)

    def joint_index(self, name: str) -> int:
        try:
            return self.joint_names.index(name)
        except ValueError:
            raise ConfigError(f"{self.name}: no joint {name!r}; joints: {list(self.joint_names)}") from None


def available_robots() -> list[str]:
    return sorted(p.stem for p in (project_root() / "config" / "robots").glob("*.yaml"))


def _field(raw: dict, key: str, where: Path, kind=None):
    if key not in raw:
        raise ConfigError(f"{where}: missing field {key!r}")
    value = raw[key]
    if kind is not None and not isinstance(value, kind):
        raise ConfigError(f"{where}: field {key!r} must be {kind.__name__}, got {type(value).__name__}: {value!r}")
    return value


def _parse_joints(rows: list, where: Path) -> dict[str, np.ndarray | tuple]:
    cols: dict[str, list] = {c: [] for c in _JOINT_COLUMNS}
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(_JOINT_COLUMNS):
            raise ConfigError(f"{where}: joints[{i}] must be a list of {len(_JOINT_COLUMNS)} values {_JOINT_COLUMNS}, got {row!r}")
        for c, v in zip(_JOINT_COLUMNS, row):
            if c != "name" and not isinstance(v, (int, float)):
                raise ConfigError(f"{where}: joints[{i}].{c} must be a number, got {v!r}")
            cols[c].append(v)
    out: dict = {"name": tuple(str(n) for n in cols["name"])}
    for c in _JOINT_COLUMNS[1:]:
        out[c] = np.asarray(cols[c], dtype=np.int64 if c == "motor" else np.float64)
        out[c].setflags(write=False)  # the config is shared (cached): nobody may edit it in place
    return out


def _check(cfg_path: Path, j: dict, family: str, slots: int) -> None:
    names = j["name"]
    if len(set(names)) != len(names):
        raise ConfigError(f"{cfg_path}: joints: duplicate joint names")
    motors = j["motor"]
    if np.any(np.diff(motors) <= 0) or motors[0] < 0 or motors[-1] >= slots:
        raise ConfigError(f"{cfg_path}: joints.motor must increase strictly within [0, {slots}), got {motors.tolist()}")
    bad = np.flatnonzero(j["lower"] >= j["upper"])
    if bad.size:
        raise ConfigError(f"{cfg_path}: joints.lower >= joints.upper for {[names[i] for i in bad]}")
    bad = np.flatnonzero((j["default"] < j["lower"]) | (j["default"] > j["upper"]))
    if bad.size:
        raise ConfigError(f"{cfg_path}: joints.default outside limits for {[names[i] for i in bad]}")
    for c in ("velocity", "effort", "kp"):
        bad = np.flatnonzero(j[c] <= 0)
        if bad.size:
            raise ConfigError(f"{cfg_path}: joints.{c} must be > 0 for {[names[i] for i in bad]}")
    for c in ("kd", "armature"):
        if np.any(j[c] < 0):
            raise ConfigError(f"{cfg_path}: joints.{c} must be >= 0")


@lru_cache(maxsize=None)
def load_robot_config(robot: str) -> RobotConfig:
    """Load and validate `config/robots/<robot>.yaml`. Raises ConfigError naming the bad field."""
    path = project_root() / "config" / "robots" / f"{robot}.yaml"
    if not path.is_file():
        raise ConfigError(f"unknown robot {robot!r}; valid choices: {available_robots()}")
    return load_robot_config_file(path, robot)


def load_robot_config_file(path: str | Path, robot: str | None = None) -> RobotConfig:
    """Load and validate a robot YAML file; `robot` (default: the file's stem) must match its `name`."""
    path = Path(path)
    robot = robot or path.stem
    raw = read_yaml_mapping(path, "robot config")

    family = _field(raw, "message_family", path, str)
    if family not in _FAMILY_SLOTS:
        raise ConfigError(f"{path}: message_family {family!r}; valid choices: {sorted(_FAMILY_SLOTS)}")
    slots = _field(raw, "num_motor_slots", path, int)
    if not 0 < slots <= _FAMILY_SLOTS[family]:
        raise ConfigError(f"{path}: num_motor_slots {slots} not in 1..{_FAMILY_SLOTS[family]} for family {family!r}")
    j = _parse_joints(_field(raw, "joints", path, list), path)
    _check(path, j, family, slots)
    names = j["name"]

    upper_names = _field(raw, "upper_body", path, list)
    unknown = [n for n in upper_names if n not in names]
    if unknown:
        raise ConfigError(f"{path}: upper_body names unknown joints {unknown}")
    links_raw = _field(raw, "links", path, dict)
    try:
        links = LinkNames(**links_raw)
    except TypeError as e:
        raise ConfigError(f"{path}: links: {e}; expected keys {list(LinkNames.__dataclass_fields__)}") from e
    smpl_map = {str(k): str(v) for k, v in _field(raw, "smpl_map", path, dict).items()}
    exclude = tuple((str(a), str(b)) for a, b in raw.get("collision_exclude") or [])

    urdf = holosoma_root() / "models" / _field(raw, "urdf", path, str)
    if not urdf.is_file():
        raise ConfigError(f"{path}: field 'urdf' -> {urdf} does not exist (is holosoma-retargeting installed?)")
    sim_model = None
    if raw.get("sim_model") is not None:
        sm = _field(raw, "sim_model", path, dict)
        if set(sm) != {"package", "path"}:
            raise ConfigError(f"{path}: field 'sim_model' must have keys 'package' and 'path', got {sorted(sm)}")
        sim_model = package_file(str(sm["package"]), str(sm["path"]))
    name = _field(raw, "name", path, str)
    if name != robot:
        raise ConfigError(f"{path}: field 'name' is {name!r} but the file is for {robot!r}")
    return RobotConfig(
        name=name,
        message_family=family,
        num_motor_slots=slots,
        joint_names=names,
        motor_index=j["motor"],
        q_lower=j["lower"],
        q_upper=j["upper"],
        dq_max=j["velocity"],
        tau_max=j["effort"],
        kp=j["kp"],
        kd=j["kd"],
        default_q=j["default"],
        armature=j["armature"],
        joint_damping=float(raw.get("joint_damping", 0.0)),
        upper_body=np.sort(np.array([names.index(n) for n in upper_names], dtype=np.int64)),
        links=links,
        smpl_map=smpl_map,
        collision_exclude=exclude,
        assets=RobotAssets(urdf=urdf, mesh_dir=urdf.parent),
        source=path,
        sim_model=sim_model,
    )
