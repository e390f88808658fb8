"""Chroma vector store for chunk vectors, through LlamaIndex's ChromaVectorStore.

Embedded `PersistentClient(<store>/chroma)` with telemetry off by default; `HttpClient` when
`CHROMA_HOST` is set. One collection per embedding model and dimension (vectors of different models
never mix): the name carries a slug of the model, a hash of its full identity (backend, model, prefixes)
and the dimension, e.g. `report_chunks--multilingual-e5-small-q4-1a2b3c4d-384d`; the collection metadata
records the identity and dimension too, and a collection whose metadata disagrees is refused.
Vector ids are `vector_id(chunk_id, content_hash)`: a new version of a file writes new ids first,
SQLite then switches to them in one transaction, and the stale ids are deleted afterwards. Readers
map hits back through SQLite, so a vector without a current chunk row is ignored.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.settings import Settings

log = logging.getLogger(__name__)


def collection_name(base: str, identity: str, dim: int) -> str:
    """Chroma collection of one embedding model: `<base>--<model slug>-<hash of identity>-<dim>d`."""
    model = identity.split("|", 1)[0].split(":", 1)[-1]
    tail = Path(model).name if Path(model).is_absolute() else model.rsplit("/", 1)[-1]
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", tail).strip("-")[:40].rstrip("-") or "model"
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:8]
    return f"{re.sub(r'[^a-zA-Z0-9_-]+', '-', base).strip('-_') or 'chunks'}--{slug}-{digest}-{int(dim)}d"


class CollectionMismatch(RuntimeError):
    """The collection exists with vectors of another model or dimension."""


def make_client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaClientSettings

    chroma_settings = ChromaClientSettings(anonymized_telemetry=False)
    if settings.chroma.host:
        return chromadb.HttpClient(host=settings.chroma.host, port=settings.chroma.port,
                                   settings=chroma_settings)
    path = Path(settings.store) / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class VectorIndex:
    """Chunk vectors in Chroma (LlamaIndex ChromaVectorStore wrapper)."""

    def __init__(self, settings: Settings, identity: str, dim: int, client: Any | None = None) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.client = client if client is not None else make_client(settings)
        self.identity, self.dim = identity, int(dim)
        self.name = collection_name(settings.chroma.collection, identity, dim)
        self.collection = self.client.get_or_create_collection(
            self.name, metadata={"hnsw:space": "cosine", "embed_model": identity, "embed_dim": self.dim})
        meta = self.collection.metadata or {}
        if meta.get("embed_model", identity) != identity or int(meta.get("embed_dim", dim)) != self.dim:
            raise CollectionMismatch(f"bộ sưu tập Chroma {self.name} chứa vector của mô hình "
                                     f"{meta.get('embed_model')} ({meta.get('embed_dim')} chiều), không phải "
                                     f"{identity} ({dim} chiều)")
        self.store = ChromaVectorStore(chroma_collection=self.collection)

    def add(self, vector_ids: Sequence[str], texts: Sequence[str], embeddings: np.ndarray,
            metadatas: Sequence[dict[str, Any]]) -> None:
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

        nodes = []
        for vid, text, emb, meta in zip(vector_ids, texts, embeddings, metadatas, strict=True):
            clean = {k: ("" if v is None else v) for k, v in meta.items()}
            nodes.append(TextNode(
                id_=vid, text=text, embedding=[float(x) for x in emb], metadata=clean,
                excluded_embed_metadata_keys=list(clean), excluded_llm_metadata_keys=list(clean),
                relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=str(meta["doc_id"]))}))
        if nodes:
            self.store.add(nodes)

    def all_ids(self, page: int = 5000) -> set[str]:
        """Every vector id in the collection (paged)."""
        out: set[str] = set()
        offset = 0
        while True:
            got = self.collection.get(include=[], limit=page, offset=offset)["ids"]
            out.update(got)
            if len(got) < page:
                return out
            offset += page

    def existing(self, vector_ids: Sequence[str]) -> set[str]:
        ids = list(vector_ids)
        found: set[str] = set()
        for i in range(0, len(ids), 1000):
            found.update(self.collection.get(ids=ids[i : i + 1000], include=[])["ids"])
        return found

    def delete_ids(self, vector_ids: Sequence[str]) -> None:
        ids = list(vector_ids)
        for i in range(0, len(ids), 1000):
            self.store.delete_nodes(node_ids=ids[i : i + 1000])

    def delete_doc(self, doc_id: str) -> None:
        self.store.delete(ref_doc_id=doc_id)

    def stale_ids(self, doc_id: str, keep: set[str]) -> list[str]:
        got = self.collection.get(where={"document_id": doc_id}, include=[])["ids"]
        return [i for i in got if i not in keep]

    def get_vectors(self, vector_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by id (ids not in the collection are left out); no re-embedding."""
        ids = list(dict.fromkeys(vector_ids))
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(ids), 1000):
            got = self.collection.get(ids=ids[i : i + 1000], include=["embeddings"])
            embs = got.get("embeddings")
            if embs is None:
                continue
            for vid, emb in zip(got["ids"], embs, strict=True):
                out[vid] = np.asarray(emb, dtype=np.float32)
        return out

    def count(self) -> int:
        return int(self.collection.count())

    def query(self, embedding: np.ndarray, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Top-k (vector_id, cosine similarity), optionally restricted to `doc_ids`."""
        from llama_index.core.vector_stores.types import (
            FilterOperator,
            MetadataFilter,
            MetadataFilters,
            VectorStoreQuery,
        )

        filters = None
        if doc_ids is not None:
            if not doc_ids:
                return []
            filters = MetadataFilters(filters=[MetadataFilter(key="document_id", operator=FilterOperator.IN,
                                                              value=list(doc_ids))])
        n = self.count()
        if n == 0:
            return []
        q = VectorStoreQuery(query_embedding=[float(x) for x in embedding], similarity_top_k=min(k, n),
                             filters=filters)
        res = self.store.query(q)
        # ChromaVectorStore reports exp(-distance); cosine similarity = 1 - distance.
        return [(vid, 1.0 + float(np.log(s)) if s > 0 else 0.0) for vid, s in zip(res.ids or [], res.similarities or [],
                                                                                 strict=False)]
