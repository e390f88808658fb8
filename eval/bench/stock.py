"""The stock LlamaIndex pipeline on the same corpus and questions, in a child process (own memory peak)."""

from __future__ import annotations

import logging
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from eval.bench.common import TOP_K, latency, peak_rss_mb, timed
from eval.bench.questions import unit_vocabulary

# ---------------------------------------------------------------------------------------------
# Stock LlamaIndex pipeline (child process)
# ---------------------------------------------------------------------------------------------


def run_stock(corpus: str, lookups: list[dict[str, Any]], aggregates: list[dict[str, Any]]) -> dict[str, Any]:
    """SentenceSplitter(512) + default BM25Retriever on the corpus; runs in a child process."""
    logging.basicConfig(level=logging.WARNING)
    from eval.baseline import LlamaIndexBaseline
    from eval.scoring import retrieval_scores

    c0, t0 = time.process_time(), time.perf_counter()
    base = LlamaIndexBaseline(Path(corpus), top_k=TOP_K).build()
    ingest_s = time.perf_counter() - t0
    ingest_cpu_s = time.process_time() - c0
    times, recalls, answers_lookup, cpu = [], [], [], []
    for q in lookups:
        passages, ms = timed(lambda q=q: base.retrieve(q["question"], k=TOP_K), cpu)
        times.append(ms)
        recalls.append(retrieval_scores(q, passages, ks=(TOP_K,))[f"recall@{TOP_K}"])
        answers_lookup.append(base.ask(q["question"], passages=passages))
    agg_times, answers_agg, agg_cpu = [], [], []
    for q in aggregates:
        ans, ms = timed(lambda q=q: base.ask(q["question"]), agg_cpu)
        agg_times.append(ms)
        answers_agg.append(ans)
    n_docs = sum(1 for _ in Path(corpus).glob("syn_*.txt"))
    return {"pipeline": "SentenceSplitter(chunk_size=512) + BM25Retriever.from_defaults",
            "reports": n_docs, "chunks": base.n_nodes, "ingest_s": round(ingest_s, 2),
            "ingest_cpu_s": round(ingest_cpu_s, 2),
            "reports_per_s": round(n_docs / ingest_s, 2) if ingest_s else None,
            "queries": {"lexical": {**latency(times, cpu), f"recall_at_{TOP_K}": round(statistics.fmean(recalls), 4)
                                   if recalls else None},
                        "aggregate": latency(agg_times, agg_cpu)},
            "answers_lookup": answers_lookup, "answers_aggregate": answers_agg,
            "rss_mb": peak_rss_mb(), "store_mb": 0.0}


def stock_in_child(corpus: Path, lookups: list[dict[str, Any]], aggregates: list[dict[str, Any]]) -> dict[str, Any]:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(run_stock, str(corpus), lookups, aggregates).result()


def score_stock(stock: dict[str, Any], lookups: list[dict[str, Any]], aggregates: list[dict[str, Any]],
                reports: list[dict[str, Any]]) -> dict[str, Any]:
    from eval.scoring import score_answer

    vocab = unit_vocabulary(reports)
    lookup_ok = [score_answer(q, a, unit_names=vocab)["correct"]
                 for q, a in zip(lookups, stock.pop("answers_lookup"), strict=True)]
    f1s = [float(score_answer(q, a, unit_names=vocab).get("f1", 0.0))
           for q, a in zip(aggregates, stock.pop("answers_aggregate"), strict=True)]
    stock["queries"]["ask"] = {"accuracy": round(sum(lookup_ok) / len(lookup_ok), 4) if lookup_ok else None}
    stock["aggregate_f1"] = round(statistics.fmean(f1s), 4) if f1s else None
    stock["aggregate_exact"] = round(sum(f == 1.0 for f in f1s) / len(f1s), 4) if f1s else None
    return stock
