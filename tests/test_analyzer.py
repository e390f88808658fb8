"""Vietnamese analyzer: folding, tone placement, compounds, abbreviations, query words, accents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.analyzer import LINE_BREAK, VietnameseAnalyzer, canonical_syllable, is_signature_block
from ingest.text import fold_accents

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def an() -> VietnameseAnalyzer:
    return VietnameseAnalyzer()


def test_canonical_tone_placement() -> None:
    assert canonical_syllable("hóa") == canonical_syllable("hoá") == "hoá"
    assert canonical_syllable("Thủy") == "thuỷ"
    assert canonical_syllable("khỏe") == "khoẻ"
    assert canonical_syllable("của") == "của"
    assert canonical_syllable("quý") == "quý"
    assert canonical_syllable("hoàn") == "hoàn"


def test_syllables_keep_one_letter_and_fold(an: VietnameseAnalyzer) -> None:
    toks = an.tokens("Trạm y tế ở phường")
    for t in ("trạm", "y", "tế", "ở", "phường", "o", "te", "tram", "phuong"):
        assert t in toks
    assert "y_tế" in toks and "y_te" in toks


def test_compounds_and_folded_compounds(an: VietnameseAnalyzer) -> None:
    toks = an.tokens("Tỷ lệ số hóa hồ sơ đạt 100%")
    for t in ("hồ_sơ", "ho_so", "tỷ_lệ", "ty_le", "số_hoá", "so_hoa", "100"):
        assert t in toks
    # "số hóa" and "số hoá" are the same term
    assert set(an.tokens("số hóa")) == set(an.tokens("số hoá"))


def test_compounds_do_not_cross_punctuation(an: VietnameseAnalyzer) -> None:
    toks = an.tokens("hồ sơ. Trực tuyến")
    assert "sơ_trực" not in toks
    assert "hồ_sơ" in toks and "trực_tuyến" in toks


def test_abbreviation_expands_both_ways(an: VietnameseAnalyzer) -> None:
    abbr = an.tokens("Giải quyết TTHC")
    full = an.tokens("Giải quyết thủ tục hành chính")
    for t in ("tthc", "thủ_tục", "hành_chính", "thu_tuc", "hanh_chinh"):
        assert t in abbr and t in full
    assert "cđs" in an.tokens("chuyển đổi số") and "cds" in an.tokens("chuyen doi so")
    assert "chuyển_đổi_số" in an.tokens("CĐS") and "chuyen_doi_so" in an.tokens("CDS")
    assert "phản_ánh" in an.tokens("PAKN") and "pakn" in an.tokens("phản ánh kiến nghị")
    assert "dịch_vụ_công_trực" in an.tokens("DVCTT")
    # one abbreviation term per occurrence (no inflation at the end of a phrase)
    assert an.tokens("chuyển đổi số").count("cđs") == 1


def test_query_words_dropped(an: VietnameseAnalyzer) -> None:
    q = an.query_tokens("Tỷ lệ hồ sơ là bao nhiêu?")
    assert "bao" not in q and "nhiêu" not in q and "tỷ_lệ" in q
    q2 = an.query_tokens("ty le ho so la bao nhieu")
    assert "bao" not in q2 and "nhieu" not in q2 and "ho_so" in q2
    assert "nào" not in an.query_tokens("Phường nào đạt 100%?")
    # "máy" is not the question word "mấy"
    assert "may" in an.query_tokens("may moc cu")
    # a query made only of question words still yields terms
    assert an.query_tokens("bao nhiêu?")


def test_ai_question_vs_ai_technology(an: VietnameseAnalyzer) -> None:
    q = an.query_tokens("Ai ký báo cáo của phường Trí Quả?")
    assert "ai" not in q and "người_ký" in q
    assert "ai" in an.query_tokens("Tập huấn ứng dụng AI cho người dân")


def test_signature_block_terms(an: VietnameseAnalyzer) -> None:
    text = "Nơi nhận:\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Chính Bảo"
    assert is_signature_block(text)
    assert "người_ký" in an.passage_tokens(text)
    assert not is_signature_block("Chủ tịch UBND phường chỉ đạo các phòng ban.")


def test_passage_tokens_mark_lines(an: VietnameseAnalyzer) -> None:
    toks = an.passage_tokens("dòng một\ndòng hai")
    assert toks.count(LINE_BREAK) == 1
    assert [t for t in toks if t != LINE_BREAK] == an.tokens("dòng một") + an.tokens("dòng hai")


def test_version_tracks_mode() -> None:
    assert VietnameseAnalyzer().version != VietnameseAnalyzer(compounds="none").version


# -- on the sample corpus -----------------------------------------------------------------------------

PAIRS = [
    ("Tỷ lệ hồ sơ trực tuyến toàn trình của phường Phương Liễu", "ty le ho so truc tuyen toan trinh cua phuong Phuong Lieu",
     "Tỷ lệ hồ sơ trực tuyến toàn trình đạt: 99.75%"),
    ("Phường Phù Liễn lắp đặt Internet Wifi tốc độ cao tại bao nhiêu nhà văn hóa?",
     "phuong Phu Lien lap dat internet wifi toc do cao tai bao nhieu nha van hoa",
     "lắp đặt Internet Wifi tốc độ cao tại 14 nhà văn hóa"),
    ("Tỷ lệ phủ sóng 5G ở phường Trung Thành là bao nhiêu?", "ty le phu song 5G o phuong Trung Thanh",
     "tỷ lệ phủ sóng 5G đạt 75%"),
    ("Xã Dương Hưu có những kiến nghị, đề xuất gì?", "xa Duong Huu co nhung kien nghi de xuat gi",
     "Đề nghị cấp trên hỗ trợ nâng cấp hạ tầng công nghệ thông tin"),
    ("Số dịch vụ công trực tuyến toàn trình của P. Trung Thành?", "so DVCTT toan trinh cua P. Trung Thanh",
     "số dịch vụ công trực tuyến toàn trình là 196 thủ tục"),
]


@pytest.fixture(scope="module")
def sample_services(tmp_path_factory: pytest.TempPathFactory):
    from assistant.services import build_services
    from index.settings import EmbedSettings, Settings

    settings = Settings(embed=EmbedSettings(EMBED_MODEL="none")).with_store(tmp_path_factory.mktemp("store"))
    services = build_services(settings)
    results = services.ingestor.ingest_paths([ROOT / "data" / "reports"])
    assert [r.status for r in results] == ["ingested"] * 5
    yield services
    services.close()


@pytest.mark.parametrize(("accented", "plain", "quote"), PAIRS)
def test_unaccented_queries_find_the_same_passages(sample_services, accented: str, plain: str,
                                                   quote: str) -> None:
    r = sample_services.retriever
    a = r.retrieve(accented, k=5)
    b = r.retrieve(plain, k=5)
    assert a[0].chunk_id == b[0].chunk_id
    assert any(quote.lower() in p.text.lower() for p in a[:3])
    assert any(quote.lower() in p.text.lower() for p in b[:3])


def test_unaccented_gold_questions_overlap(sample_services) -> None:
    """Folding every gold question keeps most of the top-5 passages."""
    r = sample_services.retriever
    qs = [json.loads(line) for line in (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
          if line.strip()]
    overlap = []
    for q in qs:
        a = {p.chunk_id for p in r.retrieve(q["question"], k=5)}
        b = {p.chunk_id for p in r.retrieve(fold_accents(q["question"]), k=5)}
        overlap.append(len(a & b) / max(len(a), 1))
    assert sum(overlap) / len(overlap) >= 0.8
