"""Sentence-transformers embeddings with model-family prefixes, loaded once, failing fast.

`EMBED_MODEL` is a model id ("intfloat/multilingual-e5-small", the CPU default; "BAAI/bge-m3" is the
quality profile: 568M parameters, 1024-d, 8k context, no prefixes) or a local directory.
`none` disables dense retrieval. These machines have no network: a model id that is not in the local
Hugging Face cache is not downloaded (a download attempt costs ~70 s of retries before failing), unless
`EMBED_ALLOW_DOWNLOAD=1` is set. When loading fails the caller gets `None` plus a reason, logs ONE
warning and runs lexical-only. Embeddings are never faked.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.settings import EmbedSettings

log = logging.getLogger(__name__)


def prefixes_for(model_name: str) -> tuple[str, str]:
    """(query prefix, passage prefix) by model family."""
    name = model_name.lower().rstrip("/").rsplit("/", 1)[-1] if not Path(model_name).is_dir() else \
        Path(model_name).name.lower()
    if "e5" in name.replace("-", " ").split() or name.startswith(("multilingual-e5", "e5-")) or "-e5-" in name:
        return "query: ", "passage: "
    return "", ""  # bge-m3, paraphrase-multilingual-*, vietnamese-sbert, local test models


@dataclass
class Embedder:
    model: Any  # sentence_transformers.SentenceTransformer
    name: str
    query_prefix: str = ""
    passage_prefix: str = ""
    batch_size: int = 32

    @property
    def dim(self) -> int:
        get_dim = getattr(self.model, "get_embedding_dimension", None) or \
            self.model.get_sentence_embedding_dimension
        return int(get_dim())

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        vecs = self.model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])


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


def load_embedder(cfg: EmbedSettings) -> tuple[Embedder | None, str | None]:
    """Load the configured model. Returns (embedder, None) or (None, reason in Vietnamese)."""
    name = (cfg.model or "").strip()
    if not name or name.lower() == "none":
        return None, "truy hồi ngữ nghĩa bị tắt (EMBED_MODEL=none)"
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

        model = SentenceTransformer(str(local) if is_dir else name, device=cfg.device,
                                    local_files_only=os.environ.get("EMBED_ALLOW_DOWNLOAD") != "1")
    except Exception as exc:
        return None, f"không tải được mô hình nhúng '{name}': {type(exc).__name__}: {str(exc)[:200]}"
    q, p = prefixes_for(name)
    prompts = getattr(model, "prompts", None) or {}
    if not q and "query" in prompts:
        q = prompts["query"]
        p = prompts.get("passage") or prompts.get("document") or ""
    emb = Embedder(model=model, name=name, query_prefix=q, passage_prefix=p, batch_size=cfg.batch_size)
    log.info("embedding model %s loaded (dim %d, prefixes %r/%r)", name, emb.dim, q, p)
    return emb, None
