"""The launch files, the pip launcher and setup.py name the same executables and parameter files."""

import ast
import re
from pathlib import Path

import yaml

from humanoid_lmm import project_root
from humanoid_lmm.ros.graph import NODES, OPTIONAL_NODES, PARAM_FILE
from humanoid_lmm.ros.launcher import LaunchArgs, graph_commands

ROOT = project_root()


def _calls(path: Path, func: str):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == func:
            yield node


def _console_scripts() -> dict[str, str]:
    text = (ROOT / "setup.py").read_text()
    return dict(re.findall(r'"([\w-]+) = ([\w.]+:\w+)"', text))


def _launch_executables() -> set[str]:
    """Executables of `node("<exe>", ...)` helper calls and Node(executable=...) in bringup.launch.py."""
    path = ROOT / "launch" / "bringup.launch.py"
    exes = {c.args[0].value for c in _calls(path, "node") if c.args and isinstance(c.args[0], ast.Constant)}
    for c in _calls(path, "Node"):
        exes |= {k.value.value for k in c.keywords if k.arg == "executable" and isinstance(k.value, ast.Constant)}
    return exes


def test_launch_nodes_match_graph_and_setup():
    scripts = _console_scripts()
    graph = {spec.executable for spec in (*NODES, *OPTIONAL_NODES)}
    assert _launch_executables() == graph
    for spec in (*NODES, *OPTIONAL_NODES):
        assert scripts[spec.executable] == f"humanoid_lmm.ros.{spec.module}:main"


def test_parameter_file_exists_and_covers_every_node():
    params = yaml.safe_load((ROOT / PARAM_FILE).read_text())
    for spec in (*NODES, *OPTIONAL_NODES):
        assert spec.name in params and "ros__parameters" in params[spec.name], spec.name
    assert "nodes.yaml" in (ROOT / "launch" / "bringup.launch.py").read_text()
    assert (ROOT / PARAM_FILE).name == "nodes.yaml"


def test_launch_arguments_are_the_documented_ones():
    path = ROOT / "launch" / "bringup.launch.py"
    declared = {c.args[0].value for c in _calls(path, "DeclareLaunchArgument")}
    assert {"robot", "mode", "net_interface", "domain_id", "model_dir", "upper_body_only", "transport",
            "allow_lowcmd_policy"} <= declared
    sim = {c.args[0].value for c in _calls(ROOT / "launch" / "sim.launch.py", "DeclareLaunchArgument")}
    assert "robot" in sim


def test_pip_launcher_starts_the_same_nodes_with_the_same_parameter_file():
    cmds = dict(graph_commands(LaunchArgs(robot="h1", mode="sim")))
    # + the simulated robot and the dead-man supervisor; optional nodes stay off by default
    assert set(cmds) == {spec.name for spec in NODES} | {"sim_robot", "supervisor"}
    with_preview = dict(graph_commands(LaunchArgs(robot="h1", mode="sim", preview=True, preview_port=8123)))
    assert set(with_preview) == set(cmds) | {"humanoid_preview"}
    preview = yaml.safe_load(Path([x for x in with_preview["humanoid_preview"] if x.endswith(".yaml")][-1]).read_text())
    assert preview["humanoid_preview"]["ros__parameters"] == {"robot": "h1", "port": 8123}
    cmds_all = [*cmds.values(), *with_preview.values()]
    for spec in NODES:
        argv = cmds[spec.name]
        assert f"humanoid_lmm.ros.{spec.module}" in argv
        assert str(ROOT / PARAM_FILE) in argv
        overrides = yaml.safe_load(Path(argv[-3] if argv[-2] == "-r" else argv[-1]).read_text())
        assert overrides[spec.name]["ros__parameters"]["robot"] == "h1"
    streamer = yaml.safe_load(Path([x for x in cmds["humanoid_streamer"] if x.endswith(".yaml")][-1]).read_text())
    assert streamer["humanoid_streamer"]["ros__parameters"]["domain_id"] == 1
    # H1 has no balancing controller: its simulated robot hangs on the gantry and the streamer knows it
    assert streamer["humanoid_streamer"]["ros__parameters"]["gantry"] is True
    assert cmds["sim_robot"][cmds["sim_robot"].index("--base") + 1] == "gantry"
    g1 = dict(graph_commands(LaunchArgs(robot="g1", mode="sim")))
    assert g1["sim_robot"][g1["sim_robot"].index("--base") + 1] == "free"
    real_cmds = dict(graph_commands(LaunchArgs(robot="g1", mode="real")))
    real = yaml.safe_load(Path([x for x in real_cmds["humanoid_streamer"] if x.endswith(".yaml")][-1]).read_text())
    real = real["humanoid_streamer"]["ros__parameters"]
    assert real["transport"] == "arm_sdk" and real["allow_lowcmd_policy"] is False  # the real robot's default
    composed = dict(graph_commands(LaunchArgs(composed=True, mode="sim")))
    assert set(composed) == {"composed", "sim_robot", "supervisor"}
    import pytest

    from humanoid_lmm.errors import ConfigError
    with pytest.raises(ConfigError, match="own process"):
        graph_commands(LaunchArgs(composed=True, mode="real"))  # the bridge never shares torch's process on a robot
    for argv in [*cmds_all, *composed.values(), *g1.values(), *real_cmds.values()]:  # per-launch files
        for arg in argv:
            if "humanoid_lmm_launch_" in arg:
                Path(arg).unlink(missing_ok=True)


def test_node_modules_have_main():
    import importlib

    for spec in (*NODES, *OPTIONAL_NODES):
        src = (ROOT / "src" / "humanoid_lmm" / "ros" / f"{spec.module}.py").read_text()
        assert "def main(" in src and f"class {spec.cls}(" in src
        assert importlib.util.find_spec(f"humanoid_lmm.ros.{spec.module}") is not None
