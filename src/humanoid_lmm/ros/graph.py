"""The humanoid_lmm ROS 2 graph: one table used by the pip launcher, the composed process and the tests.

launch/bringup.launch.py lists the same nodes for `ros2 launch` (tests/ros check they agree).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

__all__ = ["NodeSpec", "NODES", "OPTIONAL_NODES", "PREVIEW", "node_class", "PARAM_FILE"]

PARAM_FILE = "config/nodes.yaml"  # relative to the project root / share/humanoid_lmm


@dataclass(frozen=True)
class NodeSpec:
    name: str  # ROS node name (the key in config/nodes.yaml)
    executable: str  # console script (setup.py) = `ros2 run humanoid_lmm <executable>`
    module: str  # humanoid_lmm.ros.<module> with main() and the node class
    cls: str


NODES = (
    NodeSpec("humanoid_command", "humanoid_command", "command_node", "CommandNode"),
    NodeSpec("humanoid_generator", "humanoid_generator", "generator_node", "GeneratorNode"),
    NodeSpec("humanoid_retargeter", "humanoid_retargeter", "retarget_node", "RetargetNode"),
    NodeSpec("humanoid_validator", "humanoid_validator", "validator_node", "ValidatorNode"),
    NodeSpec("humanoid_streamer", "humanoid_streamer", "streamer_node", "StreamerNode"),
)

# Started only when asked for (`humanoid-lmm up --preview`, `ros2 launch ... preview:=true`).
PREVIEW = NodeSpec("humanoid_preview", "humanoid_preview", "preview_node", "PreviewNode")
OPTIONAL_NODES = (PREVIEW,)


def node_class(spec: NodeSpec):
    return getattr(importlib.import_module(f"humanoid_lmm.ros.{spec.module}"), spec.cls)
