"""Unitree SDK2 message helpers shared by the bridge and the simulated robot (hg: G1, go: H1).

numpy (motor order, n joints) <-> LowCmd_/LowState_ (SDK motor slots), CRC on every message.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from unitree_sdk2py.idl.default import (
    unitree_go_msg_dds__LowCmd_,
    unitree_go_msg_dds__LowState_,
    unitree_hg_msg_dds__LowCmd_,
    unitree_hg_msg_dds__LowState_,
)
from unitree_sdk2py.idl.unitree_go.msg.dds_ import LowCmd_ as GoLowCmd
from unitree_sdk2py.idl.unitree_go.msg.dds_ import LowState_ as GoLowState
from unitree_sdk2py.idl.unitree_hg.msg.dds_ import LowCmd_ as HgLowCmd
from unitree_sdk2py.idl.unitree_hg.msg.dds_ import LowState_ as HgLowState
from unitree_sdk2py.utils.crc import CRC

from humanoid_lmm.execution.types import JointCommand, RobotState
from humanoid_lmm.robots import RobotConfig

__all__ = [
    "ARM_SDK_WEIGHT_SLOT",
    "TOPIC_ARM_SDK",
    "TOPIC_LOWCMD",
    "TOPIC_LOWSTATE",
    "JointCommand",
    "JointState",
    "TOPIC_SPORT_STATE",
    "command_types",
    "crc_ok",
    "fill_command",
    "new_command",
    "new_state",
    "read_command",
    "read_state",
    "robot_state",
    "set_crc",
]

TOPIC_LOWCMD = "rt/lowcmd"
TOPIC_ARM_SDK = "rt/arm_sdk"
TOPIC_LOWSTATE = "rt/lowstate"
TOPIC_SPORT_STATE = "rt/sportmodestate"  # unitree_go SportModeState_: the simulated robot's ground-truth base
ARM_SDK_WEIGHT_SLOT = 29  # hg motor_cmd[29].q carries the arm_sdk weight 0..1
GO_WEAK_MOTOR_WORDS = ("ankle", "shoulder", "elbow")  # H1 example: mode 0x01 for these, 0x0A otherwise

_crc = CRC()


@dataclass
class JointState:
    """A decoded rt/lowstate (motor order)."""

    q: np.ndarray
    dq: np.ndarray
    tau: np.ndarray
    quat: np.ndarray  # (4,) wxyz
    gyro: np.ndarray
    acc: np.ndarray
    mode_machine: int
    tick: int


def command_types(cfg: RobotConfig):
    """(LowCmd_ type, LowState_ type) for the robot's message family."""
    return (HgLowCmd, HgLowState) if cfg.message_family == "hg" else (GoLowCmd, GoLowState)


def new_command(cfg: RobotConfig):
    if cfg.message_family == "hg":
        return unitree_hg_msg_dds__LowCmd_()
    cmd = unitree_go_msg_dds__LowCmd_()
    cmd.head[0], cmd.head[1], cmd.level_flag, cmd.gpio = 0xFE, 0xEF, 0xFF, 0
    for m in cmd.motor_cmd:  # unused slots (H1 slot 9): PMSM off
        m.mode = 0x00
    return cmd


def new_state(cfg: RobotConfig):
    return unitree_hg_msg_dds__LowState_() if cfg.message_family == "hg" else unitree_go_msg_dds__LowState_()


def set_crc(msg) -> None:
    msg.crc = _crc.Crc(msg)


def crc_ok(msg) -> bool:
    return int(msg.crc) == int(_crc.Crc(msg))


def _motor_mode(cfg: RobotConfig, i: int) -> int:
    if cfg.message_family == "hg":
        return 1  # enable
    return 0x01 if any(w in cfg.joint_names[i] for w in GO_WEAK_MOTOR_WORDS) else 0x0A


def fill_command(cfg: RobotConfig, cmd, c: JointCommand, joints=None, mode_pr: int = 0) -> None:
    """Write joint command c (motor order) into cmd's slots (only `joints` if given), then the CRC."""
    idx = range(cfg.num_joints) if joints is None else joints
    mc = cmd.motor_cmd
    for i in idx:
        m = mc[int(cfg.motor_index[i])]
        m.mode = _motor_mode(cfg, i)
        m.q, m.dq, m.tau, m.kp, m.kd = float(c.q[i]), float(c.dq[i]), float(c.tau[i]), float(c.kp[i]), float(c.kd[i])
    if cfg.message_family == "hg":
        cmd.mode_pr = mode_pr
        cmd.mode_machine = int(c.mode_machine)
    set_crc(cmd)


def read_command(cfg: RobotConfig, cmd) -> JointCommand:
    mc = cmd.motor_cmd
    slots = cfg.motor_index
    arr = np.array([(mc[s].q, mc[s].dq, mc[s].tau, mc[s].kp, mc[s].kd) for s in slots], dtype=float)
    hg = cfg.message_family == "hg"
    return JointCommand(arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], arr[:, 4],
                        mode_machine=int(cmd.mode_machine) if hg else 0,
                        weight=float(mc[ARM_SDK_WEIGHT_SLOT].q) if hg else 1.0)


def read_state(cfg: RobotConfig, st) -> JointState:
    ms = st.motor_state
    arr = np.array([(ms[s].q, ms[s].dq, ms[s].tau_est) for s in cfg.motor_index], dtype=float)
    imu = st.imu_state
    return JointState(arr[:, 0], arr[:, 1], arr[:, 2], np.array(imu.quaternion, float), np.array(imu.gyroscope, float),
                      np.array(imu.accelerometer, float),
                      int(st.mode_machine) if cfg.message_family == "hg" else 0, int(st.tick))


def robot_state(js: JointState) -> RobotState:
    """What the controllers read, from a decoded rt/lowstate."""
    return RobotState(q=js.q, dq=js.dq, quat=js.quat, gyro=js.gyro, tau=js.tau)
