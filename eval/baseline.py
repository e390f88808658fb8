"""The stock LlamaIndex pipeline the assistant is measured against.

SimpleDirectoryReader -> SentenceSplitter(chunk_size=512) -> the default BM25Retriever of
llama-index-retrievers-bm25 (its English stemmer and token pattern, untouched), over the same corpus and
the same questions as the assistant, scored by the same scorer.

Answering is extractive and deliberately simple, as someone would do with the stock pipeline and no LLM:
the answer is the sentence of the top retrieved chunk that shares the most distinct terms with the
question (ties: the earlier sentence), followed by "[1]", citing that chunk. Documented choices:
  * it never abstains (a BM25 retriever always returns something);
  * the conversation history is ignored (the stock retriever has no memory);
  * text is taken as read by SimpleDirectoryReader (the sample corpus is already NFC; the scorer
    NFC-normalises both sides anyway).
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

CHUNK_SIZE = 512
SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
_TERM = re.compile(r"\w+")


def split_sentences(text: str) -> list[str]:
    """Sentences of a chunk: breaks at newlines and at . ! ? followed by whitespace."""
    return [s.strip() for s in _SENTENCE_BREAK.split(text) if s and s.strip()]


def best_sentence(question: str, text: str) -> str:
    """The sentence sharing the most distinct (lower-cased) terms with the question."""
    q_terms = set(_TERM.findall(question.lower()))
    best, best_overlap = "", -1
    for sentence in split_sentences(text):
        overlap = len(q_terms & set(_TERM.findall(sentence.lower())))
        if overlap > best_overlap:
            best, best_overlap = sentence, overlap
    return best


class LlamaIndexBaseline:
    """SentenceSplitter(512) + default BM25Retriever + best-sentence extractive answers."""

    name = "llamaindex-bm25"

    def __init__(self, corpus: Path, chunk_size: int = CHUNK_SIZE, top_k: int = 10) -> None:
        self.corpus = Path(corpus)
        self.chunk_size = chunk_size
        self.top_k = top_k
        self._retriever: Any = None
        self.n_nodes = 0
        self.build_ms = 0.0

    def build(self) -> LlamaIndexBaseline:
        from llama_index.core import SimpleDirectoryReader
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.retrievers.bm25 import BM25Retriever

        started = time.perf_counter()
        documents = self._documents(SimpleDirectoryReader)
        nodes = SentenceSplitter(chunk_size=self.chunk_size).get_nodes_from_documents(documents)
        self.n_nodes = len(nodes)
        self._retriever = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=self.top_k)
        self.build_ms = (time.perf_counter() - started) * 1000
        logger.info("baseline: %d documents, %d nodes", len(documents), len(nodes))
        return self

    def _documents(self, reader_cls: Any) -> list[Any]:
        """.txt/.md through SimpleDirectoryReader; .docx/.pdf through the project's loader (the stock
        readers need llama-index-readers-file, which is not installed), so both sides read the same text."""
        from llama_index.core import Document

        files = [self.corpus] if self.corpus.is_file() else sorted(
            p for p in self.corpus.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        plain = [p for p in files if p.suffix.lower() in (".txt", ".md")]
        documents: list[Any] = []
        if plain:
            reader_log = logging.getLogger("llama_index.core.readers.file.base")
            level = reader_log.level
            reader_log.setLevel(logging.ERROR)  # "llama-index-readers-file not found" once per file
            try:
                documents += reader_cls(input_files=[str(p) for p in plain], filename_as_id=True).load_data()
            finally:
                reader_log.setLevel(level)
        for path in files:
            if path.suffix.lower() in (".txt", ".md"):
                continue
            try:
                from ingest.loaders import load_document

                documents.append(Document(text=load_document(path).text, id_=str(path),
                                          metadata={"file_name": path.name, "file_path": str(path)}))
            except Exception as exc:  # unreadable file: the baseline skips it, like a failed ingest
                logger.warning("baseline: cannot read %s: %s", path, exc)
        return documents

    def retrieve(self, question: str, k: int | None = None) -> list[dict[str, Any]]:
        """Ranked passages in the `retrieve` contract shape."""
        if self._retriever is None:
            self.build()
        results = self._retriever.retrieve(question)
        passages = []
        for r in results[: k or self.top_k]:
            file_name = r.node.metadata.get("file_name") or r.node.metadata.get("file_path") or ""
            passages.append({"doc_id": Path(file_name).stem, "text": r.node.get_content(),
                             "score": float(r.score or 0.0), "paragraph_ids": [r.node.node_id]})
        return passages

    def ask(self, question: str, history: list[str] | None = None,
            passages: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """An answer in the docs/DESIGN.md JSON shape (history is ignored, see the module docstring)."""
        started = time.perf_counter()
        if passages is None:
            passages = self.retrieve(question)
        if not passages:
            prose, citations = "", []
        else:
            top = passages[0]
            prose = f"{best_sentence(question, top['text'])} [1]"
            citations = [{"n": 1, "doc_id": top["doc_id"], "unit": "", "section": "",
                          "paragraph_ids": list(top["paragraph_ids"]), "text": top["text"]}]
        return {"question": question, "answer": prose, "abstained": False, "citations": citations,
                "mode": "extractive", "retrieval": "lexical",
                "timings_ms": {"total": round((time.perf_counter() - started) * 1000, 2)}}
