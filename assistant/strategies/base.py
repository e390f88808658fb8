"""What every answering strategy shares: the store snapshot, candidate reports, facts, matching.

A strategy answers one kind of question (assistant/strategies/__init__.py keeps the registry). It
gets an `Understanding` and a `Context` and returns an `Answer`, or None when the question is not
its kind. The context caches per store generation: report metadata, facts and paragraphs per report,
folded texts for label matching, and word weights. The reply helpers (`abstain`, `answered`,
`cite_sentence`, `missing_sentence`, `asked_phrase` ...) are in assistant/strategies/replies.py.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from assistant.compose import CitationBook, report_phrase
from assistant.matching import Attribute, Matcher, MatchResult
from assistant.models import Answer
from assistant.words import WordWeights, contains_word, folded_text, load_question_words
from index.query import narrow_by_period
from ingest.labels import unit_label
from ingest.periods import period_bounds, period_overlaps, period_phrase

if TYPE_CHECKING:
    from assistant.understand import Understanding
    from ingest.models import Fact, Paragraph

log = logging.getLogger(__name__)

TERM_SAMPLE_PARAGRAPHS = 20_000  # word weights are estimated on at most this many paragraphs
DOC_CACHE = 512  # reports whose facts and paragraphs are kept in memory
DENSE_CACHE = 256  # questions whose dense paragraph priors are kept
# With embeddings on, a candidate's rank gains up to this much from the question's dense similarity
# to its paragraph (rescaled 0..1 over the reports read); acceptance thresholds ignore it.
DENSE_RANK_WEIGHT = 0.1
TITLE_CHARS = 200  # a first line this short opens a news item as its title
KEY_VALUE_CHARS = 160  # a "Label: value" line this short leans on its section title


class Strategy(Protocol):
    name: str

    def answer(self, u: Understanding, ctx: Context) -> Answer | None: ...


@dataclass(slots=True)
class FactView:
    """A fact with the folded strings label matching reads, and its paragraph."""

    fact: Fact
    paragraph: Paragraph
    label: str  # folded label (+ the measure words)
    sentence: str  # folded sentence
    context: str  # folded paragraph, the paragraph before it and the section titles

    @property
    def sentence_text(self) -> str:
        return self.paragraph.text[self.fact.sentence_start:self.fact.sentence_end]


@dataclass(slots=True)
class DocData:
    paragraphs: list[Paragraph]
    by_id: dict[str, Paragraph]
    facts: list[FactView]
    contexts: dict[str, str] = field(default_factory=dict)
    title: str = ""
    future: list[tuple[str, ...]] | None = None  # sections about next tasks (Context.future_paths)


class Context:
    """Per-generation view of the store for the strategies."""

    def __init__(self, store: Any, retriever: Any, aggregator: Any, generation: int,
                 reports: dict[str, dict], unit_docs: dict[str, list[str]], dense: Any = None) -> None:
        self.store = store
        self.retriever = retriever
        self.aggregator = aggregator
        self.generation = generation
        self.reports = reports
        self.unit_docs = unit_docs
        self.dense = dense
        texts = store.sample_paragraph_texts(TERM_SAMPLE_PARAGRAPHS)
        self.weights = WordWeights(texts)
        self.matcher = Matcher(self.weights)
        self._docs: OrderedDict[str, DocData] = OrderedDict()
        self._dense_cache: OrderedDict[tuple[str, tuple[str, ...]], dict[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    # -- reports ----------------------------------------------------------------------------------
    def book(self) -> CitationBook:
        return CitationBook(self.reports)

    def report_phrase(self, doc_id: str) -> str:
        return report_phrase(self.reports.get(doc_id, {}))

    def unit_label(self, doc_id: str) -> str:
        meta = self.reports.get(doc_id, {})
        return unit_label(meta.get("unit"), meta.get("unit_type"))

    def docs_for(self, u: Understanding, all_if_none: bool = True) -> tuple[list[str], str | None]:
        """Candidate reports of the question and, when the asked period has no report of the asked
        unit, the Vietnamese sentence that says so (the caller abstains)."""
        docs: list[str] = []
        for unit in u.units:
            docs.extend(self.unit_docs.get(unit, []))
        if not docs and (all_if_none or not u.units):
            docs = list(self.reports)
            if u.provinces:
                docs = [d for d in docs if self.reports[d].get("province") in u.provinces]
        if u.scope is not None:
            docs = [d for d in docs if d in u.scope]
        if u.periods and docs:
            # A report of the period, or one with no period of its own (a news item) that names it.
            covering = [d for d in docs if any(period_overlaps(self.reports[d].get("period"), p)
                                               for p in u.periods)
                        or (not self.reports[d].get("period") and self._mentions_period(d, u))]
            if not covering and u.units:
                # A report may speak of another period ("Nhiệm vụ trọng tâm tháng 5" in the April
                # report): it is read when it names the asked period.
                covering = [d for d in docs if self._mentions_period(d, u)]
            if not covering and u.units:
                have = "; ".join(sorted({period_phrase(self.reports[d].get("period")) or "không rõ kỳ"
                                         for d in docs}))
                asked = ", ".join(period_phrase(p) or p for p in u.periods)
                names = ", ".join(self.unit_label(d) for d in dict.fromkeys(
                    self.unit_docs.get(u.units[0], docs)[:1]))
                return [], (f"Chưa có báo cáo của {names} cho {asked} trong dữ liệu đã nạp "
                            f"(báo cáo đã có: {have}), nên không trả lời được câu hỏi này.")
            if covering:
                dated = [d for d in covering if self.reports[d].get("period")]
                undated = [d for d in covering if not self.reports[d].get("period")]
                docs = narrow_by_period(dated, lambda d: self.reports[d].get("period"), u.periods) if dated else []
                if not u.units or not docs:  # news items that name the period join the reports of it
                    docs += undated
        elif len(docs) > 1 and u.units and u.intent != "aggregate":
            # A unit reports every month: without a period in the question, read its latest report.
            latest = max(_period_end(self.reports[d].get("period")) for d in docs)
            # News items without a period are about other things than the periodic report: kept.
            docs = [d for d in docs if _period_end(self.reports[d].get("period")) == latest
                    or not self.reports[d].get("period")]
        return docs, None

    def _mentions_period(self, doc_id: str, u: Understanding) -> bool:
        """The report speaks of the asked period somewhere ("quý II năm 2026" in a Q1 report's tasks)."""
        period = self.reports.get(doc_id, {}).get("period")
        codes: set[str] = set()
        for p in self.doc(doc_id).paragraphs:
            for m in _ANY_PERIOD_RE.finditer(p.text):
                code = _period_code(m, [period])
                if code:
                    codes.add(code)
            if period:
                continue
            # A news item of no period: "ngày 07/6/2022" is in 2022 and in June 2022.
            for m in _FULL_DATE_RE.finditer(p.text):
                codes.update((m.group(3), f"{m.group(3)}-{int(m.group(2)):02d}"))
        return any(p in codes for p in u.periods)

    def period_is_own(self, u: Understanding, docs: Sequence[str]) -> bool:
        """The asked period is the period of the reports read (it names the report, not a sentence)."""
        if not u.periods:
            return True
        periods = {self.reports[d].get("period") for d in docs if d in self.reports}
        return bool(periods) and periods <= set(u.periods)

    # -- documents ----------------------------------------------------------------------------------
    def doc(self, doc_id: str) -> DocData:
        with self._lock:
            data = self._docs.get(doc_id)
            if data is not None:
                self._docs.move_to_end(doc_id)
                return data
        paragraphs = self.store.get_paragraphs(doc_id)
        by_id = {p.id: p for p in paragraphs}
        title = self.doc_title(doc_id, paragraphs)
        data = DocData(paragraphs, by_id, [], title=title)
        for i, p in enumerate(paragraphs):
            prev = paragraphs[i - 1].text if i and paragraphs[i - 1].section_path == p.section_path else ""
            header = " ".join(p.header or ()) if p.kind == "table_row" else ""
            # The document's title frames every paragraph of a one-topic news item.
            data.contexts[p.id] = folded_text(" ".join([p.text, prev, " ".join(p.section_path), header, title]))
        leads = _lead_ins(paragraphs)
        for f in self.store.get_facts(doc_id):
            p = by_id.get(f.paragraph_id)
            if p is None:
                continue
            measure_words = p.text[f.start:f.end] if f.kind == "figure" else ""
            data.facts.append(FactView(f, p, folded_text(f"{f.label} {measure_words}"),
                                       folded_text(f"{p.text[f.sentence_start:f.sentence_end]} {_subject_of(p)} "
                                                   f"{leads.get(p.id, '')}"),
                                       data.contexts[p.id]))
        with self._lock:
            self._docs[doc_id] = data
            while len(self._docs) > DOC_CACHE:
                self._docs.popitem(last=False)
        return data

    def future_paths(self, doc_id: str) -> list[tuple[str, ...]]:
        """The report's sections about what comes next (cached per report)."""
        data = self.doc(doc_id)
        if data.future is None:
            data.future = future_sections(data.paragraphs)
        return data.future

    def doc_title(self, doc_id: str, paragraphs: Sequence[Paragraph]) -> str:
        """The report's title, or the first line of a document without sections (a news item)."""
        title = self.reports.get(doc_id, {}).get("title") or ""
        if title:
            return title
        if not paragraphs:
            return ""
        first = paragraphs[0]
        # A news item: its first line, before any heading (a byline in capitals may follow it).
        if first.kind == "text" and not first.section_path and len(first.text) <= TITLE_CHARS \
                and not first.text.isupper() and len({p.section_path for p in paragraphs} - {()}) <= 1:
            return first.text
        return ""

    def facts(self, docs: Sequence[str], kind: str | None = None, u: Understanding | None = None) -> list[FactView]:
        """Facts of the reports (of one kind); with `u`, only those in the part the question points
        to ("theo Phụ lục IV", "tại mục II") when the report has such a part."""
        out: list[FactView] = []
        for d in docs:
            out.extend(v for v in self.doc(d).facts if kind is None or v.fact.kind == kind)
        if u is not None:
            located = [v for v in out if self.locate(u, v.paragraph)]
            if located:
                return located
        return out

    @staticmethod
    def locate(u: Understanding, p: Paragraph) -> bool:
        """Is the paragraph inside the part of the report the question names ("Phụ lục IV")?"""
        locators = [folded_text(m.group("what")).strip() for m in LOCATOR_RE.finditer(u.effective)]
        if not locators:
            return False
        path = folded_text(" ".join(p.section_path))
        return any(f" {loc} " in path for loc in locators)

    def paragraphs(self, docs: Sequence[str]) -> list[Paragraph]:
        out: list[Paragraph] = []
        for d in docs:
            out.extend(self.doc(d).paragraphs)
        return out

    def context_of(self, p: Paragraph) -> str:
        return self.doc(p.doc_id).contexts.get(p.id) or folded_text(p.text)

    # -- attributes -----------------------------------------------------------------------------------
    def attribute(self, u: Understanding, docs: Sequence[str], extra_drop: Sequence[str] = (),
                  keep_type_words: bool = True) -> Attribute:
        """The asked attribute: the question without its subject (unit, province and, when it is the
        period of the reports read, the period) and question words."""
        attr = self.matcher.attribute(self.attribute_text(u, docs), extra_drop, keep_type_words=keep_type_words)
        if u.answer_type == "count" and u.noun_phrase:
            # "bao nhiêu giải khuyến khích": every word of the counted noun names what is counted,
            # whatever its part of speech ("khuyến khích" is also a verb).
            noun = folded_text(u.noun_phrase)
            particles = self.matcher.words.count_particles
            terms = [t for t in attr.terms if contains_word(noun, t.word) and t.word not in particles]
            top = max((t.weight for t in terms), default=0.0)
            attr = Attribute(tuple(replace(t, content=True, weight=max(t.weight, top)) if t in terms and not t.content
                                   else t for t in attr.terms), attr.phrase)
        return attr

    def attribute_text(self, u: Understanding, docs: Sequence[str]) -> str:
        """The question without its subject (units, provinces, the period of the reports read) and
        without its locator ("theo Phụ lục IV": where to read, see `locate`)."""
        from assistant.words import text_for_segmenting

        drop = [*u.units, *u.provinces, *(m.group(0) for m in LOCATOR_RE.finditer(u.effective))]
        drop += [s for s in u.subject_phrases if not _PERIOD_WORD_RE.search(s)]
        for unit in u.units:
            drop.extend(self._unit_spellings(unit))
        drop += self.own_period_phrases(u.effective, docs)
        return text_for_segmenting(u.effective, drop)

    def own_period_phrases(self, text: str, docs: Sequence[str]) -> list[str]:
        """Period phrases of the question that only repeat the period of the reports read ("tháng 4"
        when reading the April report): they name the report, not a sentence. A period inside a
        longer report ("năm 2025" in a 2025-2026 review) stays a word to match."""
        periods = [self.reports[d].get("period") for d in docs if d in self.reports]
        out = []
        for m in _ANY_PERIOD_RE.finditer(text):
            phrase = m.group(0)
            code = _period_code(m, periods)
            if code is not None and periods and all(p == code for p in periods):
                out.append(phrase)
        return out

    def _unit_spellings(self, unit: str) -> list[str]:
        out = []
        for d in self.unit_docs.get(unit, []):
            out.extend(self.reports[d].get("unit_variants") or [])
        return out

    def sentences(self, paragraphs: Sequence[Paragraph],
                  headings: bool = False) -> list[tuple[Paragraph, int, int, str]]:
        """(paragraph, start, end, folded sentence) of every sentence (headings only when asked)."""
        from ingest.text import sentence_spans

        out = []
        seen: dict[str, list[tuple[str, str]]] = {}  # doc -> (sentence, folded) so far: referents of "... này"
        for p in paragraphs:
            if p.kind == "heading" and not headings:
                continue
            subject = _subject_of(p)
            prev = ""
            earlier = seen.setdefault(p.doc_id, [])
            for s in sentence_spans(p.text):
                # "Việc triển khai nhằm ...", "Qua đó, ...": the sentence before is its subject;
                # "Thiết bị này ...", "Trong chiến dịch này, ...": so is the first one naming it.
                lead = prev if _ANAPHORIC_RE.match(s.text) else ""
                this = _THIS_RE.match(s.text)
                if this is not None and not lead:
                    noun = f" {folded_text(this.group(1)).strip()} "
                    named = next((t for t, ft in earlier if noun in ft and f"{noun}nay " not in ft), "")
                    lead = f"{named} {prev}" if named != prev else prev
                out.append((p, s.start, s.end, folded_text(f"{s.text} {subject} {lead}")))
                prev = s.text
                earlier.append((s.text, folded_text(s.text)))
        return out

    def nearest(self, attr: Attribute, paragraphs: Sequence[Paragraph],
                min_score: float = 0.35, question: str = "") -> tuple[Paragraph, int, int, MatchResult] | None:
        """The sentence that covers the attribute best (for an abstention's "nearby" passage); with
        embeddings on, the question's dense similarity breaks near-ties."""
        prior = self.dense_prior(question, list(dict.fromkeys(p.doc_id for p in paragraphs))) if question else {}
        best = None
        best_rank = -1.0
        for p, s, e, folded in self.sentences(paragraphs):
            m = self.matcher.score(attr, folded, folded, self.context_of(p))
            rank = m.score + DENSE_RANK_WEIGHT * prior.get(p.id, 0.0)
            if m.score >= min_score and rank > best_rank:
                best, best_rank = (p, s, e, m), rank
        return best

    def dense_prior(self, question: str, docs: Sequence[str]) -> dict[str, float]:
        """Paragraph id -> the question's dense similarity to it, rescaled to 0..1 over the
        paragraphs of `docs` (empty when embeddings are off). A ranking signal only: whether a
        sentence states the asked attribute is decided by label matching, never by this."""
        key = (question, tuple(docs))
        with self._lock:
            hit = self._dense_cache.get(key)
            if hit is not None:
                return hit
        scorer = getattr(self.retriever, "dense_paragraph_scores", None)
        sims: dict[str, float] = {}
        if scorer is not None and question and docs:
            try:
                sims = scorer(question, list(docs))
            except Exception as exc:  # a down embedding server must not cost the answer
                log.warning("dense paragraph scores failed: %s", exc)
        out: dict[str, float] = {}
        if sims:
            lo, hi = min(sims.values()), max(sims.values())
            span = hi - lo
            out = {pid: (v - lo) / span if span > 1e-9 else 0.0 for pid, v in sims.items()}
        with self._lock:
            self._dense_cache[key] = out
            while len(self._dense_cache) > DENSE_CACHE:
                self._dense_cache.popitem(last=False)
        return out


WHOLE_REPORT_SHARE = 0.6  # a section holding this share of the paragraphs is the report itself


def future_sections(paragraphs: list[Paragraph]) -> list[tuple[str, ...]]:
    """Sections about what comes next ("IV. Nhiệm vụ trọng tâm tháng 6", "Phương hướng thời gian
    tới"): a title with a word of the tasks topic and a word of the future (the outermost ones)."""
    words = load_question_words()
    tasks = words.list_topics.get("nhiem_vu", ())
    out: list[tuple[str, ...]] = []
    for p in paragraphs:
        if p.kind != "heading" or not p.section_path or p.section_path in out:
            continue
        inside = sum(1 for q in paragraphs if q.section_path[:len(p.section_path)] == p.section_path)
        if inside > WHOLE_REPORT_SHARE * len(paragraphs):
            continue  # the report's own title heading ("Kết quả ... tháng 5, phương hướng tháng 6")
        title = f" {folded_text(p.section_path[-1]).strip()} "
        if " ket qua " in title or " tinh hinh " in title:
            continue  # "Kết quả thực hiện nhiệm vụ tháng 5": the tasks done
        if any(f" {w} " in title for w in tasks) and any(f" {w} " in title for w in words.summary_future_words) \
                and not any(p.section_path[:len(o)] == o for o in out):
            out.append(p.section_path)
    return out


_PERIOD_PREFIX_RE = re.compile(r"(?i)^(?:trong|vào|vao)\s+")
_PERIOD_WORD_RE = re.compile(r"(?i)\b(?:tháng|thang|quý|quy|năm|nam)\b")
_ANY_PERIOD_RE = re.compile(
    r"(?i)(?<!\w)(?:(?:kỳ|ky)\s+)?(?P<h>(?:6|sáu|sau)\s+(?:tháng|thang)(?:\s+(?:đầu|dau))?|(?:nửa|nua)\s+(?:đầu|dau))"
    r"\s+(?:năm|nam)\s+(?P<hy>\d{4})(?!\w)|"
    r"(?<!\w)(?:(?:kỳ|ky)\s+)?(?:(?:tháng|thang)\s+(?P<m>\d{1,2})|(?:quý|quy)\s+(?P<q>[IVX]{1,3}|[1-4]))"
    r"(?:\s*/\s*|\s+(?:năm|nam)\s+)?(?P<y>\d{4})?(?!\w)|(?<!\w)(?:năm|nam)\s+(?P<y2>\d{4})(?!\w)")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_FULL_DATE_RE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})(?!\d)")


def _period_code(m: re.Match[str], periods: Sequence[str | None]) -> str | None:
    """The period code of a mention, the year taken from the reports when the mention has none."""
    years = {p[:4] for p in periods if p}
    if m.group("h"):
        return f"{m.group('hy')}-H1"
    year = m.group("y") or m.group("y2") or (next(iter(years)) if len(years) == 1 else None)
    if year is None:
        return None
    if m.group("m"):
        return f"{year}-{int(m.group('m')):02d}"
    if m.group("q"):
        q = m.group("q").lower()
        return f"{year}-Q{_ROMAN.get(q, q)}"
    return year


# "Theo Phụ lục IV", "tại mục II", "phần 3 của báo cáo": a part of the report, not an attribute.
LOCATOR_RE = re.compile(r"(?i)(?:(?:theo|tại|trong|ở|ghi trong)\s+)?(?P<what>(?:phụ lục|phu luc|mục|muc|phần|phan)\s+"
                         r"(?:[IVX]{1,4}|\d{1,2}))\b(?:\s+(?:của\s+)?(?:báo cáo|bao cao))?")
_ANAPHORIC_RE = re.compile(r"(?i)^\W*(?:việc (?:triển khai|này|lắp đặt|thực hiện|ứng dụng)|điều này|qua đó|nhờ đó|từ đó|"
                           r"theo đó|mô hình (?:này|giúp|góp phần|tạo)|hoạt động này|kết quả (?:này|là)|các mô hình này)\b")
# "Trong chiến dịch này, ...", "Thiết bị này chủ động ...": a noun taken up by "này" near the start.
_THIS_RE = re.compile(r"(?i)^\W*(?:[^\W\d_]+\s+){0,2}?([^\W\d_]+(?:\s+[^\W\d_]+)?)\s+này\b")
_KEY_VALUE_RE = re.compile(r"^\W*[^:.;]{2,40}:\s*\S")


_LIST_ITEM_RE = re.compile(r"^\s*(?:[-+•*–]|[a-zđ]\)|\d{1,2}[.)])\s*")
LEAD_IN_ITEMS = 12  # a lead-in frames at most this many items after it


def _lead_ins(paragraphs: Sequence[Paragraph]) -> dict[str, str]:
    """List items and the sentence that introduces them ("... tổng số: 322 hồ sơ, trong đó:" then
    "+ Số hồ sơ trực tuyến: 240 hồ sơ; tỷ lệ đạt: 74.53%"): the item continues the lead-in's
    sentence, so the lead-in's words belong to the item's sentence."""
    out: dict[str, str] = {}
    lead, lead_marker, lead_section, items = "", "", None, 0
    for p in paragraphs:
        text = p.text.strip()
        m = _LIST_ITEM_RE.match(text)
        marker = text[:1] if m else ""
        if (lead and m and p.section_path == lead_section and items < LEAD_IN_ITEMS
                and marker != lead_marker):  # "- lead:" then "+ item"; the next "- " is the lead's sibling
            out[p.id] = lead
            items += 1
            continue
        lead, items = "", 0
        if text.endswith(":") and p.kind != "table_row":
            lead, lead_marker, lead_section = sentence_spans_last(text), marker, p.section_path
    return out


def sentence_spans_last(text: str) -> str:
    """The last sentence of a paragraph (the one that ends with the colon)."""
    from ingest.text import sentence_spans

    spans = sentence_spans(text)
    return text[spans[-1].start:spans[-1].end] if spans else text


def _subject_of(p: Paragraph) -> str:
    """A short "Label: value" line ("Cơ quan chủ trì: Phòng Văn hóa - Xã hội.") takes its subject from
    its section title: the title is read as part of the sentence."""
    if p.section_path and len(p.text) <= KEY_VALUE_CHARS and _KEY_VALUE_RE.match(p.text):
        return p.section_path[-1]
    return ""


def _period_end(period: str | None) -> str:
    bounds = period_bounds(period)
    return bounds[1] if bounds else ""
