"""humanoid_lmm: text/speech command -> Large Motion Model -> retarget -> MuJoCo validation -> safe streaming.

The library never imports ROS; ROS 2 nodes live in :mod:`humanoid_lmm.ros`.
"""

from importlib import resources as _resources
from pathlib import Path as _Path

__version__ = "0.1.0"


def project_root() -> _Path:
    """Source checkout root (holds config/, models/, urdf/), or the installed share/ folder."""
    here = _Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "config" / "robots").is_dir():
            return parent
    share = _Path(str(_resources.files(__package__))).parents[3] / "share" / "humanoid_lmm"
    if (share / "config").is_dir():
        return share
    raise FileNotFoundError(f"cannot find the humanoid_lmm config/ folder above {here} or in {share}")
