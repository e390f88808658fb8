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
The word machinery (vocabulary, folding, segmentation, word weights) is in assistant/words.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.words import (
    DATE_TOKEN_RE,
    FoldedText,
    QuestionWords,
    WordWeights,
    contains_word,
    load_question_words,
    pos_tags,
    segment,
    segment_pairs,
    text_for_segmenting,
)
from ingest.text import fold

# Where a word is found, relative to the fact: in its label, its sentence, its paragraph/section.
IN_LABEL, IN_SENTENCE, IN_CONTEXT = 1.0, 0.8, 0.5
SYNONYM_FACTOR = 0.9
TYPE_WORD_WEIGHT = 0.3  # "tỷ lệ", "số lượng": name the answer type, not the attribute
UNKNOWN_VERB_WEIGHT = 0.25  # a verb that no report uses is most likely a paraphrase ("chốt", "nộp")
DATE_WEIGHT = 0.5  # dates and years locate the figure; they are not what is measured
_CONTENT_TAGS = frozenset({"N", "Np", "Nc", "Nu", "Ny", "Nb", "A", "M"})

_DATED_RE = re.compile(r" (?:\d{1,2}/\d{1,2}(?:/\d{2,4})?|(?:19|20)\d{2}) ")
_PAREN_RE = re.compile(r"\(([^()]*)\)")
# "(thể chế, CĐS, tài chính...)": examples of what is asked, not a restriction of it.
_EXAMPLES_RE = re.compile(r"\((?:[^()]*?)(?:\.\.\.|…|v\.v\.?|vv\.?)\s*\)")
# "trên hay dưới 80%", "có vượt 90% không": a value the question compares with is no word of the attribute.
_THRESHOLD_RE = re.compile(r"(?i)(?<!\w)(?:(?:trên|dưới|hơn|quá|vượt|vượt quá|cao hơn|thấp hơn|nhiều hơn|ít hơn|tren|duoi|"
                           r"hon|qua|vuot|cao hon|thap hon|nhieu hon|it hon)\s+(?:(?:hay|hoặc|hoac)\s+)?)+"
                           r"\d+(?:[.,]\d+)?\s*%")
_OR_SPLIT_RE = re.compile(r"(?i)\s(?:hoặc|hoac|hay là|hay)\s")
SLOT_MIN = 0.5  # an alternative is stated when a sentence states this share of it
LIGHT_ALTERNATIVE = 0.5  # an alternative whose heaviest word weighs less than this share of the others' is a frame
LIST_ALTERNATIVES = 3
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


# Not after "tháng": "6 tháng đầu năm 2026", "những tháng cuối năm" are periods, not dates.
_START_OF_YEAR_RE = re.compile(r"(?i)(?<!\w)(?<!tháng )(?<!thang )(?:đầu|dau)\s+(?:năm|nam)\s+(\d{4})")
_END_OF_YEAR_RE = re.compile(r"(?i)(?<!\w)(?<!tháng )(?<!thang )(?:cuối|cuoi)\s+(?:năm|nam)\s+(\d{4})")


def _normalise_dates(text: str) -> str:
    """ "từ đầu năm 2026" is "từ 01/01/2026" in a report; "cuối năm 2025" is "31/12/2025"."""
    text = _START_OF_YEAR_RE.sub(lambda m: f"01/01/{m.group(1)}", text)
    return _END_OF_YEAR_RE.sub(lambda m: f"31/12/{m.group(1)}", text)


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


@dataclass(frozen=True, slots=True)
class SlotPlan:
    told: tuple[Attribute, ...]  # the alternatives that can state the slot
    specific: bool  # the slot must be stated (not only words most paragraphs use)
    weight: float  # its heaviest word (the heaviest specific slot gives the key alternative)


@dataclass(slots=True)
class MatchResult:
    score: float  # weighted share of the attribute found (0..1)
    label_share: float  # weighted share found in the label itself
    key_found: float  # where the heaviest term was found (IN_LABEL / IN_SENTENCE / IN_CONTEXT / 0)
    missing: list[str] = field(default_factory=list)


# "ba trụ cột" is "3 trụ cột": small numbers written as words (with their accents: folded, "ba" is
# also "bà", "tư" "tư pháp") and as digits are the same word. "năm" is left out (the year).
_NUMBER_WORDS = {"một": "1", "hai": "2", "ba": "3", "bốn": "4", "sáu": "6", "bảy": "7", "bẩy": "7", "tám": "8",
                 "chín": "9", "mười": "10"}


def _number_word_alternatives(word: str, accented: str | None) -> frozenset[str]:
    """The digits of a number word ("ba" -> "3"); not the other way: folded, most number words are
    other words too ("sau", "bay", "tam")."""
    if accented is not None and accented in _NUMBER_WORDS:
        return frozenset({_NUMBER_WORDS[accented]})
    return frozenset()


class Matcher:
    def __init__(self, weights: WordWeights, words: QuestionWords | None = None) -> None:
        self.weights = weights
        self.words = words or load_question_words()

    def attribute(self, text: str, drop: Sequence[str] = (), keep_type_words: bool = True) -> Attribute:
        """The attribute words of `text` (a question without its unit and period), weighted by IDF.
        A word no report uses weighs the most — unless it is a verb or a function word (part of
        speech from underthesea): reports say "chốt", "nộp" in other words, while a noun no report
        uses ("dân số") names an attribute the reports do not state."""
        text = _THRESHOLD_RE.sub(" ", _EXAMPLES_RE.sub(" ", text))
        cleaned = self.weights.restore_accents(_normalise_dates(text_for_segmenting(text, drop)))
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
            is_date = bool(DATE_TOKEN_RE.match(w) or re.fullmatch(r"(?:19|20)\d{2}", w))
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
            alternatives = (self.words.synonyms.get(w, frozenset()) | _number_word_alternatives(w, accented)) - {w}
            seen[w] = Term(w, weight, alternatives, content, is_date, strict, proper)
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

    def slot_plan(self, slots: list[list[Attribute]]) -> list[SlotPlan]:
        """What `states_slots` needs of each slot that does not depend on the sentence (computed once
        for all the sentences a question is matched against)."""
        plans = []
        for alts in slots:
            specific = not all(self.generic(a) for a in alts)
            # "nguồn nhân lực, cán bộ CNTT, chuyển đổi số": an alternative of words most paragraphs
            # use ("chuyển đổi số") does not state a slot that has specific alternatives.
            told = [a for a in alts if not self.generic(a)] if specific else list(alts)
            if len(told) >= LIST_ALTERNATIVES:
                # ... nor, in a list of three or more, one far lighter than the others (the IDF of
                # its heaviest word): "..., cán bộ làm CNTT, chuyển đổi số" ends on the domain word
                top = max(max(t.weight for t in a.terms) for a in told)
                told = [a for a in told if max(t.weight for t in a.terms) >= LIGHT_ALTERNATIVE * top]
            plans.append(SlotPlan(tuple(told), specific, max(t.weight for a in alts for t in a.terms)))
        return plans

    def states_slots(self, slots: list[list[Attribute]], sentence: str,
                     plan: Sequence[SlotPlan] | None = None) -> tuple[float, Attribute | None]:
        """(how fully the sentence states the slots, the best alternative of the heaviest slot): 0
        unless every specific slot has an alternative the sentence states; else the mean. `plan` is
        `slot_plan(slots)`, passed by callers that match many sentences."""
        scores: list[float] = []
        missed_optional = 0
        key_alt: Attribute | None = None
        key_weight = -1.0
        for sp in plan if plan is not None else self.slot_plan(slots):
            best, best_alt = max(((self.states(a, sentence), a) for a in sp.told), key=lambda x: x[0])
            if sp.specific and best < SLOT_MIN:
                return 0.0, None
            if sp.specific or best > 0:
                scores.append(best)
            else:
                missed_optional += 1
            if sp.specific and sp.weight > key_weight:
                key_weight, key_alt = sp.weight, best_alt
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
        # The heaviest noun sets the bar: a verb ("hỗ trợ") frames, so "kinh phí" must be there.
        top = max((t.weight for t in aspect.terms if t.content), default=0.0) or max(t.weight for t in aspect.terms)
        for t in aspect.terms:
            # A one-syllable synonym of letters is too ambiguous folded ("tien" of "kinh phí" is in
            # "tiện ích"); "5g" is not.
            found = contains_word(_acc(sentence), t.accented) if t.accented is not None else (
                contains_word(sentence, t.word) or any(contains_word(sentence, a) for a in t.alternatives if " " in a or not a.isalpha()))
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
