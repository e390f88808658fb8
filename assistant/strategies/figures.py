"""Figures: counts of any noun, percentages, money, ranks — the best figure fact whose label names
the asked attribute, or an abstention.

Candidates are the report's figure facts of the asked kind (a percentage for "tỷ lệ", an amount for
"kinh phí", a count of the asked noun for "bao nhiêu camera"). Each is scored by how much of the
asked attribute its label, sentence and paragraph contain (assistant/matching.py). The best one
answers only when the score clears `FIGURE_MIN_SCORE` and the attribute's heaviest word is in its
label or sentence; otherwise the report does not state the figure, and the answer says so, quoting
the nearest passage. A value of another attribute is never given as the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.matching import IN_SENTENCE, SYNONYM_FACTOR, MatchResult
from assistant.strategies.base import Context, FactView
from assistant.strategies.replies import (
    abstain,
    answered,
    asked_phrase,
    cite_sentence,
    missing_sentence,
    quoted_sentence,
)
from assistant.textutil import named_number_spans
from assistant.words import asks_description, contains_word, folded_text, load_question_words
from ingest.text import fold

if TYPE_CHECKING:
    from assistant.models import Answer
    from assistant.understand import Understanding

# Calibrated on the development sets' tune files (eval/dev/*_tune.jsonl), never on the fixed set.
FIGURE_MIN_SCORE = 0.62
KEY_MIN = IN_SENTENCE * SYNONYM_FACTOR  # the heaviest word must be in the label or the sentence
OTHER_MEASURE_FIT = 0.15
BARE_MEASURE_FIT = 0.75
_RANK_WORDS = (" xep hang ", " hang ", " xep thu ", " dung thu ", " vi tri ")
# "Trong đó tính riêng ... : 896 hồ sơ" is a part of a total; a question about the total prefers
# the figure that is not introduced as a part.
_SUBSET_RE = re.compile(r"^\s*(?:trong do|tinh rieng|rieng|gom|bao gom|cu the)\b| (?:trong do|tinh rieng) ")
_TOTAL_RE = re.compile(r" (?:tong cong|tong so|tat ca|toan bo|tong) ")
SUBSET_FACTOR = 0.8
MAX_CORROBORATING = 2
_SUPERLATIVE_RE = re.compile(r" (?P<dir>cao|nhieu|lon|dai) nhat | (?P<low>thap|it|nho|ngan) nhat ")
_TARGET_WORDS = re.compile(r"\b(muc tieu|chi tieu|ke hoach|phan dau|du kien|dat ra|de ra)\b")
FIGURE_TYPES = frozenset({"count", "percent", "money", "rank"})


TABLE_ROW_FACTOR = 0.98
INDICATOR_SIGNAL = 0.15  # the indicators table files the figure under the asked indicator (or another)
PRECISION_BASE = 0.7  # ranking: recall x (PRECISION_BASE + (1 - PRECISION_BASE) x label precision)
NEGATION_FACTOR = 0.3  # "chưa hoàn thành: 0 nhiệm vụ" does not answer "đã hoàn thành bao nhiêu"
_NEGATION_RE = re.compile(r" (?:chua|khong|chang) ")


@dataclass(slots=True)
class ScoredFigure:
    view: FactView
    score: float  # how much of the asked attribute the fact states (decides whether to answer)
    match: MatchResult
    fit: float
    rank: float = 0.0  # score weighed by the label's precision (decides which figure)


def type_fit(u: Understanding, v: FactView) -> float:
    """How well a figure's kind and measure fit what the question asks for (0 = not at all)."""
    f = v.fact
    kind = f.value_kind
    t = u.answer_type
    if t == "percent":
        return 1.0 if kind == "percent" else 0.0
    if t == "money":
        return 1.0 if kind == "money" or f.measure == "đồng" else 0.0
    if t == "rank":
        if kind in ("fraction", "count") and any(w in v.sentence for w in _RANK_WORDS):
            return 1.0
        return 0.4 if kind == "fraction" else 0.0
    # count
    if kind in ("percent", "money"):
        return 1.0 if u.measure == "đồng" and kind == "money" else 0.0
    if kind not in ("count", "zero", "decimal", "fraction", "duration"):
        return 0.0
    if u.measure is None:
        if u.noun_phrase:  # "bao nhiêu ấp", a noun no measure list holds: the figure counts it
            noun = folded_text(u.noun_phrase).split()  # "vb van ban": an abbreviation and its expansion
            heads = {noun[0], *(noun[1:2] if len(noun) > 1 and noun[0].isalpha() and len(noun[0]) <= 4 else [])}
            after = folded_text(v.paragraph.text[f.end:f.end + 24]).split()
            stated = (bool(after[:1]) and after[0] in heads) or any(f" {h} " in folded_text(f.text) for h in heads)
            if f.measure and len(heads) == 1 and "".join(w[0] for w in fold(f.measure).split()) == noun[0]:
                stated = True  # "VB" for "157 văn bản": the initials of the measure
            if v.paragraph.kind == "table_row":  # "Số biên chế được giao | 55": the header names it
                stated = stated or any(contains_word(v.label, h) for h in heads)
            return 1.0 if stated else OTHER_MEASURE_FIT
        return 1.0
    if f.measure == u.measure or any(f.measure in g and u.measure in g for g in load_question_words().measure_groups):
        return 1.0
    if f.measure is None:
        noun = folded_text(u.noun_phrase or u.measure).strip()
        return 1.0 if noun and contains_word(v.label, noun) else BARE_MEASURE_FIT
    return OTHER_MEASURE_FIT


class FigureStrategy:
    name = "figure"

    def answer(self, u: Understanding, ctx: Context) -> Answer | None:
        if u.answer_type not in FIGURE_TYPES:
            return None
        docs, problem = ctx.docs_for(u)
        if problem:
            return abstain(u, problem)
        if not docs:
            return None
        scoped = docs if (u.units or len(docs) == 1) else self._retrieved_docs(u, ctx)
        attr = ctx.attribute(u, scoped)
        out_of = _out_of(u)
        if out_of is not None:  # "xếp hạng thứ mấy trên 99 xã": 99 is the rank's denominator, no word
            attr = type(attr)(tuple(t for t in attr.terms if t.word != out_of), attr.phrase)
        ranked = rank_figures(u, ctx, scoped, attr)
        if out_of is not None:
            ranked = [s for s in ranked if s.view.fact.denominator is None
                      or f"{s.view.fact.denominator:g}" == out_of]
        best = next((s for s in ranked if accept(s)), None)
        sup = _SUPERLATIVE_RE.search(folded_text(u.effective))
        if sup is not None and u.units:
            best = _extreme(ranked, attr, ctx, low=bool(sup.group("low"))) or best
        if best is None:
            if asks_description(u.effective):
                return None  # "... thế nào?": the sentences that state it answer (TextStrategy)
            return missing_sentence(ctx, u, scoped, asked_phrase(u, _fallback(u)), attr)
        v = best.view
        book = ctx.book()
        n = cite_sentence(book, v.paragraph, v.fact.sentence_start, v.fact.sentence_end, (v.fact.start, v.fact.end))
        q = quoted_sentence(v.paragraph, v.fact.sentence_start, v.fact.sentence_end, (v.fact.start, v.fact.end))
        note = " (số liệu kế hoạch, mục tiêu)" if v.fact.target else ""
        text = f"{display_value(v)}{note} — theo {ctx.report_phrase(v.fact.doc_id)}: {q} [{n}]"
        # The same value the report states again for the same attribute (a sentence and its table
        # row): cited too, so the official sees every place the figure is written.
        again = [s.view for s in ranked if s is not best and accept(s) and s.view.fact.doc_id == v.fact.doc_id
                 and s.view.paragraph.id != v.paragraph.id and s.view.fact.value == v.fact.value
                 and s.view.fact.value_kind == v.fact.value_kind][:MAX_CORROBORATING]
        if again:
            marks = [cite_sentence(book, w.paragraph, w.fact.sentence_start, w.fact.sentence_end,
                                   (w.fact.start, w.fact.end)) for w in again]
            text += f" Báo cáo cũng ghi số liệu này tại {', '.join(f'[{m}]' for m in marks)}."
        return answered(u, text, book, "lookup")

    @staticmethod
    def _retrieved_docs(u: Understanding, ctx: Context) -> list[str]:
        """No unit named and several reports: the reports the retriever finds for the question."""
        passages = ctx.retriever.retrieve(u.effective, 12, u.filters)
        return list(dict.fromkeys(p.doc_id for p in passages))[:5] or list(ctx.reports)[:5]


def rank_figures(u: Understanding, ctx: Context, docs: list[str], attr) -> list[ScoredFigure]:
    fq = folded_text(u.effective)
    wants_target = bool(_TARGET_WORDS.search(fq)) or _asks_future(u, ctx, docs)
    asked_numbers = _named_numbers(u.effective)
    negated_q = bool(_NEGATION_RE.search(fq))
    wanted, filed = _indicator_keys(u, ctx, docs)
    asks_total = bool(_TOTAL_RE.search(fq))
    noun = folded_text(u.noun_phrase) if u.answer_type == "count" and u.noun_phrase else ""
    noun_words = {t.word for t in attr.terms if noun and contains_word(noun, t.word)
                  and t.word not in ctx.matcher.words.count_particles}
    asked_years = set(_YEAR_RE.findall(fq))
    out: list[ScoredFigure] = []
    for v in ctx.facts(docs, "figure", u):
        fit = type_fit(u, v)
        if fit == 0.0:
            continue
        if other_year(asked_years, v.sentence):
            continue
        if _raw_number(v) in asked_numbers:
            continue  # "Chiến dịch 100 ngày", "Đề án 06": a number the question names is not its answer
        m = ctx.matcher.score(attr, v.label, v.sentence, v.context)
        if noun_words and any(w in noun_words for w in m.missing):
            continue  # "bao nhiêu giải khuyến khích": "03 giải nhất" counts another thing
        score = m.score * fit
        if v.fact.target and not wants_target:
            continue  # a plan or target is another attribute than the result asked for
        if not negated_q and _NEGATION_RE.search(v.label):
            score *= NEGATION_FACTOR
        precision = ctx.matcher.precision(attr, v.fact.label)
        rank = score * (PRECISION_BASE + (1 - PRECISION_BASE) * precision)
        if v.paragraph.kind == "table_row":
            rank *= TABLE_ROW_FACTOR  # the same figure in a sentence reads better than a table row
        if asks_total and _SUBSET_RE.search(folded_text(v.fact.label)):
            rank *= SUBSET_FACTOR
        keys = filed.get((v.fact.paragraph_id, round(v.fact.value or 0.0, 6)))
        if wanted and keys:
            # "Tỷ lệ hồ sơ trực tuyến" names the taxonomy's tiep_nhan_truc_tuyen: a figure the table
            # filed under it beats one filed as truc_tuyen_toan_trinh, whatever words they share.
            rank += INDICATOR_SIGNAL if keys & wanted else -INDICATOR_SIGNAL
        out.append(ScoredFigure(v, score, m, fit, rank))
    out.sort(key=lambda s: (-s.rank, -s.match.label_share, s.view.fact.start))
    return out


def _extreme(ranked: list[ScoredFigure], attr, ctx: Context, low: bool) -> ScoredFigure | None:
    """ "Tiện ích nào đạt tỷ lệ cao nhất?" in one report: among the figures that state the asked
    attribute (the superlative words aside), the largest (or smallest) value."""
    sup_words = {"cao nhat", "nhieu nhat", "lon nhat", "dai nhat", "thap nhat", "it nhat", "nho nhat",
                 "cao", "nhieu", "lon", "dai", "thap", "it", "nho", "ngan", "nhat"}
    core = type(attr)(tuple(t for t in attr.terms if t.word not in sup_words), attr.phrase)
    pool = []
    for s in ranked:
        m = ctx.matcher.score(core, s.view.label, s.view.sentence, s.view.context)
        if m.score * s.fit >= FIGURE_MIN_SCORE and m.key_found >= KEY_MIN:
            pool.append(s)
    if len(pool) < 2:
        return None
    return (min if low else max)(pool, key=lambda s: s.view.fact.value or 0.0)


# "năm 2025" as a period (not "so với năm 2025", which compares with it): the years a question asks
# and the years a sentence states its figure for.
_YEAR_RE = re.compile(r"(?<!so voi )(?<!so voi cung ky )(?<!cung ky )\bnam ((?:19|20)\d\d)\b")


def other_year(asked: set[str], sentence: str) -> bool:
    """The sentence states its figure for another year than every one the question asks
    ("Năm 2026, tổng kinh phí ... là ..." does not answer "Năm 2025 ... bố trí kinh phí bao nhiêu?")."""
    if not asked:
        return False
    own = set(_YEAR_RE.findall(sentence))
    return bool(own) and not own & asked


_OUT_OF_RE = re.compile(r"\b(?:tren|trong|/)\s*(\d+)\s+(?:xa|phuong|don vi|dia phuong|tinh|huyen|co quan)\b")


def _out_of(u: Understanding) -> str | None:
    """The "out of N" of a rank question ("thứ mấy trên 99 xã, phường"), or None."""
    if u.answer_type != "rank":
        return None
    m = _OUT_OF_RE.search(folded_text(u.effective))
    return m.group(1).lstrip("0") if m else None


def _named_numbers(question: str) -> set[str]:
    """Numbers that are part of a name in the question ("Chiến dịch 100 ngày", "Đề án 06"): never
    the answer. A number in a condition ("đạt 100%") is not one of them."""
    return {folded_text(question[s:e]).strip() for s, e in named_number_spans(question)}


def _raw_number(v: FactView) -> str:
    m = re.search(r"\d+(?:[.,/]\d+)*", v.paragraph.text[v.fact.start:v.fact.end])
    return folded_text(m.group(0)).strip() if m else ""


def _asks_future(u: Understanding, ctx: Context, docs: list[str]) -> bool:
    """ "Đến năm 2030, ... bao nhiêu %?": a year after the reports' periods asks for a target."""
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d{2})(?!\d)", u.effective)]
    ends = [int(p.rsplit("..", 1)[-1][:4]) for d in docs if (p := ctx.reports.get(d, {}).get("period"))]
    return bool(years and ends and max(years) > max(ends))


def _indicator_keys(u: Understanding, ctx: Context,
                    docs: list[str]) -> tuple[frozenset[str], dict[tuple[str, float], set[str]]]:
    """(indicator keys the question names, (paragraph, value) -> keys the indicators table filed)."""
    if ctx.aggregator is None:
        return frozenset(), {}
    taxonomy = ctx.aggregator.taxonomy
    wanted = frozenset(lb.key for lb in taxonomy.find_labels(fold(" ".join(u.effective.split())), question=True))
    filed: dict[tuple[str, float], set[str]] = {}
    if wanted:
        for d in docs:
            for ind in ctx.store.query_indicators(doc_id=d):
                filed.setdefault((ind.paragraph_id, round(ind.value, 6)), set()).add(ind.key)
    return wanted, filed


def accept(s: ScoredFigure) -> bool:
    return s.score >= FIGURE_MIN_SCORE and s.match.key_found >= KEY_MIN


def display_value(v: FactView) -> str:
    """The value as the report writes it, with its qualifier ("trên 95%", "2,710 hồ sơ")."""
    return v.fact.text


def _fallback(u: Understanding) -> str:
    return {"percent": "tỷ lệ được hỏi", "money": "số tiền được hỏi", "rank": "thứ hạng được hỏi"}.get(
        u.answer_type, "số liệu được hỏi")
