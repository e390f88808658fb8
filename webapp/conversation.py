"""Conversations as plain JSON-able data, kept in the browser (localStorage) between visits.

A conversation is a list of turns (question, serialised answer, the filters it was asked under).
The browser copy is untrusted input: `Library.from_value` accepts only the expected shape and
sizes, and answers are re-rendered (escaped) from their fields, never from stored markup.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from assistant.models import Answer, Citation

log = logging.getLogger(__name__)

MAX_CONVERSATIONS = 30
MAX_TURNS = 60
MAX_STORED_CHARS = 2_000_000  # localStorage holds about 5 MB per site; stay well below
TITLE_CHARS = 60
STORE_VERSION = 1


def answer_to_dict(a: Answer) -> dict[str, Any]:
    """The docs/DESIGN.md answer JSON plus what the app shows (notes, highlight offsets)."""
    d = a.to_dict()
    d["notes"] = list(a.notes)
    for cd, c in zip(d["citations"], a.citations, strict=True):
        cd["highlight"] = list(c.highlight) if c.highlight else None
    return d


def _str(v: Any, default: str = "") -> str:
    return v if isinstance(v, str) else default


def answer_from_dict(d: dict[str, Any]) -> Answer:
    """Inverse of `answer_to_dict`, tolerant of missing or mistyped fields (browser data)."""
    citations = []
    for c in d.get("citations") or []:
        if not isinstance(c, dict):
            continue
        hl = c.get("highlight")
        highlight = (int(hl[0]), int(hl[1])) if isinstance(hl, list) and len(hl) == 2 and \
            all(isinstance(x, int) for x in hl) else None
        try:
            n = int(c.get("n"))
        except (TypeError, ValueError):
            continue
        citations.append(Citation(n=n, doc_id=_str(c.get("doc_id")), unit=_str(c.get("unit")),
                                  section=_str(c.get("section")),
                                  paragraph_ids=[p for p in c.get("paragraph_ids") or [] if isinstance(p, str)],
                                  text=_str(c.get("text")), highlight=highlight))
    mode = d.get("mode") if d.get("mode") in ("extractive", "llm") else "extractive"
    retrieval = d.get("retrieval") if d.get("retrieval") in ("hybrid", "lexical", "dense") else "lexical"
    timings = {k: float(v) for k, v in (d.get("timings_ms") or {}).items() if isinstance(v, int | float)}
    return Answer(question=_str(d.get("question")), answer=_str(d.get("answer")),
                  abstained=bool(d.get("abstained")), citations=citations, mode=mode, retrieval=retrieval,
                  timings_ms=timings, notes=[n for n in d.get("notes") or [] if isinstance(n, str)])


@dataclass(slots=True)
class Turn:
    question: str
    answer: dict[str, Any] | None = None  # answer_to_dict(); None while pending
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet -> chosen values
    stopped: bool = False  # the user stopped the answer (the partial text is kept in `answer`)
    failed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer, "filters": self.filters,
                "stopped": self.stopped, "failed": self.failed}

    @classmethod
    def from_dict(cls, d: Any) -> Turn | None:
        if not isinstance(d, dict) or not isinstance(d.get("question"), str):
            return None
        filters = {k: [x for x in v if isinstance(x, str)] for k, v in (d.get("filters") or {}).items()
                   if isinstance(k, str) and isinstance(v, list)}
        answer = d.get("answer") if isinstance(d.get("answer"), dict) else None
        return cls(d["question"], answer, filters, bool(d.get("stopped")), bool(d.get("failed")))

    @property
    def answered(self) -> bool:
        return self.answer is not None and not self.stopped and not self.failed


@dataclass(slots=True)
class Conversation:
    id: str = field(default_factory=lambda: secrets.token_hex(6))
    turns: list[Turn] = field(default_factory=list)
    updated: float = field(default_factory=time.time)

    @property
    def title(self) -> str:
        first = self.turns[0].question.strip() if self.turns else ""
        if len(first) <= TITLE_CHARS:
            return first or "Cuộc hội thoại mới"
        return first[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"

    def history(self) -> list[str]:
        """Earlier questions, for follow-ups ("Còn phường X thì sao?")."""
        return [t.question for t in self.turns if t.answered]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "updated": self.updated, "turns": [t.to_dict() for t in self.turns]}

    @classmethod
    def from_dict(cls, d: Any) -> Conversation | None:
        if not isinstance(d, dict) or not isinstance(d.get("id"), str) or not isinstance(d.get("turns"), list):
            return None
        turns = [t for t in (Turn.from_dict(x) for x in d["turns"][-MAX_TURNS:]) if t is not None]
        updated = d.get("updated") if isinstance(d.get("updated"), int | float) else 0.0
        return cls(id=d["id"][:32], turns=turns, updated=float(updated))


@dataclass(slots=True)
class Library:
    """Every conversation of this browser, newest first; `current` is the one on screen."""

    conversations: list[Conversation] = field(default_factory=list)
    current: str | None = None

    @classmethod
    def from_value(cls, value: Any) -> Library:
        if not isinstance(value, dict) or value.get("v") != STORE_VERSION:
            return cls()
        convs = [c for c in (Conversation.from_dict(x) for x in (value.get("conversations") or [])
                             [:MAX_CONVERSATIONS]) if c is not None]
        current = value.get("current") if isinstance(value.get("current"), str) else None
        return cls(convs, current if any(c.id == current for c in convs) else None)

    def to_value(self) -> dict[str, Any]:
        """The browser copy: newest first, empty conversations dropped, bounded in size."""
        convs = sorted((c for c in self.conversations if c.turns), key=lambda c: -c.updated)[:MAX_CONVERSATIONS]
        value = {"v": STORE_VERSION, "current": self.current, "conversations": [c.to_dict() for c in convs]}
        while len(value["conversations"]) > 1 and len(json.dumps(value, ensure_ascii=False)) > MAX_STORED_CHARS:
            value["conversations"].pop()
        return value

    def get(self, conv_id: str | None) -> Conversation | None:
        return next((c for c in self.conversations if c.id == conv_id), None)

    def put(self, conv: Conversation) -> None:
        """Store (or replace) a conversation and make it current."""
        conv.updated = time.time()
        self.conversations = [conv, *(c for c in self.conversations if c.id != conv.id)]
        self.current = conv.id

    def remove(self, conv_id: str) -> None:
        self.conversations = [c for c in self.conversations if c.id != conv_id]
        if self.current == conv_id:
            self.current = None

    def choices(self) -> list[tuple[str, str]]:
        """(label, id) of the stored conversations, newest first."""
        out = []
        for c in sorted((c for c in self.conversations if c.turns), key=lambda c: -c.updated):
            when = time.strftime("%d/%m %H:%M", time.localtime(c.updated))
            n = len(c.turns)
            out.append((f"{c.title} · {n} câu hỏi · {when}", c.id))
        return out
