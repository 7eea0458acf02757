"""Robot-side controllers behind one interface (`Controller.step(state, reference) -> JointCommand`).

    from humanoid_lmm.execution.controllers import build_controller
    ctl = build_controller(load_robot_config("g1"), load_execution_config(), "stand")   # ONNX locomotion policy
"""

from humanoid_lmm.execution.controllers.base import Controller, blend_reference
from humanoid_lmm.execution.controllers.body_model import BodyModel
from humanoid_lmm.execution.controllers.locomotion import LocomotionController
from humanoid_lmm.execution.controllers.onnx_policy import OnnxPolicy
from humanoid_lmm.execution.controllers.pd import PDController
from humanoid_lmm.execution.controllers.policy_spec import PolicySpec, load_policy_spec
from humanoid_lmm.execution.controllers.registry import ROLES, build_controller, controller_name
from humanoid_lmm.execution.controllers.tracking import TrackingController

__all__ = [
    "BodyModel", "Controller", "LocomotionController", "OnnxPolicy", "PDController", "PolicySpec", "ROLES",
    "TrackingController", "blend_reference", "build_controller", "controller_name", "load_policy_spec",
]
