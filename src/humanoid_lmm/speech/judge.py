"""The gate's judge: can the robot do this command? A logistic model over features of its reading.

Two thresholds on similarity (every clause close to a capability phrase, and closer to it than to any
"cannot" phrase) cannot tell "wave for grandma" (can: an odd wording of a wave) from "wave your third arm"
(cannot: a wave with an impossible part); both score 0.72-0.86. What differs is whether the words the
similarity did not explain belong to the robot's world. So the judge adds, next to the similarities,
counts of content words that no capability phrase uses (``CommandReader.capability_words``: the
catalogue's phrases, their thesaurus and WordNet variants, the can-do example lines). Weights and the
acceptance threshold are fitted by bench/calibrate_gate.py on config/gate_examples.tsv with
cross-validation, and saved as JSON (``gate.judge``).

    judge = GateJudge.load("gate_judge.json")
    judge.probability(reading_features(reading, reader.capability_words))   # P(can do)
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from humanoid_lmm.errors import ConfigError

__all__ = ["FEATURES", "SIGNS", "GateJudge", "reading_features", "fit_judge", "threshold_at"]

# (name, sign the weight is held to: +1 more means more likely "can", -1 less likely, 0 free). Signs keep the
# judge monotone where it must be (a closer capability phrase never hurts, an unknown word never helps), so
# a blind command cannot be accepted by an odd mix of features.
_SPEC = (("weakest_similarity", +1),   # the clause least like any capability phrase: its best cosine
         ("weakest_margin", +1),       # the smallest (capability - nearest "cannot") cosine over the clauses
         ("strongest_cannot", -1),     # the largest cosine to a "cannot" phrase
         ("unknown_words", -1),        # content words that no capability phrase uses
         ("unknown_share", -1),        # ... as a share of the content words
         ("content_words", 0),         # content words in all
         ("clauses", 0))               # actions asked for
FEATURES = tuple(n for n, _ in _SPEC)
SIGNS = tuple(g for _, g in _SPEC)
# words that carry no action: articles, pronouns, courtesy, connectives, sides, counts, speeds, and the light
# verbs that only frame one ("keep clapping", "give me a wave", "let's see a squat", "perform a bow")
_FUNCTION_WORDS = frozenset(
    "a an the to of and or with your my me you i it its this that these those please could would can will just "
    "some for in on at up down do be is are was now then again like as so left right both once twice thrice "
    "times time slowly quickly fast slow seconds second degrees around one two three four five six seven eight "
    "nine ten couple pair few single keep keeps continue start begin go try perform make give show let get "
    "have us see".split())


def _content_words(clause: str) -> list[str]:
    """The words of a clause that should name its action: slot phrases (counts, durations, speeds) and
    courtesy removed as for its embedding, then function words."""
    from humanoid_lmm.text.slots import strip_courtesy, strip_slots

    text = strip_slots(strip_courtesy(clause))
    return [w for w in re.findall(r"[a-z]+", text.lower()) if w not in _FUNCTION_WORDS]


# parts of the robot's body that no capability phrase happens to name ("bring your knee up to your belly");
# not fingers, toes, face, eyes or mouth, which it cannot move on their own
_BODY_WORDS = frozenset("belly stomach tummy thigh thighs shin shins elbow elbows wrist wrists ankle ankles torso "
                        "neck spine".split())


def _known(word: str, capability_words) -> bool:
    """The word or its singular / plural is a capability phrase's ("shoulder" for "shrug your shoulders"), or
    names a part of the robot's body."""
    return word in capability_words or word in _BODY_WORDS or word + "s" in capability_words or \
        (word.endswith("s") and word[:-1] in capability_words) or (word.endswith("es") and word[:-2] in capability_words)


def reading_features(reading, capability_words) -> np.ndarray:
    """(len(FEATURES),) features of a :class:`humanoid_lmm.text.understand.CommandReading`."""
    clauses = reading.clauses
    s = np.array([c.score for c in clauses])
    neg = np.array([c.negative for c in clauses])
    words = [w for c in clauses for w in _content_words(c.text)]
    unknown = sum(not _known(w, capability_words) for w in words)
    return np.array([s.min(), (s - neg).min(), neg.max(), unknown, unknown / max(len(words), 1), len(words),
                     len(clauses)], dtype=float)


@dataclass(frozen=True)
class GateJudge:
    """P(can do) = sigmoid(weights . (x - mean) / scale + bias); accepted when >= ``threshold``."""

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    features: tuple[str, ...] = FEATURES

    def __post_init__(self):
        if tuple(self.features) != FEATURES:
            raise ConfigError(f"gate judge: features {list(self.features)} are not this version's {list(FEATURES)}; "
                              "fit it again (bench/calibrate_gate.py --judge)")
        for name in ("weights", "mean", "scale"):
            v = np.asarray(getattr(self, name), dtype=float)
            if v.shape != (len(FEATURES),) or not np.isfinite(v).all():
                raise ConfigError(f"gate judge: {name} must be {len(FEATURES)} finite numbers, got {getattr(self, name)!r}")
        if not np.all(np.asarray(self.scale) > 0):
            raise ConfigError(f"gate judge: scale must be > 0, got {self.scale!r}")
        if not (isinstance(self.threshold, (int, float)) and 0.0 < self.threshold < 1.0):
            raise ConfigError(f"gate judge: threshold must be in (0, 1), got {self.threshold!r}")
        if not (isinstance(self.bias, (int, float)) and np.isfinite(self.bias)):
            raise ConfigError(f"gate judge: bias must be a finite number, got {self.bias!r}")

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = (np.asarray(x, float) - np.asarray(self.mean)) / np.asarray(self.scale) @ np.asarray(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def accepts(self, x: np.ndarray) -> bool:
        return bool(self.probability(x) >= self.threshold)

    def save(self, path: str | Path, note: str = "") -> Path:
        data = {"note": note, "features": list(self.features), "weights": list(self.weights), "bias": self.bias,
                "mean": list(self.mean), "scale": list(self.scale), "threshold": self.threshold}
        Path(path).write_text(json.dumps(data, indent=1) + "\n")
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> "GateJudge":
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, json.JSONDecodeError) as e:
            raise ConfigError(f"gate judge {path}: {e}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"gate judge {path}: expected a JSON object")
        missing = {"features", "weights", "bias", "mean", "scale", "threshold"} - set(data)
        if missing:
            raise ConfigError(f"gate judge {path}: missing field(s) {sorted(missing)}")
        return cls(tuple(data["weights"]), data["bias"], tuple(data["mean"]), tuple(data["scale"]), data["threshold"],
                   tuple(data["features"]))


def fit_judge(x: np.ndarray, can: np.ndarray, l2: float = 0.1, threshold: float = 0.5) -> GateJudge:
    """Logistic regression (L-BFGS-B, L2 penalty ``l2`` on the standardised weights, each weight held to its
    feature's sign in ``SIGNS``) of ``can`` on ``x``."""
    from scipy.optimize import minimize

    x, y = np.asarray(x, float), np.asarray(can, float)
    mean, scale = x.mean(0), x.std(0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    z = np.c_[(x - mean) / scale, np.ones(len(x))]

    def loss(w):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        value = -np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)) + 0.5 * l2 / len(z) * w[:-1] @ w[:-1]
        grad = z.T @ (p - y) / len(z)
        grad[:-1] += l2 / len(z) * w[:-1]
        return value, grad

    bounds = [(0, None) if g > 0 else (None, 0) if g < 0 else (None, None) for g in SIGNS] + [(None, None)]
    w = minimize(loss, np.zeros(z.shape[1]), jac=True, method="L-BFGS-B", bounds=bounds).x
    return GateJudge(tuple(w[:-1]), float(w[-1]), tuple(mean), tuple(scale), threshold)


def threshold_at(probability: np.ndarray, can: np.ndarray, max_accept: float) -> float:
    """The lowest threshold that accepts at most ``max_accept`` of the cannot lines (fewest false refusals)."""
    p, can = np.asarray(probability), np.asarray(can, bool)
    for t in np.unique(p):
        if (p[~can] >= t).mean() <= max_accept:
            return float(min(max(t, 1e-6), 1 - 1e-6))
    return 1 - 1e-6
