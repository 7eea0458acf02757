"""Robot descriptions: validated configs, asset lookup, Pinocchio/MuJoCo builders, `RobotTrajectory`."""

from humanoid_lmm.robots.assets import RobotAssets, demo_data_dir, find_robot_assets, holosoma_root
from humanoid_lmm.robots.config import LinkNames, RobotConfig, available_robots, load_robot_config, load_robot_config_file
from humanoid_lmm.robots.mujoco_model import MujocoRobot, build_mujoco_model, standing_root_height
from humanoid_lmm.robots.pinocchio_model import PinocchioRobot, build_pinocchio_model
from humanoid_lmm.robots.sim_model import build_sim_model
from humanoid_lmm.robots.trajectory import RobotTrajectory

__all__ = [
    "LinkNames",
    "MujocoRobot",
    "PinocchioRobot",
    "RobotAssets",
    "RobotConfig",
    "RobotTrajectory",
    "available_robots",
    "build_mujoco_model",
    "build_pinocchio_model",
    "build_sim_model",
    "demo_data_dir",
    "find_robot_assets",
    "holosoma_root",
    "load_robot_config",
    "load_robot_config_file",
    "standing_root_height",
]
