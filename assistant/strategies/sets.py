"""Questions over all reports: which units state X, reach a value, rank first; how many do.

Indicator conditions ("đạt 100% số hóa hồ sơ", "nhiều hồ sơ nhất") are answered from the
indicators table over every report (assistant/aggregate.py). Any other "which units ..." question
is a text aggregate: a unit belongs to the set only when one sentence of its report states the
asked fact — the attribute's heaviest word in that sentence and most of its weight there — never
because the report shares a few words with the question. The list is complete over the reports
read (every report up to `MENTION_FULL_SCAN_REPORTS`, beyond that every report the lexical index
finds for the question).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from assistant.matching import GENERIC_DF_SHARE, SlotPlan
from assistant.strategies.base import Context
from assistant.strategies.replies import abstain, answered, cite_sentence, quoted_sentence
from assistant.textutil import contains_phrase
from assistant.words import contains_word, folded_text, load_question_words, without_exclusions
from ingest.numbers import find_numbers
from ingest.text import fold

if TYPE_CHECKING:
    from assistant.models import Answer
    from assistant.understand import Understanding
    from ingest.models import Paragraph

log = logging.getLogger(__name__)

MENTION_MIN_SCORE = 0.6  # calibrated on the development sets' tune files
MENTION_FULL_SCAN_REPORTS = 200
MIN_SENTENCE_LETTERS = 8
_LETTERS_RE = re.compile(r"[^\W\d_]")
MENTION_CANDIDATES = 400
# Words that frame a difficulty question ("nêu khó khăn về ..."): dropped from the asked fact.
_DIFFICULTY_FRAMING = ("kho khan", "han che", "vuong mac", "ton tai", "bat cap", "diem nghen", "con han che",
                       "con kho khan", "yeu", "con yeu", "kem")
# Words that show a sentence states a difficulty (its section may say so instead).
# Written with their accents: folded, "yếu" is "yêu cầu", "cũ" is "căn cứ" / "cụ thể", "kém" is "kèm",
# "chậm" is "chăm sóc" (an unaccented report is matched folded).
_DIFFICULTY_WORDS = ("còn thiếu", "thiếu", "hạn chế", "khó khăn", "chưa", "yếu", "kém", "kiêm nhiệm", "bất cập",
                     "vướng mắc", "chậm", "không đáp ứng", "còn ít", "tồn tại", "điểm nghẽn", "chưa đồng đều",
                     "còn yếu", "còn hạn chế", "thấp", "cũ", "xuống cấp", "lạc hậu", "không đủ")
_DIFFICULTY_RE = re.compile(r"(?<!\w)(?:" + "|".join(sorted(_DIFFICULTY_WORDS, key=len, reverse=True)) + r")(?!\w)")
_DIFFICULTY_FOLDED = tuple(folded_text(w).strip() for w in _DIFFICULTY_WORDS)
_SET_FRAME = ("nhung don vi nao", "don vi nao", "dia phuong nao", "phuong nao", "xa nao", "bao cao nao",
              "nhung bao cao nao", "nhung phuong nao", "nhung xa nao", "cac don vi nao", "noi nao",
              "co bao nhieu don vi", "bao nhieu don vi", "bao nhieu phuong", "bao nhieu xa", "bao nhieu bao cao",
              "nhung dia phuong nao", "trong bo bao cao", "o dau co",
              "neu", "de cap", "nhac toi", "nhac den", "noi ve", "bao cao ve", "co noi dung", "co")
# "trong 5 báo cáo", "trong các báo cáo đã nạp": the collection, not the asked fact.
_FRAME_RE = re.compile(r"(?i)(?<!\w)(?:(?:trong|trên|của)\s+(?:\d+|các|những|tất cả)\s+"
                       r"(?:báo cáo|bao cao|đơn vị|don vi|bài viết|bai viet|bài báo|bai bao|bài|bai|tin|bản tin|ban tin)"
                       r"(?:\s+(?:đã nạp|da nap))?"
                       r"|(?:bài viết|bai viet|bài báo|bai bao)(?:\s+(?:về|ve|của|cua))?)")
# "phong trào “Bình dân học vụ số”", "mô hình “Chợ số”": the kind of a quoted name is part of the
# name's meaning, and a report that names it need not write the kind ("Lễ phát động “Bình dân học vụ số”").
_NAME_KIND_RE = re.compile(r"(?i)(?<!\w)(?:phong trào|mô hình|cuộc thi|chương trình|đề án|chiến dịch|dự án|"
                           r"nền tảng|ứng dụng|phần mềm|hệ thống|trang|kênh|app)\s+(?=[“\"«])")
_COUNT_UNITS_RE = re.compile(r"\b(?:co )?(?:bao nhieu|may) (?:don vi|dia phuong|phuong|xa|bao cao)\b")


class AggregateStrategy:
    """Indicator conditions over every report (the indicators table)."""

    name = "aggregate"

    def answer(self, u: Understanding, ctx: Context) -> Answer | None:
        agg = ctx.aggregator
        if agg is None or (u.units and len(u.units) == 1):
            return None
        if u.intent not in ("aggregate", "compare") and u.units:
            return None
        if u.scope is not None:
            agg = type(agg)(_ScopedStore(ctx.store, u.scope), taxonomy=agg.taxonomy)
        try:
            query = agg.match(u.effective)
            if query is None:
                return None
            ans = agg.answer(u.effective, query)
        except Exception:
            log.exception("aggregate answerer failed on %r", u.effective)
            return None
        if ans is not None:
            ans.intent = "aggregate"
        return ans


class TextAggregateStrategy:
    """"Which units state X": every report read, a unit listed with the sentence that states it."""

    name = "text_aggregate"

    def answer(self, u: Understanding, ctx: Context) -> Answer | None:
        if u.intent != "aggregate" and not (u.list_topic and not u.units):
            return None
        docs, _ = ctx.docs_for(u)
        words = load_question_words()
        # Topic words ("khó khăn", "kiến nghị") frame the question: the sentence or its section
        # must be of that topic; the rest of the question must be stated by the sentence itself.
        topics = [t for t, ws in words.list_topics.items() if any(contains_phrase(u.key, w) for w in ws)]
        framing = [w for t in topics for w in words.list_topics[t]]
        drop = [*_SET_FRAME, *framing]
        if "han_che" in topics:
            drop += list(_DIFFICULTY_FRAMING)
        text = _NAME_KIND_RE.sub(" ", _FRAME_RE.sub(" ", ctx.attribute_text(u, docs)))
        slots = ctx.matcher.slots(text, drop)
        if not slots:
            return None
        by_doc = self._paragraphs(u, ctx, docs)
        book = ctx.book()
        lines: list[str] = []
        topic_words = [folded_text(w).strip() for t in topics for w in words.list_topics[t]]
        needs = _asked_quantity(fold(text))
        fq = folded_text(u.effective)
        plans = bool(_PLAN_RE.search(fq) or _MENTION_RE.search(fq)) or "nhiem_vu" in topics
        required = _collocations(ctx, slots, docs, by_doc)
        plan = ctx.matcher.slot_plan(slots)
        for doc_id in docs:
            paragraphs = by_doc[doc_id] if by_doc is not None else ctx.doc(doc_id).paragraphs
            if not plans:  # a task planned for next month is not something the unit has done
                future = ctx.future_paths(doc_id)
                paragraphs = [p for p in paragraphs if not any(p.section_path[:len(f)] == f for f in future)]
            best = self._best_sentence(ctx, slots, paragraphs, topic_words, needs, topics, required, plan)
            if best is None:
                continue
            p, s, e = best
            n = cite_sentence(book, p, s, e)
            lines.append(f"- {ctx.unit_label(doc_id)}: {quoted_sentence(p, s, e)} [{n}]")
        counting = bool(_COUNT_UNITS_RE.search(u.key))
        if not lines:
            return abstain(u, f"Không báo cáo nào trong {len(docs)} báo cáo đã nạp nêu nội dung này." if len(docs) > 1
                           else "Báo cáo đã nạp không nêu nội dung này.")
        units = len({ln.split(":")[0] for ln in lines})
        head = (f"Có {units} đơn vị có nội dung này trong báo cáo:" if not counting else
                f"Có {units} đơn vị (trong {len(docs)} báo cáo đã nạp) có nội dung này:")
        return answered(u, "\n".join([head, *lines]), book, "text_aggregate")

    @staticmethod
    def _paragraphs(u: Understanding, ctx: Context, docs: list[str]) -> dict[str, list[Paragraph]] | None:
        if len(docs) <= MENTION_FULL_SCAN_REPORTS:
            return None
        # Large stores: read only the paragraphs the lexical index finds for the question.
        by_doc: dict[str, list[Paragraph]] = {d: [] for d in docs}
        for passage in ctx.retriever.retrieve(u.effective, MENTION_CANDIDATES, u.filters):
            for pid in passage.paragraph_ids:
                if passage.doc_id in by_doc and (p := ctx.store.get_paragraph(pid)) is not None:
                    by_doc[passage.doc_id].append(p)
        return by_doc

    @staticmethod
    def _best_sentence(ctx: Context, slots: list[list[Any]], paragraphs: list[Paragraph],
                       topic_words: list[str], needs: str | None,
                       topics: Sequence[str] = (),
                       required: Sequence[re.Pattern[str]] = (),
                       plan: Sequence[SlotPlan] | None = None) -> tuple[Paragraph, int, int] | None:
        best = None
        best_score = 0.0
        for p, s, e, folded in ctx.sentences(paragraphs, headings=True):
            if len(_LETTERS_RE.findall(p.text[s:e])) < MIN_SENTENCE_LETTERS:
                continue  # a numbering-only heading ("6.") states nothing
            if any(not rx.search(folded) for rx in required):
                continue  # "thôn thông minh" is a term of the reports: "thôn ... điện thoại thông minh" is not it
            if needs is not None and not _has_quantity(p.text[s:e], needs):
                continue  # "đơn vị nào báo cáo số thủ tục ...": the sentence must give the figure
            if topic_words:
                section = folded_text(" ".join(p.section_path))
                plain = folded
                for t in topics:  # "phản ánh, kiến nghị" of citizens is not a proposal
                    plain, section = without_exclusions(plain, t), without_exclusions(section, t)
                if not any(contains_word(plain, w) or contains_word(section, w) for w in topic_words) \
                        and not ("han_che" in topics and _states_difficulty(p, s, e, plain, section)):
                    continue
            score, aspect = ctx.matcher.states_slots(slots, folded, plan)
            if score < MENTION_MIN_SCORE or score <= best_score:
                continue
            if aspect is not None and _negated(folded, aspect):
                continue  # "không phát sinh hoạt động hợp tác quốc tế" states the opposite
            best, best_score = (p, s, e), score
        return best


COLLOCATION_MIN_DOCS = 2


def _states_difficulty(p: Paragraph, start: int, end: int, plain: str, section: str) -> bool:
    """Does the sentence (or its section) write a difficulty word ("còn thiếu", "chưa", "cũ")? With
    its accents when the report has them: folded, "yếu" is "yêu cầu", "cũ" is "căn cứ" / "cụ thể"."""
    text = unicodedata.normalize("NFC", f"{p.text[start:end]} {' '.join(p.section_path)}").lower()
    if fold(text) != text:
        return bool(_DIFFICULTY_RE.search(text))
    return any(contains_word(plain, w) or contains_word(section, w) for w in _DIFFICULTY_FOLDED)


def _collocations(ctx: Context, slots: list[list[Any]], docs: list[str],
                  by_doc: dict[str, list[Paragraph]] | None) -> list[re.Pattern[str]]:
    """A slot of two content words the question writes side by side and several reports write
    together ("thôn thông minh"; one word may come between) names a term of the reports: a sentence
    must write it so, not state the two words apart ("thôn ... điện thoại thông minh")."""
    out: list[re.Pattern[str]] = []
    for alts in slots:
        content = [t for t in alts[0].terms if t.content] if len(alts) == 1 else []
        if len(content) != 2:
            continue
        if any(ctx.matcher.weights.df(t.word) >= GENERIC_DF_SHARE * ctx.matcher.weights.n for t in content):
            continue  # "kỹ năng" + "số": a word most paragraphs use does not make a term ("kỹ năng ... công nghệ số")
        words = [t.word for t in content]
        if f" {' '.join(words)} " not in f" {' '.join(folded_text(alts[0].phrase).split())} ":
            continue  # written apart in the question too ("kỹ năng số của người dân")
        b = re.escape(words[1])
        pair = rf"{re.escape(words[0])}(?: [a-z]+)? {b}"
        written = re.compile(rf"(?<![a-z]){pair}(?![a-z])")
        # Once it is a term, the first word's other names state it too ("tổ công nghệ (số) cộng đồng"
        # is also written "tổ công nghệ cộng đồng").
        forms = sorted(x for x in content[0].alternatives if " " in x)
        pieces = [re.escape(f) if f.endswith(f" {words[1]}") else rf"{re.escape(f)}(?: [a-z]+)? {b}" for f in forms]
        rx = re.compile(rf"(?<![a-z])(?:{'|'.join([pair, *pieces])})(?![a-z])")
        seen = 0
        for d in docs:
            paragraphs = by_doc[d] if by_doc is not None else ctx.doc(d).paragraphs
            if any(written.search(folded_text(p.text)) for p in paragraphs):
                seen += 1
                if seen >= COLLOCATION_MIN_DOCS:
                    out.append(rx)
                    break
    return out


_QUANTITY_RE = re.compile(r"(?<![a-z])(?:so lieu|con so|so luong|ty le|ti le|cu the so|neu so|"
                          r"bao cao so(?! ket| hieu| hoa| ky hieu))(?![a-z])")


def _asked_quantity(folded: str) -> str | None:
    """ "percent" / "figure" when a "which units" question asks who states a quantity, else None."""
    m = _QUANTITY_RE.search(folded)
    if not m:
        return None
    return "percent" if m.group(0) in ("ty le", "ti le") else "figure"


def _has_quantity(sentence: str, needs: str) -> bool:
    nums = find_numbers(sentence)
    if needs == "percent":
        return any(n.kind == "percent" for n in nums)
    return any(n.kind in ("count", "percent", "fraction", "money", "decimal", "zero") for n in nums)


_PLAN_RE = re.compile(r" (?:ke hoach|du kien|se|dinh|du dinh|phan dau|muc tieu|nhiem vu|sap|thoi gian toi) ")
# "Đơn vị nào nhắc tới / đề cập ...": what a report says, its plans included, not what a unit has done.
_MENTION_RE = re.compile(r" (?:nhac (?:toi|den)|de cap|noi (?:toi|den|ve)|co noi dung) ")
_NEGATION_AFTER_RE = re.compile(r"\s*(?:[a-z0-9]+ ){0,3}(?:chua|khong|chang)(?: duoc)? "
                                r"(?:trien khai|thuc hien|ap dung|xay dung|van hanh|hoat dong|co|lap dat|ra mat)\b")
_NEGATION_BEFORE_RE = re.compile(r"(?:khong|chua|chang)(?: (?:co|phat sinh|trien khai|thuc hien|duoc|xay ra|dat|bi|de))? $")


def _negated(folded: str, aspect: Any) -> bool:
    """Is the aspect's heaviest word stated under a negation ("chưa có", "không phát sinh")?"""
    key = aspect.key
    if key is None:
        return False
    at = folded.find(f" {key.word} ")
    if at < 0:
        return False
    after = folded[at + len(key.word) + 1:at + len(key.word) + 60]
    # "không bị gián đoạn", and after the thing: "mô hình Chợ 4.0 chưa được triển khai"
    return bool(_NEGATION_BEFORE_RE.search(folded[max(0, at - 30):at + 1]) or _NEGATION_AFTER_RE.match(after))


class _ScopedStore:
    """The store seen through the user's filters: only the allowed reports exist."""

    def __init__(self, store: Any, doc_ids: frozenset[str]) -> None:
        self._store = store
        self._docs = doc_ids

    def list_reports(self) -> list[dict]:
        return [r for r in self._store.list_reports() if r["doc_id"] in self._docs]

    def query_indicators(self, key: str | None = None, unit: str | None = None,
                         doc_id: str | None = None) -> list:
        return [i for i in self._store.query_indicators(key=key, unit=unit, doc_id=doc_id) if i.doc_id in self._docs]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)
