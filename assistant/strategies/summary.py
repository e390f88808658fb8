"""Summaries: an extractive digest of a report — key figures, main results, difficulties, proposals
and next tasks, each line a quoted sentence of the report with its citation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.strategies.base import Context, abstain, answered, cite_sentence, quoted_sentence
from assistant.strategies.lists import section_items
from assistant.textutil import match_key

if TYPE_CHECKING:
    from assistant.models import Answer
    from assistant.understand import Understanding
    from ingest.models import Paragraph

KEY_FIGURES = 6
ITEMS_PER_PART = 3
_PARTS = (("han_che", "Khó khăn, hạn chế"), ("de_xuat", "Đề xuất, kiến nghị"), ("nhiem_vu", "Nhiệm vụ thời gian tới"))


class SummaryStrategy:
    name = "summary"

    def answer(self, u: Understanding, ctx: Context) -> Answer | None:
        if u.intent != "summary":
            return None
        if not u.units:
            return None
        docs, problem = ctx.docs_for(u)
        if problem:
            return abstain(u, problem)
        if not docs:
            return None
        book = ctx.book()
        blocks: list[str] = []
        for doc_id in docs:
            lines = [f"Tóm tắt {ctx.report_phrase(doc_id)}:"]
            title = ctx.reports[doc_id].get("title")
            if title:
                lines.append(f"Nội dung: {title}.")
            figures = self._key_figures(ctx, doc_id)
            if figures:
                lines.append("Số liệu chính:")
                for p, s, e, value in figures:
                    n = cite_sentence(book, p, s, e)
                    lines.append(f"- {value}: {quoted_sentence(p, s, e)} [{n}]")
            paras = ctx.doc(doc_id).paragraphs
            for topic, heading in _PARTS:
                sections = section_items(ctx, paras, _topic_question(u, topic))
                items = [p for _, ps in sections for p in ps if p.kind != "heading"][:ITEMS_PER_PART]
                if not items:
                    continue
                lines.append(f"{heading}:")
                for p in items:
                    n = cite_sentence(book, p, 0, len(p.text))
                    lines.append(f"- {quoted_sentence(p, 0, len(p.text))} [{n}]")
            if len(lines) > 2:
                blocks.append("\n".join(lines))
        if not blocks:
            return None
        return answered(u, "\n\n".join(blocks), book, "summary")

    @staticmethod
    def _key_figures(ctx: Context, doc_id: str) -> list[tuple[Paragraph, int, int, str]]:
        """Figures of the indicators table (results, not plans), one per indicator, in report order."""
        seen_keys: set[str] = set()
        seen_sentences: set[tuple[str, int]] = set()
        picked: list[tuple[int, Paragraph, int, int, str]] = []
        indicators = [i for i in ctx.store.query_indicators(doc_id=doc_id)
                      if i.qualifier != getattr(ctx.aggregator.taxonomy, "target_qualifier", "kế hoạch")] \
            if ctx.aggregator is not None else []
        by_pid = ctx.doc(doc_id).by_id
        facts = {(v.fact.paragraph_id, round(v.fact.value or -1, 6)): v for v in ctx.facts([doc_id], "figure")}
        for ind in indicators:
            if ind.key in seen_keys:
                continue
            v = facts.get((ind.paragraph_id, round(ind.value, 6)))
            p = by_pid.get(ind.paragraph_id)
            if v is None or p is None:
                continue
            sent = (p.id, v.fact.sentence_start)
            if sent in seen_sentences:
                continue
            seen_keys.add(ind.key)
            seen_sentences.add(sent)
            picked.append((p.n, p, v.fact.sentence_start, v.fact.sentence_end, v.fact.text))
            if len(picked) >= KEY_FIGURES:
                break
        picked.sort(key=lambda x: (x[0], x[2]))
        return [(p, s, e, value) for _, p, s, e, value in picked]


def _topic_question(u: Understanding, topic: str) -> Understanding:
    from dataclasses import replace

    words = {"han_che": "những hạn chế, khó khăn", "de_xuat": "những đề xuất, kiến nghị",
             "nhiem_vu": "những nhiệm vụ, phương hướng"}[topic]
    text = f"{words} của {' '.join(u.units)}"
    return replace(u, effective=text, key=match_key(text), list_topic=topic, subject_phrases=list(u.units))
