"""Words of questions and reports: the question vocabulary, folding and segmentation, word weights.

`load_question_words` reads ingest/question_words.toml (answer-type cues, list topics, stop words,
synonym groups, compounds). `folded_text` / `accented_text` are the forms texts are matched in
(accent-free or accented, abbreviations expanded, padded with spaces) and `contains_word` the
whole-word test over them. `segment_pairs` cuts a question into dictionary words, `pos_tags` tags
them, and `WordWeights` holds the IDF of words over the store's paragraphs and restores the accents
of an unaccented question. The attribute matching built on these lives in assistant/matching.py.
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from index.analyzer import ABBREVIATIONS, UNDERTHESEA_LOCK, _underthesea_lexicon, canonical_syllable
from ingest.text import fold

QUESTION_WORDS = Path(__file__).resolve().parent.parent / "ingest" / "question_words.toml"
MAX_WORD_SYLLABLES = 5
_PUNCT_RE = re.compile(r"(?:(?<!\d)[.,/]|[.,/](?!\d)|[^\w%/.,])+")
DOMINANT_SHARE = 0.5  # below this share of its folded syllable, a spelling is matched with its accents
RESTORE_UNIGRAM = 0.3  # accent restoration: weight of a spelling's own frequency against its pairs
QUESTION_WORD_COUNT = 20  # question words count as this many report occurrences for restoration
DATE_TOKEN_RE = re.compile(r"^\d{1,2}/\d{1,2}(?:/\d{2,4})?$")
GAP_MIN_SYLLABLES = 4  # a term this long is found with one extra word inside it


@dataclass(frozen=True, slots=True)
class QuestionWords:
    answer_types: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    list_topics: dict[str, tuple[str, ...]]
    list_cues: tuple[str, ...]
    stop: frozenset[str]  # folded
    stop_accented: frozenset[str]  # canonical lower case with accents
    type_words: frozenset[str]
    synonyms: dict[str, frozenset[str]]  # word -> its group (itself included)
    phrasing: dict[str, str]
    compounds: frozenset[str]  # folded multi-word terms the dictionary lacks ("cap xa")
    plain_cues: dict[str, tuple[str, ...]] = field(default_factory=dict)  # answer type -> cues without regex
    topic_exclusions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "phan anh kien nghi" is no proposal
    count_particles: frozenset[str] = frozenset()  # grammatical words inside a counted noun ("bi")
    summary_future_words: tuple[str, ...] = ()  # section titles of next tasks ("thoi gian toi")
    frame_nouns: frozenset[str] = frozenset()  # "những vấn đề gì", "hình thức nào": the kind of answer asked
    measure_groups: tuple[frozenset[str], ...] = ()  # measures that count the same thing ("dịch vụ", "thủ tục")
    descriptive: tuple[str, ...] = ()  # "thế nào", "ra sao": the answer may be a description
    quantity: tuple[str, ...] = ()  # "bao nhiêu", "%": the answer is a quantity
    role_frames: tuple[str, ...] = ()  # "giữ cương vị": between "ai" and the asked role


def _cue_re(cue: str) -> re.Pattern[str]:
    """A cue over a padded folded question; "^..." anchors it at the question's start."""
    if cue.startswith("^"):
        return re.compile(rf"^\s*{cue[1:]}(?![a-z0-9])")
    return re.compile(rf"(?<![a-z0-9]){cue}(?![a-z0-9])")


@lru_cache(maxsize=2)
def load_question_words(path: str | None = None) -> QuestionWords:
    data = tomllib.loads(Path(path or QUESTION_WORDS).read_text(encoding="utf-8"))
    at = data["answer_types"]
    types = tuple((name, tuple(_cue_re(c) for c in at["cues"][name])) for name in at["order"])
    topics = {k: tuple(v) for k, v in data["list_topics"].items() if k != "list_cues"}
    syn: dict[str, frozenset[str]] = {}
    for group in data["synonyms"]["groups"]:
        g = frozenset(group)
        for w in group:
            syn[w] = syn.get(w, frozenset()) | g
    stops = [" ".join(canonical_syllable(x) for x in p.lower().split()) for p in data["stop"]["phrases"]]
    return QuestionWords(types, topics, tuple(data["list_topics"]["list_cues"]),
                         frozenset(fold(p) for p in stops), frozenset(stops),
                         frozenset(data["type_words"]["phrases"]), syn, dict(data["phrasing"]),
                         frozenset(fold(c) for c in data.get("compounds", {}).get("words", [])),
                         {name: tuple(c for c in cues if re.fullmatch(r"[a-z ]+", c)) for name, cues in at["cues"].items()},
                         {k: tuple(v) for k, v in data.get("list_topic_exclusions", {}).items()},
                         frozenset(data.get("count", {}).get("particles", [])),
                         tuple(data.get("summary", {}).get("future_words", [])),
                         frozenset(data.get("frame_nouns", {}).get("words", [])),
                         tuple(frozenset(g) for g in data.get("measures", {}).get("same_thing", [])),
                         tuple(data.get("descriptive", {}).get("cues", [])),
                         tuple(data.get("descriptive", {}).get("quantity", [])),
                         tuple(sorted(data.get("roles", {}).get("hold_frames", []), key=len, reverse=True)))


def asks_description(question: str) -> bool:
    """ "... so với cùng kỳ thế nào?": a question whose question word asks for a description, and
    no word of it for a quantity ("thế nào, bao nhiêu %" asks for the figure)."""
    words = load_question_words()
    folded = folded_text(question)
    return any(contains_word(folded, c) for c in words.descriptive) and \
        not any(contains_word(folded, c) for c in words.quantity)


def without_exclusions(key: str, topic: str) -> str:
    """A match_key text without the phrases in which a topic word does not name `topic`."""
    for phrase in load_question_words().topic_exclusions.get(topic, ()):
        key = key.replace(phrase, " ")
    return key


# --------------------------------------------------------------------------- folding
_ABBR = {fold(k).replace("&", ""): fold(v[0]) for k, v in ABBREVIATIONS.items()}
_ABBR_ACCENTED_RE = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, ABBREVIATIONS), key=len, reverse=True))
                                + r")(?!\w)")
_ABBR_RE = re.compile(r"(?<![a-z0-9])(" + "|".join(sorted(map(re.escape, _ABBR), key=len, reverse=True))
                      + r")(?![a-z0-9])")


def _norm_token(tok: str) -> str:
    tok = tok.strip(".,")
    if re.fullmatch(r"\d+(?:[.,]\d+)+", tok):  # "2,955" == "2.955", "99,75" == "99.75"
        return tok.replace(",", ".")
    if "/" in tok and tok.replace("/", "").isdigit():  # "01/7/2025" == "1/7/2025"
        return "/".join(part.lstrip("0") or "0" for part in tok.split("/"))
    if tok.isdigit():
        return tok.lstrip("0") or "0"
    return tok


class FoldedText(str):
    """A folded text (a plain `str` for matching) that keeps its source, so a word whose folded form
    is ambiguous ("cho" = "cho" / "chợ", "so" = "số" / "sở") can be checked with its accents."""

    __slots__ = ("source",)

    @property
    def accented(self) -> str:
        return accented_text(self.source)


@lru_cache(maxsize=100_000)
def folded_text(text: str) -> FoldedText:
    """Folded, abbreviations expanded, punctuation as spaces, padded with one space each side."""
    f = _ABBR_RE.sub(lambda m: f"{m.group(0)} {_ABBR[m.group(0)]}", fold(text).replace("&", "").replace("%", " % "))
    toks = [_norm_token(t) for t in _PUNCT_RE.split(f) if t]
    out = FoldedText(" " + " ".join(toks) + " ")
    out.source = text
    return out


@lru_cache(maxsize=50_000)
def accented_text(text: str) -> str:
    """Lower case with canonical tone placement and accents kept, tokens as in `folded_text`."""
    low = _ABBR_ACCENTED_RE.sub(lambda m: f"{m.group(0)} {ABBREVIATIONS[m.group(0)][0]}", text.lower().replace("%", " % "))
    toks = [canonical_syllable(_norm_token(t)) for t in _PUNCT_RE.split(low) if t]
    return " " + " ".join(toks) + " "


@lru_cache(maxsize=1)
def _lexicons() -> tuple[frozenset[str], frozenset[str]]:
    """(accented words, folded words) of the segmentation dictionary, syllables joined by spaces."""
    accented = {w.replace("_", " ") for w in _underthesea_lexicon()}
    folded = {fold(w) for w in accented}
    qw = load_question_words()
    extra = [w for group in qw.synonyms.values() for w in group]
    extra += [*qw.stop, *qw.type_words, *_ABBR.values()]
    folded.update(w for w in extra if " " in w)
    accented.update(w for w in qw.stop_accented if " " in w)
    return frozenset(accented), frozenset(folded)


_SYL_RE = re.compile(r"\d+(?:/\d+)+|\d+(?:[.,]\d+)+|[^\W_]+|%", re.UNICODE)


def segment(text: str, weights: WordWeights | None = None) -> list[str]:
    """Folded dictionary words of a text (see `segment_pairs`)."""
    return [f for f, _ in segment_pairs(text, weights)]


def segment_pairs(text: str, weights: WordWeights | None = None) -> list[tuple[str, str | None]]:
    """Dictionary words of a question, longest match first: (folded, accented) pairs, the accented
    form (canonical lower case) None for unaccented text.

    Accented text is segmented with the accented dictionary ("hộ gia đình" = "hộ" + "gia đình", not
    "hộ giá" + "đình"); unaccented text with the folded one, restricted to words the store's reports
    use when `weights` is given. Abbreviations are replaced by their expansion ("TTHC" ->
    "thủ tục hành chính"): reports write either."""
    lower = text.lower().replace("&", "")
    accented_input = fold(lower) != lower
    if accented_input:
        lower = _ABBR_ACCENTED_RE.sub(lambda m: f" {ABBREVIATIONS[m.group(0)][0]} ", lower)
        raw = [canonical_syllable(t) for t in _SYL_RE.findall(lower)]
    else:
        lower = _ABBR_RE.sub(lambda m: f" {_ABBR[m.group(0)]} ", lower)
        raw = _SYL_RE.findall(lower)
    toks = [_norm_token(fold(t)) for t in raw]
    acc_lex, fold_lex = _lexicons()
    extra = _extra_words()
    stops = _question_phrases()
    bounds = _tagger_bounds(lower, len(raw)) if accented_input else None
    out: list[tuple[str, str | None]] = []
    i = 0
    def is_word(a: int, b: int) -> bool:
        w = " ".join(toks[a:b])
        if b - a == 1 or w in extra:
            return True
        if accented_input:
            return " ".join(raw[a:b]) in acc_lex and (bounds is None or bounds.allows(a, b))
        return w in fold_lex and (weights is None or weights.df(w) > 0)

    def beaten(a: int, b: int) -> bool:
        """A dictionary word loses to one at least as long that starts inside it, runs past it and
        more report paragraphs use: "số thành viên" is "số" + "thành viên" (no report writes "số
        thành"), "làm công tác" is "làm" + "công tác", "làm công nghệ thông tin" is "làm" + "công
        nghệ thông tin"."""
        if b - a < 2 or " ".join(toks[a:b]) in extra:
            return False
        # "tổng bao nhiêu" is "tổng" + "bao nhiêu": a question phrase is never glued to the word before.
        if any(" ".join(toks[j:e]) in stops for j in range(a + 1, b)
               for e in range(b + 1, min(j + MAX_WORD_SYLLABLES, len(toks)) + 1)):
            return True
        if weights is None:
            return False
        own = weights.df(" ".join(toks[a:b]))
        return any(e - j >= b - a and is_word(j, e) and weights.df(" ".join(toks[j:e])) > own
                   for j in range(a + 1, b) for e in range(b + 1, min(j + MAX_WORD_SYLLABLES, len(toks)) + 1))

    while i < len(toks):
        for k in range(min(MAX_WORD_SYLLABLES, len(toks) - i), 0, -1):
            if is_word(i, i + k) and not beaten(i, i + k):
                break
        w = " ".join(toks[i:i + k])
        out.append((w, " ".join(raw[i:i + k]) if accented_input else None))
        i += k
    return out


# Parts of speech of underthesea's tagger that never sit inside a compound of several of its words:
# conjunctions, prepositions, pronouns, determiners, particles, punctuation ("và công nghệ" is "và"
# + "công nghệ"; "của xã" is "của" + "xã").
_UNGLUED_TAGS = frozenset({"C", "CC", "E", "P", "L", "T", "CH"})


@dataclass(frozen=True, slots=True)
class _TaggerBounds:
    """Where underthesea's word segmenter puts word boundaries, in syllable indices."""
    starts: frozenset[int]  # syllable indices that start a word of the tagger (and the end index)
    unglued: frozenset[int]  # syllables of one-word function words (`_UNGLUED_TAGS`)
    words: frozenset[tuple[int, int]]  # (start, end) of each word of the tagger

    def allows(self, a: int, b: int) -> bool:
        """A dictionary word of syllables a..b is a word of the question unless it cuts across a
        word of the tagger ("số thành" of "số | thành viên") or glues a function word to another
        word ("và công nghệ"). A domain compound of several tagger words stays ("chuyển đổi" +
        "số"), and so does a word inside a longer one ("tư pháp" of "bộ tư pháp")."""
        if any(s <= a and b <= e for s, e in self.words):
            return True
        return a in self.starts and b in self.starts and not any(k in self.unglued for k in range(a, b))


@lru_cache(maxsize=4096)
def _tagger_bounds(text: str, n_syllables: int) -> _TaggerBounds | None:
    """The tagger's word boundaries of an accented text, aligned to its `_SYL_RE` syllables; None
    when the tagger is unavailable or its words do not align."""
    try:
        from underthesea import pos_tag
    except Exception:  # pragma: no cover - underthesea is a dependency
        return None
    with UNDERTHESEA_LOCK:
        tagged = pos_tag(text)
    starts: set[int] = set()
    unglued: set[int] = set()
    words: set[tuple[int, int]] = set()
    k = 0
    for word, tag in tagged:
        n = len(_SYL_RE.findall(word))
        if not n:
            continue
        starts.add(k)
        words.add((k, k + n))
        if tag in _UNGLUED_TAGS:
            unglued.update(range(k, k + n))
        k += n
    if k != n_syllables:
        return None
    starts.add(k)
    return _TaggerBounds(frozenset(starts), frozenset(unglued), frozenset(words))


@lru_cache(maxsize=1)
def _extra_words() -> frozenset[str]:
    """Folded multi-syllable words of the question vocabulary (allowed whatever the accents)."""
    qw = load_question_words()
    extra = [w for group in qw.synonyms.values() for w in group]
    extra += [*qw.stop, *qw.type_words, *_ABBR.values(), *qw.compounds]
    return frozenset(w for w in extra if " " in w)


@lru_cache(maxsize=1)
def _question_phrases() -> frozenset[str]:
    """Folded question phrases of two syllables or more ("bao nhiêu", "là gì", "như thế nào")."""
    qw = load_question_words()
    return frozenset(w for w in qw.stop if " " in w and re.search(r"\b(?:bao nhieu|gi|nao|sao|may)\b", w)
                     and w.split()[0] in _QUESTION_OPENERS)


# Syllables that open a question phrase and name nothing ("bao nhiêu", "là gì", "như thế nào"); not
# "hạng mấy", "ngày nào", "làm gì", whose first word belongs to the word before ("xếp hạng").
_QUESTION_OPENERS = frozenset({"bao", "la", "nhu", "the", "ra", "nhung", "thi", "nao"})


@lru_cache(maxsize=4096)
def pos_tags(text: str) -> dict[str, str]:
    """Folded first syllable of each word -> its part-of-speech tag (underthesea), for accented
    text only: the tagger reads unaccented Vietnamese poorly, so such questions get no tags."""
    if fold(text) == text.lower() or not text.strip():
        return {}
    try:
        from underthesea import pos_tag
    except Exception:  # pragma: no cover - underthesea is a dependency
        return {}
    # The app's warm-up and its first chat question tag at the same time (see UNDERTHESEA_LOCK).
    with UNDERTHESEA_LOCK:
        tagged = pos_tag(text)
    out: dict[str, str] = {}
    for word, tag in tagged:
        for i, syl in enumerate(fold(word).split()):
            out.setdefault(syl, tag if i == 0 else out.get(syl, tag))
    return out



def _split_phrases_lower(text: str) -> list[list[str]]:
    """Lower-case canonical syllables of a text, grouped into phrases (punctuation ends a phrase)."""
    return [[canonical_syllable(x) for x in re.findall(r"[^\W\d_]+", piece)]
            for piece in re.split(r"[^\w\s]+|\n", text.lower())]


def text_for_segmenting(text: str, drop: Sequence[str] = ()) -> str:
    """`text` with the `drop` phrases (unit names, period phrases) removed, accents kept."""
    out = text
    for d in sorted({x.strip() for x in drop if x.strip()}, key=len, reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(d)}(?!\w)", " ", out, flags=re.IGNORECASE)
        # The phrase written with other accents (or none): matched on the folded text, whole words.
        rx = re.compile(rf"(?<![a-z0-9]){re.escape(fold(d))}(?![a-z0-9])")
        while m := rx.search(fold(out)):
            out = out[:m.start()] + " " * (m.end() - m.start()) + out[m.end():]
    return out


@lru_cache(maxsize=4096)
def _gapped_re(word: str) -> re.Pattern[str]:
    """ "to cong nghe cong dong" in "to cong nghe so cong dong": one inserted word, never a negation."""
    parts = [re.escape(w) for w in word.split()]
    gap = r" (?!(?:khong|chua|chang) )[a-z0-9]+ "
    alts = [" ".join(parts[:i]) + gap + " ".join(parts[i:]) for i in range(1, len(parts))]
    return re.compile(" (?:" + "|".join(alts) + ") ")


def contains_word(haystack: str, word: str) -> bool:
    """Whole-word containment in a `folded_text` string; dates match with or without the year; a
    long term also with one word inserted ("tổ công nghệ số cộng đồng" for "tổ công nghệ cộng đồng")."""
    if f" {word} " in haystack:
        return True
    if word.count(" ") + 1 >= GAP_MIN_SYLLABLES:
        return _gapped_re(word).search(haystack) is not None
    if len(word) == 4 and word.isdigit() and word[:2] in ("19", "20"):
        # a year is in the dates of that year ("2026" in "01/01/2026")
        return re.search(rf" \d{{1,2}}/\d{{1,2}}/{word} ", haystack) is not None
    if DATE_TOKEN_RE.match(word):
        parts = word.split("/")
        dm = "/".join(parts[:2])
        if len(parts) == 2:
            return re.search(rf" {re.escape(dm)}(?:/\d+)? ", haystack) is not None
        return f" {dm} " in haystack and f" {parts[2]} " in haystack
    return False


# --------------------------------------------------------------------------- weights
class WordWeights:
    """IDF of folded words over a sample of paragraphs. A multi-syllable word's document frequency
    is estimated by its rarest syllable bigram; a word no paragraph contains gets the highest IDF."""

    def __init__(self, texts: Iterable[str]) -> None:
        uni: dict[str, int] = {}
        bi: dict[str, int] = {}
        # Accented spellings of each folded syllable and syllable pair, with their counts: the
        # store's own Vietnamese restores the accents of an unaccented question.
        acc_uni: dict[str, dict[str, int]] = {}
        acc_bi: dict[str, int] = {}
        n = 0
        for text in texts:
            n += 1
            toks = folded_text(text).split()
            for t in set(toks):
                uni[t] = uni.get(t, 0) + 1
            for b in {f"{a} {c}" for a, c in itertools.pairwise(toks)}:
                bi[b] = bi.get(b, 0) + 1
            for phrase in _split_phrases_lower(text):
                for a in phrase:
                    forms = acc_uni.setdefault(fold(a), {})
                    forms[a] = forms.get(a, 0) + 1
                for a, c in itertools.pairwise(phrase):
                    key = f"{a} {c}"
                    acc_bi[key] = acc_bi.get(key, 0) + 1
        for phrase in load_question_words().stop_accented:  # question words reports rarely use
            syl = phrase.split()
            for a in syl:
                forms = acc_uni.setdefault(fold(a), {})
                forms[a] = forms.get(a, 0) + QUESTION_WORD_COUNT
            for a, c in itertools.pairwise(syl):
                acc_bi[f"{a} {c}"] = acc_bi.get(f"{a} {c}", 0) + QUESTION_WORD_COUNT
        self.n = max(n, 1)
        self._uni = uni
        self._bi = bi
        self._acc_uni = acc_uni
        self._acc_bi = acc_bi

    def restore_accents(self, text: str) -> str:
        """An unaccented question spelled with the store's accents ("so thanh vien to cong nghe so"
        -> "số thành viên tổ công nghệ số"): the spelling of each run of syllables that the reports
        (and the question vocabulary) use most, syllable pairs first (a Viterbi pass). Unknown
        syllables and accented input are kept as they are."""
        if fold(text) != text.lower():
            return text
        tokens = list(re.finditer(r"[^\W\d_]+|\d[\w/.,]*|[^\w\s]+|\s+", text))
        out = [t.group(0) for t in tokens]
        run: list[int] = []
        for i, t in enumerate([*tokens, None]):
            word = t.group(0) if t is not None else ""
            if t is not None and word.strip() and word[0].isalpha() and word.lower() in self._acc_uni:
                run.append(i)
                continue
            if t is not None and not word.strip():
                continue  # spaces inside a run
            if run:
                for j, form in zip(run, self._best_spelling([out[k].lower() for k in run]), strict=True):
                    out[j] = form[:1].upper() + form[1:] if out[j][:1].isupper() else form
                run = []
        return "".join(out)

    def _best_spelling(self, folded: list[str]) -> list[str]:
        uni, bi = self._acc_uni, self._acc_bi
        layers = [list(uni[w].items()) for w in folded]
        best: list[dict[str, tuple[float, str | None]]] = []
        for i, layer in enumerate(layers):
            cur: dict[str, tuple[float, str | None]] = {}
            for form, count in layer:
                emit = RESTORE_UNIGRAM * math.log1p(count)
                if i == 0:
                    cur[form] = (emit, None)
                    continue
                cur[form] = max(((score + math.log1p(bi.get(f"{prev} {form}", 0)) + emit, prev)
                                 for prev, (score, _) in best[-1].items()), key=lambda x: x[0])
            best.append(cur)
        form = max(best[-1], key=lambda f: best[-1][f][0])
        path = [form]
        for i in range(len(best) - 1, 0, -1):
            form = best[i][form][1]  # type: ignore[assignment]
            path.append(form)
        return path[::-1]

    def ambiguous(self, syllable: str, spelling: str) -> bool:
        """Does matching `syllable` without accents mostly find another word than `spelling`? True
        when the reports write the folded syllable in several ways and `spelling` is not the usual
        one ("chợ" among the many "cho"; "sở" among the many "số")."""
        forms = self._acc_uni.get(syllable)
        if not forms or len(forms) < 2:
            return False
        total = sum(forms.values())
        return forms.get(spelling, 0) / total < DOMINANT_SHARE

    def df(self, word: str) -> int:
        syl = word.split()
        if len(syl) == 1:
            return self._uni.get(word, 0)
        return min(self._bi.get(f"{a} {b}", 0) for a, b in itertools.pairwise(syl))

    def idf(self, word: str) -> float:
        return math.log(1 + (self.n + 1) / (self.df(word) + 0.5))

    @property
    def max_idf(self) -> float:
        return math.log(1 + (self.n + 1) / 0.5)
