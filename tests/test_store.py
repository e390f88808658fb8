"""ReportStore (SQLite) and LexicalIndex (bm25s) on small hand-made reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.analyzer import VietnameseAnalyzer
from index.lexical import LexicalIndex
from index.store import ReportStore, vector_id
from ingest.models import Chunk, Indicator, Paragraph, Report, Section

AN = VietnameseAnalyzer()


def make_report(doc_id: str, unit: str, lines: list[str], content_hash: str = "h1") -> tuple[Report, list[Chunk]]:
    text = "\n".join(lines)
    paragraphs, pos = [], 0
    for i, line in enumerate(lines, 1):
        paragraphs.append(Paragraph(id=f"{doc_id}:p{i}", doc_id=doc_id, n=i, text=line, start=pos,
                                    end=pos + len(line), section_path=("Kết quả",)))
        pos += len(line) + 1
    section = Section(id=f"{doc_id}:s1", title="Kết quả", numbering="I.", level=1, path=("Kết quả",), start=0,
                      end=len(text), children=[Section(id=f"{doc_id}:s2", title="Chi tiết", numbering="1.",
                                                       level=2, path=("Kết quả", "Chi tiết"), start=0, end=5)])
    report = Report(doc_id=doc_id, source_path=f"/x/{doc_id}.txt", text=text, content_hash=content_hash, unit=unit,
                    unit_type="phường", unit_variants=[unit + "x"], province="Bắc Ninh", period="2026-04",
                    period_label="tháng 4 năm 2026", report_number=None, signer="Nguyễn Văn A",
                    references=["Công văn số 1/ABC"], sections=[section], paragraphs=paragraphs,
                    warnings=["thiếu ngày"])
    chunks = [Chunk(id=f"{doc_id}:c{i}", doc_id=doc_id, n=i, text=f"[phường {unit} · tháng 4] Kết quả\n{p.text}",
                    section_path=("Kết quả",), paragraph_ids=[p.id], start=p.start, end=p.end)
              for i, p in enumerate(paragraphs, 1)]
    return report, chunks


def indicator(doc_id: str, key: str, value: float) -> Indicator:
    return Indicator(doc_id=doc_id, unit="U", province="Bắc Ninh", period="2026-04", key=key, label=key, value=value,
                     measure="%", qualifier="đạt", numerator=None, denominator=None, paragraph_id=f"{doc_id}:p1",
                     sentence="s", start=0, end=1)


def toks(chunks: list[Chunk]) -> list[list[str]]:
    return [AN.passage_tokens(c.text) for c in chunks]


@pytest.fixture
def store(tmp_path: Path) -> ReportStore:
    s = ReportStore(tmp_path)
    yield s
    s.close()


def test_replace_and_read_back(store: ReportStore) -> None:
    report, chunks = make_report("a", "Trí Quả", ["Tỷ lệ hồ sơ trực tuyến đạt 84%.", "Cấp 200 chữ ký số."])
    g0 = store.generation()
    store.replace_report(report, chunks, [indicator("a", "ty_le_truc_tuyen", 84.0)], tokens=toks(chunks),
                         vector_ids=[vector_id(c.id, "h1") for c in chunks])
    assert store.generation() == g0 + 1
    assert store.manifest_hash("a") == "h1"
    assert store.get_paragraph("a:p2").text == "Cấp 200 chữ ký số."
    assert [p.id for p in store.get_paragraphs("a")] == ["a:p1", "a:p2"]
    assert [c.id for c in store.get_chunks(["a:c2", "zz", "a:c1"])] == ["a:c2", "a:c1"]
    meta = store.get_report_meta("a")
    assert meta["unit"] == "Trí Quả" and meta["unit_variants"] == ["Trí Quảx"]
    assert meta["references"] == ["Công văn số 1/ABC"] and meta["n_sections"] == 2
    assert store.report_summary("a") == {
        "doc_id": "a", "unit": "Trí Quả", "unit_type": "phường", "province": "Bắc Ninh", "period": "2026-04",
        "report_number": None, "signer": "Nguyễn Văn A", "sections": 2, "paragraphs": 2, "chunks": 2,
        "indicators": 1, "warnings": ["thiếu ngày"]}
    full = store.get_report("a")
    assert full.text == report.text and full.sections[0].children[0].path == ("Kết quả", "Chi tiết")
    assert full.paragraphs == report.paragraphs
    assert store.chunk_ids_for_vectors([vector_id("a:c1", "h1"), "nope"]) == {vector_id("a:c1", "h1"): "a:c1"}
    ind = store.query_indicators(key="ty_le_truc_tuyen")
    assert len(ind) == 1 and ind[0].value == 84.0 and ind[0].doc_id == "a"
    assert store.query_indicators(key="other") == []
    assert [r["doc_id"] for r in store.list_reports()] == ["a"]


def test_replace_removes_everything_old(store: ReportStore) -> None:
    r1, c1 = make_report("a", "Trí Quả", ["một", "hai", "ba"])
    store.replace_report(r1, c1, [indicator("a", "k", 1.0), indicator("a", "k", 2.0)], tokens=toks(c1))
    r2, c2 = make_report("a", "Trí Quả", ["bốn"], content_hash="h2")
    store.replace_report(r2, c2, [], tokens=toks(c2))
    assert store.count_chunks() == 1 and [p.text for p in store.get_paragraphs("a")] == ["bốn"]
    assert store.query_indicators() == [] and store.manifest_hash("a") == "h2"


def test_failed_transaction_keeps_previous_state(store: ReportStore) -> None:
    r1, c1 = make_report("a", "Trí Quả", ["một", "hai"])
    store.replace_report(r1, c1, [], tokens=toks(c1))
    gen = store.generation()
    r2, c2 = make_report("a", "Trí Quả", ["mới"], content_hash="h2")
    c2[0].paragraph_ids = [object()]  # not serialisable: fails inside the transaction
    with pytest.raises(TypeError):
        store.replace_report(r2, c2, [], tokens=toks(c2))
    assert store.generation() == gen and store.manifest_hash("a") == "h1"
    assert [c.id for c in store.iter_chunks()] == ["a:c1", "a:c2"]
    with pytest.raises(ValueError):
        store.replace_report(r1, c1, [], tokens=[[]])


def test_remove(store: ReportStore) -> None:
    r1, c1 = make_report("a", "Trí Quả", ["một"])
    store.replace_report(r1, c1, [indicator("a", "k", 1.0)], tokens=toks(c1))
    gen = store.generation()
    assert store.remove_report("a") is True
    assert store.generation() == gen + 1
    assert store.get_report_meta("a") is None and store.manifest_hash("a") is None
    assert store.count_chunks() == 0 and store.query_indicators() == [] and store.get_paragraphs("a") == []
    assert store.remove_report("a") is False and store.generation() == gen + 1


def test_lexical_search_filter_and_atomic_swap(tmp_path: Path, store: ReportStore) -> None:
    ra, ca = make_report("a", "Trí Quả", ["Tỷ lệ hồ sơ trực tuyến đạt 84%.", "Cấp 200 chữ ký số."])
    rb, cb = make_report("b", "Phù Liễn", ["Lắp Wifi tại 14 nhà văn hoá.", "Hồ sơ trực tuyến: 11952 hồ sơ."])
    store.replace_report(ra, ca, [], tokens=toks(ca))
    store.replace_report(rb, cb, [], tokens=toks(cb))
    store.set_meta("analyzer_version", AN.version)
    lex = LexicalIndex(tmp_path / "lexical", AN)
    lex.ensure_fresh(store)
    assert lex.generation == store.generation() and len(lex) == 4
    hits = lex.search("ho so truc tuyen", k=10)
    assert {h[0] for h in hits[:2]} == {"a:c1", "b:c2"}  # "số" folds to "so" too: a:c2 ranks lower
    assert hits[2][1] < hits[1][1]
    assert [h[0] for h in lex.search("hồ sơ trực tuyến", k=10, doc_ids=["b"])] == ["b:c2"]
    assert lex.search("wifi nhà văn hóa", k=1)[0][0] == "b:c1"
    assert lex.search("hồ sơ", k=5, doc_ids=["zz"]) == []
    assert lex.search("từkhôngcó", k=5) == []
    current = (tmp_path / "lexical" / "CURRENT").read_text()
    # a fresh reader loads the swapped-in version from disk
    other = LexicalIndex(tmp_path / "lexical", AN)
    assert other.load() and other.search("wifi", k=1)[0][0] == "b:c1"
    # a change in the store -> readers rebuild; old version directory is cleaned up
    store.remove_report("b")
    other.ensure_fresh(store)
    assert other.search("wifi", k=3) == []
    old_base = json.loads(current)["base"]
    manifest = json.loads((tmp_path / "lexical" / "CURRENT").read_text())
    assert manifest["base"] != old_base and not (tmp_path / "lexical" / old_base).exists()
    assert sorted(p.name for p in (tmp_path / "lexical").iterdir()) == sorted(["CURRENT", manifest["base"]])
    ids = json.loads((tmp_path / "lexical" / manifest["base"] / "ids.json").read_text())
    assert ids["chunk_ids"] == ["a:c1", "a:c2"] and list(manifest["docs"]) == ["a"]


def test_analyzer_change_retokenizes(tmp_path: Path, store: ReportStore) -> None:
    ra, ca = make_report("a", "Trí Quả", ["Tỷ lệ hồ sơ trực tuyến"])
    store.replace_report(ra, ca, [], tokens=[["rác"]])  # stale cached terms
    store.set_meta("analyzer_version", "old")
    lex = LexicalIndex(tmp_path / "lexical", AN)
    lex.ensure_fresh(store)
    assert store.get_meta("analyzer_version") == AN.version
    assert lex.search("trực tuyến", k=1)[0][0] == "a:c1"


@pytest.mark.parametrize("batch", [4_000_000, 50, 1])
def test_postings_score_like_bm25s(monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    """Our postings + query-time statistics give bm25s' own Lucene BM25 scores (any build batch size)."""
    import bm25s
    import numpy as np

    import index.lexical as lexical

    monkeypatch.setattr(lexical, "_BATCH_TERMS", batch)
    rng = np.random.default_rng(0)
    docs = [[str(t) for t in rng.integers(0, 40, size=int(rng.integers(1, 30)))] for _ in range(120)]
    vocab = {str(i): i for i in range(40)}
    ref = bm25s.BM25(k1=1.2, b=0.75)
    ref.index(bm25s.tokenization.Tokenized(ids=[[int(t) for t in d] for d in docs], vocab=vocab),
              create_empty_token=False, show_progress=False)
    index = LexicalIndex(Path("/nonexistent"), AN, k1=1.2, b=0.75)
    seg = lexical.Segment.build((f"c{i}", "d", d) for i, d in enumerate(docs))
    index._set(seg, None, set(), {}, 0)
    for q in (["1", "2", "3"], ["7"], ["39", "0", "0"]):
        mine = lexical._level_scores([(seg.chunks, None, seg.chunk_weights)], [[seg.vocab.get(t)] for t in q])[0]
        assert np.allclose(ref.get_scores(q), mine, atol=1e-5)


def test_cached_reads_follow_every_change(tmp_path) -> None:
    """list_reports() and query_indicators(key) are cached per generation: a change shows at once."""
    from index.store import ReportStore
    from ingest.models import Indicator, Report

    def ind(value: float) -> Indicator:
        return Indicator(doc_id="d", unit="X", province=None, period="2026-05", key="so_hoa_ho_so", label="số hóa",
                         value=value, measure="%", qualifier=None, numerator=None, denominator=None,
                         paragraph_id="d:p1", sentence="s", start=0, end=1)

    store = ReportStore(tmp_path)
    store.replace_report(Report(doc_id="d", source_path="d.txt", text="x", content_hash="1", unit="X"), [], [ind(90)])
    assert [i.value for i in store.query_indicators(key="so_hoa_ho_so")] == [90]
    assert [r["unit"] for r in store.list_reports()] == ["X"]
    store.replace_report(Report(doc_id="d", source_path="d.txt", text="x", content_hash="2", unit="Y"), [], [ind(100)])
    assert [i.value for i in store.query_indicators(key="so_hoa_ho_so")] == [100]
    assert [r["unit"] for r in store.list_reports()] == ["Y"]
    store.remove_report("d")
    assert store.query_indicators(key="so_hoa_ho_so") == [] and store.list_reports() == []
    store.close()
