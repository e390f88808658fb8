from __future__ import annotations

from pathlib import Path

import pytest

from ingest import parse_file
from ingest.loaders import LoadedDocument
from ingest.models import Report, Section
from ingest.parser import ReportParser
from ingest.periods import find_period, period_bounds, period_overlaps
from tests.ingest_fixtures import REPORTS_DIR, sample_path

EXPECTED = {
    # prefix: (unit, unit_type, province, period, report_number, signer)
    "000": ("Phương Liễu", "phường", "Bắc Ninh", "2026-04", None, None),
    "001": ("Trí Quả", "phường", "Bắc Ninh", "2026-05", "103/BC-UBND", "Nguyễn Chính Bảo"),
    "002": ("Phù Liễn", "phường", "Hải Phòng", "2026-Q1", None, "Phạm Văn Diện"),
    "003": ("Dương Hưu", "xã", "Bắc Ninh", "2026-Q1", None, "Khúc Văn Sinh"),
    "004": ("Trung Thành", "phường", "Thái Nguyên", "2025-01..2026-06", None, "Ngô Mạnh Tài"),
}

_CACHE: dict[str, Report] = {}


def report(prefix: str) -> Report:
    if prefix not in _CACHE:
        _CACHE[prefix] = parse_file(sample_path(prefix))
    return _CACHE[prefix]


def _doc(text: str, name: str = "synthetic.txt") -> LoadedDocument:
    return LoadedDocument(path=Path(name), text=text, format="txt", content_hash="0" * 64)


def _walk(sections: list[Section]):
    for s in sections:
        yield s
        yield from _walk(s.children)


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_sample_metadata(prefix: str) -> None:
    r = report(prefix)
    assert r.doc_id == sample_path(prefix).stem
    assert (r.unit, r.unit_type, r.province, r.period, r.report_number, r.signer) == EXPECTED[prefix]


def test_period_labels_and_dates() -> None:
    assert report("000").period_label == "tháng 4 năm 2026"
    assert report("002").period_label == "quý I năm 2026"
    assert report("004").period_label == "Sơ kết 01 năm 06 tháng"
    assert report("001").date == "2026-05-18"
    assert report("002").date is None  # "ngày tháng 4 năm 2026": day left blank
    assert report("004").period.find("2026") >= 0
    assert period_overlaps(report("004").period, "2026")
    assert period_overlaps(report("004").period, "2025-Q3")
    assert not period_overlaps(report("004").period, "2026-Q3")


def test_titles() -> None:
    assert report("001").title == "Kết quả Chuyển đổi số tháng 5 năm 2026"
    assert report("000").title.startswith("Kết quả thực hiện công tác phát triển khoa học công nghệ")
    assert report("004").title.startswith("Sơ kết 01 năm 06 tháng thực hiện Nghị quyết số 57-NQ/TW")


def test_unit_typo_variants() -> None:
    assert report("002").unit_variants == ["Phù Liên"]
    assert report("003").unit_variants == ["Dương Hữu"]
    assert report("004").unit_variants == ["Trưng Thành"]
    assert report("001").unit_variants == []


def test_references() -> None:
    assert "Công văn số 954/SKH-CN-CDS ngày 13/3/2026" in report("003").references
    assert "Công văn số 6641/UBND-KGVX ngày 06/6/2026" in report("004").references
    refs2 = report("002").references
    assert "Kế hoạch số 129/KH-UBND ngày 30/3/2026" in refs2
    assert "Quyết định số 4131/QĐ-CAHP-ANM ngày 15/4/2026" in refs2
    assert "Nghị quyết số 57-NQ/TW ngày 22/12/2024" in refs2  # dated spelling preferred
    assert "Nghị quyết số 57-NQ/TW" not in refs2
    assert all("/BC-UBND" not in ref for ref in refs2)  # the report's own blank number is not a reference


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_paragraph_offsets_ids_and_paths(prefix: str) -> None:
    r = report(prefix)
    source = (REPORTS_DIR / f"{r.doc_id}.txt").read_text(encoding="utf-8")
    assert r.text == source
    assert r.paragraphs
    section_paths = {s.path for s in _walk(r.sections)}
    for n, p in enumerate(r.paragraphs, start=1):
        assert p.id == f"{r.doc_id}:p{n}" and p.n == n and p.doc_id == r.doc_id
        assert source[p.start:p.end] == p.text
        assert p.text == p.text.strip() and p.text
        assert p.section_path == () or p.section_path in section_paths
    starts = [p.start for p in r.paragraphs]
    assert starts == sorted(starts)
    # every non-blank line of the source is covered by some paragraph (markdown ** aside)
    covered = bytearray(len(source))
    for p in r.paragraphs:
        covered[p.start:p.end] = b"\x01" * (p.end - p.start)
    for i, ch in enumerate(source):
        if not ch.isspace() and ch not in "*-|:" and not covered[i]:
            line = source[source.rfind("\n", 0, i) + 1:source.find("\n", i)]
            pytest.fail(f"uncovered text: {line!r}")


def test_section_tree_000() -> None:
    r = report("000")
    top = [(s.numbering, s.title) for s in r.sections]
    assert top[:4] == [
        ("I.", "TÌNH HÌNH TRIỂN KHAI THỰC HIỆN"),
        ("II.", "KẾT QUẢ THỰC HIỆN"),
        ("III.", "ĐÁNH GIÁ CHUNG VỀ CÔNG TÁC CHUYỂN ĐỔI SỐ"),
        ("IV.", "NHIỆM VỤ TRỌNG TÂM THÁNG 5 NĂM 2026"),
    ]
    ii = r.sections[1]
    assert [c.numbering for c in ii.children] == ["1.", "2."]
    assert [c.numbering for c in ii.children[1].children] == ["2.1.", "2.2.", "2.3.", "2.4."]
    assert ii.children[1].children[0].level == 3
    # numbered task list under IV: list items, not headings
    assert r.sections[3].children == []
    item = next(p for p in r.paragraphs if p.text.startswith("7. Duy trì thực hiện số hóa hồ sơ"))
    assert item.kind == "bullet"
    assert item.section_path == ("NHIỆM VỤ TRỌNG TÂM THÁNG 5 NĂM 2026",)
    bullet = next(p for p in r.paragraphs if p.text.startswith("- Tỷ lệ thanh toán trực tuyến"))
    assert bullet.kind == "bullet" and bullet.text == "- Tỷ lệ thanh toán trực tuyến: 100%"
    assert bullet.section_path == ("KẾT QUẢ THỰC HIỆN", "Nhóm chỉ tiêu chuyển đổi số thường kỳ")
    # "III.ĐÁNH GIÁ" without a space after the numeral
    assert r.sections[2].heading_paragraph_id is not None
    assert r.paragraph(r.sections[2].heading_paragraph_id).text.startswith("III.ĐÁNH GIÁ")


def test_long_numbered_item_closes_sibling_section_003() -> None:
    r = report("003")
    item = next(p for p in r.paragraphs if p.text.startswith("2. UBND xã đã ban hành"))
    assert item.kind == "bullet"
    assert item.section_path == ("CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, BAN HÀNH VĂN BẢN",)


def test_parts_and_bold_signature_004() -> None:
    r = report("004")
    parts = [(s.numbering, s.title) for s in r.sections if s.numbering.startswith("Phần")]
    assert parts[0] == ("Phần 1", "TÌNH HÌNH, KẾT QUẢ THỰC HIỆN")
    assert [n for n, _ in parts] == ["Phần 1", "Phần 2", "Phần 3", "Phần 4", "Phần 5"]
    assert r.sections[-1].title == "CÁC PHỤ LỤC CHI TIẾT"
    p11 = next(s for s in _walk(r.sections) if s.numbering == "1.1.")
    assert p11.path[0] == "TÌNH HÌNH, KẾT QUẢ THỰC HIỆN" and p11.level == 4
    sig = [p.text for p in r.paragraphs if "CHỦ TỊCH" in p.text and len(p.text) < 20]
    assert sig == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]  # "**" markers kept outside the spans
    assert not any(s.title.startswith("KT.") for s in _walk(r.sections))


def test_tables_004() -> None:
    r = report("004")
    t1 = r.tables[0]
    assert t1.header[:3] == ("STT", "Số văn bản đã ban hành - Người đứng đầu trực tiếp ký",
                             "Số văn bản đã ban hành - Cấp phó người đứng đầu ký")
    assert t1.rows[2][:4] == ("1", "696", "1963", "25")
    assert len(t1.paragraph_ids) == len(t1.rows)
    row = r.paragraph(t1.paragraph_ids[2])
    assert row.kind == "table_row" and row.table_id == t1.id
    assert row.header == t1.header and row.cells == t1.rows[2]
    assert t1.section_path[-1].startswith("Phụ lục I.")
    small = next(t for t in r.tables if t.header[:2] == ("STT", "Số TTHC - Cấp tỉnh"))
    assert small.rows[-1][1:3] == ("1752", "358")
    for t in r.tables:
        for pid, cells in zip(t.paragraph_ids, t.rows, strict=True):
            assert r.paragraph(pid).cells == cells


def test_continuation_line_merged_into_paragraph() -> None:
    r = report("001")
    p = next(p for p in r.paragraphs if p.text.startswith("Đề nghị UBND tỉnh quan tâm"))
    assert p.text.endswith("phục vụ công tác chuyển đổi số tại địa phương.")
    assert "\n\nđể nâng cao trình độ" in p.text


@pytest.mark.parametrize(
    ("text", "period", "label"),
    [
        ("Báo cáo kết quả chuyển đổi số tháng 4 năm 2026 và nhiệm vụ tháng 5 năm 2026", "2026-04", "tháng 4 năm 2026"),
        ("Sơ kết Quý I/2026", "2026-Q1", "Quý I/2026"),
        ("Báo cáo 6 tháng đầu năm 2026", "2026-H1", "6 tháng đầu năm 2026"),
        ("Báo cáo sáu tháng cuối năm 2025", "2025-H2", "sáu tháng cuối năm 2025"),
        ("Báo cáo 9 tháng đầu năm 2026", "2026-01..2026-09", "9 tháng đầu năm 2026"),
        ("Báo cáo tổng kết năm 2025", "2025", "năm 2025"),
        ("Kết quả tháng 11/2026", "2026-11", "tháng 11/2026"),
        ("Báo cáo ngày 18 tháng 5 năm 2026 về quý 2 năm 2026", "2026-Q2", "quý 2 năm 2026"),
    ],
)
def test_find_period(text: str, period: str, label: str) -> None:
    hit = find_period(text, 2026, 6)
    assert hit is not None
    assert (hit.period, hit.label) == (period, label)


def test_period_bounds() -> None:
    assert period_bounds("2026-Q1") == ("2026-01", "2026-03")
    assert period_bounds("2026-H2") == ("2026-07", "2026-12")
    assert period_bounds("2026") == ("2026-01", "2026-12")
    assert period_bounds("2026-04") == ("2026-04", "2026-04")
    assert period_bounds("2025-01..2026-06") == ("2025-01", "2026-06")
    assert period_bounds("garbage") is None
    assert period_overlaps("2026-05", "2026-Q2") and not period_overlaps("2026-05", "2026-Q1")


SYNTHETIC = """ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ HOÀNG HOA THÁM\tĐộc lập - Tự do - Hạnh phúc
Số: 45/BC-UBND\tHoàng Hoa Thám, ngày 05 tháng 7 năm 2026

**BÁO CÁO**
**Kết quả triển khai chuyển đổi số 6 tháng đầu năm 2026
và phương hướng nhiệm vụ 6 tháng cuối năm**

Thực hiện Kế hoạch số 12/KH-UBND, ngày 02/01/2026 của UBND xã Hoàng Hoa Thám; theo hướng dẫn của Sở Khoa học và Công nghệ tỉnh Hưng Yên, UBND xã Hoàng Hoà Thám báo cáo như sau:

A. KẾT QUẢ THỰC HIỆN
I. Hạ tầng số
1. Mạng viễn thông
a) Cáp quang
Đã phủ cáp quang tới 100% thôn.
b) Di động 5G: đã có 3 trạm phát sóng, đáp ứng nhu cầu của người dân trên địa bàn xã trong thời gian tới.
**Kết quả nổi bật**
Tỷ lệ hồ sơ trực tuyến đạt 98,5%.
II. Chính quyền số
1. Triển khai số hóa hồ sơ, tỷ lệ số hóa đạt 100%, bảo đảm thời hạn giải quyết theo quy định của pháp luật hiện hành.
2. Duy trì hệ thống quản lý văn bản.
B. PHƯƠNG HƯỚNG NHIỆM VỤ
- Tiếp tục duy trì.

Nơi nhận:
- UBND tỉnh (b/c);
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
(Đã ký)
Lê Văn Hùng
"""


def test_synthetic_report_general_rules() -> None:
    r = ReportParser().run(_doc(SYNTHETIC), "syn")
    assert (r.unit, r.unit_type) == ("Hoàng Hoa Thám", "xã")
    assert r.unit_variants == ["Hoàng Hoà Thám"]
    assert r.report_number == "45/BC-UBND"
    assert r.date == "2026-07-05"
    assert r.period == "2026-H1"
    assert r.title == "Kết quả triển khai chuyển đổi số 6 tháng đầu năm 2026 và phương hướng nhiệm vụ 6 tháng cuối năm"
    assert r.signer == "Lê Văn Hùng"
    assert r.province == "Hưng Yên"
    assert "Kế hoạch số 12/KH-UBND ngày 02/01/2026" in r.references
    a = r.sections[0]
    assert (a.numbering, a.title, a.level) == ("A.", "KẾT QUẢ THỰC HIỆN", 1)
    i = a.children[0]
    assert (i.numbering, i.title) == ("I.", "Hạ tầng số")
    one = i.children[0]
    # "b) <sentence>." is a list item that closes "a)"; the bold line is an unnumbered subheading
    assert [(c.numbering, c.title) for c in one.children] == [("a)", "Cáp quang"), ("", "Kết quả nổi bật")]
    b_item = next(p for p in r.paragraphs if p.text.startswith("b) Di động 5G"))
    assert b_item.kind == "bullet"
    ii = a.children[1]
    assert ii.title == "Chính quyền số" and ii.children == []  # two numbered sentences are items
    assert [s.title for s in r.sections][:2] == ["KẾT QUẢ THỰC HIỆN", "PHƯƠNG HƯỚNG NHIỆM VỤ"]
    for p in r.paragraphs:
        assert r.text[p.start:p.end] == p.text


def test_province_from_gazetteer_when_text_has_no_cue() -> None:
    text = ("Số: 7/BC-UBND\nTrí Quả, ngày 02 tháng 3 năm 2026\nBÁO CÁO\nKết quả chuyển đổi số quý I năm 2026\n"
            "UBND phường Trí Quả báo cáo như sau:\nI. KẾT QUẢ\nĐạt 100%.\n")
    r = ReportParser().run(_doc(text), "g")
    assert (r.unit, r.unit_type, r.province, r.period) == ("Trí Quả", "phường", "Bắc Ninh", "2026-Q1")
    r2 = ReportParser(use_gazetteer=False).run(_doc(text), "g")
    assert r2.province is None and r2.warnings


MARKDOWN = """# BÁO CÁO
Kết quả chuyển đổi số tháng 4 và nhiệm vụ tháng 5 năm 2026

UBND xã A Lưới 5 báo cáo kết quả như sau:

## I. Kết quả
### 1. Dịch vụ công
| Chỉ tiêu | Kết quả |
|---|---|
| Hồ sơ trực tuyến | 98,5% |
| Số hóa hồ sơ | 100% |

**1. Thanh toán không dùng tiền mặt.**
Đạt 80% hộ kinh doanh.
## II. Kiến nghị
Đề nghị hỗ trợ kinh phí cho xã A Lưới 5./.
"""


def test_markdown_report_headings_and_pipe_table() -> None:
    r = ReportParser().run(_doc(MARKDOWN, "bao-cao.md"), "md")
    assert (r.unit, r.unit_type, r.province) == ("A Lưới 5", "xã", "Huế")
    assert r.period == "2026-04"  # "tháng 4 ... năm 2026": the year comes later in the phrase
    assert [(s.numbering, s.title) for s in r.sections] == [("I.", "Kết quả"), ("II.", "Kiến nghị")]
    children = r.sections[0].children
    assert [(c.numbering, c.title) for c in children] == [
        ("1.", "Dịch vụ công"), ("1.", "Thanh toán không dùng tiền mặt.")]  # bold numbered line: heading
    table = r.tables[0]
    assert table.header == ("Chỉ tiêu", "Kết quả")
    assert table.rows[1:] == [("Hồ sơ trực tuyến", "98,5%"), ("Số hóa hồ sơ", "100%")]
    assert r.paragraph(table.paragraph_ids[1]).text == "| Hồ sơ trực tuyến | 98,5% |"


def test_unit_names_with_apostrophe_and_stopword_like_words() -> None:
    text = ("Số: /BC-UBND\nD'Ran, ngày tháng 5 năm 2026\nBÁO CÁO\nKết quả chuyển đổi số tháng 5 năm 2026\n"
            "UBND xã D'Ran báo cáo như sau:\nI. KẾT QUẢ\nXã D'Ran đạt 100% số hóa hồ sơ./.\n")
    r = ReportParser().run(_doc(text), "d")
    assert (r.unit, r.unit_type, r.province) == ("D'Ran", "xã", "Lâm Đồng")
    text2 = text.replace("D'Ran", "Trung Thành").replace("xã", "phường").replace("Xã", "Phường")
    r2 = ReportParser().run(_doc(text2), "t")
    assert (r2.unit, r2.unit_type, r2.province) == ("Trung Thành", "phường", "Thái Nguyên")


# ------------------------------------------------------------------ news items about other units
@pytest.mark.parametrize("text,unit,unit_type,province", [
    # an abbreviated unit type; "TP.HCM" is not a ward
    ("P.Bình Tân chuyển đổi số tận cửa nhà\n\nSáng sớm tại Trung tâm Phục vụ hành chính công P.Bình Tân (TP.HCM), "
     "kiosk dịch vụ công đã kích hoạt. P.Bình Tân có 12 điểm tiếp nhận.", "Bình Tân", "phường", "Hồ Chí Minh"),
    # a person's name right after the unit is not part of its name
    ("Xã Duyên Thái phát triển chính quyền số\n\nTheo Bí thư Đảng ủy xã Duyên Thái Nguyễn Thị Thanh Hoa, xã Duyên "
     "Thái đã số hóa 100% hồ sơ, Hà Nội.", "Duyên Thái", "xã", "Hà Nội"),
    # a province written after a comma or in brackets, and its abbreviation
    ("Thôn thông minh ở Nam Tân\n\nỞ thôn Đột Hạ, xã Nam Tân (Nam Sách, Hải Dương), các quầy hàng có mã QR.",
     "Nam Tân", "xã", "Hải Phòng"),
    ("Một phường ở TPHCM đã phủ 100% camera thông minh\n\nPhường Tân Hưng lắp 200 camera.", "Tân Hưng", "phường",
     "Hồ Chí Minh"),
])
def test_news_item_unit_and_province(text: str, unit: str, unit_type: str, province: str) -> None:
    r = ReportParser().run(_doc(text), "news")
    assert (r.unit, r.unit_type, r.province) == (unit, unit_type, province)
