"""Query understanding, hybrid retriever (lexical mode here), gold-quote recall, model unavailable."""

from __future__ import annotations

import json
import logging
import unicodedata
from pathlib import Path

import pytest

from assistant.services import build_services
from index.query import QueryAnalyzer
from index.settings import EmbedSettings, Settings
from ingest.periods import parse_periods

ROOT = Path(__file__).resolve().parent.parent
DOCS = {"000": "000_72c868d4104a62a0", "001": "001_8f9fde24fc816415", "002": "002_adbbb63db80dde0e",
        "003": "003_47472d43401efc50", "004": "004_faad2a6d99a2e313"}


def lexical_settings(store: Path) -> Settings:
    return Settings(embed=EmbedSettings(EMBED_MODEL="none")).with_store(store)


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory):
    svc = build_services(lexical_settings(tmp_path_factory.mktemp("store")))
    svc.ingestor.ingest_paths([ROOT / "data" / "reports"])
    yield svc
    svc.close()


def test_periods() -> None:
    assert parse_periods("Kết quả tháng 4/2026") == ["2026-04"]
    assert parse_periods("trong tháng 5 năm 2026") == ["2026-05"]
    assert parse_periods("Trong quý I/2026") == ["2026-Q1"]
    assert parse_periods("quy 1 nam 2026") == ["2026-Q1"]
    assert parse_periods("6 tháng đầu năm 2026") == ["2026-H1"]
    assert parse_periods("Năm 2025 phường tiếp nhận") == ["2025"]
    assert parse_periods("Giá vàng hôm nay") == []


@pytest.mark.parametrize(("question", "unit"), [
    ("Tỷ lệ hồ sơ trực tuyến của phường Phương Liễu?", "Phương Liễu"),
    ("ty le ho so truc tuyen toan trinh cua phuong Phuong Lieu", "Phương Liễu"),
    ("Số DVCTT toàn trình của P. Trung Thành?", "Trung Thành"),
    ("Báo cáo của phường Trưng Thành", "Trung Thành"),  # typo variant in the report
    ("Phù Liên có bao nhiêu thủ tục toàn trình?", "Phù Liễn"),
    ("Xã Dương Hưu kiến nghị gì?", "Dương Hưu"),
])
def test_unit_mentions(services, question: str, unit: str) -> None:
    qa: QueryAnalyzer = services.query_analyzer
    f = qa.parse(question)
    assert f.units == [unit]
    docs = qa.docs_for(f)
    assert docs and all(qa.report_meta(d)["unit"] == unit for d in docs)
    passages = services.retriever.retrieve(question, k=5)
    assert passages and {p.doc_id for p in passages} == set(docs)
    assert all(p.unit == unit for p in passages)


def test_province_unit_type_unknown_unit(services) -> None:
    qa = services.query_analyzer
    f = qa.parse("Những báo cáo nào là của các đơn vị thuộc tỉnh Bắc Ninh?")
    assert f.provinces == ["Bắc Ninh"] and f.aggregate
    assert sorted(qa.docs_for(f)) == [DOCS["000"], DOCS["001"], DOCS["003"]]
    f = qa.parse("Trong bộ báo cáo có những xã nào (không phải phường)?")
    assert f.unit_types == ["xã"] and qa.docs_for(f) == [DOCS["003"]]
    f = qa.parse("Những địa phương nào nêu khó khăn về nguồn nhân lực?")
    assert f.unit_types == [] and f.aggregate and qa.docs_for(f) is None
    f = qa.parse("Kết quả chuyển đổi số năm 2025 của phường Hoàn Kiếm thế nào?")
    assert f.units == [] and f.unknown_units == ["Hoàn Kiếm"] and f.periods == ["2025"]
    assert qa.parse("Giá vàng hôm nay là bao nhiêu?").is_empty()


def test_follow_up_question(services) -> None:
    und = services.answerer.understander
    u = und.run("Còn phường Phương Liễu thì sao?", ["Tỷ lệ hồ sơ trực tuyến của phường Trí Quả là bao nhiêu?"])
    assert u.effective == "Tỷ lệ hồ sơ trực tuyến của phường Phương Liễu là bao nhiêu?"
    # The previous question spelled the unit without accents: it is still swapped.
    u = und.run("Còn Phù Liễn thì sao?", ["ty le ho so truc tuyen cua phuong Tri Qua"])
    assert u.effective == "ty le ho so truc tuyen cua phuong Phù Liễn"
    standalone = "Phường Trí Quả tiếp nhận bao nhiêu phản ánh kiến nghị?"
    assert und.run(standalone, ["Ai ký báo cáo?"]).effective == standalone


def test_passages_are_verbatim_report_text(services) -> None:
    store = services.store
    for q in ("Phường Phù Liễn niêm yết bao nhiêu thủ tục hành chính?", "Những phường nào đạt 100% số hóa hồ sơ?"):
        passages = services.retriever.retrieve(q, k=5)
        assert len(passages) == 5
        for p in passages:
            assert not p.text.startswith("[")  # header line removed
            for pid in p.paragraph_ids:
                para = store.get_paragraph(pid)
                assert para is not None and para.doc_id == p.doc_id
            assert any(store.get_paragraph(pid).text in p.text for pid in p.paragraph_ids)
            assert p.to_dict().keys() == {"doc_id", "text", "score", "paragraph_ids"}
        assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)


def test_report_level_questions(services) -> None:
    r = services.retriever
    top = r.retrieve("Ai là người ký báo cáo của phường Phù Liễn?", k=3)
    assert any("Phạm Văn Diện" in p.text for p in top)
    top = r.retrieve("Báo cáo chuyển đổi số của phường Trí Quả có số hiệu là gì?", k=3)
    assert any("103/BC-UBND" in p.text for p in top)


def _norm(s: str) -> str:
    return unicodedata.normalize("NFC", s).lower()


def test_gold_quote_recall_at_5(services) -> None:
    """Lexical-only gold-quote recall@5 on eval/questions.jsonl stays >= 0.95."""
    hits = total = 0
    for line in (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        if not q["citations"]:
            continue
        question = services.answerer.understander.run(q["question"], q.get("history") or []).effective
        texts = [_norm(p.text) for p in services.retriever.retrieve(question, k=5)]
        for c in q["citations"]:
            total += 1
            hits += any(_norm(c["quote"]) in t for t in texts)
    assert total >= 60
    assert hits / total >= 0.95, f"recall@5 = {hits}/{total}"


def test_model_unavailable_falls_back_to_lexical(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(embed=EmbedSettings(EMBED_BACKEND="sentence-transformers",
                                            EMBED_MODEL="example-org/model-not-in-cache")).with_store(tmp_path)
    with caplog.at_level(logging.WARNING):
        svc = build_services(settings)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "lexical" in r.getMessage()]
    assert len(warnings) == 1 and "model-not-in-cache" in warnings[0].getMessage()
    assert svc.retriever.mode == "lexical" and svc.embedder is None and svc.vector is None
    assert svc.dense_reason
    svc.ingestor.ingest_paths([ROOT / "data" / "reports" / f"{DOCS['001']}.txt"])
    top = svc.retriever.retrieve("Phường Trí Quả tiếp nhận bao nhiêu phản ánh kiến nghị?", k=3)
    assert any("05 phản ánh kiến nghị" in p.text for p in top)
    assert not (tmp_path / "chroma").exists()
    svc.close()


def test_missing_local_model_dir_fails_fast(tmp_path: Path) -> None:
    from index.embeddings import load_embedder

    emb, reason = load_embedder(EmbedSettings(EMBED_BACKEND="sentence-transformers",
                                              EMBED_MODEL=str(tmp_path / "no-such-model")))
    assert emb is None and "no-such-model" in reason
    emb, reason = load_embedder(EmbedSettings(EMBED_MODEL="none"))
    assert emb is None and "EMBED_MODEL=none" in reason


def test_comparison_and_set_questions_spread_over_reports(services) -> None:
    r = services.retriever
    top = r.retrieve("So sánh tỷ lệ hồ sơ trực tuyến của phường Phương Liễu và phường Trí Quả.", k=5)
    assert {p.doc_id for p in top[:2]} == {DOCS["000"], DOCS["001"]}
    assert {p.doc_id for p in top} == {DOCS["000"], DOCS["001"]}
    top = r.retrieve("Những phường, xã nào báo cáo tỷ lệ số hóa hồ sơ đạt 100%?", k=5)
    assert len({p.doc_id for p in top}) == 5  # one passage per report
    for p in top:  # a report passage = verbatim chunks of that report, in document order
        paras = [services.store.get_paragraph(pid) for pid in p.paragraph_ids]
        assert all(x.doc_id == p.doc_id for x in paras)
        assert [x.n for x in paras] == sorted(x.n for x in paras)


def test_default_fusion_keeps_a_clear_bm25_winner_first() -> None:
    """A chunk BM25 ranks first by far stays first when the dense list ranks it low (rank fusion
    dropped such a chunk to 8th on a tune file)."""
    from types import SimpleNamespace

    from index.retriever import HybridRetriever
    from index.settings import Settings

    fake = SimpleNamespace(settings=Settings())
    lex = [("a", 12.0), ("b", 4.0), ("c", 3.9), ("d", 3.8)]
    dense = [("c", 0.91), ("d", 0.90), ("b", 0.89), ("e", 0.88), ("a", 0.80)]
    fused = HybridRetriever._fuse(fake, lex, dense)  # type: ignore[arg-type]
    assert max(fused, key=fused.get) == "a"
    # the dense list still reorders the close BM25 scores below it
    assert sorted(fused, key=lambda c: -fused[c])[1] == "c"
