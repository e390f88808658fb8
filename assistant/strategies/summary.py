"""Summaries: an extractive digest of a report — key figures, main results, difficulties, proposals
and next tasks, each line a quoted sentence of the report with its citation."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.strategies.base import Context, FactView, abstain, answered, cite_sentence, quoted_sentence
from assistant.strategies.lists import section_items
from assistant.textutil import match_key

if TYPE_CHECKING:
    from assistant.models import Answer
    from assistant.understand import Understanding
    from ingest.models import Paragraph

KEY_FIGURES = 15
INDICATOR_SALIENCE = 3.0
ITEMS_PER_PART = 4
_PARTS = (("ket_qua", "Kết quả nổi bật"), ("han_che", "Khó khăn, hạn chế"), ("de_xuat", "Đề xuất, kiến nghị"), ("nhiem_vu", "Nhiệm vụ thời gian tới"))


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
            data = ctx.doc(doc_id)
            if not title and data.title:
                lines.append(f"Nội dung: {data.title.rstrip('.')}.")
            figures = self._key_figures(ctx, doc_id)
            if figures:
                lines.append("Số liệu chính:")
                for p, s, e, value in figures:
                    n = cite_sentence(book, p, s, e)
                    lines.append(f"- {value}: {quoted_sentence(p, s, e)} [{n}]")
            no_sections = not any(p.section_path for p in data.paragraphs)
            for kind, heading, limit in (("date", "Sự kiện, mốc thời gian", 3 if no_sections else 0),
                                         ("person", "Người được nêu", 3 if no_sections else 0)):
                events = self._events(ctx, doc_id, kind, limit) if limit else []
                if events:
                    lines.append(f"{heading}:")
                    for v in events:
                        n = cite_sentence(book, v.paragraph, v.fact.sentence_start, v.fact.sentence_end)
                        what = f"{v.fact.text} ({v.fact.role})" if kind == "person" else v.fact.text
                        q = quoted_sentence(v.paragraph, v.fact.sentence_start, v.fact.sentence_end,
                                            (v.fact.start, v.fact.end))
                        lines.append(f"- {what}: {q} [{n}]")
            paras = data.paragraphs
            for topic, heading in _PARTS:
                sections = section_items(ctx, paras, _topic_question(u, topic))
                items = [p for _, ps in sections for p in ps][:ITEMS_PER_PART]
                if not items:
                    continue
                lines.append(f"{heading}:")
                for p in items:
                    n = cite_sentence(book, p, 0, len(p.text))
                    lines.append(f"- {quoted_sentence(p, 0, len(p.text))} [{n}]")
            if len(lines) > 2 or (len(lines) == 2 and not title):
                blocks.append("\n".join(lines))
        if not blocks:
            return None
        return answered(u, "\n\n".join(blocks), book, "summary")

    @staticmethod
    def _key_figures(ctx: Context, doc_id: str) -> list[tuple[Paragraph, int, int, str]]:
        """Key figures in report order: those the indicators table files (one per indicator) first,
        then other counted figures of results (not plans), one per sentence."""
        taxonomy = getattr(ctx.aggregator, "taxonomy", None)
        plan = getattr(taxonomy, "target_qualifier", "kế hoạch")
        indicators = [i for i in ctx.store.query_indicators(doc_id=doc_id) if i.qualifier != plan] \
            if ctx.aggregator is not None else []
        figures = [v for v in ctx.facts([doc_id], "figure") if not v.fact.target]
        by_value = {(v.fact.paragraph_id, round(v.fact.value or -1, 6)): v for v in figures}
        seen_keys: set[str] = set()
        seen_sentences: set[tuple[str, int]] = set()
        picked: list[tuple[int, int, FactView]] = []

        def take(v: FactView) -> None:
            sent = (v.fact.paragraph_id, v.fact.sentence_start)
            if sent not in seen_sentences:
                seen_sentences.add(sent)
                picked.append((v.paragraph.n, v.fact.sentence_start, v))

        indexed: set[int] = set()
        for ind in indicators:
            v = by_value.get((ind.paragraph_id, round(ind.value, 6)))
            if v is not None and ind.key not in seen_keys:
                seen_keys.add(ind.key)
                before = len(picked)
                take(v)
                if len(picked) > before:
                    indexed.add(id(v))
        for v in figures:
            if v.fact.measure and v.fact.value_kind in ("count", "percent", "money", "fraction", "decimal"):
                take(v)
        # Keep the most telling ones: the indicators of the taxonomy first, then rates, ranks and
        # scores, amounts and totals before small counts; one figure per value.
        picked.sort(key=lambda x: -(_salience(x[2]) + (INDICATOR_SALIENCE if id(x[2]) in indexed else 0.0)))
        values: set[str] = set()
        kept = []
        for item in picked:
            if item[2].fact.text in values:
                continue
            values.add(item[2].fact.text)
            kept.append(item)
        picked = kept[:KEY_FIGURES]
        picked.sort(key=lambda x: (x[0], x[1]))
        return [(v.paragraph, v.fact.sentence_start, v.fact.sentence_end, v.fact.text) for _, _, v in picked]

    @staticmethod
    def _events(ctx: Context, doc_id: str, kind: str, limit: int) -> list[FactView]:
        """Dated events or named people of the document, one per sentence, in order."""
        seen: set[tuple[str, int]] = set()
        out: list[FactView] = []
        for v in ctx.facts([doc_id], kind):
            if kind == "date" and (v.fact.ref or len(v.fact.iso or "") < 5):
                continue  # the date of a cited document is not an event of this one
            if kind == "person" and not v.fact.role:
                continue
            key = (v.fact.paragraph_id, v.fact.sentence_start)
            if key in seen:
                continue
            seen.add(key)
            out.append(v)
            if len(out) >= limit:
                break
        return out


def _salience(v: FactView) -> float:
    """How much a figure tells about a report, for choosing its key figures."""
    f = v.fact
    if f.value_kind == "zero" or (f.value or 0) == 0:
        return 0.0
    if f.value_kind in ("percent", "fraction"):
        return 3.0
    if f.value_kind == "money":
        return 2.5
    import math

    total = 0.5 if re.search(r"(?i)tổng|tiếp nhận|toàn bộ", f.label) else 0.0
    return 1.0 + total + min(1.5, math.log10(max(f.value or 1, 1)) / 3)


def _topic_question(u: Understanding, topic: str) -> Understanding:
    from dataclasses import replace

    words = {"han_che": "những hạn chế, khó khăn", "de_xuat": "những đề xuất, kiến nghị",
             "nhiem_vu": "những nhiệm vụ, phương hướng", "ket_qua": "những kết quả nổi bật"}[topic]
    text = f"{words} của {' '.join(u.units)}"
    return replace(u, effective=text, key=match_key(text), list_topic=topic, subject_phrases=list(u.units))
