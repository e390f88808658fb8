"""Documents referenced in a report: "số hiệu của quyết định phê duyệt ...", "kế hoạch nào về ...",
"kể tên các kế hoạch ... đã ban hành" — from the document-reference facts (kind, number, date,
issuer, subject)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.matching import IN_SENTENCE
from assistant.strategies.base import Context, FactView
from assistant.strategies.replies import (
    abstain,
    answered,
    asked_phrase,
    cite_sentence,
    issuer_conflict,
    missing_sentence,
    quoted_sentence,
)
from ingest.text import fold

if TYPE_CHECKING:
    from assistant.models import Answer
    from assistant.understand import Understanding

DOC_MIN_SCORE = 0.55
MAX_DOCUMENTS = 12
_KINDS = {"ke hoach": "ke hoach", "quyet dinh": "quyet dinh", "qd": "quyet dinh", "cong van": "cong van",
          "nghi quyet": "nghi quyet", "thong bao": "thong bao", "chi thi": "chi thi", "chuong trinh": "chuong trinh",
          "huong dan": "huong dan", "de an": "de an", "ke hoach so": "ke hoach"}
_PLURAL_RE = re.compile(r"\b(?:ke ten|liet ke|nhung|cac)\b")
_DOC_WORDS = ("so hieu", "so ky hieu", "ky hieu", "van ban nao", "so may", "la gi", "nao", "ke ten", "liet ke",
              "ban hanh", "da ban hanh", "nhung", "cac", "van ban", "ky", "ky ban hanh", "phe duyet", "duoc ban hanh",
              "hoac", "duoc")
# "Ngày 25/02/2026 ... ký những kế hoạch nào?", "Giữa ngày 14/4 và 15/4/2026 ...": the documents of those dates.
_ASKED_DATE_RE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])")


class DocumentStrategy:
    name = "document"

    def answer(self, u: Understanding, ctx: Context) -> Answer | None:
        if u.answer_type != "document":
            return None
        docs, problem = ctx.docs_for(u)
        if problem:
            return abstain(u, problem)
        if not docs:
            return None
        fq = fold(u.effective)
        kinds = head_kind(fq)
        attr = ctx.attribute(u, docs, extra_drop=[*_DOC_WORDS, *kinds], keep_type_words=False)
        dated = _asked_dates(u.effective)
        if dated is not None:
            attr = type(attr)(tuple(t for t in attr.terms if not t.date), attr.phrase)
        scored: list[tuple[float, FactView]] = []
        for v in ctx.facts(docs, "docref"):
            if dated is not None and not (v.fact.iso and len(v.fact.iso) == 10 and dated[0] <= v.fact.iso <= dated[1]):
                continue
            if kinds and fold(v.fact.measure or "") not in kinds:
                continue
            if issuer_conflict(u.effective, v.fact.role):
                continue  # another level's document ("của UBND huyện ...") than the one asked
            if attr.terms:
                m = ctx.matcher.score(attr, _label(v), v.sentence, v.context)
                if m.key_found < IN_SENTENCE * 0.9:
                    continue
                score = m.score
            else:
                score = 1.0 if kinds else 0.0
            scored.append((score, v))
        scored.sort(key=lambda x: (-x[0], x[1].fact.start))
        good = [x for x in scored if x[0] >= DOC_MIN_SCORE]
        if not good:
            return missing_sentence(ctx, u, docs, asked_phrase(u, "văn bản được hỏi"), attr)
        plural = bool(_PLURAL_RE.search(fq))
        book = ctx.book()
        lines: list[str] = []
        seen: set[str] = set()
        for score, v in good:
            ident = fold(v.fact.ref or v.fact.text)
            if ident in seen:
                continue
            if lines and (not plural or score < good[0][0] - 0.2):
                break
            seen.add(ident)
            n = cite_sentence(book, v.paragraph, v.fact.sentence_start, v.fact.sentence_end, (v.fact.start, v.fact.end))
            date = f" ngày {_dmy(v.fact.iso)}" if v.fact.iso and len(v.fact.iso) == 10 else ""
            q = quoted_sentence(v.paragraph, v.fact.sentence_start, v.fact.sentence_end, (v.fact.start, v.fact.end))
            lines.append(f"{v.fact.text}{date} — {q} [{n}]")
            if len(lines) >= MAX_DOCUMENTS:
                break
        head = f"Theo {ctx.report_phrase(good[0][1].fact.doc_id)}:"
        body = "\n".join(f"- {ln}" for ln in lines) if len(lines) > 1 else lines[0]
        return answered(u, f"{head}\n{body}" if len(lines) > 1 else f"{body.split(' — ')[0]} — {head[:1].lower()}{head[1:-1]}: "
                        f"{body.split(' — ', 1)[1]}", book, "lookup")


def _asked_dates(question: str) -> tuple[str, str] | None:
    """The (first, last) ISO day the question dates its documents by: one date, or the two of
    "giữa ngày 14/4 và 15/4/2026" (a date without its year takes the year of the other)."""
    found = _ASKED_DATE_RE.findall(question)
    if not found or len(found) > 2:
        return None
    years = [y for _, _, y in found if y]
    if not years:
        return None
    days = sorted(f"{y or years[-1]}-{int(m):02d}-{int(d):02d}" for d, m, y in found)
    return days[0], days[-1]


_LISTED_KIND_RE = re.compile(rf"\s*(?:,|va|hoac)\s*({'|'.join(sorted(_KINDS, key=len, reverse=True))})\b")


def head_kind(folded_question: str) -> set[str]:
    """The kind of document the question is about: the first kind it names ("Kế hoạch triển khai
    Nghị quyết 13" asks about a plan, not the resolution it implements)."""
    found = [(m.start(), m.end(), k2) for k, k2 in _KINDS.items() if (m := re.search(rf"\b{k}\b", folded_question))]
    if not found:
        return set()
    _, end, kind = min(found)
    kinds = {kind}
    # "những kế hoạch, quyết định nào": kinds listed together are all asked.
    while (m := _LISTED_KIND_RE.match(folded_question, end)) is not None:
        kinds.add(_KINDS[m.group(1)])
        end = m.end()
    return kinds


def _label(v: FactView) -> str:
    from assistant.words import folded_text

    return folded_text(f"{v.fact.measure or ''} {v.fact.label} {v.fact.role or ''}")


def _dmy(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(d)}/{int(m)}/{y}"


# "Thông báo số 01/TB-BCĐ ... về việc gì?", "Kế hoạch số 27/KH-UBND ... nói về việc gì?"
_NAMED_DOC_RE = re.compile(r"(?i)(?<![\w/])(\d{1,4}\s*/\s*[\wĐđ]+(?:\s*-\s*[\wĐđ]+)*)")
_SUBJECT_CUE_RE = re.compile(r"\b(?:ve viec gi|ve gi|noi ve|ve van de gi|noi dung gi|noi dung la gi|de lam gi|"
                             r"ve noi dung gi|la van ban gi|la gi)\b")


class DocumentSubjectStrategy:
    """What a document the question names by its number is about: the subject the report gives it
    ("về phân công nhiệm vụ ..."), quoted; an abstention when no report cites that number."""

    name = "document_subject"

    def answer(self, u: Understanding, ctx: Context) -> Answer | None:
        fq = fold(u.effective)
        named = [re.sub(r"\s+", "", m.group(1)) for m in _NAMED_DOC_RE.finditer(u.effective)]
        if not named or not _SUBJECT_CUE_RE.search(fq):
            return None
        docs, problem = ctx.docs_for(u)
        if problem:
            return abstain(u, problem)
        wanted = {fold(n) for n in named}
        hits = [v for v in ctx.facts(docs or list(ctx.reports), "docref")
                if fold(re.sub(r"\s+", "", v.fact.ref or "")) in wanted]
        if not hits:
            return missing_sentence(ctx, u, docs or list(ctx.reports), f"văn bản số {named[0]}")
        v = max(hits, key=lambda h: len(h.fact.label or ""))  # the mention that gives its subject
        book = ctx.book()
        n = cite_sentence(book, v.paragraph, v.fact.sentence_start, v.fact.sentence_end, (v.fact.start, v.fact.end))
        q = quoted_sentence(v.paragraph, v.fact.sentence_start, v.fact.sentence_end, (v.fact.start, v.fact.end))
        about = f" về {v.fact.label.rstrip(' .;,')}" if v.fact.label else ""
        return answered(u, f"{v.fact.text}{about} — theo {ctx.report_phrase(v.fact.doc_id)}: {q} [{n}]", book, "lookup")
