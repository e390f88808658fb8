"""Retrieval-side dataclasses: what the retriever hands to the layers above it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

RetrievalMode = Literal["hybrid", "lexical", "dense"]


@dataclass(slots=True)
class Passage:
    """A retrieved chunk (or paragraph) with its provenance."""

    chunk_id: str
    doc_id: str
    text: str
    score: float
    paragraph_ids: list[str]
    section_path: tuple[str, ...] = ()
    unit: str | None = None
    unit_type: str | None = None
    province: str | None = None
    period: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The `retrieve` contract: {"doc_id", "text", "score", "paragraph_ids"}."""
        return {"doc_id": self.doc_id, "text": self.text, "score": round(self.score, 6),
                "paragraph_ids": list(self.paragraph_ids)}
