from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import pytest

from ingest import parse_file
from ingest.loaders import NO_TEXT_LAYER, LoadError, load_document, normalize_text
from tests.ingest_fixtures import (
    REPORTS_DIR,
    sample_path,
    sample_text,
    to_cp1258,
    write_docx,
    write_pdf,
    write_scanned_pdf,
)

SAMPLES = sorted(REPORTS_DIR.glob("*.txt"))


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_sample_txt_loads_as_utf8(path: Path) -> None:
    doc = load_document(path)
    raw = path.read_bytes()
    assert doc.format == "txt"
    assert doc.encoding == "utf-8"
    assert doc.text == raw.decode("utf-8")
    assert doc.content_hash == hashlib.sha256(raw).hexdigest()
    assert doc.offsets is None
    assert doc.source_offset(len(doc.text)) == len(doc.text)


@pytest.mark.parametrize(
    ("prefix", "encoding"),
    [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")],
)
def test_bom_encodings(tmp_path: Path, prefix: bytes, encoding: str) -> None:
    text = sample_text("001")
    path = tmp_path / "bom.txt"
    path.write_bytes(prefix + text.encode(encoding))
    doc = load_document(path)
    assert doc.text == text
    assert "Trí Quả" in doc.text


def test_utf16_without_bom(tmp_path: Path) -> None:
    text = sample_text("003")
    path = tmp_path / "nobom.txt"
    path.write_bytes(text.encode("utf-16-le"))
    assert load_document(path).text == text


def test_windows_1258_is_decoded_to_nfc_with_offset_map(tmp_path: Path) -> None:
    text = _nfc(sample_text("001"))
    path = tmp_path / "cp1258.txt"
    data = to_cp1258(text)
    path.write_bytes(data)
    doc = load_document(path)
    assert doc.encoding == "cp1258"
    assert doc.text == text
    assert unicodedata.is_normalized("NFC", doc.text)
    source = data.decode("cp1258")
    assert len(source) > len(doc.text)  # cp1258 decodes to combining tone marks
    i = doc.text.index("Nguyễn Chính Bảo")
    j = i + len("Nguyễn Chính Bảo")
    assert _nfc(source[doc.source_offset(i):doc.source_offset(j)]) == "Nguyễn Chính Bảo"
    report = parse_file(path, doc_id="cp")
    assert (report.unit, report.report_number, report.signer) == ("Trí Quả", "103/BC-UBND", "Nguyễn Chính Bảo")


def test_nfd_and_crlf_are_normalised_with_map() -> None:
    raw = _nfc("Phường Phù Liễn\r\nquý I năm 2026\rhết")
    raw = unicodedata.normalize("NFD", raw)
    text, offsets = normalize_text(raw)
    assert text == _nfc("Phường Phù Liễn\nquý I năm 2026\nhết")
    assert offsets is not None and len(offsets) == len(text) + 1
    k = text.index("quý")
    assert raw[offsets[k]:offsets[k + 3]] == unicodedata.normalize("NFD", "quý")
    assert offsets[len(text)] == len(raw)


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    text = sample_text("004")
    path = write_docx(tmp_path / "report.docx", text)
    doc = load_document(path)
    assert doc.format == "docx"
    assert "Phần 1" in doc.text
    i_heading = doc.text.index("1. Phụ lục I. Công tác chỉ đạo")
    i_row = doc.text.index("STT\tSố văn bản đã ban hành")
    i_next = doc.text.index("2. Phụ lục II.")
    assert i_heading < i_row < i_next
    assert "1\t696\t1963\t25" in doc.text
    report = parse_file(path)
    assert report.doc_id == "report"
    assert (report.unit, report.unit_type, report.province) == ("Trung Thành", "phường", "Thái Nguyên")
    assert report.period == "2025-01..2026-06"
    assert report.signer == "Ngô Mạnh Tài"
    assert len(report.tables) >= 5
    for p in report.paragraphs:
        assert report.text[p.start:p.end] == p.text


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "report.pdf", sample_text("001"))
    doc = load_document(path)
    assert doc.format == "pdf"
    assert "Trí Quả" in doc.text
    assert "103/BC-UBND" in doc.text
    report = parse_file(path)
    assert (report.unit, report.unit_type, report.province) == ("Trí Quả", "phường", "Bắc Ninh")
    assert (report.report_number, report.period, report.signer) == ("103/BC-UBND", "2026-05", "Nguyễn Chính Bảo")


# ---------------------------------------------------------------------------------------------
# bad input: one clear Vietnamese line naming the file and the reason


def _err(path: Path, **kw) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_document(path, **kw)
    message = str(info.value)
    assert "\n" not in message
    assert path.name in message
    assert message.startswith("Không nạp được tệp")
    return info.value


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    assert _err(p).code == "empty"
    p2 = tmp_path / "blank.md"
    p2.write_text(" \n\t\n", encoding="utf-8")
    assert _err(p2).code == "empty"


def test_binary_file(tmp_path: Path) -> None:
    p = tmp_path / "image.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert _err(p).code == "binary"
    p2 = tmp_path / "blob.txt"
    p2.write_bytes(bytes([7, 0, 3, 0, 200, 1, 2, 0]) * 100)
    assert _err(p2).code == "binary"


def test_unknown_extension(tmp_path: Path) -> None:
    p = tmp_path / "bang.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0 whatever")
    err = _err(p)
    assert err.code == "unknown_ext"
    assert str(err) == (f"Không nạp được tệp {p}: bảng tính Excel 97-2003 (.xls) chưa đọc được; hãy mở bằng "
                        "Excel hoặc LibreOffice và lưu lại dưới dạng .xlsx")
    other = tmp_path / "bang.abc"
    other.write_text("x", encoding="utf-8")
    assert str(_err(other)).endswith("định dạng .abc không được hỗ trợ; chỉ nhận .txt, .md, .docx, .pdf, .xlsx")


def test_undecodable_bytes(tmp_path: Path) -> None:
    p = tmp_path / "bad.txt"
    # invalid UTF-8 and bytes undefined in Windows-1258
    p.write_bytes("Báo cáo ".encode() + b"\x81\x8d\x8f\x90 \xc3\x28 abc")
    assert _err(p).code == "undecodable"


def test_truncated_docx(tmp_path: Path) -> None:
    good = write_docx(tmp_path / "good.docx", sample_text("001"))
    data = good.read_bytes()
    bad = tmp_path / "truncated.docx"
    bad.write_bytes(data[: len(data) // 2])
    err = _err(bad)
    assert err.code == "corrupt"
    assert ".docx" in str(err)


def test_encrypted_pdf(tmp_path: Path) -> None:
    p = write_pdf(tmp_path / "secret.pdf", sample_text("003")[:800], password="matkhau")
    err = _err(p)
    assert err.code == "encrypted"
    assert "mã hóa" in str(err)


def test_scanned_pdf_needs_ocr(tmp_path: Path) -> None:
    p = write_scanned_pdf(tmp_path / "scan.pdf")
    err = _err(p)
    assert err.code == "no_text"
    assert "no text layer, OCR needed" in str(err)
    assert NO_TEXT_LAYER in str(err)


def test_oversize_file(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_bytes(sample_path("000").read_bytes())
    err = _err(p, max_bytes=1000)
    assert err.code == "too_large"
    assert "giới hạn" in str(err)


def test_missing_file(tmp_path: Path) -> None:
    assert _err(tmp_path / "khong-co.txt").code == "not_found"


def test_realistic_docx_header_and_signature_tables(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    head = d.add_table(rows=1, cols=2)
    head.cell(0, 0).text = "ỦY BAN NHÂN DÂN"
    head.cell(0, 0).add_paragraph("XÃ HOÀNG HOA THÁM")
    head.cell(0, 0).add_paragraph("Số: 21/BC-UBND")
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    head.cell(0, 1).add_paragraph("Độc lập - Tự do - Hạnh phúc")
    head.cell(0, 1).add_paragraph("Hoàng Hoa Thám, ngày 03 tháng 4 năm 2026")
    title = d.add_paragraph()
    title.add_run("BÁO CÁO").bold = True
    d.add_paragraph("Kết quả chuyển đổi số quý I năm 2026")
    d.add_paragraph("UBND xã Hoàng Hoa Thám báo cáo như sau:")
    d.add_heading("Kết quả thực hiện", level=2)  # Heading style, no numbering
    d.add_paragraph("Tỷ lệ hồ sơ trực tuyến đạt 98,5%.")
    bold = d.add_paragraph()
    bold.add_run("Khó khăn, vướng mắc").bold = True
    d.add_paragraph("Thiếu nhân lực chuyên trách.")
    data = d.add_table(rows=2, cols=3)
    for c, v in enumerate(("STT", "Chỉ tiêu", "Kết quả")):
        data.cell(0, c).text = v
    for c, v in enumerate(("1", "Số hóa hồ sơ", "100%")):
        data.cell(1, c).text = v
    sign = d.add_table(rows=1, cols=2)
    sign.cell(0, 0).text = "Nơi nhận:"
    sign.cell(0, 0).add_paragraph("- UBND tỉnh;")
    sign.cell(0, 1).text = "TM. ỦY BAN NHÂN DÂN"
    sign.cell(0, 1).add_paragraph("CHỦ TỊCH")
    sign.cell(0, 1).add_paragraph("Lê Thị Mai")
    path = tmp_path / "hht.docx"
    d.save(str(path))

    doc = load_document(path)
    assert "**BÁO CÁO**" in doc.text and "**Kết quả thực hiện**" in doc.text
    r = parse_file(path)
    assert (r.unit, r.unit_type, r.province) == ("Hoàng Hoa Thám", "xã", "Hưng Yên")
    assert (r.report_number, r.date, r.period) == ("21/BC-UBND", "2026-04-03", "2026-Q1")
    assert r.title == "Kết quả chuyển đổi số quý I năm 2026"
    assert r.signer == "Lê Thị Mai"
    titles = [s.title for s in r.sections]
    assert titles[:2] == ["Kết quả thực hiện", "Khó khăn, vướng mắc"]
    heading = r.paragraph(r.sections[0].heading_paragraph_id)
    assert heading.text == "Kết quả thực hiện"  # markdown markers stay outside the span
    table = next(t for t in r.tables if t.header == ("STT", "Chỉ tiêu", "Kết quả"))
    assert table.rows[1] == ("1", "Số hóa hồ sơ", "100%")
    for p in r.paragraphs:
        assert r.text[p.start:p.end] == p.text


def test_oversize_50mb_file_default_limit(tmp_path: Path) -> None:
    p = tmp_path / "huge.txt"
    with p.open("wb") as f:  # sparse file: fast to create, refused before reading
        f.truncate(50 * 1024 * 1024)
    err = _err(p)
    assert err.code == "too_large"
    assert "50.0 MB" in str(err)


def test_xlsx_corrupt_and_multi_sheet(tmp_path: Path) -> None:
    import openpyxl

    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    err = _err(bad)
    assert err.code == "corrupt" and err.reason.startswith("tệp .xlsx bị hỏng hoặc không đọc được (")
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Dịch vụ công"
    first.append(["Chỉ tiêu", "Kết quả"])
    first.append(["Tỷ lệ hồ sơ trực tuyến", 0.9171])
    first["B2"].number_format = "0.00%"
    book.create_sheet("Trống")
    second = book.create_sheet("Số hóa")
    second.append(["Chỉ tiêu", "Kết quả", None])
    second.append(["Số hồ sơ số hóa", 2955, None])
    path = tmp_path / "bang.xlsx"
    book.save(str(path))
    doc = load_document(path)
    assert doc.format == "xlsx"
    assert doc.text == ("**Dịch vụ công**\nChỉ tiêu\tKết quả\nTỷ lệ hồ sơ trực tuyến\t91,71%\n\n"
                        "**Số hóa**\nChỉ tiêu\tKết quả\nSố hồ sơ số hóa\t2955")
