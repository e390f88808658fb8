"""Question understanding: follow-ups, subject (units, province, period), intent and answer type.

A question is understood once into an `Understanding`:

* the *subject*: units (accent-insensitive, typo variants of the reports), provinces, periods;
* the *intent*: off-topic, unknown unit, report metadata, an aggregate over all reports, a
  comparison of units, a multi-part question, or an answer about one subject;
* the *answer type*: who, when, where, document, rank, percent, money, count (of a named noun), why,
  list (difficulties, proposals, tasks ...), yes/no, summary, or descriptive text;
* the counted noun of "bao nhiêu <danh từ>" (its canonical measure), and the surface phrases that
  name the subject, so the answerer can find the *asked attribute* (assistant/matching.py).

The readers of the question's own words (courtesy, counted noun, metadata field, the text edits of
follow-ups) are in assistant/question_text.py.

Follow-ups ("Còn phường Phương Liễu thì sao?", "Còn trực tiếp?", "Còn Kế hoạch 128 thì ngày nào?")
are rewritten into standalone questions from the history: the new fragment replaces the slot of the
previous question it stands for (a unit, a period, a document, or the words of the previous question
that the fragment's words are an alternative to). Cue words live in ingest/question_words.toml.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from assistant.question_text import (
    PERIOD_MENTION_RE,
    WHEN_RE,
    counted_noun,
    metadata_field,
    replace_alternative,
    replace_period,
    split_cue,
    strip_courtesy,
    strip_followup_words,
    unglue_abbreviations,
    unit_phrase,
)
from assistant.textutil import contains_phrase, match_key
from assistant.words import load_question_words
from ingest.numbers import measure_at

if TYPE_CHECKING:
    from index.query import QueryAnalyzer, QueryFilters

log = logging.getLogger(__name__)

Intent = Literal["off_topic", "unknown_unit", "orphan_followup", "metadata", "aggregate", "text_aggregate", "list", "lookup",
                 "compare", "multipart", "summary"]
Expect = Literal["percent", "money", "rank", "count", "docnumber", "name", "duration", "text"]
AnswerType = Literal["summary", "who", "when", "where", "document", "rank", "percent", "money", "count",
                     "why", "yesno", "list", "text"]

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
    "chủ tịch", "bí thư", "ban chỉ đạo", "hội nghị", "dân số", "hộ gia đình", "hộ nghèo", "người dân",
    "ai", "trợ lý ảo", "zalo", "online", "số liệu", "kết quả", "chính quyền số", "công dân số", "gia đình số",
))

# Ellipsis markers of a follow-up question ("Còn phường Phương Liễu thì sao?").
_FOLLOWUP_RE = re.compile(r"^(con|the con|vay con|va|con ve|the)\b|\bthi sao\b|\bthi the nao\b|\bra sao\b\??$")
_ANAPHORA_RE = re.compile(r"\b(phuong|xa|don vi|dia phuong|thi tran) (do|nay|tren)\b")
_SAME_PERIOD_RE = re.compile(r"\bcung (thoi gian|thoi diem|ky|giai doan|thoi ky)\b|\bgiai doan (do|nay)\b|"
                             r"\bthoi gian (do|nay)\b|\bky (do|nay)\b")


# Unit mentions: "phường Trí Quả", "xã Dương Hưu", "P. Trung Thành", "phuong Phuong Lieu".
_UNIT_MENTION_RE = re.compile(
    r"(?:\b(?:phường|xã|thị trấn|phuong|xa|thi tran)|\b[PpXx]\.)\s+"
    r"((?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){0,3})")

# "Which units say X" questions (aggregates over all reports).
_WHICH_UNITS_RE = re.compile(
    r"\b(nhung|cac|co)?\s*(don vi|dia phuong|phuong|xa|bao cao|noi)( xa| phuong)?,?( \w+)? nao\b|"
    r"\b(co )?(?:bao nhieu|may) (don vi|dia phuong|phuong|xa|bao cao)\b|\bo dau co\b")
_MENTION_VERBS = ("neu", "de cap", "noi", "bao cao ve", "co", "gap", "phan anh", "kien nghi", "de xuat")
_COMPARE_RE = re.compile(r"\bso sanh\b|\bchenh lech\b|\bkhac nhau\b|\bcao hon hay\b|\bthap hon hay\b|"
                         r"\bnhieu hon hay\b|\bit hon hay\b")
# Clause separators of a multi-part question ("... bao nhiêu hồ sơ và đã giải quyết bao nhiêu?").
_PART_SPLIT_RE = re.compile(r"\s*(?:,\s*(?:và|va|còn|con|đồng thời|dong thoi)?|;|\s(?:và|va|đồng thời|dong thoi|"
                            r"cùng với|cung voi|còn|con)\s)\s*", re.IGNORECASE)
# Ambiguous folded cues that need their accented form when the question has accents.
_ACCENTED_CUES = {"may": ("mấy",), "ai": ("ai",), "dau": ("đâu",)}
# "Số thành viên ...?" opens with "số" (a count); "Sở KH&CN ...", "Sổ tay ..." fold the same way.
_OPENING_ACCENTS = {"so": ("số", "so")}
_EXPECT_BY_TYPE: dict[str, Expect] = {"percent": "percent", "money": "money", "rank": "rank", "count": "count",
                                      "document": "docnumber", "who": "name"}


@dataclass(slots=True)
class Understanding:
    question: str  # as asked
    effective: str  # after follow-up resolution (what is actually answered)
    key: str  # match_key(effective)
    intent: Intent
    answer_type: AnswerType = "text"
    units: list[str] = field(default_factory=list)  # canonical unit names found
    unknown_units: list[str] = field(default_factory=list)  # names after "phường/xã" not in the reports
    provinces: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    metadata_field: str | None = None
    list_topic: str | None = None
    expects: Expect = "text"
    measure: str | None = None  # canonical measure of the counted noun ("hồ sơ", "camera")
    noun_phrase: str | None = None  # the counted noun as written ("hộ gia đình")
    parts: list[Understanding] = field(default_factory=list)  # multi-part questions
    followup_of: str | None = None
    filters: QueryFilters | None = None
    scope: frozenset[str] | None = None  # doc_ids allowed by the user's filters (None = all)
    subject_phrases: list[str] = field(default_factory=list)  # unit/province/period spellings asked
    display: str | None = None  # an unaccented question with its accents restored, for answer sentences


# "<đầu> A hay B nhiều hơn / cao hơn ...": two alternatives compared; B's words tell how long A is.
_ALTERNATIVES_RE = re.compile(r"(?i)^(?P<head>.*?\S)\s+(?:hay|hoặc|hoac)\s+(?P<b>[^,;?]{2,40}?)\s+"
                              r"(?P<cmp>nhiều hơn|nhieu hon|ít hơn|it hon|cao hơn|cao hon|thấp hơn|thap hon|"
                              r"lớn hơn|lon hon)(?P<rest>[^?]*)\??\s*$")


def _alternative_parts(text: str) -> list[str]:
    """ "Ở X, hồ sơ nhận trực tuyến hay trực tiếp nhiều hơn, mỗi loại bao nhiêu?" -> the figure of each
    alternative: "Ở X, hồ sơ nhận trực tuyến bao nhiêu?", "Ở X, hồ sơ nhận trực tiếp bao nhiêu?"."""
    m = _ALTERNATIVES_RE.match(text.strip())
    if m is None:
        return []
    b = m.group("b").split()
    head = m.group("head").split()
    if len(head) <= len(b):
        return []
    stem, a = " ".join(head[:-len(b)]), " ".join(head[-len(b):])
    if len(stem.split()) < 2:
        return []
    return [f"{stem} {alt} bao nhiêu?" for alt in (a, " ".join(b))]


class QuestionUnderstander:
    """Turns a question (+ history) into an `Understanding`."""

    def __init__(self, query_analyzer: QueryAnalyzer) -> None:
        self.query_analyzer = query_analyzer
        self.words = load_question_words()

    def run(self, question: str, history: list[str] | None = None) -> Understanding:
        question = question.strip()
        asked = strip_courtesy(unglue_abbreviations(question))
        effective, followup_of = self._resolve_followup(
            asked, [strip_courtesy(unglue_abbreviations(h)) for h in history or []])
        u = self._understand(effective)
        if not history and _FOLLOWUP_RE.search(match_key(asked)) and not u.units and not u.provinces \
                and not self._is_standalone(strip_followup_words(asked)):
            u.intent = "orphan_followup"  # "Còn tháng trước thì sao?" with nothing before it
        if followup_of is not None and _SAME_PERIOD_RE.search(match_key(question)) and not u.periods:
            prev = self._understand(followup_of)
            u.periods = prev.periods
            if u.filters is not None:
                u.filters.periods = list(prev.periods)
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
        elliptic = bool(_FOLLOWUP_RE.search(key)) or not self._is_standalone(question)
        if not elliptic:
            same_period = _SAME_PERIOD_RE.search(key)
            if same_period or (prev_units and not own_units and not _WHICH_UNITS_RE.search(key)
                               and self._has_anaphora(key)):
                # "Giai đoạn đó còn bao nhiêu hồ sơ đang giải quyết?": the previous unit and dates.
                out = question
                when = [m.group(0).strip() for m in WHEN_RE.finditer(prev_eff)]
                if same_period and when:
                    out = _SAME_PERIOD_SUB_RE.sub(" ".join(when), out, count=1)
                if prev_units and not own_units:
                    out = f"{out.rstrip(' ?.')} của {prev_units[0]}?"
                return out, prev_eff
            return question, None
        fragment = strip_followup_words(question)
        if own_units and self.answer_type(fragment) != "text" and \
                (self._is_standalone(fragment) or counted_noun(fragment)[1]) and \
                len(match_key(self._without_units(fragment)).split()) >= 3:
            return fragment, prev_eff  # "Còn mỗi tổ ở xã Cẩm Thanh có mấy thành viên?" asks in full
        if own_units and prev_units:
            # Swap the previous unit(s) for the new one inside the previous question, then any other
            # slot the fragment changes.
            swapped = self._replace_unit(prev_eff, prev_units, own_units[0])
            rest = self._without_units(fragment)
            return (self._replace_slot(swapped, rest) if self._has_content(rest) else swapped), prev_eff
        if own_units:
            # After "Những phường nào đạt 100% số hóa hồ sơ?", "Còn phường X thì sao?" asks X's figure.
            core = _WHICH_FRAME_RE.sub("", prev_eff.rstrip(" ?.")).strip(" ,")
            return f"{core} của {own_units[0]}?", prev_eff
        return self._replace_slot(prev_eff, fragment), prev_eff

    def _replace_slot(self, previous: str, fragment: str) -> str:
        """The previous question with the slot the fragment stands for replaced by the fragment.

        Periods replace periods, a document ("Kế hoạch 128") replaces a document of the same kind,
        and otherwise the fragment's words replace the run of words of the previous question they
        are an alternative to: the run that starts with the same word ("Bộ Tư pháp" for "Bộ Tài
        chính", "trực tiếp" for "trực tuyến", "thủ tục một phần" for "thủ tục ... toàn trình") or,
        failing that, is the previous question's last attribute phrase. A fragment with a question
        word of its own ("thì ngày nào?") keeps it."""
        frag = fragment.strip(" ?.,")
        if not frag:
            return previous
        from ingest.periods import parse_periods

        prev_periods = parse_periods(previous)
        if parse_periods(frag) and prev_periods:
            return replace_period(previous, frag)
        if parse_periods(frag):
            return f"{previous.rstrip(' ?.')} {frag}?"
        # A question word in the fragment ("thì ngày nào", "bao nhiêu") replaces the previous one.
        frag_core, frag_cue = split_cue(frag, self.words)
        prev_core, prev_cue = split_cue(previous.rstrip(" ?."), self.words)
        cue = frag_cue or prev_cue
        if not frag_core:
            return f"{prev_core} {cue}?".strip()
        replaced = replace_alternative(prev_core, frag_core)
        if replaced is None:
            # "Còn camera thì sao?" after "... bao nhiêu điểm wifi miễn phí?": another counted noun.
            _, prev_noun = counted_noun(prev_core + " " + (prev_cue or ""))
            frag_measure, _, _ = measure_at(match_key(frag_core))
            if prev_noun and frag_measure and frag_measure != "%" and prev_noun in prev_core:
                replaced = prev_core.replace(prev_noun, frag_core, 1)
        if replaced is None and self._names_attribute(frag_core):
            # "Thế tỷ lệ thanh toán trực tuyến?": a whole new attribute for the same subject.
            units = self._units(previous)
            subject = " ".join(unit_phrase(previous, units, self.query_analyzer))
            when = " ".join(m.group(0).strip() for m in WHEN_RE.finditer(previous))
            replaced = " ".join(x for x in (frag_core, f"của {subject}" if subject else "", when) if x)
        if replaced is None:
            replaced = f"{prev_core} {frag_core}"
        return f"{replaced} {cue}?".replace("  ", " ").strip()

    def _names_attribute(self, fragment: str) -> bool:
        """A fragment that names what is measured by itself ("tỷ lệ thanh toán trực tuyến", "số hồ sơ
        quá hạn"), not only a modifier of the previous question's attribute ("trực tiếp")."""
        key = match_key(fragment)
        return bool(re.match(r"(ty le|ti le|so luong|so|tong so|kinh phi|muc|chi so|xep hang)\b", key)) \
            or len(key.split()) >= 4

    @staticmethod
    def _has_anaphora(key: str) -> bool:
        return bool(re.search(r"\b(do|nay|tren|ay|cung)\b", key))

    def _is_standalone(self, text: str) -> bool:
        """True when the text says what it asks about (more than a unit and question words)."""
        return self._has_content(self._without_units(text))

    def _has_content(self, text: str) -> bool:
        key = match_key(text)
        key = re.sub(r"\b(phuong|xa|thi tran|con|thi sao|the nao|ra sao|nhu the nao|vay|a|nhi)\b", " ", key)
        return any(contains_phrase(key, t) for t in DOMAIN_TERMS)

    def _without_units(self, text: str) -> str:
        out = text
        for unit in self._units(text):
            out = self.query_analyzer.replace_unit(out, unit, " ")
        return re.sub(r"(?i)\b(?:phường|xã|thị trấn|phuong|xa|thi tran)\s*(?=[\s?.,]|$)", " ", out)

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
    def understand_named(self, text: str, docs: frozenset[str]) -> Understanding:
        """A question with no unit and no domain word that names a person, village or body the
        reports mention ("Ông Phạm Văn Diện giữ chức vụ gì?"): understood, read in those reports."""
        u = self._understand(text, off_topic=False, mentioned=True)
        u.scope = docs
        for part in u.parts:
            part.scope = docs
        return u

    def _understand(self, text: str, split: bool = True, off_topic: bool = True,
                    mentioned: bool = False) -> Understanding:
        """`mentioned`: a unit name the store has no report of is a place the reports mention."""
        key = match_key(text)
        filters = self.query_analyzer.parse(text)
        units = list(filters.units)
        unknown = list(filters.unknown_units)
        base = Understanding(question=text, effective=text, key=key, intent="lookup", units=units,
                             unknown_units=unknown, provinces=list(filters.provinces),
                             periods=list(filters.periods), filters=filters)
        base.subject_phrases = self._subject_phrases(text, base)
        base.answer_type = self.answer_type(text, key)
        base.measure, base.noun_phrase = counted_noun(text)
        base.expects = _EXPECT_BY_TYPE.get(base.answer_type, "text")
        if off_topic and not units and not any(contains_phrase(key, t) for t in DOMAIN_TERMS):
            base.intent = "off_topic"
            return base
        if unknown and not units and not mentioned:
            base.intent = "unknown_unit"
            return base
        if base.answer_type == "summary":
            base.intent = "summary"
            return base
        if split and (parts := self._parts(text, base, off_topic, mentioned)):
            base.parts = parts
            base.intent = "multipart"
            return base
        if field_name := metadata_field(key, base.answer_type):
            base.metadata_field = field_name
            base.intent = "metadata"
            return base
        if not units and (_WHICH_UNITS_RE.search(key) or filters.aggregate):
            base.intent = "aggregate"  # the answerer falls back to text_aggregate when no indicator fits
            return base
        if len(units) > 1 or (_COMPARE_RE.search(key) and len(units) > 1):
            base.intent = "compare"
            return base
        topic = self.list_topic(key)
        if topic and base.answer_type in ("text", "why", "yesno", "who", "where") and \
                (base.answer_type != "who" or topic == "de_xuat"):
            base.list_topic = topic
            if base.answer_type != "yesno":
                base.answer_type = "list"
            base.intent = "list"
        return base

    def answer_type(self, text: str, key: str | None = None) -> AnswerType:
        key = key if key is not None else match_key(text)
        padded = f" {key} "
        accented = match_key(text) != text.lower().strip()
        lower = f" {text.lower()} "
        # A cue that opens the question ("Nguyên nhân ...", "Ngày ký ...") decides first.
        ordered = [(name, [rx for rx in cues if rx.pattern.startswith("^")]) for name, cues in self.words.answer_types]
        ordered += [(name, [rx for rx in cues if not rx.pattern.startswith("^")]) for name, cues in self.words.answer_types]
        for name, cues in ordered:
            for rx in cues:
                m = rx.search(padded)
                if not m:
                    continue
                word = m.group(0).strip()
                opening = word.split()[0] if rx.pattern.startswith("^") and word else ""
                if opening in _OPENING_ACCENTS and text.split()[:1] and \
                        text.split()[0].lower() not in _OPENING_ACCENTS[opening]:
                    continue
                if word in _ACCENTED_CUES:
                    # "máy móc" is not "mấy", "AI" (the technology) is not "ai" (who).
                    if word == "ai" and not re.search(r"(?<!\w)(?:ai|Ai)(?!\w)", text):
                        continue
                    if accented and word != "ai" and not any(f" {w}" in lower or f"{w} " in lower
                                                             for w in _ACCENTED_CUES[word]):
                        continue
                if name == "yesno" and not re.search(r"(?:khong|chua)\W*$", key):
                    continue
                return name  # type: ignore[return-value]
        return "text"

    def list_topic(self, key: str) -> str | None:
        # "Cơ quan nào chủ trì nhiệm vụ ...?" asks for a body, not for the list of tasks: when the
        # question word follows a noun, that noun must be the topic ("những khó khăn gì").
        m = re.search(r"(\w+) (\w+) (?:nao|gi)\b", key)
        if m and m.group(2) not in _LIST_WORD_BEFORE_CUE and not any(
                contains_phrase(f"{m.group(1)} {m.group(2)}", w) or m.group(2) == w.split()[-1]
                for ws in self.words.list_topics.values() for w in ws):
            return None
        cued = any(contains_phrase(key, c) for c in self.words.list_cues) or re.match(r"(nhung|cac) ", key) is not None
        bare = any(key.startswith(w) for words in self.words.list_topics.values() for w in words)
        if not cued and not bare:
            return None
        best: tuple[int, str] | None = None
        for topic, words in self.words.list_topics.items():
            for w in words:
                if contains_phrase(key, w) and (best is None or len(w) > best[0]):
                    best = (len(w), topic)
        return best[1] if best else None

    def _parts(self, text: str, whole: Understanding, off_topic: bool = True,
               mentioned: bool = False) -> list[Understanding]:
        """Clauses of a multi-part question, each with its own question word ("bao nhiêu ... và ...
        bao nhiêu", "ai ký và ký ngày nào"); each part keeps the whole question's subject."""
        alternatives = _alternative_parts(text) if len(whole.units) <= 1 else []  # units: CompareStrategy
        if alternatives:  # "hồ sơ nhận trực tuyến hay trực tiếp nhiều hơn?": both figures answer
            return [self._understand(t, split=False, off_topic=off_topic, mentioned=mentioned) for t in alternatives]
        pieces = [p for p in _PART_SPLIT_RE.split(text.strip().rstrip("?")) if p and p.strip()]
        if len(pieces) < 2:
            return []
        typed = [(p, self.answer_type(p)) for p in pieces]
        if sum(1 for _, t in typed if t not in ("text", "yesno")) < 2 and not (
                len(typed) >= 2 and all(t != "yesno" for _, t in typed) and
                sum(1 for p, _ in typed if re.search(r"\bnào\b|\bnao\b|\bgì\b|\bgi\b", p)) >= 2):
            return []
        # Merge pieces without a question word into a neighbour ("Bộ chỉ số phục vụ người dân, doanh
        # nghiệp" is one noun phrase, not two parts): into the piece before, or, at the start, the next.
        merged: list[tuple[str, str]] = []
        pending = ""
        for p, t in typed:
            has_cue = t != "text" or re.search(r"\bnào\b|\bnao\b|\bgì\b|\bgi\b", p)
            if not has_cue:
                if merged:
                    merged[-1] = (f"{merged[-1][0]}, {p}", merged[-1][1])
                else:
                    pending = f"{pending}, {p}" if pending else p
                continue
            merged.append((f"{pending}, {p}" if pending else p, t))
            pending = ""
        if len(merged) < 2:
            return []
        parts: list[Understanding] = []
        subject = " ".join(unit_phrase(text, whole.units, self.query_analyzer))
        prev_noun: str | None = None
        # Dates and periods of the question ("Từ 01/01 đến 06/6/2026", "Quý I/2026") hold for every part.
        when = [m.group(0).strip() for m in WHEN_RE.finditer(text)]
        lead = _PART_LEAD_RE.match(merged[0][0].strip())
        for i, (p, _) in enumerate(merged):
            part_text = p.strip()
            own_lead = _PART_LEAD_RE.match(part_text)
            if i and lead and lead.group(1).strip() and own_lead and not own_lead.group(1).strip():
                # "Thôn Đột Hạ có ... và bao nhiêu nhân khẩu", "kiến nghị X do ai ... và ai phối hợp"
                part_text = f"{lead.group(1).strip()} {part_text}"
            if whole.units and not self._units(part_text) and subject:
                part_text = f"{part_text} của {subject}"
            for w in when:
                if match_key(w) not in match_key(part_text):
                    part_text = f"{w} {part_text}"
            u = self._understand(part_text + "?", split=False, off_topic=off_topic, mentioned=mentioned)
            if u.measure is None and prev_noun and u.answer_type == "count":
                u.measure, u.noun_phrase = counted_noun(f"bao nhiêu {prev_noun}")
                u.effective = f"{u.effective.rstrip('?')} {prev_noun}?"
                u.key = match_key(u.effective)
            prev_noun = u.noun_phrase or prev_noun
            u.units = u.units or list(whole.units)
            u.periods = u.periods or list(whole.periods)
            parts.append(u)
        return parts

    def _subject_phrases(self, text: str, u: Understanding) -> list[str]:
        """Surface phrases of the question that name its subject (unit, province, period)."""
        out: list[str] = []
        out.extend(unit_phrase(text, u.units, self.query_analyzer))
        for prov in u.provinces:
            out.append(prov)
        for m in PERIOD_MENTION_RE.finditer(text):
            out.append(m.group(0).strip())
        return out


_WHICH_FRAME_RE = re.compile(
    r"(?i)^\s*(?:trong\s+(?:các|những)\s+báo cáo,?\s*)?(?:những|các)?\s*(?:phường|xã|đơn vị|địa phương|báo cáo|thị trấn)"
    r"(?:\s*,\s*(?:phường|xã))?\s+nào\s+(?:(?:có|đã|được|báo cáo|nêu|đạt)\s+)?")
_LIST_WORD_BEFORE_CUE = frozenset({"nhung", "cac", "la", "gom", "co", "nhu", "duoc", "ra", "neu", "viec", "noi", "dung"})
_SAME_PERIOD_SUB_RE = re.compile(r"(?i)(?:trong\s+)?(?:cùng\s+)?(?:giai đoạn|thời gian|thời điểm|kỳ|thời kỳ)\s+(?:đó|này|ấy)|"
                                 r"(?:trong\s+)?cùng\s+(?:giai đoạn|thời gian|thời điểm|kỳ|thời kỳ)")
# A part's subject: the words before its question word ("Thôn Đột Hạ có | bao nhiêu hộ").
_PART_LEAD_RE = re.compile(r"(?i)^(.*?)(?<!\w)(?:bao nhiêu|bao nhieu|mấy|là gì|là ai|ai|ngày nào|khi nào|năm nào)(?!\w)")
_ANAPHORA_SUB_RE = re.compile(r"\b(phường|xã|đơn vị|địa phương|thị trấn|phuong|xa|don vi|dia phuong) "
                              r"(đó|này|trên|do|nay|tren)\b", re.IGNORECASE)
