"""Label matching: the words of a question's asked attribute against what a fact says it measures.

A question such as "Dân số phường Trí Quả là bao nhiêu?" asks for one *attribute* ("dân số"). Its
words are found by segmenting the folded question into dictionary words (compounds such as "dân số",
"hộ gia đình" = "hộ" + "gia đình", "thủ tục hành chính"), after removing the unit, the period and
the question words. Each word weighs its inverse document frequency over the store's paragraphs
(a word that no report uses weighs the most). A fact answers the attribute when its label (the words
that name the measured thing), its sentence and, with less weight, its paragraph and section contain
those words: `Matcher.score` returns the weighted share found and whether the heaviest word was
found close to the value. Matching is accent-insensitive, abbreviations are expanded ("TTHC" =
"thủ tục hành chính") and synonym groups of ingest/question_words.toml count as the same word.
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

from index.analyzer import ABBREVIATIONS, _underthesea_lexicon, canonical_syllable
from ingest.text import fold

QUESTION_WORDS = Path(__file__).resolve().parent.parent / "ingest" / "question_words.toml"
MAX_WORD_SYLLABLES = 5
# Where a word is found, relative to the fact: in its label, its sentence, its paragraph/section.
IN_LABEL, IN_SENTENCE, IN_CONTEXT = 1.0, 0.8, 0.5
SYNONYM_FACTOR = 0.9
TYPE_WORD_WEIGHT = 0.3  # "tỷ lệ", "số lượng": name the answer type, not the attribute
UNKNOWN_VERB_WEIGHT = 0.25  # a verb that no report uses is most likely a paraphrase ("chốt", "nộp")
DATE_WEIGHT = 0.5  # dates and years locate the figure; they are not what is measured
_CONTENT_TAGS = frozenset({"N", "Np", "Nc", "Nu", "Ny", "Nb", "A", "M"})

_PUNCT_RE = re.compile(r"(?:(?<!\d)[.,/]|[.,/](?!\d)|[^\w%/.,])+")
_DATED_RE = re.compile(r" (?:\d{1,2}/\d{1,2}(?:/\d{2,4})?|(?:19|20)\d{2}) ")
DOMINANT_SHARE = 0.5  # below this share of its folded syllable, a spelling is matched with its accents
RESTORE_UNIGRAM = 0.3  # accent restoration: weight of a spelling's own frequency against its pairs
QUESTION_WORD_COUNT = 20  # question words count as this many report occurrences for restoration
_PAREN_RE = re.compile(r"\(([^()]*)\)")
# "(thể chế, CĐS, tài chính...)": examples of what is asked, not a restriction of it.
_EXAMPLES_RE = re.compile(r"\((?:[^()]*?)(?:\.\.\.|…|v\.v\.?|vv\.?)\s*\)")
_OR_SPLIT_RE = re.compile(r"(?i)\s(?:hoặc|hoac|hay là|hay)\s")
SLOT_MIN = 0.5  # an alternative is stated when a sentence states this share of it
OPTIONAL_MISS = 0.01
_QUANTITY_WORDS = frozenset({"ty le", "ti le", "phan tram", "so luong", "tong so", "con so", "so lieu"})
# "hay bị" is "often suffers", not "or": the connector, not a list separator.
_LIST_SEP_RE = re.compile(r"(?i)\s*[,;]\s*|\s+/\s+|\s+(?:hoặc|hoac|hay là|hay(?!\s+(?:bị|bi)\b)|và|va|cũng như)\s+")
# Words that end a list and start the next part of the asked fact.
_CONNECTOR_RE = re.compile(r"(?i)\s+(?:thường bị|hay bị|bị|do|vì|phải làm|phải|về việc|về|nhưng|mà|nên|dẫn đến|gây|để|nhằm|"
                           r"của|cho|tại|ở|trong|với)\s+")
# "tổ công nghệ (số) cộng đồng": a one-word insertion in brackets is read as a word of the phrase.
_INSERTION_RE = re.compile(r"\s*\(\s*([^\W\d_]+)\s*\)(?=\s+[a-zà-ỹđ])")
# "trang/kênh Zalo", "truyền thanh/đài phát thanh": the words after the slash are another name of the
# word before it.
# Written without spaces; "hội nghị trực tuyến / hội nghị truyền hình" (spaced) lists two phrases.
_SLASH_WORD_RE = re.compile(r"([^\W\d_]+)/([^\W\d_]+)")
_SLASH_PHRASE_RE = re.compile(r"((?:[^\W\d_]+\s+){0,3}[^\W\d_]+)/([^\W\d_]+(?:\s+[^\W\d_]+){0,3})")
_SLASH_ALT_RE = re.compile(r"([^\W\d_]+)/([^\W\d_]+(?:\s+[^\W\d_]+){0,2})")
GENERIC_DF_SHARE = 0.25  # a word in at least this share of paragraphs does not make an aspect specific
REQUIRED_SHARE = 0.5
VERB_SHARE = 0.3  # in "which units ..." questions verbs ("xây dựng", "triển khai") are framing
_DATE_TOKEN_RE = re.compile(r"^\d{1,2}/\d{1,2}(?:/\d{2,4})?$")


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
                         frozenset(data.get("frame_nouns", {}).get("words", [])))


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
    out: list[tuple[str, str | None]] = []
    i = 0
    def is_word(a: int, b: int) -> bool:
        w = " ".join(toks[a:b])
        if b - a == 1 or w in extra:
            return True
        if accented_input:
            return " ".join(raw[a:b]) in acc_lex
        return w in fold_lex and (weights is None or weights.df(w) > 0)

    def beaten(a: int, b: int) -> bool:
        """ "số thành viên": the dictionary's "số thành", which no report uses, loses to the
        "thành viên" that starts inside it and the reports do use."""
        if weights is None or b - a < 2 or weights.df(" ".join(toks[a:b])) > 0 or " ".join(toks[a:b]) in extra:
            return False
        return any(is_word(j, e) and weights.df(" ".join(toks[j:e])) > 0
                   for j in range(a + 1, b) for e in range(b + 1, min(j + MAX_WORD_SYLLABLES, len(toks)) + 1))

    while i < len(toks):
        for k in range(min(MAX_WORD_SYLLABLES, len(toks) - i), 0, -1):
            if is_word(i, i + k) and not beaten(i, i + k):
                break
        w = " ".join(toks[i:i + k])
        out.append((w, " ".join(raw[i:i + k]) if accented_input else None))
        i += k
    return out


@lru_cache(maxsize=1)
def _extra_words() -> frozenset[str]:
    """Folded multi-syllable words of the question vocabulary (allowed whatever the accents)."""
    qw = load_question_words()
    extra = [w for group in qw.synonyms.values() for w in group]
    extra += [*qw.stop, *qw.type_words, *_ABBR.values(), *qw.compounds]
    return frozenset(w for w in extra if " " in w)


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
    out: dict[str, str] = {}
    for word, tag in pos_tag(text):
        for i, syl in enumerate(fold(word).split()):
            out.setdefault(syl, tag if i == 0 else out.get(syl, tag))
    return out


# Not after "tháng": "6 tháng đầu năm 2026", "những tháng cuối năm" are periods, not dates.
_START_OF_YEAR_RE = re.compile(r"(?i)(?<!\w)(?<!tháng )(?<!thang )(?:đầu|dau)\s+(?:năm|nam)\s+(\d{4})")
_END_OF_YEAR_RE = re.compile(r"(?i)(?<!\w)(?<!tháng )(?<!thang )(?:cuối|cuoi)\s+(?:năm|nam)\s+(\d{4})")


def _normalise_dates(text: str) -> str:
    """ "từ đầu năm 2026" is "từ 01/01/2026" in a report; "cuối năm 2025" is "31/12/2025"."""
    text = _START_OF_YEAR_RE.sub(lambda m: f"01/01/{m.group(1)}", text)
    return _END_OF_YEAR_RE.sub(lambda m: f"31/12/{m.group(1)}", text)


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


def _shared_object(alts: list[Attribute]) -> list[list[Attribute]]:
    """ "thành lập, ra mắt tổ công nghệ cộng đồng": verbs listed before the last item share its
    object -> [thành lập | ra mắt] + [tổ công nghệ cộng đồng]."""
    if len(alts) < 2 or any(t.content for a in alts[:-1] for t in a.terms):
        return [alts]
    last = alts[-1].terms
    lead = 0
    while lead < len(last) and not last[lead].content:
        lead += 1
    if lead == 0 or lead == len(last):
        return [alts]
    return [[*alts[:-1], Attribute(last[:lead], alts[-1].phrase)], [Attribute(last[lead:], alts[-1].phrase)]]


GAP_MIN_SYLLABLES = 4  # a term this long is found with one extra word inside it


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
    if _DATE_TOKEN_RE.match(word):
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


# --------------------------------------------------------------------------- attributes
@dataclass(frozen=True, slots=True)
class Term:
    word: str  # folded dictionary word ("dan so", "ho", "gia dinh")
    weight: float
    alternatives: frozenset[str] = frozenset()  # synonyms (folded)
    content: bool = True  # a noun or adjective (names the attribute), not a verb or function word
    date: bool = False  # a date or a period word ("15/4", "2025"): satisfied by the paragraph too
    accented: str | None = None  # set for a syllable whose folded form is ambiguous ("chợ" vs "cho")
    proper: bool = False  # a proper name ("Lang Xá Cồn"): it locates the subject, like a unit name


@dataclass(frozen=True, slots=True)
class Attribute:
    terms: tuple[Term, ...]
    phrase: str = ""  # the attribute as the question words it (for answer sentences)

    @property
    def total(self) -> float:
        return sum(t.weight for t in self.terms) or 1.0

    @property
    def key(self) -> Term | None:
        """The heaviest term that is not a date (ties: the first)."""
        content = [t for t in self.terms if not t.date]
        return max(content or self.terms, key=lambda t: t.weight, default=None)

    def __bool__(self) -> bool:
        return bool(self.terms)


@dataclass(slots=True)
class MatchResult:
    score: float  # weighted share of the attribute found (0..1)
    label_share: float  # weighted share found in the label itself
    key_found: float  # where the heaviest term was found (IN_LABEL / IN_SENTENCE / IN_CONTEXT / 0)
    missing: list[str] = field(default_factory=list)


class Matcher:
    def __init__(self, weights: WordWeights, words: QuestionWords | None = None) -> None:
        self.weights = weights
        self.words = words or load_question_words()

    def attribute(self, text: str, drop: Sequence[str] = (), keep_type_words: bool = True) -> Attribute:
        """The attribute words of `text` (a question without its unit and period), weighted by IDF.
        A word no report uses weighs the most — unless it is a verb or a function word (part of
        speech from underthesea): reports say "chốt", "nộp" in other words, while a noun no report
        uses ("dân số") names an attribute the reports do not state."""
        cleaned = self.weights.restore_accents(_normalise_dates(text_for_segmenting(_EXAMPLES_RE.sub(" ", text), drop)))
        cleaned = _SLASH_ALT_RE.sub(lambda m: f"{m.group(1)} ({m.group(2)})", cleaned)
        cleaned = _INSERTION_RE.sub(lambda m: f" {m.group(1)}", cleaned)  # "tổ công nghệ (số) cộng đồng"
        tags = pos_tags(cleaned)
        seen: dict[str, Term] = {}
        # "theo hình thức nào", "tên là gì": a frame noun the question word asks about names the kind
        # of answer ("còn hình thức, chưa thực chất" is what is asked about, and stays).
        folded_q = f" {fold(text).lower()} "
        asked_frames = {w for w in self.words.frame_nouns
                        if re.search(rf"(?<![a-z]){w}(?: la)? (?:nao|gi)(?![a-z])", folded_q)}
        # "trí tuệ nhân tạo (AI)": words in parentheses are other names of the word before them.
        pieces = _PAREN_RE.split(cleaned)
        words: list[tuple[str, str | None, bool]] = []
        for i, piece in enumerate(pieces):
            words.extend((w, acc, i % 2 == 1) for w, acc in segment_pairs(piece, self.weights))
        last: str | None = None
        for w, accented, aliased in words:
            if aliased and last is not None:
                t = seen[last]
                seen[last] = Term(t.word, t.weight, t.alternatives | {w}, t.content, t.date)
                continue
            is_stop = accented in self.words.stop_accented if accented is not None else w in self.words.stop
            if is_stop and w not in self.words.type_words:
                continue
            if (w in self.words.type_words or w in asked_frames) and not keep_type_words:
                continue
            if w in seen:
                continue
            weight = self.weights.idf(w)
            is_date = bool(_DATE_TOKEN_RE.match(w) or re.fullmatch(r"(?:19|20)\d{2}", w))
            syl_tags = [tags[x] for x in w.split() if x in tags] if tags else []
            content = not syl_tags or any(t in _CONTENT_TAGS for t in syl_tags) or is_date or w.isdigit()
            tag = syl_tags[0] if syl_tags else None
            if w in self.words.type_words:
                weight *= TYPE_WORD_WEIGHT
            elif is_date:
                weight *= DATE_WEIGHT
            elif tag is not None and not content and self.weights.df(w) == 0:
                weight *= UNKNOWN_VERB_WEIGHT
            strict = accented if accented is not None and " " not in w and self.weights.ambiguous(w, accented) \
                else None
            proper = bool(syl_tags) and all(t == "Np" for t in syl_tags) and w not in self.words.type_words
            seen[w] = Term(w, weight, self.words.synonyms.get(w, frozenset()) - {w}, content, is_date, strict,
                           proper)
            last = w
        return Attribute(tuple(seen.values()), phrase=text.strip())

    def slots(self, text: str, drop: Sequence[str] = ()) -> list[list[Attribute]]:
        """The asked fact as slots, each a list of alternatives: lists the question writes with
        commas, "hoặc", "hay" or "/" give one slot their items as alternatives, and a connector
        ("bị", "do", "phải làm", "về") starts a new slot:

            "hệ thống phần mềm, nền tảng dùng chung hay bị gián đoạn, lỗi kết nối hoặc quá tải"
            -> [hệ thống phần mềm | nền tảng dùng chung] + [gián đoạn | lỗi kết nối | quá tải]

        A sentence states the fact when it states one alternative of every slot (`states_slots`).
        Slots made only of words most paragraphs use ("chuyển đổi số") are optional."""
        cleaned = self.weights.restore_accents(text_for_segmenting(_EXAMPLES_RE.sub(" ", text), drop))
        cleaned = _SLASH_PHRASE_RE.sub(lambda m: self._slash(m), cleaned)  # "truyền thanh/đài phát thanh"
        cleaned = _SLASH_WORD_RE.sub(lambda m: f"{m.group(1)} ({m.group(2)})", cleaned)  # "trang/kênh Zalo"
        cleaned = _INSERTION_RE.sub(lambda m: f" {m.group(1)}", cleaned)
        groups: list[list[str]] = [[]]
        for piece in _LIST_SEP_RE.split(cleaned):
            pieces = _CONNECTOR_RE.split(piece)
            for k, sub in enumerate(pieces):
                if k > 0 and groups[-1]:
                    groups.append([])
                if sub.strip(" ,;?.!"):
                    groups[-1].append(sub)
        out: list[list[Attribute]] = []
        for items in groups:
            alts = [a for a in (self._slot_item(x) for x in items) if a.terms]
            if alts:
                out.extend(_shared_object(alts))
        return out

    def _slash(self, m: re.Match[str]) -> str:
        """ "hệ thống truyền thanh/đài phát thanh": when the words on both sides of "/" are compounds
        of the dictionary, the two compounds are alternatives (" / " separates list items); a word
        between single words ("trang/kênh Zalo") is left to `_SLASH_WORD_RE`."""
        left = segment_pairs(m.group(1), self.weights)
        right = segment_pairs(m.group(2), self.weights)
        if left and right and " " in left[-1][0] and " " in right[0][0]:
            return f"{m.group(1)} / {m.group(2)}"
        return m.group(0)

    def _slot_item(self, text: str) -> Attribute:
        """One alternative of a slot: type words that name a thing ("kinh phí") are kept, those
        that only ask for a quantity ("tỷ lệ", "số lượng") are not (see sets._asked_quantity)."""
        attr = self.attribute(text, keep_type_words=True)
        return Attribute(tuple(t for t in attr.terms if t.word not in _QUANTITY_WORDS), attr.phrase)

    def generic(self, attr: Attribute) -> bool:
        """Only words that most paragraphs use ("chuyển đổi số", "thực hiện")."""
        return all(self.weights.df(t.word) / self.weights.n >= GENERIC_DF_SHARE or not t.content
                   for t in attr.terms)

    def states_slots(self, slots: list[list[Attribute]], sentence: str) -> tuple[float, Attribute | None]:
        """(how fully the sentence states the slots, the best alternative of the heaviest slot): 0
        unless every specific slot has an alternative the sentence states; else the mean."""
        scores: list[float] = []
        missed_optional = 0
        key_alt: Attribute | None = None
        key_weight = -1.0
        for alts in slots:
            best, best_alt = max(((self.states(a, sentence), a) for a in alts), key=lambda x: x[0])
            specific = not all(self.generic(a) for a in alts)
            if specific and best < SLOT_MIN:
                return 0.0, None
            if specific or best > 0:
                scores.append(best)
            else:
                missed_optional += 1
            weight = max(t.weight for a in alts for t in a.terms)
            if specific and weight > key_weight:
                key_weight, key_alt = weight, best_alt
        if not scores:
            return 0.0, None
        # An optional slot the sentence does not state only breaks ties between sentences.
        return sum(scores) / len(scores) - OPTIONAL_MISS * missed_optional, key_alt

    def states(self, aspect: Attribute, sentence: str, context: str = "") -> float:
        """How fully a sentence states an aspect: every heavy word of it must be there (a word
        weighing at least `REQUIRED_SHARE` of the heaviest, verbs aside: "xây dựng mô hình chợ số"
        is stated by "Mô hình Chợ số ..."), then the weighted share found."""
        if not aspect.terms:
            return 0.0
        top = max(t.weight for t in aspect.terms)
        for t in aspect.terms:
            found = contains_word(_acc(sentence), t.accented) if t.accented is not None else (
                contains_word(sentence, t.word) or any(contains_word(sentence, a) for a in t.alternatives))
            if t.content and t.weight >= REQUIRED_SHARE * top and not found:
                return 0.0
        content = Attribute(tuple(t if t.content else Term(t.word, t.weight * VERB_SHARE, t.alternatives, False, t.date)
                                  for t in aspect.terms))
        return self.score(content, sentence, sentence, context).score

    def score(self, attr: Attribute, label: str, sentence: str, context: str = "") -> MatchResult:
        """How well a fact (its folded label, sentence and context strings) names the attribute."""
        if not attr.terms:
            return MatchResult(0.0, 0.0, 0.0)
        got = in_label = 0.0
        key = attr.key
        key_found = 0.0
        missing: list[str] = []
        for t in attr.terms:
            if t.accented is not None:
                where = _where(t.accented, _acc(label), _acc(sentence), _acc(context))
            else:
                where = _where(t.word, label, sentence, context)
            if t.proper and where == IN_CONTEXT:
                where = IN_SENTENCE  # the paragraph (or the document's title) is about that place or body
            if t.date and "/" in t.word and where == IN_CONTEXT and not _DATED_RE.search(sentence):
                # "Từ 01/7/2025 đến 06/6/2026, ..." opens the paragraph: it dates an undated sentence
                where = IN_LABEL
            if where < IN_LABEL and t.alternatives:  # a synonym closer to the value counts more
                syn = max((_where(a, label, sentence, context) for a in t.alternatives), default=0.0)
                where = max(where, syn * SYNONYM_FACTOR)
            got += t.weight * where
            if where >= IN_LABEL * SYNONYM_FACTOR:
                in_label += t.weight
            if where == 0.0:
                missing.append(t.word)
            if t is key:
                key_found = where
        return MatchResult(got / attr.total, in_label / attr.total, key_found, missing)


    def precision(self, attr: Attribute, label_text: str) -> float:
        """Weighted share of a label's own words that the question asks for: "Tiếp nhận trực tuyến"
        is a more specific attribute than "tiếp nhận" (the unasked "trực tuyến" lowers it)."""
        words = [w for w in _label_words(label_text) if w not in self.words.stop
                 and w not in self.words.type_words and not w[:1].isdigit()]
        if not words:
            return 1.0
        asked = {t.word for t in attr.terms}
        for t in attr.terms:
            asked |= t.alternatives
        total = got = 0.0
        for w in words:
            weight = self.weights.idf(w)
            total += weight
            if w in asked or any(contains_word(f" {a} ", w) or contains_word(f" {w} ", a) for a in asked):
                got += weight
        return got / total if total else 1.0


@lru_cache(maxsize=50_000)
def _label_words(label_text: str) -> tuple[str, ...]:
    return tuple(segment(label_text))


def _acc(text: str) -> str:
    """The accented form of a folded text made by `folded_text` (itself when it has no source)."""
    return text.accented if isinstance(text, FoldedText) and hasattr(text, "source") else text


def _where(word: str, label: str, sentence: str, context: str) -> float:
    if contains_word(label, word):
        return IN_LABEL
    if contains_word(sentence, word):
        return IN_SENTENCE
    if context and contains_word(context, word):
        return IN_CONTEXT
    return 0.0
