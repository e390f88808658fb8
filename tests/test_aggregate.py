"""Aggregate answers over the five sample reports (assistant/aggregate.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.aggregate import AggregateAnswerer, MemoryStore
from assistant.aggregate_compose import NOTE_MARKER
from ingest import parse_file
from ingest.models import Paragraph, Report
from ingest.numbers import numbers_in_text

ROOT = Path(__file__).resolve().parents[1]
UNITS = ["Phương Liễu", "Trí Quả", "Phù Liễn", "Dương Hưu", "Trung Thành"]


@pytest.fixture(scope="module")
def agg() -> AggregateAnswerer:
    reports = [parse_file(p) for p in sorted((ROOT / "data" / "reports").glob("*.txt"))]
    return AggregateAnswerer(MemoryStore(reports))


def ask(agg: AggregateAnswerer, question: str):
    q = agg.match(question)
    assert q is not None, question
    return q, agg.answer(question, q)


def result_part(text: str) -> str:
    """The answer before the "Lưu ý:" line (what a set question is scored on)."""
    return text.split("\n" + NOTE_MARKER)[0]


def named(text: str) -> set[str]:
    return {u for u in UNITS if u in text}


def check_citations(ans, expected_docs: set[str]) -> None:
    cited_docs = {c.doc_id for c in ans.citations}
    assert cited_docs == expected_docs
    for c in ans.citations:
        assert f"[{c.n}]" in result_part(ans.answer)
        assert c.text and c.paragraph_ids and c.section is not None
    assert len(ans.answer) < 1500


def test_reach_100_percent_digitisation(agg) -> None:
    q, ans = ask(agg, "Những phường, xã nào báo cáo tỷ lệ số hóa hồ sơ đạt 100%?")
    assert (q.kind, q.key, q.op, q.value, q.measure) == ("threshold", "so_hoa_ho_so", ">=", 100, "%")
    assert named(result_part(ans.answer)) == {"Phương Liễu", "Trí Quả", "Phù Liễn", "Trung Thành"}
    assert "Báo cáo của xã Dương Hưu không nêu tỷ lệ số hóa hồ sơ." in ans.answer
    assert not ans.abstained
    check_citations(ans, {"000_72c868d4104a62a0", "001_8f9fde24fc816415", "002_adbbb63db80dde0e",
                          "004_faad2a6d99a2e313"})
    quotes = {"000_72c868d4104a62a0": "Tỉ lệ số hóa kết quả giải quyết thủ tục hành chính hồ sơ, đạt 100%",
              "001_8f9fde24fc816415": "số hóa hồ sơ đạt 100%",
              "002_adbbb63db80dde0e": "100% hồ sơ giải quyết được số hóa",
              "004_faad2a6d99a2e313": "tỷ lệ số hóa hồ sơ đạt 100%"}
    for c in ans.citations:
        assert quotes[c.doc_id] in c.text


def test_same_question_without_accents(agg) -> None:
    _, ans = ask(agg, "phuong nao dat 100% so hoa ho so")
    assert named(result_part(ans.answer)) == {"Phương Liễu", "Trí Quả", "Phù Liễn", "Trung Thành"}


def test_online_intake_100(agg) -> None:
    _, ans = ask(agg, "Đơn vị nào có tỷ lệ tiếp nhận hồ sơ trực tuyến đạt 100%?")
    assert named(result_part(ans.answer)) == {"Phù Liễn"}
    assert "Số hồ sơ trực tuyến: 11952 hồ sơ; tỷ lệ đạt: 100%" in ans.citations[0].text
    note = ans.answer.split(NOTE_MARKER)[1]
    assert "Phương Liễu" in note and "Trí Quả" in note  # non-matching units named only after the marker


def test_online_payment(agg) -> None:
    _, ans = ask(agg, "Đơn vị nào báo cáo tỷ lệ thanh toán trực tuyến phí, lệ phí thủ tục hành chính đạt 100%?")
    assert named(result_part(ans.answer)) == {"Phương Liễu"}
    check_citations(ans, {"000_72c868d4104a62a0"})


def test_overdue_files_remaining(agg) -> None:
    q, ans = ask(agg, "Báo cáo của đơn vị nào còn hồ sơ thủ tục hành chính quá hạn?")
    assert (q.key, q.op, q.value) == ("qua_han", ">", 0)
    assert named(result_part(ans.answer)) == {"Trung Thành"}
    assert "02 hồ sơ quá hạn" in ans.citations[0].text
    assert "Dương Hưu" in ans.answer.split(NOTE_MARKER)[1]


def test_highest_intake(agg) -> None:
    q, ans = ask(agg, "Trong các báo cáo, đơn vị nào tiếp nhận nhiều hồ sơ thủ tục hành chính nhất và bao nhiêu hồ sơ?")
    assert (q.kind, q.key, q.op) == ("extreme", "ho_so_tiep_nhan", "max")
    assert named(result_part(ans.answer)) == {"Trung Thành"}
    assert "12.456" in result_part(ans.answer)
    assert "Tổng số hồ sơ tiếp nhận là 12.456 hồ sơ" in ans.citations[0].text


def test_lowest_rate(agg) -> None:
    _, ans = ask(agg, "Phường nào có tỷ lệ hồ sơ trực tuyến thấp nhất?")
    assert named(result_part(ans.answer)) == {"Trí Quả"}


def test_below_threshold_and_count(agg) -> None:
    q, ans = ask(agg, "Có bao nhiêu đơn vị có tỷ lệ giải quyết hồ sơ dưới 95%?")
    assert (q.op, q.value, q.count) == ("<", 95, True)
    assert named(result_part(ans.answer)) == {"Trí Quả"}
    assert result_part(ans.answer).startswith("Có 1 đơn vị")


def test_above_with_qualifier(agg) -> None:
    _, ans = ask(agg, "Những đơn vị nào có tỷ lệ văn bản ký số trên 95%?")
    # "trên 95%" (Dương Hưu) is above 95; "trên 100%" (Phù Liễn) too
    assert named(result_part(ans.answer)) == {"Phương Liễu", "Trí Quả", "Phù Liễn", "Dương Hưu"}


def test_compare_two_units(agg) -> None:
    q, ans = ask(agg, "So sánh tỷ lệ hồ sơ trực tuyến của phường Phương Liễu và phường Trí Quả.")
    assert q.kind == "compare"
    assert "91,71%" in ans.answer and "84,54%" in ans.answer
    assert "Phường Phương Liễu cao hơn phường Trí Quả." in ans.answer
    assert set(numbers_in_text(ans.answer)) <= {91.71, 84.54, 1, 2, 4, 5, 2026}
    check_citations(ans, {"000_72c868d4104a62a0", "001_8f9fde24fc816415"})


def test_one_indicator_across_units(agg) -> None:
    q, ans = ask(agg, "Tỷ lệ số hóa hồ sơ của các đơn vị là bao nhiêu?")
    assert q.kind == "list"
    assert named(result_part(ans.answer)) == {"Phương Liễu", "Trí Quả", "Phù Liễn", "Trung Thành"}


def test_province_metadata(agg) -> None:
    q, ans = ask(agg, "Những báo cáo nào là của các đơn vị thuộc tỉnh Bắc Ninh?")
    assert q.kind == "province"
    assert named(result_part(ans.answer)) == {"Phương Liễu", "Trí Quả", "Dương Hưu"}
    check_citations(ans, {"000_72c868d4104a62a0", "001_8f9fde24fc816415", "003_47472d43401efc50"})
    bac_ninh = [c for c in ans.citations if c.doc_id in ("000_72c868d4104a62a0", "003_47472d43401efc50")]
    assert all("Bắc Ninh" in c.text for c in bac_ninh)


def test_the_collection_asked_over_is_not_an_indicator(agg) -> None:
    # "trong các bài viết" is where to look, not the indicator "số tin, bài"
    q, ans = ask(agg, "Những phường, xã nào trong các bài viết thuộc tỉnh Bắc Ninh?")
    assert q.kind == "province" and q.key is None
    assert named(result_part(ans.answer)) == {"Phương Liễu", "Trí Quả", "Dương Hưu"}


def test_unit_type_metadata(agg) -> None:
    _, ans = ask(agg, "Trong bộ báo cáo có những xã nào (không phải phường)?")
    assert named(result_part(ans.answer)) == {"Dương Hưu"}
    assert "UBND xã Dương Hưu" in ans.citations[0].text


@pytest.mark.parametrize("question", [
    "Tỷ lệ hồ sơ trực tuyến toàn trình của phường Phương Liễu là bao nhiêu?",
    "Xã Dương Hưu kiến nghị gì?",
    "Những địa phương nào nêu khó khăn về nguồn nhân lực, cán bộ làm công nghệ thông tin, chuyển đổi số?",
    "Những xã nào nêu khó khăn về kinh phí?",
    "Giá vàng hôm nay là bao nhiêu?",
    "Phường Trí Quả nêu những hạn chế nào trong chuyển đổi số?",
])
def test_not_aggregate(agg, question: str) -> None:
    assert agg.match(question) is None


def test_nobody_states_it(agg) -> None:
    _, ans = ask(agg, "Những đơn vị nào có tỷ lệ cấp kết quả điện tử đạt 100%?")
    assert ans.abstained
    assert "không" in ans.answer.lower()


@pytest.mark.parametrize("n_reports", [150, 3000])
def test_answer_names_every_unit_with_many_units(n_reports: int) -> None:
    import time

    reports = []
    for k in range(n_reports):
        line = f"Tỷ lệ số hóa hồ sơ đạt {90 + k % 11}%."
        p = Paragraph(id=f"r{k}:p1", doc_id=f"r{k}", n=1, text=line, start=0, end=len(line), section_path=("A",))
        reports.append(Report(doc_id=f"r{k}", source_path="", text=line, content_hash="", unit=f"Đơn Vị {k}",
                              unit_type="xã", province="Bắc Ninh", period="2026-Q1", paragraphs=[p]))
    agg = AggregateAnswerer(MemoryStore(reports))
    t0 = time.perf_counter()
    _, ans = ask(agg, "Những xã nào đạt 100% số hóa hồ sơ?")
    dt = time.perf_counter() - t0
    print(f"\naggregate answer over {n_reports} reports in {dt * 1000:.0f} ms, {len(ans.answer)} chars")
    hits = [k for k in range(n_reports) if k % 11 == 10]
    assert ans.answer.startswith(f"Có {len(hits)} đơn vị")
    # Complete: every matching unit is named, each with its own citation; the note stays short.
    result = result_part(ans.answer)
    assert all(f"Đơn Vị {k}:" in result for k in hits)
    assert len(ans.citations) == len(hits)
    assert len(ans.answer) - len(result) <= 620
    assert dt < 5.0
    cited = {c.n for c in ans.citations}
    assert cited == {int(n) for n in re.findall(r"\[(\d+)\]", ans.answer)}


def test_with_sqlite_report_store(tmp_path) -> None:
    """The answerer works on the real store (duck-typed protocol)."""
    from index.store import ReportStore
    from ingest.indicators import IndicatorExtractor

    store = ReportStore(tmp_path)
    ex = IndicatorExtractor()
    for path in sorted((ROOT / "data" / "reports").glob("*.txt")):
        report = parse_file(path)
        store.replace_report(report, [], ex.run(report))
    agg = AggregateAnswerer(store)
    _, ans = ask(agg, "Những phường, xã nào báo cáo tỷ lệ số hóa hồ sơ đạt 100%?")
    assert named(result_part(ans.answer)) == {"Phương Liễu", "Trí Quả", "Phù Liễn", "Trung Thành"}
    assert all(c.section and c.text for c in ans.citations)
    _, ans = ask(agg, "Trong bộ báo cáo có những xã nào (không phải phường)?")
    assert named(result_part(ans.answer)) == {"Dương Hưu"}
    store.close()


def test_period_metadata(agg) -> None:
    q, ans = ask(agg, "Những đơn vị nào có báo cáo quý I năm 2026?")
    assert (q.kind, q.periods) == ("period", ["2026-Q1"])
    assert named(result_part(ans.answer)) == {"Phù Liễn", "Dương Hưu"}
    assert "Trung Thành" in ans.answer.split(NOTE_MARKER)[1]  # overlaps the quarter only partly


def test_change_figures_are_not_levels() -> None:
    line = "Tỷ lệ số hóa hồ sơ đạt 90%; so với cùng kỳ, tỷ lệ số hóa hồ sơ tăng 100%."
    p = Paragraph(id="c:p1", doc_id="c", n=1, text=line, start=0, end=len(line), section_path=())
    r = Report(doc_id="c", source_path="", text=line, content_hash="", unit="Thử", unit_type="xã",
               paragraphs=[p])
    agg = AggregateAnswerer(MemoryStore([r]))
    _, ans = ask(agg, "Những xã nào đạt 100% số hóa hồ sơ?")
    assert "Không có đơn vị nào" in ans.answer


def test_print_indicators_table(agg) -> None:
    from rich.console import Console

    from assistant.indicators_cli import print_indicators

    console = Console(record=True, width=200)
    n = print_indicators(agg.store, key="so_hoa_ho_so", unit="phuong tri qua", console=console)
    out = console.export_text()
    assert n == 1
    assert "Trí Quả" in out and "100%" in out and "so_hoa_ho_so" in out
    console = Console(record=True, width=200)
    assert print_indicators(agg.store, key="khong_co", console=console) == 0
    assert "Không có chỉ tiêu" in console.export_text()
    console = Console(record=True, width=200)
    assert print_indicators(agg.store, unit="Trưng Thành", console=console) > 40  # typo spelling, no accents needed


def test_reports_not_stating(agg) -> None:
    q, ans = ask(agg, "Báo cáo nào không nêu tỷ lệ số hóa hồ sơ?")
    assert q.kind == "missing"
    assert named(result_part(ans.answer)) == {"Dương Hưu"}


def test_ordered_list(agg) -> None:
    q, ans = ask(agg, "Xếp hạng các đơn vị theo tỷ lệ hồ sơ trực tuyến từ cao đến thấp")
    assert (q.kind, q.order) == ("list", "desc")
    lines = [x for x in result_part(ans.answer).splitlines() if x.startswith("- ")]
    assert [next(u for u in UNITS if u in x) for x in lines] == ["Phù Liễn", "Phương Liễu", "Trí Quả"]


def test_threshold_at_least(agg) -> None:
    _, ans = ask(agg, "Các phường có tỷ lệ hồ sơ trực tuyến từ 90% trở lên?")
    assert named(result_part(ans.answer)) == {"Phương Liễu", "Phù Liễn"}
    assert "từ 90% trở lên" in ans.answer


def test_same_unit_several_periods() -> None:
    reports = []
    for k, (period, value) in enumerate((("2026-04", 100), ("2026-05", 95))):
        line = f"Tỷ lệ số hóa hồ sơ đạt {value}%."
        p = Paragraph(id=f"m{k}:p1", doc_id=f"m{k}", n=1, text=line, start=0, end=len(line), section_path=())
        reports.append(Report(doc_id=f"m{k}", source_path="", text=line, content_hash="", unit="An Bình",
                              unit_type="phường", province="Bắc Ninh", period=period, paragraphs=[p]))
    agg = AggregateAnswerer(MemoryStore(reports))
    _, ans = ask(agg, "Những phường nào đạt 100% số hóa hồ sơ?")
    assert "- Phường An Bình: 100% (tháng 4 năm 2026) [1]" in ans.answer
    assert "phường An Bình (tháng 5 năm 2026) có nêu" in ans.answer.split(NOTE_MARKER)[1]
    _, ans = ask(agg, "Những phường nào đạt 100% số hóa hồ sơ trong tháng 5/2026?")
    assert ans.answer.startswith("Không có đơn vị nào")
