"""What an aggregate question asks for (assistant/aggregate.py answers it).

`AggregateQuery` and the cues `AggregateAnswerer.match` reads it with: the question words (folded,
accent-insensitive), the units, provinces, unit types, periods, measure and operator a question
names, and the report filters a query implies (province, unit type, period, kind of report).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Literal

from index.query import spelled_as
from ingest.gazetteer import PROVINCE_ALIASES
from ingest.numbers import measure_at
from ingest.periods import period_bounds, period_overlaps
from ingest.text import fold

Kind = Literal["threshold", "extreme", "compare", "list", "sum", "average", "missing", "province", "unit_type",
               "period_kind",
               "period", "all_reports"]


@dataclass(slots=True)
class AggregateQuery:
    kind: Kind
    key: str | None = None
    measure: str | None = None  # measure the question is about ("%", "hồ sơ", ...)
    op: str | None = None  # ">=", ">", "<", "<=", "==", "max", "min"
    value: float | None = None
    count: bool = False  # "bao nhiêu đơn vị ..."
    order: str | None = None  # "desc" | "asc": list sorted by value ("xếp hạng các đơn vị theo ...")
    doc_ids: list[str] = field(default_factory=list)  # units named in the question (compare)
    provinces: list[str] = field(default_factory=list)
    unit_types: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)  # "2026-Q1", "2026-04", "2026" (report period inside)
    period_kind: str | None = None  # "month" | "quarter" | "half" | "review": the kind of report asked


# --------------------------------------------------------------------------- question cues
def _re(p: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])(?:" + p + r")(?![a-z0-9])")


_WHICH_RE = _re(r"(don vi|phuong|xa|bao cao|dia phuong|noi|dia ban|co so|thi tran)( \w+){0,2} nao|nao|o dau|noi dau")
_SET_RE = _re(r"(nhung|cac|tung|moi|tat ca( cac)?|toan bo) (don vi|phuong|xa|bao cao|dia phuong|thi tran)")
_COUNT_RE = _re(r"(bao nhieu|may|so luong) (don vi|phuong|xa|bao cao|dia phuong|thi tran)")
_COMPARE_RE = _re(r"so sanh|chenh lech|khac nhau|cao hon hay|thap hon hay")
_MAX_RE = _re(r"(nhieu|cao|lon|tot)( [a-z]+){0,7} (?<!thong )nhat|dan dau|dung dau")
_MIN_RE = _re(r"(it|thap|nho|kem)( [a-z]+){0,7} (?<!thong )nhat|cuoi bang|thap hon ca")
_POSITIVE_RE = _re(r"con|co|phat sinh|ton dong|de xay ra|bi")
_NEGATIVE_RE = _re(r"(khong|chua)( con| co| phat sinh| de| bi| xay ra)?")
_SUM_RE = _re(r"tong cong|cong lai|tong( so)?( [a-z]+){0,6} (cua )?(tat ca|cac don vi|toan bo|cac bao cao|ca [a-z]+ bao cao)")
_AVG_RE = _re(r"trung binh|binh quan")
_MISSING_RE = _re(r"(khong|chua|thieu)( [a-z]+){0,2} (neu|bao cao|co so lieu|de cap|cung cap)|khong co so lieu")
_ORDER_RE = _re(r"xep hang|sap xep|thu tu|tu (cao|lon|nhieu) (den|xuong) (thap|nho|it)|tu (thap|nho|it) (den|len) (cao|lon|nhieu)")
_ASC_RE = _re(r"tu (thap|nho|it) (den|len) (cao|lon|nhieu)")
_RATE_RE = _re(r"ty le|ti le|phan tram")
_QUANT_RE = _re(r"ty le|ti le|phan tram|bao nhieu|so luong|tong so|con so|so lieu|dat|muc|gia tri|chi so|diem|hang")
_TEXT_TOPIC_RE = _re(r"kho khan|han che|vuong mac|nguyen nhan|giai phap|de xuat|mo hinh|bai hoc|ton tai|"
                     r"nhiem vu trong tam|phuong huong|noi dung")
_OPS: list[tuple[re.Pattern[str], str]] = [
    (_re(r"tu( \S+){1,2} tro len|it nhat|toi thieu|khong (duoi|thap hon)"), ">="),
    (_re(r"khong (qua|vuot|hon)|toi da"), "<="),
    (_re(r"chua dat|khong dat|duoi|thap hon|nho hon|kem hon|chua toi|chua den|it hon"), "<"),
    (_re(r"tren|hon|vuot|cao hon|lon hon|nhieu hon"), ">"),
    (_re(r"bang|dung bang"), "=="),
]
_TYPE_WORDS = {"phuong": "phường", "xa": "xã", "thi tran": "thị trấn"}
# "báo cáo tháng", "báo cáo theo quý", "báo cáo 6 tháng", "báo cáo sơ kết": the kind of report.
_REPORT = r"bao cao(?: (?:theo|dinh ky|hang|cua|ket qua))?"
_PERIOD_KIND_RES = {
    "month": _re(_REPORT + r" thang(?! \d)(?! dau| cuoi)"),
    "quarter": _re(_REPORT + r" quy(?! (?:i|ii|iii|iv|[1-4])\b)"),
    "half": _re(_REPORT + r" (?:6|sau) thang(?: dau nam)?"),
    "review": _re(_REPORT + r" (?:so ket|tong ket)"),
}
_NOT_KIND_RE = re.compile(r"\(?\s*(?:khong phai|chu khong phai|khong tinh)[^)]*\)?")
_META_STOP = frozenset({  # words that may surround a metadata question
    "ban", "bao", "biet", "bo", "cac", "cao", "chi", "cho", "co", "cua", "da", "danh", "dia", "don",
    "du", "duoc", "gom", "hay", "he", "hien", "it", "ke", "khong", "ky", "la", "liet", "lieu", "luong",
    "may", "mot", "nao", "nap", "nay", "nhat", "nhieu", "nhung", "noi", "o", "phai", "pho", "phuong",
    "rieng", "sach", "so", "tai", "ten", "thanh", "thi", "thong", "thuoc", "tinh", "tp", "tran", "trong",
    "va", "ve", "vi", "xa", "bai", "viet", "tin",
})


# --------------------------------------------------------------------------- question readers
def reports_by_id(reports: list[dict]) -> dict[str, dict]:
    return {r["doc_id"]: r for r in reports}


_NAME_INDEX: dict[int, tuple[list[dict], dict[str, list[str]], dict[str, set[str]], int]] = {}


def _name_index(reports: list[dict]) -> tuple[dict[str, list[str]], dict[str, set[str]], int]:
    """Folded unit names -> doc_ids, their spellings, and the longest name in words; cached for the
    list object (the store caches `list_reports()` per generation, so this is built once per change)."""
    cached = _NAME_INDEX.get(id(reports))
    if cached is not None and cached[0] is reports:
        return cached[1:]
    index: dict[str, list[str]] = {}
    spellings: dict[str, set[str]] = {}
    longest = 1
    for r in reports:
        for n in {r.get("unit") or "", *(r.get("unit_variants") or [])}:
            key = " ".join(fold(n).split())
            if key:
                index.setdefault(key, []).append(r["doc_id"])
                spellings.setdefault(key, set()).add(n)
                longest = max(longest, key.count(" ") + 1)
    _NAME_INDEX.clear()  # one live list at a time
    _NAME_INDEX[id(reports)] = (reports, index, spellings, longest)
    return index, spellings, longest


def _named_docs(fq: str, reports: list[dict], question: str) -> list[str]:
    """doc_ids whose unit (or a typo variant of it) is named in the folded question, in order."""
    index, spellings, longest = _name_index(reports)
    matches = list(re.finditer(r"[a-z0-9]+", fq))
    words = [m.group(0) for m in matches]
    found: list[str] = []
    for i in range(len(words)):
        for n in range(min(longest, len(words) - i), 0, -1):
            key = " ".join(words[i:i + n])
            docs = index.get(key)
            if docs and n == 1 and (i == 0 or words[i - 1] not in ("phuong", "xa", "p", "tran", "x")):
                continue  # a one-syllable name ("An") counts only after "phường"/"xã"
            if docs and not spelled_as(question[matches[i].start():matches[i + n - 1].end()], spellings[key]):
                continue  # "tỷ lệ hồ sơ" is not the ward "Lê Hồ"
            if docs and i > 0 and (words[i - 1] == "tinh" or words[i - 2:i] == ["thanh", "pho"]):
                continue  # "thuộc tỉnh Lào Cai" names the province, not the ward "Lào Cai"
            if docs:
                found.extend(d for d in docs if d not in found)
                break
    return found


def _quantitative(question: str, fq: str) -> bool:
    """A quantity is asked ("tỷ lệ", "số liệu", "đạt ..."); "lắp đặt", "cài đặt" are not "đạt"."""
    m = _QUANT_RE.search(fq)
    while m is not None:
        if m.group(0) != "dat" or fold(question) == question.lower() or re.search(r"(?i)(?<!\w)đạt(?!\w)", question):
            return True
        m = _QUANT_RE.search(fq, m.end())
    return False


def _named_provinces(fq: str, reports: list[dict]) -> list[str]:
    """Provinces named in the folded question: those of the stored reports, and any post-2025
    province (or pre-merger name, mapped to its new province) written after "tỉnh"/"thành phố"."""
    provs = sorted({r["province"] for r in reports if r.get("province")}, key=len, reverse=True)
    out = [p for p in provs if re.search(r"(?<![a-z0-9])" + re.escape(fold(p)) + r"(?![a-z0-9])", fq)]
    spaced = " " + " ".join(re.sub(r"[^a-z0-9]+", " ", fq).split()) + " "
    for alias, canonical in PROVINCE_ALIASES.items():  # "TP.HCM", "TPHCM"
        if f" {alias} " in spaced and canonical not in out:
            out.append(canonical)
    try:
        from ingest.gazetteer import canonical_province
    except ImportError:  # pragma: no cover
        return out
    for m in re.finditer(r"(?<![a-z])(?:tinh|thanh pho|tp\.?)\s+([a-z]+(?: [a-z]+){0,3})", fq):
        words = m.group(1).split()
        for n in range(min(4, len(words)), 0, -1):
            try:
                canon = canonical_province(" ".join(words[:n]))
            except Exception:  # pragma: no cover - gazetteer data unreadable
                canon = None
            if canon:
                if canon not in out:
                    out.append(canon)
                break
    return out


def _named_types(fq: str) -> list[str]:
    types = [v for k, v in _TYPE_WORDS.items() if re.search(rf"(?<![a-z0-9]){k}(?![a-z0-9])", fq)]
    excluded = [v for k, v in _TYPE_WORDS.items()
                if re.search(rf"(khong phai|tru|ngoai|khong tinh|khong ke)( cac)? {k}(?![a-z0-9])", fq)]
    types = [t for t in types if t not in excluded]
    if not types and excluded:
        types = [v for v in _TYPE_WORDS.values() if v not in excluded]
    if set(types) >= {"phường", "xã"}:
        return []  # "phường, xã nào" = every unit
    return types


def _measure_hint(fq: str) -> str | None:
    if _RATE_RE.search(fq) or "%" in fq:
        return "%"
    m = re.search(r"(?<![a-z])(?:bao nhieu|nhieu|it) ((?:[a-z]+ ?){1,3})", fq)
    if m:
        meas, _, _ = measure_at(" " + m.group(1))
        if meas and meas not in ("ngày", "tháng", "năm", "quý"):
            return meas
    return None


def _op_before(fq: str, pos: int) -> str:
    window = fq[max(0, pos - 30):pos]
    for rx, op in _OPS:
        if rx.search(window):
            return op
    return ">="


# --------------------------------------------------------------------------- report filters
def period_kind(period: str | None) -> str | None:
    """ "2026-04" -> "month", "2026-Q1" -> "quarter", "2026-H1" -> "half", "2025-01..2026-06" -> "review"."""
    if not period:
        return None
    if ".." in period:
        return "review"
    if re.fullmatch(r"\d{4}-\d{2}", period):
        return "month"
    if re.fullmatch(r"\d{4}-Q[1-4]", period):
        return "quarter"
    if re.fullmatch(r"\d{4}-H[12]", period):
        return "half"
    return "year" if re.fullmatch(r"\d{4}", period) else None


def _keep(r: dict, q: AggregateQuery) -> bool:
    if q.period_kind and period_kind(r.get("period")) != q.period_kind:
        return False
    if q.provinces and r.get("province") not in q.provinces:
        return False
    if q.periods and not any(_within(r.get("period"), p) for p in q.periods):
        return False
    return not (q.unit_types and r.get("unit_type") not in q.unit_types)


@functools.lru_cache(maxsize=4096)
def _within(period: str | None, asked: str) -> bool:
    """The report's period lies inside the asked one ("2026-02" inside "2026-Q1")."""
    a, b = period_bounds(period), period_bounds(asked)
    if a is None or b is None:
        return period == asked
    return b[0] <= a[0] and a[1] <= b[1]


_PERIOD_WORD_RE = re.compile(r"\d+|i{1,3}|iv|quy|thang|dau|cuoi|nua|ky|nam")


def _named_periods(question: str) -> list[str]:
    try:
        from ingest.periods import parse_periods
    except ImportError:  # pragma: no cover - index package missing
        return []
    return parse_periods(question)


def _partial_period(reports: list[dict], q: AggregateQuery) -> list[dict]:
    """Reports left out by the period filter although their period overlaps the asked one."""
    if not q.periods:
        return []
    rest = AggregateQuery(q.kind, provinces=q.provinces, unit_types=q.unit_types)
    return [r for r in reports if _keep(r, rest) and not _keep(r, q)
            and any(period_overlaps(r.get("period"), p) for p in q.periods)]

