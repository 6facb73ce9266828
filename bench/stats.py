"""Summary statistics used by the benchmark reports. Pure functions."""

from __future__ import annotations

import math
from typing import Dict, Optional, Sequence


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` (0–1) of the values lie (nearest-rank method)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def ratio(ours: Optional[float], baseline: Optional[float]) -> Optional[float]:
    if ours is None or baseline in (None, 0):
        return None
    return ours / baseline


def latency_summary(latencies_ms: Sequence[float]) -> Dict[str, float]:
    return {
        "p50_ms": median(latencies_ms),
        "p95_ms": percentile(latencies_ms, 0.95),
        "p99_ms": percentile(latencies_ms, 0.99),
    }
