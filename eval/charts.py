"""PNG charts of a results.json structure (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from eval.scoring import QUESTION_TYPES

logger = logging.getLogger(__name__)


def _ok_configs(results: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    return [(n, c["metrics"]) for n, c in results["configs"].items() if c.get("status") == "ok"]


def accuracy_chart(results: Mapping[str, Any], path: Path) -> Path:
    configs = _ok_configs(results)
    groups = ["all", *QUESTION_TYPES]
    keys = ["accuracy", *(f"accuracy_{t}" for t in QUESTION_TYPES)]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    width = 0.8 / max(len(configs), 1)
    for i, (name, m) in enumerate(configs):
        xs = [g + (i - (len(configs) - 1) / 2) * width for g in range(len(groups))]
        vals = [100 * (m.get(k) or 0.0) for k in keys]
        bars = ax.bar(xs, vals, width, label=name)
        ax.bar_label(bars, fmt="%.0f", fontsize=7, padding=1)
    ax.set_xticks(range(len(groups)), groups)
    ax.set_ylim(0, 110)
    ax.set_ylabel("Độ chính xác / accuracy (%)")
    ax.set_title("Độ chính xác theo loại câu hỏi và cấu hình / Accuracy by question type and configuration",
                 fontsize=10)
    ax.legend(fontsize=8, ncols=min(len(configs), 5), loc="upper center", bbox_to_anchor=(0.5, -0.08))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def latency_chart(results: Mapping[str, Any], path: Path) -> Path:
    configs = [(n, m) for n, m in _ok_configs(results) if "latency_p50_ms" in m]
    fig, ax = plt.subplots(figsize=(8, 4))
    names = [n for n, _ in configs]
    xs = range(len(names))
    p50 = [m["latency_p50_ms"] for _, m in configs]
    p95 = [m["latency_p95_ms"] for _, m in configs]
    b1 = ax.bar([x - 0.2 for x in xs], p50, 0.4, label="p50")
    b2 = ax.bar([x + 0.2 for x in xs], p95, 0.4, label="p95")
    ax.bar_label(b1, fmt="%.0f", fontsize=7)
    ax.bar_label(b2, fmt="%.0f", fontsize=7)
    ax.set_xticks(list(xs), names)
    ax.set_ylabel("ms")
    ax.set_title("Độ trễ trả lời / Answer latency (p50, p95)", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_charts(results: Mapping[str, Any], out_dir: Path) -> list[str]:
    """Writes the charts; returns their file names (relative to out_dir)."""
    written = []
    for name, fn in (("accuracy_by_type.png", accuracy_chart), ("latency.png", latency_chart)):
        try:
            fn(results, out_dir / name)
            written.append(name)
        except Exception:  # a chart must never cost the numbers
            logger.exception("could not draw %s", name)
    return written
