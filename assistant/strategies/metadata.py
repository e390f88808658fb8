"""Report metadata: who signed it, its number, the document it answers, its period, duration,
province and issue date — each stated in a Vietnamese sentence with the paragraph that shows it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.strategies.base import Context
from assistant.strategies.replies import abstain, answered, who_of
from assistant.textutil import match_key
from ingest.labels import unit_label
from ingest.periods import period_phrase
from ingest.text import fold

if TYPE_CHECKING:
    from assistant.models import Answer
    from assistant.understand import Understanding
    from ingest.models import Paragraph

_REFERENCE_KINDS = ("cong van", "quyet dinh", "ke hoach", "nghi quyet", "thong bao", "chi thi", "huong dan")
_WHAT = {"signer": "người ký", "report_number": "số hiệu", "references": "văn bản căn cứ",
         "duration": "thời gian sơ kết", "period": "kỳ báo cáo", "province": "tỉnh, thành phố",
         "date": "ngày ban hành"}
_DATE_LINE_RE = re.compile(r"(?i)ngày\s+(\d{1,2})?\s*tháng\s+(\d{1,2})?\s*năm\s+(\d{4})")


class MetadataStrategy:
    name = "metadata"

    def answer(self, u: Understanding, ctx: Context) -> Answer | None:
        if u.intent != "metadata" or not u.metadata_field:
            return None
        docs, problem = ctx.docs_for(u)
        if problem:
            return abstain(u, problem)
        if not docs:
            return None
        book = ctx.book()
        lines: list[str] = []
        missing: list[str] = []
        for doc_id in docs:
            sentence, evidence = self.value_sentence(u, ctx, doc_id)
            if sentence is None:
                missing.append(ctx.report_phrase(doc_id))
                continue
            cite = f" [{book.cite(evidence)}]" if evidence is not None else ""
            lines.append(f"{sentence}{cite}")
        what = _WHAT.get(u.metadata_field, "thông tin này")
        if not lines:
            who = who_of(ctx, docs)
            return abstain(u, f"{who[:1].upper()}{who[1:]} không ghi {what}.")
        if missing:
            lines.append(f"Lưu ý: {'; '.join(missing)} không ghi {what}.")
        return answered(u, "\n".join(lines), book, "metadata")

    def value_sentence(self, u: Understanding, ctx: Context, doc_id: str) -> tuple[str | None, Paragraph | None]:
        meta = ctx.reports[doc_id]
        paras = ctx.doc(doc_id).paragraphs
        who = ctx.report_phrase(doc_id)
        Who = who[:1].upper() + who[1:]
        field_name = u.metadata_field
        if field_name == "signer":
            person = next((v for v in ctx.facts([doc_id], "person") if v.fact.ref == "signer"), None)
            if person is None:
                return None, None
            role = person.fact.role or ""
            behalf = person.fact.qualifier or ""
            detail = ""
            if role and behalf.startswith("KT."):
                detail = f" ({role}, ký thay {behalf.removeprefix('KT.').strip().lower()})"
            elif role and behalf.startswith("TM."):
                detail = f" ({role}, thay mặt {behalf.removeprefix('TM.').strip()})"
            elif role:
                detail = f" ({role})"
            return f"Người ký {who} là {person.fact.text}{detail}.", person.paragraph
        if field_name == "report_number":
            value = meta.get("report_number")
            if not value:
                return None, None
            return f"{Who} có số hiệu {value}.", _paragraph_containing(paras, value)
        if field_name == "references":
            refs = meta.get("references") or []
            kinds = [k for k in _REFERENCE_KINDS if k in u.key]
            chosen = [r for r in refs if any(match_key(r).startswith(k) for k in kinds)] or refs
            if not chosen:
                return None, None
            cite = next((p for r in chosen if (p := _paragraph_containing(paras, r)) is not None), None)
            return f"{Who} được lập để thực hiện {'; '.join(chosen)}.", cite
        if field_name == "duration":
            title = meta.get("title") or ""
            m = re.search(r"(\d+\s*năm(?:\s*\d+\s*tháng)?|\d+\s*tháng)", title)
            source = title
            if not m:
                for p in paras[:40]:
                    m = re.search(r"sơ kết\s+(\d+\s*năm(?:\s*\d+\s*tháng)?|\d+\s*tháng)", p.text, re.IGNORECASE)
                    if m:
                        source = p.text
                        break
            if not m:
                return None, None
            period = period_phrase(meta.get("period"))
            extra = f" (từ {period.replace(' – ', ' đến ')})" if period and "–" in period else ""
            return (f"{Who} là báo cáo sơ kết {m.group(1)}{extra}.",
                    _paragraph_containing(paras, source[:60]) if source else None)
        if field_name == "period":
            period = period_phrase(meta.get("period"))
            if not period:
                return None, None
            label = unit_label(meta.get("unit"), meta.get("unit_type"))
            return (f"Báo cáo của {label} là báo cáo {period}.",
                    _paragraph_containing(paras, meta.get("period_label") or ""))
        if field_name == "province":
            province = meta.get("province")
            if not province:
                return None, None
            label = unit_label(meta.get("unit"), meta.get("unit_type"))
            return f"{label[:1].upper()}{label[1:]} thuộc {province}.", _paragraph_containing(paras, province)
        if field_name == "date":
            return self._date(u, who, paras)
        return None, None

    @staticmethod
    def _date(u: Understanding, who: str, paras: Sequence[Paragraph]) -> tuple[str | None, Paragraph | None]:
        """The issue date as the date line writes it; a blank day ("ngày  tháng 3 năm 2026") answers
        a question about the month, not one about the day."""
        for p in paras[:12]:
            m = _DATE_LINE_RE.search(p.text)
            if not m:
                continue
            day, month, year = m.group(1), m.group(2), m.group(3)
            asks_month_only = bool(re.search(r"\bthang (may|nao)\b", u.key)) and not re.search(r"\bngay\b", u.key)
            Who = who[:1].upper() + who[1:]
            if day and month:
                return f"{Who} được ban hành ngày {int(day)}/{int(month)}/{year}.", p
            if month and asks_month_only:
                return f"{Who} được lập vào tháng {int(month)} năm {year} (dòng ngày tháng không ghi ngày).", p
            return None, None
        return None, None


def _paragraph_containing(paragraphs: Sequence[Paragraph], needle: str) -> Paragraph | None:
    if not needle:
        return None
    key = fold(" ".join(needle.split()))
    for p in paragraphs:
        if key in fold(" ".join(p.text.split())):
            return p
    return None
