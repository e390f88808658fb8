"""Turn a report file (.txt/.md, .docx, .pdf, .xlsx) into NFC text with a map back to the source.

Every failure is a `LoadError` whose `str()` is ONE Vietnamese line naming the file and the
reason, so a batch can print it and go on with the next file.

Text normalisation happens here, once:
- decoding (UTF-8, UTF-8 BOM, UTF-16/32 with BOM, UTF-16 without BOM when it is obvious,
  Windows-1258, the legacy TCVN3 (ABC) and VNI encodings by their syllables; anything else is
  refused as undecodable or binary);
- line endings: CRLF and lone CR become LF;
- Unicode NFC (Python's cp1258 codec yields decomposed tone marks, other tools emit NFD too).
`LoadedDocument.source_offset(i)` maps an offset in the normalised text back to the decoded
source text (the string obtained by decoding the file, BOM excluded).
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import zipfile
from array import array
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf"} | SPREADSHEET_SUFFIXES
SUPPORTED_LIST = ".txt, .md, .docx, .pdf, .xlsx"

# Formats met in ward offices that are not read, each with what the user can do instead. Legacy
# Word/Excel (.doc/.xls), RTF and OpenDocument need either an unmaintained reader (antiword's last
# release is from 2005; odfpy's from 2020) or an office suite; saving as .docx/.xlsx takes a minute.
_UNSUPPORTED_HINTS: dict[str, str] = {
    ".doc": "tài liệu Word 97-2003 (.doc) chưa đọc được; hãy mở bằng Word hoặc LibreOffice và lưu lại dưới dạng .docx",
    ".dot": "mẫu Word 97-2003 (.dot) chưa đọc được; hãy lưu lại dưới dạng .docx",
    ".xls": "bảng tính Excel 97-2003 (.xls) chưa đọc được; hãy mở bằng Excel hoặc LibreOffice và lưu lại dưới dạng .xlsx",
    ".xlsb": "bảng tính Excel nhị phân (.xlsb) chưa đọc được; hãy lưu lại dưới dạng .xlsx",
    ".rtf": "định dạng RTF chưa đọc được; hãy mở bằng Word hoặc LibreOffice và lưu lại dưới dạng .docx",
    ".odt": "văn bản OpenDocument (.odt) chưa đọc được; hãy mở bằng LibreOffice và lưu lại dưới dạng .docx",
    ".ods": "bảng tính OpenDocument (.ods) chưa đọc được; hãy mở bằng LibreOffice và lưu lại dưới dạng .xlsx",
    ".ppt": "bản trình chiếu không phải báo cáo; hãy gửi báo cáo dạng .docx hoặc .pdf",
    ".pptx": "bản trình chiếu không phải báo cáo; hãy gửi báo cáo dạng .docx hoặc .pdf",
    ".zip": "tệp nén; hãy giải nén rồi nạp thư mục",
    ".rar": "tệp nén; hãy giải nén rồi nạp thư mục",
    ".7z": "tệp nén; hãy giải nén rồi nạp thư mục",
    ".html": "trang web; hãy lưu nội dung dưới dạng .docx hoặc .txt",
    ".htm": "trang web; hãy lưu nội dung dưới dạng .docx hoặc .txt",
    ".xml": "tệp XML không phải báo cáo; hãy gửi báo cáo dạng .docx, .pdf hoặc .txt",
}
for _img in (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif", ".heic", ".webp"):
    _UNSUPPORTED_HINTS[_img] = "ảnh (bản chụp/quét) không có chữ để đọc; cần OCR, hoặc gửi bản .docx/.pdf có lớp văn bản"
# Not reports at all: hidden files, Office lock files ("~$bao cao.docx"), editor backups, OS indexes.
_JUNK_NAMES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}
NO_TEXT_LAYER = "không có lớp văn bản, cần OCR (no text layer, OCR needed)"

_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP/Office"),
    (b"\xd0\xcf\x11\xe0", "Office 97-2003"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\x7fELF", "ELF"),
    (b"MZ", "EXE"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7z"),
)
# Letters that only Vietnamese uses; their share tells a real Windows-1258 text from noise.
_VI_LETTERS = set("ăâđêôơưĂÂĐÊÔƠƯ")


class LoadError(Exception):
    """A file that cannot be loaded. `str(err)` is one Vietnamese line: file + reason."""

    def __init__(self, path: Path | str, reason: str, code: str = "error") -> None:
        self.path = Path(path)
        self.reason = reason
        self.code = code
        super().__init__(f"Không nạp được tệp {self.path}: {reason}")


@dataclass(slots=True)
class LoadedDocument:
    path: Path
    text: str  # NFC, LF line endings
    format: str  # "txt" | "md" | "docx" | "pdf" | "xlsx"
    content_hash: str  # sha256 of the raw bytes
    offsets: array | None = None  # offsets[i] = source offset of text[i]; len(text)+1 entries; None = identity
    encoding: str | None = None
    source_text: str | None = field(default=None, repr=False)  # decoded text before normalisation

    def source_offset(self, i: int) -> int:
        """Map an offset into `text` to the corresponding offset into the decoded source text."""
        if i < 0 or i > len(self.text):
            raise IndexError(i)
        if self.offsets is None:
            return i
        return int(self.offsets[i])


# ---------------------------------------------------------------------------------------------
# normalisation with an offset map


def normalize_text(raw: str) -> tuple[str, array | None]:
    """NFC + LF line endings. Returns (text, offsets) where offsets is None when nothing changed."""
    if "\r" not in raw and unicodedata.is_normalized("NFC", raw):
        return raw, None
    out: list[str] = []
    offs = array("q")
    i, n = 0, len(raw)
    combining = unicodedata.combining
    while i < n:
        ch = raw[i]
        if ch == "\r":
            out.append("\n")
            offs.append(i)
            i += 2 if i + 1 < n and raw[i + 1] == "\n" else 1
            continue
        j = i + 1
        while j < n and combining(raw[j]):
            j += 1
        cluster = raw[i:j]
        norm = unicodedata.normalize("NFC", cluster) if j - i > 1 or not cluster.isascii() else cluster
        out.append(norm)
        if len(norm) == j - i:
            offs.extend(range(i, j))
        else:  # composed (or, rarely, expanded): every output char maps to the cluster start
            offs.extend([i] * len(norm))
        i = j
    offs.append(n)
    text = "".join(out)
    if not unicodedata.is_normalized("NFC", text):  # exotic scripts (Hangul jamo ...): coarse map
        text2 = unicodedata.normalize("NFC", text)
        log.debug("cluster-wise NFC differs from full NFC; using a coarse offset map")
        scale = len(raw) / max(1, len(text2))
        offs = array("q", (min(len(raw), int(k * scale)) for k in range(len(text2) + 1)))
        text = text2
    return text, offs


# ---------------------------------------------------------------------------------------------
# text files


def _looks_binary(data: bytes) -> str | None:
    for magic, name in _BINARY_MAGIC:
        if data.startswith(magic):
            return name
    sample = data[:8192]
    if b"\x00" in sample:
        return "có byte NUL"
    ctrl = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    if sample and ctrl / len(sample) > 0.05:
        return "nhiều ký tự điều khiển"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM: NUL in every other byte of ASCII-heavy text."""
    sample = data[:4096]
    if len(sample) < 4 or len(data) % 2:
        return None
    even_nul = sample[0::2].count(0) / (len(sample) / 2)
    odd_nul = sample[1::2].count(0) / (len(sample) / 2)
    enc = "utf-16-le" if odd_nul > 0.3 and even_nul < 0.05 else "utf-16-be" if even_nul > 0.3 and odd_nul < 0.05 else None
    if enc is None:
        return None
    try:
        data.decode(enc)
    except UnicodeDecodeError:
        return None
    return enc


def _plausible_text(text: str) -> bool:
    if not text:
        return True
    bad = sum(1 for c in text if (unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\x1b") or c == "\ufffd")
    return bad / len(text) < 0.01


def decode_text_bytes(data: bytes, path: Path) -> tuple[str, str]:
    """Decode the bytes of a text report. Returns (text, encoding)."""
    boms = (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    )
    for bom, enc in boms:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(enc.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                raise LoadError(path, f"có dấu BOM {enc} nhưng nội dung không giải mã được ({exc.reason})",
                                "undecodable") from exc
            return text, enc
    enc16 = _utf16_without_bom(data)
    if enc16:
        text = data.decode(enc16)
        if _plausible_text(text):
            return text, enc16
    kind = _looks_binary(data)
    if kind:
        raise LoadError(path, f"tệp nhị phân ({kind}), không phải văn bản", "binary")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return text, "utf-8"
    # Legacy 8-bit Vietnamese: Windows-1258, TCVN3 (ABC) or VNI; the reading with the most valid
    # Vietnamese syllables wins (ingest/legacy_vi.py).
    from ingest.legacy_vi import ENCODING_NAMES, GUESS_SHARE, detect_legacy, syllable_share

    try:
        text: str | None = data.decode("cp1258")
    except UnicodeDecodeError:
        text = None
    legacy = detect_legacy(data)
    if legacy is not None and (text is None or legacy[2] > syllable_share(text)[0]):
        name, decoded, share = legacy
        log.info("%s: decoded as %s (%.0f%% valid syllables)", path, ENCODING_NAMES[name], share * 100)
        return decoded, name
    undecodable = "không giải mã được nội dung (không phải UTF-8, UTF-16, Windows-1258, TCVN3 hay VNI)"
    guess = detect_legacy(data, GUESS_SHARE)
    if guess is not None:
        undecodable = (f"không giải mã chắc chắn được nội dung: có vẻ được gõ bằng bảng mã {ENCODING_NAMES[guess[0]]} "
                       "nhưng lẫn ký tự lạ; hãy chuyển sang Unicode (ví dụ bằng công cụ chuyển mã của Unikey) "
                       "rồi nạp lại")
    if text is None:
        raise LoadError(path, undecodable, "undecodable")
    nfc = unicodedata.normalize("NFC", text)
    letters = [c for c in nfc if c.isalpha()]
    non_ascii = [c for c in letters if not c.isascii()]
    vi = sum(1 for c in non_ascii if c in _VI_LETTERS or "\u1ea0" <= c <= "\u1ef9" or c in "àáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ")
    if not _plausible_text(text) or (non_ascii and vi / len(non_ascii) < 0.6):
        raise LoadError(path, undecodable, "undecodable")
    return text, "cp1258"


def _load_text(path: Path, data: bytes) -> tuple[str, str]:
    text, enc = decode_text_bytes(data, path)
    return text, enc


# ---------------------------------------------------------------------------------------------
# .docx


def _docx_cell_text(cell) -> str:
    return " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()).replace("\t", " ")


def _docx_paragraph_text(par) -> str:
    """Paragraph text; wholly bold paragraphs and Heading/Title styles are marked "**...**" per line
    (markdown bold, the convention of the .txt reports) so the parser sees them as bold headings.
    The parser keeps whole-line markers outside paragraph spans, so citations stay clean."""
    text = par.text
    if not text.strip() or "**" in text:
        return text
    style = par.style
    style_name = (style.name or "").lower() if style is not None else ""
    style_bold = bool(style is not None and style.font is not None and style.font.bold)
    runs = [r for r in par.runs if r.text.strip()]
    bold = style_name.startswith(("heading", "title")) or (
        bool(runs) and all(r.bold is True or (r.bold is None and style_bold) for r in runs))
    if not bold:
        return text
    return "\n".join(f"**{ln.strip()}**" if ln.strip() else "" for ln in text.split("\n"))


def _load_docx(path: Path) -> str:
    try:
        import docx  # python-docx
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph as DocxParagraph
    except ImportError as exc:  # pragma: no cover - dependency is pinned
        raise LoadError(path, "thiếu thư viện python-docx để đọc .docx", "dependency") from exc
    try:
        document = docx.Document(str(path))
        body = document.element.body
        lines: list[str] = []
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(_docx_paragraph_text(DocxParagraph(child, document)))
            elif tag == "tbl":
                table = DocxTable(child, document)
                lines.append("")
                for row in table.rows:
                    cells: list[str] = []
                    prev_tc = None
                    for cell in row.cells:
                        # horizontally merged cells repeat the same <w:tc>: keep the text once
                        cells.append("" if cell._tc is prev_tc else _docx_cell_text(cell))
                        prev_tc = cell._tc
                    lines.append("\t".join(cells))
                lines.append("")
    except LoadError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise LoadError(path, f"tệp .docx bị hỏng hoặc không đầy đủ ({type(exc).__name__})", "corrupt") from exc
    except Exception as exc:  # lxml errors, python-docx PackageNotFoundError, ...
        raise LoadError(path, f"tệp .docx bị hỏng hoặc không đọc được ({type(exc).__name__})", "corrupt") from exc
    return "\n".join(line.replace("\v", "\n") for line in lines)


# ---------------------------------------------------------------------------------------------
# .xlsx (bảng tổng hợp chỉ tiêu): every sheet becomes tab-separated rows, the form the parser reads
# as a table whose first row is the header


def _xlsx_cell_text(cell) -> str:
    """A cell as the report shows it: percentages with "%" and a decimal comma, whole numbers plain,
    dates as dd/mm/yyyy (Excel keeps 87,5% as 0.875 with a percent number format)."""
    import datetime as dt

    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float):
        fmt = (cell.number_format or "").lower()
        if "%" in fmt:
            decimals = len(fmt.split(".", 1)[1].split("%")[0]) if "." in fmt else 0
            return f"{value * 100:.{decimals}f}".replace(".", ",") + "%"
        if float(value).is_integer():
            return str(int(value))
        return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")
    return " ".join(str(value).split())  # line breaks inside a cell would split the row


def _load_xlsx(path: Path) -> str:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - dependency is pinned
        raise LoadError(path, "thiếu thư viện openpyxl để đọc .xlsx", "dependency") from exc
    try:
        # data_only: the values Excel computed for formulas, not the formulas
        book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, KeyError, InvalidFileException, lxml errors, ...
        raise LoadError(path, f"tệp .xlsx bị hỏng hoặc không đọc được ({type(exc).__name__})", "corrupt") from exc
    try:
        sheets: list[tuple[str, list[str]]] = []
        for sheet in book.worksheets:
            rows: list[str] = []
            for row in sheet.iter_rows():
                cells = [_xlsx_cell_text(c) for c in row]
                while cells and not cells[-1]:
                    cells.pop()
                rows.append("\t".join(cells))
            while rows and not rows[-1]:
                rows.pop()
            if any(rows):
                sheets.append((sheet.title, rows))
    except Exception as exc:
        raise LoadError(path, f"tệp .xlsx bị hỏng hoặc không đọc được ({type(exc).__name__})", "corrupt") from exc
    finally:
        book.close()
    if len(sheets) == 1:
        return "\n".join(sheets[0][1])
    # several sheets: each under its name (a heading line), separated by a blank line
    return "\n\n".join(f"**{title}**\n" + "\n".join(rows) for title, rows in sheets)


# ---------------------------------------------------------------------------------------------
# .pdf

_LOWER_START = re.compile(r"^[a-zàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]")
_NUMBERED_START = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]\s*[^\d\s]|[IVX]{1,6}\s*[.)]|[a-zđ]\)|Phần\s|PHẦN\s)")
_BLOCK_START = re.compile(r"^\s*(?:[-+*•–]\s|\d+(?:\.\d+)*[.)]\s|[IVXLC]+\.\s|[a-zđ][).]\s|Phần\s)")


def _reflow_pdf_page(page_text: str) -> str:
    """Join visual line wraps of a PDF page. A line continues the previous one when the previous
    line does not end a sentence/clause (. : ; ! ?), the line does not start a list item or a
    numbered heading, and either it starts in lower case or the previous line is "full" (at least
    70% of the longest line on the page, i.e. it was wrapped by the layout, not ended by the author).
    Runs of spaces from justified text are collapsed."""
    lines = [re.sub(r"[ \u00a0]{2,}", " ", ln).rstrip() for ln in page_text.split("\n")]
    longest = max((len(ln.strip()) for ln in lines), default=0)
    out: list[str] = []
    prev_len = 0
    for line in lines:
        s = line.strip()
        prev = out[-1].rstrip() if out else ""
        block_head = out[-1] if out else ""
        heading_like = bool(_NUMBERED_START.match(block_head.strip())) and s[:1].isupper()
        if (prev and s and not _BLOCK_START.match(s) and not prev.endswith((".", ":", ";", "!", "?"))
                and (_LOWER_START.match(s) or (prev_len >= 0.7 * longest and not heading_like))):
            out[-1] = prev + " " + s
        else:
            out.append(line)
        prev_len = len(s)
    return "\n".join(out)


def _load_pdf(path: Path) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError
    except ImportError as exc:  # pragma: no cover
        raise LoadError(path, "thiếu thư viện pypdf để đọc .pdf", "dependency") from exc
    try:
        reader = PdfReader(str(path))
    except Exception as exc:
        raise LoadError(path, f"tệp PDF bị hỏng hoặc không đọc được ({type(exc).__name__})", "corrupt") from exc
    if reader.is_encrypted:
        try:
            ok = reader.decrypt("")
        except (DependencyError, NotImplementedError) as exc:
            raise LoadError(path, "tệp PDF được mã hóa (encrypted), không đọc được", "encrypted") from exc
        except Exception as exc:
            raise LoadError(path, "tệp PDF được mã hóa (encrypted), không đọc được", "encrypted") from exc
        if not ok:
            raise LoadError(path, "tệp PDF được mã hóa bằng mật khẩu (encrypted), không đọc được", "encrypted")
    pages: list[str] = []
    try:
        for page in reader.pages:
            pages.append(_reflow_pdf_page(page.extract_text() or ""))
    except FileNotDecryptedError as exc:
        raise LoadError(path, "tệp PDF được mã hóa (encrypted), không đọc được", "encrypted") from exc
    except (PdfReadError, Exception) as exc:
        raise LoadError(path, f"tệp PDF bị hỏng, không trích được chữ ({type(exc).__name__})", "corrupt") from exc
    text = "\n\n".join(pages)
    if sum(1 for c in text if c.isalnum()) < 20:
        raise LoadError(path, f"tệp PDF {NO_TEXT_LAYER}", "no_text")
    return text


# ---------------------------------------------------------------------------------------------


def unsupported_reason(path: Path) -> str:
    """Why a file of this kind is not read, and what to do (Vietnamese)."""
    suffix = path.suffix.lower()
    hint = _UNSUPPORTED_HINTS.get(suffix)
    if hint:
        return hint
    shown = suffix or "(không có đuôi)"
    return f"định dạng {shown} không được hỗ trợ; chỉ nhận {SUPPORTED_LIST}"


def is_junk_file(path: Path) -> bool:
    """Hidden files, Office lock files and OS/editor leftovers: never reports."""
    name = path.name
    return (name.startswith((".", "~$")) or name.endswith(("~", ".tmp", ".bak")) or name.lower() in _JUNK_NAMES
            or (name.startswith("#") and name.endswith("#")))


def load_document(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedDocument:
    """Load one report file. Raises LoadError (one Vietnamese line) on any problem."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise LoadError(path, "không tìm thấy tệp", "not_found")
    if not path.is_file():
        raise LoadError(path, "không phải là tệp thông thường", "not_file")
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(path, unsupported_reason(path), "unknown_ext")
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(path, f"tệp quá lớn ({size / 1048576:.1f} MB, giới hạn {max_bytes / 1048576:.1f} MB)",
                        "too_large")
    if size == 0:
        raise LoadError(path, "tệp rỗng", "empty")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"không đọc được tệp ({exc.strerror or exc})", "io") from exc
    content_hash = hashlib.sha256(data).hexdigest()

    encoding: str | None = None
    if suffix in TEXT_SUFFIXES:
        raw, encoding = _load_text(path, data)
        fmt = "md" if suffix in {".md", ".markdown"} else "txt"
    elif suffix == ".docx":
        if not data.startswith(b"PK"):
            raise LoadError(path, "tệp .docx bị hỏng hoặc không phải tài liệu Word (.docx)", "corrupt")
        raw, fmt = _load_docx(path), "docx"
    elif suffix in SPREADSHEET_SUFFIXES:
        if not data.startswith(b"PK"):
            raise LoadError(path, "tệp .xlsx bị hỏng hoặc không phải bảng tính Excel (.xlsx)", "corrupt")
        raw, fmt = _load_xlsx(path), "xlsx"
    else:
        if not data.lstrip()[:5].startswith(b"%PDF"):
            raise LoadError(path, "tệp .pdf bị hỏng hoặc không phải PDF", "corrupt")
        raw, fmt = _load_pdf(path), "pdf"

    text, offsets = normalize_text(raw)
    if not text.strip():
        raise LoadError(path, "tệp rỗng (không có nội dung văn bản)", "empty")
    return LoadedDocument(path=path, text=text, format=fmt, content_hash=content_hash, offsets=offsets,
                          encoding=encoding, source_text=raw if offsets is not None else None)
