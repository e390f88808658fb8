"""Vietnamese analyzer for the lexical (BM25) index.

Documents and queries go through the same analysis:

* lower case, syllable tokens (one-letter syllables kept: "ở", "y", "a");
* tone placement canonicalised ("hóa" == "hoá", "ủy" == "uỷ"), both spellings occur in reports;
* compounds (multi-syllable words) as extra terms, joined with "_" ("hồ_sơ", "chuyển_đổi_số");
* an accent-folded copy of every token ("hồ_sơ" -> "ho_so", "đạt" -> "dat") so unaccented queries match;
* administrative abbreviations expanded both ways ("TTHC" <-> "thủ tục hành chính").

Compounds: underthesea's CRF word segmenter (`word_tokenize`) runs at roughly 35-50 KB of text per
second per core here, which is too slow for the ingest scale target (10,000 reports in < 20 min on two
cores). The default mode ("lexicon") therefore finds compounds by dictionary lookup in the word list
that ships with underthesea's own segmentation model (72k entries, the CRF's `is_in_dict` feature)
plus the expansions of the abbreviation table: every 2-4 syllable window inside a phrase that is a
dictionary word becomes a term. Mode "crf" uses `underthesea.word_tokenize` itself (slow, exact);
mode "none" disables compounds.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Literal

import ingest.text
from ingest.text import fold_accents

log = logging.getLogger(__name__)

CompoundMode = Literal["lexicon", "crf", "none"]

# Changes with this module's source and with the accent folding it uses (ingest/text.py): stored chunk
# terms are recomputed at the next index rebuild.
ANALYZER_VERSION = "vi-" + hashlib.sha1(Path(__file__).read_bytes()
                                        + Path(ingest.text.__file__).read_bytes()).hexdigest()[:10]

# Administrative abbreviations seen in commune/ward reports -> expansion (lower case, NFC).
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "tthc": ("thủ tục hành chính",),
    "dvctt": ("dịch vụ công trực tuyến",),
    "dvc": ("dịch vụ công",),
    "cđs": ("chuyển đổi số",),
    "cntt": ("công nghệ thông tin",),
    "khcn": ("khoa học công nghệ", "khoa học và công nghệ"),
    "kh&cn": ("khoa học và công nghệ",),
    "đmst": ("đổi mới sáng tạo",),
    "pakn": ("phản ánh kiến nghị",),
    "ubnd": ("uỷ ban nhân dân",),
    "hđnd": ("hội đồng nhân dân",),
    "tdp": ("tổ dân phố",),
    "bcđ": ("ban chỉ đạo",),
    "csdl": ("cơ sở dữ liệu",),
    "qlvb": ("quản lý văn bản",),
    "qlvbđh": ("quản lý văn bản và điều hành",),
    "vneid": ("định danh điện tử",),
    "ktxh": ("kinh tế xã hội",),
    "kt-xh": ("kinh tế xã hội",),
    "attt": ("an toàn thông tin",),
    "hcc": ("hành chính công",),
    "cchc": ("cải cách hành chính",),
    "mttq": ("mặt trận tổ quốc",),
    "cks": ("chữ ký số",),
    "vbđt": ("văn bản điện tử",),
    "ttđt": ("thông tin điện tử",),
    "nq": ("nghị quyết",),
    "tw": ("trung ương",),
    "bhxh": ("bảo hiểm xã hội",),
    "bhyt": ("bảo hiểm y tế",),
    "htx": ("hợp tác xã",),
    "khđt": ("kế hoạch và đầu tư",),
    "skh": ("sở khoa học",),
    "vhxh": ("văn hoá xã hội",),
    "bch": ("ban chấp hành",),
    "gplx": ("giấy phép lái xe",),
    "cns": ("công nghệ số",),
}

# Question words dropped from queries only (they are rare in reports and would get a high IDF).
QUERY_STOP_PHRASES: tuple[str, ...] = (
    "là bao nhiêu", "bao nhiêu", "là gì", "những gì", "gì", "nào", "thế nào", "ra sao", "như thế nào",
    "bao lâu", "hay không", "có không", "mấy", "thì sao", "hãy cho biết", "cho biết", "cho tôi biết",
    "ở đâu", "khi nào", "bao giờ", "những", "các", "báo cáo", "phường", "xã", "thị trấn", "đơn vị",
)

# Signature block of an administrative document ("TM. UỶ BAN NHÂN DÂN / CHỦ TỊCH", "KT. CHỦ TỊCH /
# PHÓ CHỦ TỊCH", "Nơi nhận:"): such text gets the extra terms below so "ai ký ...?" finds the signer.
_SIGNATURE_RE = re.compile(r"(?:^|\n)\W*(?:TM|KT|Q|TL|TUQ)\.\s*(?:CHỦ TỊCH|ỦY BAN|UỶ BAN|UBND)|"
                           r"(?:^|\n)\W*(?:PHÓ )?CHỦ TỊCH\W*(?:\n|$)")
SIGNATURE_TERMS: tuple[str, ...] = ("ký", "người_ký", "ký_tên", "ky", "nguoi_ky", "ky_ten")
_EXTRA_COMPOUNDS = ("người ký", "ký tên")

_TOKEN_RE = re.compile(r"[^\W_]+(?:&[^\W_]+)?|[^\w\s]|_|\n", re.UNICODE)
_WORD_RE = re.compile(r"[^\W_]", re.UNICODE)
_TONE_MARKS = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
# Open syllables ending in oa/oe/uy: the tone mark goes on the second vowel in the canonical form.
_OLD_TONE_RE = re.compile(r"(?<!q)(?:([oòóỏõọ])([ae])|([uùúủũụ])(y))$")
_QU_TONE_RE = re.compile(r"q([ùúủũụ])(?=[a-zàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợyỳýỷỹỵ])")
_MAX_COMPOUND = 4
# underthesea loads its models lazily into module globals: two threads doing it at once see a
# half-loaded tagger ("'NoneType' object has no attribute 'process'"). Every call into its CRF
# models (word_tokenize, pos_tag) holds this lock.
UNDERTHESEA_LOCK = threading.Lock()
LINE_BREAK = "|"  # separates the lines of a passage in cached term lists (never a term itself)


def is_signature_block(text: str) -> bool:
    """True when the text holds a signature block ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "TM. UỶ BAN ...")."""
    return _SIGNATURE_RE.search(text) is not None


@lru_cache(maxsize=200_000)
def canonical_syllable(syllable: str) -> str:
    """Lower-case syllable with canonical tone placement ("hóa" -> "hoá", "thủy" -> "thuỷ")."""
    s = syllable.lower()
    q = _QU_TONE_RE.match(s)
    if q is not None:  # "qủa" -> "quả": the "u" of "qu" is part of the consonant and takes no tone
        d = unicodedata.normalize("NFD", q.group(1))
        tone = "".join(c for c in d if c in _TONE_MARKS)
        rest = unicodedata.normalize("NFD", s[q.end(1):])
        if tone and not any(c in _TONE_MARKS for c in rest) and rest[:1] in "aeioăâêôơy":
            s = unicodedata.normalize("NFC", "qu" + rest[:1] + tone + rest[1:])
    m = _OLD_TONE_RE.search(s)
    if m is None:
        return s
    first, second = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    d1 = unicodedata.normalize("NFD", first)
    tone = next((c for c in d1 if c in _TONE_MARKS), None)
    if tone is None:
        return s
    base1 = "".join(c for c in d1 if c not in _TONE_MARKS)
    new2 = unicodedata.normalize("NFC", second + tone)
    return s[: m.start()] + unicodedata.normalize("NFC", base1) + new2


def canonical_text(text: str) -> str:
    """Lower case + canonical tone placement for every syllable (keeps everything else)."""
    return _TOKEN_RE.sub(lambda m: canonical_syllable(m.group(0)), text.lower())


@lru_cache(maxsize=400_000)
def _fold_token(token: str) -> str:
    return fold_accents(token)


_BREAK_RE = re.compile(r"[^\w\s&]+|_|\n|&(?![^\W_])|(?<![^\W_])&")
_SYLLABLE_RE = re.compile(r"[^\W_]+(?:&[^\W_]+)?")


def _split_phrases(text: str) -> list[list[str]]:
    """Canonical syllables grouped into phrases (punctuation and line breaks end a phrase)."""
    phrases: list[list[str]] = []
    for piece in _BREAK_RE.split(text.lower()):
        syls = _SYLLABLE_RE.findall(piece)
        if syls:
            phrases.append([canonical_syllable(x) for x in syls])
    return phrases


def _underthesea_dictionary_path() -> Path | None:
    """Path of underthesea's segmentation dictionary, found WITHOUT importing underthesea (its package
    import pulls in transformers and costs seconds)."""
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        p = Path(base) / "pipeline" / "word_tokenize" / "models" / "ws_crf_vlsp2013_20230727" / "dictionary.bin"
        if p.is_file():
            return p
    return None


@lru_cache(maxsize=1)
def _underthesea_lexicon() -> frozenset[str]:
    """Multi-syllable words of underthesea's segmentation dictionary, canonicalised, joined by '_'."""
    words: set[str] = set()
    try:
        import joblib

        path = _underthesea_dictionary_path()
        if path is None:
            raise FileNotFoundError("underthesea word segmentation dictionary not found")
        raw = joblib.load(path)
        for w in raw:
            parts = w.split()
            if 2 <= len(parts) <= _MAX_COMPOUND and all(_WORD_RE.match(p) for p in parts):
                words.add("_".join(canonical_syllable(p) for p in parts))
    except Exception as exc:  # pragma: no cover - depends on the installed underthesea
        log.warning("underthesea dictionary unavailable, compounds from the abbreviation table only: %s", exc)
    for expansions in ABBREVIATIONS.values():
        for exp in expansions:
            parts = exp.split()
            for n in range(2, min(len(parts), _MAX_COMPOUND) + 1):
                for i in range(len(parts) - n + 1):
                    words.add("_".join(canonical_syllable(p) for p in parts[i : i + n]))
    return frozenset(words)


class VietnameseAnalyzer:
    """Turns text into BM25 terms; the same analysis for documents and queries."""

    def __init__(self, compounds: CompoundMode = "lexicon",
                 abbreviations: dict[str, tuple[str, ...]] | None = None,
                 extra_compounds: Iterable[str] = (), bigrams: bool = True) -> None:
        self.compounds = compounds
        self.bigrams = bigrams and compounds != "none"
        self.version = f"{ANALYZER_VERSION}-{compounds}{'-bigrams' if self.bigrams else ''}"
        abbr = ABBREVIATIONS if abbreviations is None else abbreviations
        self._abbr: dict[str, list[list[str]]] = {}
        self._abbr_folded: dict[str, str] = {}
        # Expansion (folded syllable tuple) -> abbreviation key.
        self._expansions: dict[tuple[str, ...], str] = {}
        for key, exps in abbr.items():
            k = key.lower()
            self._abbr[k] = [[canonical_syllable(s) for s in _split_phrases(e)[0]] for e in exps]
            self._abbr_folded.setdefault(_fold_token(k).replace("&", ""), k)
            for e in exps:
                self._expansions[tuple(_fold_token(s) for s in _split_phrases(e)[0])] = k
        self._max_exp = max((len(x) for x in self._expansions), default=0)
        self._exp_first = frozenset(x[0] for x in self._expansions)
        # syllable (as written or folded) -> expansions
        self._abbr_any: dict[str, list[list[str]]] = dict(self._abbr)
        for fk, k in self._abbr_folded.items():
            self._abbr_any.setdefault(fk, self._abbr[k])
        self._lexicon: frozenset[str] = frozenset()
        self._lexicon_folded: frozenset[str] = frozenset()
        if compounds == "lexicon":
            self._lexicon = _underthesea_lexicon() | frozenset(
                "_".join(canonical_syllable(p) for p in c.split()) for c in (*extra_compounds, *_EXTRA_COMPOUNDS))
            self._lexicon_folded = frozenset(_fold_token(w) for w in self._lexicon)
        # folded proper prefixes (>= 2 syllables) of lexicon words: longer windows are tried only after one
        self._prefixes = frozenset(
            "_".join(parts[:n]) for w in self._lexicon_folded if len(parts := w.split("_")) > 2
            for n in range(2, len(parts)))
        stops = sorted(([canonical_syllable(s) for s in p.split()] for p in QUERY_STOP_PHRASES),
                       key=len, reverse=True)
        self._query_stops = [(st, [_fold_token(s) for s in st]) for st in stops]

    # -- public API -------------------------------------------------------------------------------
    def tokens(self, text: str) -> list[str]:
        """Terms for a document text (or a query: see `query_tokens`)."""
        out = self._analyze(_split_phrases(text))
        if _SIGNATURE_RE.search(text):
            out.extend(SIGNATURE_TERMS)
        return out

    def passage_tokens(self, text: str) -> list[str]:
        """Terms of a passage, line by line, lines separated by LINE_BREAK (cached per chunk; the
        lexical index scores whole chunks and their best line)."""
        out: list[str] = []
        for line in text.split("\n"):
            toks = self._analyze(_split_phrases(line))
            if toks:
                if out:
                    out.append(LINE_BREAK)
                out.extend(toks)
        if _SIGNATURE_RE.search(text):
            out.append(LINE_BREAK)
            out.extend(SIGNATURE_TERMS)
        return out

    def query_tokens(self, text: str) -> list[str]:
        """Terms for a query: like `tokens` after dropping question words ("bao nhiêu", "nào", ...)."""
        phrases = []
        split = _split_phrases(text)
        asks_signer = False
        if split and split[0] and split[0][0] == "ai":  # "Ai ký ...?" (not "AI" = trí tuệ nhân tạo)
            split[0] = split[0][1:]
            asks_signer = any(s in ("ký", "ky") for ph in split for s in ph)
        for ph in split:
            phrases.extend(self._drop_stops(ph))
        toks = self._analyze(phrases)
        if asks_signer:
            toks.extend(("người_ký", "nguoi_ky"))
        return toks if toks else self.tokens(text)

    # -- internals --------------------------------------------------------------------------------
    def _drop_stops(self, phrase: list[str]) -> list[list[str]]:
        out: list[list[str]] = []
        cur: list[str] = []
        i = 0
        while i < len(phrase):
            n = self._stop_at(phrase, i)
            if n == 0:
                cur.append(phrase[i])
                i += 1
                continue
            if cur:
                out.append(cur)
                cur = []
            i += n
        if cur:
            out.append(cur)
        return out

    def _stop_at(self, phrase: list[str], i: int) -> int:
        """Length of the question-word phrase starting at `i` (0 = none). Unaccented syllables match
        the folded stop words, except single-syllable stops (avoids "may" (máy) for "mấy")."""
        for stop, folded in self._query_stops:
            n = len(stop)
            window = phrase[i : i + n]
            if len(window) < n:
                continue
            if window == stop:
                return n
            if (n > 1 or folded[0] in ("nao", "gi")) and all(
                    w == f == _fold_token(w) or w == s for w, s, f in zip(window, stop, folded, strict=True)):
                return n
        return 0

    def _compounds(self, phrase: list[str], folded: list[str]) -> tuple[list[str], list[str]]:
        """(compound terms, their folded forms) of one phrase."""
        if self.compounds == "none" or len(phrase) < 2:
            return [], []
        if self.compounds == "crf" and not self.bigrams:
            from underthesea import word_tokenize

            with UNDERTHESEA_LOCK:
                tokens = word_tokenize(" ".join(phrase))
            words = ["_".join(canonical_syllable(s) for s in w.split()) for w in tokens if " " in w]
            return words, [_fold_token(w) for w in words]
        lex, flex, pre = self._lexicon, self._lexicon_folded, self._prefixes
        out: list[str] = []
        out_f: list[str] = []
        n_syl = len(phrase)
        bigrams = self.bigrams
        for i in range(n_syl - 1):
            key = phrase[i]
            fkey = folded[i]
            for j in range(i + 1, min(i + _MAX_COMPOUND, n_syl)):
                key = key + "_" + phrase[j]
                fkey = fkey + "_" + folded[j]
                # Unaccented windows (unaccented queries) are looked up in the folded lexicon.
                if (bigrams and j == i + 1) or key in lex or (key == fkey and key in flex):
                    out.append(key)
                    out_f.append(fkey)
                if fkey not in pre:  # no longer lexicon word starts with this window
                    break
        return out, out_f

    def _analyze(self, phrases: list[list[str]]) -> list[str]:
        out: list[str] = []
        extend = out.extend
        abbr = self._abbr_any
        first = self._exp_first
        for phrase in phrases:
            folded = [_fold_token(s) for s in phrase]
            # Abbreviations in the text -> expansions (as extra phrases with their own compounds).
            extra: list[list[str]] = []
            # Expansions in the text -> abbreviation terms.
            abbr_hits: list[str] = []
            n_syl = len(phrase)
            for i in range(n_syl):
                exps = abbr.get(phrase[i])
                if exps is not None:
                    extra.extend(exps)
                if folded[i] in first:
                    for n in range(2, min(self._max_exp, n_syl - i) + 1):
                        k = self._expansions.get(tuple(folded[i : i + n]))
                        if k is not None:
                            abbr_hits.append(k)
                            fk = _fold_token(k)
                            if fk != k:
                                abbr_hits.append(fk)
            for ph in (phrase, *extra):
                fph = folded if ph is phrase else [_fold_token(x) for x in ph]
                comp, comp_f = self._compounds(ph, fph)
                extend(ph)
                extend(comp)
                extend(f for f, t in zip(fph, ph, strict=True) if f != t)
                extend(f for f, t in zip(comp_f, comp, strict=True) if f != t)
            extend(abbr_hits)
        return out
