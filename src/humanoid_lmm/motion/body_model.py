"""Optional real SMPL / SMPL-H / SMPL-X body model through ``smplx``, when the user points to model files.

The licensed model files are never shipped. :class:`SmplBodyModel` poses a body model with a
:class:`Motion` (our z-up frame converted to the model's y-up frame, see :mod:`.io.axes`) and returns
joints and vertices in our frame; :meth:`SmplBodyModel.rest_offsets` gives a shaped skeleton (22, 3) for
a given ``betas``.

:func:`write_test_smpl_model` writes a small GENERATED model file with the real SMPL pickle keys
(``v_template``, ``shapedirs``, ``posedirs``, ``J_regressor``, ``weights``, ``kintree_table``, ``f``) whose
rest joints are our canonical skeleton, so that the real ``smplx`` loading and LBS code runs in tests.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import torch

from ..errors import ConfigError, MotionError
from .io.axes import OURS_TO_Y_UP, Y_UP_TO_OURS
from .motion import Motion
from .rotations import axis_angle_to_matrix, matrix_to_axis_angle
from .skeleton import NUM_JOINTS, SMPL_PARENTS, rest_positions

__all__ = ["SmplBodyModel", "write_test_smpl_model", "SMPL24_PARENTS", "TEST_VERTEX_IDS"]

SMPL24_PARENTS = SMPL_PARENTS + (20, 21)  # + left_hand, right_hand

# smplx's extra keypoints all on vertex 0 of a generated model (the real ids exceed its vertex count)
TEST_VERTEX_IDS: dict[str, int] = {
    k: 0 for k in ("nose reye leye rear lear LBigToe LSmallToe LHeel RBigToe RSmallToe RHeel "
                   "lthumb lindex lmiddle lring lpinky rthumb rindex rmiddle rring rpinky").split()
}


def write_test_smpl_model(path: str | Path, verts_per_joint: int = 6, seed: int = 0) -> Path:
    """Write a tiny SMPL-format ``.pkl`` (24 joints, ``24 * verts_per_joint`` vertices) for tests.

    Rest joints = our canonical rest skeleton in the y-up model frame (hands 8 cm beyond the wrists);
    each joint's vertices sit symmetrically around it (the J_regressor averages them), skinned rigidly to
    it; 10 random small shape directions; zero pose correctives.
    """
    rng = np.random.default_rng(seed)
    rest = rest_positions()  # (22, 3) ours
    hands = rest[[20, 21]] + (rest[[20, 21]] - rest[[18, 19]]) * 0.3
    joints = np.concatenate([rest, hands]) @ OURS_TO_Y_UP.T  # (24, 3) y-up
    k = verts_per_joint
    d = rng.normal(scale=0.02, size=(24, k // 2, 3))
    d = np.concatenate([d, -d], 1)  # symmetric: mean offset exactly 0
    v_template = (joints[:, None] + d).reshape(-1, 3)
    V = v_template.shape[0]
    J_reg = np.kron(np.eye(24), np.full((1, k), 1.0 / k))  # (24, V)
    weights = np.kron(np.eye(24), np.ones((k, 1)))  # (V, 24)
    kintree = np.array([[4294967295] + list(SMPL24_PARENTS[1:]), list(range(24))], dtype=np.int64)
    faces = np.array([[i, i + 1, i + 2] for i in range(0, V - 2, 3)], dtype=np.int64)
    model = {
        "v_template": v_template,
        "shapedirs": rng.normal(scale=0.01, size=(V, 3, 10)),
        "posedirs": np.zeros((V, 3, 207)),
        "J_regressor": J_reg,
        "weights": weights,
        "kintree_table": kintree,
        "f": faces,
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        pickle.dump(model, f)
    return path


class SmplBodyModel:
    """A posable SMPL-family body model loaded by ``smplx``.

    Args:
        model_path: a model file (``.pkl`` / ``.npz``) or a folder laid out as ``smplx.create`` expects.
        model_type: ``"smpl"``, ``"smplh"`` or ``"smplx"``.
        gender: ``"neutral"``, ``"male"`` or ``"female"`` (used when ``model_path`` is a folder).
        vertex_ids: smplx's extra-keypoint vertex indices (nose, eyes, toes, finger tips); default the real
            models' ones; a generated test model needs :data:`TEST_VERTEX_IDS`.
    """

    def __init__(self, model_path: str | Path, model_type: str = "smpl", gender: str = "neutral",
                 vertex_ids: dict | None = None) -> None:
        import smplx

        path = Path(model_path)
        if not path.exists():
            raise ConfigError(f"SmplBodyModel.model_path: {path} does not exist (licensed files are not shipped)")
        if model_type not in ("smpl", "smplh", "smplx"):
            raise ConfigError(f"SmplBodyModel.model_type: must be smpl, smplh or smplx, got {model_type!r}")
        kw = {"ext": path.suffix[1:]} if path.is_file() else {}
        if vertex_ids is not None:
            kw["vertex_ids"] = vertex_ids
        try:
            self.model = smplx.create(str(path), model_type=model_type, gender=gender, use_pca=False, **kw)
        except Exception as exc:
            raise ConfigError(f"SmplBodyModel: smplx could not load {path} ({type(exc).__name__}: {exc})") from None
        self.model_type = model_type

    def _rest_joints_yup(self, betas: torch.Tensor) -> torch.Tensor:
        m = self.model
        v = m.v_template + torch.einsum("bl,mkl->bmk", betas, m.shapedirs)
        return torch.einsum("jv,bvk->bjk", m.J_regressor, v)  # (1, J, 3)

    def _betas(self, betas) -> torch.Tensor:
        b = torch.zeros(1, self.model.num_betas, dtype=torch.float32)
        if betas is not None:
            betas = np.asarray(betas, dtype=np.float32).reshape(-1)[: self.model.num_betas]
            b[0, : len(betas)] = torch.from_numpy(betas)
        return b

    def rest_offsets(self, betas=None) -> np.ndarray:
        """(22, 3) skeleton offsets [m] in our frame for shape ``betas`` (joint 0 = rest pelvis position)."""
        with torch.no_grad():
            j = self._rest_joints_yup(self._betas(betas))[0, :NUM_JOINTS].double().numpy() @ Y_UP_TO_OURS.T
        off = np.zeros((NUM_JOINTS, 3))
        off[0] = j[0]
        for c in range(1, NUM_JOINTS):
            off[c] = j[c] - j[SMPL_PARENTS[c]]
        return off

    def forward(self, motion: Motion, betas=None) -> tuple[np.ndarray, np.ndarray]:
        """Pose the model with ``motion``: ``(joints (T, 22, 3), vertices (T, V, 3))`` in our frame [m]."""
        if not isinstance(motion, Motion):
            raise MotionError(f"SmplBodyModel.forward: expected a Motion, got {type(motion).__name__}")
        C = OURS_TO_Y_UP
        R = C @ axis_angle_to_matrix(motion.rotations) @ C.T  # (T, 22, 3, 3) in the y-up frame
        aa = torch.from_numpy(matrix_to_axis_angle(R)).float()
        T = motion.n_frames
        b = self._betas(betas)
        with torch.no_grad():
            j0 = self._rest_joints_yup(b)[0, 0]
            transl = torch.from_numpy(motion.root_pos @ C.T).float() - j0
            kw = dict(betas=b.expand(T, -1), global_orient=aa[:, 0], transl=transl)
            if self.model_type == "smpl":
                kw["body_pose"] = torch.cat([aa[:, 1:].reshape(T, -1), torch.zeros(T, 6)], 1)
            else:
                kw["body_pose"] = aa[:, 1:].reshape(T, -1)
            out = self.model(**kw)
        joints = out.joints[:, :NUM_JOINTS].double().numpy() @ Y_UP_TO_OURS.T
        verts = out.vertices.double().numpy() @ Y_UP_TO_OURS.T
        return joints, verts
