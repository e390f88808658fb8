"""Figure facts of one paragraph (ingest/facts.py): what is a figure of the report and what is not."""

from __future__ import annotations

from ingest.facts import FactExtractor
from ingest.models import Paragraph


def _figures(text: str, **kw) -> list[str]:
    p = Paragraph(id="d:p1", doc_id="d", n=1, text=text, start=0, end=len(text), section_path=(), **kw)
    return [f.text for f in FactExtractor().paragraph_facts(p) if f.kind == "figure"]


def test_a_number_inside_a_place_name_is_no_figure() -> None:
    text = "Ông Vũ Văn Đoan, Bí thư chi bộ khu phố Tân Thành 2, cho biết: Khu dân cư hiện có 470 hộ dân."
    assert _figures(text) == ["470 hộ dân"]
    assert _figures("Tổ dân phố số 5 có 20 hộ tham gia.") == ["20 hộ"]
    assert _figures("Phường có 14 khu phố.") == ["14 khu phố"]  # the count before its noun stays
    assert _figures("Có 14 thôn triển khai.") == ["14 thôn"]  # a capital that opens the sentence is no name


def test_the_row_number_of_a_table_is_no_figure() -> None:
    cells = ("1", "Tiếp tục tuyên truyền, hướng dẫn người dân", "UBND phường", "6 tháng cuối năm 2026")
    text = " | ".join(cells)
    header = ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn hoàn thành")
    figures = _figures(text, kind="table_row", cells=cells, header=header)
    assert "1" not in figures
    merged = ("STT - I", *header[1:])  # a table whose two header rows are merged
    assert "1" not in _figures(text, kind="table_row", cells=cells, header=merged)
    assert _figures(text, kind="table_row", cells=cells, header=("", "", "", "")).count("1") == 0
    counted = ("Cấp xã", "4.838", "4.774")
    assert _figures(" | ".join(counted), kind="table_row", cells=counted,
                    header=("Cấp", "Tiếp nhận", "Đã giải quyết")) == ["4.838", "4.774"]


def test_a_role_after_a_dash_ends_at_the_next_clause() -> None:
    text = ("Sự kiện có sự tham dự của bà Huỳnh Phong Vân, Phó Bí thư Thường trực Đảng ủy xã cùng đại diện "
            "đơn vị cung cấp giải pháp.")
    p = Paragraph(id="d:p1", doc_id="d", n=1, text=text, start=0, end=len(text), section_path=())
    people = [(f.text, f.role) for f in FactExtractor().paragraph_facts(p) if f.kind == "person"]
    assert people == [("Huỳnh Phong Vân", "Phó Bí thư Thường trực Đảng ủy xã")]


def test_a_heading_before_a_semicolon_labels_its_value() -> None:
    text = "- (1) Số nhiệm vụ đã hoàn thành; 34/34 (số nhiệm vụ hoàn thành trong hạn: 34/34);"
    p = Paragraph(id="d:p1", doc_id="d", n=1, text=text, start=0, end=len(text), section_path=(), kind="bullet")
    first = next(f for f in FactExtractor().paragraph_facts(p) if f.kind == "figure")
    assert (first.text, first.label) == ("34/34", "(1) Số nhiệm vụ đã hoàn thành")
    assert text[first.sentence_start:].startswith("- (1) Số nhiệm vụ")  # quoted with its label
