"""One strategy per kind of question, behind one registry (the single place to add a question type).

`build_registry(dispatch)` lists the strategies in the order they are tried: each returns an
`Answer` or None ("not my kind of question"); the first answer wins. Guards (off-topic, unknown
unit) are in the answerer, before the registry. To add a question type: write a strategy with
`name` and `answer(u, ctx)`, add its cue words to ingest/question_words.toml, and insert it here.
"""

from __future__ import annotations

from assistant.strategies.base import Context, Strategy
from assistant.strategies.combine import CompareStrategy, Dispatch, MultipartStrategy
from assistant.strategies.dates import DateStrategy
from assistant.strategies.documents import DocumentStrategy, DocumentSubjectStrategy
from assistant.strategies.figures import FigureStrategy
from assistant.strategies.lists import ListStrategy
from assistant.strategies.metadata import MetadataStrategy
from assistant.strategies.people import PersonStrategy
from assistant.strategies.sets import AggregateStrategy, TextAggregateStrategy
from assistant.strategies.summary import SummaryStrategy
from assistant.strategies.tables import TableCellStrategy
from assistant.strategies.text import TextStrategy

__all__ = ["Context", "Strategy", "build_registry"]


def build_registry(dispatch: Dispatch) -> list[Strategy]:
    return [
        SummaryStrategy(),
        MultipartStrategy(dispatch),
        MetadataStrategy(),
        DocumentSubjectStrategy(),
        AggregateStrategy(),
        TextAggregateStrategy(),
        CompareStrategy(dispatch),
        ListStrategy(),
        TableCellStrategy(),
        PersonStrategy(),
        DateStrategy(),
        DocumentStrategy(),
        FigureStrategy(),
        TextStrategy(),
    ]
