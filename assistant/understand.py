"""Question understanding: follow-ups, units/province/period mentions, intent, expected answer type.

Everything here is rule-based over Vietnamese administrative phrasing and accent-insensitive
(`match_key`), so unaccented questions ("ty le so hoa ho so phuong Phuong Lieu") work the same.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from assistant.textutil import contains_phrase, match_key

if TYPE_CHECKING:
    from index.query import QueryAnalyzer, QueryFilters

log = logging.getLogger(__name__)

Intent = Literal["off_topic", "unknown_unit", "metadata", "aggregate", "text_aggregate", "list", "lookup"]
Expect = Literal["percent", "money", "rank", "count", "docnumber", "name", "duration", "text"]

# Vocabulary of the domain (keys are accent-folded). A question with none of these and no known
# unit is off-topic: the assistant only answers from digital-transformation reports.
DOMAIN_TERMS: tuple[str, ...] = tuple(match_key(t) for t in (
    "báo cáo", "chuyển đổi số", "cđs", "hồ sơ", "thủ tục", "tthc", "dịch vụ công", "dvc", "dvctt",
    "trực tuyến", "số hóa", "văn bản", "ký số", "phản ánh", "kiến nghị", "pakn", "đề xuất", "tỷ lệ", "tỉ lệ",
    "phường", "xã", "thị trấn", "ubnd", "ủy ban", "tỉnh", "nghị quyết", "công nghệ", "cntt", "khoa học",
    "đổi mới sáng tạo", "nhiệm vụ", "hạn chế", "khó khăn", "tồn tại", "giải pháp", "kinh phí", "giải ngân",
    "camera", "5g", "wifi", "internet", "vneid", "định danh", "thanh toán", "chữ ký số", "hạ tầng",
    "nền tảng", "dữ liệu", "csdl", "an toàn thông tin", "tập huấn", "kỹ năng số", "mô hình", "xếp hạng",
    "chỉ số", "điểm", "tổ dân phố", "tdp", "cán bộ", "công chức", "người ký", "ký báo cáo", "số hiệu",
    "công văn", "quyết định", "kế hoạch", "đơn vị", "địa phương", "sơ kết", "tổng kết", "quý", "tháng",
    "giải quyết", "tiếp nhận", "quá hạn", "đúng hạn", "nguồn nhân lực", "nhân lực", "phần mềm", "hệ thống",
    "cổng thông tin", "tin bài", "tuyên truyền", "bình dân học vụ số", "đề án 06", "mã qr", "không dùng tiền mặt",
))

# Ellipsis markers of a follow-up question ("Còn phường Phương Liễu thì sao?").
_FOLLOWUP_RE = re.compile(r"^(con|the con|vay con|va)\b|\bthi sao\b|\bthi the nao\b|\bra sao\b\??$")
_ANAPHORA_RE = re.compile(r"\b(phuong|xa|don vi|dia phuong|thi tran) (do|nay|tren)\b")
_SAME_PERIOD_RE = re.compile(r"\bcung (thoi gian|thoi diem|ky|giai doan|thoi ky)\b")

# Unit mentions: "phường Trí Quả", "xã Dương Hưu", "P. Trung Thành", "phuong Phuong Lieu".
_UNIT_MENTION_RE = re.compile(
    r"(?:\b(?:phường|xã|thị trấn|phuong|xa|thi tran)|\b[PpXx]\.)\s+"
    r"((?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){0,3})")

# Metadata questions about the report itself.
_METADATA_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("signer", ("ai ky", "nguoi ky", "ai la nguoi ky", "do ai ky", "chu ky cua ai")),
    ("report_number", ("so hieu bao cao", "bao cao so may", "so bao cao", "co so hieu", "so ky hieu bao cao")),
    ("references", ("cong van nao", "thuc hien cong van", "can cu cong van", "theo cong van", "can cu van ban nao",
                    "de thuc hien van ban nao", "lap de thuc hien")),
    ("duration", ("khoang thoi gian bao lau", "so ket cho", "bao lau", "so ket may nam", "thoi gian so ket")),
    ("period", ("ky bao cao nao", "bao cao ky nao", "bao cao thang nao", "bao cao quy nao", "ky bao cao la")),
    ("province", ("thuoc tinh nao", "tinh nao", "thuoc thanh pho nao")),
    ("date", ("ngay nao", "ngay bao cao", "ban hanh ngay")),
)

# List/summary topics and the section-title words that hold them (folded keys).
LIST_TOPICS: dict[str, tuple[str, ...]] = {
    "nguyen_nhan": ("nguyen nhan",),
    "han_che": ("han che", "ton tai", "kho khan", "vuong mac", "bat cap"),
    "de_xuat": ("de xuat", "kien nghi", "de nghi"),
    "nhiem_vu": ("nhiem vu", "phuong huong", "giai phap", "ke hoach"),
    "bai_hoc": ("bai hoc",),
    "mo_hinh": ("mo hinh",),
    "uu_diem": ("uu diem", "mat manh", "thuan loi"),
    "ket_qua": ("ket qua noi bat", "ket qua dat duoc", "ket qua"),
}
_BARE_TOPIC_RE = re.compile(r"^(nguyen nhan|han che|ton tai|kho khan|vuong mac|de xuat|kien nghi|phuong huong|"
                            r"nhiem vu|giai phap|bai hoc|uu diem)\b")
_LIST_CUES = ("nhung gi", "gom nhung", "nhung nao", "gi", "nao", "liet ke", "ke ten", "ra sao", "the nao")

# "Which units say X" questions that no indicator answers (text aggregates).
_WHICH_UNITS_RE = re.compile(
    r"\b(nhung|cac|co)?\s*(don vi|dia phuong|phuong|xa|bao cao)( xa| phuong)? nao\b")
_MENTION_VERBS = ("neu", "de cap", "noi", "bao cao ve", "co", "gap", "phan anh", "kien nghi", "de xuat")

# Expected answer type from the question words.
_EXPECT_RULES: tuple[tuple[Expect, tuple[str, ...]], ...] = (
    ("docnumber", ("so hieu", "so ky hieu", "quyet dinh so", "van ban so", "cong van so", "so may")),
    ("rank", ("xep hang", "thu may", "hang thu", "vi tri thu")),
    ("percent", ("ty le", "ti le", "phan tram", "%")),
    ("money", ("bao nhieu tien", "kinh phi", "giai ngan", "dong", "ngan sach", "von")),
    ("count", ("bao nhieu", "may ", "so luong", "tong so", "tong cong", "co may")),
    ("name", ("ai ", "ai?", "nguoi nao", "don vi nao", "voi ai", "goi cuoc nao", "voi don vi nao")),
)


@dataclass(slots=True)
class Understanding:
    question: str  # as asked
    effective: str  # after follow-up resolution (what is actually answered)
    key: str  # match_key(effective)
    intent: Intent
    units: list[str] = field(default_factory=list)  # canonical unit names found
    unknown_units: list[str] = field(default_factory=list)  # names after "phường/xã" not in the reports
    provinces: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    metadata_field: str | None = None
    list_topic: str | None = None
    expects: Expect = "text"
    followup_of: str | None = None
    filters: QueryFilters | None = None
    scope: frozenset[str] | None = None  # doc_ids allowed by the user's filters (None = all)


class QuestionUnderstander:
    """Turns a question (+ history) into an `Understanding`."""

    def __init__(self, query_analyzer: QueryAnalyzer) -> None:
        self.query_analyzer = query_analyzer

    def run(self, question: str, history: list[str] | None = None) -> Understanding:
        question = question.strip()
        effective, followup_of = self._resolve_followup(question, history or [])
        u = self._understand(effective)
        if followup_of is not None and _SAME_PERIOD_RE.search(match_key(question)) and not u.periods:
            prev = self._understand(followup_of)
            u.periods = prev.periods
        return replace(u, question=question, followup_of=followup_of)

    # -- follow-ups ---------------------------------------------------------------------------------
    def _resolve_followup(self, question: str, history: list[str]) -> tuple[str, str | None]:
        if not history:
            return question, None
        previous = history[-1]
        prev_eff, _ = self._resolve_followup(previous, history[:-1])
        key = match_key(question)
        prev_units = self._units(prev_eff)
        # "phường đó", "đơn vị này" -> the previous unit.
        if prev_units and _ANAPHORA_RE.search(key):
            unit = prev_units[0]
            return _ANAPHORA_SUB_RE.sub(unit, question, count=1), prev_eff
        own_units = self._units(question)
        elliptic = bool(_FOLLOWUP_RE.search(key)) or not self._has_topic(question)
        if not elliptic:
            if _SAME_PERIOD_RE.search(key):
                return question, prev_eff
            return question, None
        if own_units and prev_units:
            # Swap the previous unit(s) for the new one inside the previous question.
            return self._replace_unit(prev_eff, prev_units, own_units[0]), prev_eff
        if own_units:
            return f"{prev_eff.rstrip(' ?.')} của {own_units[0]}?", prev_eff
        # Same unit, new ellipsis ("còn tháng 5 thì sao?"): append the new words to the old question.
        return f"{prev_eff.rstrip(' ?.')} {question}", prev_eff

    def _has_topic(self, text: str) -> bool:
        """True when the text says what it asks about (more than a unit and question words)."""
        key = match_key(text)
        for unit in self._units(text):
            key = key.replace(match_key(unit), " ")
        key = re.sub(r"\b(phuong|xa|thi tran|con|thi sao|the nao|ra sao|nhu the nao|vay|a|nhi)\b", " ", key)
        return any(contains_phrase(key, t) for t in DOMAIN_TERMS)

    def _replace_unit(self, question: str, old_units: list[str], new_unit: str) -> str:
        for old in old_units:
            out = self.query_analyzer.replace_unit(question, old, new_unit)
            if out != question:
                return out
        # The previous unit was not found as written: replace the name after "phường/xã", else append.
        m = _UNIT_MENTION_RE.search(question)
        if m:
            return question[: m.start(1)] + new_unit + question[m.end(1):]
        return f"{question.rstrip(' ?.')} của {new_unit}?"

    def _units(self, text: str) -> list[str]:
        return list(self.query_analyzer.parse(text).units)

    # -- one question -------------------------------------------------------------------------------
    def _understand(self, text: str) -> Understanding:
        key = match_key(text)
        filters = self.query_analyzer.parse(text)
        units = list(filters.units)
        unknown = list(filters.unknown_units)
        base = Understanding(question=text, effective=text, key=key, intent="lookup", units=units,
                             unknown_units=unknown, provinces=list(filters.provinces),
                             periods=list(filters.periods), filters=filters)
        base.expects = _expectation(key)
        if not units and not any(contains_phrase(key, t) for t in DOMAIN_TERMS):
            base.intent = "off_topic"
            return base
        if unknown and not units:
            base.intent = "unknown_unit"
            return base
        if field_name := _metadata_field(key):
            base.metadata_field = field_name
            base.intent = "metadata"
            return base
        if not units and _WHICH_UNITS_RE.search(key):
            base.intent = "aggregate"  # the answerer falls back to text_aggregate when no indicator fits
            return base
        topic = _list_topic(key)
        if topic and base.expects in ("text", "name"):
            base.list_topic = topic
            base.intent = "list"
            return base
        return base



_ANAPHORA_SUB_RE = re.compile(r"\b(phường|xã|đơn vị|địa phương|thị trấn|phuong|xa|don vi|dia phuong) "
                              r"(đó|này|trên|do|nay|tren)\b", re.IGNORECASE)


def _metadata_field(key: str) -> str | None:
    for name, cues in _METADATA_PATTERNS:
        if any(contains_phrase(key, c) for c in cues):
            if name == "report_number" and "bao cao" not in key:
                return None  # "số hiệu" of another document: a lookup, not report metadata
            if name in ("province", "date", "period") and not any(
                    w in key for w in ("bao cao", "don vi", "phuong", "xa")):
                return None
            if name == "province" and re.search(r"\bnhung\b|\bcac\b|\bnao la\b", key):
                return None  # "những báo cáo nào thuộc tỉnh X" is an aggregate over reports
            return name
    return None


def _list_topic(key: str) -> str | None:
    # "Xã Dương Hưu kiến nghị những gì?", "Những khó khăn của phường Phù Liễn?", or a bare noun
    # phrase naming the section ("Phương hướng nhiệm vụ quý II của xã Dương Hưu?").
    cued = any(contains_phrase(key, c) for c in _LIST_CUES) or re.match(r"(nhung|cac) ", key) is not None
    if not cued and not _BARE_TOPIC_RE.match(key):
        return None
    for topic, words in LIST_TOPICS.items():
        if any(contains_phrase(key, w) for w in words):
            return topic
    return None


def _expectation(key: str) -> Expect:
    padded = f" {key} "
    for expect, cues in _EXPECT_RULES:
        if any(c in padded for c in cues):
            return expect
    # "Số DVCTT toàn trình của P. Trung Thành?": a question that starts with "số" asks for a count.
    if re.match(r"(so|tong so|so luong) ", key) and not key.startswith(("so hoa", "so hieu")):
        return "count"
    return "text"
