"""The chat: turns of a conversation, their rendering, streaming answers and stopping them.

`ChatController` holds no web-framework objects: `app.py` passes it the browser's conversation
library and the chosen filters, and shows what it returns (`ChatView`, message lists, HTML).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from webapp.backend import AppBackend, Delta
from webapp.citations import CitationView
from webapp.conversation import Conversation, Library, Turn, answer_from_dict, answer_to_dict
from webapp.export import ExportTurn
from webapp.render import (
    Note,
    filter_chips_html,
    message_markdown,
    plain_text,
    question_markdown,
    sources_panel_html,
    status_badge_html,
)

log = logging.getLogger(__name__)

PENDING_TEXT = "Đang tìm trong các báo cáo…"
ERROR_REPLY = ("Không trả lời được câu hỏi này do lỗi hệ thống. Vui lòng thử lại; "
               "quản trị viên xem chi tiết trong nhật ký máy chủ.")
STOPPED_NOTE = "Đã dừng theo yêu cầu; câu trả lời trên chưa đầy đủ và chưa được kiểm chứng."
ABSTAIN_NOTE = "Không tìm thấy thông tin này trong các báo cáo đã nạp; hệ thống không đưa ra câu trả lời phỏng đoán."
# A question is kept (on screen, in the browser's storage) up to this size; the answerer refuses
# questions over its own, smaller limit with a message.
STORED_QUESTION_CHARS = 4000
FACETS = (("provinces", "Tỉnh"), ("units", "Đơn vị"), ("periods", "Kỳ báo cáo"))


def filters_dict(provinces: Sequence[str] | None, units: Sequence[str] | None,
                 periods: Sequence[str] | None) -> dict[str, list[str]]:
    return {k: list(v) for k, v in (("provinces", provinces), ("units", units), ("periods", periods)) if v}


@dataclass(slots=True)
class ChatView:
    """Everything the chat area shows for the conversation on screen."""

    messages: list[dict[str, str]]
    panel_html: str
    plain_text: str
    refilter: bool  # offer "clear the filters and ask again" (the last answer abstained under filters)
    can_export: bool


class ChatController:
    def __init__(self, backend: AppBackend) -> None:
        self.backend = backend
        self._inflight: dict[str, tuple[threading.Event, list[str]]] = {}  # conv id -> (stop, partial text)
        self._lock = threading.Lock()

    # ---- rendering -----------------------------------------------------------------------------
    def period_labels(self) -> dict[str, str]:
        return {code: label for label, code in self.backend.filter_choices()["periods"]}

    def filter_text(self, filters: dict[str, list[str]]) -> str:
        labels = self.period_labels()
        parts = []
        for key, facet in FACETS:
            values = [labels.get(v, v) if key == "periods" else v for v in filters.get(key, [])]
            if values:
                parts.append(f"{facet}: {', '.join(values)}")
        return "; ".join(parts)

    def notes(self, turn: Turn) -> list[Note]:
        a = turn.answer or {}
        out: list[Note] = []
        if a.get("abstained"):
            if turn.filters:
                out.append(Note(f"Câu hỏi được tìm trong phạm vi bộ lọc đang chọn ({self.filter_text(turn.filters)}). "
                                "Thông tin có thể nằm trong báo cáo khác: bấm “Bỏ bộ lọc và hỏi lại”.", act=True))
            else:
                out.append(Note(ABSTAIN_NOTE))
        out.extend(Note(n) for n in a.get("notes") or [] if isinstance(n, str) and n)
        if turn.stopped:
            out.append(Note(STOPPED_NOTE, act=True))
        return out

    def turn_views(self, turn: Turn) -> list[CitationView]:
        if not turn.answer or turn.stopped:
            return []
        return self.backend.citation_views(answer_from_dict(turn.answer), turn.question)

    def assistant_markdown(self, turn: Turn, index: int, partial: str | None = None) -> str:
        if turn.failed:
            return message_markdown(ERROR_REPLY)
        if turn.answer is None:
            if partial:
                return message_markdown(partial, typing=True)
            return message_markdown(PENDING_TEXT, typing=True)
        a = turn.answer
        numbers = [] if turn.stopped else [c.get("n") for c in a.get("citations") or [] if isinstance(c, dict)]
        return message_markdown(str(a.get("answer") or ""), self.notes(turn), index, numbers)

    def messages(self, conv: Conversation, partial: str | None = None) -> list[dict[str, str]]:
        out = []
        for i, t in enumerate(conv.turns):
            out.append({"role": "user", "content": question_markdown(t.question)})
            out.append({"role": "assistant", "content": self.assistant_markdown(
                t, i, partial if i == len(conv.turns) - 1 else None)})
        return out

    def panel(self, conv: Conversation, index: int | None) -> str:
        if index is None or not (0 <= index < len(conv.turns)):
            return sources_panel_html([], None)
        return sources_panel_html(self.turn_views(conv.turns[index]), index)

    def last_answered(self, conv: Conversation) -> int | None:
        return next((i for i in range(len(conv.turns) - 1, -1, -1) if conv.turns[i].answer is not None), None)

    def view(self, conv: Conversation) -> ChatView:
        """The chat area after a change: messages, and the sources of the last answer."""
        last = self.last_answered(conv)
        turn = conv.turns[last] if last is not None else None
        views = self.turn_views(turn) if turn else []
        text = ""
        if turn and turn.answer:
            text = plain_text(str(turn.answer.get("answer") or ""), self.notes(turn), views)
        refilter = bool(turn and turn.answer and turn.answer.get("abstained") and turn.filters)
        return ChatView(self.messages(conv), sources_panel_html(views, last), text, refilter, last is not None)

    def badge(self, retrieval: str | None = None) -> str:
        return status_badge_html(retrieval or self.backend.retrieval_mode, self.backend.llm_model)

    def chips(self, provinces: Sequence[str] | None, units: Sequence[str] | None,
              periods: Sequence[str] | None) -> str:
        return filter_chips_html(*self.backend.filter_chips(provinces, units, periods))

    # ---- conversations -------------------------------------------------------------------------
    @staticmethod
    def current(lib: Library) -> Conversation:
        conv = lib.get(lib.current)
        if conv is None:
            conv = Conversation()
            lib.conversations.insert(0, conv)
            lib.current = conv.id
        return conv

    def new_conversation(self, lib: Library) -> Conversation:
        """Start an empty conversation (the one on screen stays in the list of past ones)."""
        conv = self.current(lib)
        self.stop(conv)
        if not conv.turns:
            return conv
        fresh = Conversation()
        lib.conversations.insert(0, fresh)
        lib.current = fresh.id
        return fresh

    def open(self, lib: Library, conv_id: str | None) -> Conversation:
        if lib.get(conv_id) is not None:
            self.stop(self.current(lib))
            lib.current = conv_id
        return self.current(lib)

    def delete(self, lib: Library, conv_id: str | None) -> Conversation:
        if conv_id:
            lib.remove(conv_id)
        return self.current(lib)

    # ---- asking --------------------------------------------------------------------------------
    def start(self, lib: Library, question: str, filters: dict[str, list[str]]) -> Conversation | None:
        """Add the question as a pending turn (None for an empty question or one still pending)."""
        question = (question or "").strip()
        conv = self.current(lib)
        if not question or (conv.turns and conv.turns[-1].answer is None and not conv.turns[-1].failed):
            return None
        conv.turns.append(Turn(question[:STORED_QUESTION_CHARS], None, filters))
        lib.put(conv)
        return conv

    def answer(self, lib: Library) -> Iterator[str | None]:
        """Answer the pending turn: yields the partial text while an LLM streams, then None once
        the turn holds its answer (or its error)."""
        conv = self.current(lib)
        stop = threading.Event()
        partial: list[str] = []
        with self._lock:  # one answer per pending turn, however many events ask for it
            if not self.busy(lib) or conv.id in self._inflight:
                yield None
                return
            self._inflight[conv.id] = (stop, partial)
        turn = conv.turns[-1]
        history = conv.history()
        f = turn.filters
        try:
            filters = self.backend.make_filters(f.get("provinces"), f.get("units"), f.get("periods"))
            for event in self.backend.ask_stream(turn.question, history, filters, stop):
                if isinstance(event, Delta):
                    partial.append(event.text)
                    yield "".join(partial)
                elif not turn.stopped:
                    turn.answer = answer_to_dict(event)
        except Exception:  # the page must stay usable; details go to the server log
            log.exception("question failed: %r", turn.question)
            if not turn.stopped:
                turn.failed = True
        finally:
            with self._lock:
                self._inflight.pop(conv.id, None)
            stop.set()
        lib.put(conv)
        yield None

    def busy(self, lib: Library) -> bool:
        """The conversation on screen has a question waiting for its answer."""
        conv = self.current(lib)
        return bool(conv.turns) and conv.turns[-1].answer is None and not conv.turns[-1].failed

    def stop(self, conv: Conversation) -> bool:
        """Stop the pending answer of a conversation, keeping what was streamed so far."""
        with self._lock:
            inflight = self._inflight.pop(conv.id, None)
        if not conv.turns or conv.turns[-1].answer is not None or conv.turns[-1].failed:
            return False
        turn = conv.turns[-1]
        partial = "".join(inflight[1]) if inflight else ""
        if inflight:
            inflight[0].set()
        turn.stopped = True
        turn.answer = {"question": turn.question, "answer": partial or "(chưa có nội dung)", "abstained": False,
                       "citations": [], "notes": []}
        return True

    # ---- exports -------------------------------------------------------------------------------
    def export_turns(self, conv: Conversation, only_last: bool) -> list[ExportTurn]:
        turns = [(i, t) for i, t in enumerate(conv.turns) if t.answer is not None]
        if only_last:
            turns = turns[-1:]
        return [ExportTurn(t.question, str(t.answer.get("answer") or ""), self.notes(t), self.turn_views(t),
                           t.stopped) for _i, t in turns if t.answer]

    def export(self, conv: Conversation, only_last: bool) -> Path | None:
        turns = self.export_turns(conv, only_last)
        if not turns:
            return None
        title = "Câu trả lời" if only_last else f"Hội thoại: {conv.title}"
        return self.backend.export_docx(turns, title, "cau_tra_loi" if only_last else "hoi_thoai")


def library_of(value: Any) -> Library:
    return Library.from_value(value)
