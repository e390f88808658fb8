"""Incremental lexical index: a delta segment + tombstones score exactly like a full rebuild."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assistant.services import build_services
from index.lexical import LexicalIndex
from index.settings import EmbedSettings, Settings
from tests.ingest_fixtures import copy_reports

DOCS = ["000_72c868d4104a62a0", "001_8f9fde24fc816415", "002_adbbb63db80dde0e", "003_47472d43401efc50",
        "004_faad2a6d99a2e313"]
QUERIES = ["tỷ lệ hồ sơ trực tuyến", "chữ ký số cán bộ", "camera an ninh", "kinh phí chuyển đổi số",
           "Wifi nhà văn hóa", "khó khăn nguồn nhân lực", "thanh toán không dùng tiền mặt"]


def _results(index: LexicalIndex, docs: list[str] | None = None) -> list[dict[str, float]]:
    return [{cid: round(s, 6) for cid, s in index.search(q, k=20, doc_ids=docs)} for q in QUERIES]


def _full(svc, tmp_path: Path, name: str) -> LexicalIndex:
    full = LexicalIndex(tmp_path / name, svc.analyzer)
    full.rebuild(svc.store)
    return full


@pytest.fixture
def svc(tmp_path: Path):
    services = build_services(Settings(embed=EmbedSettings(EMBED_MODEL="none")).with_store(tmp_path / "store"))
    services.lexical.merge_min_chunks = 0  # the sample store is small: use segments anyway
    services.lexical.merge_fraction = services.lexical.tombstone_fraction = 10.0
    yield services
    services.close()


def test_add_change_remove_match_full_rebuild(tmp_path: Path, svc) -> None:
    corpus = copy_reports(tmp_path / "reports")
    files = sorted(corpus.iterdir())
    svc.ingestor.ingest_paths(files[:3])
    assert svc.lexical.last_update["kind"] == "rebuild"  # first build: one base segment
    assert svc.lexical.delta is None

    svc.ingestor.ingest_paths(files[3:])  # two new reports -> delta segment
    lex = svc.lexical
    assert lex.last_update == {"kind": "delta", "changed_docs": 2, "removed_docs": 0,
                               "delta_chunks": len(lex.delta.chunk_ids), "dead_base_chunks": 0}
    assert lex.base.docs == set(DOCS[:3]) and lex.delta.docs == set(DOCS[3:])
    assert len(lex) == svc.store.count_chunks()
    assert _results(lex) == _results(_full(svc, tmp_path, "full1"))

    # a changed base report (new version in the delta) and a removed one (tombstone)
    path = corpus / f"{DOCS[1]}.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nPhường lắp thêm 12 camera an ninh mới.\n", encoding="utf-8")
    svc.ingestor.ingest_paths([path])
    svc.ingestor.remove(DOCS[0])
    assert lex.last_update["kind"] == "delta" and lex.tombstones == {DOCS[0], DOCS[1]}
    assert lex.delta.docs == {DOCS[1], *DOCS[3:]}
    assert len(lex) == svc.store.count_chunks()
    full = _full(svc, tmp_path, "full2")
    assert _results(lex) == _results(full)
    assert _results(lex, [DOCS[1]]) == _results(full, [DOCS[1]])
    assert all(not cid.startswith(DOCS[0]) for hits in _results(lex) for cid in hits)
    assert any("12 camera" in c.text for c in svc.store.get_chunks(list(_results(lex)[2])[:3]))
    lex.line_weight = full.line_weight = 0.2  # the line level too (off by default)
    assert _results(lex) == _results(full) and _results(lex) != _results(_full(svc, tmp_path, "full3"))
    lex.line_weight = full.line_weight = 0.0

    # a fresh reader (another process) loads base + delta + tombstones from disk
    reader = LexicalIndex(tmp_path / "store" / "lexical", svc.analyzer)
    assert reader.load() and reader.generation == svc.store.generation()
    assert _results(reader) == _results(full)


def test_delta_past_its_share_merges_into_a_new_base(tmp_path: Path, svc) -> None:
    files = sorted(copy_reports(tmp_path / "reports").iterdir())
    svc.ingestor.ingest_paths(files[:4])
    svc.lexical.merge_fraction = 0.01  # any delta is "large": merge
    svc.ingestor.ingest_paths(files[4:])
    lex = svc.lexical
    assert lex.last_update["kind"] == "rebuild" and lex.delta is None and not lex.tombstones
    assert lex.base.docs == set(DOCS)
    names = sorted(p.name for p in (tmp_path / "store" / "lexical").iterdir())
    assert names == sorted(["CURRENT", lex.base.name])  # the old base and delta are gone


def test_crash_before_the_manifest_swap_keeps_the_previous_index(tmp_path: Path, svc,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted(copy_reports(tmp_path / "reports").iterdir())
    svc.ingestor.ingest_paths(files[:3])
    before = (tmp_path / "store" / "lexical" / "CURRENT").read_text(encoding="utf-8")
    expected = _results(svc.lexical)
    real_replace = os.replace

    def crash(src, dst):  # the new delta segment is written; the process dies at the swap
        if Path(dst).name == "CURRENT":
            raise OSError("simulated crash")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        svc.ingestor.ingest_paths(files[3:])
    monkeypatch.setattr(os, "replace", real_replace)
    assert (tmp_path / "store" / "lexical" / "CURRENT").read_text(encoding="utf-8") == before
    orphans = [p.name for p in (tmp_path / "store" / "lexical").iterdir() if p.name.startswith("delta-")]
    assert len(orphans) == 1  # written completely, never named by the manifest
    reader = LexicalIndex(tmp_path / "store" / "lexical", svc.analyzer, merge_min_chunks=0, merge_fraction=10.0)
    assert reader.load() and json.loads(before)["delta"] is None
    assert _results(reader) == expected  # the old state, whole
    reader.ensure_fresh(svc.store)  # the store moved on: the reader catches up by itself
    assert reader.last_update["kind"] == "delta" and reader.delta.docs == set(DOCS[3:])
    assert not (tmp_path / "store" / "lexical" / orphans[0]).exists()
    assert _results(reader) == _results(_full(svc, tmp_path, "full"))
