"""A tiny sentence-transformers model built on the fly: the real dense code path, no downloads."""

from __future__ import annotations

from pathlib import Path


def build_tiny_sentence_transformer(base: Path) -> Path:
    """A 1-layer BERT (hidden 16) with a character WordPiece vocabulary and mean pooling, saved
    under `base/tiny-st` (meaningless semantics; deterministic weights)."""
    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, BertTokenizerFast

    hf = base / "hf"
    hf.mkdir(parents=True)
    chars = list("abcdefghijklmnopqrstuvwxyz0123456789")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, *("##" + c for c in chars)]
    (hf / "vocab.txt").write_text("\n".join(vocab), encoding="utf-8")
    BertTokenizerFast(vocab_file=str(hf / "vocab.txt"), do_lower_case=True, strip_accents=True).save_pretrained(hf)
    torch.manual_seed(0)
    BertModel(BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=32, max_position_embeddings=256)).save_pretrained(hf)
    transformer = models.Transformer(str(hf), max_seq_length=256)
    dim_of = getattr(transformer, "get_embedding_dimension", None) or transformer.get_word_embedding_dimension
    out = base / "tiny-st"
    SentenceTransformer(modules=[transformer, models.Pooling(dim_of(), pooling_mode="mean")], device="cpu").save(str(out))
    return out
