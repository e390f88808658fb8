"""Answers made of other answers: a comparison of units (one answer per unit) and a multi-part
question (one answer per part), merged with one citation numbering."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.models import Answer, Citation
from assistant.strategies.base import Context
from assistant.strategies.replies import abstain

if TYPE_CHECKING:
    from assistant.understand import Understanding

_MARKER_RE = re.compile(r"\[(\d+)\]")

Dispatch = Callable[["Understanding"], Answer]


def merge(question: str, parts: Sequence[tuple[str, Answer]], intent: str) -> Answer:
    """One answer from several: each part's text under its label, citations renumbered."""
    citations: list[Citation] = []
    by_key: dict[tuple[str, tuple[str, ...]], int] = {}
    lines: list[str] = []
    for label, ans in parts:
        mapping: dict[int, int] = {}
        for c in ans.citations:
            key = (c.doc_id, tuple(c.paragraph_ids))
            if key not in by_key:
                by_key[key] = len(citations) + 1
                citations.append(replace(c, n=by_key[key]))
            mapping[c.n] = by_key[key]
        text = _renumber(ans.answer, mapping)
        lines.append(f"{label}{text}" if label else text)
    abstained = all(a.abstained for _, a in parts)
    return Answer(question=question, answer="\n".join(lines), abstained=abstained,
                  citations=[] if abstained and not citations else citations, intent=intent)


def _renumber(text: str, mapping: dict[int, int]) -> str:
    return _MARKER_RE.sub(lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", text)


class CompareStrategy:
    """Several units named: the same question for each unit."""

    name = "compare"

    def __init__(self, dispatch: Dispatch) -> None:
        self.dispatch = dispatch

    def answer(self, u: Understanding, ctx: Context) -> Answer | None:
        if len(u.units) < 2 or u.intent not in ("compare", "lookup", "list"):
            return None
        parts: list[tuple[str, Answer]] = []
        for unit in u.units:
            one = replace(u, units=[unit], intent="list" if u.list_topic else "lookup", parts=[])
            ans = self.dispatch(one)
            label = unit_name(ctx, unit)
            parts.append((f"- {label}: ", ans))
        merged = merge(u.question, parts, "compare")
        return merged


class MultipartStrategy:
    """"Tiếp nhận bao nhiêu hồ sơ và đã giải quyết bao nhiêu?": one answer per part."""

    name = "multipart"

    def __init__(self, dispatch: Dispatch) -> None:
        self.dispatch = dispatch

    def answer(self, u: Understanding, ctx: Context) -> Answer | None:
        if u.intent != "multipart" or len(u.parts) < 2:
            return None
        answers = [(f"{i}. ", self.dispatch(replace(p, scope=u.scope)))
                   for i, p in enumerate(u.parts, start=1)]
        if all(a.abstained for _, a in answers):
            return abstain(u, "\n".join(f"{label}{a.answer}" for label, a in answers))
        return merge(u.question, answers, "multipart")


def unit_name(ctx: Context, unit: str) -> str:
    for d in ctx.unit_docs.get(unit, []):
        return ctx.unit_label(d)
    return unit
