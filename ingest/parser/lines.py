"""Lines and headings: a report's text cut into lines, each classified as a table row, bullet,
heading (with its rank, numbering and title) or text.

Headings (see `_heading_candidate`), ranked outermost first:
  0 "Phần 1"/"PHẦN I"/"Phần thứ hai" (a following short/ALL-CAPS line is its title), unnumbered
    ALL-CAPS lines in the body, and the closing "Nơi nhận:" block
  1 "A." .. "H."        2 roman "I." "II." ("III.ĐÁNH GIÁ" without a space too)
  3 "1." / "1)"          4 "2.1."      5 "2.1.1."      6 "a)" / "a."      7 bold "**...**" lines
Numbered lines are also used for list items, so a "1." line is a heading only when it is short
(<= 160 chars) and does not end like a sentence (. ; ! ? …), or when the next line is its child
("2." followed by "2.1."); a candidate immediately followed by a sibling number ("1." then "2.")
is a list item. "2.1."-style lines are headings up to 200 chars whatever their punctuation;
roman lines up to 250 chars.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.numbers import roman_to_int

_BULLET_RE = re.compile(r"^(?:[-+*•–—▪●○◦]|\(\d{1,2}\)|\d{1,2}\))\s*")
_PART_RE = re.compile(
    r"^(?:PHẦN|Phần)\s+(?:THỨ\s+|thứ\s+)?(\d{1,2}|[IVX]{1,5}|nhất|hai|ba|tư|năm|sáu|bảy|tám|chín|mười|"
    r"NHẤT|HAI|BA|TƯ|NĂM|SÁU|BẢY|TÁM|CHÍN|MƯỜI)\b\s*[.:\-–)]?\s*(.*)$")
_LETTER_RE = re.compile(r"^([A-H])\s*[.)]\s+(\S.*)$")
_ROMAN_RE = re.compile(r"^([IVX]{1,6})\s*[.)]\s*(\S.*)$")
_MULTI_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})(?:\s*[.)]\s*|\s+)(?=[^\d\s])(.*\S)")
_ARABIC_RE = re.compile(r"^(\d{1,2})\s*[.)]\s*(?=[^\d\s.,/%])(.*\S)")
_ALPHA_RE = re.compile(r"^([a-zđ])\s*[).]\s+(\S.*)$")
ROLE_RE = re.compile(
    r"^(?:(?:KT|TM|Q|TL|TUQ|T/M)\s*\.\s*|)(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|ỦY\s+BAN\s+NHÂN\s+DÂN|UỶ\s+BAN\s+NHÂN\s+DÂN|"
    r"GIÁM\s+ĐỐC|TRƯỞNG\s+BAN|TRƯỞNG\s+PHÒNG|BÍ\s+THƯ|CHÁNH\s+VĂN\s+PHÒNG|NGƯỜI\s+KÝ|UBND)\b")
_RECIPIENTS_RE = re.compile(r"^Nơi\s+nhận\s*:?", re.I)
BAO_CAO_RE = re.compile(r"^\**\s*BÁO\s+CÁO\s*\**\s*(.*)$")
SENT_END = (".", ";", "!", "?", "…")
LOWER_START = re.compile(r"^[a-zàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]")
_SEPARATOR_CELL = re.compile(r"^[\s\-:|=_]*$")

RANK_PART, RANK_LETTER, RANK_ROMAN, RANK_ARABIC, RANK_ALPHA, RANK_BOLD = 0, 1, 2, 3, 6, 7


@dataclass(slots=True)
class Line:
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


def strip_bold(s: str) -> tuple[str, int, int]:
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


def is_caps(s: str) -> bool:
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
        if len(rest) <= 200 and not (rest and LOWER_START.match(rest)):
            head = s[: m.start(2)].strip().rstrip(".:-–)").strip()
            return _Cand(RANK_PART, head, _clean_title(rest), "part")
    if (m := _ROMAN_RE.match(s)) and roman_to_int(m[1]) and len(m[2]) <= 250:
        return _Cand(RANK_ROMAN, s[: m.start(2)].strip(), _clean_title(m[2]), "roman")
    if m := _LETTER_RE.match(s):
        title = m[2].strip()
        if len(title) <= 150 and not title.endswith(SENT_END) and not LOWER_START.match(title):
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
    if was_bold and len(s) <= 150 and not ROLE_RE.match(s) and not s.endswith(SENT_END):
        return _Cand(RANK_BOLD, "", _clean_title(s), "bold")
    if _RECIPIENTS_RE.match(s):
        return _Cand(RANK_PART, "", "Nơi nhận", "recipients")
    if is_caps(s) and len(s) <= 200 and not ROLE_RE.match(s) and not s.endswith((";", ",")):
        return _Cand(RANK_PART, "", _clean_title(s), "caps")
    return None


def _number_key(numbering: str) -> str:
    return re.sub(r"[.)\s]+$", "", numbering)


def is_later_sibling(open_numbering: str, item_numbering: str) -> bool:
    """'1.' then '2.' (or '2.1.' then '2.2.'): same prefix, larger last number."""
    a = _number_key(open_numbering).split(".")
    b = _number_key(item_numbering).split(".")
    if len(a) != len(b) or a[:-1] != b[:-1]:
        return False
    try:
        return int(b[-1]) > int(a[-1])
    except ValueError:
        return b[-1] > a[-1]


def split_lines(text: str) -> list[Line]:
    """The non-empty lines of a text with their offsets (content without surrounding whitespace)."""
    out: list[Line] = []
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
        out.append(Line(idx, start, end, raw, raw_start, blank, text=s))
        blank = False
    return out


def row_cells(raw: str) -> list[str]:
    """The cells of a table row: tab-separated, or a markdown pipe row."""
    s = raw.strip()
    if s.startswith("|") and s.endswith("|") and s.count("|") >= 3 and "\t" not in s:
        return [c.strip() for c in s[1:-1].split("|")]  # markdown pipe table
    return [c.strip() for c in raw.split("\t")]


def classify(text: str, lines: list[Line]) -> None:
    """Mark each line a table row, separator, bullet, heading (rank, numbering, title) or text, in place."""
    # tables first: rows with >= 2 non-empty tab-separated cells; inside a table block rows
    # with >= 2 tabs (sparse rows) and separator rows also belong to it
    in_table = False
    for ln in lines:
        cells = row_cells(ln.raw)
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
    bao_idx = next((k for k, x in enumerate(lines[:60]) if BAO_CAO_RE.match(strip_bold(x.text.lstrip("# "))[0])
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
        inner, cut_l, cut_r = strip_bold(s)
        was_bold = cut_l >= 2 and cut_r >= 2
        if cut_l >= 2 or cut_r >= 2:  # keep markdown bold markers outside the paragraph span
            ln.start += cut_l
            ln.end -= cut_r
            if ln.end <= ln.start:
                ln.start, ln.end = ln.start - cut_l, ln.end + cut_r
                inner = s
            ln.text = text[ln.start:ln.end]
        if signature_next and not ROLE_RE.match(inner):
            signature_next = False
            continue
        if ROLE_RE.match(inner) and is_caps(inner + " XX"):
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
                nm = _MULTI_RE.match(strip_bold(lines[j].text)[0])
                if cand.family == "arabic" and nm and nm[1].split(".")[0] == _number_key(cand.numbering):
                    child = True
                nc = cands.get(j)
                jt = strip_bold(lines[j].text)[0]
                same = (_ARABIC_RE.match(jt) if cand.family == "arabic" else _ALPHA_RE.match(jt))
                if same and not (_BULLET_RE.match(jt) and not _ARABIC_RE.match(jt)):
                    sibling = nc is None or nc.family == cand.family
            limit = 160 if cand.family == "arabic" else 120
            line_text = strip_bold(ln.text)[0]
            heading = child or cand.bold or (len(title) <= limit and not line_text.endswith(SENT_END)
                                and not LOWER_START.match(title) and not sibling)
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
                nt = strip_bold(lines[j].text)[0]
                nc = cands.get(j)
                if (nc is None or nc.family in ("caps", "bold")) and len(nt) <= 200 and not nt.endswith(SENT_END):
                    ln.title = _clean_title(nt)
                    lines[j].part_title_of = i
                    lines[j].kind = "heading"
                    cands.pop(j, None)
            if not ln.title:
                ln.title = cand.numbering
    for ln in lines:
        if ln.part_title_of is not None:
            ln.rank = -1
