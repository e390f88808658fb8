"""Answer-side dataclasses; `Answer.to_dict()` is the JSON contract of docs/DESIGN.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from index.models import RetrievalMode

Mode = Literal["extractive", "llm"]


@dataclass(slots=True)
class Citation:
    n: int
    doc_id: str
    unit: str
    section: str  # section path joined with " > "
    paragraph_ids: list[str]
    text: str  # the exact cited passage (paragraph text from the report)
    # [start, end) offsets inside `text` of the span the answer relies on (the sentence holding the
    # cited value or quote), for highlighting; None when the whole passage is cited.
    highlight: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The citation keys of the docs/DESIGN.md answer JSON (the highlight is for the app only)."""
        return {"n": self.n, "doc_id": self.doc_id, "unit": self.unit, "section": self.section,
                "paragraph_ids": list(self.paragraph_ids), "text": self.text}


@dataclass(slots=True)
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    mode: Mode = "extractive"
    retrieval: RetrievalMode = "lexical"
    timings_ms: dict[str, float] = field(default_factory=dict)
    # Not part of the JSON contract: used by the app and eval.
    intent: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "mode": self.mode,
            "retrieval": self.retrieval,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
