"""Parse a loaded report into metadata, a section tree, citable paragraphs and tables.

All rules are regular expressions over the conventions of Vietnamese administrative reports
(Nghị định 30/2020/NĐ-CP style): "Số: 103/BC-UBND", "<place>, ngày .. tháng .. năm ..",
"BÁO CÁO" + title, numbered sections, "Nơi nhận:", "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" + signer.
Nothing here is keyed to particular files.

Paragraphs: every non-empty line is one paragraph, except that a line starting in lower case
continues the previous text/bullet paragraph when that one does not end a sentence (page-break
and line-wrap artefacts of converted files). `report.text[p.start:p.end] == p.text` always;
surrounding whitespace and whole-line markdown bold markers ("**...**") are outside the span.

Headings (see `_heading_candidate`), ranked outermost first:
  0 "Phần 1"/"PHẦN I"/"Phần thứ hai" (a following short/ALL-CAPS line is its title), unnumbered
    ALL-CAPS lines in the body, and the closing "Nơi nhận:" block
  1 "A." .. "H."        2 roman "I." "II." ("III.ĐÁNH GIÁ" without a space too)
  3 "1." / "1)"          4 "2.1."      5 "2.1.1."      6 "a)" / "a."      7 bold "**...**" lines
Numbered lines are also used for list items, so a "1." line is a heading only when it is short
(<= 160 chars) and does not end like a sentence (. ; ! ? …), or when the next line is its child
("2." followed by "2.1."); a candidate immediately followed by a sibling number ("1." then "2.")
is a list item. "2.1."-style lines are headings up to 200 chars whatever their punctuation;
roman lines up to 250 chars. A numbered list item closes open sections of the same or deeper
rank ("2. <long sentence>" cannot live inside section "1.").

The reporting period is read with `ingest.periods.find_period` (period codes are defined there).
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ingest.gazetteer import canonical_province, default_gazetteer, fold_key, provinces_for
from ingest.loaders import LoadedDocument
from ingest.models import Paragraph, Report, Section, Table
from ingest.numbers import roman_to_int
from ingest.periods import find_period, period_bounds, period_overlaps

# Re-exported: assistant/strategies/base.py and assistant/aggregate.py import the period helpers from here.
__all__ = ["ReportParser", "find_period", "period_bounds", "period_overlaps"]

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# lines and headings

_BULLET_RE = re.compile(r"^(?:[-+*•–—▪●○◦]|\(\d{1,2}\)|\d{1,2}\))\s*")
_PART_RE = re.compile(
    r"^(?:PHẦN|Phần)\s+(?:THỨ\s+|thứ\s+)?(\d{1,2}|[IVX]{1,5}|nhất|hai|ba|tư|năm|sáu|bảy|tám|chín|mười|"
    r"NHẤT|HAI|BA|TƯ|NĂM|SÁU|BẢY|TÁM|CHÍN|MƯỜI)\b\s*[.:\-–)]?\s*(.*)$")
_LETTER_RE = re.compile(r"^([A-H])\s*[.)]\s+(\S.*)$")
_ROMAN_RE = re.compile(r"^([IVX]{1,6})\s*[.)]\s*(\S.*)$")
_MULTI_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})(?:\s*[.)]\s*|\s+)(?=[^\d\s])(.*\S)")
_ARABIC_RE = re.compile(r"^(\d{1,2})\s*[.)]\s*(?=[^\d\s.,/%])(.*\S)")
_ALPHA_RE = re.compile(r"^([a-zđ])\s*[).]\s+(\S.*)$")
_ROLE_RE = re.compile(
    r"^(?:(?:KT|TM|Q|TL|TUQ|T/M)\s*\.\s*|)(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|ỦY\s+BAN\s+NHÂN\s+DÂN|UỶ\s+BAN\s+NHÂN\s+DÂN|"
    r"GIÁM\s+ĐỐC|TRƯỞNG\s+BAN|TRƯỞNG\s+PHÒNG|BÍ\s+THƯ|CHÁNH\s+VĂN\s+PHÒNG|NGƯỜI\s+KÝ|UBND)\b")
_RECIPIENTS_RE = re.compile(r"^Nơi\s+nhận\s*:?", re.I)
_SENT_END = (".", ";", "!", "?", "…")
_LOWER_START = re.compile(r"^[a-zàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]")
_SEPARATOR_CELL = re.compile(r"^[\s\-:|=_]*$")

RANK_PART, RANK_LETTER, RANK_ROMAN, RANK_ARABIC, RANK_ALPHA, RANK_BOLD = 0, 1, 2, 3, 6, 7


@dataclass(slots=True)
class _Line:
    idx: int
    start: int  # content start (after whitespace / leading "**")
    end: int  # content end
    raw: str  # the full line without "\n"
    raw_start: int
    blank_before: bool
    text: str = ""
    kind: str = "text"  # text | bullet | heading | table_row | separator
    rank: int = -1
    numbering: str = ""
    title: str = ""
    part_title_of: int | None = None  # this line is the title of the Part heading on that line
    item: bool = False  # a numbered list item (demoted heading candidate)


@dataclass(slots=True)
class _Cand:
    rank: int
    numbering: str
    title: str
    family: str  # part | letter | roman | multi | arabic | alpha | bold | caps | recipients | md
    bold: bool = False


def _strip_bold(s: str) -> tuple[str, int, int]:
    """Remove whole-line markdown bold markers; returns (text, cut_left, cut_right)."""
    left = right = 0
    if s.startswith("**"):
        left = 2
    if s.endswith("**") and len(s) - 2 >= left:
        right = 2
    inner = s[left:len(s) - right]
    lw = len(inner) - len(inner.lstrip())
    rw = len(inner) - len(inner.rstrip())
    return inner.strip(), left + lw, right + rw


def _is_caps(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    if len(letters) < 6 or len(s.split()) < 2:
        return False
    upper = sum(1 for c in letters if c.isupper())
    return upper / len(letters) >= 0.95


def _clean_title(s: str) -> str:
    s = s.strip().strip("*").strip()
    s = re.sub(r"\s+", " ", s)
    return s.rstrip(":").strip()


_MD_HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(?=\S)")
_MD_RANK = {1: RANK_PART, 2: RANK_ROMAN, 3: RANK_ARABIC, 4: RANK_ARABIC + 1, 5: RANK_ARABIC + 2, 6: RANK_ALPHA}


def _heading_candidate(s: str, was_bold: bool, md_level: int = 0) -> _Cand | None:
    if md_level:  # markdown "## 1. Title" (.md reports); the "#" marks are already cut off
        cand = _heading_candidate_plain(s, True)
        if cand is None or cand.family in ("bold", "caps", "recipients", "multi-item"):
            cand = _Cand(_MD_RANK[md_level], "", _clean_title(s), "md")
        cand.bold = True
        cand.family = "md" if cand.family in ("arabic", "alpha") else cand.family
        return cand
    cand = _heading_candidate_plain(s, was_bold)
    if cand is not None:
        cand.bold = was_bold
    return cand


def _heading_candidate_plain(s: str, was_bold: bool) -> _Cand | None:
    if m := _PART_RE.match(s):
        rest = m[2].strip()
        if len(rest) <= 200 and not (rest and _LOWER_START.match(rest)):
            head = s[: m.start(2)].strip().rstrip(".:-–)").strip()
            return _Cand(RANK_PART, head, _clean_title(rest), "part")
    if (m := _ROMAN_RE.match(s)) and roman_to_int(m[1]) and len(m[2]) <= 250:
        return _Cand(RANK_ROMAN, s[: m.start(2)].strip(), _clean_title(m[2]), "roman")
    if m := _LETTER_RE.match(s):
        title = m[2].strip()
        if len(title) <= 150 and not title.endswith(_SENT_END) and not _LOWER_START.match(title):
            return _Cand(RANK_LETTER, s[: m.start(2)].strip(), _clean_title(title), "letter")
    if m := _MULTI_RE.match(s):
        depth = m[1].count(".") + 1
        if len(m[2]) <= 200:
            return _Cand(RANK_ARABIC + depth - 1, s[: m.start(2)].strip(), _clean_title(m[2]), "multi")
        return _Cand(RANK_ARABIC + depth - 1, s[: m.start(2)].strip(), "", "multi-item")
    if m := _ARABIC_RE.match(s):
        return _Cand(RANK_ARABIC, s[: m.start(2)].strip(), _clean_title(m[2]), "arabic")
    if m := _ALPHA_RE.match(s):
        return _Cand(RANK_ALPHA, s[: m.start(2)].strip(), _clean_title(m[2]), "alpha")
    if was_bold and len(s) <= 150 and not _ROLE_RE.match(s) and not s.endswith(_SENT_END):
        return _Cand(RANK_BOLD, "", _clean_title(s), "bold")
    if _RECIPIENTS_RE.match(s):
        return _Cand(RANK_PART, "", "Nơi nhận", "recipients")
    if _is_caps(s) and len(s) <= 200 and not _ROLE_RE.match(s) and not s.endswith((";", ",")):
        return _Cand(RANK_PART, "", _clean_title(s), "caps")
    return None


def _number_key(numbering: str) -> str:
    return re.sub(r"[.)\s]+$", "", numbering)


def _is_later_sibling(open_numbering: str, item_numbering: str) -> bool:
    """'1.' then '2.' (or '2.1.' then '2.2.'): same prefix, larger last number."""
    a = _number_key(open_numbering).split(".")
    b = _number_key(item_numbering).split(".")
    if len(a) != len(b) or a[:-1] != b[:-1]:
        return False
    try:
        return int(b[-1]) > int(a[-1])
    except ValueError:
        return b[-1] > a[-1]


# ---------------------------------------------------------------------------------------------
# metadata helpers

_UNIT_TYPE_RE = re.compile(r"(?<!\w)(thị\s+trấn|phường|xã|đặc\s+khu)(?!\w)\s+", re.I)
_AUTHORITY_BEFORE = re.compile(r"(?:UBND|HĐND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|Đảng\s+ủy|Đảng\s+uỷ|"
                               r"Đảng\s+bộ|Công\s+an|Trung\s+tâm\s+Phục\s+vụ\s+hành\s+chính\s+công)\s*$", re.I)
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_PROVINCE_CUE_RE = re.compile(
    r"(?<!\w)(tỉnh|thành\s+phố|TP\.?|VNPT|Viettel|Công\s+an\s+tỉnh|Bưu\s+điện\s+tỉnh|Bưu\s+điện)(?!\w)\s*", re.I)
_NAME_STOP = {"Số", "Ngày", "Báo", "Theo", "Tại", "Của", "Và", "Về"}  # cannot start a unit name
_REPORT_NO_RE = re.compile(r"\bSố\s*:?\s*(\d*)\s*/\s*([A-ZĐ][A-ZĐa-z0-9]*(?:-[A-ZĐa-z0-9&]+)*)")
_DATE_LINE_RE = re.compile(
    r"(?:^|[\t ]|,)\s*([^\W\d_][\w ]{0,60}?)\s*,?\s+ngày\s+(\d{1,2})?\s*tháng\s+(\d{1,2})?\s*năm\s+(\d{4})",
    re.I | re.M)
_BAO_CAO_RE = re.compile(r"^\**\s*BÁO\s+CÁO\s*\**\s*(.*)$")
_REF_RE = re.compile(
    r"(?<!\w)(Công\s+văn|Kế\s+hoạch|Quyết\s+định|Nghị\s+quyết|Thông\s+báo|Chỉ\s+thị|Chương\s+trình(?:\s+công\s+tác)?|"
    r"Văn\s+bản|Hướng\s+dẫn|Tờ\s+trình|Thông\s+tư|Nghị\s+định|Luật|Đề\s+án|Báo\s+cáo|Kết\s+luận|Quy\s+chế)"
    r"\s+(?:số\s*:?\s*)?(\d[\w.\-&]*/[\w.\-&/Đđ]*\w)(?:\s*,?\s*ngày\s+(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|"
    r"\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}))?")
_REMARK_RE = re.compile(r"^\(.{0,40}\)$")


_DATA_CELL_RE = re.compile(r"[\d.,%\s]+")


def _table_header(rows: list[tuple[str, ...]]) -> list[str]:
    """The column labels of a table whose header may span several rows with merged cells:

        STT | Số DVCTT |          |          |
            | Cấp tỉnh |          | Cấp xã   |
            | Toàn trình | Một phần | Toàn trình | Một phần
        ..  | 1134     | 608      | 196      | 162

    Header rows are the rows before the first one with a figure (the row number aside); in every
    header row but the last, a merged cell spreads over the empty cells to its right. A column's
    label joins its levels: "Số DVCTT - Cấp tỉnh - Toàn trình"."""
    n_head = 0
    for row in rows:
        if any(c and _DATA_CELL_RE.fullmatch(c) for c in row[1:]):
            break
        n_head += 1
    n_head = max(1, min(n_head, len(rows) - 1 if len(rows) > 1 else 1))
    if n_head == 1:
        return list(rows[0])
    width = max(len(r) for r in rows[:n_head])
    levels: list[list[str]] = []
    for i, row in enumerate(rows[:n_head]):
        cells = [row[k] if k < len(row) else "" for k in range(width)]
        if i < n_head - 1:  # merged cells of an upper level cover the empty cells to their right
            cur = ""
            for k in range(1, width):
                cur = cells[k] or cur
                cells[k] = cur
        levels.append(cells)
    header = []
    for k in range(width):
        parts: list[str] = []
        for lv in levels:
            c = lv[k].strip()
            if c and c not in parts:
                parts.append(c)
        header.append(" - ".join(parts))
    return header


def _is_title_word(w: str) -> bool:
    """"Quả", "D'Ran", "H'Leo": upper-case initial, lower-case rest (apostrophe parts alike)."""
    if not w or not w[0].isupper():
        return False
    if all(len(p) <= 1 or p[1:].islower() for p in re.split(r"['’]", w)):
        return True
    # ethnic-minority names such as "SRó", "HDrai": mixed case, never an ALL-CAPS acronym
    return len(w) <= 8 and any(c.islower() for c in w) and w[-1].islower()


def _is_person_name(s: str) -> bool:
    """"Nguyễn Chính Bảo": 2-6 title-case alphabetic words."""
    words = s.split()
    return 2 <= len(words) <= 6 and all(
        w.replace("'", "").replace("’", "").isalpha() and _is_title_word(w) and len(w) > 1 for w in words)


def _take_name(text: str, pos: int, caps_ok: bool, max_words: int = 4) -> tuple[str, bool, int]:
    """Title-case (or, if allowed, ALL-CAPS) words starting at pos: "Trí Quả báo cáo" -> "Trí Quả".
    Returns (name, was_all_caps, end offset of the name)."""
    words: list[str] = []
    caps = False
    i = pos
    end = pos
    while len(words) < max_words:
        m = _WORD_RE.match(text, i)
        if not m:
            break
        w = m[0]
        if w.isdigit():
            if words or len(w) > 2:
                break
            ok = True
        elif _is_title_word(w) and not caps:
            ok = w not in _NAME_STOP
        elif caps_ok and w.isupper() and len(w) > 1 and (not words or caps):
            ok, caps = True, True
        else:
            ok = False
        if not ok:
            break
        words.append(w)
        j = end = m.end()
        gap = re.match(r"[ \t]+", text[j:j + 3])
        if not gap or "\n" in text[j:j + 1]:
            break
        i = j + len(gap[0])
    name = " ".join(words)
    if caps:
        name = name.title()
    return name, caps, end


_NAME_DASH_RE = re.compile(r"[ \t]*[-–][ \t]*")
_NAME_NUM_RE = re.compile(r"[ \t]+(\d{1,2})(?![\d,/%])(?![.]\d)")


def _extend_name(text: str, end: int, name: str, known) -> str:
    """Official names such as "Lâm Viên - Đà Lạt" or "A Lưới 5": extend only when the gazetteer knows them."""
    if m := _NAME_DASH_RE.match(text, end):
        ext, _, _ = _take_name(text, m.end(), caps_ok=False, max_words=3)
        if ext and known(f"{name} - {ext}"):
            return f"{name} - {ext}"
    if (m := _NAME_NUM_RE.match(text, end)) and known(f"{name} {m[1]}"):
        return f"{name} {m[1]}"
    return name


def _levenshtein1(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(1 for x, y in zip(a, b, strict=True) if x != y) == 1
    if len(a) > len(b):
        a, b = b, a
    return any(b[:i] + b[i + 1:] == a for i in range(len(b)))


@dataclass(slots=True)
class _UnitMention:
    unit_type: str
    name: str
    weight: int
    start: int


@dataclass(slots=True)
class _Meta:
    unit: str | None = None
    unit_type: str | None = None
    variants: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------


_LEGACY_NOTES = {
    "tcvn3": "văn bản gõ bằng bảng mã TCVN3 (ABC), đã chuyển sang Unicode (chữ hoa có dấu thành chữ thường)",
    "vni": "văn bản gõ bằng bảng mã VNI, đã chuyển sang Unicode",
}


class ReportParser:
    """`run(doc, doc_id) -> Report` (metadata, sections, paragraphs, tables)."""

    def __init__(self, use_gazetteer: bool = True) -> None:
        self.use_gazetteer = use_gazetteer

    # -- lines ---------------------------------------------------------------------------------
    def _lines(self, text: str) -> list[_Line]:
        out: list[_Line] = []
        pos = 0
        blank = True
        for idx, raw in enumerate(text.split("\n")):
            raw_start = pos
            pos += len(raw) + 1
            s = raw.strip()
            if not s:
                blank = True
                continue
            lead = len(raw) - len(raw.lstrip())
            trail = len(raw) - len(raw.rstrip())
            start, end = raw_start + lead, raw_start + len(raw) - trail
            out.append(_Line(idx, start, end, raw, raw_start, blank, text=s))
            blank = False
        return out

    @staticmethod
    def _cells(raw: str) -> list[str]:
        s = raw.strip()
        if s.startswith("|") and s.endswith("|") and s.count("|") >= 3 and "\t" not in s:
            return [c.strip() for c in s[1:-1].split("|")]  # markdown pipe table
        return [c.strip() for c in raw.split("\t")]

    def _classify(self, text: str, lines: list[_Line]) -> None:
        # tables first: rows with >= 2 non-empty tab-separated cells; inside a table block rows
        # with >= 2 tabs (sparse rows) and separator rows also belong to it
        in_table = False
        for ln in lines:
            cells = self._cells(ln.raw)
            nonempty = [c for c in cells if c]
            if len(cells) >= 2 and nonempty and all(_SEPARATOR_CELL.match(c) for c in cells) and in_table:
                ln.kind = "separator"
                continue
            if len(nonempty) >= 2 or (in_table and ln.raw.count("\t") >= 2):
                ln.kind = "table_row"
                in_table = True
            else:
                in_table = False

        body_started = False
        signature_next = False
        # unnumbered (bold / ALL-CAPS) headings only count once the body has begun: after a numbered
        # heading, or after the intro sentence that follows "BÁO CÁO" + title
        bao_idx = next((k for k, x in enumerate(lines[:60]) if _BAO_CAO_RE.match(_strip_bold(x.text.lstrip("# "))[0])
                        or x.text.strip("*# ").lower() == "báo cáo"), None)
        intro_seen = False
        cands: dict[int, _Cand] = {}
        for i, ln in enumerate(lines):
            if ln.kind in ("table_row", "separator"):
                continue
            md_level = 0
            if mdm := _MD_HEADING_RE.match(ln.text):  # markdown heading marks stay outside the span
                md_level = len(mdm[1])
                ln.start += mdm.end()
                ln.text = text[ln.start:ln.end]
            s = ln.text
            inner, cut_l, cut_r = _strip_bold(s)
            was_bold = cut_l >= 2 and cut_r >= 2
            if cut_l >= 2 or cut_r >= 2:  # keep markdown bold markers outside the paragraph span
                ln.start += cut_l
                ln.end -= cut_r
                if ln.end <= ln.start:
                    ln.start, ln.end = ln.start - cut_l, ln.end + cut_r
                    inner = s
                ln.text = text[ln.start:ln.end]
            if signature_next and not _ROLE_RE.match(inner):
                signature_next = False
                continue
            if _ROLE_RE.match(inner) and _is_caps(inner + " XX"):
                signature_next = True
                continue
            if _BULLET_RE.match(inner) and not _ARABIC_RE.match(inner):
                ln.kind = "bullet"
                continue
            cand = _heading_candidate(inner, was_bold, md_level)
            if cand is None:
                if (not intro_seen and cut_l == 0 and cut_r == 0 and (bao_idx is None or i > bao_idx + 1)
                        and (len(inner) >= 80 or inner.endswith(":"))):
                    intro_seen = True
                continue
            if cand.family in ("caps", "bold", "md") and not (body_started or intro_seen):
                ln.kind = "heading" if cand.family in ("caps", "md") else "text"
                continue
            if cand.family in ("part", "letter", "roman", "multi", "arabic"):
                body_started = True
            cands[i] = cand

        # decide numbered candidates (arabic / alpha / multi-item)
        content = [i for i, ln in enumerate(lines) if ln.kind not in ("table_row", "separator")]
        # the next content line of each; a table-only report has no content lines at all
        nxt: dict[int, int | None] = dict(zip(content, [*content[1:], None][:len(content)], strict=True))
        for i, cand in list(cands.items()):
            ln = lines[i]
            j = nxt.get(i)
            if cand.family == "multi-item":
                ln.item = True
                ln.rank = cand.rank
                ln.numbering = cand.numbering
                del cands[i]
                continue
            if cand.family in ("arabic", "alpha"):
                title = cand.title
                child = False
                sibling = False
                direct = lines[i + 1] if i + 1 < len(lines) else None
                if direct is not None and direct.kind in ("table_row", "separator"):
                    j = None  # a table is the body of this heading
                if j is not None:
                    nm = _MULTI_RE.match(_strip_bold(lines[j].text)[0])
                    if cand.family == "arabic" and nm and nm[1].split(".")[0] == _number_key(cand.numbering):
                        child = True
                    nc = cands.get(j)
                    jt = _strip_bold(lines[j].text)[0]
                    same = (_ARABIC_RE.match(jt) if cand.family == "arabic" else _ALPHA_RE.match(jt))
                    if same and not (_BULLET_RE.match(jt) and not _ARABIC_RE.match(jt)):
                        sibling = nc is None or nc.family == cand.family
                limit = 160 if cand.family == "arabic" else 120
                line_text = _strip_bold(ln.text)[0]
                heading = child or cand.bold or (len(title) <= limit and not line_text.endswith(_SENT_END)
                                    and not _LOWER_START.match(title) and not sibling)
                if not heading:
                    ln.item = True
                    ln.rank = cand.rank
                    ln.numbering = cand.numbering
                    del cands[i]
        # part headings with the title on the next line
        for i, cand in list(cands.items()):
            ln = lines[i]
            ln.kind = "heading"
            ln.rank = cand.rank
            ln.numbering = cand.numbering
            ln.title = cand.title
            if cand.family == "part" and not cand.title:
                j = nxt.get(i)
                if j is not None:
                    nt = _strip_bold(lines[j].text)[0]
                    nc = cands.get(j)
                    if (nc is None or nc.family in ("caps", "bold")) and len(nt) <= 200 and not nt.endswith(_SENT_END):
                        ln.title = _clean_title(nt)
                        lines[j].part_title_of = i
                        lines[j].kind = "heading"
                        cands.pop(j, None)
                if not ln.title:
                    ln.title = cand.numbering
        for ln in lines:
            if ln.part_title_of is not None:
                ln.rank = -1

    # -- main ----------------------------------------------------------------------------------
    def run(self, doc: LoadedDocument, doc_id: str) -> Report:
        text = doc.text
        report = Report(doc_id=doc_id, source_path=str(doc.path), text=text, content_hash=doc.content_hash)
        lines = self._lines(text)
        self._classify(text, lines)
        self._build_structure(report, lines)
        self._metadata(report, lines)
        if doc.encoding in _LEGACY_NOTES:
            report.warnings.append(_LEGACY_NOTES[doc.encoding])
        return report

    # -- structure -----------------------------------------------------------------------------
    def _build_structure(self, report: Report, lines: list[_Line]) -> None:
        doc_id, text = report.doc_id, report.text
        stack: list[tuple[int, Section]] = []
        sec_n = 0
        paras: list[Paragraph] = []
        last_para_end: dict[int, int] = {}

        def path() -> tuple[str, ...]:
            return stack[-1][1].path if stack else ()

        def close_to(rank: int) -> None:
            while stack and stack[-1][0] >= rank:
                _, sec = stack.pop()
                sec.end = max(sec.end, last_para_end.get(id(sec), sec.end))

        def add_para(start: int, end: int, kind: str, **kw) -> Paragraph:
            p = Paragraph(id=f"{doc_id}:p{len(paras) + 1}", doc_id=doc_id, n=len(paras) + 1,
                          text=text[start:end], start=start, end=end, section_path=path(), kind=kind, **kw)
            paras.append(p)
            for _, sec in stack:
                last_para_end[id(sec)] = end
            return p

        table_block: list[_Line] = []

        def flush_table() -> None:
            if not table_block:
                return
            rows = [tuple(self._cells(ln.raw)) for ln in table_block]
            header = _table_header(rows)
            while header and not header[-1]:
                header.pop()
            tid = f"{doc_id}:t{len(report.tables) + 1}"
            table = Table(id=tid, header=tuple(header), rows=[], paragraph_ids=[], section_path=path())
            for k, ln in enumerate(table_block):
                cells = rows[k]
                p = add_para(ln.start, ln.end, "table_row", table_id=tid, header=tuple(header), cells=cells)
                table.rows.append(cells)
                table.paragraph_ids.append(p.id)
            report.tables.append(table)
            table_block.clear()

        for ln in lines:
            if ln.kind == "separator":
                continue
            if ln.kind == "table_row":
                table_block.append(ln)
                continue
            flush_table()
            if ln.kind == "heading" and ln.part_title_of is None and ln.rank >= 0:
                close_to(ln.rank)
                sec_n += 1
                parent_path = path()
                sec = Section(id=f"{doc_id}:s{sec_n}", title=ln.title or ln.numbering, numbering=ln.numbering,
                              level=len(stack) + 1, path=(*parent_path, ln.title or ln.numbering),
                              start=ln.start, end=ln.end)
                if stack:
                    stack[-1][1].children.append(sec)
                else:
                    report.sections.append(sec)
                stack.append((ln.rank, sec))
                p = add_para(ln.start, ln.end, "heading")
                sec.heading_paragraph_id = p.id
                continue
            if ln.kind == "heading":  # preamble caps line or the title line of a Part
                add_para(ln.start, ln.end, "heading")
                continue
            if ln.item:
                # "2. <sentence>" cannot live inside an open section "1." of the same rank
                same = next((sec for rank, sec in reversed(stack) if rank == ln.rank), None)
                if same is not None and _is_later_sibling(same.numbering, ln.numbering):
                    close_to(ln.rank)
                add_para(ln.start, ln.end, "bullet")
                continue
            prev = paras[-1] if paras else None
            if (prev is not None and prev.kind in ("text", "bullet") and _LOWER_START.match(ln.text)
                    and not prev.text.rstrip().endswith((*_SENT_END, ":")) and prev.section_path == path()):
                # continuation of a wrapped / page-broken paragraph
                prev.end = ln.end
                prev.text = text[prev.start:prev.end]
                for _, sec in stack:
                    last_para_end[id(sec)] = prev.end
                continue
            add_para(ln.start, ln.end, "bullet" if ln.kind == "bullet" else "text")
        flush_table()
        close_to(-1)
        report.paragraphs = paras

    # -- metadata ------------------------------------------------------------------------------
    def _metadata(self, report: Report, lines: list[_Line]) -> None:
        text = report.text
        first_heading = next((p.start for p in report.paragraphs if p.kind == "heading" and p.section_path), len(text))
        head = text[:first_heading]

        # report number: "Số: 103/BC-UBND" (blank "Số: /BC-UBND" -> None)
        title_line_idx = None
        for k, ln in enumerate(lines):
            if ln.start >= first_heading:
                break
            if _BAO_CAO_RE.match(ln.text) or ln.text.strip("* ").lower() == "báo cáo":
                title_line_idx = k
                break
        head_top = text[: lines[title_line_idx].start] if title_line_idx is not None else head[:1500]
        m = _REPORT_NO_RE.search(head_top)
        if m and m[1]:
            report.report_number = f"{m[1]}/{m[2]}"

        # date line
        ref_year = ref_month = None
        place = None
        dm = _DATE_LINE_RE.search(head_top) or _DATE_LINE_RE.search(head[:3000])
        if dm:
            words = dm[1].split()
            tail: list[str] = []
            for w in reversed(words):
                if _is_title_word(w) or (not tail and w.isdigit() and len(w) <= 2):
                    tail.insert(0, w)
                else:
                    break
            if tail and tail[0].isdigit():
                tail = []
            place = " ".join(tail) or None
            ref_year = int(dm[4])
            ref_month = int(dm[3]) if dm[3] else None
            if dm[2] and dm[3]:
                day, month = int(dm[2]), int(dm[3])
                if 1 <= day <= 31 and 1 <= month <= 12:
                    report.date = f"{ref_year:04d}-{month:02d}-{day:02d}"

        # title
        title = None
        intro_from = 0
        if title_line_idx is not None:
            ln = lines[title_line_idx]
            bm = _BAO_CAO_RE.match(ln.text)
            rest = bm[1].strip().strip("*").strip() if bm else ""
            k = title_line_idx + 1
            if not rest and k < len(lines) and lines[k].start < first_heading:
                rest = lines[k].text.strip("*").strip()
                k += 1
            parts = [rest] if rest else []
            while (k < len(lines) and lines[k].start < first_heading and not lines[k].blank_before
                   and _LOWER_START.match(lines[k].text)):
                parts.append(lines[k].text)
                k += 1
            title = " ".join(parts) or None
            intro_from = lines[k].start if k < len(lines) else len(text)
            title_from = lines[title_line_idx].start
            for para in report.paragraphs:
                if title_from <= para.start < intro_from and para.kind == "text":
                    para.kind = "heading"
        report.title = title

        # period: title, then the intro, then the closing "Trên đây là ..." sentence
        hit = None
        if title:
            hit = find_period(title, ref_year, ref_month)
        if hit is None:
            hit = find_period(text[intro_from:first_heading][:3000], ref_year, ref_month)
        if hit is None:
            cm = re.search(r"Trên đây là[^\n]{0,600}", text)
            if cm:
                hit = find_period(cm[0], ref_year, ref_month)
        if hit is None:
            hit = find_period(text[:5000], ref_year, ref_month)
        if hit:
            report.period, report.period_label = hit.period, hit.label
        else:
            report.warnings.append("không xác định được kỳ báo cáo")

        # unit
        meta = self._unit(text, place)
        row_units = self._table_only_units(report)
        if len(row_units) >= 2:
            # a summary table of several units (bảng tổng hợp): no single unit owns its figures
            meta = _Meta(warnings=[f"bảng tổng hợp của nhiều đơn vị ({', '.join(row_units)}): không gán cho "
                                   "một đơn vị; số liệu chỉ tìm được theo nội dung dòng"])
        report.unit, report.unit_type, report.unit_variants = meta.unit, meta.unit_type, meta.variants
        report.warnings.extend(meta.warnings)

        # province
        report.province = self._province(text, report, meta)

        report.signer = self._signer(text)
        report.references = self._references(text)

    def _table_only_units(self, report: Report) -> list[str]:
        """Units named by the rows of a report that is nothing but table rows (distinct, in order)."""
        if not report.paragraphs or any(p.kind != "table_row" for p in report.paragraphs):
            return []
        names: dict[str, str] = {}
        for p in report.paragraphs:
            unit = self._unit(p.text, None).unit
            if unit:
                names.setdefault(fold_key(unit), unit)
        return list(names.values())

    def _unit(self, text: str, place: str | None) -> _Meta:
        meta = _Meta()
        mentions: list[_UnitMention] = []
        for m in _UNIT_TYPE_RE.finditer(text):
            utype = re.sub(r"\s+", " ", m[1].lower())
            before = text[max(0, m.start() - 40):m.start()]
            authority = bool(_AUTHORITY_BEFORE.search(before))
            name, caps, end = _take_name(text, m.end(), caps_ok=authority or m[1].isupper())
            if name and self.use_gazetteer and not caps:
                name = _extend_name(text, end, name, lambda n: bool(default_gazetteer().wards(n)))
            if not name or (caps and not authority and not m[1].isupper()):
                continue
            if caps and not authority:
                # "PHƯỜNG TRÍ QUẢ" in a header block right under "ỦY BAN NHÂN DÂN"
                if not re.search(r"(?:ỦY|UỶ)\s+BAN\s+NHÂN\s+DÂN\s*$", before):
                    continue
                authority = True
            mentions.append(_UnitMention(utype, name, 3 if authority else 1, m.start()))
        if not mentions and not place:
            meta.warnings.append("không xác định được tên phường/xã")
            return meta
        clusters: dict[str, list[_UnitMention]] = defaultdict(list)
        for mt in mentions:
            clusters[fold_key(mt.name)].append(mt)
        scores: Counter[str] = Counter()
        for key, ms in clusters.items():
            scores[key] = sum(mt.weight for mt in ms)
        place_key = fold_key(place) if place else None
        if place_key:
            # the place in "<place>, ngày ... " is normally the unit itself; a place written in
            # part ("Đà Lạt" for "Lâm Viên - Đà Lạt") supports the clusters that contain it
            matched = [k for k in clusters if k == place_key or (len(place_key) >= 4 and place_key in k)]
            for k in matched or [place_key]:
                scores[k] += 3
        if not scores:
            return meta
        best_key = max(scores, key=lambda k: (scores[k], -min((mt.start for mt in clusters.get(k, [])), default=10**9)))
        # typo variants one edit away ("Trung Thàn") join the winning cluster
        for key in list(clusters):
            if key != best_key and len(best_key) >= 6 and _levenshtein1(key, best_key) and scores[key] < scores[best_key]:
                clusters[best_key].extend(clusters.pop(key))
        ms = clusters.get(best_key, [])
        forms: Counter[str] = Counter()
        first_seen: dict[str, int] = {}
        for mt in ms:
            forms[mt.name] += mt.weight
            first_seen.setdefault(mt.name, mt.start)
        if place and fold_key(place) == best_key:
            forms[place] += 3
            first_seen.setdefault(place, -1)
        types: Counter[str] = Counter()
        for mt in ms:
            types[mt.unit_type] += mt.weight
        unit_type = types.most_common(1)[0][0] if types else None
        canonical = max(forms, key=lambda f: (forms[f], -first_seen.get(f, 0)))
        if self.use_gazetteer:
            official = set(default_gazetteer().exact_spellings(canonical))
            if unit_type:
                official = {e.name for e in default_gazetteer().wards(canonical, unit_type)} or official
            in_text = [f for f in forms if f in official]
            if len(in_text) == 1:
                canonical = in_text[0]
        meta.unit = canonical
        meta.unit_type = unit_type if unit_type in ("phường", "xã", "thị trấn", "đặc khu") else None
        meta.variants = sorted(f for f in forms if f != canonical)
        return meta

    def _province(self, text: str, report: Report, meta: _Meta) -> str | None:
        cues: Counter[str] = Counter()
        for m in _PROVINCE_CUE_RE.finditer(text):
            name, _, _ = _take_name(text, m.end(), caps_ok=m[1].isupper(), max_words=3)
            if not name:
                continue
            words = name.split()
            prov = None
            for n in range(len(words), 0, -1):
                prov = canonical_province(" ".join(words[:n]))
                if prov:
                    break
            if not prov:
                continue
            before = text[max(0, m.start() - 30):m.start()]
            weight = 2 if re.search(r"(?:UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân)\s*$", before, re.I) else 1
            cues[prov] += weight
        candidates: list[str] = []
        if self.use_gazetteer and meta.unit:
            candidates = list(provinces_for(meta.unit, meta.unit_type)) or list(provinces_for(meta.unit))
        if candidates:
            in_both = [p for p, _ in cues.most_common() if p in candidates]
            if in_both:
                return in_both[0]
            if len(candidates) == 1:
                if cues:
                    report.warnings.append(
                        f"tỉnh trong văn bản ({cues.most_common(1)[0][0]}) khác danh mục hành chính "
                        f"({candidates[0]}); dùng danh mục")
                return candidates[0]
        if cues:
            return cues.most_common(1)[0][0]
        if candidates:
            report.warnings.append("tên đơn vị trùng ở nhiều tỉnh: " + ", ".join(candidates))
        else:
            report.warnings.append("không xác định được tỉnh/thành phố")
        return None

    def _signer(self, text: str) -> str | None:
        lines = [ln.strip().strip("*").strip() for ln in text.split("\n")]
        # flatten cells of signature tables (docx) into separate candidates
        flat: list[str] = []
        for ln in lines:
            flat.extend(c.strip().strip("*").strip() for c in ln.split("\t"))
        last_role = None
        for i, ln in enumerate(flat):
            if ln and _ROLE_RE.match(ln) and _is_caps(ln + " XX") and len(ln) <= 80:
                last_role = i
        if last_role is not None:
            for ln in flat[last_role + 1:last_role + 8]:
                if not ln or _ROLE_RE.match(ln) or _REMARK_RE.match(ln):
                    continue
                cand = re.sub(r"\s+", " ", ln)
                if _is_person_name(cand):
                    return cand
                if cand.isupper() and _is_person_name(cand.title()):
                    return cand.title()
                break
        # one-line form: "KT. CHỦ TỊCH PHÓ CHỦ TỊCH (Đã ký) Nguyễn Văn A"
        found = None
        for m in re.finditer(r"CHỦ\s+TỊCH\**\s+(?:\([^)]{0,30}\)\s*)?\**([^\W\d_]+(?:[ ][^\W\d_]+){1,5})", text):
            words: list[str] = []
            for w in m[1].split():
                if not _is_title_word(w) or len(w) < 2:
                    break
                words.append(w)
            if 2 <= len(words) <= 6:
                found = " ".join(words)
        return found

    def _references(self, text: str) -> list[str]:
        refs: list[str] = []
        index: dict[str, int] = {}  # kind+number -> position in refs
        for m in _REF_RE.finditer(text):
            kind = re.sub(r"\s+", " ", m[1])
            number = m[2].rstrip(".,;")
            if not re.search(r"\d", number.split("/")[0]):
                continue
            ref = f"{kind} số {number}"
            if m[3]:
                date = re.sub(r"\s*/\s*", "/", m[3]) if "/" in m[3] else re.sub(r"\s+", " ", m[3])
                ref += f" ngày {date}"
            key = fold_key(kind + number)
            if key in index:
                if m[3] and " ngày " not in refs[index[key]]:
                    refs[index[key]] = ref  # prefer the dated spelling of the same document
                continue
            index[key] = len(refs)
            refs.append(ref)
        return refs
