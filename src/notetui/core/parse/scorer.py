"""Stage 4: one scorer. A candidate's score is a weighted sum of its features.

The weights are data (weights.json, shipped in the package): named, in one table,
set by hand. Nothing is fitted, and nothing is read from anywhere else.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Weights:
    bias: float
    threshold: float  # a talk scores above this
    strong: float  # a talk outside the note's talk level must score above this
    by_feature: Mapping[str, float]

    def score(self, features: Mapping[str, float]) -> float:
        weights = self.by_feature
        return self.bias + sum(weights.get(name, 0.0) * value for name, value in features.items())

    def contributions(self, features: Mapping[str, float]) -> list[tuple[str, float]]:
        """(feature, weight * value) for every feature that counted, largest first."""
        parts = [
            (name, self.by_feature.get(name, 0.0) * value)
            for name, value in features.items()
            if value and self.by_feature.get(name, 0.0)
        ]
        return sorted(parts, key=lambda part: -abs(part[1]))


@cache
def weights() -> Weights:
    data = json.loads(
        resources.files("notetui.core.parse").joinpath("weights.json").read_text("utf-8")
    )
    return Weights(
        bias=float(data["bias"]),
        threshold=float(data["threshold"]),
        strong=float(data["strong"]),
        by_feature={str(k): float(v) for k, v in data["weights"].items()},
    )
