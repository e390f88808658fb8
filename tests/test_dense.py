"""Dense path end to end with a tiny sentence-transformers model built here (no downloads):
real loading code, real Chroma (embedded and a `chroma run` server), meaningless semantics."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.services import build_services
from index.embeddings import load_embedder, prefixes_for
from index.settings import ChromaSettings, EmbedSettings, RetrievalSettings, Settings
from tests.ingest_fixtures import copy_reports
from tests.tiny_model import build_tiny_sentence_transformer

ROOT = Path(__file__).resolve().parent.parent
TRI_QUA = "001_8f9fde24fc816415"
DUONG_HUU = "003_47472d43401efc50"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_sentence_transformer(tmp_path_factory.mktemp("tiny"))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return copy_reports(tmp_path / "reports", (TRI_QUA, DUONG_HUU))


def settings_for(store: Path, model: Path | str, mode: str = "auto", host: str | None = None,
                 port: int = 8000) -> Settings:
    return Settings(embed=EmbedSettings(EMBED_MODEL=str(model), EMBED_BATCH_SIZE=8),
                    chroma=ChromaSettings(CHROMA_HOST=host, CHROMA_PORT=port, CHROMA_COLLECTION="test_chunks"),
                    retrieval=RetrievalSettings(RETRIEVAL_MODE=mode)).with_store(store)


def test_prefixes_by_model_family() -> None:
    assert prefixes_for("intfloat/multilingual-e5-small") == ("query: ", "passage: ")
    assert prefixes_for("intfloat/multilingual-e5-large-instruct") == ("query: ", "passage: ")
    assert prefixes_for("BAAI/bge-m3") == ("", "")
    assert prefixes_for("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2") == ("", "")


def test_tiny_model_loads_through_real_code(tiny_model: Path) -> None:
    emb, reason = load_embedder(EmbedSettings(EMBED_MODEL=str(tiny_model)))
    assert reason is None and emb is not None and emb.dim == 16
    vecs = emb.embed_passages(["hồ sơ trực tuyến", "chuyển đổi số"])
    assert vecs.shape == (2, 16)
    assert abs(float((vecs[0] ** 2).sum()) - 1.0) < 1e-4  # normalised


def _vector_state(svc) -> tuple[set[str], set[str]]:
    stored = svc.store.vector_ids()
    in_chroma = set(svc.vector.collection.get(include=[])["ids"])
    return stored, in_chroma


def test_dense_hybrid_embedded_chroma(tmp_path: Path, corpus: Path, tiny_model: Path) -> None:
    svc = build_services(settings_for(tmp_path / "store", tiny_model))
    assert svc.retriever.mode == "hybrid" and svc.dense_reason is None
    res = svc.ingestor.ingest_paths([corpus])
    assert [r.status for r in res] == ["ingested", "ingested"]
    stored, in_chroma = _vector_state(svc)
    assert len(stored) == svc.store.count_chunks() and stored == in_chroma
    assert (tmp_path / "store" / "chroma").is_dir()
    passages = svc.retriever.retrieve("Phường Trí Quả tiếp nhận bao nhiêu phản ánh kiến nghị?", k=5)
    assert passages and all(p.doc_id == TRI_QUA for p in passages)
    assert any("05 phản ánh kiến nghị" in p.text for p in passages)

    # dense only: hits are mapped back to current chunks through SQLite
    dense = build_services(settings_for(tmp_path / "store", tiny_model, mode="dense"))
    assert dense.retriever.mode == "dense"
    got = dense.retriever.retrieve("chuyển đổi số", k=4)
    assert len(got) == 4 and {c.id for c in svc.store.get_chunks([p.chunk_id for p in got])} == {
        p.chunk_id for p in got}
    got = dense.retriever.retrieve("Xã Dương Hưu kiến nghị gì?", k=3)
    assert got and all(p.doc_id == DUONG_HUU for p in got)  # unit filter reaches Chroma

    # changed file: new vectors under new ids, stale ones deleted
    path = corpus / f"{TRI_QUA}.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("78 tin, bài", "80 tin, bài"), encoding="utf-8")
    old_ids = svc.store.vector_ids(TRI_QUA)
    assert [r.status for r in svc.ingestor.ingest_paths([corpus])] == ["ingested", "unchanged"]
    stored, in_chroma = _vector_state(svc)
    assert stored == in_chroma and not (old_ids & in_chroma)
    # unchanged run: no vector work
    assert [r.status for r in svc.ingestor.ingest_paths([corpus])] == ["unchanged", "unchanged"]
    assert _vector_state(svc)[1] == in_chroma

    # remove: gone from Chroma as well
    svc.ingestor.remove(TRI_QUA)
    stored, in_chroma = _vector_state(svc)
    assert stored == in_chroma and all(v.startswith(DUONG_HUU) for v in in_chroma)
    svc.close()
    dense.close()


def test_vectors_backfilled_when_model_becomes_available(tmp_path: Path, corpus: Path, tiny_model: Path) -> None:
    lexical = build_services(settings_for(tmp_path / "store", "none"))
    lexical.ingestor.ingest_paths([corpus])
    assert lexical.store.vector_ids() == set()
    lexical.close()
    svc = build_services(settings_for(tmp_path / "store", tiny_model))
    assert [r.status for r in svc.ingestor.ingest_paths([corpus])] == ["unchanged", "unchanged"]
    stored, in_chroma = _vector_state(svc)
    assert len(stored) == svc.store.count_chunks() and stored == in_chroma
    svc.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path):
    exe = Path(sys.executable).parent / "chroma"
    if not exe.exists():
        pytest.skip("chroma CLI not installed in the venv: cannot start a chroma server")
    port = _free_port()
    proc = subprocess.Popen([str(exe), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import chromadb
    from chromadb.config import Settings as ClientSettings

    deadline = time.time() + 60
    while True:
        try:
            chromadb.HttpClient(host="127.0.0.1", port=port,
                                settings=ClientSettings(anonymized_telemetry=False)).heartbeat()
            break
        except Exception:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.skip("chroma server did not start on 127.0.0.1 within 60 s")
            time.sleep(0.3)
    yield port
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.mark.server
def test_dense_with_chroma_server(tmp_path: Path, corpus: Path, tiny_model: Path, chroma_server: int) -> None:
    svc = build_services(settings_for(tmp_path / "store", tiny_model, host="127.0.0.1", port=chroma_server))
    assert svc.retriever.mode == "hybrid"
    svc.ingestor.ingest_paths([corpus])
    assert not (tmp_path / "store" / "chroma").exists()  # vectors live on the server
    stored, in_chroma = _vector_state(svc)
    assert len(stored) == svc.store.count_chunks() and stored == in_chroma
    passages = svc.retriever.retrieve("Xã Dương Hưu kiến nghị gì?", k=3)
    assert passages and all(p.doc_id == DUONG_HUU for p in passages)
    svc.ingestor.remove(DUONG_HUU)
    assert all(v.startswith(TRI_QUA) for v in _vector_state(svc)[1])
    svc.close()
