"""Query understanding for retrieval: unit, unit type, province and period mentions.

`QueryAnalyzer(store).parse(question) -> QueryFilters`. Matching is accent-insensitive and uses the
units, typo variants (`Report.unit_variants`) and provinces of the reports in the store, so
"phuong Phuong Lieu", "P. Trung Thành" and "Trưng Thành" all resolve. Periods are normalised like
`Report.period` by `ingest.periods.parse_periods`: "tháng 4/2026" -> "2026-04", "quý I/2026" -> "2026-Q1",
"6 tháng đầu năm 2026" -> "2026-H1", "năm 2025" -> "2025".
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from index.analyzer import canonical_text
from index.store import ReportStore
from ingest.periods import parse_periods, period_bounds, period_overlaps
from ingest.text import fold_accents

try:
    from ingest.gazetteer import PROVINCE_ALIASES, PROVINCES_2025
except Exception:  # pragma: no cover - gazetteer is optional for query parsing
    PROVINCES_2025 = ()
    PROVINCE_ALIASES = {}

_TYPE_WORDS = {"phuong": "phường", "xa": "xã", "thi tran": "thị trấn"}


@dataclass(slots=True)
class QueryFilters:
    """Restrictions/boosts derived from a question. Empty lists mean "no constraint"."""

    units: list[str] = field(default_factory=list)  # canonical unit names found in the store
    unit_types: list[str] = field(default_factory=list)  # "phường" | "xã" | "thị trấn"
    provinces: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)  # "2026-04", "2026-Q1", "2026-H1", "2026"
    doc_ids: list[str] = field(default_factory=list)  # reports of the named units (hard restriction)
    unknown_units: list[str] = field(default_factory=list)  # "phường Hoàn Kiếm" not in the store
    aggregate: bool = False  # the question asks for a set of units ("những phường nào ...")

    def add_unit(self, canonical: str, docs: Iterable[str]) -> None:
        """A unit the question names, with its reports."""
        if canonical not in self.units:
            self.units.append(canonical)
        self.doc_ids.extend(d for d in docs if d not in self.doc_ids)

    def is_empty(self) -> bool:
        return not (self.units or self.unit_types or self.provinces or self.periods or self.doc_ids)

    def to_dict(self) -> dict[str, Any]:
        return {"units": self.units, "unit_types": self.unit_types, "provinces": self.provinces,
                "periods": self.periods, "doc_ids": self.doc_ids, "unknown_units": self.unknown_units,
                "aggregate": self.aggregate}


def spelled_as(written: str, spellings: Iterable[str]) -> bool:
    """Does a name written in a question match one of a unit's spellings? Unaccented writing
    matches any spelling ("phuong Phuong Lieu"); accented writing must match one spelling with its
    accents, case aside: "tỷ lệ hồ sơ" does not name the ward "Lê Hồ" although both fold to "le ho".
    Writing accented in part matches syllable by syllable: an unaccented syllable matches any accents,
    an accented one its own ("Pà Co" is "Pà Cò"; "Lệ Ho" is not "Lê Hồ")."""
    w = canonical_text(written).split()
    if all(fold_accents(x) == x for x in w):
        return True

    def syllables_match(spelling: str) -> bool:
        s = canonical_text(spelling).split()
        return len(s) == len(w) and all(a == b or (fold_accents(a) == a and fold_accents(b) == a)
                                        for a, b in zip(w, s, strict=True))

    return any(syllables_match(s) for s in spellings)


def narrow_by_period(docs: list[str], period_of: Callable[[str], str | None], wanted: list[str]) -> list[str]:
    """The reports of the asked period: the same period first, then periods inside it (the months
    of an asked quarter), then periods that overlap it; all of them when none does."""
    bounds = [b for b in (period_bounds(w) for w in wanted) if b is not None]

    def inside(p: str | None) -> bool:
        pb = period_bounds(p)
        return pb is not None and any(b[0] <= pb[0] and pb[1] <= b[1] for b in bounds)

    for test in (lambda p: p in wanted, inside, lambda p: any(period_overlaps(p, w) for w in wanted)):
        chosen = [d for d in docs if test(period_of(d))]
        if chosen:
            return chosen
    return docs


# Title-case openings that are no unit names, whatever the gazetteer holds.
_NOT_UNITS = frozenset({"uy ban", "ban chi dao", "dang uy", "trung tam", "so khoa", "tong so", "ty le"})


TYPO_MIN_CHARS = 7  # shorter names are too close to each other to correct


def _one_edit(a: str, b: str) -> bool:
    """One letter substituted, inserted or deleted (Levenshtein distance 1)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _known_ward(name: str) -> bool:
    try:
        from ingest.gazetteer import default_gazetteer

        return bool(default_gazetteer().wards(name))
    except Exception:  # pragma: no cover - the gazetteer is optional
        return False


def _accent_typo(question: str, written: str) -> bool:
    """ "Phường Phương Cảnh" for the store's Phương Canh: a unit name written after its unit word,
    every syllable capitalised, with other accents than the store's, and no real ward or commune
    spelled so, is the store's unit with a typo (accent-insensitive matching already found it)."""
    words = written.split()
    if not words or not all(w[:1].isupper() for w in words):
        return False
    if not re.search(rf"(?:phường|Phường|PHƯỜNG|xã|Xã|XÃ|thị trấn|Thị trấn|\b[PX]\.)\s*{re.escape(written)}(?!\w)",
                     question):
        return False
    try:
        from ingest.gazetteer import default_gazetteer

        entries = default_gazetteer().wards(written)
    except Exception:  # pragma: no cover - the gazetteer is optional
        return True
    target = canonical_text(written).lower()
    return not any(canonical_text(e.name).lower() == target for e in entries)


def _fold(text: str) -> str:
    """Folded, lower-case, punctuation as spaces, single-spaced (word boundaries are spaces)."""
    return " " + " ".join(re.sub(r"[^\w/]+", " ", fold_accents(text).lower()).split()) + " "


class QueryAnalyzer:
    """Finds unit/province/period mentions, using the reports currently in the store."""

    def __init__(self, store: ReportStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._generation = -1
        self._units: list[tuple[str, str, list[str]]] = []  # (folded name, canonical, doc_ids)
        self._spellings: dict[str, set[str]] = {}  # folded name -> spellings seen in the reports
        self._provinces: list[tuple[str, str]] = []  # (folded, canonical)
        self._province_docs: dict[str, list[str]] = {}
        self._reports: dict[str, dict[str, Any]] = {}

    def _refresh(self) -> None:
        gen = self.store.generation()
        if gen == self._generation:
            return
        with self._lock:
            reports = self.store.list_reports()
            units: dict[str, tuple[str, list[str]]] = {}
            spellings: dict[str, set[str]] = {}
            prov_docs: dict[str, list[str]] = {}
            for r in reports:
                if r["unit"]:
                    for name in [r["unit"], *r["unit_variants"]]:
                        key = _fold(name).strip()
                        if len(key) >= 3:
                            units.setdefault(key, (r["unit"], []))[1].append(r["doc_id"])
                            spellings.setdefault(key, set()).update({name, r["unit"]})
                if r["province"]:
                    prov_docs.setdefault(r["province"], []).append(r["doc_id"])
            self._units = sorted(((k, v[0], v[1]) for k, v in units.items()), key=lambda x: -len(x[0]))
            self._spellings = spellings
            provs = {fold_accents(p).lower(): p for p in PROVINCES_2025}
            provs.update({fold_accents(p).lower(): p for p in prov_docs})
            self._provinces = sorted(provs.items(), key=lambda x: -len(x[0]))
            self._province_docs = {fold_accents(p).lower(): d for p, d in prov_docs.items()}
            self._reports = {r["doc_id"]: r for r in reports}
            self._generation = gen

    def _one_typo_away(self, name: str) -> tuple[str, list[str]] | None:
        """The one unit of the store whose folded name is one letter away from `name` (a name no
        real ward or commune has), or None when none or several are."""
        if len(name) < TYPO_MIN_CHARS:
            return None
        found = {canonical: docs for key, canonical, docs in self._units
                 if key.count(" ") == name.count(" ") and _one_edit(key, name)}
        return next(iter(found.items())) if len(found) == 1 else None

    def report_meta(self, doc_id: str) -> dict[str, Any] | None:
        self._refresh()
        return self._reports.get(doc_id)

    def parse(self, question: str) -> QueryFilters:
        self._refresh()
        q = _fold(question)
        f = QueryFilters()
        # Units: longest names first; a matched span is blanked so "Trung Thành" inside a longer
        # name does not match twice.
        work = q
        for key, canonical, docs in self._units:
            pat = f" {key} "
            if pat in work:
                spans = _original_spans(question, key)
                if spans and not any(spelled_as(w, self._spellings.get(key, ())) for w in spans) and \
                        not any(_accent_typo(question, w) for w in spans):
                    continue
                # "thuộc tỉnh Lào Cai": after "tỉnh"/"thành phố" a name is the province, even when
                # a ward has the same name ("phường Lào Cai" still names the ward).
                if re.search(rf" (?:tinh|thanh pho) {re.escape(key)} ", work) and \
                        not re.search(rf" (?:phuong|xa|thi tran|p) {re.escape(key)} ", work):
                    continue
                f.add_unit(canonical, docs)
                work = work.replace(pat, " # ")
        # Unknown units: "phường X Y" / "xã X Y" where X Y is not a known unit.
        accented = fold_accents(question) != question
        for m in re.finditer(r" (?:phuong|xa|thi tran|p) ([a-z]+ [a-z]+)(?= )", work):
            name = m.group(1)
            third = re.match(r" ([a-z]+) ", work[m.end():])
            if third is not None:  # "xã An Phú Tâi": a three-word name one letter off a unit's
                longer = f"{name} {third.group(1)}"
                orig3 = _original_span(question, longer)
                if orig3 and orig3.split()[-1][:1].isupper() and not _known_ward(orig3) and \
                        (near := self._one_typo_away(longer)) is not None:
                    f.add_unit(*near)
                    continue
            if name.split()[0] in ("nao", "xa", "phuong", "co", "da", "dat", "thuoc", "trong", "va", "la"):
                continue
            orig = _original_span(question, name)
            # "thôn Lang Xá Cồn" is not "xã Cồn ...": with accents, the unit word must be spelled so.
            if accented and orig and not re.search(
                    rf"(?:phường|Phường|xã|Xã|XÃ|PHƯỜNG|thị trấn|Thị trấn|\b[PX]\.)\s+{re.escape(orig)}", question):
                continue
            if orig and orig[0].isupper():
                near = None if _known_ward(orig) else self._one_typo_away(name)
                if near is not None:  # "xã Đông Thạch" for the store's Đông Thạnh: a typo, not another unit
                    f.add_unit(*near)
                    continue
                f.unknown_units.append(orig)
        # "Sơn Đông có bao nhiêu hồ sơ?": a question that opens with the name of a real ward or
        # commune (from the gazetteer) the store has no report of names an unknown unit.
        if not f.units and not f.unknown_units:
            lead = re.match(r"\s*([A-ZÀ-ỸĐ][\wÀ-ỹ]*(?:\s+[A-ZÀ-ỸĐ][\wÀ-ỹ]*){1,2})(?!\w)", question)
            if lead and _known_ward(lead.group(1)) and fold_accents(lead.group(1)).lower() not in _NOT_UNITS:
                f.unknown_units.append(lead.group(1))
        # Provinces (and their usual abbreviations: "TP.HCM", "TPHCM", "HN").
        for key, canonical in self._provinces:
            if f" {key} " in q and canonical not in f.provinces:
                f.provinces.append(canonical)
        for alias, canonical in PROVINCE_ALIASES.items():  # ingest/gazetteer.py
            if f" {alias} " in q and canonical not in f.provinces:
                f.provinces.append(canonical)
        # Unit types asked for ("những xã nào", "các phường", "xã nào"), minus "không phải phường".
        for folded, utype in _TYPE_WORDS.items():
            if re.search(rf" (?:nhung|cac) {folded}(?: |,)|(?<! dia) {folded} nao ", q) and \
                    not re.search(rf" khong phai (?:la )?{folded} ", q):
                f.unit_types.append(utype)
        f.periods = parse_periods(question)
        f.aggregate = bool(re.search(
            r" (?:phuong|xa|don vi|dia phuong|bao cao|thi tran|ubnd)(?: [a-z]+)?(?:,? (?:phuong|xa))? nao |"
            r" (?:nhung|cac) (?:phuong|xa|don vi|dia phuong|bao cao)", q)) and not f.units
        return f

    def docs_for(self, f: QueryFilters) -> list[str] | None:
        """Hard restriction: reports of the named units, else of the named provinces; None = all."""
        self._refresh()
        if f.doc_ids:
            docs = list(f.doc_ids)
            if f.provinces:  # same unit name in several provinces: keep the named province's
                keep = [d for d in docs if (self._reports.get(d) or {}).get("province") in f.provinces]
                docs = keep or docs
            if f.periods and len(docs) > 1:  # a unit's monthly reports: the asked period's
                docs = narrow_by_period(docs, lambda d: (self._reports.get(d) or {}).get("period"), f.periods)
            return docs
        docs: list[str] | None = None
        if f.provinces:
            docs = [d for p in f.provinces for d in self._province_docs.get(fold_accents(p).lower(), [])] or None
        if f.aggregate and f.unit_types:  # "những xã nào ..." -> only reports of that unit type
            pool = docs if docs is not None else list(self._reports)
            typed = [d for d in pool if (self._reports.get(d) or {}).get("unit_type") in f.unit_types]
            if typed:
                docs = typed
        return docs

    def replace_unit(self, text: str, unit: str, new: str) -> str:
        """`text` with its mention of `unit` (any spelling the reports use, accented or not) replaced
        by `new`; unchanged when `unit` is not mentioned."""
        self._refresh()
        return _replace_unit(text, unit, new, self._variants(unit))

    def _variants(self, unit: str) -> list[str]:
        return [k for k, canonical, _ in self._units if canonical == unit]


def _original_spans(text: str, folded_words: str) -> list[str]:
    """Every run of words of `text` whose folded form is `folded_words`."""
    words = re.findall(r"\w+", text)
    folded = [fold_accents(w).lower() for w in words]
    target = folded_words.split()
    return [" ".join(words[i : i + len(target)]) for i in range(len(words) - len(target) + 1)
            if folded[i : i + len(target)] == target]


def _original_span(text: str, folded_words: str) -> str | None:
    """The first run of words of `text` whose folded form is `folded_words`."""
    spans = _original_spans(text, folded_words)
    return spans[0] if spans else None


def _replace_unit(text: str, unit: str, new: str, folded_variants: list[str]) -> str:
    words = list(re.finditer(r"\w+", text))
    for variant in folded_variants:
        target = variant.split()
        for i in range(len(words) - len(target) + 1):
            if [fold_accents(w.group(0)).lower() for w in words[i : i + len(target)]] == target:
                start, end = words[i].start(), words[i + len(target) - 1].end()
                return text[:start] + new + text[end:]
    return text
