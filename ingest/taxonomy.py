"""The indicator taxonomy (ingest/taxonomy.toml): indicator keys, names, measures and surface forms,
and the patterns that mark plan/target figures. `load_taxonomy(path=None)` reads and compiles it once
per path; `Taxonomy.find_labels` finds every surface form in folded text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest.text import fold

DEFAULT_TAXONOMY = Path(__file__).with_name("taxonomy.toml")

_WB_L = r"(?<![a-z0-9])"
_WB_R = r"(?![a-z0-9])"


@dataclass(slots=True)
class IndicatorDef:
    key: str
    name: str
    measure: str
    measures: frozenset[str]  # "" = a figure without a measure word
    patterns: list[re.Pattern[str]]
    question_patterns: list[re.Pattern[str]]
    zero: bool = False
    fallback: bool = False
    priority: int = 0
    force_measure: bool = False
    count_measure: str = ""  # measure given to a bare figure ("Tiếp nhận trực tiếp:245")
    lower_is_better: bool = False  # ranks: 1 is the best

    def accepts(self, measure: str | None) -> bool:
        return (measure or "") in self.measures


@dataclass(slots=True, frozen=True)
class LabelMatch:
    start: int
    end: int
    key: str
    priority: int = 0

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(slots=True)
class Taxonomy:
    indicators: list[IndicatorDef]
    target_qualifier: str  # [targets] qualifier of the taxonomy file: the qualifier of plan/target figures
    target_section_res: list[re.Pattern[str]] = field(default_factory=list)
    target_sentence_res: list[re.Pattern[str]] = field(default_factory=list)
    # Sentences that read as plans only outside result sections ("Duy trì ... đạt 100%" under
    # "II. KẾT QUẢ THỰC HIỆN" reports what was kept up; under "Phương hướng" it is a target).
    plan_sentence_res: list[re.Pattern[str]] = field(default_factory=list)
    results_section_res: list[re.Pattern[str]] = field(default_factory=list)
    by_key: dict[str, IndicatorDef] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.by_key = {d.key: d for d in self.indicators}

    def get(self, key: str) -> IndicatorDef:
        return self.by_key[key]

    def find_labels(self, folded: str, *, question: bool = False) -> list[LabelMatch]:
        """Every surface-form match (all indicators) in folded text; overlaps are kept."""
        out: list[LabelMatch] = []
        for d in self.indicators:
            pats = d.patterns + d.question_patterns if question else d.patterns
            seen: list[tuple[int, int]] = []
            for pat in pats:
                for m in pat.finditer(folded):
                    if m.end() <= m.start():
                        continue
                    span = (m.start(), m.end())
                    # keep the longest per key on overlapping spans
                    if any(a <= span[0] and span[1] <= b for a, b in seen):
                        continue
                    seen = [(a, b) for a, b in seen if not (span[0] <= a and b <= span[1])]
                    seen.append(span)
            out.extend(LabelMatch(a, b, d.key, d.priority) for a, b in seen)
        out.sort(key=lambda m: (m.start, -m.length))
        return out

    def is_target(self, section_path: tuple[str, ...], sentence: str) -> bool:
        for title in section_path:
            ft = fold(title).strip()
            if any(r.search(ft) for r in self.target_section_res):
                return True
        fs = _LIST_MARKER_RE.sub("", fold(sentence), count=1)
        if any(r.search(fs) for r in self.target_sentence_res):
            return True
        in_results = any(r.search(fold(title).strip()) for title in section_path for r in self.results_section_res)
        return not in_results and any(r.search(fs) for r in self.plan_sentence_res)


_LIST_MARKER_RE = re.compile(r"^[\s\-+*•–]*(?:\(?\d+(?:\.\d+)*[.)]|\(?[a-z][.)])?\s*")


def _compile(p: str) -> re.Pattern[str]:
    return re.compile(_WB_L + "(?:" + p + ")" + _WB_R)


@lru_cache(maxsize=8)
def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and compile the taxonomy TOML (cached per path)."""
    p = Path(path) if path else DEFAULT_TAXONOMY
    with p.open("rb") as fh:
        data = tomllib.load(fh)
    defs = []
    for item in data.get("indicator", []):
        defs.append(IndicatorDef(
            key=item["key"],
            name=item["name"],
            measure=item.get("measure", ""),
            measures=frozenset(item.get("measures", [item.get("measure", "")])),
            patterns=[_compile(x) for x in item.get("patterns", [])],
            question_patterns=[_compile(x) for x in item.get("question", [])],
            zero=bool(item.get("zero", False)),
            fallback=bool(item.get("fallback", False)),
            priority=int(item.get("priority", 0)),
            force_measure=bool(item.get("force_measure", item.get("measure") == "hạng")),
            lower_is_better=bool(item.get("lower_is_better", False)),
            count_measure=next((m for m in [item.get("measure", ""), *item.get("measures", [])]
                                if m not in ("%", "")), item.get("measure", "")),
        ))
    tgt = data.get("targets", {})
    if not isinstance(tgt.get("qualifier"), str) or not tgt["qualifier"].strip():
        raise ValueError(f"{p}: thiếu [targets] qualifier (nhãn của số liệu kế hoạch, chỉ tiêu phấn đấu)")
    return Taxonomy(
        indicators=defs,
        target_qualifier=tgt["qualifier"],
        target_section_res=[re.compile(x) for x in tgt.get("section_patterns", [])],
        target_sentence_res=[re.compile(x) for x in tgt.get("sentence_patterns", [])],
        plan_sentence_res=[re.compile(x) for x in tgt.get("plan_sentence_patterns", [])],
        results_section_res=[re.compile(x) for x in tgt.get("results_section_patterns", [])],
    )
