"""Robot link meshes for the browser: the installed robot package's meshes (compiled by MuJoCo from the
URDF, see robots/mujoco_model.py), merged per body, decimated, and body poses along a motion.

The URDF meshes are dense (G1 ~330k triangles, H1 ~390k): vertex clustering on a `cell` grid [m] brings
them to a size a software-rendered WebGL page draws smoothly, keeping the silhouette.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import mujoco
import numpy as np

from humanoid_lmm.robots import MujocoRobot, RobotConfig, build_mujoco_model

__all__ = ["RobotMeshes", "body_poses", "cluster_decimate", "robot_meshes"]


@dataclass(frozen=True)
class RobotMeshes:
    """bodies[i] (MuJoCo body id) carries mesh (vertices[i] (V, 3) [m] in the body frame, faces[i] (F, 3))."""

    robot: str
    bodies: tuple[int, ...]
    names: tuple[str, ...]
    vertices: tuple[np.ndarray, ...]
    faces: tuple[np.ndarray, ...]

    @property
    def n_triangles(self) -> int:
        return int(sum(len(f) for f in self.faces))


def cluster_decimate(vertices: np.ndarray, faces: np.ndarray, cell: float) -> tuple[np.ndarray, np.ndarray]:
    """Merge the vertices inside each `cell`-sized grid cube (their mean), drop collapsed / repeated faces."""
    if cell <= 0 or len(faces) == 0:
        return vertices, faces
    keys = np.floor(vertices / cell).astype(np.int64)
    _, cluster, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    cluster = cluster.reshape(-1)
    merged = np.zeros((len(counts), 3))
    np.add.at(merged, cluster, vertices)
    merged /= counts[:, None]
    f = cluster[faces]
    keep = (f[:, 0] != f[:, 1]) & (f[:, 1] != f[:, 2]) & (f[:, 0] != f[:, 2])
    f = f[keep]
    _, first = np.unique(np.sort(f, axis=1), axis=0, return_index=True)
    return merged.astype(np.float32), f[np.sort(first)].astype(np.int32)


def _quat_to_matrix(wxyz: np.ndarray) -> np.ndarray:
    m = np.zeros(9)
    mujoco.mju_quat2Mat(m, np.asarray(wxyz, float))
    return m.reshape(3, 3)


@lru_cache(maxsize=4)
def robot_meshes(cfg: RobotConfig, cell: float = 0.006) -> RobotMeshes:
    """Every mesh geom of the robot, merged per body in the body frame and decimated (cached per config)."""
    mj = build_mujoco_model(cfg, actuators="none")
    m = mj.model
    per_body: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
    for g in range(m.ngeom):
        if m.geom_type[g] != mujoco.mjtGeom.mjGEOM_MESH or m.geom_bodyid[g] == 0:
            continue  # the sole spheres and the floor are contact helpers, not the robot's look
        k = int(m.geom_dataid[g])
        v = m.mesh_vert[m.mesh_vertadr[k]: m.mesh_vertadr[k] + m.mesh_vertnum[k]]
        f = m.mesh_face[m.mesh_faceadr[k]: m.mesh_faceadr[k] + m.mesh_facenum[k]]
        v_body = v @ _quat_to_matrix(m.geom_quat[g]).T + m.geom_pos[g]  # geom frame -> body frame
        per_body.setdefault(int(m.geom_bodyid[g]), []).append((v_body, f))
    bodies, names, verts, faces = [], [], [], []
    for b, parts in sorted(per_body.items()):
        offsets = np.cumsum([0] + [len(v) for v, _ in parts[:-1]])
        v = np.concatenate([v for v, _ in parts])
        f = np.concatenate([f + o for (_, f), o in zip(parts, offsets)])
        v, f = cluster_decimate(v, f, cell)
        bodies.append(b)
        names.append(m.body(b).name)
        verts.append(v)
        faces.append(f)
    return RobotMeshes(cfg.name, tuple(bodies), tuple(names), tuple(verts), tuple(faces))


def body_poses(mj: MujocoRobot, qpos: np.ndarray, bodies) -> np.ndarray:
    """(F, len(bodies), 7) world poses [x, y, z, qw, qx, qy, qz] of `bodies` for each MuJoCo state (F, nq)."""
    d = mujoco.MjData(mj.model)
    out = np.zeros((len(qpos), len(bodies), 7))
    idx = np.asarray(bodies)
    for k, q in enumerate(np.atleast_2d(qpos)):
        d.qpos[:] = q
        mujoco.mj_kinematics(mj.model, d)
        out[k, :, :3] = d.xpos[idx]
        out[k, :, 3:] = d.xquat[idx]
    return out
