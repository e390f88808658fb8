"""Citation verification: every [n] exists, every number of a sentence is in one of its cited passages.

Numbers are compared by their digits (`ingest.numbers.number_keys`: "2,955" == "2.955" == "2955",
"05" == "5"), because the reports write the same figure with either separator. Numbers that belong to a sentence's own
framing (the report's period, e.g. "tháng 4/2026") are allowed through `allowed_text`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.models import Citation
from ingest.numbers import number_keys

_MARKER_RE = re.compile(r"\[(\d+)\]")
_SENTENCE_RE = re.compile(r"[^\n]+?(?:[.!?…](?=\s|$)|\n|$)(?:\s*\[\d+\])*")


@dataclass(frozen=True, slots=True)
class SentenceCheck:
    sentence: str
    ok: bool
    reason: str | None = None


def split_sentences(text: str) -> list[str]:
    """Answer prose split into sentences; trailing [n] markers stay with their sentence, and a
    quotation “…” is never split (a quoted report sentence may hold its own full stops)."""
    out: list[str] = []
    pending = ""
    for part in _SENTENCE_RE.findall(text):
        pending = f"{pending} {part}" if pending else part
        if pending.count("“") <= pending.count("”"):
            if pending.strip():
                out.append(pending.strip())
            pending = ""
    if pending.strip():
        out.append(pending.strip())
    return out


def check_sentences(text: str, citations: Sequence[Citation], allowed_text: str = "",
                    require_citation: bool = False) -> list[SentenceCheck]:
    """Check each sentence; with `require_citation`, a sentence without [n] fails too (LLM output)."""
    by_n = {c.n: c for c in citations}
    allowed = number_keys(allowed_text)
    out: list[SentenceCheck] = []
    for sentence in split_sentences(text):
        markers = [int(m) for m in _MARKER_RE.findall(sentence)]
        unknown = [n for n in markers if n not in by_n]
        if unknown:
            out.append(SentenceCheck(sentence, False, f"trích dẫn không tồn tại: {unknown}"))
            continue
        if require_citation and not markers:
            out.append(SentenceCheck(sentence, False, "câu không có trích dẫn"))
            continue
        body = _MARKER_RE.sub(" ", sentence)
        numbers = number_keys(body) - allowed
        if not numbers:
            out.append(SentenceCheck(sentence, True))
            continue
        if not markers:
            out.append(SentenceCheck(sentence, False, "câu có số liệu nhưng không có trích dẫn"))
            continue
        cited = set().union(*(number_keys(by_n[n].text) for n in markers))
        missing = numbers - cited
        if missing:
            out.append(SentenceCheck(sentence, False, f"số liệu không có trong nguồn trích dẫn: {sorted(missing)}"))
        else:
            out.append(SentenceCheck(sentence, True))
    return out


def verify_answer(text: str, citations: Sequence[Citation], allowed_text: str = "") -> list[str]:
    """Problems found (empty when every sentence is backed by its citations)."""
    return [f"{c.reason}: {c.sentence}" for c in check_sentences(text, citations, allowed_text) if not c.ok]


def keep_verified(text: str, citations: Sequence[Citation], allowed_text: str = "") -> tuple[str, int]:
    """The answer with unverifiable or uncited sentences removed, and how many were removed."""
    checks = check_sentences(text, citations, allowed_text, require_citation=True)
    kept = [c.sentence for c in checks if c.ok]
    return "\n".join(kept), sum(1 for c in checks if not c.ok)


# -- images, links and active HTML in LLM output --------------------------------------------------
# A chat renders markdown: an image makes the browser fetch its URL (a tracking or exfiltration
# channel), a link sends the reader elsewhere. Such markup stays only when a passage given to the
# model holds it verbatim (a quoted report may contain a URL); the UI shows it as text either way.
_MD_IMAGE_RE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)\n]*)?\)")
_MD_LINK_RE = re.compile(r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)\n]*)?\)")
_MD_REF_IMAGE_RE = re.compile(r"!\[([^\]\n]*)\]\[[^\]\n]*\]")
# "[1]: http://host/t.png" would turn every [1] citation marker into a link or image.
_MD_REF_DEF_RE = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?(\S+?)>?(?:[ \t]+.*)?$", re.MULTILINE)
# Elements whose content is never prose: removed with it.
_HTML_BLOCK_RE = re.compile(r"<(script|style|iframe|object|embed|svg|video|audio|noscript|template|frameset)\b"
                            r"[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_HTML_TAG_RE = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>|<!--.*?-->", re.DOTALL)
_URL_RE = re.compile(r"<?\b(?:(?:https?|ftp|file|data|javascript):|www\.)[^\s<>\"'\])]*>?", re.IGNORECASE)


def strip_untraced_markup(text: str, passages: Sequence[str]) -> tuple[str, int]:
    """Remove markdown images and links, HTML tags and bare URLs that no passage contains verbatim.

    Images and active elements (script, iframe, ...) go whole; a link keeps its visible text (a
    citation marker stays "[n]"); other tags go, their text stays. Returns (text, items removed).
    """
    corpus = "\n".join(passages)
    removed = 0

    def traced(fragment: str) -> bool:
        return bool(fragment) and fragment in corpus

    def image(m: re.Match[str]) -> str:
        nonlocal removed
        if traced(m.group(0)):
            return m.group(0)
        removed += 1
        return ""

    def link(m: re.Match[str]) -> str:
        nonlocal removed
        if traced(m.group(0)) or (m.group(2) and traced(m.group(2))):
            return m.group(0)
        removed += 1
        label = m.group(1).strip()
        return f"[{label}]" if label.isdigit() else label  # "[1](url)" and "[[1]](url)" keep the marker

    def ref_def(m: re.Match[str]) -> str:
        nonlocal removed
        if traced(m.group(0).strip()):
            return m.group(0)
        removed += 1
        return ""

    def tag(m: re.Match[str]) -> str:
        nonlocal removed
        if traced(m.group(0)):
            return m.group(0)
        removed += 1
        return ""

    def url(m: re.Match[str]) -> str:
        nonlocal removed
        bare = m.group(0).strip("<>").rstrip(".,;:")
        if traced(bare):
            return m.group(0)
        removed += 1
        return m.group(0)[len(m.group(0).rstrip(".,;:")):] if m.group(0).endswith((".", ",", ";", ":")) else ""

    out = _HTML_BLOCK_RE.sub(tag, text)
    out = _MD_IMAGE_RE.sub(image, out)
    out = _MD_REF_IMAGE_RE.sub(image, out)
    out = _MD_LINK_RE.sub(link, out)
    out = _MD_REF_DEF_RE.sub(ref_def, out)
    out = _HTML_TAG_RE.sub(tag, out)
    out = _URL_RE.sub(url, out)
    if removed:
        out = "\n".join(re.sub(r"[ \t]{2,}", " ", ln).strip() for ln in out.split("\n"))
        out = re.sub(r"\n{3,}", "\n\n", out).strip()
    return out, removed
