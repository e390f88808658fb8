"""Smoke tests of the scale benchmark (eval/bench.py), including Chroma in server mode."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval import bench, synth


def _run(tmp: Path, *extra: str, reports: int = 12) -> dict[str, Any]:
    args = ["--reports", str(reports), "--out", str(tmp), "--seed", "3", "--queries", "12",
            "--aggregate-questions", "6", *extra]
    assert bench.main(args) == 0
    return json.loads((tmp / "bench.json").read_text(encoding="utf-8"))


class TestHelpers:
    def test_percentile(self) -> None:
        assert bench.percentile([], 50) is None
        assert bench.percentile([5.0], 95) == 5.0
        xs = [float(i) for i in range(1, 101)]
        assert bench.percentile(xs, 50) == 50.0
        assert bench.percentile(xs, 95) == 95.0
        assert bench.percentile([3.0, 1.0, 2.0], 50) == 2.0

    def test_lookup_questions_from_truth(self) -> None:
        truth = [row for r in synth.generate(60, seed=2) for row in r.truth]
        qs = bench.lookup_questions(truth, 20, seed=1)
        assert len(qs) == 20
        assert len({q["question"] for q in qs}) == 20
        for q in qs:
            row = next(t for t in truth if t["doc_id"] == q["citations"][0]["doc"] and t["key"] == q["key"]
                       and t["measure"] == q["measure"])
            assert q["answer"] == row["value"]
            assert q["citations"][0]["quote"] == row["sentence"]
            assert f"{row['unit_type']} {row['unit']}".lower() in q["question"].lower()
        assert bench.lookup_questions(truth, 20, seed=1) == qs

    def test_period_phrase(self) -> None:
        assert bench.period_phrase({"kind": "monthly", "period_label": "tháng 5 năm 2026"}) == "tháng 5/2026"
        assert bench.period_phrase({"kind": "quarterly", "period_label": "quý I năm 2026"}) == "quý I/2026"
        assert bench.period_phrase({"kind": "so_ket", "period_label": "01 năm 06 tháng"}) is None


class TestBenchRun:
    def test_lexical_run_prints_one_json_object(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        res = _run(tmp_path, "--no-embed")
        out = capsys.readouterr().out.strip().splitlines()
        assert len(out) == 1 and json.loads(out[0])["reports"] == 12
        assert res["ingested"] == 12 and res["ingest_failed"] == 0
        assert res["chunks"] > 12
        assert res["embed_model"] is None and res["embed_chunks_per_s"] is None
        assert res["queries"]["hybrid"]["p95_ms"] is None and res["queries"]["hybrid"]["reason"]
        for mode in ("lexical", "ask", "aggregate"):
            assert res["query_p95_ms"][mode] is not None
            assert res["query_p50_ms"][mode] <= res["query_p95_ms"][mode]
        assert 0.0 <= res["aggregate_f1"] <= 1.0
        assert res["queries"]["lexical"]["recall_at_5"] > 0.5
        assert res["metadata"]["accuracy"]["period"] == 1.0
        assert res["indicator_extraction"]["recall"] > 0.5
        assert res["rss_mb"] > 0 and res["store_mb"] > 0
        stock = res["stock"]
        assert stock["reports"] == 12 and stock["chunks"] > 0 and stock["rss_mb"] > 0
        assert set(res["ratio"]) >= {"ingest_s", "lexical_p95_ms", "recall_at_5", "aggregate_f1"}
        # a second run reuses the corpus and gives the same answers
        again = _run(tmp_path, "--no-embed", "--skip-stock")
        assert again["corpus_reused"] is True
        assert again["fingerprint"] == res["fingerprint"]


def _tiny_model(root: Path) -> Path:
    """A tiny random sentence-transformers model built offline (real code path, meaningless vectors)."""
    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, BertTokenizerFast

    hf = root / "hf"
    hf.mkdir(parents=True)
    chars = "abcdefghijklmnopqrstuvwxyz0123456789"
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, *(f"##{c}" for c in chars)]
    (hf / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(hf / "vocab.txt"), do_lower_case=True, strip_accents=True)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=256)
    BertModel(config).save_pretrained(hf)
    tokenizer.save_pretrained(hf)
    transformer = models.Transformer(str(hf), max_seq_length=128)
    dim = getattr(transformer, "get_embedding_dimension", None) or transformer.get_word_embedding_dimension
    pooling = models.Pooling(dim(), "mean")
    out = root / "st"
    SentenceTransformer(modules=[transformer, pooling]).save(str(out))
    return out


@pytest.mark.server
class TestChromaServer:
    def test_server_mode_gives_the_same_answers_as_embedded(self, tmp_path: Path) -> None:
        model = _tiny_model(tmp_path / "model")
        embedded = _run(tmp_path / "embedded", "--embed-model", str(model), "--skip-stock", reports=10)
        server = _run(tmp_path / "server", "--embed-model", str(model), "--skip-stock", "--start-chroma",
                      "--corpus", str(tmp_path / "embedded" / "corpus"), reports=10)
        for res in (embedded, server):
            assert res["embed_model"] == str(model)
            assert res["vectors"] == res["chunks"] > 0
            assert res["queries"]["hybrid"]["n"] == 12
            assert res["embed_chunks_per_s"] > 0
        assert embedded["vector_store"] == "chroma-embedded"
        assert server["vector_store"].startswith("chroma-server 127.0.0.1:")
        assert server["chroma_server_rss_mb"] > 0
        assert server["corpus_reused"] is True
        assert server["fingerprint"] == embedded["fingerprint"]
        assert server["aggregate_questions"] == [
            {**q, "ms": s["ms"]} for q, s in zip(embedded["aggregate_questions"], server["aggregate_questions"],
                                                 strict=True)]
        # the server's data directory holds the collection; the embedded store has no server data
        assert (tmp_path / "server" / "chroma_server").is_dir()
        assert (tmp_path / "embedded" / "store" / "chroma").is_dir()
