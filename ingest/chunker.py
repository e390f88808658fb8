"""Section-aware chunking of a parsed report.

Rules:
- a chunk never mixes two top-level sections (the preamble before the first heading is its own
  group);
- paragraphs are packed greedily in document order up to `max_chars` of body text; a paragraph
  that fits within `max_chars` is never cut (gold quotes must stay whole inside one chunk);
- a new chunk starts at a heading once the current chunk holds `min_chars`, so subsections
  start chunks when possible and a heading is never left dangling at the end of a chunk;
- a paragraph longer than `max_chars` is split at sentence boundaries (underthesea's Punkt-style
  `sent_tokenize`), then at "; " / ", " / spaces for a single over-long sentence;
- a tiny tail chunk (< min_chars / 3) is merged into the previous chunk of the same group;
- `chunk.text` = one header line "[<unit> · <period>] <numbered section path>" + the covered
  paragraph texts, one per line; `paragraph_ids` lists every covered paragraph (each paragraph
  of the report is covered by at least one chunk).
"""

from __future__ import annotations

import importlib.util
import logging
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ingest.labels import unit_label
from ingest.models import Chunk, Report, Section

log = logging.getLogger(__name__)

PREAMBLE_TITLE = "Phần mở đầu"


@lru_cache(maxsize=1)
def _sentence_splitter() -> Callable[[str], list[str]]:
    """underthesea.sent_tokenize without importing the whole package (which loads transformers).

    The sentence tokenizer is a self-contained module; when underthesea is already imported we
    use it normally, otherwise we load just that file. Falls back to a regex splitter."""
    try:
        if "underthesea" in sys.modules:
            from underthesea import sent_tokenize

            return sent_tokenize
        spec = importlib.util.find_spec("underthesea")
        if spec and spec.submodule_search_locations:
            for base in spec.submodule_search_locations:
                path = f"{base}/pipeline/sent_tokenize/__init__.py"
                mspec = importlib.util.spec_from_file_location("_ingest_ut_sent_tokenize", path)
                if mspec and mspec.loader:
                    module = importlib.util.module_from_spec(mspec)
                    mspec.loader.exec_module(module)
                    return module.sent_tokenize
    except Exception as exc:  # pragma: no cover - fallback path
        log.warning("underthesea sent_tokenize unavailable (%s); using a regex sentence splitter", exc)
    return _regex_sentences


_SENT_RE = re.compile(r"[^.!?…]+(?:[.!?…]+|$)")


def _regex_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT_RE.findall(text) if s.strip()]


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets inside text[start:end], exact slices, no surrounding spaces."""
    end = len(text) if end is None else end
    segment = text[start:end]
    try:
        sentences = _sentence_splitter()(segment)
    except Exception:  # pragma: no cover
        sentences = _regex_sentences(segment)
    spans: list[tuple[int, int]] = []
    pos = 0
    for s in sentences:
        k = segment.find(s, pos)
        if k < 0:  # tokenizer changed the text: give up on exact alignment, use the regex splitter
            return _regex_spans(text, start, end)
        spans.append((start + k, start + k + len(s)))
        pos = k + len(s)
    return spans or [(start, end)]


def _regex_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    for m in _SENT_RE.finditer(text, start, end):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans or [(start, end)]


def _hard_split(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Split one over-long sentence at '; ', ', ' or spaces so that pieces are <= limit."""
    out: list[tuple[int, int]] = []
    s = start
    while end - s > limit:
        window = text[s:s + limit]
        cut = -1
        for sep in ("; ", ", ", " "):
            k = window.rfind(sep)
            if k > limit // 3:
                cut = k + len(sep.rstrip())
                break
        if cut <= 0:
            cut = limit
        out.append((s, s + cut))
        s += cut
        while s < end and text[s].isspace():
            s += 1
    if end > s:
        out.append((s, end))
    return out


@dataclass(slots=True)
class _Unit:
    pid: str
    start: int
    end: int
    path: tuple[str, ...]
    heading: bool


def _common_prefix(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    if not paths:
        return ()
    prefix = paths[0]
    for p in paths[1:]:
        k = 0
        while k < len(prefix) and k < len(p) and prefix[k] == p[k]:
            k += 1
        prefix = prefix[:k]
    return prefix


class SectionChunker:
    def __init__(self, max_chars: int = 1200, min_chars: int = 500, header_context: bool = True) -> None:
        if max_chars < 100:
            raise ValueError("max_chars must be >= 100")
        self.max_chars = max_chars
        self.min_chars = min(min_chars, max_chars)
        self.header_context = header_context

    # -- header --------------------------------------------------------------------------------
    @staticmethod
    def _section_labels(report: Report) -> dict[tuple[str, ...], str]:
        labels: dict[tuple[str, ...], str] = {}

        def walk(secs: list[Section]) -> None:
            for s in secs:
                num = s.numbering.strip()
                label = s.title if not num or num == s.title else f"{num} {s.title}"
                labels.setdefault(s.path, label)
                walk(s.children)

        walk(report.sections)
        return labels

    def header(self, report: Report, path: tuple[str, ...], labels: dict[tuple[str, ...], str]) -> str:
        parts = [labels.get(path[: k + 1], path[k]) for k in range(len(path))] or [PREAMBLE_TITLE]
        line = " > ".join(parts)
        if self.header_context:
            ctx = []
            if report.unit:
                ctx.append(unit_label(report.unit, report.unit_type))
            if report.period_label:
                ctx.append(report.period_label)
            if ctx:
                line = f"[{' · '.join(ctx)}] {line}"
        return re.sub(r"\s+", " ", line).strip()

    # -- main ----------------------------------------------------------------------------------
    def _units(self, report: Report, group) -> list[_Unit]:
        units: list[_Unit] = []
        text = report.text
        for p in group:
            if p.end - p.start <= self.max_chars:
                units.append(_Unit(p.id, p.start, p.end, p.section_path, p.kind == "heading"))
                continue
            pieces: list[tuple[int, int]] = []
            cur_s = cur_e = None
            for s, e in sentence_spans(text, p.start, p.end):
                spans = _hard_split(text, s, e, self.max_chars) if e - s > self.max_chars else [(s, e)]
                for ss, ee in spans:
                    if cur_s is None:
                        cur_s, cur_e = ss, ee
                    elif ee - cur_s <= self.max_chars:
                        cur_e = ee
                    else:
                        pieces.append((cur_s, cur_e))
                        cur_s, cur_e = ss, ee
            if cur_s is not None:
                pieces.append((cur_s, cur_e))
            units.extend(_Unit(p.id, s, e, p.section_path, False) for s, e in pieces)
        return units

    def run(self, report: Report) -> list[Chunk]:
        labels = self._section_labels(report)
        groups: list[list] = []
        last_key: object = object()
        for p in report.paragraphs:
            key = p.section_path[0] if p.section_path else None
            if not groups or key != last_key:
                groups.append([])
                last_key = key
            groups[-1].append(p)

        chunks: list[Chunk] = []
        for group in groups:
            packs: list[list[_Unit]] = []
            cur: list[_Unit] = []
            size = 0
            for u in self._units(report, group):
                length = u.end - u.start
                if cur and (size + 1 + length > self.max_chars or (u.heading and size >= self.min_chars)):
                    carry: list[_Unit] = []
                    carry_size = 0
                    # do not end a chunk on a heading: move trailing headings to the next chunk
                    while (len(cur) > 1 and cur[-1].heading
                           and carry_size + (cur[-1].end - cur[-1].start + 1) + length <= self.max_chars):
                        carry_size += cur[-1].end - cur[-1].start + 1
                        carry.insert(0, cur.pop())
                    packs.append(cur)
                    cur = carry
                    size = sum(x.end - x.start + 1 for x in cur)
                cur.append(u)
                size += length + 1
            if cur:
                packs.append(cur)
            if len(packs) >= 2:
                tail = packs[-1]
                tail_size = sum(x.end - x.start + 1 for x in tail)
                prev_size = sum(x.end - x.start + 1 for x in packs[-2])
                if tail_size < self.min_chars // 3 and prev_size + tail_size <= int(self.max_chars * 1.25):
                    packs[-2].extend(packs.pop())
            for pack in packs:
                chunks.append(self._make_chunk(report, pack, len(chunks) + 1, labels))
        return chunks

    def _make_chunk(self, report: Report, pack: list[_Unit], n: int, labels) -> Chunk:
        text = report.text
        header = self.header(report, pack[0].path, labels)
        body = "\n".join(text[u.start:u.end] for u in pack)
        pids: list[str] = []
        for u in pack:
            if u.pid not in pids:
                pids.append(u.pid)
        return Chunk(id=f"{report.doc_id}:c{n}", doc_id=report.doc_id, n=n, text=f"{header}\n{body}",
                     section_path=_common_prefix([u.path for u in pack]), paragraph_ids=pids,
                     start=pack[0].start, end=pack[-1].end)


# -- reading the header line back ----------------------------------------------------------------
_HEADER_RE = re.compile(r"^\[[^\]\n]*\][^\n]*$")


def chunk_body(chunk: Chunk) -> str:
    """The chunk's report text without its header line ("[<unit> · <period>] <section path>")."""
    text = chunk.text
    first, sep, rest = text.partition("\n")
    if sep and (_HEADER_RE.match(first) or (chunk.section_path and _is_header_line(first, chunk.section_path))):
        return rest
    return text


def index_text(chunk: Chunk) -> str:
    """Text analysed for BM25: the section path and the body, without the "[unit · period]" prefix of
    the header line (unit and period are metadata: every chunk of a report repeats them, which only
    dilutes their weight; named units and periods act as filters/boosts instead)."""
    text = chunk.text
    first, sep, rest = text.partition("\n")
    if sep and _HEADER_RE.match(first):
        return first[first.index("]") + 1 :].strip() + "\n" + rest
    return text


def _is_header_line(line: str, path: Sequence[str]) -> bool:
    s = line.strip().strip("#*").strip()
    last = path[-1].strip()
    return bool(last) and " > " in s and s.endswith(last)
