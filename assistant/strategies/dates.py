"""Dates stated in the text: when a document was issued, when an event took place, the range the
figures cover ("số liệu từ ngày nào đến ngày nào") — never the report's own date unless asked."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.matching import IN_SENTENCE, SYNONYM_FACTOR
from assistant.strategies.base import Context, FactView
from assistant.strategies.documents import head_kind
from assistant.strategies.replies import (
    abstain,
    answered,
    asked_phrase,
    cite_sentence,
    issuer_conflict,
    missing_sentence,
    quoted_sentence,
)
from assistant.strategies.text import focus_word
from assistant.words import folded_text
from ingest.text import fold

if TYPE_CHECKING:
    from assistant.models import Answer
    from assistant.understand import Understanding
    from ingest.models import Paragraph

DATE_MIN_SCORE = 0.55  # calibrated on the development sets' tune files
RANGE_MIN_SCORE = 0.4  # a "từ ... đến ..." pair is itself evidence that the sentence dates figures
DOCREF_BONUS = 0.5  # the date of the very document the question names
_WHEN_WORDS = ("ngay nao", "ngay may", "ngay bao nhieu", "khi nao", "bao gio", "thoi gian nao", "luc nao",
               "thoi diem nao", "nam nao", "thang nao", "thang may", "tu ngay nao", "den ngay nao", "ngay thang nao",
               "vao ngay nao", "tinh den ngay nao", "chot den ngay nao", "tinh tu ngay nao", "ngay", "thoi gian")
# "Kế hoạch 128", "QĐ 02/QĐ-BCĐ", "Công văn 954": the number of the document the question names.
_DOC_NUMBER_RE = re.compile(r"(?<![\d/])(\d{1,5})(?:\s*/\s*[a-z0-9đ&-]+(?:/[a-z0-9đ&-]+)*)?(?![\d/])")
_DOC_KIND_RE = re.compile(r"\b(?:ke hoach|kh|quyet dinh|qd|cong van|cv|nghi quyet|nq|thong bao|tb|chi thi|"
                          r"chuong trinh|van ban|de an|huong dan)\b")
_RANGE_RE = re.compile(r"\btu (?:ngay )?nao\b.*\bden (?:ngay )?nao\b|\btu ngay nao\b|\btinh tu\b|"
                       r"\bkhoang thoi gian nao\b|\bgiai doan nao\b")
_TO_RE = re.compile(r"\b(?:tinh den|chot den|den ngay nao|tinh toi|den thoi diem nao)\b")


def _asked_doc_number(key: str) -> str | None:
    # "Theo căn cứ kế hoạch CĐS ..., Quyết định 749/QĐ-TTg ban hành ngày nào?": a leading "Theo ...,"
    # clause frames the question; the document asked is named after it.
    frame = _FRAME_CLAUSE_RE.match(key)
    m = _DOC_KIND_RE.search(key, frame.end() if frame else 0)
    if not m:
        return None
    n = _DOC_NUMBER_RE.search(key, m.end(), m.end() + 20)
    return n.group(1).lstrip("0") or "0" if n else None


_FRAME_CLAUSE_RE = re.compile(r"^\W*(?:theo|trong|tai|o)\s[^,]{3,80},")


def _ref_number(ref: str | None) -> str | None:
    if not ref:
        return None
    m = re.search(r"(\d+)", ref)
    return m.group(1).lstrip("0") or "0" if m else None


_DOC_QUESTION_RE = re.compile(r"^\W*(?:ke hoach|quyet dinh|cong van|nghi quyet|thong bao|chi thi|chuong trinh|"
                              r"huong dan|de an)\b")


class DateStrategy:
    name = "date"

    def answer(self, u: Understanding, ctx: Context) -> Answer | None:
        if u.answer_type != "when":
            return None
        docs, problem = ctx.docs_for(u)
        if problem:
            return abstain(u, problem)
        if not docs:
            return None
        fq = fold(u.effective)
        attr = ctx.attribute(u, docs, extra_drop=_WHEN_WORDS, keep_type_words=False)
        doc_number = _asked_doc_number(fq)
        dates = ctx.facts(docs, "date")
        if _RANGE_RE.search(fq):
            ans = self._range(u, ctx, dates, attr)
            if ans is not None:
                return ans
        wants_to = bool(_TO_RE.search(fq))
        issuers = {(d.fact.paragraph_id, d.fact.text): d.fact.role for d in ctx.facts(docs, "docref")}
        best: tuple[float, FactView] | None = None
        kind = head_kind(fq) if _DOC_QUESTION_RE.match(fq) else set()
        for v in dates:
            if v.fact.ref and issuer_conflict(u.effective, issuers.get((v.fact.paragraph_id, v.fact.ref))):
                continue  # the district's plan is not the commune's plan the question asks about
            if kind and v.fact.ref and not head_kind(fold(v.fact.ref)) & kind:
                continue  # "Kế hoạch ... ban hành ngày nào?": the date of a plan, not of another document
            m = ctx.matcher.score(attr, v.label, v.sentence, v.context)
            score = m.score
            if doc_number is not None:
                if _ref_number(v.fact.ref) == doc_number:
                    score += DOCREF_BONUS
                elif v.fact.ref is not None:
                    score -= DOCREF_BONUS  # the date of another document
            if wants_to and v.fact.role == "to":
                score += 0.1
            if m.key_found < IN_SENTENCE * SYNONYM_FACTOR and not (doc_number and _ref_number(v.fact.ref) == doc_number):
                continue
            if best is None or score > best[0]:
                best = (score, v)
        if (best is None or best[0] < DATE_MIN_SCORE) and _YEAR_QUESTION_RE.search(folded_text(u.effective)):
            year = _year_answer(u, ctx, docs, attr)
            if year is not None:
                return year
        if best is None or best[0] < DATE_MIN_SCORE:
            return missing_sentence(ctx, u, docs, asked_phrase(u, "ngày tháng được hỏi"), attr)
        v = best[1]
        book = ctx.book()
        n = cite_sentence(book, v.paragraph, v.fact.sentence_start, v.fact.sentence_end, (v.fact.start, v.fact.end))
        q = quoted_sentence(v.paragraph, v.fact.sentence_start, v.fact.sentence_end, (v.fact.start, v.fact.end))
        shown = _show(v.fact.text)
        what = f"{v.fact.ref}: " if v.fact.ref else ""
        text = f"{what}{shown} — theo {ctx.report_phrase(v.fact.doc_id)}: {q} [{n}]"
        return answered(u, text[:1].upper() + text[1:], book, "lookup")

    @staticmethod
    def _range(u: Understanding, ctx: Context, dates: list[FactView], attr) -> Answer | None:
        """A "from ... to ..." pair in one sentence that states the asked figures."""
        pairs: dict[tuple[str, int], list[FactView]] = {}
        for v in dates:
            pairs.setdefault((v.fact.paragraph_id, v.fact.sentence_start), []).append(v)
        best = None
        for group in pairs.values():
            frm = next((v for v in group if v.fact.role == "from"), None)
            to = next((v for v in group if v.fact.role == "to" and (frm is None or v.fact.start > frm.fact.start)), None)
            if frm is None or to is None:
                continue
            m = ctx.matcher.score(attr, frm.sentence, frm.sentence, frm.context)
            if best is None or m.score > best[0]:
                best = (m.score, frm, to)
        if best is None or best[0] < RANGE_MIN_SCORE:
            return None
        _, frm, to = best
        book = ctx.book()
        n = cite_sentence(book, frm.paragraph, frm.fact.sentence_start, frm.fact.sentence_end)
        q = quoted_sentence(frm.paragraph, frm.fact.sentence_start, frm.fact.sentence_end, (frm.fact.start, to.fact.end))
        text = (f"Từ {_show(frm.fact.text)} đến {_show(to.fact.text)} — theo {ctx.report_phrase(frm.fact.doc_id)}: "
                f"{q} [{n}]")
        return answered(u, text, book, "lookup")


_YEAR_QUESTION_RE = re.compile(r" (?:(?:tu|vao|trong) )?nam (?:nao|bao nhieu|may) ")
_YEAR_RE = re.compile(r"(?i)(?<!\w)năm\s+((?:19|20)\d{2})(?!\d)")


def _year_answer(u: Understanding, ctx: Context, docs: list[str], attr) -> Answer | None:
    """ "Thôn ... được công nhận thôn thông minh năm nào?": a year written "năm 2024" in a sentence
    that states the asked event. With several years in one sentence ("... kiểu mẫu từ năm 2022 và
    thôn thông minh năm 2024"), the year whose stretch of text (from the previous year on) holds the
    words the question puts just before "năm nào" answers."""
    asked_years = set(re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", u.effective))
    focus = focus_word(ctx, u, attr, _YEAR_QUESTION_RE)
    best: tuple[float, Paragraph, int, int, re.Match[str]] | None = None
    for p, s, e, folded in ctx.sentences(ctx.paragraphs(docs)):
        years = [m for m in _YEAR_RE.finditer(p.text, s, e) if m.group(1) not in asked_years]
        if not years:
            continue
        m = ctx.matcher.score(attr, folded, folded, ctx.context_of(p))
        if m.score < DATE_MIN_SCORE or m.key_found < IN_SENTENCE * SYNONYM_FACTOR:
            continue
        pick = years[0]
        if focus is not None and len(years) > 1:
            starts = [s, *(y.end() for y in years[:-1])]
            held = [y for y, a in zip(years, starts, strict=True) if f" {focus} " in folded_text(p.text[a:y.start()])]
            if len(held) != 1:
                continue  # the asked event's year is not told apart in this sentence
            pick = held[0]
        if best is None or m.score > best[0]:
            best = (m.score, p, s, e, pick)
    if best is None:
        return None
    _, p, s, e, year = best
    book = ctx.book()
    n = cite_sentence(book, p, s, e, (year.start(), year.end()))
    q = quoted_sentence(p, s, e, (year.start(), year.end()))
    return answered(u, f"Năm {year.group(1)} — theo {ctx.report_phrase(p.doc_id)}: {q} [{n}]", book, "lookup")


def _show(date_text: str) -> str:
    """ "ngày 10/3/2026" -> "ngày 10/3/2026"; "10/3/2026" -> "ngày 10/3/2026"; months stay months."""
    t = " ".join(date_text.split())
    if re.match(r"(?i)(?:ngày|tháng|từ|đến)\b", t):
        return t
    return f"ngày {t}"
