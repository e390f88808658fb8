"""Optional LLM composition through an OpenAI-compatible endpoint (vLLM, llama.cpp, Ollama).

The LLM receives the numbered passages of the extractive answer (as data inside tags, never as
instructions) and writes an answer with [n] markers; `verify` then keeps only the sentences
whose markers exist and whose numbers appear in their cited passages.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.verify import keep_verified

if TYPE_CHECKING:
    from assistant.models import Citation
    from index.settings import LLMSettings

log = logging.getLogger(__name__)

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
NO_ANSWER = "Các báo cáo không nêu thông tin này."


@cache
def load_prompt(name: str) -> str:
    """A prompt file from prompts/ by name (without extension)."""
    path = PROMPTS_DIR / f"{name}.md"
    if not path.is_file():
        raise FileNotFoundError(f"prompt file missing: {path}")
    return path.read_text(encoding="utf-8").strip()


def _escape_tags(text: str) -> str:
    # A passage must not be able to close its own data block.
    return text.replace("<", "‹").replace(">", "›")


def build_messages(question: str, citations: Sequence[Citation]) -> list[tuple[str, str]]:
    """(role, content) pairs: the system rules, then the question with passages as data."""
    passage_tpl = load_prompt("passage")
    passages = "\n".join(
        passage_tpl.format(n=c.n, unit=_escape_tags(c.unit), section=_escape_tags(c.section),
                           text=_escape_tags(c.text))
        for c in citations)
    user = load_prompt("answer").format(question=_escape_tags(question), passages=passages)
    return [("system", load_prompt("system")), ("user", user)]


class LLMComposer:
    """Writes an answer from numbered passages with an OpenAI-compatible chat model."""

    def __init__(self, settings: LLMSettings) -> None:
        if not settings.base_url:
            raise ValueError("LLM_BASE_URL is not set")
        self.settings = settings
        self._llm = None

    def _client(self):
        if self._llm is None:
            from llama_index.llms.openai_like import OpenAILike

            self._llm = OpenAILike(model=self.settings.model, api_base=self.settings.base_url,
                                   api_key=self.settings.api_key, timeout=self.settings.timeout_s,
                                   max_retries=0, is_chat_model=True, temperature=0.0,
                                   context_window=8192)
        return self._llm

    def compose(self, question: str, citations: Sequence[Citation]) -> str:
        from llama_index.core.llms import ChatMessage

        messages = [ChatMessage(role=role, content=content) for role, content in build_messages(question, citations)]
        response = self._client().chat(messages)
        text = (response.message.content or "").strip()
        if not text:
            raise RuntimeError("empty LLM response")
        return text

    def verify(self, text: str, citations: Sequence[Citation]) -> tuple[str, int]:
        """Keep the verified sentences; returns (text, number of sentences dropped)."""
        if text.strip() == NO_ANSWER:
            return "", 0
        return keep_verified(text, citations)
