"""The answerer: understand -> the first strategy of the registry that answers -> verify.

Default answers are extractive: every claim is a sentence of a report, quoted, with [n] pointing at
the paragraph that holds it (and the span it relies on). With an LLM configured, the LLM rewrites
from the same numbered passages and `verify` checks its output; on any failure the extractive
answer is returned.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from assistant.compose import report_phrase
from assistant.models import Answer
from assistant.sanitize import QuestionTooLong, clean_history, clean_question, too_long_answer
from assistant.strategies import Context, build_registry
from assistant.strategies.replies import abstain
from assistant.understand import QuestionUnderstander, Understanding
from assistant.verify import verify_answer
from assistant.words import contains_word, folded_text
from ingest.text import fold

if TYPE_CHECKING:
    from assistant.llm import LLMComposer
    from index.query import QueryAnalyzer, QueryFilters

log = logging.getLogger(__name__)
NAMED_CANDIDATES = 20  # passages searched for a proper name of an off-topic-looking question


class Answerer:
    """Answers one question (with optional history) from the store."""

    def __init__(self, store: Any, retriever: Any, query_analyzer: QueryAnalyzer,
                 aggregator: Any | None = None,
                 llm: LLMComposer | None = None, use_indicators: bool = True) -> None:
        self.store = store
        self.retriever = retriever
        self.query_analyzer = query_analyzer
        self.aggregator = aggregator if use_indicators else None
        self.llm = llm
        self.use_indicators = use_indicators
        self.understander = QuestionUnderstander(query_analyzer)
        self.registry = build_registry(self._dispatch_one)
        self._context: Context | None = None
        self._lock = threading.Lock()
        self._local = threading.local()

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
        ctx = self._refresh()
        u = self.understander.run(question, list(history or []))
        if fold(u.effective) == u.effective.lower():  # written without diacritics
            u.display = ctx.weights.restore_accents(u.effective)
        _apply_ui_filters(u, filters)
        t1 = time.perf_counter()
        self._local.ctx = ctx
        answer = self._dispatch(u, ctx)
        answer.question = question
        answer.intent = answer.intent or u.intent
        answer.retrieval = self._retrieval_mode()
        t2 = time.perf_counter()
        if self.llm is not None and not answer.abstained and answer.citations:
            answer = self._with_llm(answer, u)
        framing = " ".join([*(report_phrase(ctx.reports[c.doc_id]) for c in answer.citations
                              if c.doc_id in ctx.reports), *(c.section for c in answer.citations)])
        framing += " " + u.effective  # numbers repeated from the question ("đạt 100%", "tháng 5")
        # The "Lưu ý:" note names reports that do not answer (with their periods): not a claim.
        claims = answer.answer.split("\nLưu ý:", 1)[0]
        problems = [] if answer.abstained else verify_answer(claims, answer.citations,
                                                             allowed_text=framing + _count_words(claims))
        if problems:  # extractive answers quote their passages, so this is a bug if it happens
            log.warning("extractive answer failed verification: %s", problems)
        answer.timings_ms = {"understand": (t1 - t0) * 1000, "answer": (t2 - t1) * 1000,
                             "total": (time.perf_counter() - t0) * 1000}
        return answer

    def warm_up(self) -> None:
        """Pay the first-use costs before the first question: the store snapshot (word weights,
        accent statistics) and the part-of-speech tagger's import."""
        from assistant.words import pos_tags

        self._refresh()
        pos_tags("Phường Trí Quả tiếp nhận bao nhiêu hồ sơ?")

    # -- state ------------------------------------------------------------------------------------
    def _refresh(self) -> Context:
        gen = self.store.generation()
        ctx = self._context
        if ctx is not None and ctx.generation == gen:
            return ctx
        with self._lock:
            if self._context is not None and self._context.generation == gen:
                return self._context
            reports = {r["doc_id"]: r for r in self.store.list_reports()}
            unit_docs: dict[str, list[str]] = {}
            for doc_id, r in reports.items():
                if r.get("unit"):
                    unit_docs.setdefault(r["unit"], []).append(doc_id)
            self._context = Context(self.store, self.retriever, self.aggregator, gen, reports, unit_docs)
            return self._context

    def _retrieval_mode(self) -> str:
        return getattr(self.retriever, "mode", "lexical")

    # -- dispatch ---------------------------------------------------------------------------------
    def _dispatch(self, u: Understanding, ctx: Context) -> Answer:
        if u.intent == "off_topic":
            named = self._named_in_reports(u.effective, ctx)
            if named:
                inner = self.understander.understand_named(u.effective, named)
                inner.question, inner.followup_of, inner.display = u.question, u.followup_of, u.display
                return self._dispatch(inner, ctx)
            return abstain(u, "Câu hỏi này nằm ngoài phạm vi các báo cáo chuyển đổi số đã được nạp, "
                              "nên không có thông tin để trả lời.")
        if u.intent == "orphan_followup":
            return abstain(u, "Câu hỏi này nối tiếp một câu hỏi trước, nhưng cuộc trò chuyện chưa có câu hỏi nào "
                              "trước đó. Xin hỏi đầy đủ: tên phường/xã, kỳ báo cáo và nội dung cần hỏi.")
        if u.intent == "unknown_unit":
            # "Tổ hợp tác ở xã Hương Liên ...": a commune with no report of its own that a report
            # writes about (its unit word and name together) is read in the reports that mention it.
            mentioned = self._mentioning(u.unknown_units, u.effective, ctx)
            if mentioned:
                inner = self.understander.understand_named(u.effective, mentioned)
                inner.question, inner.followup_of, inner.display = u.question, u.followup_of, u.display
                return self._dispatch(inner, ctx)
            names = ", ".join(u.unknown_units)
            known = sorted(ctx.unit_docs)
            sample = ", ".join(known[:8]) + (" …" if len(known) > 8 else "")
            return abstain(u, f"Không có báo cáo nào của {names} trong dữ liệu đã nạp "
                              f"(các đơn vị có báo cáo: {sample}), nên không thể trả lời câu hỏi này.")
        if not ctx.reports:
            return abstain(u, "Chưa có báo cáo nào được nạp, nên chưa thể trả lời câu hỏi này.")
        for strategy in self.registry:
            try:
                ans = strategy.answer(u, ctx)
            except Exception:
                log.exception("strategy %s failed on %r", strategy.name, u.effective)
                continue
            if ans is not None:
                return ans
        return abstain(u, "Không tìm thấy thông tin để trả lời câu hỏi này trong các báo cáo đã nạp.")

    def _named_in_reports(self, question: str, ctx: Context) -> frozenset[str]:
        """Reports that mention a proper name of the question (two or more words in capitals after
        its first word: "Phạm Văn Diện", "thôn Đột Hạ"), found by the lexical index."""
        words = question.split()
        runs: list[str] = []
        run: list[str] = []
        for i, w in enumerate([*words, ""]):
            clean = w.strip("?.,;:!“”\"'()")
            if i > 0 and clean[:1].isupper() and not clean.isupper():
                run.append(clean)
                continue
            if len(run) >= 2:
                runs.append(" ".join(run))
            run = []
        docs: set[str] = set()
        for name in runs:
            key = folded_text(name).strip()
            for passage in self.retriever.retrieve(name, NAMED_CANDIDATES):
                if contains_word(folded_text(passage.text), key):
                    docs.add(passage.doc_id)
        return frozenset(docs)

    def _mentioning(self, names: Sequence[str], question: str, ctx: Context) -> frozenset[str]:
        """Reports whose text writes "<xã|phường> <name>" for one of the question's unknown units."""
        folded_q = folded_text(question)
        docs: set[str] = set()
        for name in names:
            key = folded_text(name).strip()
            kinds = [k for k in ("xa", "phuong", "thi tran") if f" {k} {key} " in folded_q] or ["xa", "phuong"]
            for passage in self.retriever.retrieve(name, NAMED_CANDIDATES):
                text = folded_text(passage.text)
                if passage.doc_id in ctx.reports and any(f" {k} {key} " in text for k in kinds):
                    docs.add(passage.doc_id)
        return frozenset(docs)

    def _dispatch_one(self, u: Understanding) -> Answer:
        """Dispatch for composite strategies (a part or a unit of a larger question)."""
        ctx = getattr(self._local, "ctx", None) or self._refresh()
        return self._dispatch(u, ctx)

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


def _count_words(text: str) -> str:
    """Counts the answer states about its own list ("Có 4 đơn vị ...") are framing, not claims."""
    found = re.findall(r"\bCó (\d+) đơn vị|\btrong (\d+) báo cáo|^(\d+)\. |\((\d+) đơn vị có nêu\)|"
                       r"\bvới (\d+) báo cáo|\((\d+) báo cáo\)", text, re.M)
    return " " + " ".join(g for groups in found for g in groups if g)


def _apply_ui_filters(u: Understanding, filters: QueryFilters | None) -> None:
    if filters is None:
        return
    targets = [u, *u.parts]
    for t in targets:
        if filters.units and not t.units:
            t.units = list(filters.units)
            if t.intent in ("off_topic", "unknown_unit"):
                t.intent = "lookup"
        if filters.provinces and not t.provinces:
            t.provinces = list(filters.provinces)
        if filters.periods and not t.periods:
            t.periods = list(filters.periods)
        if t.filters is not None:
            for name in ("units", "provinces", "periods"):
                if not getattr(t.filters, name) and getattr(filters, name):
                    setattr(t.filters, name, list(getattr(filters, name)))
        if filters.doc_ids:
            # The reports the user's filters allow: a hard restriction for every kind of answer.
            t.scope = frozenset(filters.doc_ids)
            if t.filters is not None:
                named = [d for d in t.filters.doc_ids if d in t.scope]
                t.filters.doc_ids = named or sorted(t.scope)
