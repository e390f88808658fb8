"""Reading Vietnamese numbers in context.

Reports write figures in many ways: "2,955 hồ sơ" (English thousands), "12.456 hồ sơ"
(Vietnamese thousands), "91,71%" / "99.75%" (decimal percentages), "120.000.000 đồng",
"499 triệu đồng", "05" (zero padded), "trên 95%" (qualified), "09/17" and
"22.581/57.566" (fractions), "26/99" (a rank), "Không" (zero). `find_numbers` returns every
figure of a text with its span, value, kind, measure (the noun that follows: "hồ sơ", "%",
"đồng", ...) and qualifier, skipping what is not a quantity: dates ("15/4/2026", "ngày 08/3"),
years ("năm 2026"), document numbers ("57-NQ/TW", "số 13/KH-UBND"), codes ("5G", "BML10",
"4.0") and citation markers ("[1]").

`numbers_in_text` is the lenient variant the eval scorer uses on answer prose: every
plausible reading of every figure (both readings of an ambiguous "1,234", the numerator and
denominator of fractions, "499 triệu" as 499 and 499000000).

All pattern matching happens on `fold()`ed text (`ingest.text.fold`): lower case, accents removed,
đ -> d, with exactly one output character per input character so offsets stay valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ingest.text import fold  # the strategies and ingest/facts.py still import fold from here

NumberKind = Literal["count", "percent", "fraction", "money", "decimal", "duration", "zero"]


# --------------------------------------------------------------------------- measures
# folded surface -> canonical measure. Longest surfaces are tried first.
_MEASURES: dict[str, str] = {
    "%": "%",
    "phan tram": "%",
    "ho so": "hồ sơ",
    "bo ho so": "hồ sơ",
    "van ban": "văn bản",
    "thu tuc hanh chinh": "thủ tục",
    "thu tuc": "thủ tục",
    "tthc": "thủ tục",
    "dich vu cong truc tuyen": "dịch vụ",
    "dich vu cong": "dịch vụ",
    "dich vu": "dịch vụ",
    "dvctt": "dịch vụ",
    "dvc": "dịch vụ",
    "diem": "điểm",
    "dong": "đồng",
    "vnd": "đồng",
    "to dan pho": "tổ dân phố",
    "tdp": "tổ dân phố",
    "khu dan cu": "khu dân cư",
    "khu pho": "khu phố",
    "thon": "thôn",
    "xom": "xóm",
    "nhiem vu": "nhiệm vụ",
    "muc tieu": "mục tiêu",
    "chi tieu": "chỉ tiêu",
    "tai khoan": "tài khoản",
    "tin, bai": "tin bài",
    "tin bai": "tin bài",
    "tin": "tin bài",
    "bai viet": "tin bài",
    "bai": "tin bài",
    "phan anh, kien nghi": "phản ánh",
    "phan anh kien nghi": "phản ánh",
    "phan anh": "phản ánh",
    "pakn": "phản ánh",
    "kien nghi": "phản ánh",
    "nha van hoa": "nhà văn hóa",
    "hoi nghi": "hội nghị",
    "lop": "lớp",
    "buoi": "buổi",
    "cuoc hop": "cuộc họp",
    "phien hop": "cuộc họp",
    "can bo": "cán bộ",
    "cong chuc": "cán bộ",
    "nguoi": "người",
    "nguoi dan": "người",
    "luot": "lượt",
    "ho kinh doanh": "hộ kinh doanh",
    "ho gia dinh": "hộ",
    "ho": "hộ",
    "thanh vien": "thành viên",
    "thiet bi": "thiết bị",
    "may tinh": "máy tính",
    "doi tuong": "đối tượng",
    "mat camera": "camera",
    "camera": "camera",
    "xa, phuong": "xã phường",
    "xa phuong": "xã phường",
    "phuong, xa": "xã phường",
    "don vi": "đơn vị",
    "co quan": "cơ quan",
    "truong": "trường",
    "doanh nghiep": "doanh nghiệp",
    "hop tac xa": "hợp tác xã",
    "san pham": "sản phẩm",
    "mo hinh": "mô hình",
    "to": "tổ",
    "nhom": "nhóm",
    "co so": "cơ sở",
    "tram": "trạm",
    "km": "km",
    "ha": "ha",
    "tuoi": "tuổi",
    "may tinh bang": "máy tính bảng",
    "ho dan": "hộ",
    "nhan khau": "nhân khẩu",
    "chi bo": "chi bộ",
    "giai": "giải",
    "ty dong": "đồng",
    "hoc sinh": "học sinh",
    "ung dung": "ứng dụng",
    "he thong": "hệ thống",
    "phan mem": "phần mềm",
    "chung thu so": "chứng thư số",
    "chu ky so": "chữ ký số",
    "ban ghi": "bản ghi",
    "giay to": "giấy tờ",
    "ket qua": "kết quả",
    "sang kien": "sáng kiến",
    "de tai": "đề tài",
    "lan": "lần",
    "giao dich": "giao dịch",
    "cuoc": "cuộc",
    "thue bao": "thuê bao",
    "diem phat song": "điểm",
    "tram phat song": "trạm",
    "ngay": "ngày",
    "thang": "tháng",
    "nam": "năm",
    "quy": "quý",
    "gio": "giờ",
    "phut": "phút",
    "tuan": "tuần",
}
DURATION_MEASURES = frozenset({"ngày", "tháng", "năm", "quý", "giờ", "phút", "tuần"})
COUNT_MEASURES_SEP_OK = frozenset(_MEASURES.values()) - DURATION_MEASURES - {"%"}

_MULTIPLIERS = {"nghin": 1e3, "ngan": 1e3, "trieu": 1e6, "ty": 1e9, "ti": 1e9}

_MEASURE_RE = re.compile(
    r"\s*(?:(?P<mult>nghin|ngan|trieu|ty|ti)(?!\s*le)\b\s*)?(?P<meas>"
    + "|".join(re.escape(m) for m in sorted(_MEASURES, key=len, reverse=True) if m != "%")
    + r")\b|\s*(?P<pct>%)|\s*(?P<mult2>nghin|ngan|trieu|ty|ti)(?!\s*le)\b"
)

_QUALIFIERS = {
    "khoang tren": "khoảng trên",
    "khoang hon": "khoảng hơn",
    "khoang": "khoảng",
    "tren": "trên",
    "hon": "hơn",
    "gan": "gần",
    "duoi": "dưới",
    "toi da": "tối đa",
    "toi thieu": "tối thiểu",
    "it nhat": "ít nhất",
    "xap xi": "xấp xỉ",
    "dat": "đạt",
    "tang": "tăng",
    "giam": "giảm",
    "tang them": "tăng",
}
_QUAL_WRITTEN = {"tang them": "tăng thêm"}  # as written, when the qualifier shown is shorter
_QUAL_RE = re.compile(
    r"\b(khoang tren|khoang hon|khoang|tren|hon|gan|duoi|toi da|toi thieu|it nhat|xap xi|"
    r"(?<!lap )(?<!cai )(?<!thiet )(?<!tich )(?<!su dung )dat|tang them|tang|giam)"
    r"(?:\s+(?:ty le|ti le))?\s*:?\s*$"
)

# Number token: digits with '.'/',' groups, optional '/' fraction part.
_NUM_RE = re.compile(
    r"(?<![\w./,\[\-])(?P<a>\d+(?:[.,]\d+)*)(?:\s*/\s*(?P<b>\d+(?:[.,]\d+)*))?"
)
_DATE_RE = re.compile(r"(?<![\w./])\d{1,2}\s*[/-]\s*\d{1,2}\s*[/-]\s*\d{2,4}(?!\d)")
_DOC_AFTER_RE = re.compile(r"^(?:[/-]\s?[^\W\d_]|/?[A-ZĐ]{2,})")
_SKIP_BEFORE_RE = re.compile(
    r"(?:\b(?:ngay|thang|nam|quy|dieu|khoan|muc do|cap do|phu luc|giai doan|lan thu|nhiem ky|khoa|"
    r"de an|phuong an so|(?:nghi quyet|quyet dinh|cong van|ke hoach|thong bao|chuong trinh|bao cao|"
    r"to trinh|chi thi|thong tu|nghi dinh|ket luan|huong dan|van ban|luat) so|so hieu|ma so|"
    r"tu|den|toi)\s*$|\bmuc do \d+\s*(?:,|va|hoac)\s*$)"
)
_DATE_BEFORE_RE = re.compile(r"\b(?:ngay|tu|den|toi|hom|thang)\s*$")
_ZERO_RE = re.compile(r"(?<=:)\s*(không|Không|KHÔNG)\s*(?=[.;,)]|$)", re.M)
_VERSION_RE = re.compile(r"^[1-9]\.0$")
_ITEM_AFTER_RE = re.compile(r"^[.)]\s")
_LINE_START_RE = re.compile(r"(?:^|\n)[\s\-+*•–]*$")


@dataclass(slots=True, frozen=True)
class NumberMatch:
    """One figure found in a text. `start`/`end` cover the digits (and a '%' sign)."""

    start: int
    end: int
    raw: str
    value: float
    kind: NumberKind
    measure: str | None = None  # canonical measure ("hồ sơ", "%", "đồng", ...)
    measure_end: int = -1  # end offset of the measure phrase (== end when none)
    qualifier: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    alternates: tuple[float, ...] = ()  # other plausible readings (for lenient matching)


def parse_number(raw: str, *, percent: bool = False, multiplier: bool = False) -> float:
    """Parse one digit group such as "2,955", "12.456", "91,71", "120.000.000", "05".

    Rules: both separators present -> the last one is the decimal mark; one separator kind
    repeated -> thousands; a single separator followed by exactly 3 digits -> thousands
    (unless the figure is a percentage, is followed by triệu/tỷ, or its integer part is 0);
    otherwise a decimal mark.
    """
    raw = raw.strip()
    if not raw:
        raise ValueError("empty number")
    seps = [c for c in raw if c in ".,"]
    if not seps:
        return float(int(raw))
    groups = re.split(r"[.,]", raw)
    if "." in seps and "," in seps:
        dec = seps[-1]
        intpart, frac = raw.rsplit(dec, 1)
        return float(re.sub(r"[.,]", "", intpart) + "." + frac)
    if len(seps) > 1:
        return float("".join(groups))
    intpart, frac = groups
    # "5.000 tỷ" is five thousand billion (Vietnamese thousands dot); "1,500 tỷ" stays 1.5.
    thousands = not percent and (not multiplier or seps[0] == ".")
    if len(frac) == 3 and thousands and intpart.lstrip("0") != "":
        return float(intpart + frac)
    return float(intpart + "." + frac)


def _alt_reading(raw: str, value: float) -> tuple[float, ...]:
    seps = [c for c in raw if c in ".,"]
    if len(seps) != 1:
        return ()
    intpart, frac = re.split(r"[.,]", raw)
    if len(frac) != 3:
        return ()
    other = float(intpart + "." + frac) if value == float(intpart + frac) else float(intpart + frac)
    return (other,) if other != value else ()


@lru_cache(maxsize=4096)
def measure_at(folded_tail: str) -> tuple[str | None, int, float]:
    """(measure, length consumed, multiplier) for the folded text right after a number."""
    m = _MEASURE_RE.match(folded_tail)
    if not m:
        return None, 0, 1.0
    if m.group("pct"):
        return "%", m.end(), 1.0
    if m.group("mult2"):
        return None, m.end(), _MULTIPLIERS[m.group("mult2")]
    mult = _MULTIPLIERS[m.group("mult")] if m.group("mult") else 1.0
    return _MEASURES[m.group("meas")], m.end(), mult


# Small counts written as words before a measure ("bốn nhiệm vụ", "Hai hội nghị"), with their
# accents (folded, "sau", "bay", "tam" are other words). Not "một" ("một số", "một cửa") nor "năm".
_NUMBER_WORDS = {"hai": 2, "ba": 3, "bốn": 4, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9, "mười": 10}
_NUMBER_WORD_RE = re.compile(r"(?<!\w)(" + "|".join(_NUMBER_WORDS) + r")\s+(?=\w)", re.IGNORECASE)


def find_numbers(text: str, folded: str | None = None, *, zero_words: bool = True) -> list[NumberMatch]:
    """Every quantity in `text`, in order (see module docstring for what is skipped)."""
    f = folded if folded is not None else fold(text)
    excluded: list[tuple[int, int]] = [(m.start(), m.end()) for m in _DATE_RE.finditer(text)]
    out: list[NumberMatch] = []
    for m in _NUM_RE.finditer(text):
        s, e = m.start(), m.end()
        if any(a <= s < b for a, b in excluded):
            continue
        a_raw, b_raw = m.group("a"), m.group("b")
        after = text[e:e + 12]
        # Document numbers and codes: "57-NQ/TW", "13/KH-UBND", "06/CP", "5G", "BML10".
        if _DOC_AFTER_RE.match(after) or re.match(r"^[A-Z]", after):
            continue
        if b_raw is None and re.match(r"^\s*/\s*[^\W\d_]", after):
            continue
        if after.startswith("]") or text[max(0, s - 1):s] == "[":
            continue
        before_f = f[max(0, s - 30):s]
        if _SKIP_BEFORE_RE.search(before_f):
            # "tháng 4", "năm 2026", "Nghị quyết số 11" ... but "năm 2025, ... 7.618 hồ sơ" is
            # handled per token, and "từ 5 đến 10 hồ sơ" keeps its count when a measure follows.
            word = re.search(r"(\w+)\s*$", before_f)
            if not (word and word.group(1) in ("tu", "den", "toi") and b_raw is None
                    and measure_at(f[e:e + 40])[0] not in (None, *DURATION_MEASURES)):
                continue
        if text[max(0, s - 1):s] == "(" and after.startswith(")"):
            continue  # list markers "(1)"
        if b_raw is None and _ITEM_AFTER_RE.match(after) and _LINE_START_RE.search(text[max(0, s - 12):s]):
            continue  # list markers at the start of a line: "5. Duy trì ...", "2.1. Triển khai", "3) ..."
        if _VERSION_RE.match(a_raw) and b_raw is None:
            continue  # "4.0"
        tail_f = f[e:e + 40]
        measure, mlen, mult = measure_at(tail_f)
        percent = measure == "%"
        qual_m = _QUAL_RE.search(f[max(0, s - 25):s])
        qualifier = _QUALIFIERS[qual_m.group(1)] if qual_m else None
        written = _QUAL_WRITTEN.get(qual_m.group(1), qualifier) if qual_m else None
        if qual_m and " ".join(text[max(0, s - 25) + qual_m.start(1):max(0, s - 25) + qual_m.end(1)].lower().split()) \
                != written and fold(text) != text:
            qualifier = None  # "trao tặng 84 máy" is not "tăng 84"; an unaccented text is trusted
        try:
            if b_raw is not None:
                num = parse_number(a_raw)
                den = parse_number(b_raw)
                # "08/3" after "ngày", "4/2026" -> dates, not fractions.
                if (_DATE_BEFORE_RE.search(before_f) and num <= 31 and den <= 12) or (
                        1900 <= den <= 2100 and num <= 12 and "." not in b_raw and "," not in b_raw):
                    continue
                if percent:
                    # "22/57%" is unusual; keep as a fraction, measure %.
                    pass
                out.append(NumberMatch(s, e, text[s:e], num, "fraction", measure, e + mlen, qualifier,
                                       num, den))
                continue
            value = parse_number(a_raw, percent=percent, multiplier=mult != 1.0)
        except ValueError:
            continue
        if measure is None and mult == 1.0 and "." not in a_raw and "," not in a_raw and len(a_raw) == 4 \
                and 1990 <= value <= 2099 and not f[max(0, s - 3):s].strip().endswith(":"):
            continue  # a bare year
        alts = _alt_reading(a_raw, value)
        kind: NumberKind
        if percent:
            kind = "percent"
            end = e + mlen
        elif mult != 1.0 or measure == "đồng":
            kind = "money" if measure == "đồng" else "decimal"
            if mult != 1.0:
                alts = (*alts, value)
                value = value * mult
            end = e
        elif measure in DURATION_MEASURES:
            kind = "duration"
            end = e
        elif "." in a_raw or "," in a_raw:
            kind = "decimal" if value != int(value) else "count"
            end = e
        else:
            kind = "count"
            end = e
        out.append(NumberMatch(s, end, text[s:end], value, kind, measure, e + mlen, qualifier, None, None,
                               alts))
    for wm in _NUMBER_WORD_RE.finditer(text):
        measure, mlen, _ = measure_at(f[wm.end():wm.end() + 40])
        if measure is None or measure in DURATION_MEASURES or measure == "%":
            continue  # "ba trụ cột", "hai con số", "bảy năm": a number word counts a measure it names
        ws, we = wm.start(1), wm.end(1)
        if text[ws].isupper() and re.search(r"\w\s*$", text[max(0, ws - 3):ws]):
            continue  # "Nguyễn Văn Ba": capitalised inside a sentence, a name
        out.append(NumberMatch(ws, we, text[ws:we], float(_NUMBER_WORDS[wm.group(1).lower()]), "count", measure,
                               wm.end() + mlen, None))
        out.sort(key=lambda n: n.start)
    if zero_words:
        for zm in _ZERO_RE.finditer(text):
            zs, ze = zm.start(1), zm.end(1)
            out.append(NumberMatch(zs, ze, text[zs:ze], 0.0, "zero", None, ze, None))
        out.sort(key=lambda n: n.start)
    return out


# --------------------------------------------------------------------------- roman numerals
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_to_int(s: str) -> int | None:
    """Value of a roman numeral ("IV" -> 4, "xii" -> 12); None when `s` is not made of roman digits."""
    s = s.upper()
    if not s or any(c not in _ROMAN_VALUES for c in s):
        return None
    total = 0
    for i, c in enumerate(s):
        v = _ROMAN_VALUES[c]
        total += -v if i + 1 < len(s) and _ROMAN_VALUES[s[i + 1]] > v else v
    return total


# Any digit group, whatever it stands for ("2,955", "12.456", "05", "15/4/2026" gives three).
_DIGITS_RE = re.compile(r"\d+(?:[.,]\d+)*")


def number_keys(text: str) -> set[str]:
    """The digits of every digit group in a text, separators removed, leading zeros dropped: "2,955" and
    "2.955" -> "2955", "05" -> "5". Lenient on purpose (dates and codes count too): for checking that a
    figure of one text is written in another, whichever separator each uses."""
    return {re.sub(r"[.,]", "", m.group(0)).lstrip("0") or "0" for m in _DIGITS_RE.finditer(text)}


def numbers_in_text(text: str) -> list[float]:
    """All plausible numeric readings in answer prose (for scoring number answers).

    Includes each figure's value, its alternate readings, and fraction parts; skips dates,
    years, document numbers and citation markers like "[1]".
    """
    vals: list[float] = []
    for n in find_numbers(text):
        cands = [n.value, *n.alternates]
        if n.numerator is not None:
            cands.append(n.numerator)
        if n.denominator is not None:
            cands.append(n.denominator)
        for v in cands:
            if v not in vals:
                vals.append(v)
    return vals


def format_number(value: float, measure: str | None = None) -> str:
    """Vietnamese formatting: 12456 -> "12.456", 91.71 -> "91,71", 100 -> "100"."""
    if value == int(value):
        s = f"{int(value):,}".replace(",", ".")
    else:
        s = f"{value:,.2f}".rstrip("0").rstrip(".")
        intpart, _, frac = s.partition(".")
        s = intpart.replace(",", ".") + ("," + frac if frac else "")
    if measure == "%":
        return s + "%"
    return f"{s} {measure}" if measure else s
