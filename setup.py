"""humanoid_lmm: one setup.py for pip (editable or not) and for colcon (ament_python)."""
import os
from pathlib import Path

from setuptools import find_packages, setup

NAME = "humanoid_lmm"
HERE = Path(__file__).parent


def files(folder: str, pattern: str = "*") -> list[str]:
    return sorted(str(p) for p in (HERE / folder).glob(pattern) if p.is_file())


def rel(paths: list[str]) -> list[str]:
    return [str(Path(p).relative_to(HERE)) for p in paths]


# colcon (which sets COLCON=1) wants ament_python's layout: executables in lib/<package> for `ros2 run`.
# A pip install keeps them in the environment's bin/.
COLCON_OPTIONS = {
    "install": {"install_scripts": "$base/lib/" + NAME},
    "develop": {"script_dir": "$base/lib/" + NAME},
}

setup(
    name=NAME,
    options=COLCON_OPTIONS if os.environ.get("COLCON") else {},
    version="0.1.0",
    description="Speak or type a command; a Unitree G1/H1 does it, safely (Large Motion Model + ROS 2).",
    license="Apache-2.0",
    python_requires=">=3.11",
    package_dir={"": "src"},
    packages=find_packages("src"),
    package_data={NAME: ["py.typed"]},
    data_files=[
        ("share/ament_index/resource_index/packages", ["resource/" + NAME]),
        ("share/" + NAME, ["package.xml"]),
        ("share/" + NAME + "/launch", rel(files("launch", "*.launch.py"))),
        ("share/" + NAME + "/config", rel(files("config", "*.yaml"))),
        ("share/" + NAME + "/config/robots", rel(files("config/robots", "*.yaml"))),
        ("share/" + NAME + "/urdf", rel(files("urdf"))),
    ],
    zip_safe=False,
    entry_points={
        "console_scripts": [
            "humanoid-lmm = humanoid_lmm.cli:main",
            # ROS 2 nodes (`ros2 run humanoid_lmm <name>`; the list is src/humanoid_lmm/ros/graph.py)
            "humanoid_command = humanoid_lmm.ros.command_node:main",
            "humanoid_generator = humanoid_lmm.ros.generator_node:main",
            "humanoid_retargeter = humanoid_lmm.ros.retarget_node:main",
            "humanoid_validator = humanoid_lmm.ros.validator_node:main",
            "humanoid_streamer = humanoid_lmm.ros.streamer_node:main",
            "humanoid_preview = humanoid_lmm.ros.preview_node:main",  # optional (graph.OPTIONAL_NODES)
            "humanoid_recorder = humanoid_lmm.ros.recorder:main",
        ],
    },
)
