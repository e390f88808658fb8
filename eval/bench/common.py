"""Measurement helpers of the bench: the retrieval depth, percentiles, latency summaries, memory and
store size, timed calls (wall and CPU time)."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

TOP_K = 5


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of `values`; None when empty."""
    if not values:
        return None
    xs = sorted(values)
    rank = max(1, min(len(xs), int(-(-q * len(xs) // 100))))  # ceil(q/100 * n)
    return round(xs[rank - 1], 2)


def latency(values_ms: Sequence[float], cpu_ms: Sequence[float] = ()) -> dict[str, Any]:
    """Wall-clock percentiles, plus CPU-time percentiles (robust when other processes share the CPUs)."""
    out = {"n": len(values_ms), "p50_ms": percentile(values_ms, 50), "p95_ms": percentile(values_ms, 95),
           "max_ms": round(max(values_ms), 2) if values_ms else None}
    if cpu_ms:
        out.update(cpu_p50_ms=percentile(cpu_ms, 50), cpu_p95_ms=percentile(cpu_ms, 95))
    return out


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MB.

    For this process: VmHWM of /proc/self/status (reset by exec, so a spawned child reports its own
    peak; ru_maxrss is inherited across fork+exec on Linux). Fallback and children: ru_maxrss (KiB).
    """
    if who == resource.RUSAGE_SELF:
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024.0, 1)
        except OSError:
            pass
    return round(resource.getrusage(who).ru_maxrss / 1024.0, 1)


def dir_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0
    return round(total / 1e6, 2)


def timed(fn: Callable[[], Any], cpu: list[float] | None = None) -> tuple[Any, float]:
    """Run fn; return (result, wall ms). When `cpu` is given, append the CPU ms of the call to it."""
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn()
    wall = (time.perf_counter() - t0) * 1000.0
    if cpu is not None:
        cpu.append((time.process_time() - c0) * 1000.0)
    return out, wall
