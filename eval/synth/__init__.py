"""Synthetic corpus of ward/commune digital-transformation reports, with ground truth.

`python -m eval.synth --reports N --out DIR [--seed S]` writes N ``.txt`` reports in the styles of the
five sample reports (monthly list style, monthly prose style, detailed quarterly, short quarterly,
half-year / "sơ kết 01 năm 06 tháng" with appendix tables) for real post-2025 wards and communes taken
from underthesea's address gazetteer (``underthesea.address``, effective 01/07/2025, 34 provinces).

Files written to DIR:
- ``syn_<i:06d>_<hash>.txt``: the reports (doc_id = file stem; report i is the same for every N and
  a given seed, so a 100-report corpus is a prefix of the 1,000-report one);
- ``ground_truth.jsonl``: one line per figure written (doc_id, unit, unit_type, province, period,
  period_label, kind, style, key, value, measure, numerator, denominator, qualifier, sentence);
  ``sentence`` is an exact substring of the report text;
- ``reports.jsonl``: one line per report (doc_id, unit, unit_type, province, period, period_label,
  kind, style, report_number, signer, typo_variants, indicator keys present);
- ``meta.json``: seed, counts, gazetteer source, generator version.

Design notes:
- Units are restricted to names that are unique in the gazetteer (accent-folded, without the
  "Phường"/"Xã" prefix), so a unit name determines its province and aggregate answers are unambiguous.
- (unit, period) is unique in a corpus: report i takes unit ``units[i % U]`` and the round
  ``i // U`` selects a distinct month / quarter / half-year for that unit.
- Figures are internally consistent (received = online + in person, percentages computed from counts)
  and each (report, indicator key) has exactly one value; a report may repeat a figure (as the
  sơ kết sample does) but never contradicts itself on a ground-truth key.
- Realism kept on purpose: both thousands separators ("2,955" / "2.955"), both decimal separators
  ("91,71%" / "99.75%"), zero padding ("05", "00"), "Không." for zero, typos in unit names in a later
  mention (one diacritic changed, as in "Trưng Thành" / "Phù Liên"), missing indicators, blank report
  numbers and days, and plan targets in the "nhiệm vụ" section (e.g. "Phấn đấu tỷ lệ số hóa hồ sơ đạt
  100%") that are NOT results and are NOT in the ground truth (disable with ``--no-distractors``).
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from eval.synth.builder import typo
from eval.synth.corpus import (
    AggregateQuestion,
    SynthReport,
    aggregate_questions,
    corpus_matches,
    generate,
    gold_units,
    make_report,
    read_jsonl,
    write_corpus,
)
from eval.synth.vocab import (
    ALL_KEYS,
    GENERATOR_VERSION,
    K_QUA_HAN,
    K_SO_HOA,
    K_TIEP_NHAN,
    K_TRUC_TIEP,
    K_TRUC_TUYEN,
    Unit,
    fmt_int,
    fmt_money,
    fmt_pct,
    load_units,
    question_period,
)
from ingest.text import fold

__all__ = ["ALL_KEYS", "GENERATOR_VERSION", "K_QUA_HAN", "K_SO_HOA", "K_TIEP_NHAN", "K_TRUC_TIEP",
           "K_TRUC_TUYEN", "AggregateQuestion", "SynthReport", "Unit", "aggregate_questions",
           "corpus_matches", "fmt_int", "fmt_money", "fmt_pct", "fold", "generate", "gold_units",
           "load_units", "main", "make_report", "question_period", "read_jsonl", "typo", "write_corpus"]

# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.synth",
                                 description="Sinh bộ báo cáo tổng hợp (synthetic) kèm đáp án chuẩn.")
    ap.add_argument("--reports", type=int, required=True, help="số báo cáo cần sinh")
    ap.add_argument("--out", type=Path, required=True, help="thư mục đầu ra")
    ap.add_argument("--seed", type=int, default=0, help="hạt giống ngẫu nhiên (mặc định 0)")
    ap.add_argument("--no-distractors", action="store_true",
                    help="không chèn chỉ tiêu phấn đấu (không phải kết quả) vào phần nhiệm vụ")
    args = ap.parse_args(argv)
    if args.reports < 1:
        ap.error(f"--reports phải > 0 (nhận {args.reports})")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    meta = write_corpus(args.reports, args.out, args.seed, not args.no_distractors)
    print(json.dumps(meta, ensure_ascii=False))
    return 0
