"""Self-collision avoidance for the QP IK (mink-style `CollisionAvoidanceLimit`, a velocity damper).

For a small set of geometry pairs (arm vs legs and trunk, leg vs trunk, left vs right leg) the limit computes
the distance d and the witness points p_a, p_b with coal (`pin.computeDistance`) and, for each pair closer than
`detection` [m], adds one linear inequality on the IK step v (a displacement, as in `QPIK`):

    n' (J_b(p_b) - J_a(p_a)) v >= -gain * (d - d_min),      n = (p_b - p_a) / |p_b - p_a|

i.e. the pair may approach by at most a fraction `gain` of its distance to the margin `d_min` per iteration, and
is pushed apart when already inside the margin. Pairs are chosen from the kinematic chains of the robot config's
link names (upper arm -> hand, hip -> knee, root -> torso), not per robot; a cheap bounding-sphere test skips pairs
that are far apart before any distance query. Meshes are replaced by their convex hulls: a hull contains its mesh,
so keeping hulls apart keeps the meshes apart (conservative), and hull distances are ~250x faster to query.
"""

from __future__ import annotations

import coal
import numpy as np
import pinocchio as pin

from humanoid_lmm.robots import PinocchioRobot

__all__ = ["CollisionAvoidanceLimit", "avoidance_pairs"]


def _chain(model: pin.Model, joint: int, start: int | None = None) -> list[int]:
    """Joints from `start` (default: the first after the root) down to `joint` on its support path."""
    path = [j for j in model.supports[joint] if j > 1]
    return path[path.index(start):] if start is not None else path


def _joint_of(model: pin.Model, link: str) -> int:
    return model.frames[model.getFrameId(link)].parentJoint


def avoidance_pairs(robot: PinocchioRobot, geom: pin.GeometryModel) -> list[tuple[int, int]]:
    """Geometry index pairs (arm, leg), (arm, trunk), (leg, trunk) and (left leg, right leg) to keep apart, from
    the config's link names.

    arm = geometries on joints from the one before the elbow (upper arm) to the hand; leg = from the first hip
    joint to the knee;
    trunk = geometries on the root joint and on the joints from the root to the torso link. Adjacent joints and
    the config's `collision_exclude` link pairs are left out (the same rule as `retarget_metrics`).
    """
    cfg, model = robot.config, robot.model
    arms, legs = set(), {}
    for side in ("left", "right"):
        hand = _joint_of(model, getattr(cfg.links, f"{side}_hand"))
        elbow = _joint_of(model, cfg.smpl_map[f"{side}_elbow"])
        arms |= set(_chain(model, hand, int(model.parents[elbow])))  # upper-arm (shoulder-yaw) link onward
        foot = _joint_of(model, getattr(cfg.links, f"{side}_foot"))
        knee = _joint_of(model, cfg.smpl_map[f"{side}_knee"])
        chain = _chain(model, foot)
        legs[side] = set(chain[: chain.index(knee) + 1])
    trunk = {1} | set(_chain(model, _joint_of(model, cfg.links.torso)))
    groups = {"arm": arms, "left_leg": legs["left"], "right_leg": legs["right"],
              "trunk": trunk - arms - legs["left"] - legs["right"]}
    by_group = {k: [i for i, g in enumerate(geom.geometryObjects) if g.parentJoint in js] for k, js in groups.items()}
    excluded = {frozenset(p) for p in cfg.collision_exclude}
    pairs = []
    for a_group, b_group in (("arm", "left_leg"), ("arm", "right_leg"), ("arm", "trunk"), ("left_leg", "trunk"),
                             ("right_leg", "trunk"), ("left_leg", "right_leg")):
        for i in by_group[a_group]:
            for j in by_group[b_group]:
                gi, gj = geom.geometryObjects[i], geom.geometryObjects[j]
                ji, jj = gi.parentJoint, gj.parentJoint
                if ji == jj or model.parents[ji] == jj or model.parents[jj] == ji:
                    continue
                if frozenset((model.frames[gi.parentFrame].name, model.frames[gj.parentFrame].name)) in excluded:
                    continue
                pairs.append((i, j))
    return pairs


class CollisionAvoidanceLimit:
    """Velocity-damper inequalities G v <= h for close geometry pairs of `robot` (URDF collision meshes).

    detection: pairs closer than this get a constraint [m]; d_min: margin kept between surfaces [m];
    gain: fraction of (d - d_min) a pair may close per IK iteration (0 < gain <= 1).
    """

    def __init__(self, robot: PinocchioRobot, detection: float = 0.05, d_min: float = 0.01, gain: float = 0.5):
        cfg = robot.config
        self.model = robot.model
        full = pin.buildGeomFromUrdf(robot.model, str(cfg.assets.urdf), pin.GeometryType.COLLISION,
                                     package_dirs=[str(cfg.assets.mesh_dir)])
        pairs = avoidance_pairs(robot, full)
        used = sorted({i for p in pairs for i in p})
        self.geom = pin.GeometryModel()
        remap = {}
        for i in used:
            g = full.geometryObjects[i]
            if isinstance(g.geometry, coal.BVHModelBase):  # mesh: its convex hull (GJK, ~8 us instead of ~2 ms)
                g.geometry.buildConvexHull(True, "Qt")
                g.geometry = g.geometry.convex
            remap[i] = self.geom.addGeometryObject(g)
        for i, j in pairs:
            self.geom.addCollisionPair(pin.CollisionPair(remap[i], remap[j]))
        self.gdata = pin.GeometryData(self.geom)
        self.pairs = np.array([(remap[i], remap[j]) for i, j in pairs], dtype=int).reshape(-1, 2)
        # Bounding sphere of each geometry: centre in its placement frame, radius.
        centres, radii = [], []
        for g in self.geom.geometryObjects:
            g.geometry.computeLocalAABB()
            centres.append(g.placement.act(np.asarray(g.geometry.aabb_center)))
            radii.append(float(g.geometry.aabb_radius))
        self.centres, self.radii = np.asarray(centres), np.asarray(radii)
        self.joints = [int(g.parentJoint) for g in self.geom.geometryObjects]
        self._unique_joints = sorted(set(self.joints))
        self._joint_slot = np.array([self._unique_joints.index(j) for j in self.joints])
        self.detection, self.d_min, self.gain = detection, d_min, gain
        self.last_min_distance = np.inf

    def candidates(self, data: pin.Data) -> np.ndarray:
        """Indices into `self.pairs` whose bounding spheres are within the detection distance."""
        placements = [data.oMi[j] for j in self._unique_joints]
        rot = np.array([m.rotation for m in placements])[self._joint_slot]
        pos = np.array([m.translation for m in placements])[self._joint_slot]
        world = pos + np.einsum("kij,kj->ki", rot, self.centres)
        a, b = self.pairs[:, 0], self.pairs[:, 1]
        gap = np.linalg.norm(world[a] - world[b], axis=1) - self.radii[a] - self.radii[b]
        return np.flatnonzero(gap < self.detection)

    def constraint(self, data: pin.Data) -> tuple[np.ndarray, np.ndarray] | None:
        """(G, h) at the configuration whose kinematics and joint Jacobians are in `data`; None if no pair is close.

        Needs `pin.computeJointJacobians(model, data, q)` to have been called at that configuration.
        """
        close = self.candidates(data)
        self.last_min_distance = np.inf
        if close.size == 0:
            return None
        pin.updateGeometryPlacements(self.model, data, self.geom, self.gdata)
        rows, rhs = [], []
        for k in close:
            res = pin.computeDistance(self.geom, self.gdata, int(k))
            d = float(res.min_distance)
            self.last_min_distance = min(self.last_min_distance, d)
            if d >= self.detection:
                continue
            pa, pb = np.asarray(res.getNearestPoint1()), np.asarray(res.getNearestPoint2())
            n = pb - pa
            norm = np.linalg.norm(n)
            n = n / norm if norm > 1e-6 and d > 0 else np.asarray(res.normal)
            ja, jb = (self.joints[i] for i in self.pairs[k])
            row = n @ self._point_jacobian(data, jb, pb) - n @ self._point_jacobian(data, ja, pa)
            rows.append(-row)
            rhs.append(self.gain * (d - self.d_min))
        if not rows:
            return None
        return np.asarray(rows), np.asarray(rhs)

    def distances(self, model_data: pin.Data) -> np.ndarray:
        """(len(pairs),) hull distances [m] of every pair at the kinematics in `model_data` (diagnostics)."""
        pin.updateGeometryPlacements(self.model, model_data, self.geom, self.gdata)
        return np.array([pin.computeDistance(self.geom, self.gdata, k).min_distance for k in range(len(self.pairs))])

    def _point_jacobian(self, data: pin.Data, joint: int, p: np.ndarray) -> np.ndarray:
        """(3, nv) world-frame Jacobian of the point p [m, world] fixed to `joint`."""
        J = pin.getJointJacobian(self.model, data, int(joint), pin.LOCAL_WORLD_ALIGNED)
        r = p - data.oMi[int(joint)].translation
        return J[:3] - pin.skew(r) @ J[3:]
