"""ros2 launch humanoid_lmm sim.launch.py robot:=g1 — the whole graph against the MuJoCo-simulated robot
on DDS loopback (domain 1, interface lo), like unitree_mujoco."""

import os

from ament_index_python.packages import get_package_share_directory
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, IncludeLaunchDescription
from launch.launch_description_sources import PythonLaunchDescriptionSource
from launch.substitutions import LaunchConfiguration


def generate_launch_description():
    bringup = os.path.join(get_package_share_directory("humanoid_lmm"), "launch", "bringup.launch.py")
    return LaunchDescription([
        DeclareLaunchArgument("robot", default_value="g1", choices=["g1", "h1"]),
        DeclareLaunchArgument("upper_body_only", default_value="false"),
        DeclareLaunchArgument("preview", default_value="false", choices=["true", "false"]),
        IncludeLaunchDescription(
            PythonLaunchDescriptionSource(bringup),
            launch_arguments={
                "robot": LaunchConfiguration("robot"),
                "mode": "sim",
                "net_interface": "lo",
                "domain_id": "1",
                "upper_body_only": LaunchConfiguration("upper_body_only"),
                "preview": LaunchConfiguration("preview"),
            }.items(),
        ),
    ])
