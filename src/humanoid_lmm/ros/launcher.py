"""`humanoid-lmm up`: start the graph of launch/bringup.launch.py without ros2 launch (pip installs).

Same node executables, same parameter file (config/nodes.yaml), same launch arguments. Each node is a
process (default) or all share one (`--composed`); `--sim` adds the MuJoCo robot on DDS loopback. If any
process exits, the others are stopped (SIGINT, then SIGTERM) and the exit code says which one failed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from humanoid_lmm import project_root
from humanoid_lmm.control.attestation import KEY_ENV, new_launch_key
from humanoid_lmm.errors import ConfigError
from humanoid_lmm.ros.graph import NODES, PARAM_FILE, PREVIEW

__all__ = ["LaunchArgs", "graph_commands", "Launcher"]


@dataclass(frozen=True)
class LaunchArgs:
    robot: str = "g1"
    mode: str = "sim"  # sim | real
    net_interface: str = "lo"
    domain_id: int = 1
    model_dir: str = ""
    upper_body_only: bool = False
    transport: str = ""  # "" = sim: lowcmd (the stack's policy), real: arm_sdk (the built-in controller balances)
    allow_lowcmd_policy: bool = False  # real robot + lowcmd: explicit opt-in to release the built-in controller
    composed: bool = False
    planner_nice: int = 10  # planning nodes yield the CPU to the robot link (500 Hz loops must not starve)
    record: str = ""  # "" = no recording; else an .mcap file or a rosbag2 bag folder (ros/recorder.py)
    preview: bool = False  # the optional 3D preview node (ros/preview_node.py, off by default)
    preview_port: int = 8080
    sim_robot: bool = True  # sim mode: start the simulated robot too (tests that run their own set it False)


def _overrides_file(a: LaunchArgs, node_params: dict[str, dict]) -> Path:
    """Launch arguments as a node-specific parameter file: `-p` on the command line is a wildcard and
    loses against the node-specific entries of config/nodes.yaml, a later node-specific file wins."""
    data = {"/**": {"ros__parameters": {"robot": a.robot}}}
    for node, params in node_params.items():
        data[node] = {"ros__parameters": {"robot": a.robot, **params}}
    fd, path = tempfile.mkstemp(prefix="humanoid_lmm_launch_", suffix=".yaml")
    with os.fdopen(fd, "w") as f:
        yaml.safe_dump(data, f)
    return Path(path)


def _ros_args(overrides: Path) -> list[str]:
    return ["--ros-args", "--params-file", str(project_root() / PARAM_FILE), "--params-file", str(overrides)]


SUPERVISOR = "supervisor"
REALTIME = ("sim_robot", "humanoid_streamer", "composed", SUPERVISOR)  # processes that keep their normal priority


def transport_of(a: LaunchArgs) -> str:
    """The given transport, else the mode's safe default: sim -> lowcmd (the stack's policy); real -> arm_sdk on
    a robot that has it (G1: its built-in controller balances), lowcmd otherwise (H1: the bridge then refuses
    every free-standing plan, since nothing balances it)."""
    from humanoid_lmm.robots import load_robot_config

    if a.transport:
        return a.transport
    has_arm_sdk = load_robot_config(a.robot).message_family == "hg"
    return "arm_sdk" if a.mode == "real" and has_arm_sdk else "lowcmd"


def needs_gantry(robot: str) -> bool:
    """True when no controller balances this robot: in simulation it hangs on the gantry (named in reports)."""
    from humanoid_lmm.execution import load_execution_config

    return not load_execution_config().controllers_for(robot).balances


def graph_commands(a: LaunchArgs) -> list[tuple[str, list[str]]]:
    """(label, argv) of every process the launch starts."""
    py = sys.executable
    gantry = a.mode == "sim" and needs_gantry(a.robot)
    node_params = {
        "humanoid_generator": {"model_dir": a.model_dir},
        "humanoid_retargeter": {"upper_body_only": a.upper_body_only},
        "humanoid_validator": {"transport": transport_of(a)},
        "humanoid_streamer": {"mode": a.mode, "net_interface": a.net_interface, "domain_id": a.domain_id,
                              "transport": transport_of(a), "allow_lowcmd_policy": a.allow_lowcmd_policy,
                              "gantry": gantry, "require_confirmation": a.mode == "real"},
    }
    optional = [PREVIEW] if a.preview else []
    node_params[PREVIEW.name] = {"port": a.preview_port}
    overrides = _overrides_file(a, {spec.name: node_params.get(spec.name, {}) for spec in (*NODES, *optional)})
    if a.composed and a.mode == "real":
        raise ConfigError("--composed is simulation only: on the real robot the bridge runs in its own process "
                          "(its 500 Hz loop must not share a process with torch and MuJoCo)")
    procs = []
    if a.mode == "sim" and a.sim_robot:
        procs.append(("sim_robot", [py, "-m", "humanoid_lmm.cli", "sim-robot", "--robot", a.robot,
                                    "--domain", str(a.domain_id), "--iface", a.net_interface,
                                    "--base", "gantry" if gantry else "free"]))
    if a.composed:
        procs.append(("composed", [py, "-m", "humanoid_lmm.ros.composed", *_ros_args(overrides)]))
    else:
        for spec in NODES:
            argv = [py, "-m", f"humanoid_lmm.ros.{spec.module}", *_ros_args(overrides)]
            procs.append((spec.name, argv + ["-r", f"__node:={spec.name}"]))
    for spec in optional:
        argv = [py, "-m", f"humanoid_lmm.ros.{spec.module}", *_ros_args(overrides)]
        procs.append((spec.name, argv + ["-r", f"__node:={spec.name}"]))
    if a.record:
        procs.append(("recorder", [py, "-m", "humanoid_lmm.ros.recorder", "--output", str(Path(a.record).resolve())]))
    # the dead-man: a minimal process of its own that damps the robot if the streamer's bridge goes silent
    procs.append((SUPERVISOR, [py, "-m", "humanoid_lmm.cli", "supervise", "--robot", a.robot, "--transport",
                               transport_of(a), "--link", a.mode, "--domain", str(a.domain_id),
                               "--iface", a.net_interface]))
    return procs


class Launcher:
    """Start, watch and stop the graph's processes."""

    def __init__(self, args: LaunchArgs, env: dict | None = None):
        self.args = args
        self.env = {**os.environ, **(env or {})}
        self.env.setdefault("RMW_IMPLEMENTATION", "rmw_fastrtps_cpp")
        self.key_file = new_launch_key()  # this launch's signing key: only our processes get its path
        self.env[KEY_ENV] = str(self.key_file)
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self) -> "Launcher":
        for label, argv in graph_commands(self.args):
            nice = 0 if label in REALTIME else self.args.planner_nice
            proc = subprocess.Popen(argv, env=self.env, start_new_session=True,
                                    preexec_fn=(lambda n=nice: os.nice(n)) if nice else None)
            self.procs.append((label, proc))
        return self

    def poll(self) -> tuple[str, int] | None:
        """(label, exit code) of the first process that ended, else None."""
        for label, p in self.procs:
            if p.poll() is not None:
                return label, p.returncode
        return None

    def stop(self, timeout: float = 10.0) -> None:
        self._stop_processes(timeout)
        self.key_file.unlink(missing_ok=True)
        for _, p in self.procs:  # the launch-argument parameter files written by graph_commands
            for arg in p.args:
                if str(arg).startswith(tempfile.gettempdir()) and "humanoid_lmm_launch_" in str(arg):
                    Path(arg).unlink(missing_ok=True)

    def _stop_processes(self, timeout: float, procs: list | None = None) -> None:
        procs = [p for _, p in self.procs] if procs is None else procs
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            alive = [p for p in procs if p.poll() is None]
            for p in alive:
                try:
                    os.killpg(p.pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + timeout / 2
            while any(p.poll() is None for p in alive) and time.monotonic() < deadline:
                time.sleep(0.05)
            if not any(p.poll() is None for p in alive):
                return

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def wait(self) -> int:
        """Run until Ctrl-C / SIGTERM (exit 0) or until a process ends. Then every process is stopped - except
        the supervisor after a failure: it keeps the robot in damping until the operator stops it (Ctrl-C)."""
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        try:
            while (ended := self.poll()) is None:
                time.sleep(0.2)
            label, code = ended
            self._stop_processes(10.0, [p for lbl, p in self.procs if lbl != SUPERVISOR])
            print(f"humanoid-lmm up: process {label!r} exited with code {code}; stopped the others", file=sys.stderr)
            supervisor = [p for lbl, p in self.procs if lbl == SUPERVISOR and p.poll() is None]
            if supervisor:
                print(f"humanoid-lmm up: the supervisor (pid {supervisor[0].pid}) keeps the robot in damping; "
                      "Ctrl-C stops it once the robot is safe", file=sys.stderr)
                supervisor[0].wait()
            return code or 1
        except KeyboardInterrupt:
            return 0
        finally:
            self.stop()
