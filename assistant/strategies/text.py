"""Descriptive answers (what, which, how, where, why) and yes/no questions, from the sentences of the
report that state the asked attribute; an abstention when no sentence does."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.matching import IN_SENTENCE, MatchResult
from assistant.strategies.base import DENSE_RANK_WEIGHT, Context
from assistant.strategies.replies import (
    abstain,
    answered,
    asked_phrase,
    cite_sentence,
    missing_sentence,
    quoted_sentence,
)
from assistant.words import folded_text, load_question_words

if TYPE_CHECKING:
    from assistant.models import Answer
    from assistant.understand import Understanding
    from ingest.models import Paragraph

TEXT_MIN_SCORE = 0.6  # calibrated on the development sets' tune files
MAX_SENTENCES = 3
MAX_SENTENCES_PLURAL = 6  # "những mô hình nào": every sentence that states one
CLOSE_TO_BEST = 0.85  # further sentences are quoted when they score this close to the best
CLOSE_TO_BEST_PLURAL = 0.7
_PLURAL_RE = re.compile(r"\b(?:nhung|cac)\b.*\b(?:nao|gi)\b|\bke ten\b|\bliet ke\b")
FOCUS_MISSING = 0.85
_PLACE_WORDS = (" tai ", " o ", " to dan pho ", " thon ", " khu ", " dia ban ")
_PURPOSE_WORDS = (" nham ", " de ", " giup ", " phuc vu ", " muc dich ", " vi ", " do ", " gop phan ")
_NEGATED_RE = re.compile(r" (?:khong|chua|khong co|khong phat sinh|chua co) ")


@dataclass(slots=True)
class ScoredSentence:
    paragraph: Paragraph
    start: int
    end: int
    match: MatchResult
    score: float  # how well the sentence states the asked attribute (decides whether to answer)
    rank: float  # the score and, with embeddings on, the dense prior (orders the sentences)


_QUESTION_WORD_RE = re.compile(r" (?:nao|gi) ")


def focus_word(ctx: Context, u: Understanding, attr, cue: re.Pattern[str] = _QUESTION_WORD_RE) -> str | None:
    """The asked entity of "… nhiệm kỳ nào?", "… thiết bị gì?": the last attribute word before the
    question word, `cue` (None when the question has no such word or it names nothing specific)."""
    folded = folded_text(ctx.matcher.weights.restore_accents(u.effective))
    m = cue.search(folded)
    if not m:
        return None
    before = folded[: m.start()].split()
    words = {t.word for t in attr.terms}
    for n in (3, 2, 1):
        cand = " ".join(before[-n:])
        if cand in words:
            return cand
    return None


def rank_sentences(ctx: Context, u: Understanding, docs: list[str], attr) -> list[ScoredSentence]:
    focus = focus_word(ctx, u, attr)
    prior = ctx.dense_prior(u.effective, docs)
    out: list[ScoredSentence] = []
    # A who-question's words are not found in the names of people ("viết bài" in "Trương Việt Dũng"),
    # unless the question names that person.
    fq = folded_text(u.effective)
    names = {f" {n} " for n in (folded_text(v.fact.text).strip() for v in ctx.facts(docs, "person"))
             if n and f" {n} " not in fq} if u.answer_type == "who" else set()
    for p, s, e, folded in ctx.sentences(ctx.paragraphs(docs)):
        for name in names:
            if name in folded:
                folded = folded.replace(name, " ")
        m = ctx.matcher.score(attr, folded, folded, ctx.context_of(p))
        score = m.score
        if focus is not None and f" {focus} " not in folded:
            score *= FOCUS_MISSING  # the sentence does not name the asked entity
        if u.answer_type == "where" and any(w in folded for w in _PLACE_WORDS):
            score += 0.05
        if (u.answer_type == "why" or u.list_topic == "nguyen_nhan") and any(w in folded for w in _PURPOSE_WORDS):
            score += 0.05
        out.append(ScoredSentence(p, s, e, m, score, score + DENSE_RANK_WEIGHT * prior.get(p.id, 0.0)))
    out.sort(key=lambda x: (-x.rank, x.end - x.start))
    return out


MAX_LIST_AFTER = 10
MAX_CONTINUATION = 2  # sentences an intro ending in ";" or ":" is extended by, inside its paragraph
MAX_CONTINUED_CHARS = 700


_CAUSE_RE = re.compile(r"(?i)(?<!\w)(?:do|vì|bởi|nhằm|để|giúp)(?!\w)")


def _cause_focus(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where a long quote of a why-answer is windowed: on its cause ("... do còn hồ sơ tồn đọng")."""
    m = _CAUSE_RE.search(text, start, end)
    return (m.start(), min(end, m.end() + 80)) if m else None


def continued_end(p: Paragraph, start: int, end: int) -> int:
    """ "Triển khai tích hợp các tiện ích trên ứng dụng VNeID; đến nay, đã tích hợp Sổ sức khỏe ...":
    a sentence that ends in ";" or ":" goes on in the next one, which holds what it announces."""
    from ingest.text import sentence_spans

    spans = [sp for sp in sentence_spans(p.text) if sp.start >= end]
    if _INLINE_LIST_RE.search(p.text[start:end]):
        # "Các nội dung trọng tâm gồm: - Tuyên truyền .... - Phát triển .... - Đề xuất ...": the items
        # of a list written inside one paragraph go on while the next sentence opens with a dash.
        for sp in spans[:MAX_LIST_AFTER]:
            if not _ITEM_OPEN_RE.match(p.text[sp.start:sp.end]) or sp.end - start > MAX_INLINE_LIST_CHARS:
                break
            end = sp.end
        return end
    for sp in spans[:MAX_CONTINUATION]:
        if not p.text[start:end].rstrip().endswith((";", ":")) or sp.end - start > MAX_CONTINUED_CHARS:
            break
        end = sp.end
    return end


_INLINE_LIST_RE = re.compile(r":\s*[-+•–]\s")
_ITEM_OPEN_RE = re.compile(r"\s*[-+•–]\s")
MAX_INLINE_LIST_CHARS = 1200


def _section_run(ctx: Context, first: Paragraph, goes_on: Callable[[Paragraph], bool]) -> list[Paragraph]:
    """The text and bullet paragraphs right after `first` in its section, while `goes_on` holds
    (at most MAX_LIST_AFTER)."""
    paras = ctx.doc(first.doc_id).paragraphs
    idx = next((i for i, p in enumerate(paras) if p.id == first.id), None)
    out: list[Paragraph] = []
    for p in paras[idx + 1:] if idx is not None else []:
        if p.kind not in ("bullet", "text") or p.section_path != first.section_path or not goes_on(p):
            break
        out.append(p)
        if len(out) >= MAX_LIST_AFTER:
            break
    return out


def _list_after(ctx: Context, s: ScoredSentence) -> list[Paragraph]:
    """The items a sentence ending in ":" introduces: the rest of its paragraph's lines are in the
    paragraph itself; the following bullet paragraphs of the same section are returned."""
    intro = s.paragraph.text[s.start:s.end].rstrip().endswith(":")
    parent = s.paragraph.text.lstrip().startswith("-")  # "- Triển khai ...;" then "+ ..." sub-items

    def item(p: Paragraph) -> bool:
        lead = p.text.lstrip()[:1]
        if intro:
            return p.kind != "text" or lead in ("-", "+", "•", "*")
        return parent and lead == "+"

    return _section_run(ctx, s.paragraph, item)


_LEAD_RE = re.compile(r"^[\s\-+*•–]*(?:\(?\d+[.)]|\(?[a-zđ][.)])?\s*")
PARALLEL_LEAD_WORDS = 2


def _lead(text: str) -> str:
    """The first words of a paragraph, list marker aside ("- Đề nghị tiếp tục ..." -> "de nghi")."""
    return " ".join(folded_text(_LEAD_RE.sub("", text, count=1)).split()[:PARALLEL_LEAD_WORDS])


def _parallel_after(ctx: Context, s: ScoredSentence) -> list[Paragraph]:
    """ "Đề nghị các cơ quan ... nghiên cứu ...", then "Đề nghị tiếp tục hoàn thiện ...": the next
    paragraphs of the section that open with the same words are further items of the answer."""
    if s.start > 0:
        return []
    lead = _lead(s.paragraph.text)
    if len(lead.split()) < PARALLEL_LEAD_WORDS:
        return []
    return _section_run(ctx, s.paragraph, lambda p: _lead(p.text) == lead)


class TextStrategy:
    name = "text"

    def answer(self, u: Understanding, ctx: Context) -> Answer | None:
        docs, problem = ctx.docs_for(u)
        if problem:
            return abstain(u, problem)
        if not docs:
            return None
        if not u.units and len(docs) > 1:
            passages = ctx.retriever.retrieve(u.effective, 12, u.filters)
            docs = list(dict.fromkeys(p.doc_id for p in passages))[:3] or docs[:3]
        # "... nhằm mục đích gì?": the question words of a why-question are not words to match.
        why = u.answer_type == "why" or u.list_topic == "nguyen_nhan"
        drop = load_question_words().plain_cues.get("why", ()) if why else ()
        attr = ctx.attribute(u, docs, extra_drop=drop, keep_type_words=False)
        if not attr.terms:
            return missing_sentence(ctx, u, docs, asked_phrase(u))
        ranked = rank_sentences(ctx, u, docs, attr)
        good = [s for s in ranked if s.score >= TEXT_MIN_SCORE and s.match.key_found >= IN_SENTENCE * 0.9]
        if not good:
            return missing_sentence(ctx, u, docs, asked_phrase(u), attr)
        best = good[0]
        book = ctx.book()
        if u.answer_type == "yesno":
            negated = bool(_NEGATED_RE.search(folded_text(best.paragraph.text[best.start:best.end])))
            n = cite_sentence(book, best.paragraph, best.start, best.end)
            verdict = "Không" if negated else "Có"
            text = (f"{verdict}. Theo {ctx.report_phrase(best.paragraph.doc_id)}: "
                    f"{quoted_sentence(best.paragraph, best.start, best.end)} [{n}]")
            return answered(u, text, book, "lookup")
        plural = bool(_PLURAL_RE.search(u.key))
        most = MAX_SENTENCES_PLURAL if plural else MAX_SENTENCES
        close = CLOSE_TO_BEST_PLURAL if plural else CLOSE_TO_BEST
        lines = []
        seen: set[tuple[str, int]] = set()
        for s in good:
            if len(lines) >= most or s.score < best.score * close:
                break
            key = (s.paragraph.id, s.start)
            if key in seen:
                continue
            seen.add(key)
            end = continued_end(s.paragraph, s.start, s.end)
            n = cite_sentence(book, s.paragraph, s.start, end)
            focus = _cause_focus(s.paragraph.text, s.start, end) if why else None
            q = quoted_sentence(s.paragraph, s.start, end, focus)
            if not lines:
                lines.append(f"Theo {ctx.report_phrase(s.paragraph.doc_id)}: {q} [{n}]")
            else:
                lines.append(f"- {q} [{n}]")
            # "Các nội dung trọng tâm ... gồm:" introduces a list: its items answer too; so do the
            # paragraphs that go on like it, when the question asks for several things.
            for item in [*_list_after(ctx, s), *(_parallel_after(ctx, s) if plural else [])]:
                if (item.id, 0) in seen:
                    continue
                seen.add((item.id, 0))
                lines.append(f"- {quoted_sentence(item, 0, len(item.text))} [{cite_sentence(book, item, 0, len(item.text))}]")
        return answered(u, "\n".join(lines), book, "lookup")
