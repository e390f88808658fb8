"""Turns configuration runs into the results.json structure (every number, per configuration and
per question) and compares two results files."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eval.runner import ConfigRun
from eval.scoring import QUESTION_TYPES, UnitVocabulary, aggregate, decision_counts, score_details

logger = logging.getLogger(__name__)

PASSAGE_TEXT_CHARS = 300
MAIN_PREFERENCE = ("hybrid", "lexical", "dense")
UNTAGGED = "(không nhãn)"
# Headline numbers of the main configuration, copied to the top level of results.json.
HEADLINE_KEYS = ("partial_credit", "confident_wrong", "abstention_precision", "abstention_recall",
                 "citation_recall", "citation_precision", "latency_p50_ms", "latency_p95_ms")


def latency_stats(values: Sequence[float | None], prefix: str) -> dict[str, float]:
    vals = [v for v in values if v is not None]
    if not vals:
        return {}
    p50, p95 = np.percentile(np.asarray(vals, dtype=float), [50, 95])
    return {f"{prefix}_p50_ms": round(float(p50), 2), f"{prefix}_p95_ms": round(float(p95), 2),
            f"{prefix}_mean_ms": round(float(np.mean(vals)), 2)}


def config_result(run: ConfigRun, questions: Sequence[Mapping[str, Any]],
                  vocab: UnitVocabulary) -> dict[str, Any]:
    out: dict[str, Any] = {"status": run.status, "reason": run.reason, "reason_vi": run.reason_vi,
                           "reason_en": run.reason_en, "description": run.description,
                           "retrieval": run.retrieval, "use_indicators": run.use_indicators,
                           "answerer": run.answerer}
    if run.status != "ok":
        out.update(metrics={}, by_tag={}, questions=[])
        return out
    answers = [r.answer for r in run.runs]
    passages = [r.passages for r in run.runs]
    rows = score_details(questions, answers, passages, unit_names=vocab)
    metrics = aggregate(rows)
    metrics.update(latency_stats([r.latency_ms for r in run.runs], "latency"))
    metrics.update(latency_stats([r.retrieval_ms for r in run.runs], "retrieval_latency"))
    metrics["errors"] = float(sum(1 for r in run.runs if r.error))
    by_tag: dict[str, list[Mapping[str, Any]]] = {}
    by_class: dict[str, list[Mapping[str, Any]]] = {}
    for q, row in zip(questions, rows, strict=True):
        for tag in q.get("tags") or []:
            by_tag.setdefault(tag, []).append(row)
        by_class.setdefault(question_class(q), []).append(row)
    out["by_tag"] = {t: group_metrics(v) for t, v in sorted(by_tag.items())}
    out["by_class"] = {c: group_metrics(v) for c, v in sorted(by_class.items())}
    per_q = []
    for q, r, row in zip(questions, run.runs, rows, strict=True):
        score = {k: v for k, v in row.items() if k not in ("id", "type", "correct", "credit")}
        per_q.append({
            "id": q.get("id"), "type": q.get("type"), "question": q.get("question"),
            "history": q.get("history") or [], "tags": q.get("tags") or [], "gold": q.get("answer"),
            "correct": row["correct"], "credit": row["credit"], "score": score,
            "answer": r.answer,
            "passages": [{"doc_id": p.get("doc_id"), "score": p.get("score"),
                          "paragraph_ids": p.get("paragraph_ids"),
                          "text": (p.get("text") or "")[:PASSAGE_TEXT_CHARS]} for p in (r.passages or [])],
            "latency_ms": None if r.latency_ms is None else round(r.latency_ms, 2),
            "retrieval_ms": None if r.retrieval_ms is None else round(r.retrieval_ms, 2),
            "error": r.error,
        })
    out.update(metrics=metrics, questions=per_q)
    return out


def question_class(question: Mapping[str, Any]) -> str:
    """A question's class: its first tag (UNTAGGED when it has none)."""
    tags = question.get("tags") or []
    return str(tags[0]) if tags else UNTAGGED


def group_metrics(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Accuracy, partial credit, confident-wrong and abstention numbers of a group of scored rows
    (a class, a tag, all files of one role); counts are kept so groups can be pooled."""
    counts = decision_counts(rows)
    n = len(rows)
    out: dict[str, Any] = {"n": n, "accuracy": counts["n_correct"] / n if n else None,
                           "partial_credit": sum(float(r["credit"]) for r in rows) / n if n else None,
                           "confident_wrong": counts["n_confident_wrong"] / n if n else None,
                           "abstention_precision": counts["n_abstained_none"] / counts["n_abstained"]
                           if counts["n_abstained"] else None,
                           "abstention_recall": counts["n_abstained_none"] / counts["n_none"]
                           if counts["n_none"] else None}
    out.update({k: int(v) for k, v in counts.items()})
    return out


def pick_main(configs: Mapping[str, Mapping[str, Any]]) -> str | None:
    for name in MAIN_PREFERENCE:
        if configs.get(name, {}).get("status") == "ok":
            return name
    return next((n for n, c in configs.items() if c.get("status") == "ok" and n != "baseline"), None)


def decision_rows(results: Mapping[str, Any], config: str | None = None) -> list[dict[str, Any]]:
    """Minimal scored rows (type, correct, credit, abstained, no_answer) of one configuration of a
    results.json, e.g. to pool several files."""
    name = config or results.get("main_config")
    cfg = (results.get("configs") or {}).get(name) or {}
    return [{"type": q.get("type"), "correct": bool(q.get("correct")), "credit": float(q.get("credit") or 0.0),
             "abstained": bool((q.get("score") or {}).get("abstained")),
             "no_answer": bool((q.get("score") or {}).get("no_answer"))} for q in cfg.get("questions", [])]


def deltas(main: Mapping[str, float], base: Mapping[str, float]) -> dict[str, float]:
    keys = ["accuracy", "partial_credit"] + [f"accuracy_{t}" for t in QUESTION_TYPES] + \
        ["citation_recall", "citation_precision", "recall@1", "recall@5", "recall@10", "mrr"]
    return {k: round(main[k] - base[k], 6) for k in keys if k in main and k in base}


def build_results(runs: Sequence[ConfigRun], questions: Sequence[Mapping[str, Any]], vocab: UnitVocabulary,
                  meta: Mapping[str, Any]) -> dict[str, Any]:
    configs = {r.name: config_result(r, questions, vocab) for r in runs}
    main = pick_main(configs)
    main_metrics = configs[main]["metrics"] if main else {}
    base = configs.get("baseline", {})
    results: dict[str, Any] = {
        "accuracy": main_metrics.get("accuracy"),
        **{k: main_metrics.get(k) for k in HEADLINE_KEYS},
        "main_config": main,
        "summary": {n: c["metrics"] for n, c in configs.items()},
        "delta_vs_baseline": deltas(main_metrics, base["metrics"])
        if main and base.get("status") == "ok" else {},
        **meta,
        "configs": configs,
    }
    return results


def write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    tmp.replace(path)


# ---------------------------------------------------------------- compare


def compare(old: Mapping[str, Any], new: Mapping[str, Any], config: str | None = None) -> dict[str, Any]:
    """Questions that got better / worse between two results.json (the main configuration of each,
    or `config` in both)."""
    old_name = config or old.get("main_config")
    new_name = config or new.get("main_config")
    old_q = {q["id"]: q for q in old.get("configs", {}).get(old_name, {}).get("questions", [])}
    new_q = {q["id"]: q for q in new.get("configs", {}).get(new_name, {}).get("questions", [])}
    better, worse, unchanged = [], [], 0
    for qid in sorted(set(old_q) & set(new_q)):
        o, n = old_q[qid], new_q[qid]
        oc, nc = float(o.get("credit") or 0.0), float(n.get("credit") or 0.0)
        entry = {"id": qid, "type": n.get("type"), "question": n.get("question"),
                 "old_correct": bool(o.get("correct")), "new_correct": bool(n.get("correct")),
                 "old_credit": oc, "new_credit": nc,
                 "old_answer": (o.get("answer") or {}).get("answer", ""),
                 "new_answer": (n.get("answer") or {}).get("answer", "")}
        key_old, key_new = (bool(o.get("correct")), oc), (bool(n.get("correct")), nc)
        if key_new > key_old:
            better.append(entry)
        elif key_new < key_old:
            worse.append(entry)
        else:
            unchanged += 1
    om = old.get("configs", {}).get(old_name, {}).get("metrics", {})
    nm = new.get("configs", {}).get(new_name, {}).get("metrics", {})
    metric_deltas = {k: {"old": om[k], "new": nm[k], "delta": round(nm[k] - om[k], 6)}
                     for k in sorted(set(om) & set(nm)) if isinstance(om[k], int | float)}
    return {"old_config": old_name, "new_config": new_name, "better": better, "worse": worse,
            "unchanged": unchanged, "only_old": sorted(set(old_q) - set(new_q)),
            "only_new": sorted(set(new_q) - set(old_q)), "metrics": metric_deltas}
