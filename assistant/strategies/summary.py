"""Summaries: an extractive digest of a report — key figures, main results, difficulties, proposals
and next tasks, each line a quoted sentence of the report with its citation."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.strategies.base import Context, FactView, future_sections
from assistant.strategies.lists import CLOSING_RE, section_items
from assistant.strategies.replies import (
    abstain,
    answered,
    asked_phrase,
    cite_sentence,
    missing_sentence,
    quoted_sentence,
)
from assistant.textutil import match_key
from assistant.words import folded_text, load_question_words

if TYPE_CHECKING:
    from assistant.models import Answer
    from assistant.understand import Understanding
    from ingest.models import Paragraph

KEY_FIGURES = 15
INDICATOR_SALIENCE = 3.0
ITEMS_PER_PART = 4
LEAD_PARAGRAPHS = 3  # a document without sections (a news item) is summed up by its first paragraphs
TITLE_TOPIC_SCORE = 0.5  # the document's title states the asked topic this well: the whole report is asked
FOCUS_TITLE_SCORE = 0.75  # a section title states the asked topic: that section is summed up
FOCUS_SENTENCE_SCORE = 0.6  # a sentence states the asked topic (the text strategy's threshold)
FOCUS_SENTENCES = 8
FOCUS_FIGURES = 6
TITLE_WORDS_MAX = 14  # a line this short without a full stop is a title, not an item of a digest
# Words of a summary request that name no topic ("tóm tắt báo cáo ... có gì đáng chú ý").
_SUMMARY_WORDS = ("báo cáo", "bài viết", "bài báo", "văn bản", "bản tin", "tin tức", "tin", "bài", "thông tin",
                  "phần", "mục", "nhanh", "ngắn gọn", "giúp", "nội dung", "kết quả", "nội dung", "điểm", "chính", "nổi bật",
                  "đáng chú ý", "có gì", "những gì", "gì", "sơ kết", "tổng kết", "thực hiện", "tình hình", "triển khai",
                  "vài dòng", "vài câu", "một đoạn", "đoạn", "dòng", "vài", "sơ lược", "ngắn")
_HEADING_LIKE_RE = re.compile(r"^\s*(?:[IVX]{1,4}\.|\d+(?:\.\d+)*\.?|[a-zđ]\))\s")
_APPENDIX_RE = re.compile(r"(?i)^\W*(?:có|kèm theo)?\s*phụ lục\b.*kèm theo\W*$")
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
        titled = self._titled_docs(u, ctx, docs)
        if titled:
            docs = titled  # "Việc ra mắt trang Zalo ... có gì đáng chú ý?": the news item about it
        focus = None if titled else self._focus(u, ctx, docs)
        if focus is not None:
            return self._focused(u, ctx, docs, focus)
        for doc_id in docs:
            lines = [f"Tóm tắt {ctx.report_phrase(doc_id)}:"]
            title = ctx.reports[doc_id].get("title")
            data = ctx.doc(doc_id)
            shown = title or data.title
            if shown:
                tp = _title_paragraph(data.paragraphs, shown)
                cite = f" [{cite_sentence(book, tp, 0, len(tp.text))}]" if tp is not None else ""
                lines.append(f"Nội dung: {shown.rstrip('.')}.{cite}")
            figures = self._key_figures(ctx, doc_id)
            if figures:
                lines.append("Số liệu chính:")
                for p, s, e, value in figures:
                    n = cite_sentence(book, p, s, e)
                    lines.append(f"- {value}: {quoted_sentence(p, s, e)} [{n}]")
            no_sections = len({p.section_path for p in data.paragraphs} - {()}) <= 1  # a news item (a byline)
            if no_sections:  # a news item: its opening paragraphs say what it is about
                leads = [p for p in data.paragraphs if _is_item(p) and _fold(p.text) != _fold(data.title)]
                if leads[:LEAD_PARAGRAPHS]:
                    lines.append("Nội dung chính:")
                    for p in leads[:LEAD_PARAGRAPHS]:
                        lines.append(f"- {quoted_sentence(p, 0, len(p.text))} [{cite_sentence(book, p, 0, len(p.text))}]")
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
                if topic == "nhiem_vu":  # next tasks: sections about what comes, not the tasks done
                    paths = future_sections(paras)
                else:
                    paths = [path for path, _ in section_items(ctx, paras, _topic_question(u, topic))]
                items = _digest_items(paras, paths)[:ITEMS_PER_PART]
                if not items and no_sections and topic == "han_che":
                    items = _difficulty_sentences(ctx, paras)  # a news item says them in its text
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

    @classmethod
    def _titled_docs(cls, u: Understanding, ctx: Context, docs: list[str]) -> list[str]:
        """Among all the reports of the asked unit(s), those whose title states the asked topic."""
        attr = cls._topic_attr(u, ctx, docs)
        if attr is None:
            return []
        pool = list(dict.fromkeys([d for unit in u.units for d in ctx.unit_docs.get(unit, [])] or docs))
        if u.periods:
            pool = [d for d in pool if d in docs or not ctx.reports.get(d, {}).get("period")]
        out = []
        for d in pool:
            title = folded_text(" ".join([ctx.reports.get(d, {}).get("title") or "", ctx.doc(d).title]))
            if ctx.matcher.states(attr, title) >= TITLE_TOPIC_SCORE:  # every heavy word of the topic
                out.append(d)
        return out

    @classmethod
    def _focus(cls, u: Understanding, ctx: Context, docs: list[str]):
        """The topic a summary request narrows to ("mô hình camera an ninh của phường X có gì đáng chú
        ý?"), or None when it asks for the whole report (no specific words left)."""
        return cls._topic_attr(u, ctx, docs)

    @staticmethod
    def _topic_attr(u: Understanding, ctx: Context, docs: list[str]):
        """The specific words of a summary request, or None."""
        words = load_question_words()
        parts = [w for topic, _ in _PARTS for w in words.list_topics.get(topic, ())]  # the digest's own parts
        attr = ctx.attribute(u, docs, extra_drop=[*words.plain_cues.get("summary", ()), *_SUMMARY_WORDS, *parts],
                             keep_type_words=False)
        # Numbers and references ("1,5 năm", "NQ57") name the report's period or subject, not a topic.
        attr = type(attr)(tuple(t for t in attr.terms if not any(ch.isdigit() for ch in t.word)), attr.phrase)
        if not attr.terms or ctx.matcher.generic(attr):
            return None
        return attr

    def _focused(self, u: Understanding, ctx: Context, docs: list[str], attr) -> Answer:
        """A digest of one topic: the section whose title names it (its items and figures), else the
        sentences that state it with their figures; an abstention when the reports do not name it."""
        from assistant.strategies.text import rank_sentences

        book = ctx.book()
        blocks: list[str] = []
        for doc_id in docs:
            paras = ctx.doc(doc_id).paragraphs
            sections = _titled_sections(ctx, paras, attr)
            if sections:
                chosen = [p for p in paras if any(p.section_path[:len(path)] == path for path in sections)]
                spans = [(p, 0, len(p.text)) for p in _digest_items(paras, sections)][:FOCUS_SENTENCES]
            else:
                good = [s for s in rank_sentences(ctx, u, [doc_id], attr) if s.score >= FOCUS_SENTENCE_SCORE]
                good.sort(key=lambda s: (s.paragraph.n, s.start))
                spans = [(s.paragraph, s.start, s.end) for s in good[:FOCUS_SENTENCES]]
                chosen = [p for p, _, _ in spans]
            if not spans:
                continue
            lines = [f"Theo {ctx.report_phrase(doc_id)}, về {_topic_phrase(u, attr)}:"]
            ids = {p.id for p in chosen}
            figures = [(p, s, e, v) for p, s, e, v in self._key_figures(ctx, doc_id, limit=None) if p.id in ids]
            quoted: set[tuple[str, int]] = set()
            if figures:
                lines.append("Số liệu chính:")
                for p, s, e, value in figures[:FOCUS_FIGURES]:
                    quoted.add((p.id, s))
                    lines.append(f"- {value}: {quoted_sentence(p, s, e)} [{cite_sentence(book, p, s, e)}]")
            rest = [(p, s, e) for p, s, e in spans if (p.id, s) not in quoted]
            if rest:
                lines.append("Nội dung:")
                for p, s, e in rest:
                    lines.append(f"- {quoted_sentence(p, s, e)} [{cite_sentence(book, p, s, e)}]")
            blocks.append("\n".join(lines))
        if not blocks:
            return missing_sentence(ctx, u, docs, _topic_phrase(u, attr), attr)
        return answered(u, "\n\n".join(blocks), book, "summary")

    @staticmethod
    def _key_figures(ctx: Context, doc_id: str, limit: int | None = KEY_FIGURES) -> list[tuple[Paragraph, int, int, str]]:
        """Key figures in report order: those the indicators table files (one per indicator) first,
        then other counted figures of results (not plans), one per sentence."""
        indicators = [i for i in ctx.store.query_indicators(doc_id=doc_id)
                      if i.qualifier != ctx.aggregator.taxonomy.target_qualifier] if ctx.aggregator is not None else []
        # A count written as a word ("hai lớp") is read when asked for, not picked as a key figure:
        # "xác thực hai lớp" is also a kind of authentication.
        figures = [v for v in ctx.facts([doc_id], "figure") if not v.fact.target and any(c.isdigit() for c in v.fact.text)]
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
        picked = kept[:limit] if limit is not None else kept
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


def _fold(text: str) -> str:
    return folded_text(text).strip()


def _is_item(p: Paragraph) -> bool:
    """A paragraph that says something: not a heading, a title-like line or an appendix note."""
    text = p.text.strip()
    if p.kind in ("heading", "table_row") or not text or _APPENDIX_RE.match(text) or CLOSING_RE.match(text):
        return False
    words = len(text.split())
    titled = text.isupper() or bool(_HEADING_LIKE_RE.match(text))
    sentence = bool(re.search(r"[.;!?…:]$", text))
    return not (words <= TITLE_WORDS_MAX and (not sentence or (text.isupper() and titled)))


def _digest_items(paragraphs: list[Paragraph], paths: list[tuple[str, ...]]) -> list[Paragraph]:
    """Items of the chosen sections for a digest: the first substantive paragraph of each
    sub-section in turn, then the second of each, so that every sub-section is represented."""
    per_section: dict[tuple[str, ...], list[Paragraph]] = {}
    for p in paragraphs:
        if CLOSING_RE.match(p.text.lstrip("*_ ")):
            break  # "Trên đây là ...", "Nơi nhận:": the body of the report has ended
        if any(p.section_path[:len(path)] == path for path in paths) and _is_item(p):
            per_section.setdefault(p.section_path, []).append(p)
    out: list[Paragraph] = []
    depth = 0
    while True:
        row = [ps[depth] for ps in per_section.values() if len(ps) > depth]
        if not row:
            return out
        out.extend(row)
        depth += 1


def _difficulty_sentences(ctx: Context, paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Paragraphs of a news item that speak of difficulties ("vẫn còn không ít khó khăn: ...")."""
    words = [folded_text(w).strip() for w in load_question_words().list_topics.get("han_che", ())]
    out = []
    for p in paragraphs:
        folded = folded_text(p.text)
        if _is_item(p) and any(f" {w} " in folded for w in words):
            out.append(p)
    return out


def _titled_sections(ctx: Context, paragraphs: list[Paragraph], attr) -> list[tuple[str, ...]]:
    """Sections whose own title states the topic (the outermost of nested ones)."""
    out: list[tuple[str, ...]] = []
    for p in paragraphs:
        if p.kind != "heading" or not p.section_path or p.section_path in out:
            continue
        title = folded_text(p.section_path[-1])
        if ctx.matcher.states(attr, title) >= FOCUS_TITLE_SCORE and \
                not any(p.section_path[:len(o)] == o for o in out):
            out.append(p.section_path)
    return out


def _topic_phrase(u: Understanding, attr) -> str:
    """The asked topic as a noun phrase of the question ("mô hình camera an ninh")."""
    from assistant.words import text_for_segmenting

    phrase = " ".join(text_for_segmenting(asked_phrase(u, ""), [*load_question_words().plain_cues.get("summary", ()),
                                                               *_SUMMARY_WORDS]).split())
    if phrase:
        return phrase
    words = [t.accented or t.word for t in attr.terms]
    return " ".join(words) or "nội dung được hỏi"


def _title_paragraph(paragraphs: list[Paragraph], title: str) -> Paragraph | None:
    """The paragraph that holds the report's title (its first words), for citing it."""
    head = _fold(title)[:60]
    for p in paragraphs[:40]:
        if head and head in _fold(p.text):
            return p
    return None
