"""`python -m eval`: score the fixed question set, every configuration side by side.

    python -m eval [--questions FILE] [--corpus DIR] [--store DIR] [--out DIR] [--configs NAME ...]
                   [--write-results] [--no-ingest] [-v]
    python -m eval --compare OLD/results.json NEW/results.json [--config NAME]

Writes results.json, report.md (Vietnamese and English) and PNG charts to --out (default eval/out) and,
when --out is the default or with --write-results, eval/RESULTS.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from eval import runner
from eval.charts import write_charts
from eval.report import render_report, render_results_md
from eval.results import build_results, compare, write_json
from eval.scoring import QUESTION_TYPES, UnitVocabulary, gold_units

logger = logging.getLogger("eval")

EVAL_DIR = Path(__file__).resolve().parent
REPO = EVAL_DIR.parent
DEFAULT_QUESTIONS = EVAL_DIR / "questions.jsonl"
DEFAULT_CORPUS = REPO / "data" / "reports"
DEFAULT_OUT = EVAL_DIR / "out"
RESULTS_MD = EVAL_DIR / "RESULTS.md"
# Sections of RESULTS.md written by other commands (the scale benchmark) start at this line and are
# carried over when the evaluation part is regenerated.
KEPT_MARKER = "<!-- kept by python -m eval: measurements from other commands below -->"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m eval", description="Chấm bộ câu hỏi cố định / score the "
                                "fixed question set (DESIGN.md rules), all configurations side by side.")
    p.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="JSONL question file")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="report folder (or one file)")
    p.add_argument("--store", type=Path, default=None,
                   help="store to ingest into and query (default: a fresh store under --out)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default eval/out)")
    p.add_argument("--configs", nargs="+", choices=runner.ALL_CONFIGS, default=list(runner.ALL_CONFIGS),
                   metavar="NAME", help=f"configurations to run (default: all of {', '.join(runner.ALL_CONFIGS)})")
    p.add_argument("--k", type=int, default=runner.RETRIEVE_K, help="passages retrieved per question")
    p.add_argument("--no-ingest", action="store_true", help="use --store as it is (no ingest)")
    p.add_argument("--write-results", action="store_true", help="also regenerate eval/RESULTS.md")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--progress-file", type=Path, default=None,
                   help="write 'done total' (questions answered) to this file as the run goes (for the app)")
    p.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"),
                   help="list questions that got better/worse between two results.json")
    p.add_argument("--config", default=None, help="with --compare: configuration to compare (default: main)")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    return p.parse_args(argv)


# ---------------------------------------------------------------- compare


def run_compare(old_path: Path, new_path: Path, config: str | None, console: Console) -> int:
    try:
        old = json.loads(old_path.read_text(encoding="utf-8"))
        new = json.loads(new_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        console.print(f"[red]Không đọc được tệp kết quả (cannot read results): {exc}[/red]")
        return 2
    diff = compare(old, new, config)
    console.print(f"So sánh / Compare: {old_path} ({diff['old_config']}) → {new_path} ({diff['new_config']})")
    for key in ("accuracy", "partial_credit", *(f"accuracy_{t}" for t in QUESTION_TYPES), "recall@5", "mrr"):
        if key in diff["metrics"]:
            d = diff["metrics"][key]
            console.print(f"  {key}: {d['old']:.3f} → {d['new']:.3f} ({d['delta']:+.3f})")
    for title, rows in (("Tốt hơn / Better", diff["better"]), ("Kém hơn / Worse", diff["worse"])):
        table = Table(title=f"{title}: {len(rows)}", show_lines=False)
        for col in ("id", "type", "old", "new", "question"):
            table.add_column(col)
        for r in rows:
            table.add_row(r["id"], r["type"] or "", _mark(r["old_correct"], r["old_credit"]),
                          _mark(r["new_correct"], r["new_credit"]), r["question"] or "")
        console.print(table)
    console.print(f"Không đổi / Unchanged: {diff['unchanged']}")
    if diff["only_old"] or diff["only_new"]:
        console.print(f"Chỉ có ở bản cũ / only in OLD: {diff['only_old']}; "
                      f"chỉ có ở bản mới / only in NEW: {diff['only_new']}")
    return 0


def _mark(correct: bool, credit: float) -> str:
    return f"{'✓' if correct else '✗'} {credit:.2f}"


# ---------------------------------------------------------------- evaluation


def assistant_available() -> str | None:
    """None when the assistant's services can be imported, else the reason."""
    try:
        for module in ("assistant.services", "index.settings"):
            importlib.import_module(module)
    except ImportError as exc:
        return f"dịch vụ trợ lý chưa có (assistant services missing): {exc}"
    return None


def run_eval(args: argparse.Namespace, console: Console) -> int:
    started = time.perf_counter()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    questions = runner.load_questions(args.questions)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    wanted = [c for c in runner.ALL_CONFIGS if c in args.configs]  # canonical order
    assistant_wanted = [c for c in wanted if c != "baseline"]
    files = runner.corpus_files(args.corpus)
    if not files:
        console.print(f"[red]Không có báo cáo trong {args.corpus} (no reports found)[/red]")
        return 2

    missing = assistant_available() if assistant_wanted else None
    settings = None
    ingest_info: dict[str, Any] = {}
    corpus_units: dict[str, str] = {}
    if assistant_wanted and missing is None:
        store = runner.prepare_store(args.store or out / "store", own=args.store is None)
        settings = runner.base_settings(store)
        if not args.no_ingest:
            with console.status("Đang nạp báo cáo / ingesting the corpus…"):
                ingest_info = runner.ingest(settings, files)
            if ingest_info["failed"]:
                console.print(f"[yellow]{len(ingest_info['failed'])} tệp lỗi khi nạp / files failed[/yellow]")
        corpus_units = runner.corpus_unit_names(settings)

    vocab = UnitVocabulary(gold_units(questions))
    for surface, canonical in corpus_units.items():
        vocab.add(surface, canonical)

    runs: list[runner.ConfigRun] = []
    n = len(questions)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), disable=args.no_progress, transient=False) as progress:
        task = progress.add_task("eval", total=n * len(wanted))

        def tick() -> None:
            progress.advance(task)
            if args.progress_file is not None:
                _write_progress(args.progress_file, int(progress.tasks[0].completed), n * len(wanted))

        main_mode: str | None = None
        for name in wanted:
            progress.update(task, description=f"[bold]{name}[/bold]")
            done_before = progress.tasks[0].completed
            if name == "baseline":
                run = _guard(name, lambda: runner.run_baseline(args.corpus, questions, tick, args.k))
            elif missing is not None:
                run = runner.ConfigRun(name=name, status="unavailable", reason=missing,
                                       description=runner.DESCRIPTIONS[name])
            else:
                if name == "no-indicators":
                    mode, use_ind = main_mode or _probe_main_mode(settings, runs), False
                else:
                    mode, use_ind = name, True
                run = _guard(name, lambda m=mode, u=use_ind, nm=name: runner.run_assistant_config(
                    nm, settings, m, u, questions, tick, args.k))
                if run.status == "ok" and name in ("hybrid", "lexical") and main_mode is None:
                    main_mode = name
            runs.append(run)
            progress.update(task, completed=done_before + n)
            if args.progress_file is not None:
                _write_progress(args.progress_file, done_before + n, n * len(wanted))

    meta = {
        "run": {"started_at": started_at, "seconds": round(time.perf_counter() - started, 1),
                "questions_file": _display_path(args.questions), "corpus": _display_path(args.corpus),
                "n_questions": n,
                "store": str(settings.store) if settings else None, "k": args.k, "configs": wanted},
        "versions": runner.library_versions(),
        "settings": _settings_summary(settings),
        "ingest": ingest_info,
        "unit_vocabulary": sorted(corpus_units) or gold_units(questions),
    }
    results = build_results(runs, questions, vocab, meta)
    results["run"]["seconds"] = round(time.perf_counter() - started, 1)
    write_json(out / "results.json", results)
    charts = write_charts(results, out)
    (out / "report.md").write_text(render_report(results, charts), encoding="utf-8")
    if args.write_results or out.resolve() == DEFAULT_OUT.resolve():
        RESULTS_MD.write_text(render_results_md(results, _display_path(out)) + _kept_sections(RESULTS_MD),
                              encoding="utf-8")
    print_summary(results, console)
    console.print(f"→ {out / 'results.json'}, {out / 'report.md'}, {', '.join(charts)}")
    return 0 if any(r.status == "ok" for r in runs) else 1


def _write_progress(path: Path, done: int, total: int) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(f"{done} {total}", encoding="utf-8")
    os.replace(tmp, path)


def _probe_main_mode(settings: Any, runs: Sequence[runner.ConfigRun]) -> str:
    """The main retrieval mode when neither hybrid nor lexical ran in this invocation."""
    for r in runs:
        if r.name == "hybrid" and r.status == "ok":
            return "hybrid"
    mode = getattr(getattr(settings, "retrieval", None), "mode", "auto")
    return "lexical" if mode in ("auto", None) else mode


def _guard(name: str, fn: Any) -> runner.ConfigRun:
    try:
        return fn()
    except runner.ConfigUnavailable as exc:
        logger.warning("%s: %s", name, exc)
        return runner.ConfigRun(name=name, status="unavailable", reason=str(exc), reason_vi=exc.vi,
                                reason_en=exc.en, description=runner.DESCRIPTIONS.get(name, ""))
    except Exception as exc:
        logger.exception("configuration %s failed", name)
        return runner.ConfigRun(name=name, status="error", reason=f"{type(exc).__name__}: {exc}",
                                description=runner.DESCRIPTIONS.get(name, ""))


def _settings_summary(settings: Any) -> dict[str, Any]:
    if settings is None:
        return {}
    return {"embed_model": settings.embed.model, "retrieval_mode": settings.retrieval.mode,
            "top_k": settings.retrieval.top_k, "llm": bool(settings.llm.base_url),
            "llm_model": settings.llm.model if settings.llm.base_url else None}


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def print_summary(results: dict[str, Any], console: Console) -> None:
    table = Table(title="Kết quả / Results")
    cols = ["config", "status", "accuracy", *QUESTION_TYPES, "cit R", "cit P", "R@5", "MRR", "p50 ms"]
    for c in cols:
        table.add_column(c)
    for name, cfg in results["configs"].items():
        m = cfg.get("metrics") or {}

        def f(key: str, m: dict = m) -> str:
            v = m.get(key)
            return "–" if v is None else f"{v:.3f}"

        label = name + (" *" if name == results.get("main_config") else "")
        table.add_row(label, cfg["status"], f("accuracy"), *(f(f"accuracy_{t}") for t in QUESTION_TYPES),
                      f("citation_recall"), f("citation_precision"), f("recall@5"), f("mrr"),
                      "–" if "latency_p50_ms" not in m else f"{m['latency_p50_ms']:.0f}")
    console.print(table)
    acc = results.get("accuracy")
    console.print(f"accuracy ({results.get('main_config')}): {'–' if acc is None else f'{acc:.3f}'}")


def _kept_sections(path: Path) -> str:
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    i = text.find(KEPT_MARKER)
    return "\n" + text[i:] if i >= 0 else ""


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s logs its index builds at DEBUG
    console = Console(soft_wrap=True)
    if not console.is_terminal:
        console = Console(soft_wrap=True, width=160)
    if args.compare:
        return run_compare(args.compare[0], args.compare[1], args.config, console)
    return run_eval(args, console)


if __name__ == "__main__":
    sys.exit(main())
