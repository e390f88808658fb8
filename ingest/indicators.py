"""Extract the quantitative statements of a report into `Indicator` rows.

Precise more than greedy. For every figure found by `ingest.numbers.find_numbers` in a
sentence, the candidate labels are the taxonomy surface forms (ingest/taxonomy.toml) found in
the same sentence whose indicator accepts the figure's measure ("%", "hồ sơ", "đồng", ...).
A candidate is kept when it is grammatically linked to the figure:

* a label before the figure ("Tiếp nhận trực tuyến: 2,710 hồ sơ"), possibly across commas
  ("Tiếp nhận trực tuyến: 2,710 hồ sơ, đạt 91,71%") but not across ";" (except a rate
  continuing a count: "Số hồ sơ trực tuyến: 11952 hồ sơ; tỷ lệ đạt: 100%"), and not when
  another figure of the same measure sits in between (that figure owns the label);
* or a label right after the figure in the same clause ("1.615 hồ sơ tiếp nhận trực tiếp",
  "100% hồ sơ giải quyết được số hóa"), unless a connector such as "trên tổng số" says the
  label is a reference, not the subject.

The nearest linked label wins ("Label: value" binds tightest); overlapping labels resolve to
the longest surface form. "không có hồ sơ quá hạn" gives the value 0 for indicators marked
`zero = true`. Figures in plan/target sentences or sections get the qualifier of the taxonomy's
`[targets] qualifier` ("kế hoạch").
Table rows are read cell by cell with the header cell as the label.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from ingest.models import Indicator, Paragraph, Report
from ingest.numbers import DURATION_MEASURES, NumberMatch, find_numbers
from ingest.tables import is_plan_column, row_unit
from ingest.taxonomy import DEFAULT_TAXONOMY, IndicatorDef, LabelMatch, Taxonomy, load_taxonomy
from ingest.text import fold

# Re-exported for callers of the earlier layout: the taxonomy reader moved to ingest/taxonomy.py.
__all__ = ["DEFAULT_TAXONOMY", "IndicatorDef", "IndicatorExtractor", "LabelMatch", "Taxonomy", "load_taxonomy",
           "split_sentences"]

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- text helpers
def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of a paragraph: breaks after . ! ? before a capital,
    digit or list marker, and at line breaks. Spans are trimmed of surrounding spaces."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        cut = None
        if ch == "\n":
            # a wrapped line (PDF) continues the sentence: next line starts lower case and the
            # previous one does not end with punctuation
            prev = text[:i].rstrip()[-1:]
            rest = text[i + 1:].lstrip()
            wrapped = bool(rest) and (rest[0].islower() or (rest[0].isdigit() and not _ITEM_RE.match(rest)))
            if not (wrapped and prev and prev not in ".:;!?"):
                cut = i
        elif ch in ".!?" and i + 1 < n and text[i + 1] in " \t":
            j = i + 1
            while j < n and text[j] in " \t":
                j += 1
            if j < n and (text[j].isupper() or text[j].isdigit() or text[j] in "-+*•(“\"") \
                    and not _MARKER_ONLY_RE.fullmatch(text[start:i + 1]):
                cut = i + 1
        if cut is not None:
            spans.append((start, cut))
            start = cut
        i += 1
    spans.append((start, n))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


_MARKER_ONLY_RE = re.compile(r"[\s\-+*•]*(?:\d+(?:\.\d+)*|[IVXLivxl]+|[a-zđ])\.")
_ITEM_RE = re.compile(r"\d+(?:\.\d+)*[.)]\s")
_CLAUSE_RE = re.compile(r"(?<!\d),\s|,(?!\d)|;")
_BAD_FOLLOW_RE = re.compile(r"(?<![a-z])(tren(?! dia ban)|so voi|cua|voi|tai|trong tong|bang|den)(?![a-z])")
_NEG_RE = re.compile(r"(?<![a-z])(khong|chua)( co| phat sinh| nhan duoc| con| xay ra)?( \w+)?\s*$")
_RATE_CONT_RE = re.compile(r"^\s*(trong do,?\s*)?(ty le|ti le|dat|chiem|bang)[a-z\s:,]{0,25}$")
_COLON_BIND_RE = re.compile(r"^[^:;]{0,60}:\s*(?:\w+\s*){0,3}$")


_ENUM_RE = re.compile(
    r"(?<![a-z])(can bo|cong chuc|vien chuc|nguoi lao dong|phong|ban|doan the|co quan|don vi|thcs|tieu hoc|"
    r"mam non|thpt|to chuc|ca nhan|doanh nghiep|ho kinh doanh|hop tac xa)(,)(?= [a-z])")
_SUBJECT_START_RE = re.compile(
    r"^[\s\-+*•]*(?:(?:hien nay|den nay|tinh den nay|trong ky|da co|co|dat|trong do)\s*,?\s*)*$")


def _mask_enumerations(folded: str) -> str:
    """Commas inside noun enumerations become spaces (same length), so they do not split clauses."""
    return _ENUM_RE.sub(lambda m: m.group(1) + " ", folded)


def _measure_class(n: NumberMatch) -> str:
    return n.measure or ""


@dataclass(slots=True)
class _Found:
    key: str
    num: NumberMatch | None
    value: float
    measure: str
    label_start: int
    label_end: int
    qualifier: str | None
    numerator: float | None = None
    denominator: float | None = None


class IndicatorExtractor:
    """`IndicatorExtractor(taxonomy_path=None).run(report) -> list[Indicator]`."""

    def __init__(self, taxonomy_path: str | Path | None = None) -> None:
        self.taxonomy = load_taxonomy(str(taxonomy_path) if taxonomy_path else None)
        self._fallbacks = [d for d in self.taxonomy.indicators if d.fallback]

    # ------------------------------------------------------------------ public
    def run(self, report: Report) -> list[Indicator]:
        paragraphs = report.paragraphs or simple_paragraphs(report.doc_id, report.text)
        out: list[Indicator] = []
        subheaders: dict[str, tuple[str, ...]] = {}  # table id -> last row without figures
        for p in paragraphs:
            if p.kind == "heading":
                continue
            try:
                if p.kind == "table_row" and p.cells:
                    tid = p.table_id or ""
                    if not any(find_numbers(c) for c in p.cells[1:]):
                        subheaders[tid] = tuple(p.cells)
                        continue
                    out.extend(self._table_row(report, p, subheaders.get(tid, ())))
                else:
                    out.extend(self._paragraph(report, p))
            except Exception:  # one odd paragraph must not sink the report
                log.exception("indicator extraction failed on %s", p.id)
        return out

    # ------------------------------------------------------------------ prose
    def _paragraph(self, report: Report, p: Paragraph) -> list[Indicator]:
        text = p.text
        folded = fold(text)
        nums = [n for n in find_numbers(text, folded) if n.kind != "duration"
                and (n.measure or "") not in DURATION_MEASURES]
        has_neg = "khong" in folded or "chua" in folded
        if not nums and not has_neg:
            return []
        labels = self.taxonomy.find_labels(folded)
        masked = _mask_enumerations(folded)  # "cán bộ, công chức, viên chức" is one noun, not 3 clauses
        out: list[Indicator] = []
        for s, e in split_sentences(text):
            snums = [n for n in nums if s <= n.start < e]
            slabels = [lb for lb in labels if s <= lb.start < e]
            if not slabels and not any(n.measure == "đồng" for n in snums):
                continue
            found = self._attach(masked, s, e, snums, slabels) if snums else []
            if has_neg:
                found.extend(self._zeros(masked, s, e, snums, slabels))
            if not found:
                continue
            sentence = text[s:e]
            target = self.taxonomy.is_target(p.section_path, sentence)
            for fnd in found:
                out.append(self._make(report, p, fnd, s, e, target))
        return out

    def _attach(self, f: str, s: int, e: int, nums: list[NumberMatch],
                labels: list[LabelMatch]) -> list[_Found]:
        tax = self.taxonomy
        self._sent_start = s
        found: list[_Found] = []
        used: set[tuple[int, str]] = set()  # (label start, measure class) already taken
        for n in nums:
            cls = _measure_class(n)
            compatible = [lb for lb in labels if tax.get(lb.key).accepts(n.measure)
                          and (lb.start, cls) not in used
                          and not any(m is not n and m.end <= lb.start and lb.end <= m.measure_end for m in nums)]
            # "Trực tiếp: 0 thủ tục": a label bound by a colon owns the figure even when it
            # cannot take it; the measure word after the figure is then not a label.
            colon_bound = any(lb.end <= n.start and _COLON_BIND_RE.match(f[lb.end:n.start])
                              and ";" not in f[lb.end:n.start] for lb in labels)
            if colon_bound:
                compatible = [lb for lb in compatible if lb.end <= n.start
                              or (lb.start >= n.end and not f[n.end:lb.start].strip() and lb.end > n.measure_end)]
            best: tuple[float, LabelMatch] | None = None
            for allow_seg in (False, True):
                if allow_seg and (best is not None or n.measure != "%"):
                    break
                for lb in _resolve_overlaps(compatible):
                    score = self._score(f, n, lb, nums, cls, allow_seg)
                    if score is None:
                        continue
                    if best is None or score < best[0]:
                        best = (score, lb)
            if best is None:
                fb = next((d for d in self._fallbacks if d.accepts(n.measure) and n.measure), None)
                if fb is not None:
                    found.append(self._found(fb.key, n, n.start, n.start))
                continue
            lb = best[1]
            used.add((lb.start, cls))
            found.append(self._found(lb.key, n, lb.start, lb.end))
        return found

    def _score(self, f: str, n: NumberMatch, lb: LabelMatch, nums: list[NumberMatch], cls: str,
               allow_seg: bool) -> float | None:
        if lb.end <= n.start:  # label before the figure
            between = f[lb.end:n.start]
            segs = between.count(";")
            if segs > 1:
                return None
            if segs:
                head, _, tail = between.partition(";")
                # "Số nhiệm vụ đã hoàn thành; 34/34": a ';' typed for ':' right before the figure
                if not tail.strip() and len(head.strip()) <= 25 and not any(
                        lb.end <= m.start < n.start for m in nums if m is not n):
                    return 10 + len(between) * 0.004
                if not allow_seg or not _RATE_CONT_RE.match(tail):
                    return None
            for m in nums:
                if m is not n and lb.end <= m.start < n.start and _measure_class(m) == cls:
                    return None  # that figure owns the label
            if _COLON_BIND_RE.match(between) and segs == 0:
                return len(between) * 0.004  # "Label: value" binds tightest
            commas = len(_CLAUSE_RE.findall(between)) - segs
            return len(between) + 15 * commas + 40 * segs
        if lb.start >= n.end:  # label after the figure: same clause, adjacent
            between = f[n.end:lb.start]
            if n.measure_end > n.end and not between.strip() and lb.end > n.measure_end:
                return 0.3  # the figure's noun phrase: "345 hồ sơ trực tuyến", "4 hội nghị tập huấn"
            if _CLAUSE_RE.search(between) or ("(" in between and ")" not in between[between.index("("):]):
                return None
            if any(m is not n and n.end <= m.start < lb.start for m in nums):
                return None
            limit = 30 if n.measure == "%" else 100
            if n.measure == "%" and _SUBJECT_START_RE.match(f[self._sent_start:n.start]):
                limit = 120  # "100% cán bộ, công chức ... sử dụng thư điện tử công vụ"
            if len(between) > limit:
                return None
            # the measure word itself may start the label ("05 phản ánh kiến nghị")
            rest = between[max(0, n.measure_end - n.end):] if n.measure_end > n.end else between
            if _BAD_FOLLOW_RE.search(rest):
                return None
            return len(between) + 3
        return None

    def _zeros(self, f: str, s: int, e: int, nums: list[NumberMatch],
               labels: list[LabelMatch]) -> list[_Found]:
        out: list[_Found] = []
        for lb in _resolve_overlaps([lb for lb in labels if self.taxonomy.get(lb.key).zero]):
            # clause around the label must not contain a figure
            cs = max([s] + [m.end() for m in _CLAUSE_RE.finditer(f, s, lb.start)])
            nxt = _CLAUSE_RE.search(f, lb.end, e)
            ce = nxt.start() if nxt else e
            if any(cs <= n.start < ce for n in nums):
                continue
            if not _NEG_RE.search(f[cs:lb.start]):
                continue
            d = self.taxonomy.get(lb.key)
            out.append(_Found(d.key, None, 0.0, d.measure, cs, lb.end, None))
        return out

    def _found(self, key: str, n: NumberMatch, ls: int, le: int) -> _Found:
        d = self.taxonomy.get(key)
        measure = d.measure if d.force_measure else n.measure or d.count_measure
        return _Found(key, n, n.value, measure, ls, le, n.qualifier, n.numerator, n.denominator)

    def _make(self, report: Report, p: Paragraph, fnd: _Found, s: int, e: int, target: bool) -> Indicator:
        text = p.text
        n = fnd.num
        if n is None:
            label = text[fnd.label_start:fnd.label_end]
        elif fnd.label_start == fnd.label_end:  # fallback: the words before the figure
            label = text[max(s, n.start - 60):n.start]
            label = label[label.find(" ") + 1:] if n.start - 60 > s else label
        elif fnd.label_end <= n.start:
            label = text[fnd.label_start:n.start]
            if len(label) > 120:
                label = text[fnd.label_start:fnd.label_end]
        else:
            label = text[max(n.end, n.measure_end):fnd.label_end]
        label = re.sub(r"^[\s\-+*•:;,.(]+|[\s:;,(]+$", "", label) or text[fnd.label_start:fnd.label_end]
        label = re.sub(r"\s+(là|đạt|đạt tỷ lệ|đạt tỉ lệ|chiếm|chiếm tỷ lệ)$", "", label).strip() or label
        qualifier = self.taxonomy.target_qualifier if target else fnd.qualifier
        return Indicator(
            doc_id=report.doc_id, unit=report.unit, province=report.province, period=report.period,
            key=fnd.key, label=label, value=fnd.value, measure=fnd.measure, qualifier=qualifier,
            numerator=fnd.numerator, denominator=fnd.denominator, paragraph_id=p.id,
            sentence=text[s:e], start=p.start + s, end=p.start + e,
        )

    # ------------------------------------------------------------------ tables
    def _table_row(self, report: Report, p: Paragraph, subheader: tuple[str, ...] = ()) -> list[Indicator]:
        cells = list(p.cells or ())
        header = list(p.header or ())
        if not header:
            return self._paragraph(report, p)
        first_num = next((i for i, c in enumerate(cells) if i > 0 and find_numbers(c)), len(cells))
        row_label = next((c.strip() for c in cells[:first_num]
                          if c.strip() and len(c) <= 80 and not re.fullmatch(r"[\d\s.,/%]+|\W*", c.strip())), "")
        if _names_other_unit(" ".join(cells[:first_num]), report.unit):
            return []  # a row of another unit (a summary table): its figures are not this report's unit's
        unit, multiplier = row_unit(cells, header)
        out: list[Indicator] = []
        for i, cell in enumerate(cells):
            raw = cell.strip()
            if not raw or (i == 0 and fold(header[0]).strip() in ("stt", "tt", "so tt")):
                continue
            nums = find_numbers(raw)
            if len(nums) != 1 or len(nums[0].raw) < len(raw) - 2:
                continue
            n = nums[0]
            measure = n.measure
            value = n.value
            if measure is None and unit:
                # "Tỷ lệ hồ sơ tiếp nhận trực tuyến | % | 93,6": the unit column measures the figure
                measure, value = unit, n.value * multiplier
            head = next((header[j] for j in range(min(i, len(header) - 1), -1, -1) if header[j].strip()), "")
            sub = subheader[i].strip() if i < len(subheader) else ""
            if _HIGHER_LEVEL_RE.search(fold(f"{head} {sub}")):
                continue  # province/central figures in a commune report's table
            label_text = " - ".join(x for x in (head, sub, row_label) if x)
            if measure is None:
                fh = fold(f"{head} {sub}")
                if "%" in fh or re.search(r"\b(ty le|ti le)\b", fh):
                    measure = "%"
            cands: list[LabelMatch] = []
            for part in (sub, head, row_label):  # the most specific header cell first
                if part:
                    cands = [lb for lb in self.taxonomy.find_labels(fold(part))
                             if self.taxonomy.get(lb.key).accepts(measure)
                             or (measure is None and self.taxonomy.get(lb.key).count_measure
                             in self.taxonomy.get(lb.key).measures)]
                    if cands:
                        break
            if not cands:
                continue
            lb = max(cands, key=lambda x: (x.length, x.priority, x.start))
            d = self.taxonomy.get(lb.key)
            # "Chỉ tiêu | Kế hoạch năm 2026 | Thực hiện 6 tháng": a plan column holds targets
            qualifier = self.taxonomy.target_qualifier if is_plan_column(head) else n.qualifier
            out.append(Indicator(
                doc_id=report.doc_id, unit=report.unit, province=report.province, period=report.period,
                key=d.key, label=label_text[:120], value=value,
                measure=d.measure if d.force_measure else measure or d.count_measure,
                qualifier=qualifier, numerator=n.numerator, denominator=n.denominator,
                paragraph_id=p.id, sentence=p.text, start=p.start, end=p.end,
            ))
        return out


_ROW_UNIT_RE = re.compile(r"(?<!\w)(?:phường|xã|thị\s+trấn|đặc\s+khu)\s+((?:\w+\s*){1,4})", re.IGNORECASE)


def _names_other_unit(label: str, unit: str | None) -> bool:
    """Does a row label name a unit ("Xã Dương Hưu") other than the report's own unit?
    Only capitalised names count, so "bảo hiểm xã hội" is no unit."""
    for m in _ROW_UNIT_RE.finditer(label):
        words = []
        for w in m[1].split():
            if not w[:1].isupper():
                break
            words.append(w)
        if words and (unit is None or not fold(" ".join(words)).startswith(fold(unit))):
            return True
    return False


_HIGHER_LEVEL_RE = re.compile(r"\bcap (tinh|trung uong|thanh pho|bo)\b|\btoan tinh\b")


def _resolve_overlaps(labels: list[LabelMatch]) -> list[LabelMatch]:
    """Keep the longest (then highest-priority) label of every overlapping group."""
    chosen: list[LabelMatch] = []
    for lb in sorted(labels, key=lambda x: (-x.length, -x.priority, x.start)):
        if all(lb.end <= c.start or lb.start >= c.end for c in chosen):
            chosen.append(lb)
    chosen.sort(key=lambda x: x.start)
    return chosen


def simple_paragraphs(doc_id: str, text: str) -> list[Paragraph]:
    """Fallback when a Report carries no paragraphs: one paragraph per non-empty line."""
    out: list[Paragraph] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        s = pos
        pos += len(line)
        stripped = line.strip()
        if not stripped:
            continue
        st = s + line.index(stripped[0])
        en = st + len(stripped)
        n = len(out) + 1
        out.append(Paragraph(id=f"{doc_id}:p{n}", doc_id=doc_id, n=n, text=text[st:en], start=st, end=en,
                             section_path=()))
    return out
