"""The corpus: report i for a seed, the files written to a folder with their ground truth, and
aggregate set questions with gold unit sets derived from the ground truth."""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from eval.synth.builder import Synth, draw_values, typo
from eval.synth.styles import KIND_STYLES, STYLES
from eval.synth.vocab import (
    GENERATOR_VERSION,
    K_QUA_HAN,
    K_SO_HOA,
    K_THANH_TOAN,
    K_TY_LE_KY_SO,
    K_TY_LE_TRUC_TUYEN,
    SO_KET,
    Period,
    Unit,
    half_year,
    load_units,
    monthly,
    quarterly,
    question_period,
)

# ---------------------------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class SynthReport:
    doc_id: str
    text: str
    meta: dict[str, Any]
    truth: list[dict[str, Any]]


def choose_period(rng: random.Random, round_: int) -> Period:
    x = rng.random()
    if round_ == 0 and x < 0.04:
        return SO_KET
    if x < 0.62:
        return monthly(round_)
    if x < 0.9:
        return quarterly(round_)
    return half_year(round_)


def make_report(i: int, units: list[Unit], seed: int, distractors: bool = True) -> SynthReport:
    """Report number i of the corpus for `seed` (independent of the corpus size)."""
    rng = random.Random(f"{seed}:{i}")
    unit = units[i % len(units)]
    period = choose_period(rng, i // len(units))
    style = rng.choice(KIND_STYLES[period.kind])
    s = Synth(i, unit, period, style, rng, distractors=distractors)
    s.thousands = rng.choice((".", ".", ",", ""))
    s.decimal = rng.choice((",", ",", "."))
    if rng.random() < 0.3:
        t = typo(unit.name, rng)
        if t:
            s.typo_variants.append(t)
    values = draw_values(rng, period)
    text = STYLES[style](s, values)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    doc_id = f"syn_{i:06d}_{digest}"
    meta = {"doc_id": doc_id, "unit": unit.name, "unit_type": unit.unit_type, "province": unit.province,
            "period": period.code, "period_label": period.label, "kind": period.kind, "style": style,
            "report_number": s.report_number, "signer": s.signer,
            "typo_variants": [t for t in s.typo_variants if f"{unit.unit_type} {t}" in text],
            "keys": sorted({f.key for f in s.figures})}
    truth = []
    for f in s.figures:
        row = {"doc_id": doc_id, "unit": unit.name, "unit_type": unit.unit_type, "province": unit.province,
               "province_full": unit.province_full, "period": period.code, "period_label": period.label, "kind": period.kind, "style": style}
        row.update(asdict(f))
        truth.append(row)
    return SynthReport(doc_id, text, meta, truth)


def generate(n: int, seed: int = 0, distractors: bool = True,
             units: list[Unit] | None = None) -> Iterator[SynthReport]:
    """Reports 0..n-1 for `seed`; units are shuffled once per seed."""
    if units is None:
        units, _ = load_units()
    order = list(units)
    random.Random(f"units:{seed}").shuffle(order)
    for i in range(n):
        yield make_report(i, order, seed, distractors)


def write_corpus(n: int, out: Path, seed: int = 0, distractors: bool = True) -> dict[str, Any]:
    """Write the corpus and ground truth to `out`; returns the meta dict (also in meta.json)."""
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("syn_*.txt"):  # a previous corpus of another size/seed
        old.unlink()
    units, source = load_units()
    n_truth = 0
    with (out / "ground_truth.jsonl").open("w", encoding="utf-8") as gt, \
            (out / "reports.jsonl").open("w", encoding="utf-8") as rep:
        for r in generate(n, seed, distractors, units):
            (out / f"{r.doc_id}.txt").write_text(r.text, encoding="utf-8")
            rep.write(json.dumps(r.meta, ensure_ascii=False) + "\n")
            for row in r.truth:
                gt.write(json.dumps(row, ensure_ascii=False) + "\n")
            n_truth += len(r.truth)
    meta = {"reports": n, "seed": seed, "distractors": distractors, "figures": n_truth,
            "units_available": len(units), "gazetteer": source, "generator_version": GENERATOR_VERSION,
            "seconds": round(time.perf_counter() - t0, 3)}
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return meta


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def corpus_matches(out: Path, n: int, seed: int, distractors: bool = True) -> bool:
    """True when `out` already holds the corpus for (n, seed) from this generator version."""
    try:
        meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (meta.get("reports") == n and meta.get("seed") == seed and meta.get("distractors") == distractors
            and meta.get("generator_version") == GENERATOR_VERSION
            and sum(1 for _ in out.glob("syn_*.txt")) == n)


# ---------------------------------------------------------------------------------------------
# Aggregate questions from the ground truth
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class AggregateQuestion:
    question: str
    key: str
    measure: str  # "%" or the count's measure ("hồ sơ")
    period: str
    op: str  # "eq" | "gt" | "lt"
    threshold: float
    province: str | None
    unit_type: str | None
    gold: list[str]  # unit names


def _cmp(value: float, op: str, threshold: float) -> bool:
    if op == "eq":
        return abs(value - threshold) < 1e-9
    if op == "gt":
        return value > threshold + 1e-9
    return value < threshold - 1e-9


def gold_units(truth: list[dict[str, Any]], key: str, measure: str, period: str, op: str, threshold: float,
               province: str | None = None, unit_type: str | None = None) -> list[str]:
    """Units whose figure (key, measure) for `period` satisfies `op threshold`."""
    units = set()
    for row in truth:
        if row["key"] != key or row["measure"] != measure or row["period"] != period:
            continue
        if province and row["province"] != province:
            continue
        if unit_type and row["unit_type"] != unit_type:
            continue
        if _cmp(row["value"], op, threshold):
            units.add(row["unit"])
    return sorted(units)


def aggregate_questions(truth: list[dict[str, Any]], n: int = 12, seed: int = 0) -> list[AggregateQuestion]:
    """Set questions ("Những đơn vị nào đạt 100% số hóa hồ sơ tháng 5/2026?") with gold unit sets."""
    rng = random.Random(f"questions:{seed}")
    periods: dict[str, str] = {}
    counts: dict[str, int] = {}
    for row in truth:
        if row["kind"] in ("monthly", "quarterly"):
            counts[row["period"]] = counts.get(row["period"], 0) + 1
            periods[row["period"]] = question_period(row["kind"], row["period_label"])  # "tháng 5/2026"
    if not counts:
        return []
    top = sorted(counts, key=lambda p: -counts[p])[:3]
    provinces = sorted({row["province"] for row in truth})
    city = {row["province"]: "thành phố" for row in truth if row.get("province_full", "").startswith("Thành phố")}
    templates = (
        (K_SO_HOA, "%", "eq", 100.0, "Những đơn vị nào đạt 100% số hóa hồ sơ {p}?"),
        (K_THANH_TOAN, "%", "eq", 100.0, "Đơn vị nào có tỷ lệ thanh toán trực tuyến đạt 100% {p}?"),
        (K_TY_LE_TRUC_TUYEN, "%", "eq", 100.0, "Những phường, xã nào có tỷ lệ hồ sơ trực tuyến đạt 100% {p}?"),
        (K_QUA_HAN, "hồ sơ", "gt", 0.0, "Những đơn vị nào còn hồ sơ quá hạn {p}?"),
        (K_TY_LE_KY_SO, "%", "eq", 100.0, "Những đơn vị nào có tỷ lệ ký số văn bản đạt 100% {p}?"),
        (K_SO_HOA, "%", "lt", 100.0, "Đơn vị nào có tỷ lệ số hóa hồ sơ dưới 100% {p}?"),
    )
    slots: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in truth:  # index once: gold_units() over the whole truth per question is slow at 10k
        slots.setdefault((row["key"], row["measure"], row["period"]), []).append(row)
    out: list[AggregateQuestion] = []
    for j in range(n):
        key, measure, op, thr, tpl = templates[j % len(templates)]
        period = top[(j // len(templates)) % len(top)]
        rows = slots.get((key, measure, period), [])
        province = None
        q = tpl.format(p=periods[period])
        if j >= 2 * len(templates) and provinces:  # province-scoped variants with a non-empty answer
            answered = sorted({r["province"] for r in rows if _cmp(r["value"], op, thr)})
            if answered:
                province = rng.choice(answered)
                q = q.replace("?", f" thuộc {city.get(province, 'tỉnh')} {province}?")
        gold = gold_units(rows, key, measure, period, op, thr, province)
        out.append(AggregateQuestion(q, key, measure, period, op, thr, province, None, gold))
    return out
