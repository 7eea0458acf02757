"""Offscreen rendering of a validated motion: MP4/GIF video, PNG contact sheet, optional human skeleton.

Headless: with no DISPLAY and no MUJOCO_GL set, `ensure_headless_gl()` selects OSMesa (software GL). The
source human skeleton (T, 22, 3) SMPL joint positions is drawn as capsules in the MuJoCo scene, beside the
robot (offset along the robot's left, +y).
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import mujoco
import numpy as np

from humanoid_lmm.robots import MujocoRobot

__all__ = ["contact_sheet", "ensure_headless_gl", "render_frames", "robot_pixel_count", "save_video"]

SMPL_PARENTS = (-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19)  # motion.skeleton
_SKELETON_RGBA = np.array([0.9, 0.45, 0.1, 1.0], dtype=np.float32)


def ensure_headless_gl() -> str:
    """Pick an offscreen GL backend (MUJOCO_GL=osmesa) when none is set and there is no display; returns it."""
    if sys.platform.startswith("linux") and not os.environ.get("MUJOCO_GL") and not os.environ.get("DISPLAY"):
        os.environ["MUJOCO_GL"] = "osmesa"
        mod = sys.modules.get("mujoco.rendering.classic.gl_context")
        if mod is not None:  # mujoco was imported before the variable was set: re-read it
            importlib.reload(mod)
    return os.environ.get("MUJOCO_GL", "")


def _camera(mj: MujocoRobot, lookat: np.ndarray, distance: float, azimuth: float) -> mujoco.MjvCamera:
    cam = mujoco.MjvCamera()
    cam.type = mujoco.mjtCamera.mjCAMERA_FREE
    cam.lookat[:] = lookat
    cam.distance = distance
    cam.azimuth = azimuth
    cam.elevation = -12.0
    return cam


def _add_skeleton(scene: mujoco.MjvScene, joints: np.ndarray, radius: float) -> None:
    """Append capsules (bones) and spheres (joints) of one (22, 3) pose to the scene."""
    for j, p in enumerate(SMPL_PARENTS):
        if scene.ngeom + 2 > scene.maxgeom:
            return
        g = scene.geoms[scene.ngeom]
        mujoco.mjv_initGeom(g, mujoco.mjtGeom.mjGEOM_SPHERE, np.array([radius * 1.4, 0, 0]), joints[j], np.eye(3).ravel(), _SKELETON_RGBA)
        scene.ngeom += 1
        if p >= 0:
            g = scene.geoms[scene.ngeom]
            mujoco.mjv_initGeom(g, mujoco.mjtGeom.mjGEOM_CAPSULE, np.zeros(3), np.zeros(3), np.eye(3).ravel(), _SKELETON_RGBA)
            mujoco.mjv_connector(g, mujoco.mjtGeom.mjGEOM_CAPSULE, radius, joints[p], joints[j])
            scene.ngeom += 1


def _place_skeleton(skeleton: np.ndarray, qpos0: np.ndarray, offset_y: float) -> np.ndarray:
    """Move the skeleton so its first-frame pelvis stands `offset_y` beside the robot's first-frame pelvis."""
    sk = np.asarray(skeleton, dtype=np.float64).copy()
    shift = np.array([qpos0[0] - sk[0, 0, 0], qpos0[1] + offset_y - sk[0, 0, 1], 0.0])
    sk += shift
    sk[..., 2] -= min(0.0, float(sk[..., 2].min()))  # never below the floor
    return sk


def render_frames(
    mj: MujocoRobot,
    qpos: np.ndarray,
    width: int = 480,
    height: int = 360,
    skeleton: np.ndarray | None = None,
    azimuth: float = 135.0,
    segmentation: bool = False,
    lookat: np.ndarray | None = None,
) -> list[np.ndarray]:
    """Render each MuJoCo state in `qpos` (K, nq): RGB (H, W, 3) uint8 frames, or with `segmentation` the
    (H, W, 2) int32 (object id, object type) images. `skeleton` (K, 22, 3) is drawn beside the robot.
    The camera follows the pelvis unless `lookat` (3,) fixes its target."""
    ensure_headless_gl()
    m, d = mj.model, mujoco.MjData(mj.model)
    qpos = np.atleast_2d(qpos)
    height0 = float(np.clip(np.median(qpos[:, 2]), 0.5, 1.2)) if not mj.fixed_base else 0.8
    offset = 1.2 * height0
    sk = _place_skeleton(skeleton, qpos[0], offset) if skeleton is not None else None
    mid_y = qpos[0, 1] + (offset / 2 if sk is not None else 0.0)
    dist = 3.0 * height0 * (1.4 if sk is not None else 1.0)
    opt = mujoco.MjvOption()
    frames = []
    renderer = mujoco.Renderer(m, height=height, width=width)
    try:
        if segmentation:
            renderer.enable_segmentation_rendering()
        for k in range(len(qpos)):
            d.qpos[:] = qpos[k]
            mujoco.mj_kinematics(m, d)
            target = np.array([qpos[k, 0], mid_y, 0.6 * height0]) if lookat is None else np.asarray(lookat, float)
            cam = _camera(mj, target, dist, azimuth)
            renderer.update_scene(d, camera=cam, scene_option=opt)
            if sk is not None:
                _add_skeleton(renderer.scene, sk[min(k, len(sk) - 1)], radius=0.025)
            frames.append(renderer.render().copy())
    finally:
        renderer.close()
    return frames


def robot_pixel_count(mj: MujocoRobot, qpos: np.ndarray, width: int = 160, height: int = 120, **kw) -> int:
    """Pixels showing robot geometry (any geom of a body other than the world) in a segmentation render."""
    seg = render_frames(mj, np.atleast_2d(qpos)[:1], width, height, segmentation=True, **kw)[0]
    ids, types = seg[..., 0], seg[..., 1]
    is_geom = (types == int(mujoco.mjtObj.mjOBJ_GEOM)) & (ids >= 0) & (ids < mj.model.ngeom)
    robot = np.zeros_like(is_geom)
    robot[is_geom] = mj.model.geom_bodyid[ids[is_geom]] > 0
    return int(robot.sum())


def save_video(frames: list[np.ndarray], path: str | Path, fps: float) -> Path:
    """Write frames to `.mp4` (imageio-ffmpeg, H.264) or `.gif` (chosen by the suffix)."""
    import imageio.v2 as imageio

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".gif":
        imageio.mimsave(path, frames, duration=1.0 / fps, loop=0)
    else:
        imageio.mimsave(path, frames, fps=fps, macro_block_size=8)
    return path


def contact_sheet(frames: list[np.ndarray], path: str | Path, cols: int = 4, n: int = 8, labels: list[str] | None = None) -> Path:
    """A PNG grid of `n` evenly spaced frames; `labels` (one per frame, e.g. times) are printed on them."""
    from PIL import Image, ImageDraw

    idx = np.linspace(0, len(frames) - 1, min(n, len(frames))).round().astype(int)
    h, w = frames[0].shape[:2]
    rows = int(np.ceil(len(idx) / cols))
    sheet = Image.new("RGB", (cols * w, rows * h), "white")
    for i, k in enumerate(idx):
        tile = Image.fromarray(frames[k])
        if labels is not None:
            ImageDraw.Draw(tile).text((6, 6), labels[k], fill=(255, 255, 255))
        sheet.paste(tile, ((i % cols) * w, (i // cols) * h))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path, optimize=True)
    return path
