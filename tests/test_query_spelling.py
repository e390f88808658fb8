"""Unit names are matched accent-insensitively only when the question is written without accents."""

from __future__ import annotations

from assistant.aggregate_query import _named_docs
from index.query import spelled_as
from ingest.text import fold


class TestSpelledAs:
    def test_unaccented_writing_matches_any_spelling(self) -> None:
        assert spelled_as("le ho", ["Lê Hồ"])
        assert spelled_as("Phuong Lieu", ["Phương Liễu"])

    def test_accented_writing_must_match_a_spelling(self) -> None:
        assert spelled_as("Lê Hồ", ["Lê Hồ"])
        assert spelled_as("lê  hồ", ["Lê Hồ"])
        assert not spelled_as("lệ hồ", ["Lê Hồ"])  # "tỷ lệ hồ sơ"

    def test_writing_accented_in_part_matches_syllable_by_syllable(self) -> None:
        assert spelled_as("Pà Co", ["Pà Cò"])  # "Xã Pà Co con bao nhieu ban lom song?"
        assert spelled_as("Phuong Liễu", ["Phương Liễu"])
        assert not spelled_as("lệ ho", ["Lê Hồ"])  # an accented syllable keeps its own accents
        assert not spelled_as("Pà Co Mới", ["Pà Cò"])

    def test_typo_spellings_seen_in_reports_are_accepted(self) -> None:
        assert spelled_as("Trưng Thành", ["Trung Thành", "Trưng Thành"])


def test_aggregate_does_not_read_common_words_as_a_unit() -> None:
    reports = [{"doc_id": "a", "unit": "Lê Hồ", "unit_variants": []},
               {"doc_id": "b", "unit": "Trí Quả", "unit_variants": []}]
    q = "Những xã nào có tỷ lệ hồ sơ trực tuyến dưới 50%?"
    assert _named_docs(fold(q), reports, q) == []
    q = "So sánh tỷ lệ hồ sơ trực tuyến của phường Lê Hồ và phường Trí Quả"
    assert _named_docs(fold(q), reports, q) == ["a", "b"]


def test_a_name_after_tinh_is_the_province() -> None:
    reports = [{"doc_id": "lc", "unit": "Lào Cai", "unit_variants": []}]
    q = "Đơn vị nào có tỷ lệ số hóa hồ sơ dưới 100% thuộc tỉnh Lào Cai?"
    assert _named_docs(fold(q), reports, q) == []
    q = "Tỷ lệ số hóa hồ sơ của phường Lào Cai?"
    assert _named_docs(fold(q), reports, q) == ["lc"]


def test_query_analyzer_reads_a_province_after_tinh(tmp_path) -> None:
    from index.query import QueryAnalyzer
    from index.store import ReportStore
    from ingest.models import Report

    store = ReportStore(tmp_path)
    store.replace_report(Report(doc_id="lc", source_path="lc.txt", text="x", content_hash="h", unit="Lào Cai",
                                unit_type="phường", province="Lào Cai", period="2026-05"), [], [])
    qa = QueryAnalyzer(store)
    f = qa.parse("Đơn vị nào có tỷ lệ số hóa hồ sơ dưới 100% thuộc tỉnh Lào Cai?")
    assert f.units == [] and f.provinces == ["Lào Cai"]
    assert qa.parse("Tỷ lệ số hóa hồ sơ của phường Lào Cai?").units == ["Lào Cai"]
    store.close()


class _Store:
    """The store surface QueryAnalyzer reads: its reports and their generation."""

    def __init__(self, units: list[str]) -> None:
        self.reports = [{"doc_id": f"d{i}", "unit": u, "unit_variants": [], "province": None}
                        for i, u in enumerate(units)]

    def list_reports(self) -> list[dict]:
        return self.reports

    def generation(self) -> int:
        return 1


def test_a_unit_name_one_letter_off_is_the_stores_unit() -> None:
    from index.query import QueryAnalyzer

    qa = QueryAnalyzer(_Store(["Đông Thạnh", "Minh Đức"]))
    f = qa.parse("Phó Bí thư xã Đông Thạch dự lễ là ai?")  # no real commune is called Đông Thạch
    assert (f.units, f.unknown_units) == (["Đông Thạnh"], [])
    f = qa.parse("Xã Hoàn Kiếm có bao nhiêu hồ sơ?")  # a real name: another unit, not a typo
    assert f.units == [] and f.unknown_units == ["Hoàn Kiếm"]


def test_a_typo_close_to_two_units_is_not_corrected() -> None:
    from index.query import QueryAnalyzer

    qa = QueryAnalyzer(_Store(["Đông Thạnh", "Đông Thác"]))  # "dong thach" is one letter from both
    assert qa.parse("xã Đông Thạch có bao nhiêu hồ sơ?").units == []
