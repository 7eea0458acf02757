"""Locate the Unitree robot description files shipped by the installed `holosoma-retargeting` package.

The project does not copy third-party URDF/MJCF/meshes; it finds them in site-packages.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from humanoid_lmm.errors import ConfigError

ASSET_PACKAGE = "holosoma_retargeting"

# Files inside <holosoma_retargeting>/models/ per robot (package version pinned in requirements/constraints.txt).
# Both engines are built from the URDF (H1 ships no MJCF there), so Pinocchio and MuJoCo share one source.
_ROBOT_FILES = {
    "g1": ("g1", "g1_29dof.urdf"),
    "h1": ("h1", "h1_19dof.urdf"),
}


@dataclass(frozen=True)
class RobotAssets:
    """Paths of one robot's description files."""

    urdf: Path
    mesh_dir: Path  # folder the URDF's relative mesh paths ("meshes/...") are resolved against

    @property
    def package_dir(self) -> Path:
        return self.urdf.parent


def holosoma_root() -> Path:
    """Root folder of the installed holosoma_retargeting package (not imported: its code needs extra deps)."""
    spec = importlib.util.find_spec(ASSET_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            f"package {ASSET_PACKAGE!r} is not installed; run scripts/install.sh "
            "(it installs holosoma-retargeting --no-deps for the Unitree robot models)"
        )
    return Path(list(spec.submodule_search_locations)[0])


def find_robot_assets(robot: str) -> RobotAssets:
    """URDF (+ meshes) of `robot` ('g1' or 'h1') from the installed asset package."""
    if robot not in _ROBOT_FILES:
        raise ConfigError(f"unknown robot {robot!r}; valid choices: {sorted(_ROBOT_FILES)}")
    sub, urdf_name = _ROBOT_FILES[robot]
    folder = holosoma_root() / "models" / sub
    urdf = folder / urdf_name
    if not urdf.is_file():
        found = sorted(x.name for x in folder.glob("*")) if folder.is_dir() else "nothing"
        raise ConfigError(f"robot {robot!r}: expected {urdf} in {ASSET_PACKAGE}; found {found}")
    return RobotAssets(urdf=urdf, mesh_dir=folder)


def package_file(package: str, relative: str) -> Path:
    """A data file inside an installed package (found without importing the package, whose code may need
    dependencies the project does not install)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"package {package!r} is not installed; run scripts/install.sh")
    path = Path(list(spec.submodule_search_locations)[0]) / relative
    if not path.is_file():
        raise ConfigError(f"{path} is missing from the installed {package!r}: reinstall it (pinned in requirements/)")
    return path


def demo_data_dir() -> Path:
    """Real human mocap shipped with holosoma-retargeting (OMOMO SMPL-H .pt, climbing .npy)."""
    d = holosoma_root() / "demo_data"
    if not d.is_dir():
        raise ConfigError(f"{d} missing: reinstall holosoma-retargeting")
    return d
