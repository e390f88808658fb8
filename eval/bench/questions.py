"""Questions for the bench from the synthetic ground truth: number lookups about one unit and period,
aggregate set questions, and how they are scored (unit vocabulary, set F1)."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

from eval import synth
from ingest.labels import unit_label

# (taxonomy key, measure) -> question template; {u} "phường Trí Quả", {U} "Phường Trí Quả", {p} period.
LOOKUP_TEMPLATES: dict[tuple[str, str], str] = {
    ("so_hoa_ho_so", "%"): "Tỷ lệ số hóa hồ sơ của {u} {p} đạt bao nhiêu?",
    ("tiep_nhan_truc_tuyen", "%"): "Tỷ lệ hồ sơ tiếp nhận trực tuyến của {u} {p} là bao nhiêu?",
    ("ho_so_tiep_nhan", "hồ sơ"): "{U} tiếp nhận bao nhiêu hồ sơ {p}?",
    ("da_giai_quyet", "hồ sơ"): "{U} đã giải quyết bao nhiêu hồ sơ {p}?",
    ("thanh_toan_truc_tuyen", "%"): "Tỷ lệ thanh toán trực tuyến của {u} {p} là bao nhiêu?",
    ("ky_so", "%"): "Tỷ lệ văn bản ký số của {u} {p} là bao nhiêu?",
    ("phu_song_5g", "%"): "Tỷ lệ phủ sóng 5G của {u} {p} là bao nhiêu?",
    ("camera", "camera"): "{U} đã lắp đặt bao nhiêu camera an ninh {p}?",
    ("kinh_phi_bo_tri", "đồng"): "Tổng kinh phí bố trí cho chuyển đổi số của {u} {p} là bao nhiêu?",
    ("van_ban_ban_hanh", "văn bản"): "{U} ban hành bao nhiêu văn bản {p}?",
    ("thu_tuc_hanh_chinh", "thủ tục"): "{U} niêm yết bao nhiêu thủ tục hành chính {p}?",
}




def period_phrase(row: dict[str, Any]) -> str | None:
    """How a question names the period of a ground-truth row ("tháng 5/2026", "quý I/2026"); None for sơ kết."""
    return synth.question_period(row["kind"], row["period_label"])


def unit_phrase(row: dict[str, Any]) -> str:
    return unit_label(row["unit"], row["unit_type"])


def lookup_questions(truth: list[dict[str, Any]], n: int, seed: int = 0) -> list[dict[str, Any]]:
    """Number questions about one unit and period, in the eval question format (gold quote = sentence)."""
    rng = random.Random(f"lookups:{seed}")
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in truth:
        if (row["key"], row["measure"]) in LOOKUP_TEMPLATES and row["value"] and period_phrase(row):
            by_key[(row["key"], row["measure"])].append(row)
    keys = sorted(by_key)
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    attempts = 0
    while keys and len(out) < n and attempts < 20 * n:
        attempts += 1
        key = keys[len(out) % len(keys)]
        row = rng.choice(by_key[key])
        if (row["doc_id"], row["key"], row["measure"]) in seen:
            continue
        seen.add((row["doc_id"], row["key"], row["measure"]))
        u = unit_phrase(row)
        q = LOOKUP_TEMPLATES[key].format(u=u, U=u[0].upper() + u[1:], p=period_phrase(row)).replace("  ", " ")
        out.append({"id": f"L{len(out):04d}", "question": q, "type": "number", "answer": row["value"],
                    "citations": [{"doc": row["doc_id"], "quote": row["sentence"]}],
                    "key": row["key"], "measure": row["measure"], "unit": row["unit"]})
    return out


def aggregate_eval_questions(truth: list[dict[str, Any]], n: int, seed: int = 0) -> list[dict[str, Any]]:
    qs = synth.aggregate_questions(truth, n=n, seed=seed)
    return [{"id": f"A{i:03d}", "question": q.question, "type": "set", "answer": q.gold, "key": q.key,
             "measure": q.measure, "period": q.period, "op": q.op, "threshold": q.threshold,
             "province": q.province} for i, q in enumerate(qs)]


def unit_vocabulary(reports: list[dict[str, Any]]) -> Any:
    from eval.scoring import UnitVocabulary

    vocab = UnitVocabulary(sorted({r["unit"] for r in reports}))
    for r in reports:
        for variant in r.get("typo_variants") or []:
            if variant.split()[0].lower() not in ("phường", "xã", "thị"):  # never a unit-type word
                vocab.add(variant, r["unit"])
    return vocab


def set_f1(predicted: set[str], gold: set[str]) -> float:
    """F1 of two sets of unit names (1.0 when both are empty)."""
    if not predicted and not gold:
        return 1.0
    tp = len(predicted & gold)
    if not tp:
        return 0.0
    precision, recall = tp / len(predicted), tp / len(gold)
    return 2 * precision * recall / (precision + recall)
