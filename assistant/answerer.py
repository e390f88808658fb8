"""The answerer: understand -> (indicators table | section lists | ranked sentences) -> compose -> verify.

Default answers are extractive: every claim is a sentence of a report, quoted, with [n] pointing at
the paragraph that holds it. With an LLM configured, the LLM rewrites from the same numbered
passages and `verify` checks its output; on any failure the extractive answer is returned.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from assistant.compose import CitationBook, quote, report_phrase, topic_of
from assistant.models import Answer, Citation
from assistant.ranker import ScoredSentence, SentenceRanker, TermWeights
from assistant.sanitize import QuestionTooLong, clean_history, clean_question, too_long_answer
from assistant.textutil import contains_phrase, match_key, period_phrase, unit_label
from assistant.understand import LIST_TOPICS, QuestionUnderstander, Understanding
from assistant.verify import verify_answer
from index.query import narrow_by_period
from ingest.numbers import fold, numbers_in_text
from ingest.parser import period_bounds

if TYPE_CHECKING:
    from assistant.llm import LLMComposer
    from index.query import QueryAnalyzer, QueryFilters
    from ingest.models import Paragraph

log = logging.getLogger(__name__)

# Minimum score of the best sentence for a lookup answer; below it the reports do not say it.
LOOKUP_MIN_SCORE = 0.42
# A sentence must cover at least this share of the question's weighted terms by itself.
LOOKUP_MIN_COVERAGE = 0.3
# Text aggregates ("which units mention X"): a report is included when its best sentence covers this.
MENTION_MIN_COVERAGE = 0.45
MENTION_FULL_SCAN_REPORTS = 200  # up to this many reports, every paragraph is read
MENTION_CANDIDATES = 400  # beyond it, the chunks the lexical index returns for the question
MAX_LIST_ITEMS = 12
LIST_MIN_COVERAGE = 0.5  # share of the question's terms a list section's text must contain
MAX_TEXT_SENTENCES = 3
MAX_TEXT_SENTENCES_PLURAL = 5  # "những mô hình nào": several items are expected
_PLURAL_RE = re.compile(r"\b(nhung|cac)\b.*\bnao\b|\bnhung gi\b")
MAX_QUOTED_PARAGRAPH = 600  # characters; longer paragraphs are quoted by sentence
TERM_SAMPLE_PARAGRAPHS = 20_000  # IDF is estimated on at most this many paragraphs
RETRIEVE_K = 12
INDICATOR_BONUS = 0.25
ON_TOPIC_CANDIDATES = 15  # best sentences checked for the question's indicator label  # a sentence holding a figure of the question's indicator
PLAN_QUALIFIER = "kế hoạch"  # figures of plans and targets, not results
# Closing formulas and distribution lists at the end of a report are never list items.
_CLOSING_RE = re.compile(r"^\s*(?:Trên đây là|Nơi nhận|Lưu:|Lưu VT)", re.IGNORECASE)
_DIFFICULTY_WORDS = tuple(match_key(w) for w in (
    "còn thiếu", "thiếu", "hạn chế", "khó khăn", "chưa", "yếu", "kiêm nhiệm", "bất cập", "vướng mắc",
    "chậm", "không đáp ứng", "còn ít"))


@dataclass(slots=True)
class _Snapshot:
    generation: int
    reports: dict[str, dict]  # doc_id -> metadata
    unit_docs: dict[str, list[str]]  # canonical unit -> doc_ids
    ranker: SentenceRanker


class Answerer:
    """Answers one question (with optional history) from the store."""

    def __init__(self, store: Any, retriever: Any, query_analyzer: QueryAnalyzer,
                 aggregator: Any | None = None,
                 llm: LLMComposer | None = None, use_indicators: bool = True) -> None:
        self.store = store
        self.retriever = retriever
        self.query_analyzer = query_analyzer
        self.aggregator = aggregator
        self.llm = llm
        self.use_indicators = use_indicators
        self.understander = QuestionUnderstander(query_analyzer)
        self._snapshot: _Snapshot | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_services(cls, services: Any, use_indicators: bool = True) -> Answerer:
        """Wire an answerer from `assistant.services.Services`."""
        aggregator = None
        try:
            from assistant.aggregate import AggregateAnswerer

            aggregator = AggregateAnswerer(services.store)
        except ImportError:  # pragma: no cover - indicators module missing
            log.warning("indicators module unavailable: aggregate questions use text search only")
        llm = None
        if services.settings.llm.base_url:
            from assistant.llm import LLMComposer

            llm = LLMComposer(services.settings.llm)
        return cls(services.store, services.retriever, services.query_analyzer,
                   aggregator=aggregator, llm=llm, use_indicators=use_indicators)

    # -- public -----------------------------------------------------------------------------------
    def ask(self, question: str, history: Sequence[str] | None = None,
            filters: QueryFilters | None = None) -> Answer:
        t0 = time.perf_counter()
        try:  # at the door: NFC, no control characters, bounded size (assistant/sanitize.py)
            question, history = clean_question(question), clean_history(history)
        except QuestionTooLong as exc:
            return too_long_answer(question, exc, t0)
        snap = self._refresh()
        u = self.understander.run(question, list(history or []))
        _apply_ui_filters(u, filters)
        t1 = time.perf_counter()
        answer = self._dispatch(u, snap)
        answer.question = question
        answer.intent = answer.intent or u.intent
        answer.retrieval = self._retrieval_mode()
        t2 = time.perf_counter()
        if self.llm is not None and not answer.abstained and answer.citations:
            answer = self._with_llm(answer, u)
        framing = " ".join([*(report_phrase(snap.reports[c.doc_id]) for c in answer.citations
                              if c.doc_id in snap.reports), *(c.section for c in answer.citations)])
        if answer.intent == "aggregate":
            framing += " " + u.effective  # the condition repeated from the question ("đạt 100%")
        # The "Lưu ý:" note names reports that do not answer (with their periods): not a claim.
        claims = answer.answer.split("\nLưu ý:", 1)[0]
        problems = [] if answer.abstained else verify_answer(claims, answer.citations,
                                                             allowed_text=framing + _count_words(claims))
        if problems:  # extractive answers quote their passages, so this is a bug if it happens
            log.warning("extractive answer failed verification: %s", problems)
        answer.timings_ms = {"understand": (t1 - t0) * 1000, "answer": (t2 - t1) * 1000,
                             "total": (time.perf_counter() - t0) * 1000}
        if self._retrieval_mode() == "lexical":
            answer.notes.append("Tìm kiếm chỉ dùng chỉ mục từ vựng (mô hình ngữ nghĩa không khả dụng).")
        return answer

    # -- state ------------------------------------------------------------------------------------
    def _refresh(self) -> _Snapshot:
        gen = self.store.generation()
        snap = self._snapshot
        if snap is not None and snap.generation == gen:
            return snap
        with self._lock:
            if self._snapshot is not None and self._snapshot.generation == gen:
                return self._snapshot
            reports = {r["doc_id"]: r for r in self.store.list_reports()}
            unit_docs: dict[str, list[str]] = {}
            for doc_id, r in reports.items():
                if r.get("unit"):
                    unit_docs.setdefault(r["unit"], []).append(doc_id)
            texts = self.store.sample_paragraph_texts(TERM_SAMPLE_PARAGRAPHS)
            ranker = SentenceRanker(TermWeights(texts))
            self._snapshot = _Snapshot(gen, reports, unit_docs, ranker)
            return self._snapshot

    def _retrieval_mode(self) -> str:
        return getattr(self.retriever, "mode", "lexical")

    # -- dispatch ---------------------------------------------------------------------------------
    def _dispatch(self, u: Understanding, snap: _Snapshot) -> Answer:
        if u.intent == "off_topic":
            return _abstain(u, "Câu hỏi này nằm ngoài phạm vi các báo cáo chuyển đổi số đã được nạp, "
                               "nên không có thông tin để trả lời.")
        if u.intent == "unknown_unit":
            names = ", ".join(u.unknown_units)
            known = sorted(snap.unit_docs)
            sample = ", ".join(known[:8]) + (" …" if len(known) > 8 else "")
            return _abstain(u, f"Không có báo cáo nào của {names} trong dữ liệu đã nạp "
                               f"(các đơn vị có báo cáo: {sample}), nên không thể trả lời câu hỏi này.")
        if u.intent == "metadata":
            ans = self._metadata(u, snap)
            if ans is not None:
                return ans
        if self.use_indicators and self.aggregator is not None and (
                u.intent == "aggregate" or len(u.units) != 1):
            ans = self._aggregate(u)
            if ans is not None:
                return ans
        if u.intent == "aggregate" or (not u.units and u.intent == "list"):
            ans = self._text_aggregate(u, snap)
            if ans is not None:
                return ans
        if len(u.units) > 1:
            return self._per_unit(u, snap)
        if u.intent == "list":
            ans = self._list(u, snap)
            if ans is not None:
                return ans
        return self._lookup(u, snap)

    # -- aggregates from the indicators table ------------------------------------------------------
    def _aggregate(self, u: Understanding) -> Answer | None:
        aggregator = self.aggregator
        if u.scope is not None:
            aggregator = type(aggregator)(_ScopedStore(self.store, u.scope), taxonomy=aggregator.taxonomy)
        try:
            query = aggregator.match(u.effective)
            if query is None:
                return None
            ans = aggregator.answer(u.effective, query)
        except Exception:
            log.exception("aggregate answerer failed on %r", u.effective)
            return None
        if ans is not None:
            ans.intent = "aggregate"
        return ans

    # -- "which reports mention X" over all reports -------------------------------------------------
    def _text_aggregate(self, u: Understanding, snap: _Snapshot) -> Answer | None:
        ranker = snap.ranker
        # "nêu/đề cập ... khó khăn về X": the verbs frame the question; the difficulty words are
        # checked separately below, so only X has to be covered.
        drop = [*_generic_words(u), *_MENTION_VERBS]
        wants_difficulty = any(contains_phrase(u.key, w) for w in LIST_TOPICS["han_che"])
        if wants_difficulty:
            drop += list(LIST_TOPICS["han_che"])
        book = CitationBook(snap.reports)
        lines: list[str] = []
        docs = self._candidate_docs(u, snap, all_if_none=True)
        by_doc: dict[str, list[Paragraph]] | None = None
        if len(docs) > MENTION_FULL_SCAN_REPORTS:
            # Large stores: read only the paragraphs the lexical index finds for the question.
            by_doc = {}
            for passage in self.retriever.retrieve(u.effective, MENTION_CANDIDATES, u.filters):
                for pid in passage.paragraph_ids:
                    if (p := self.store.get_paragraph(pid)) is not None:
                        by_doc.setdefault(p.doc_id, []).append(p)
            docs = [d for d in docs if d in by_doc]
        for doc_id in docs:
            meta = snap.reports[doc_id]
            paragraphs = by_doc[doc_id] if by_doc is not None else self.store.get_paragraphs(doc_id)
            ranked = ranker.rank(u.effective, paragraphs, "text", drop)
            if wants_difficulty:
                ranked = [s for s in ranked if any(contains_phrase(match_key(s.text), w)
                                                   for w in _DIFFICULTY_WORDS)]
            if not ranked or ranked[0].coverage < MENTION_MIN_COVERAGE:
                continue
            best = ranked[0]
            n = book.cite(best.paragraph)
            lines.append(f"- {unit_label(meta.get('unit'), meta.get('unit_type'))}: {quote(best.text)} [{n}]")
        if not lines:
            return None
        head = f"Có {len(lines)} đơn vị có nội dung này trong báo cáo:"
        return Answer(question=u.question, answer="\n".join([head, *lines]), abstained=False,
                      citations=book.citations, intent="text_aggregate")

    # -- report metadata ---------------------------------------------------------------------------
    def _metadata(self, u: Understanding, snap: _Snapshot) -> Answer | None:
        docs = self._candidate_docs(u, snap)
        if not docs:
            return None
        book = CitationBook(snap.reports)
        lines: list[str] = []
        missing: list[str] = []
        for doc_id in docs:
            meta = snap.reports[doc_id]
            who = report_phrase(meta)
            value, evidence = self._metadata_value(u.metadata_field or "", meta, doc_id, u.key)
            if value is None:
                missing.append(who)
                continue
            cite = f" [{book.cite(evidence)}]" if evidence is not None else ""
            lines.append(f"{_METADATA_LABEL[u.metadata_field or '']} {who}: {value}.{cite}")
        if not lines:
            what = _METADATA_LABEL.get(u.metadata_field or "", "thông tin này").removesuffix(" của").lower()
            who = "; ".join(missing)
            return _abstain(u, f"{who[:1].upper()}{who[1:]} không ghi {what}.")
        if missing:
            lines.append(f"Lưu ý: {'; '.join(missing)} không ghi thông tin này.")
        return Answer(question=u.question, answer="\n".join(lines), abstained=False,
                      citations=book.citations, intent="metadata")

    def _metadata_value(self, field_name: str, meta: dict, doc_id: str,
                        key: str = "") -> tuple[str | None, Paragraph | None]:
        paras = self.store.get_paragraphs(doc_id)
        if field_name == "references":
            refs = meta.get("references") or []
            # "công văn nào" asks for the công văn: keep the references of the kind named.
            kinds = [k for k in _REFERENCE_KINDS if k in key]
            chosen = [r for r in refs if any(match_key(r).startswith(k) for k in kinds)] or refs
            if not chosen:
                return None, None
            cite = next((p for r in chosen if (p := _paragraph_containing(paras, r)) is not None), None)
            return "; ".join(chosen), cite
        if field_name == "duration":
            title = meta.get("title") or ""
            m = re.search(r"(\d+\s*năm(?:\s*\d+\s*tháng)?|\d+\s*tháng)", title)
            source = title
            if not m:
                for p in paras[:40]:
                    m = re.search(r"sơ kết\s+(\d+\s*năm(?:\s*\d+\s*tháng)?|\d+\s*tháng)", p.text, re.IGNORECASE)
                    if m:
                        source = p.text
                        break
            if not m:
                return None, None
            label = meta.get("period")
            extra = f" (kỳ {period_phrase(label)})" if label else ""
            return f"{m.group(1)}{extra}", _paragraph_containing(paras, source[:60]) if source else None
        value = meta.get(field_name)
        if not value:
            return None, None
        if field_name == "period":
            value = period_phrase(value) or value
            return value, _paragraph_containing(paras, meta.get("period_label") or "")
        return str(value), _paragraph_containing(paras, str(meta.get(field_name)))

    # -- section lists -----------------------------------------------------------------------------
    def _list(self, u: Understanding, snap: _Snapshot) -> Answer | None:
        docs = self._candidate_docs(u, snap)
        if not docs or not u.list_topic:
            return None
        book = CitationBook(snap.reports)
        blocks: list[str] = []
        for doc_id in docs:
            paras = self.store.get_paragraphs(doc_id)
            path, items = _section_items(paras, u, snap.ranker)
            if not items:
                continue
            meta = snap.reports[doc_id]
            heading = _section_heading(paras, path)
            if heading is not None:
                title = quote(heading.text).strip("“”")
                lines = [f"Theo {report_phrase(meta)}, mục “{title}” [{book.cite(heading)}]:"]
            else:
                lines = [f"Theo {report_phrase(meta)}:"]
            for p in items[:MAX_LIST_ITEMS]:
                lines.append(f"- {quote(p.text)} [{book.cite(p)}]")
            blocks.append("\n".join(lines))
        if not blocks:
            return None
        return Answer(question=u.question, answer="\n\n".join(blocks), abstained=False,
                      citations=book.citations, intent="list")

    # -- lookups by sentence ranking -----------------------------------------------------------------
    def _lookup(self, u: Understanding, snap: _Snapshot) -> Answer:
        paragraphs = self._candidate_paragraphs(u, snap)
        drop = _generic_words(u) + _own_period_mentions(u, snap, paragraphs)
        good = self._answering_sentences(u, snap, paragraphs, drop)
        if not good:
            return self._missing(u, snap, paragraphs, drop)
        best = good[0]
        meta = snap.reports.get(best.paragraph.doc_id, {})
        book = CitationBook(snap.reports)
        n = book.cite(best.paragraph)
        value = best.focus
        head = f"{value} — theo {report_phrase(meta)}" if value else f"Theo {report_phrase(meta)}"
        if u.expects in ("text", "name"):
            # Descriptive answers quote the whole paragraph when it is short: the sentence that
            # matches best often leans on its neighbour ("Mô hình giúp ..." after the model's name).
            lines = [f"{head}: {quote(_passage(best))}{_section_note(best)} [{n}]"]
            seen = {best.paragraph.id}
            many = MAX_TEXT_SENTENCES_PLURAL if _PLURAL_RE.search(u.key) else MAX_TEXT_SENTENCES
            for extra in _diverse(good[1:], best, many - 1):
                if extra.paragraph.id in seen and len(extra.paragraph.text) <= MAX_QUOTED_PARAGRAPH:
                    continue
                seen.add(extra.paragraph.id)
                lines.append(f"- {quote(_passage(extra))}{_section_note(extra)} [{book.cite(extra.paragraph)}]")
        else:
            lines = [f"{head}: {quote(best.text)} [{n}]"]
        return Answer(question=u.question, answer="\n".join(lines), abstained=False,
                      citations=book.citations, intent="lookup")

    def _answering_sentences(self, u: Understanding, snap: _Snapshot, paragraphs: Sequence[Paragraph],
                             drop: list[str]) -> list[ScoredSentence]:
        """Ranked sentences good enough to answer: score and coverage over the thresholds, and not
        about another indicator than the one asked."""
        ranked = self._with_indicators(u, snap.ranker.rank(u.effective, paragraphs, u.expects, drop))
        return [s for s in ranked if s.score >= LOOKUP_MIN_SCORE and s.coverage >= LOOKUP_MIN_COVERAGE
                and s.on_topic is not False]

    def _missing(self, u: Understanding, snap: _Snapshot, paragraphs: Sequence[Paragraph],
                 drop: list[str]) -> Answer:
        """Abstain, saying what is missing and what the reports say nearby."""
        topic = topic_of(u.effective, u.units)
        docs = {p.doc_id for p in paragraphs}
        who = "; ".join(report_phrase(snap.reports[d]) for d in sorted(docs) if d in snap.reports)
        who = who or "các báo cáo đã nạp"
        nearby = snap.ranker.rank(u.effective, paragraphs, "text", drop)
        if nearby and nearby[0].coverage >= LOOKUP_MIN_COVERAGE:
            book = CitationBook(snap.reports)
            s = nearby[0]
            n = book.cite(s.paragraph)
            kind = _EXPECT_LABEL.get(u.expects, "thông tin")
            text = (f"Không tìm thấy {kind} về {topic} trong {who}. "
                    f"Báo cáo có đề cập nội dung liên quan nhưng không nêu {kind}: {quote(s.text)} [{n}]")
            return _abstain(u, text, book.citations)
        return _abstain(u, f"Không tìm thấy thông tin về {topic} trong {who}.")

    def _per_unit(self, u: Understanding, snap: _Snapshot) -> Answer:
        """A question naming several units (e.g. a comparison): one lookup per unit."""
        book = CitationBook(snap.reports)
        lines: list[str] = []
        abstained_units: list[str] = []
        drop = _generic_words(u)
        for unit in u.units:
            # The same question for one unit (keeps the user's filters and the asked period).
            paragraphs = self._candidate_paragraphs(replace(u, units=[unit], intent="lookup"), snap)
            ranked = self._answering_sentences(u, snap, paragraphs, drop)
            if not ranked:
                abstained_units.append(unit)
                continue
            best = ranked[0]
            meta = snap.reports.get(best.paragraph.doc_id, {})
            value = best.focus
            n = book.cite(best.paragraph)
            prefix = f"{unit_label(unit, meta.get('unit_type'))}" + (f": {value}" if value else "")
            lines.append(f"- {prefix} — {quote(best.text)} [{n}]")
        if not lines:
            return self._missing(u, snap, self._candidate_paragraphs(u, snap), _generic_words(u))
        if abstained_units:
            lines.append(f"Lưu ý: báo cáo của {', '.join(abstained_units)} không nêu số liệu này.")
        return Answer(question=u.question, answer="\n".join(lines), abstained=False,
                      citations=book.citations, intent="compare")

    def _with_indicators(self, u: Understanding, ranked: list[ScoredSentence]) -> list[ScoredSentence]:
        """Re-score sentences with the indicators table: the figure a sentence offers is what the
        question asks for when the table extracted it under the question's indicator.

        "Tỷ lệ hồ sơ trực tuyến" names `tiep_nhan_truc_tuyen`; the sentence "Tỷ lệ hồ sơ trực tuyến
        toàn trình đạt 99.75%" matches as many words, but its figure was extracted as
        `truc_tuyen_toan_trinh`, so "Tiếp nhận trực tuyến: 2,710 hồ sơ, đạt 91,71%" wins."""
        if not self.use_indicators or self.aggregator is None or not ranked:
            return ranked
        # Every indicator the question's words could name ("hồ sơ đang giải quyết" is matched by
        # both "đang giải quyết" and "giải quyết"): the words decide between them, the table only
        # rules out figures that measure something else.
        wanted = frozenset(lb.key for lb in self.aggregator.taxonomy.find_labels(
            fold(" ".join(u.effective.split())), question=True))
        if not wanted:
            return ranked
        table: dict[str, list[tuple[str, float]]] = {}
        for doc_id in {s.paragraph.doc_id for s in ranked}:
            for ind in self.store.query_indicators(doc_id=doc_id):
                if ind.qualifier != PLAN_QUALIFIER:
                    table.setdefault(ind.paragraph_id, []).append((ind.key, round(ind.value, 6)))
        confirmed: set[int] = set()
        for s in ranked:
            rows = table.get(s.paragraph.id)
            if not rows:
                continue
            offered = {round(v, 6) for v in numbers_in_text(s.focus or s.text)}
            keys = {k for k, v in rows if v in offered}
            if keys & wanted:
                s.score += INDICATOR_BONUS
                confirmed.add(id(s))
            elif keys and s.focus:
                s.score -= INDICATOR_BONUS  # the offered figure measures another indicator
        ranked.sort(key=lambda s: (-s.score, len(s.span.text)))
        # On topic when the table holds the sentence's figure under the indicator, or the sentence
        # names the indicator (a label of the taxonomy); checked for the best candidates only.
        for i, s in enumerate(ranked):
            s.on_topic = id(s) in confirmed or (i < ON_TOPIC_CANDIDATES and bool(wanted & self._label_keys(s.text)))
        return ranked

    @functools.lru_cache(maxsize=20_000)  # noqa: B019 - one answerer per process, bounded cache
    def _label_keys(self, text: str) -> frozenset[str]:
        return frozenset(lb.key for lb in self.aggregator.taxonomy.find_labels(fold(text)))

    # -- candidates --------------------------------------------------------------------------------
    def _candidate_docs(self, u: Understanding, snap: _Snapshot, all_if_none: bool = False) -> list[str]:
        docs: list[str] = []
        for unit in u.units:
            docs.extend(snap.unit_docs.get(unit, []))
        if not docs and (all_if_none or not u.units):
            docs = list(snap.reports)
            if u.provinces:
                docs = [d for d in docs if snap.reports[d].get("province") in u.provinces]
        if u.scope is not None:
            docs = [d for d in docs if d in u.scope]
        if len(docs) > 1 and u.periods:
            docs = narrow_by_period(docs, lambda d: snap.reports[d].get("period"), u.periods)
        elif len(docs) > 1 and u.units and u.intent != "aggregate":
            # A unit reports every month: without a period in the question, read its latest report.
            latest = max(_period_end(snap.reports[d].get("period")) for d in docs)
            docs = [d for d in docs if _period_end(snap.reports[d].get("period")) == latest]
        return docs

    def _candidate_paragraphs(self, u: Understanding, snap: _Snapshot) -> list[Paragraph]:
        if u.units:
            docs = self._candidate_docs(u, snap)
            if len(docs) <= 3:
                out: list[Paragraph] = []
                for d in docs:
                    out.extend(self.store.get_paragraphs(d))
                return out
            filters = replace(u.filters, doc_ids=docs) if u.filters is not None else None
            passages = self.retriever.retrieve(u.effective, RETRIEVE_K, filters)
        else:
            passages = self.retriever.retrieve(u.effective, RETRIEVE_K, u.filters)
        seen: dict[str, Paragraph] = {}
        for passage in passages:
            for pid in passage.paragraph_ids:
                if pid not in seen and (p := self.store.get_paragraph(pid)) is not None:
                    seen[pid] = p
        return list(seen.values())

    # -- optional LLM ------------------------------------------------------------------------------
    def _with_llm(self, extractive: Answer, u: Understanding) -> Answer:
        assert self.llm is not None
        try:
            text = self.llm.compose(u.effective, extractive.citations)
        except Exception as exc:
            log.warning("LLM failed, extractive answer kept: %s", exc)
            extractive.notes.append(getattr(exc, "user_note", None)  # LLMTimeout names its deadline
                                    or "Mô hình ngôn ngữ không phản hồi; hiển thị câu trả lời trích xuất.")
            return extractive
        checked, dropped = self.llm.verify(text, extractive.citations)
        if not checked.strip():
            extractive.notes.append("Câu trả lời của mô hình ngôn ngữ không kiểm chứng được; "
                                    "hiển thị câu trả lời trích xuất.")
            return extractive
        notes = list(extractive.notes)
        if dropped:
            notes.append(f"Đã loại {dropped} câu không kiểm chứng được với nguồn trích dẫn.")
        return Answer(question=extractive.question, answer=checked, abstained=False,
                      citations=extractive.citations, mode="llm", retrieval=extractive.retrieval,
                      intent=extractive.intent, notes=notes)


_MENTION_VERBS = ("nêu", "đề cập", "nhắc đến", "nói về", "báo cáo về", "có nội dung", "làm")
_REFERENCE_KINDS = ("cong van", "quyet dinh", "ke hoach", "nghi quyet", "thong bao", "chi thi", "huong dan")
_METADATA_LABEL = {
    "signer": "Người ký", "report_number": "Số hiệu", "references": "Văn bản căn cứ của",
    "duration": "Thời gian sơ kết của", "period": "Kỳ của", "province": "Tỉnh/thành phố của",
    "date": "Ngày ban hành",
}
_EXPECT_LABEL = {"percent": "tỷ lệ (số phần trăm)", "money": "số tiền", "rank": "thứ hạng",
                 "count": "số liệu", "docnumber": "số hiệu văn bản", "duration": "thời gian"}


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


def _count_words(text: str) -> str:
    """Counts the answer states about its own list ("Có 4 đơn vị ...") are framing, not claims."""
    return " " + " ".join(re.findall(r"\bCó (\d+) đơn vị", text))


def _abstain(u: Understanding, text: str, citations: list[Citation] | None = None) -> Answer:
    return Answer(question=u.question, answer=text, abstained=True, citations=citations or [],
                  intent=u.intent)


def _apply_ui_filters(u: Understanding, filters: QueryFilters | None) -> None:
    if filters is None:
        return
    if filters.units and not u.units:
        u.units = list(filters.units)
        if u.intent in ("off_topic", "unknown_unit"):
            u.intent = "lookup"
    if filters.provinces and not u.provinces:
        u.provinces = list(filters.provinces)
    if filters.periods and not u.periods:
        u.periods = list(filters.periods)
    if u.filters is not None:
        for name in ("units", "provinces", "periods"):
            if not getattr(u.filters, name) and getattr(filters, name):
                setattr(u.filters, name, list(getattr(filters, name)))
    if filters.doc_ids:
        # The reports the user's filters allow: a hard restriction for every kind of answer.
        u.scope = frozenset(filters.doc_ids)
        if u.filters is not None:
            named = [d for d in u.filters.doc_ids if d in u.scope]
            u.filters.doc_ids = named or sorted(u.scope)


def _generic_words(u: Understanding) -> list[str]:
    """Phrases that name the unit (not what is asked): removed from the query terms."""
    return [*u.units, "phường", "xã", "thị trấn", "ủy ban nhân dân", "báo cáo", "đơn vị", "địa phương"]


_PERIOD_MENTION_RE = re.compile(
    r"(?:trong\s+)?(?:tháng|thang|quý|quy|năm|nam)\s+(?:[0-9]{1,2}|[IVX]{1,3}|[ivx]{1,3})?"
    r"(?:\s*/\s*\d{4}|\s+(?:năm|nam)\s+\d{4})|(?:năm|nam)\s+\d{4}")


def _own_period_mentions(u: Understanding, snap: _Snapshot, paragraphs: Sequence[Paragraph]) -> list[str]:
    """Period phrases that only repeat the period of the report being read ("tháng 5/2026" when
    reading the May 2026 report): they identify the report, not the sentence, so they are not
    query terms. A period inside a longer report ("năm 2025" in a 2025-2026 review) is kept."""
    if not u.periods:
        return []
    periods = {snap.reports[d].get("period") for d in {p.doc_id for p in paragraphs} if d in snap.reports}
    if not periods or not periods <= set(u.periods):
        return []
    return _PERIOD_MENTION_RE.findall(u.effective)


def _period_end(period: str | None) -> str:
    bounds = period_bounds(period)
    return bounds[1] if bounds else ""


def _paragraph_containing(paragraphs: Sequence[Paragraph], needle: str) -> Paragraph | None:
    if not needle:
        return None
    key = match_key(needle)
    for p in paragraphs:
        if key in match_key(p.text):
            return p
    return None


def _passage(s: ScoredSentence) -> str:
    """The paragraph when it is short enough to quote whole, else the sentence (continued to the
    next sentence when it stops mid-phrase, as a line broken inside a paragraph does)."""
    text = s.paragraph.text
    if len(text) <= MAX_QUOTED_PARAGRAPH:
        return text
    end = s.span.end
    if not text[s.span.start:end].rstrip().endswith((".", ";", "!", "?", ":", "…")):
        nxt = re.search(r"[.;!?…](?:\s|$)", text[end:])
        end = end + nxt.end() if nxt else len(text)
    return text[s.span.start:end].strip()


def _section_note(s: ScoredSentence) -> str:
    """ (mục “…”) when the quoted paragraph leans on its section title for its subject."""
    if not s.paragraph.section_path or len(s.paragraph.section_path) < 2:
        return ""
    title = s.paragraph.section_path[-1]
    if match_key(title) in match_key(s.paragraph.text):
        return ""
    return f" (mục “{title}”)"


def _diverse(candidates: Sequence[ScoredSentence], best: ScoredSentence, n: int) -> list[ScoredSentence]:
    """Up to n more sentences close to the best score, from other paragraphs/sentences."""
    out: list[ScoredSentence] = []
    seen = {(best.paragraph.id, best.span.start)}
    for s in candidates:
        if len(out) >= n or s.score < best.score * 0.75:
            break
        key = (s.paragraph.id, s.span.start)
        if key in seen:
            continue
        seen.add(key)
        out.append(s)
    return out


def _section_heading(paragraphs: Sequence[Paragraph], path: tuple[str, ...]) -> Paragraph | None:
    """The heading paragraph that opens the section of the listed items (None when unnumbered)."""
    for depth in range(len(path), 0, -1):
        for p in paragraphs:
            if p.kind == "heading" and p.section_path == path[:depth]:
                return p
    return None


def _section_items(paragraphs: Sequence[Paragraph], u: Understanding,
                   ranker: SentenceRanker) -> tuple[tuple[str, ...], list[Paragraph]]:
    """Paragraphs of the section whose title names the list topic (most specific match wins)."""
    words = LIST_TOPICS.get(u.list_topic or "", ())
    paths: dict[tuple[str, ...], int] = {}
    for i, p in enumerate(paragraphs):
        for depth in range(1, len(p.section_path) + 1):
            paths.setdefault(p.section_path[:depth], i)
    best_path: tuple[str, ...] | None = None
    best_score = 0.0
    q = ranker.query_terms(u.effective, _generic_words(u))
    for path in paths:
        title_key = match_key(path[-1])
        if not any(contains_phrase(title_key, w) for w in words):
            continue
        score = ranker.coverage(path[-1], q) + 0.05 * len(path)  # deeper (more specific) sections win ties
        if score > best_score:
            best_path, best_score = path, score
    if best_path is None:
        return (), []
    depth = len(best_path)
    items = [p for p in paragraphs
             if p.section_path[:depth] == best_path and not _CLOSING_RE.match(p.text)
             and not (p.kind == "heading" and p.section_path == best_path)]
    # The section must be about what is asked: its text has to cover the question's own terms.
    # Topic words ("nguyên nhân", "tồn tại, hạn chế") chose the section; the rest of the question
    # ("trong chuyển đổi số") must be found in it.
    topic_words = frozenset(w for words_ in LIST_TOPICS.values() for phrase in words_
                            if contains_phrase(u.key, phrase) for w in phrase.split())
    body = " ".join([*best_path, *(p.text for p in items)])
    if ranker.coverage(body, q, topic_words) < LIST_MIN_COVERAGE:
        return (), []
    return best_path, items
