"""Aggregate questions answered from the indicators table (and the reports' metadata).

"Những phường, xã nào báo cáo tỷ lệ số hóa hồ sơ đạt 100%?" cannot be answered from the top-k
chunks once there are hundreds of reports: it needs every report. `AggregateAnswerer.match`
recognises such questions (indicator via the taxonomy surface forms, accent-insensitive; the
condition: reach / exceed / fall below a value, "còn ... quá hạn" = value > 0, highest / lowest,
how many units, compare units, one indicator across all units; or a metadata aggregate: the
reports of a province, the communes (xã) / wards (phường) in the collection). `answer` reads the
indicators of every report and composes a Vietnamese answer.

Answer convention for set questions (agreed with the eval scorer): the units that answer the
question come first, one per line, each with its value, period and an [n] citation of the
paragraph holding the figure. Units that do NOT answer it (values that miss the condition,
reports that do not state the indicator) are named only after a line starting with "Lưu ý:";
everything from that line on is not counted as part of the result set.

The store is duck-typed: anything with `query_indicators(key=None, unit=None, doc_id=None)`,
`list_reports()` and `get_paragraph(pid)` (e.g. `index.store.ReportStore`, or `MemoryStore` here).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from assistant.models import Answer, Citation
from assistant.textutil import named_number_spans
from index.query import spelled_as
from ingest.gazetteer import PROVINCE_ALIASES
from ingest.indicators import IndicatorExtractor
from ingest.models import Indicator, Paragraph, Report
from ingest.numbers import find_numbers, format_number, measure_at
from ingest.periods import period_bounds, period_overlaps, period_phrase
from ingest.taxonomy import IndicatorDef, Taxonomy, load_taxonomy
from ingest.text import clause_span, fold

log = logging.getLogger(__name__)

NOTE_UNITS = 12  # units named one by one in a "Lưu ý:" note
MAX_NOTE_CHARS = 600  # the "Lưu ý:" line about units that do not answer is kept short
NOTE_MARKER = "Lưu ý:"
_CHANGE_QUALIFIERS = ("tăng", "giảm")  # "tăng 5% so với cùng kỳ" is a change, not a level

Kind = Literal["threshold", "extreme", "compare", "list", "sum", "average", "missing", "province", "unit_type",
               "period_kind",
               "period", "all_reports"]


class IndicatorSource(Protocol):
    def query_indicators(self, key: str | None = None, unit: str | None = None,
                         doc_id: str | None = None) -> list[Indicator]: ...

    def list_reports(self) -> list[dict[str, Any]]: ...

    def get_paragraph(self, pid: str) -> Paragraph | None: ...


@dataclass(slots=True)
class AggregateQuery:
    kind: Kind
    key: str | None = None
    measure: str | None = None  # measure the question is about ("%", "hồ sơ", ...)
    op: str | None = None  # ">=", ">", "<", "<=", "==", "max", "min"
    value: float | None = None
    count: bool = False  # "bao nhiêu đơn vị ..."
    order: str | None = None  # "desc" | "asc": list sorted by value ("xếp hạng các đơn vị theo ...")
    doc_ids: list[str] = field(default_factory=list)  # units named in the question (compare)
    provinces: list[str] = field(default_factory=list)
    unit_types: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)  # "2026-Q1", "2026-04", "2026" (report period inside)
    period_kind: str | None = None  # "month" | "quarter" | "half" | "review": the kind of report asked


# --------------------------------------------------------------------------- question cues
def _re(p: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])(?:" + p + r")(?![a-z0-9])")


_WHICH_RE = _re(r"(don vi|phuong|xa|bao cao|dia phuong|noi|dia ban|co so|thi tran)( \w+){0,2} nao|nao|o dau|noi dau")
_SET_RE = _re(r"(nhung|cac|tung|moi|tat ca( cac)?|toan bo) (don vi|phuong|xa|bao cao|dia phuong|thi tran)")
_COUNT_RE = _re(r"(bao nhieu|may|so luong) (don vi|phuong|xa|bao cao|dia phuong|thi tran)")
_COMPARE_RE = _re(r"so sanh|chenh lech|khac nhau|cao hon hay|thap hon hay")
_MAX_RE = _re(r"(nhieu|cao|lon|tot)( [a-z]+){0,7} (?<!thong )nhat|dan dau|dung dau")
_MIN_RE = _re(r"(it|thap|nho|kem)( [a-z]+){0,7} (?<!thong )nhat|cuoi bang|thap hon ca")
_POSITIVE_RE = _re(r"con|co|phat sinh|ton dong|de xay ra|bi")
_NEGATIVE_RE = _re(r"(khong|chua)( con| co| phat sinh| de| bi| xay ra)?")
_SUM_RE = _re(r"tong cong|cong lai|tong( so)?( [a-z]+){0,6} (cua )?(tat ca|cac don vi|toan bo|cac bao cao|ca [a-z]+ bao cao)")
_AVG_RE = _re(r"trung binh|binh quan")
_MISSING_RE = _re(r"(khong|chua|thieu)( [a-z]+){0,2} (neu|bao cao|co so lieu|de cap|cung cap)|khong co so lieu")
_ORDER_RE = _re(r"xep hang|sap xep|thu tu|tu (cao|lon|nhieu) (den|xuong) (thap|nho|it)|tu (thap|nho|it) (den|len) (cao|lon|nhieu)")
_ASC_RE = _re(r"tu (thap|nho|it) (den|len) (cao|lon|nhieu)")
_RATE_RE = _re(r"ty le|ti le|phan tram")
_QUANT_RE = _re(r"ty le|ti le|phan tram|bao nhieu|so luong|tong so|con so|so lieu|dat|muc|gia tri|chi so|diem|hang")
_TEXT_TOPIC_RE = _re(r"kho khan|han che|vuong mac|nguyen nhan|giai phap|de xuat|mo hinh|bai hoc|ton tai|"
                     r"nhiem vu trong tam|phuong huong|noi dung")
_OPS: list[tuple[re.Pattern[str], str]] = [
    (_re(r"tu( \S+){1,2} tro len|it nhat|toi thieu|khong (duoi|thap hon)"), ">="),
    (_re(r"khong (qua|vuot|hon)|toi da"), "<="),
    (_re(r"chua dat|khong dat|duoi|thap hon|nho hon|kem hon|chua toi|chua den|it hon"), "<"),
    (_re(r"tren|hon|vuot|cao hon|lon hon|nhieu hon"), ">"),
    (_re(r"bang|dung bang"), "=="),
]
_TYPE_WORDS = {"phuong": "phường", "xa": "xã", "thi tran": "thị trấn"}
# "báo cáo tháng", "báo cáo theo quý", "báo cáo 6 tháng", "báo cáo sơ kết": the kind of report.
_REPORT = r"bao cao(?: (?:theo|dinh ky|hang|cua|ket qua))?"
_PERIOD_KIND_RES = {
    "month": _re(_REPORT + r" thang(?! \d)(?! dau| cuoi)"),
    "quarter": _re(_REPORT + r" quy(?! (?:i|ii|iii|iv|[1-4])\b)"),
    "half": _re(_REPORT + r" (?:6|sau) thang(?: dau nam)?"),
    "review": _re(_REPORT + r" (?:so ket|tong ket)"),
}
_NOT_KIND_RE = re.compile(r"\(?\s*(?:khong phai|chu khong phai|khong tinh)[^)]*\)?")
_META_STOP = frozenset({  # words that may surround a metadata question
    "ban", "bao", "biet", "bo", "cac", "cao", "chi", "cho", "co", "cua", "da", "danh", "dia", "don",
    "du", "duoc", "gom", "hay", "he", "hien", "it", "ke", "khong", "ky", "la", "liet", "lieu", "luong",
    "may", "mot", "nao", "nap", "nay", "nhat", "nhieu", "nhung", "noi", "o", "phai", "pho", "phuong",
    "rieng", "sach", "so", "tai", "ten", "thanh", "thi", "thong", "thuoc", "tinh", "tp", "tran", "trong",
    "va", "ve", "vi", "xa", "bai", "viet", "tin",
})


class AggregateAnswerer:
    """`match(question) -> AggregateQuery | None`; `answer(question, query) -> Answer`."""

    def __init__(self, store: IndicatorSource, taxonomy: Taxonomy | str | None = None) -> None:
        self.store = store
        if isinstance(taxonomy, Taxonomy):
            self.taxonomy = taxonomy
        else:
            self.taxonomy = load_taxonomy(taxonomy)

    # ------------------------------------------------------------------ matching
    def match(self, question: str) -> AggregateQuery | None:
        question = " ".join(question.split())
        fq = fold(question)  # same length as `question`: offsets of find_numbers() apply
        reports = self.store.list_reports()
        if not reports:
            return None
        named = _named_docs(fq, reports, question)
        by_id = reports_by_id(reports)
        named_units = {(by_id[d].get("unit") or "") for d in named}
        provinces = _named_provinces(fq, reports)
        unit_types = _named_types(fq)
        periods = _named_periods(question)
        key, measure = self._pick_indicator(fq)
        compare = bool(_COMPARE_RE.search(fq)) and len(named_units) >= 2
        if key is None:
            return self._match_metadata(fq, provinces, unit_types, periods, named_units)
        d = self.taxonomy.get(key)
        names = named_number_spans(question)  # "Nghị quyết 57" names a document, it is no threshold
        nums = [n for n in find_numbers(question) if n.kind in ("percent", "count", "decimal", "money", "zero")
                and not any(s <= n.start < e for s, e in names)]
        which = bool(_WHICH_RE.search(fq) or _SET_RE.search(fq))
        count = bool(_COUNT_RE.search(fq))
        if compare or len(named_units) >= 2:
            return AggregateQuery("compare", key=key, measure=measure or d.measure, doc_ids=list(named))
        if len(named_units) == 1:
            return None  # a lookup about one unit: the retrieval answerer handles it
        if _TEXT_TOPIC_RE.search(fq) and not nums and not _QUANT_RE.search(fq):
            return None
        base = {"key": key, "provinces": provinces, "unit_types": unit_types, "periods": periods, "count": count}
        if (which or count) and _MISSING_RE.search(fq):  # "Báo cáo nào không nêu tỷ lệ số hóa?"
            return AggregateQuery("missing", measure=measure or d.measure, **base)
        if nums and (which or count or _QUANT_RE.search(fq)):
            n = nums[0]
            op = _op_before(fq, n.start)
            m = measure or ("%" if n.measure == "%" else (n.measure if d.accepts(n.measure) else d.measure))
            return AggregateQuery("threshold", measure=m, op=op, value=n.value, **base)
        if _MAX_RE.search(fq) and (which or _QUANT_RE.search(fq)):
            return AggregateQuery("extreme", measure=measure or d.measure, op="max", **base)
        if _MIN_RE.search(fq) and (which or _QUANT_RE.search(fq)):
            return AggregateQuery("extreme", measure=measure or d.measure, op="min", **base)
        # "không có hồ sơ quá hạn" / "còn hồ sơ quá hạn": the cue stands right before the label.
        label_at = self._label_start(fq, key)
        cue_zone = fq[max(0, label_at - 14):label_at] if label_at >= 0 else ""
        if (which or count) and d.zero and _NEGATIVE_RE.search(cue_zone):  # "không có hồ sơ quá hạn"
            return AggregateQuery("threshold", measure=measure or d.count_measure, op="==", value=0, **base)
        if (which or count) and d.zero and _POSITIVE_RE.search(cue_zone):  # "còn hồ sơ quá hạn"
            return AggregateQuery("threshold", measure=measure or d.count_measure, op=">", value=0, **base)
        if _AVG_RE.search(fq):
            return AggregateQuery("average", measure=measure or d.measure, **base)
        if _SUM_RE.search(fq) and d.measure != "%" and measure != "%":
            return AggregateQuery("sum", measure=measure or d.measure, **base)
        if _ORDER_RE.search(fq):
            return AggregateQuery("list", measure=measure or d.measure,
                                  order="asc" if _ASC_RE.search(fq) else "desc", **base)
        # "Có bao nhiêu đơn vị có Tổ công nghệ số?" counts the units that mention a thing: the
        # indicator answers only when a quantity of it is asked, beyond "bao nhiêu đơn vị".
        quant = _quantitative(question, _COUNT_RE.sub(" ", fq) if count else fq)
        if (which or count) and (quant or (measure and not count)):
            return AggregateQuery("list", measure=measure or d.measure, **base)
        return None

    def _label_start(self, fq: str, key: str) -> int:
        starts = [lb.start for lb in self.taxonomy.find_labels(fq, question=True) if lb.key == key]
        return min(starts) if starts else -1

    def _pick_indicator(self, fq: str) -> tuple[str | None, str | None]:
        labels = self.taxonomy.find_labels(fq, question=True)
        if not labels:
            return None, None
        hint = _measure_hint(fq)
        cands = [lb for lb in labels if hint is None or self.taxonomy.get(lb.key).accepts(hint)]
        if not cands:
            cands = labels
        best = max(cands, key=lambda lb: (lb.length, lb.priority, -lb.start))
        return best.key, hint

    def _match_metadata(self, fq: str, provinces: list[str], unit_types: list[str], periods: list[str],
                        named_units: set[str]) -> AggregateQuery | None:
        if named_units:
            return None
        which = bool(_WHICH_RE.search(fq) or _SET_RE.search(fq) or _COUNT_RE.search(fq)
                     or re.search(r"\bliet ke\b|\bdanh sach\b", fq))
        if not which:
            return None
        # only metadata words may remain ("Những báo cáo nào là của các đơn vị thuộc tỉnh Bắc Ninh?")
        rest = _NOT_KIND_RE.sub(" ", fq)  # "(không phải báo cáo quý hay sơ kết)"
        kind = next((k for k, rx in _PERIOD_KIND_RES.items() if rx.search(rest)), None)
        if kind is not None:  # "Đơn vị nào gửi báo cáo tháng?", "Có mấy đơn vị lập báo cáo quý?"
            rest = _PERIOD_KIND_RES[kind].sub(" ", rest)
        for p in provinces:
            rest = rest.replace(fold(p), " ")
        if provinces:  # also a pre-merger name ("tỉnh Bắc Giang" -> Bắc Ninh)
            rest = re.sub(r"(?<![a-z])(tinh|thanh pho|tp)( [a-z]+){1,3}", " ", rest)
        words = [w for w in re.findall(r"[a-z0-9]+", rest) if w not in _META_STOP
                 and not (periods and _PERIOD_WORD_RE.fullmatch(w))]
        if len(words) > 1:
            return None
        base = {"provinces": provinces, "unit_types": unit_types, "periods": periods,
                "count": bool(_COUNT_RE.search(fq))}
        if kind is not None:
            return AggregateQuery("period_kind", period_kind=kind, **base)
        if provinces:
            return AggregateQuery("province", **base)
        if unit_types:
            return AggregateQuery("unit_type", **base)
        if periods:
            return AggregateQuery("period", **base)
        if re.search(r"\bbao cao\b|\bdon vi\b|\bdia phuong\b", fq):
            return AggregateQuery("all_reports", **base)
        return None

    # ------------------------------------------------------------------ answering
    def answer(self, question: str, query: AggregateQuery) -> Answer:
        all_reports = self.store.list_reports()
        reports = [r for r in all_reports if _keep(r, query)]
        partial = _partial_period(all_reports, query)
        if query.kind in ("province", "unit_type", "period", "period_kind", "all_reports") or query.key is None:
            return self._answer_metadata(question, query, reports, partial)
        d = self.taxonomy.get(query.key)
        skip = {self.taxonomy.target_qualifier, *_CHANGE_QUALIFIERS}
        rows = [i for i in self.store.query_indicators(key=query.key) if i.qualifier not in skip]
        by_doc: dict[str, list[Indicator]] = {}
        for i in rows:
            if _same_measure(i.measure, query.measure, d):
                by_doc.setdefault(i.doc_id, []).append(i)
        if query.kind == "compare":  # the named units, in the order of the question
            by_id = reports_by_id(all_reports)
            reports = [by_id[doc] for doc in query.doc_ids if doc in by_id]
        stated = [r for r in reports if r["doc_id"] in by_doc]
        missing = [r for r in reports if r["doc_id"] not in by_doc]
        what = _indicator_phrase(d, query.measure)
        if query.kind == "missing":
            return self._missing(question, what, stated, missing)
        if not stated:
            text = (f"Không báo cáo nào trong {len(reports)} báo cáo đã nạp nêu {what}."
                    if len(reports) > 1 else f"Báo cáo của {_unit(reports[0])} không nêu {what}."
                    if reports else f"Không có báo cáo nào phù hợp để trả lời về {what}.")
            return Answer(question=question, answer=text, abstained=True, citations=[], intent="aggregate")
        book = _Book(self.store, reports)
        if query.kind == "threshold":
            body, notes = self._threshold(query, d, what, stated, by_doc, book)
        elif query.kind == "extreme":
            body, notes = self._extreme(query, d, what, stated, by_doc, book)
        elif query.kind == "compare":
            body, notes = self._compare(query, d, what, stated, by_doc, book)
        elif query.kind in ("sum", "average"):
            body, notes = self._stat(query, d, what, stated, by_doc, book)
        else:
            body, notes = self._list(query, d, what, stated, by_doc, book)
        if missing:
            notes.append(_missing_sentence(missing, what, book))
        if partial:
            notes.append(_partial_sentence(partial))
        text = _assemble(body, notes)
        return Answer(question=question, answer=text, abstained=False, citations=book.used(text),
                      intent="aggregate")

    def _threshold(self, q: AggregateQuery, d: IndicatorDef, what: str, stated: list[dict],
                   by_doc: dict[str, list[Indicator]], book: _Book) -> tuple[list[str], list[str]]:
        hits: list[tuple[dict, Indicator]] = []
        misses: list[tuple[dict, Indicator]] = []
        for r in stated:
            rows = by_doc[r["doc_id"]]
            ok = next((i for i in rows if _satisfies(i, q.op or ">=", q.value or 0.0)), None)
            if ok is not None:
                hits.append((r, ok))
            else:
                misses.append((r, rows[0]))
        if q.op == ">" and not q.value:  # "còn hồ sơ quá hạn"
            thing = re.sub(r"^(số|tổng số|tỷ lệ) ", "", what)
            head = (f"Có {len(hits)} đơn vị báo cáo còn {thing}" if hits else
                    f"Không có đơn vị nào báo cáo còn {thing}.")
        else:
            cond = _condition_phrase(q, d)
            head = (f"Có {len(hits)} đơn vị báo cáo {what} {cond}" if hits else
                    f"Không có đơn vị nào báo cáo {what} {cond}.")
        body = [head + (":" if hits else "")]
        body.extend(self._unit_lines(hits, book, q.measure))
        notes = []
        if misses:  # named without figures: an uncited figure would be an unsupported claim
            names = ", ".join(book.name(r) for r, _ in misses)
            notes.append(f"Báo cáo của {names} có nêu {what} nhưng không thỏa điều kiện.")
        return body, notes

    def _extreme(self, q: AggregateQuery, d: IndicatorDef, what: str, stated: list[dict],
                 by_doc: dict[str, list[Indicator]], book: _Book) -> tuple[list[str], list[str]]:
        best_is_max = q.op == "max"
        if d.lower_is_better:  # rank 1 is the "highest" rank
            best_is_max = not best_is_max
        pick = max if best_is_max else min
        best_rows = [(r, pick(by_doc[r["doc_id"]], key=lambda i: _effective(i))) for r in stated]
        target = pick(_effective(i) for _, i in best_rows)
        top = [(r, i) for r, i in best_rows if _effective(i) == target]
        word = "cao nhất" if q.op == "max" else "thấp nhất"
        if (q.measure or d.measure) not in ("%", "điểm", "hạng"):
            word = "nhiều nhất" if q.op == "max" else "ít nhất"
        if len(top) == 1:
            r, i = top[0]
            body = [f"Đơn vị có {what} {word} là {_unit(r)}: {_value(i, q.measure)}"
                    f"{_period(r)} {book.cite(r, i)}."]
        else:
            body = [f"Các đơn vị có {what} {word} ({_value(top[0][1], q.measure)}):"]
            body.extend(self._unit_lines(top, book, q.measure))
        in_top = {id(i) for _, i in top}
        others = sorted(((r, i) for r, i in best_rows if id(i) not in in_top),
                        key=lambda x: _effective(x[1]), reverse=best_is_max)
        notes = []
        if others:
            # The note is cut to MAX_NOTE_CHARS anyway: name the first units only.
            shown = ", ".join(book.name(r) for r, _ in others[:NOTE_UNITS])
            more = f" và {len(others) - NOTE_UNITS} đơn vị khác" if len(others) > NOTE_UNITS else ""
            notes.append(f"Các đơn vị khác có nêu {what} (theo thứ tự): {shown}{more}.")
        return body, notes

    def _compare(self, q: AggregateQuery, d: IndicatorDef, what: str, stated: list[dict],
                 by_doc: dict[str, list[Indicator]], book: _Book) -> tuple[list[str], list[str]]:
        pairs = [(r, by_doc[r["doc_id"]][0]) for r in stated]
        body = [f"So sánh {what}:"]
        body.extend(self._unit_lines(pairs, book, q.measure))
        if len(pairs) == 2:
            (r1, a), (r2, b) = pairs
            if a.value == b.value:
                body.append("Hai đơn vị có cùng giá trị.")
            else:
                hi, lo = ((r1, r2) if a.value > b.value else (r2, r1))
                word = "cao hơn" if (a.measure or q.measure) in ("%", "điểm") else "nhiều hơn"
                body.append(f"{_cap(_unit(hi))} {word} {_unit(lo)}.")
        return body, []

    def _stat(self, q: AggregateQuery, d: IndicatorDef, what: str, stated: list[dict],
              by_doc: dict[str, list[Indicator]], book: _Book) -> tuple[list[str], list[str]]:
        pairs = [(r, by_doc[r["doc_id"]][0]) for r in stated]
        values = [i.value for _, i in pairs]
        measure = pairs[0][1].measure or q.measure
        if q.kind == "sum":
            head = f"Tổng {what} của {len(pairs)} đơn vị có nêu: {format_number(sum(values), measure)}"
        else:
            avg = round(sum(values) / len(values), 2)
            head = f"Trung bình {what} của {len(pairs)} đơn vị có nêu: {format_number(avg, measure)}"
        body = [head + " (các kỳ báo cáo có thể khác nhau):"]
        body.extend(self._unit_lines(pairs, book, q.measure))
        return body, []

    def _missing(self, question: str, what: str, stated: list[dict], missing: list[dict]) -> Answer:
        """Reports that do not state the indicator (they are the answer here)."""
        book = _Book(self.store, [*stated, *missing])
        if not missing:
            body = [f"Tất cả {len(stated)} báo cáo đều có nêu {what}."]
        else:
            body = [f"Có {len(missing)} đơn vị có báo cáo không nêu {what}:"]
            for r in missing:
                p = _metadata_paragraph(self.store, r, AggregateQuery("all_reports"))
                cite = book.cite_paragraph(r, p) if p is not None else ""
                body.append(f"- {_cap(_unit(r))}{_period(r)} {cite}".rstrip())
        notes = [f"Báo cáo của {', '.join(book.name(r) for r in stated[:12])}"
                 + (f" và {len(stated) - 12} đơn vị khác" if len(stated) > 12 else "")
                 + f" có nêu {what}."] if stated and missing else []
        text = _assemble(body, notes)
        return Answer(question=question, answer=text, abstained=False, citations=book.used(text),
                      intent="aggregate")

    def _list(self, q: AggregateQuery, d: IndicatorDef, what: str, stated: list[dict],
              by_doc: dict[str, list[Indicator]], book: _Book) -> tuple[list[str], list[str]]:
        pairs = [(r, by_doc[r["doc_id"]][0]) for r in stated]
        if q.order:
            reverse = (q.order == "desc") != d.lower_is_better
            pairs.sort(key=lambda x: _effective(x[1]), reverse=reverse)
        body = [f"{_cap(what)} theo từng báo cáo ({len(pairs)} đơn vị có nêu):"]
        body.extend(self._unit_lines(pairs, book, q.measure))
        return body, []

    def _unit_lines(self, pairs: Sequence[tuple[dict, Indicator]], book: _Book,
                    measure: str | None) -> list[str]:
        book.prefetch(i.paragraph_id for _, i in pairs)
        return [f"- {_cap(_unit(r))}: {_value(i, measure)}{_period(r)} {book.cite(r, i)}" for r, i in pairs]

    # ------------------------------------------------------------------ metadata
    def _answer_metadata(self, question: str, q: AggregateQuery, reports: list[dict],
                         partial: list[dict] | None = None) -> Answer:
        book = _Book(self.store)
        subject = "đơn vị" + (" là " + " hoặc ".join(q.unit_types) if q.unit_types else "")
        if q.period_kind:
            when_kind = {"month": "báo cáo tháng", "quarter": "báo cáo quý", "half": "báo cáo 6 tháng",
                         "review": "báo cáo sơ kết, tổng kết nhiều kỳ"}[q.period_kind]
            subject += f" gửi {when_kind}"
        where = " thuộc " + ", ".join(_province_phrase(p) for p in q.provinces) if q.provinces else ""
        when = (" cho kỳ " + ", ".join(_period_text(p, None) or p for p in q.periods)) if q.periods else ""
        if not reports:
            return Answer(question=question, answer=f"Không có báo cáo nào của {subject}{where}{when}.",
                          abstained=True, citations=[], intent="aggregate")
        n_units = len({(r.get("unit"), r.get("province")) for r in reports})
        if q.period_kind:
            lines = [f"Có {n_units} {subject}{where}{when}:" if n_units == len(reports)
                     else f"Có {n_units} {subject}{where}{when} ({len(reports)} báo cáo):"]
        else:
            lines = [f"Có {n_units} {subject}{where} có báo cáo{when}:" if n_units == len(reports)
                     else f"Có {n_units} {subject}{where} với {len(reports)} báo cáo{when}:"]
        for r in reports:
            p = _metadata_paragraph(self.store, r, q)
            cite = book.cite_paragraph(r, p) if p is not None else ""
            extra = f", tỉnh {r['province']}" if r.get("province") and q.kind != "province" else ""
            lines.append(f"- {_cap(_unit(r))}{extra}{_period(r)} {cite}".rstrip())
        notes = []
        if q.kind == "province":
            others = [r for r in self.store.list_reports()
                      if r.get("province") and r.get("province") not in q.provinces]
            if others:
                notes.append("Các báo cáo khác thuộc tỉnh, thành phố khác: " + "; ".join(
                    f"{_unit(r)} ({r['province']})" for r in others) + ".")
            unknown = [r for r in self.store.list_reports() if not r.get("province")]
            if unknown:
                notes.append("Chưa xác định được tỉnh của: " + ", ".join(_unit(r) for r in unknown) + ".")
        if partial:
            notes.append(_partial_sentence(partial))
        text = _assemble(lines, notes)
        return Answer(question=question, answer=text, abstained=False, citations=book.used(text),
                      intent="aggregate")


# --------------------------------------------------------------------------- helpers
class _Book:
    """Numbered citations, one per paragraph."""

    def __init__(self, store: Any, reports: Sequence[dict] = ()) -> None:
        self.store = store
        self.citations: list[Citation] = []
        self._by_pid: dict[str, int] = {}
        self._paragraphs: dict[str, Paragraph] = {}
        seen: dict[tuple[Any, Any], int] = {}
        for r in reports:
            k = (r.get("unit"), r.get("province"))
            seen[k] = seen.get(k, 0) + 1
        self.multi = {k for k, v in seen.items() if v > 1}  # units with several reports

    def name(self, r: dict) -> str:
        """Unit name for notes; with the period when the unit has several reports."""
        if (r.get("unit"), r.get("province")) in self.multi:
            return _unit(r) + _period(r)
        return _unit(r)

    def prefetch(self, pids: Iterable[str]) -> None:
        """Read the paragraphs of many citations in one query (stores that can)."""
        batch = getattr(self.store, "get_paragraphs_by_ids", None)
        if batch is not None:
            self._paragraphs.update(batch([pid for pid in pids if pid not in self._paragraphs]))

    def cite(self, report: dict, ind: Indicator) -> str:
        p = self._paragraphs.get(ind.paragraph_id) or _get_paragraph(self.store, ind.paragraph_id)
        if p is None:
            return self._add(report, ind.paragraph_id, (), ind.sentence)
        # The clause that holds the figure, as offsets in the paragraph (for the app's highlight).
        lo, hi = ind.start - p.start, ind.end - p.start
        highlight = None
        if 0 <= lo < hi <= len(p.text):
            at = p.text.find(ind.label, lo, hi) if ind.label else -1
            highlight = clause_span(p.text, lo, hi, at, at + len(ind.label)) if at >= 0 else (lo, hi)
        return self._add(report, p.id, p.section_path, p.text, highlight)

    def used(self, text: str) -> list[Citation]:
        """Citations whose marker survived trimming."""
        return [c for c in self.citations if f"[{c.n}]" in text]

    def cite_paragraph(self, report: dict, p: Paragraph) -> str:
        return self._add(report, p.id, p.section_path, p.text)

    def _add(self, report: dict, pid: str, section: Iterable[str], text: str,
             highlight: tuple[int, int] | None = None) -> str:
        if pid not in self._by_pid:
            n = len(self.citations) + 1
            self._by_pid[pid] = n
            self.citations.append(Citation(n=n, doc_id=report["doc_id"], unit=report.get("unit") or "",
                                           section=" > ".join(section), paragraph_ids=[pid], text=text,
                                           highlight=highlight))
        return f"[{self._by_pid[pid]}]"


def _get_paragraph(store: Any, pid: str) -> Paragraph | None:
    try:
        p = store.get_paragraph(pid)
    except Exception:  # pragma: no cover - a broken store row must not sink the answer
        log.exception("get_paragraph(%s) failed", pid)
        return None
    if p is None or isinstance(p, Paragraph):
        return p
    if isinstance(p, dict):  # tolerate a dict-returning store
        return Paragraph(id=p["id"], doc_id=p["doc_id"], n=p.get("n", 0), text=p["text"], start=p.get("start", 0),
                         end=p.get("end", 0), section_path=tuple(p.get("section_path") or ()))
    return None


def _metadata_paragraph(store: Any, r: dict, q: AggregateQuery) -> Paragraph | None:
    """The paragraph that shows the metadata asked about (province name, "UBND xã X"), else the first."""
    getter = getattr(store, "get_paragraphs", None)
    if getter is None:
        return None
    paras = [p for p in getter(r["doc_id"]) if p.text.strip()]
    if not paras:
        return None
    needles = []
    if q.kind == "province":
        needles = [fold(p) for p in q.provinces]
    unit = fold(r.get("unit") or "")
    utype = fold(r.get("unit_type") or "")
    needles.append(f"{utype} {unit}".strip())
    for needle in needles:
        for p in paras:
            if needle and needle in fold(p.text) and len(p.text) < 1200:
                return p
    return paras[0]


def reports_by_id(reports: list[dict]) -> dict[str, dict]:
    return {r["doc_id"]: r for r in reports}


_NAME_INDEX: dict[int, tuple[list[dict], dict[str, list[str]], dict[str, set[str]], int]] = {}


def _name_index(reports: list[dict]) -> tuple[dict[str, list[str]], dict[str, set[str]], int]:
    """Folded unit names -> doc_ids, their spellings, and the longest name in words; cached for the
    list object (the store caches `list_reports()` per generation, so this is built once per change)."""
    cached = _NAME_INDEX.get(id(reports))
    if cached is not None and cached[0] is reports:
        return cached[1:]
    index: dict[str, list[str]] = {}
    spellings: dict[str, set[str]] = {}
    longest = 1
    for r in reports:
        for n in {r.get("unit") or "", *(r.get("unit_variants") or [])}:
            key = " ".join(fold(n).split())
            if key:
                index.setdefault(key, []).append(r["doc_id"])
                spellings.setdefault(key, set()).add(n)
                longest = max(longest, key.count(" ") + 1)
    _NAME_INDEX.clear()  # one live list at a time
    _NAME_INDEX[id(reports)] = (reports, index, spellings, longest)
    return index, spellings, longest


def _named_docs(fq: str, reports: list[dict], question: str) -> list[str]:
    """doc_ids whose unit (or a typo variant of it) is named in the folded question, in order."""
    index, spellings, longest = _name_index(reports)
    matches = list(re.finditer(r"[a-z0-9]+", fq))
    words = [m.group(0) for m in matches]
    found: list[str] = []
    for i in range(len(words)):
        for n in range(min(longest, len(words) - i), 0, -1):
            key = " ".join(words[i:i + n])
            docs = index.get(key)
            if docs and n == 1 and (i == 0 or words[i - 1] not in ("phuong", "xa", "p", "tran", "x")):
                continue  # a one-syllable name ("An") counts only after "phường"/"xã"
            if docs and not spelled_as(question[matches[i].start():matches[i + n - 1].end()], spellings[key]):
                continue  # "tỷ lệ hồ sơ" is not the ward "Lê Hồ"
            if docs and i > 0 and (words[i - 1] == "tinh" or words[i - 2:i] == ["thanh", "pho"]):
                continue  # "thuộc tỉnh Lào Cai" names the province, not the ward "Lào Cai"
            if docs:
                found.extend(d for d in docs if d not in found)
                break
    return found


def _quantitative(question: str, fq: str) -> bool:
    """A quantity is asked ("tỷ lệ", "số liệu", "đạt ..."); "lắp đặt", "cài đặt" are not "đạt"."""
    m = _QUANT_RE.search(fq)
    while m is not None:
        if m.group(0) != "dat" or fold(question) == question.lower() or re.search(r"(?i)(?<!\w)đạt(?!\w)", question):
            return True
        m = _QUANT_RE.search(fq, m.end())
    return False


def _named_provinces(fq: str, reports: list[dict]) -> list[str]:
    """Provinces named in the folded question: those of the stored reports, and any post-2025
    province (or pre-merger name, mapped to its new province) written after "tỉnh"/"thành phố"."""
    provs = sorted({r["province"] for r in reports if r.get("province")}, key=len, reverse=True)
    out = [p for p in provs if re.search(r"(?<![a-z0-9])" + re.escape(fold(p)) + r"(?![a-z0-9])", fq)]
    spaced = " " + " ".join(re.sub(r"[^a-z0-9]+", " ", fq).split()) + " "
    for alias, canonical in PROVINCE_ALIASES.items():  # "TP.HCM", "TPHCM"
        if f" {alias} " in spaced and canonical not in out:
            out.append(canonical)
    try:
        from ingest.gazetteer import canonical_province
    except ImportError:  # pragma: no cover
        return out
    for m in re.finditer(r"(?<![a-z])(?:tinh|thanh pho|tp\.?)\s+([a-z]+(?: [a-z]+){0,3})", fq):
        words = m.group(1).split()
        for n in range(min(4, len(words)), 0, -1):
            try:
                canon = canonical_province(" ".join(words[:n]))
            except Exception:  # pragma: no cover - gazetteer data unreadable
                canon = None
            if canon:
                if canon not in out:
                    out.append(canon)
                break
    return out


def _named_types(fq: str) -> list[str]:
    types = [v for k, v in _TYPE_WORDS.items() if re.search(rf"(?<![a-z0-9]){k}(?![a-z0-9])", fq)]
    excluded = [v for k, v in _TYPE_WORDS.items()
                if re.search(rf"(khong phai|tru|ngoai|khong tinh|khong ke)( cac)? {k}(?![a-z0-9])", fq)]
    types = [t for t in types if t not in excluded]
    if not types and excluded:
        types = [v for v in _TYPE_WORDS.values() if v not in excluded]
    if set(types) >= {"phường", "xã"}:
        return []  # "phường, xã nào" = every unit
    return types


def _measure_hint(fq: str) -> str | None:
    if _RATE_RE.search(fq) or "%" in fq:
        return "%"
    m = re.search(r"(?<![a-z])(?:bao nhieu|nhieu|it) ((?:[a-z]+ ?){1,3})", fq)
    if m:
        meas, _, _ = measure_at(" " + m.group(1))
        if meas and meas not in ("ngày", "tháng", "năm", "quý"):
            return meas
    return None


def _op_before(fq: str, pos: int) -> str:
    window = fq[max(0, pos - 30):pos]
    for rx, op in _OPS:
        if rx.search(window):
            return op
    return ">="


def period_kind(period: str | None) -> str | None:
    """ "2026-04" -> "month", "2026-Q1" -> "quarter", "2026-H1" -> "half", "2025-01..2026-06" -> "review"."""
    if not period:
        return None
    if ".." in period:
        return "review"
    if re.fullmatch(r"\d{4}-\d{2}", period):
        return "month"
    if re.fullmatch(r"\d{4}-Q[1-4]", period):
        return "quarter"
    if re.fullmatch(r"\d{4}-H[12]", period):
        return "half"
    return "year" if re.fullmatch(r"\d{4}", period) else None


def _keep(r: dict, q: AggregateQuery) -> bool:
    if q.period_kind and period_kind(r.get("period")) != q.period_kind:
        return False
    if q.provinces and r.get("province") not in q.provinces:
        return False
    if q.periods and not any(_within(r.get("period"), p) for p in q.periods):
        return False
    return not (q.unit_types and r.get("unit_type") not in q.unit_types)


@functools.lru_cache(maxsize=4096)
def _within(period: str | None, asked: str) -> bool:
    """The report's period lies inside the asked one ("2026-02" inside "2026-Q1")."""
    a, b = period_bounds(period), period_bounds(asked)
    if a is None or b is None:
        return period == asked
    return b[0] <= a[0] and a[1] <= b[1]


_PERIOD_WORD_RE = re.compile(r"\d+|i{1,3}|iv|quy|thang|dau|cuoi|nua|ky|nam")


def _named_periods(question: str) -> list[str]:
    try:
        from ingest.periods import parse_periods
    except ImportError:  # pragma: no cover - index package missing
        return []
    return parse_periods(question)


def _same_measure(m: str | None, wanted: str | None, d: IndicatorDef) -> bool:
    if wanted is None:
        wanted = d.measure
    if wanted == "%":
        return m == "%"
    return m != "%"


def _effective(i: Indicator) -> float:
    eps = 1e-6
    if i.qualifier in ("trên", "hơn", "khoảng trên", "khoảng hơn"):
        return i.value + eps
    if i.qualifier in ("dưới", "gần"):
        return i.value - eps
    return i.value


def _satisfies(i: Indicator, op: str, v: float) -> bool:
    x = _effective(i)
    return {">=": x >= v - 1e-9, ">": x > v, "<": x < v, "<=": x <= v + 1e-9,
            "==": abs(i.value - v) < 1e-9}[op]


def _value(i: Indicator, measure: str | None) -> str:
    q = f"{i.qualifier} " if i.qualifier in ("trên", "khoảng", "khoảng trên", "hơn", "gần", "dưới") else ""
    if i.numerator is not None and i.denominator is not None:
        base = f"{format_number(i.numerator)}/{format_number(i.denominator)}"
        if i.measure == "hạng":
            return f"hạng {base}"
        return q + (base + f" {i.measure}" if i.measure and i.measure != "%" else base)
    return q + format_number(i.value, i.measure or measure)


def _period(r: dict) -> str:
    p = _period_text(r.get("period"), r.get("period_label"))
    return f" ({p})" if p else ""


def _period_text(period: str | None, label: str | None) -> str | None:
    return (period_phrase(period) if period else None) or label


def _unit(r: dict) -> str:
    unit = r.get("unit") or r.get("doc_id", "")
    return f"{r['unit_type']} {unit}" if r.get("unit_type") else unit


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


_CITIES = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"}


def _province_phrase(p: str) -> str:
    fp = fold(p)
    if fp.startswith(("tinh ", "thanh pho ")):
        return p
    return f"thành phố {p}" if fp in _CITIES else f"tỉnh {p}"


def _indicator_phrase(d: IndicatorDef, measure: str | None) -> str:
    name = d.name
    if measure == "%" and not fold(name).startswith(("ty le", "ti le")):
        return "tỷ lệ " + re.sub(r"^(số|tổng số) ", "", name)
    if measure not in (None, "%") and fold(name).startswith(("ty le", "ti le")):
        return "số " + re.sub(r"^(tỷ lệ|tỉ lệ) ", "", name)
    return name


def _condition_phrase(q: AggregateQuery, d: IndicatorDef) -> str:
    v = format_number(q.value or 0, q.measure if q.measure == "%" else None)
    if q.op == ">" and (q.value or 0) == 0:
        return "lớn hơn 0 (còn phát sinh)"
    reach = f"đạt {v}" if q.measure == "%" and (q.value or 0) >= 100 else f"từ {v} trở lên"
    return {">=": reach, ">": f"trên {v}",
            "<": f"dưới {v}", "<=": f"không quá {v}", "==": f"bằng {v}"}.get(q.op or ">=", f"đạt {v}")


def _partial_period(reports: list[dict], q: AggregateQuery) -> list[dict]:
    """Reports left out by the period filter although their period overlaps the asked one."""
    if not q.periods:
        return []
    rest = AggregateQuery(q.kind, provinces=q.provinces, unit_types=q.unit_types)
    return [r for r in reports if _keep(r, rest) and not _keep(r, q)
            and any(period_overlaps(r.get("period"), p) for p in q.periods)]


def _partial_sentence(partial: list[dict]) -> str:
    names = ", ".join(_unit(r) + _period(r) for r in partial[:8])
    more = f" và {len(partial) - 8} báo cáo khác" if len(partial) > 8 else ""
    return f"Báo cáo của {names}{more} chỉ trùng một phần với kỳ được hỏi nên không được tính."


def _missing_sentence(missing: list[dict], what: str, book: _Book) -> str:
    if len(missing) > NOTE_UNITS:
        names = ", ".join(book.name(r) for r in missing[:NOTE_UNITS - 2])
        return f"Báo cáo của {names} và {len(missing) - NOTE_UNITS + 2} đơn vị khác không nêu {what}."
    return f"Báo cáo của {', '.join(book.name(r) for r in missing)} không nêu {what}."


def _assemble(body: list[str], notes: list[str]) -> str:
    """Body lines first (all of them: a set answer names every unit that answers, however many),
    then one "Lưu ý:" line, shortened to MAX_NOTE_CHARS."""
    text = "\n".join(body)
    if notes:
        note = f"{NOTE_MARKER} " + " ".join(notes)
        if len(note) > MAX_NOTE_CHARS:
            note = note[:MAX_NOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"
        text += "\n" + note
    return text


# --------------------------------------------------------------------------- in-memory source
class MemoryStore:
    """An `IndicatorSource` over parsed reports (tests, scripts): no SQLite needed."""

    def __init__(self, reports: Sequence[Report], extractor: IndicatorExtractor | None = None) -> None:
        ex = extractor or IndicatorExtractor()
        self.reports = list(reports)
        self.indicators = [i for r in self.reports for i in ex.run(r)]
        self._paragraphs = {p.id: p for r in self.reports for p in r.paragraphs}

    def query_indicators(self, key: str | None = None, unit: str | None = None,
                         doc_id: str | None = None) -> list[Indicator]:
        return [i for i in self.indicators if (key is None or i.key == key) and (unit is None or i.unit == unit)
                and (doc_id is None or i.doc_id == doc_id)]

    def list_reports(self) -> list[dict[str, Any]]:
        return [{"doc_id": r.doc_id, "unit": r.unit, "unit_type": r.unit_type, "unit_variants": r.unit_variants,
                 "province": r.province, "period": r.period, "period_label": r.period_label, "title": r.title,
                 "report_number": r.report_number, "signer": r.signer} for r in sorted(self.reports,
                                                                                      key=lambda r: r.doc_id)]

    def get_paragraph(self, pid: str) -> Paragraph | None:
        return self._paragraphs.get(pid)

    def get_paragraphs(self, doc_id: str) -> list[Paragraph]:
        return [p for r in self.reports if r.doc_id == doc_id for p in r.paragraphs]
