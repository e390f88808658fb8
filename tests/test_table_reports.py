"""Reports that are only a table (bảng tổng hợp chỉ tiêu): .txt with tabs, .docx with one table, .xlsx.

End to end: `python -m ingest --json`, the stored table_row paragraphs and indicators, then
`python -m assistant ask --json` for a figure of one row.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from assistant.__main__ import main as assistant_main
from index.store import ReportStore
from ingest.__main__ import main as ingest_main

TXT_ROWS = [
    ["STT", "Chỉ tiêu", "Đơn vị tính", "Phường Hòa Bình tháng 4/2026"],
    ["1", "Tỷ lệ hồ sơ trực tuyến toàn trình", "%", "87,5%"],
    ["2", "Tỷ lệ số hóa hồ sơ", "%", "96,2%"],
    ["3", "Số hồ sơ tiếp nhận trực tuyến", "hồ sơ", "1.234"],
]
DOCX_ROWS = [
    ["STT", "Chỉ tiêu", "Xã Dương Hưu quý I/2026"],
    ["1", "Tỷ lệ hồ sơ trực tuyến toàn trình", "91,3%"],
    ["2", "Tỷ lệ số hóa hồ sơ", "88%"],
    ["3", "Số hồ sơ tiếp nhận trực tuyến", "2.468"],
]


def _run(main, argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue()


def _ask(store: Path, question: str) -> dict:
    code, out = _run(assistant_main, ["ask", "--store", str(store), "--json", question])
    assert code == 0
    return json.loads(out)


@pytest.fixture(scope="module")
def table_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    import docx
    import openpyxl

    corpus = tmp_path_factory.mktemp("table_corpus")
    (corpus / "hoa_binh_bang.txt").write_text("\n".join("\t".join(r) for r in TXT_ROWS) + "\n", encoding="utf-8")
    document = docx.Document()
    table = document.add_table(rows=len(DOCX_ROWS), cols=len(DOCX_ROWS[0]))
    for r, row in enumerate(DOCX_ROWS):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    assert not document.paragraphs  # one table and nothing else
    document.save(str(corpus / "duong_huu_bang.docx"))
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["STT", "Chỉ tiêu", "Phường Trí Quả tháng 5/2026"], [1, "Tỷ lệ số hóa hồ sơ", 0.935],
                [2, "Số hồ sơ tiếp nhận trực tuyến", 3150]):
        sheet.append(row)
    sheet["C2"].number_format = "0.0%"
    book.save(str(corpus / "tri_qua_bang.xlsx"))
    # a summary table of several units: no unit owns its rows
    (corpus / "tong_hop.txt").write_text("STT\tĐơn vị\tTỷ lệ số hóa hồ sơ\n1\tPhường Trí Quả\t84,5%\n"
                                         "2\tXã Dương Hưu\t76,2%\n", encoding="utf-8")
    store = tmp_path_factory.mktemp("table_store")
    code, out = _run(ingest_main, [str(corpus), "--store", str(store), "--json"])
    assert code == 0
    return store, [json.loads(line) for line in out.splitlines()]


def test_table_only_reports_ingest(table_store) -> None:
    _, summaries = table_store
    by_id = {s["doc_id"]: s for s in summaries}
    assert sorted(by_id) == ["duong_huu_bang", "hoa_binh_bang", "tong_hop", "tri_qua_bang"]
    assert (by_id["hoa_binh_bang"]["unit"], by_id["hoa_binh_bang"]["period"]) == ("Hòa Bình", "2026-04")
    assert (by_id["duong_huu_bang"]["unit"], by_id["duong_huu_bang"]["period"]) == ("Dương Hưu", "2026-Q1")
    assert (by_id["tri_qua_bang"]["unit"], by_id["tri_qua_bang"]["period"]) == ("Trí Quả", "2026-05")
    for doc_id in ("hoa_binh_bang", "duong_huu_bang"):
        assert by_id[doc_id]["paragraphs"] == 4 and by_id[doc_id]["indicators"] == 3


def test_rows_are_table_row_paragraphs_with_header_labels(table_store) -> None:
    store = ReportStore(table_store[0])
    try:
        rows = store.get_paragraphs("duong_huu_bang")
        assert [p.kind for p in rows] == ["table_row"] * 4
        assert rows[3].header == tuple(DOCX_ROWS[0]) and rows[3].cells == tuple(DOCX_ROWS[3])
        assert rows[3].text == "\t".join(DOCX_ROWS[3])
        values = {(i.key, i.value, i.paragraph_id) for i in store.query_indicators(doc_id="duong_huu_bang")}
        assert ("so_hoa_ho_so", 88.0, "duong_huu_bang:p3") in values
        txt = {(i.key, i.value) for i in store.query_indicators(doc_id="hoa_binh_bang")}
        assert ("so_hoa_ho_so", 96.2) in txt
        xlsx = store.get_paragraphs("tri_qua_bang")
        assert [p.text for p in xlsx[1:]] == ["1\tTỷ lệ số hóa hồ sơ\t93,5%", "2\tSố hồ sơ tiếp nhận trực tuyến\t3150"]
    finally:
        store.close()


def test_a_figure_of_a_row_is_answered(table_store) -> None:
    store = table_store[0]
    a = _ask(store, "Tỷ lệ số hóa hồ sơ của phường Hòa Bình là bao nhiêu?")
    assert not a["abstained"] and a["answer"].startswith("96,2%")
    assert a["citations"][0]["paragraph_ids"] == ["hoa_binh_bang:p3"]
    assert a["citations"][0]["text"] == "2\tTỷ lệ số hóa hồ sơ\t%\t96,2%"
    b = _ask(store, "Xã Dương Hưu tiếp nhận bao nhiêu hồ sơ trực tuyến?")
    assert b["answer"].startswith("2.468")  # the value, not the row number "3" before the label
    c = _ask(store, "Tỷ lệ số hóa hồ sơ của phường Trí Quả?")
    assert c["answer"].startswith("93,5%") and c["citations"][0]["doc_id"] == "tri_qua_bang"


def test_a_summary_table_of_several_units_is_not_given_to_one(table_store) -> None:
    store_dir, summaries = table_store
    s = next(x for x in summaries if x["doc_id"] == "tong_hop")
    assert s["unit"] is None and s["indicators"] == 0
    assert ("bảng tổng hợp của nhiều đơn vị (Trí Quả, Dương Hưu): không gán cho một đơn vị; số liệu chỉ tìm "
            "được theo nội dung dòng") in s["warnings"]
    store = ReportStore(store_dir)
    try:
        assert [p.kind for p in store.get_paragraphs("tong_hop")] == ["table_row"] * 3
        # Dương Hưu's 76,2% is never stored as Trí Quả's figure
        assert all(i.value != 76.2 for i in store.query_indicators(key="so_hoa_ho_so", unit="Trí Quả"))
    finally:
        store.close()


def test_rows_of_another_unit_in_a_ward_report_are_not_its_figures(tmp_path: Path) -> None:
    from ingest.indicators import IndicatorExtractor
    from ingest.loaders import load_document
    from ingest.parser import ReportParser

    text = ("UBND PHƯỜNG TRÍ QUẢ\n\nBÁO CÁO\nKết quả chuyển đổi số tháng 5 năm 2026\n\n"
            "UBND phường Trí Quả báo cáo kết quả chuyển đổi số tháng 5 năm 2026 như sau:\n\n"
            "STT\tĐơn vị\tTỷ lệ số hóa hồ sơ\tBảo hiểm xã hội điện tử\n"
            "1\tPhường Trí Quả\t93,5%\t70%\n2\tXã Dương Hưu (để so sánh)\t76,2%\t60%\n3\tBình quân\t85%\t65%\n")
    path = tmp_path / "tq.txt"
    path.write_text(text, encoding="utf-8")
    report = ReportParser().run(load_document(path), "tq")
    assert report.unit == "Trí Quả"
    found = {(i.value, i.paragraph_id) for i in IndicatorExtractor().run(report) if i.key == "so_hoa_ho_so"}
    row_of = {p.id: p.cells[1] for p in report.paragraphs if p.kind == "table_row"}
    assert (93.5, "tq:p6") in found and row_of["tq:p6"] == "Phường Trí Quả"
    assert all(row_of[pid] != "Xã Dương Hưu (để so sánh)" for _, pid in found)  # not Dương Hưu's 76,2
