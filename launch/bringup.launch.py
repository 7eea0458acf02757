"""ros2 launch humanoid_lmm bringup.launch.py robot:=g1 mode:=sim|real net_interface:=lo domain_id:=1 [preview:=true]

The humanoid_lmm graph: command -> generator -> retargeter -> validator -> streamer (same nodes and
parameter file as `humanoid-lmm up`; src/humanoid_lmm/ros/graph.py). In mode:=sim a MuJoCo robot on the
Unitree DDS topics is started too (G1 free-standing; H1 on the gantry, since nothing balances it).
transport:= lowcmd (the stack's balancing policy) | arm_sdk (G1 built-in controller); real + lowcmd needs
allow_lowcmd_policy:=true. preview:=true adds the optional 3D preview node (off by default).
"""

import os

from ament_index_python.packages import get_package_share_directory
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, ExecuteProcess, SetEnvironmentVariable
from launch.conditions import IfCondition
from launch.substitutions import LaunchConfiguration, PythonExpression
from launch_ros.actions import Node

PACKAGE = "humanoid_lmm"


def generate_launch_description():
    from humanoid_lmm.control.attestation import KEY_ENV, new_launch_key

    params = os.path.join(get_package_share_directory(PACKAGE), "config", "nodes.yaml")
    key_file = str(new_launch_key())  # this launch's plan-signing key, for our processes only (docs/safety.md)
    robot = LaunchConfiguration("robot")
    mode = LaunchConfiguration("mode")
    net_interface = LaunchConfiguration("net_interface")
    domain_id = LaunchConfiguration("domain_id")
    # "" = the safe default of the mode: sim -> lowcmd (the stack's policy), real -> arm_sdk on the G1 (built-in
    # controller), lowcmd on the H1 (no arm_sdk: its bridge refuses every free-standing plan)
    transport = PythonExpression(["'", LaunchConfiguration("transport"), "' or ('arm_sdk' if '", mode,
                                  "' == 'real' and '", robot, "' == 'g1' else 'lowcmd')"])
    # nothing balances an H1: in simulation it hangs on the gantry, and every report says so
    gantry = PythonExpression(["'", mode, "' == 'sim' and '", robot, "' == 'h1'"])
    overrides = {"robot": robot, "use_sim_time": LaunchConfiguration("use_sim_time")}

    def node(executable, name, extra=None, condition=None):
        return Node(package=PACKAGE, executable=executable, name=name, output="screen",
                    parameters=[params, {**overrides, **(extra or {})}], condition=condition)

    return LaunchDescription([
        SetEnvironmentVariable(KEY_ENV, key_file),
        DeclareLaunchArgument("robot", default_value="g1", choices=["g1", "h1"]),
        DeclareLaunchArgument("mode", default_value="sim", choices=["sim", "real"]),
        DeclareLaunchArgument("net_interface", default_value="lo"),
        DeclareLaunchArgument("domain_id", default_value="1"),
        DeclareLaunchArgument("model_dir", default_value=""),
        DeclareLaunchArgument("upper_body_only", default_value="false"),
        DeclareLaunchArgument("transport", default_value="", choices=["", "lowcmd", "arm_sdk"]),
        DeclareLaunchArgument("allow_lowcmd_policy", default_value="false"),
        DeclareLaunchArgument("use_sim_time", default_value="false"),
        DeclareLaunchArgument("preview", default_value="false", choices=["true", "false"]),
        node("humanoid_command", "humanoid_command"),
        node("humanoid_generator", "humanoid_generator", {"model_dir": LaunchConfiguration("model_dir")}),
        node("humanoid_retargeter", "humanoid_retargeter", {"upper_body_only": LaunchConfiguration("upper_body_only")}),
        node("humanoid_validator", "humanoid_validator", {"transport": transport}),
        node("humanoid_streamer", "humanoid_streamer",
             {"mode": mode, "net_interface": net_interface, "domain_id": domain_id, "transport": transport,
              "allow_lowcmd_policy": LaunchConfiguration("allow_lowcmd_policy"), "gantry": gantry,
              "require_confirmation": PythonExpression(["'", mode, "' == 'real'"])}),
        node("humanoid_preview", "humanoid_preview", condition=IfCondition(LaunchConfiguration("preview"))),
        ExecuteProcess(
            cmd=["humanoid-lmm", "sim-robot", "--robot", robot, "--domain", domain_id, "--iface", net_interface,
                 "--base", PythonExpression(["'gantry' if '", robot, "' == 'h1' else 'free'"])],
            output="screen",
            condition=IfCondition(PythonExpression(["'", mode, "' == 'sim'"])),
        ),
        ExecuteProcess(  # the dead-man supervisor: damping if the streamer's bridge goes silent
            cmd=["humanoid-lmm", "supervise", "--robot", robot, "--transport", transport, "--link", mode,
                 "--domain", domain_id, "--iface", net_interface],
            output="screen",
        ),
    ])
