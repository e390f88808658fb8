"""Lists: difficulties, causes, proposals, tasks, lessons, models, advantages — the items of every
section whose title names the topic (a report may spread proposals over several sections and
tables), each item cited; sub-headings inside the section do not end the list."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.compose import quote
from assistant.strategies.base import Context
from assistant.strategies.replies import abstain, answered
from assistant.textutil import contains_phrase, match_key
from assistant.words import contains_word, folded_text, load_question_words, without_exclusions

if TYPE_CHECKING:
    from assistant.models import Answer
    from assistant.understand import Understanding
    from ingest.models import Paragraph

MAX_LIST_ITEMS = 25
MAX_SECTIONS = 4
SUBTOPIC_BONUS = 0.2
LIST_MIN_COVERAGE = 0.5  # share of the question's own terms (beyond the topic) the section must hold
# Closing formulas and distribution lists at the end of a report are never list items.
CLOSING_RE = re.compile(r"^\s*(?:Trên đây là|Nơi nhận|Lưu:|Lưu VT|\*\*KT\.|\*\*TM\.|KT\.|TM\.)", re.IGNORECASE)


class ListStrategy:
    name = "list"

    def answer(self, u: Understanding, ctx: Context) -> Answer | None:
        if not u.units or not (u.list_topic or _asks_for_list(u)):
            return None
        docs, problem = ctx.docs_for(u)
        if problem:
            return abstain(u, problem)
        book = ctx.book()
        blocks: list[str] = []
        for doc_id in docs:
            paras = ctx.doc(doc_id).paragraphs
            sections = section_items(ctx, paras, u)
            for path, items in sections:
                heading = _section_heading(paras, path)
                if heading is not None:
                    title = quote(heading.text).strip("“”")
                    lines = [f"Theo {ctx.report_phrase(doc_id)}, mục “{title}” [{book.cite(heading)}]:"]
                else:
                    lines = [f"Theo {ctx.report_phrase(doc_id)}:"]
                for p in items[:MAX_LIST_ITEMS]:
                    lines.append(f"- {quote(p.text)} [{book.cite(p, highlight=(0, len(p.text)))}]")
                if len(items) > MAX_LIST_ITEMS:
                    lines.append(f"(và {len(items) - MAX_LIST_ITEMS} nội dung khác trong mục này)")
                blocks.append("\n".join(lines))
        if not blocks:
            return None  # no section names the topic: the sentences that state it answer (TextStrategy)
        return answered(u, "\n\n".join(blocks), book, "list")


def _asks_for_list(u: Understanding) -> bool:
    """ "... ở những việc gì?", "đã hình thành những mô hình mới nào?": a plural question; "... đã
    triển khai X thế nào?" too (a section titled X then answers by its items)."""
    return (bool(_PLURAL_RE.search(u.key)) or bool(_HOW_RE.search(u.key))) and u.answer_type in ("text", "list", "why")


_HOW_RE = re.compile(r"\b(?:the nao|nhu the nao|ra sao|bang cach nao|lam gi de|lam nhung gi)\b")


def section_items(ctx: Context, paragraphs: Sequence[Paragraph],
                  u: Understanding) -> list[tuple[tuple[str, ...], list[Paragraph]]]:
    """Sections of the topic (their title, or an enclosing section's title, names it) whose text is
    about the question, with their items; every topic the question names is listed ("những tồn
    tại, hạn chế và nguyên nhân"). Among nested candidates, the one whose own title states the rest
    of the question wins; on a tie the broader one (its sub-sections are then the items). Without
    a topic, a section whose own title states the question lists its items."""
    if not u.list_topic:
        return _titled_section(ctx, paragraphs, u)
    vocab = load_question_words().list_topics
    topics = [t for t, ws in vocab.items() if any(contains_phrase(u.key, w) for w in ws)] or [u.list_topic]
    # Every topic word the question uses frames it ("nguyên nhân của những tồn tại, hạn chế"): the
    # rest of the question must be found in the section.
    framing = [w for ws in vocab.values() for w in ws if contains_phrase(u.key, w)]
    attr = ctx.attribute(u, [paragraphs[0].doc_id] if paragraphs else [],
                         extra_drop=[*framing, *_LIST_QUESTION_WORDS], keep_type_words=False)
    paths: dict[tuple[str, ...], int] = {}
    for i, p in enumerate(paragraphs):
        for depth in range(1, len(p.section_path) + 1):
            paths.setdefault(p.section_path[:depth], i)
    chosen: list[tuple[tuple[str, ...], list[Paragraph]]] = []
    for topic in topics:
        words = vocab.get(topic, ())
        asked = [w for w in words if contains_phrase(u.key, w)] or list(words)
        scored: list[tuple[float, int, tuple[str, ...]]] = []
        for path in paths:
            titled = [any(contains_phrase(without_exclusions(match_key(t), topic), w) for w in words) for t in path]
            if not any(titled):
                continue
            items = _items(paragraphs, path)
            if not items:
                continue
            body = folded_text(" ".join([*path, *(p.text for p in items)]))
            cov = ctx.matcher.score(attr, body, body).score if attr.terms else 1.0
            if cov < LIST_MIN_COVERAGE:
                continue
            title = folded_text(path[-1])
            own = ctx.matcher.score(attr, title, title).score if attr.terms else 0.0
            exact = any(contains_word(title, folded_text(w).strip()) for w in asked)
            # A section whose sub-sections are each titled by the topic ("2. Điểm nghẽn về thể chế",
            # "3. Điểm nghẽn về chuyển đổi số") lists them: it beats its parent and its children.
            subs = [p for p in items if p.kind == "heading"]
            named = sum(any(contains_word(folded_text(h.text), folded_text(w).strip()) for w in asked) for h in subs)
            listing = SUBTOPIC_BONUS * named / len(subs) if named >= 2 else 0.0
            scored.append((cov + 0.3 * own + (0.1 if exact else 0.0) + listing, -len(path), path))
        scored.sort(key=lambda x: (-x[0], -x[1]))
        picked = 0
        for score, _, path in scored:
            if picked and score < scored[0][0] - 0.25:
                break
            if any(path[:len(c)] == c or c[:len(path)] == path for c, _ in chosen):
                continue
            chosen.append((path, _items(paragraphs, path)))
            picked += 1
            if picked >= MAX_SECTIONS:
                break
    return chosen


_QUOTED_RE = re.compile(r"[\"“'‘]([^\"”'’]{3,120})[\"”'’]")
TITLE_MIN_SCORE = 0.75  # a section title this close to the question answers a plural question by its items
_PLURAL_RE = re.compile(r"\b(?:nhung|cac)\b.*\b(?:nao|gi)\b|\bnhung gi\b|\bke ten\b|\bliet ke\b|\bgom nhung\b")


def _titled_section(ctx: Context, paragraphs: Sequence[Paragraph],
                    u: Understanding) -> list[tuple[tuple[str, ...], list[Paragraph]]]:
    quoted = _QUOTED_RE.search(u.effective)
    if quoted:  # "Phần 'Về chuyển đổi số' gồm những mục nào?": the title as quoted
        attr = ctx.matcher.attribute(quoted.group(1), keep_type_words=False)
    else:
        attr = ctx.attribute(u, [paragraphs[0].doc_id] if paragraphs else [], extra_drop=_LIST_QUESTION_WORDS,
                             keep_type_words=False)
    if not attr.terms:
        return []
    best: tuple[float, tuple[str, ...]] | None = None
    seen: set[tuple[str, ...]] = set()
    for p in paragraphs:
        if p.kind != "heading" or not p.section_path or p.section_path in seen:
            continue
        seen.add(p.section_path)
        title = folded_text(p.section_path[-1])
        # "làm gì để bảo đảm an toàn thông tin": the verb frames, the title "An toàn thông tin" states it.
        score = ctx.matcher.states(attr, title)
        if score >= TITLE_MIN_SCORE and (best is None or score > best[0]):
            best = (score, p.section_path)
    if best is None:
        return []
    items = _items(paragraphs, best[1])
    return [(best[1], items)] if items else []


_LIST_QUESTION_WORDS = ("những gì", "gồm những gì", "là gì", "nào", "kể tên", "liệt kê", "nêu", "có những",
                        "những", "các", "gì", "nội dung", "mục", "phần", "gồm", "bao gồm", "những nội dung")


def _items(paragraphs: Sequence[Paragraph], path: tuple[str, ...]) -> list[Paragraph]:
    """The section's items: its sub-section headings when it has sub-sections (each is one item,
    "1. Tiếp tục nâng cao hiệu quả ...", with the paragraphs before the first one), else its
    paragraphs."""
    depth = len(path)
    inside = []
    for p in paragraphs:
        if p.section_path[:depth] != path:
            continue
        if CLOSING_RE.match(p.text.lstrip("*_ ")):
            break  # "Trên đây là ...", "Nơi nhận:", the signature: the report's body has ended
        if not (p.kind == "heading" and p.section_path == path) and p.text.strip():
            inside.append(p)
    subs = [p for p in inside if p.kind == "heading" and len(p.section_path) == depth + 1]
    if len(subs) >= 2:
        return [p for p in inside if p.section_path == path or p in subs]
    return inside


def _section_heading(paragraphs: Sequence[Paragraph], path: tuple[str, ...]) -> Paragraph | None:
    """The heading paragraph that opens the section of the listed items (None when unnumbered)."""
    for p in paragraphs:
        if p.kind == "heading" and p.section_path == path:
            return p
    return None
