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

The question's reading (`AggregateQuery`, its cues, the report filters) lives in
assistant/aggregate_query.py; the answer's wording and citations in assistant/aggregate_compose.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from assistant.aggregate_compose import (
    NOTE_UNITS,
    _assemble,
    _Book,
    _cap,
    _condition_phrase,
    _indicator_phrase,
    _metadata_paragraph,
    _missing_sentence,
    _partial_sentence,
    _period,
    _period_text,
    _province_phrase,
    _unit,
    _value,
)
from assistant.aggregate_query import (
    _ASC_RE,
    _AVG_RE,
    _COMPARE_RE,
    _COUNT_RE,
    _MAX_RE,
    _META_STOP,
    _MIN_RE,
    _MISSING_RE,
    _NEGATIVE_RE,
    _NOT_KIND_RE,
    _ORDER_RE,
    _PERIOD_KIND_RES,
    _PERIOD_WORD_RE,
    _POSITIVE_RE,
    _QUANT_RE,
    _SET_RE,
    _SUM_RE,
    _TEXT_TOPIC_RE,
    _WHICH_RE,
    AggregateQuery,
    _keep,
    _measure_hint,
    _named_docs,
    _named_periods,
    _named_provinces,
    _named_types,
    _op_before,
    _partial_period,
    _quantitative,
    reports_by_id,
)
from assistant.models import Answer
from assistant.textutil import named_number_spans
from ingest.indicators import IndicatorExtractor
from ingest.models import Indicator, Paragraph, Report
from ingest.numbers import find_numbers, format_number
from ingest.taxonomy import IndicatorDef, Taxonomy, load_taxonomy
from ingest.text import fold

_CHANGE_QUALIFIERS = ("tăng", "giảm")  # "tăng 5% so với cùng kỳ" is a change, not a level


class IndicatorSource(Protocol):
    def query_indicators(self, key: str | None = None, unit: str | None = None,
                         doc_id: str | None = None) -> list[Indicator]: ...

    def list_reports(self) -> list[dict[str, Any]]: ...

    def get_paragraph(self, pid: str) -> Paragraph | None: ...


# "trong các bài viết", "của các báo cáo đã nạp": the collection asked over, not an indicator ("số tin, bài").
_COLLECTION_RE = re.compile(r"(?<![a-z])(?:trong|tren|cua|o) (?:cac|nhung|tat ca|\d+) (?:bai viet|bai bao|ban tin|"
                            r"bai|tin|bao cao)(?: da nap)?(?![a-z])")


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
        key, measure = self._pick_indicator(_COLLECTION_RE.sub(" ", fq))
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


# --------------------------------------------------------------------------- values
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
