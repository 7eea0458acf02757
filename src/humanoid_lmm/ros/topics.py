"""Topic and service names of the humanoid_lmm graph (one place; docs/ros.md lists them)."""

COMMAND = "/humanoid/command"  # std_msgs/String, input from users / other nodes
ACCEPTED = "/humanoid/accepted_command"  # std_msgs/String (JSON {"id", "text"})
MOTION = "/humanoid/motion"  # trajectory_msgs/MultiDOFJointTrajectory (SMPL)
RETARGETED = "/humanoid/retargeted_trajectory"  # trajectory_msgs/JointTrajectory (+ base pseudo-joints)
VALIDATED = "/humanoid/validated_trajectory"  # trajectory_msgs/JointTrajectory (robot joints, motor order)
TARGETS = "/humanoid/joint_targets"  # sensor_msgs/JointState, safe streamed targets
JOINT_STATES = "/humanoid/joint_states"  # sensor_msgs/JointState, measured from rt/lowstate
STATUS = "/humanoid/status"  # std_msgs/String JSON, one per stage per command
DIAGNOSTICS = "/diagnostics"  # diagnostic_msgs/DiagnosticArray
ESTOP = "/humanoid/estop"  # std_msgs/Bool: true = e-stop (latched), services below
ESTOP_SRV = "/humanoid/estop"  # std_srvs/Trigger
RESET_ESTOP = "/humanoid/reset_estop"  # std_msgs/String: a signed reset token (`humanoid-lmm reset-estop`)
CANCEL_SRV = "/humanoid/cancel"  # std_srvs/Trigger
CONFIRM = "/humanoid/confirm"  # std_msgs/String: id of a held plan to confirm (real mode: the operator's go)
REJECT = "/humanoid/reject"  # std_msgs/String: id of a held plan to reject
CONFIRMATION = "/humanoid/confirmation"  # std_msgs/String JSON {"id", "state", ...}: plans held, decisions
