"""The indicators tab: one indicator, one measure at a time, per unit and over periods.

An indicator such as "tỷ lệ hồ sơ tiếp nhận trực tuyến" is reported both as a percentage and as
a count of files; the two are never mixed: the user picks the measure (the taxonomy's own
measure first). A figure repeated in one report (a table and the prose) is shown once. Numbers
are written the Vietnamese way ("84,54%", "10.000 hồ sơ"), in the table and on the charts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ingest.labels import unit_label
from ingest.periods import period_end
from ingest.text import fold_accents
from webapp import fmt

log = logging.getLogger(__name__)

TABLE_COLUMNS: tuple[str, ...] = ("Đơn vị", "Tỉnh", "Kỳ báo cáo", "Giá trị", "Ghi chú", "Câu gốc trong báo cáo")
CSV_COLUMNS: tuple[str, ...] = ("Chỉ tiêu", "Đơn vị", "Tỉnh", "Kỳ báo cáo", "Giá trị", "Đơn vị đo", "Ghi chú",
                                "Câu gốc trong báo cáo", "Tệp báo cáo")
MEASURE_LABELS = {"%": "Tỷ lệ (%)", "đồng": "Số tiền (đồng)", "hạng": "Thứ hạng", "điểm": "Điểm"}
CHART_FONT = ["Noto Sans", "DejaVu Sans", "sans-serif"]  # local fonts with Vietnamese glyphs


@dataclass(frozen=True, slots=True)
class TaxonomyInfo:
    names: dict[str, str]  # indicator key -> Vietnamese display name
    measures: dict[str, str]  # indicator key -> its own measure ("%", "hồ sơ", ...)
    target_qualifier: str | None  # qualifier of planned/target figures (left out of charts)


@lru_cache(maxsize=1)
def load_taxonomy_info() -> TaxonomyInfo:
    """Display names, measures and the target qualifier (empty when the taxonomy is unreadable)."""
    try:
        from ingest.taxonomy import load_taxonomy

        taxonomy = load_taxonomy()
    except Exception:  # the tables still show the keys
        log.warning("indicator taxonomy not readable", exc_info=True)
        return TaxonomyInfo({}, {}, None)
    return TaxonomyInfo({d.key: d.name[:1].upper() + d.name[1:] for d in taxonomy.indicators},
                        {d.key: d.measure for d in taxonomy.indicators}, taxonomy.target_qualifier)


def measure_label(measure: str) -> str:
    return MEASURE_LABELS.get(measure, f"Số {measure}" if measure else "Giá trị")


def period_key(period: str | None) -> tuple[int, int]:
    """Sort key of a period code by its end: "2026-04", "2026-Q1", "2026-H1", "2026", "a..b"; unknown last."""
    return period_end(period) or (9999, 99)


def measures_of(indicators: Sequence[Any], key: str) -> list[str]:
    """The measures reported for one indicator, its own measure first, then by frequency."""
    counts: dict[str, int] = {}
    for i in indicators:
        counts[i.measure] = counts.get(i.measure, 0) + 1
    own = load_taxonomy_info().measures.get(key)
    return sorted(counts, key=lambda m: (m != own, -counts[m], m))


def distinct(indicators: Sequence[Any], exclude_qualifier: str | None = None) -> list[Any]:
    """One figure per (report, value) in document order; targets/plans left out when asked."""
    seen: set[tuple[str, float]] = set()
    out = []
    for i in indicators:
        if exclude_qualifier is not None and i.qualifier == exclude_qualifier:
            continue
        k = (i.doc_id, float(i.value))
        if k not in seen:
            seen.add(k)
            out.append(i)
    return out


@dataclass(slots=True)
class IndicatorView:
    """What the tab shows for one indicator and measure."""

    key: str
    name: str
    measure: str
    rows: list[list[str]]  # TABLE_COLUMNS
    csv_rows: list[list[Any]]  # CSV_COLUMNS
    by_unit: list[tuple[str, float]]  # latest figure per unit (target figures left out)
    trend: dict[str, list[tuple[str, float]]]  # unit -> [(period label, value)] for units with 2+ periods
    periods: list[str]  # the trend's period labels in time order


def build_view(indicators: Sequence[Any], key: str, measure: str | None, reports: dict[str, dict],
               file_names: dict[str, str] | None = None, unit: str | None = None) -> IndicatorView:
    """`reports`: doc_id -> report metadata (period labels, unit type); figures of one key."""
    info = load_taxonomy_info()
    found = [i for i in indicators if i.key == key and (unit is None or i.unit == unit)]
    measures = measures_of(found, key)
    measure = measure if measure in measures else (measures[0] if measures else "")
    chosen = distinct([i for i in found if i.measure == measure])

    def unit_name(i: Any) -> str:
        meta = reports.get(i.doc_id) or {}
        return unit_label(i.unit, meta.get("unit_type"), capitalize=True, unknown=str(meta.get("title") or "?"))

    def period_label(i: Any) -> str:
        meta = reports.get(i.doc_id) or {}
        return str(meta.get("period_label") or i.period or "")

    chosen.sort(key=lambda i: (fold_accents(unit_name(i)).lower(), period_key(i.period)))
    rows, csv_rows = [], []
    for i in chosen:
        value = fmt.value_with_measure(i.value, i.measure)
        rows.append([unit_name(i), i.province or "", period_label(i), value, i.qualifier or "", i.sentence])
        csv_rows.append([info.names.get(key, key), unit_name(i), i.province or "", period_label(i),
                         fmt.number(i.value), i.measure, i.qualifier or "", i.sentence,
                         (file_names or {}).get(i.doc_id, "")])
    plotted = [i for i in chosen if info.target_qualifier is None or i.qualifier != info.target_qualifier]
    per_unit: dict[str, dict[tuple[int, int], tuple[str, float]]] = {}
    for i in plotted:
        per_unit.setdefault(unit_name(i), {}).setdefault(period_key(i.period), (period_label(i), float(i.value)))
    by_unit = [(u, periods[max(periods)][1]) for u, periods in per_unit.items()]
    trend = {u: [periods[k] for k in sorted(periods)] for u, periods in per_unit.items() if len(periods) > 1}
    labels: dict[str, tuple[int, int]] = {}
    for u in trend:
        for k, (label, _v) in per_unit[u].items():
            labels.setdefault(label, k)
    ordered = sorted(labels, key=lambda label: labels[label])
    return IndicatorView(key, info.names.get(key, key), measure, rows, csv_rows, by_unit, trend, ordered)


# --------------------------------------------------------------------------------------------
# Charts (matplotlib: the number format on axes and labels is ours)
# --------------------------------------------------------------------------------------------
def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.family"] = CHART_FONT
    return plt


def _axis_formatter(measure: str) -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: f"{fmt.number(v)}%" if measure == "%" else fmt.number(v))


def unit_chart(view: IndicatorView) -> Any:
    """Bars: the latest figure of each unit, labelled with its Vietnamese value."""
    if not view.by_unit:
        return None
    plt = _pyplot()
    data = sorted(view.by_unit, key=lambda uv: -uv[1])
    fig, ax = plt.subplots(figsize=(7.5, max(2.2, 0.5 * len(data) + 1.2)), dpi=100)
    labels = [u for u, _v in data][::-1]
    values = [v for _u, v in data][::-1]
    bars = ax.barh(labels, values, color="#4f6bed")
    for bar, v in zip(bars, values, strict=True):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + fmt.value_with_measure(v, view.measure),
                va="center", fontsize=9)
    ax.xaxis.set_major_formatter(_axis_formatter(view.measure))
    top = max(values) if values else 1
    ax.set_xlim(0, max(100.0, top * 1.15) if view.measure == "%" else top * 1.25 or 1)
    ax.set_xlabel(measure_label(view.measure))
    ax.set_title(f"{view.name} — theo đơn vị (kỳ gần nhất)", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    plt.close(fig)
    return fig


def trend_chart(view: IndicatorView) -> Any:
    """Lines: each unit with several reports, over its periods."""
    if not view.trend:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 3.6), dpi=100)
    periods = view.periods
    for unit, series in view.trend.items():
        xs = [periods.index(label) for label, _v in series]
        ys = [v for _label, v in series]
        ax.plot(xs, ys, marker="o", label=unit)
        for x, y in zip(xs, ys, strict=True):
            ax.annotate(fmt.value_with_measure(y, view.measure), (x, y), textcoords="offset points",
                        xytext=(0, 6), ha="center", fontsize=8)
    ax.set_xticks(range(len(periods)), periods, rotation=20, ha="right", fontsize=8)
    ax.yaxis.set_major_formatter(_axis_formatter(view.measure))
    ax.set_ylabel(measure_label(view.measure))
    ax.set_title(f"{view.name} — theo kỳ báo cáo", fontsize=11)
    ax.legend(fontsize=8, loc="best")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    plt.close(fig)
    return fig
