"""The simulated robot in a child process (its own GIL), queried over a pipe: for tests and benches that run a
bridge in their own process against it.

In one process the sim robot's 500 Hz loop, the bridge's 500 Hz loop and the caller's threads share one GIL;
rt/lowstate then paused > 100 ms now and then. As on the robot (and in the ROS graph), the robot runs apart from
the bridge; the caller reads its ground truth here.
"""

from __future__ import annotations

import multiprocessing as mp
import threading

__all__ = ["SimRobotProcess"]


def _serve(conn, robot_name: str, control, domain: int, interface: str, base: str | None) -> None:
    from humanoid_lmm.control.sim_robot import SimRobot
    from humanoid_lmm.robots import load_robot_config

    sim = SimRobot(load_robot_config(robot_name), control, domain, interface, base=base)
    sim.start()
    conn.send(("ready", sim.mode_machine))
    queries = {"q": lambda: sim.q.copy(), "applied": lambda: sim.applied, "stats": sim.stats,
               "stop": sim.stop, "resume": sim.loop.start, "overruns": lambda: sim.loop.overruns, "base": lambda: sim.base_pos.copy(),
               "pose": sim.pose, "reset": sim.reset_pose, "reset_held": lambda: sim.reset_pose(held=True), "damping_since": lambda: sim.damping_since,
               "last_command_t": lambda: sim.last_command_t,
               "arm_weight": lambda: sim.arm_weight}
    calls = {"inject": sim.inject_state_fault}
    while True:
        try:
            name = conn.recv()
        except EOFError:
            break
        if name == "close":
            break
        if isinstance(name, tuple):  # (call, *args)
            conn.send(calls[name[0]](*name[1:]))
            continue
        conn.send(queries[name]())
    sim.close()
    conn.send(None)


class SimRobotProcess:
    """Start a SimRobot in a spawned process; `q`, `applied`, `stats()`, `stop()` ask it over a pipe."""

    def __init__(self, robot_name: str, control, domain: int, interface: str = "lo", start_timeout_s: float = 60.0,
                 base: str | None = None):
        ctx = mp.get_context("spawn")  # no fork of a process that already holds DDS threads
        self._conn, child = ctx.Pipe()
        self._lock = threading.Lock()
        self._proc = ctx.Process(target=_serve, args=(child, robot_name, control, domain, interface, base),
                                 name=f"sim-robot-{robot_name}", daemon=True)
        self._proc.start()
        if not self._conn.poll(start_timeout_s):
            self._proc.kill()
            raise RuntimeError(f"sim robot process did not start within {start_timeout_s} s")
        tag, self.mode_machine = self._conn.recv()
        assert tag == "ready"

    def _ask(self, name: str):
        with self._lock:
            self._conn.send(name)
            return self._conn.recv()

    @property
    def q(self):
        return self._ask("q")

    @property
    def base(self):
        """Ground-truth pelvis position (3,) [m]."""
        return self._ask("base")

    def pose(self):
        """Ground truth: (pelvis position (3,), pelvis quaternion wxyz (4,), joints (n,))."""
        return self._ask("pose")

    def reset(self, held: bool = False) -> None:
        """Put the robot back on its feet in the stand pose at the origin (after a fall); held: SimRobot.reset_pose."""
        self._ask("reset_held" if held else "reset")

    def inject_state_fault(self, kind: str, seconds: float) -> None:
        """rt/lowstate dropped / NaN / Inf / bad CRC for `seconds` (SimRobot.inject_state_fault)."""
        self._ask(("inject", kind, seconds))

    @property
    def damping_since(self) -> float | None:
        """time.monotonic() since which the robot applies damping (None: it does not)."""
        return self._ask("damping_since")

    @property
    def last_command_t(self) -> float | None:
        return self._ask("last_command_t")

    @property
    def arm_weight(self) -> float | None:
        """SimRobot.arm_weight: the rt/arm_sdk weight the robot applies."""
        return self._ask("arm_weight")

    @property
    def applied(self):
        return self._ask("applied")

    def stats(self) -> dict:
        return self._ask("stats")

    def stop(self) -> None:
        """The robot goes silent (stops rt/lowstate) but keeps answering here."""
        self._ask("stop")

    def resume(self) -> None:
        """The silent robot comes back (its loop runs again)."""
        self._ask("resume")

    def close(self) -> None:
        if self._proc.is_alive():
            try:
                self._ask("close")
            except (EOFError, BrokenPipeError, OSError):
                pass
        self._proc.join(5.0)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()
