"""`python -m eval`: score the fixed question set, every configuration side by side.

    python -m eval [--questions FILE] [--corpus DIR] [--store DIR] [--out DIR] [--configs NAME ...]
                   [--write-results] [--no-ingest] [-v]
    python -m eval --questions FILE [FILE ...] [--corpus DIR [DIR ...]] [--out DIR] ...
    python -m eval --suite eval/suites/dev.toml [--out DIR] [--configs NAME ...] [--write-results]
    python -m eval --compare OLD/results.json NEW/results.json [--config NAME]

One question file: writes results.json, report.md (Vietnamese and English), summary.md (the summary part
of report.md, which the app shows) and PNG charts to --out (default eval/out). Several files (or --suite): the same per file under OUT/<name>/, plus OUT/suite.json
and OUT/report.md (every file side by side, the files of each role pooled). --corpus takes one folder for
every file or one per file; each distinct corpus is ingested once into its own store (OUT/store with one
corpus, OUT/store-<folder> with several). When --out is the default or with --write-results,
eval/RESULTS.md gets one section per file (a file's section is replaced, other sections are kept).
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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from eval import runner
from eval.charts import write_charts
from eval.report import (
    SUMMARY_MD,
    file_section,
    merge_results_md,
    render_report,
    render_suite_report,
    render_summary,
)
from eval.results import build_results, compare, decision_rows, group_metrics, write_json
from eval.scoring import QUESTION_TYPES, UnitVocabulary, gold_units
from eval.suite import Suite, SuiteEntry, SuiteError, display_path, from_cli, load_suite

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
SUITE_METRICS = ("accuracy", "partial_credit", "confident_wrong", "abstention_precision", "abstention_recall",
                 "n_confident_wrong", "n_abstained", "n_abstained_none", "n_none", "citation_recall",
                 "citation_precision", "latency_p50_ms", "latency_p95_ms", "recall@5",
                 *(f"accuracy_{t}" for t in QUESTION_TYPES))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m eval", description="Chấm bộ câu hỏi cố định / score the "
                                "fixed question set (docs/DESIGN.md rules), all configurations side by side.")
    p.add_argument("--questions", type=Path, nargs="+", default=None, metavar="FILE",
                   help="JSONL question file(s) (default eval/questions.jsonl)")
    p.add_argument("--corpus", type=Path, nargs="+", default=None, metavar="DIR",
                   help="report folder (or one file): one for every question file, or one per file "
                        "(default data/reports)")
    p.add_argument("--suite", type=Path, default=None, metavar="TOML",
                   help="suite file listing question files, corpora and roles (eval/suites/dev.toml)")
    p.add_argument("--store", type=Path, default=None,
                   help="store to ingest into and query (default: a fresh store under --out)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default eval/out)")
    p.add_argument("--configs", nargs="+", choices=runner.ALL_CONFIGS, default=None, metavar="NAME",
                   help="configurations to run (default: the suite's, else all of "
                        f"{', '.join(runner.ALL_CONFIGS)})")
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


def _suite_from_args(args: argparse.Namespace) -> Suite:
    if args.suite is not None:
        if args.questions is not None or args.corpus is not None:
            raise SuiteError("dùng --suite hoặc --questions/--corpus, không dùng cả hai (--suite or --questions/"
                             "--corpus, not both)")
        return load_suite(args.suite)
    return from_cli(args.questions or [DEFAULT_QUESTIONS], args.corpus or [DEFAULT_CORPUS])


@dataclass
class CorpusRun:
    """One ingested corpus: its files, store settings, ingest summary and unit names."""
    path: Path
    files: list[Path]
    settings: Any = None
    ingest_info: dict[str, Any] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)


def _store_dirs(suite: Suite, out: Path, store: Path | None) -> dict[Path, tuple[Path, bool]]:
    """corpus (resolved) -> (store dir, own). One corpus: --store or OUT/store (as before);
    several: OUT/store-<corpus folder name> each (our own, wiped every run)."""
    if len(suite.corpora) == 1:
        return {suite.corpora[0].resolve(): (store or out / "store", store is None)}
    dirs: dict[Path, tuple[Path, bool]] = {}
    used: set[str] = set()
    for c in suite.corpora:
        name = c.resolve().name or "corpus"
        base, i = name, 2
        while name in used:
            name, i = f"{base}-{i}", i + 1
        used.add(name)
        dirs[c.resolve()] = (out / f"store-{name}", True)
    return dirs


def run_eval(args: argparse.Namespace, console: Console) -> int:
    started = time.perf_counter()
    try:
        suite = _suite_from_args(args)
        if args.store is not None and len(suite.corpora) > 1:
            raise SuiteError("--store chỉ dùng được với một thư mục báo cáo (--store needs a single corpus)")
        questions = {e.name: runner.load_questions(e.questions) for e in suite.entries}
    except (SuiteError, ValueError, OSError) as exc:
        console.print(f"[red]Lỗi / error: {exc}[/red]")
        return 2
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    configs = args.configs or suite.configs or list(runner.ALL_CONFIGS)
    bad = [c for c in configs if c not in runner.ALL_CONFIGS]
    if bad:
        console.print(f"[red]Cấu hình không có (unknown configurations): {', '.join(bad)}; "
                      f"chọn trong {', '.join(runner.ALL_CONFIGS)}[/red]")
        return 2
    wanted = [c for c in runner.ALL_CONFIGS if c in configs]  # canonical order
    assistant_wanted = [c for c in wanted if c != "baseline"]
    missing = assistant_available() if assistant_wanted else None

    corpora: dict[Path, CorpusRun] = {}
    stores = _store_dirs(suite, out, args.store)
    for c in suite.corpora:
        files = runner.corpus_files(c)
        if not files:
            console.print(f"[red]Không có báo cáo trong {c} (no reports found)[/red]")
            return 2
        cr = CorpusRun(path=c, files=files)
        if assistant_wanted and missing is None:
            store_dir, own = stores[c.resolve()]
            cr.settings = runner.base_settings(runner.prepare_store(store_dir, own=own))
            if not args.no_ingest:
                with console.status(f"Đang nạp báo cáo / ingesting {_display_path(c)}…"):
                    cr.ingest_info = runner.ingest(cr.settings, files)
                if cr.ingest_info["failed"]:
                    console.print(f"[yellow]{len(cr.ingest_info['failed'])} tệp lỗi khi nạp / files failed "
                                  f"({_display_path(c)})[/yellow]")
            cr.units = runner.corpus_unit_names(cr.settings)
        corpora[c.resolve()] = cr

    single = args.suite is None and len(suite.entries) == 1
    all_results: list[tuple[SuiteEntry, dict[str, Any], Path]] = []
    baselines: dict[Path, Any] = {}
    for entry in suite.entries:
        file_out = out if single else out / entry.name
        file_out.mkdir(parents=True, exist_ok=True)
        if not single:
            console.print(f"[bold]{entry.name}[/bold] ({entry.role_label}): {_display_path(entry.questions)}")
        results = _run_file(entry, questions[entry.name], corpora[entry.corpus.resolve()], wanted, missing,
                            args, baselines)
        write_json(file_out / "results.json", results)
        charts = write_charts(results, file_out)
        (file_out / "report.md").write_text(render_report(results, charts), encoding="utf-8")
        (file_out / SUMMARY_MD).write_text("\n".join(render_summary(results)) + "\n", encoding="utf-8")
        print_summary(results, console)
        console.print(f"→ {file_out / 'results.json'}, {file_out / 'report.md'}, {', '.join(charts)}")
        all_results.append((entry, results, file_out))

    if not single:
        overview = suite_overview(suite, all_results, wanted, round(time.perf_counter() - started, 1))
        write_json(out / "suite.json", overview)
        (out / "report.md").write_text(render_suite_report(overview), encoding="utf-8")
        print_suite_summary(overview, console)
        console.print(f"→ {out / 'suite.json'}, {out / 'report.md'}")
    if args.write_results or out.resolve() == DEFAULT_OUT.resolve():
        old, kept = _split_results_md(RESULTS_MD)
        sections = [file_section(r, _display_path(d)) for _e, r, d in all_results]
        RESULTS_MD.write_text(merge_results_md(old, sections) + kept, encoding="utf-8")
        console.print(f"→ {RESULTS_MD}")
    ok = all(any(c.get("status") == "ok" for c in r["configs"].values()) for _e, r, _d in all_results)
    return 0 if ok else 1


def _run_file(entry: SuiteEntry, questions: list[dict[str, Any]], corpus: CorpusRun, wanted: list[str],
              missing: str | None, args: argparse.Namespace, baselines: dict[Path, Any]) -> dict[str, Any]:
    """Every wanted configuration over one question file; its results.json structure."""
    started = time.perf_counter()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    settings = corpus.settings
    vocab = UnitVocabulary(gold_units(questions))
    for surface, canonical in corpus.units.items():
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
                run = _guard(name, lambda: runner.run_baseline(
                    entry.corpus, questions, tick, args.k, baseline=_baseline_for(entry.corpus, args.k, baselines)))
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
                "name": entry.name, "role": entry.role, "role_label": entry.role_label,
                "questions_file": _display_path(entry.questions), "corpus": _display_path(entry.corpus),
                "n_questions": n,
                "store": str(settings.store) if settings else None, "k": args.k, "configs": wanted},
        "versions": runner.library_versions(),
        "settings": _settings_summary(settings),
        "ingest": corpus.ingest_info,
        "unit_vocabulary": sorted(corpus.units) or gold_units(questions),
    }
    results = build_results(runs, questions, vocab, meta)
    results["run"]["seconds"] = round(time.perf_counter() - started, 1)
    return results


def _baseline_for(corpus: Path, k: int, cache: dict[Path, Any]) -> Any:
    """The stock LlamaIndex pipeline over a corpus, built once per corpus per invocation."""
    key = corpus.resolve()
    if key not in cache:
        cache[key] = runner.LlamaIndexBaseline(corpus, top_k=k).build()
    return cache[key]


def suite_overview(suite: Suite, all_results: Sequence[tuple[SuiteEntry, dict[str, Any], Path]],
                   configs: Sequence[str], seconds: float) -> dict[str, Any]:
    """suite.json: the headline numbers of every file (main configuration) and the files of each role
    pooled (counts summed over the files)."""
    files = []
    pooled_rows: dict[str, list[dict[str, Any]]] = {}
    for entry, res, out_dir in all_results:
        main = res.get("main_config")
        cfg = (res["configs"].get(main) or {}) if main else {}
        base = (res["configs"].get("baseline") or {}).get("metrics") or {}
        m = cfg.get("metrics") or {}
        files.append({"name": entry.name, "role": entry.role, "role_label": entry.role_label,
                      "questions_file": _display_path(entry.questions), "corpus": _display_path(entry.corpus),
                      "n_questions": len(cfg.get("questions", [])) or res["run"]["n_questions"],
                      "main_config": main, "seconds": res["run"]["seconds"],
                      "results": _display_path(out_dir / "results.json"),
                      "metrics": {k: m.get(k) for k in SUITE_METRICS},
                      "baseline_accuracy": base.get("accuracy"),
                      "by_class": cfg.get("by_class") or {}})
        if main:
            pooled_rows.setdefault(entry.role, []).extend(decision_rows(res))
    by_role = {role: group_metrics(rows) for role, rows in pooled_rows.items()}
    return {"run": {"started_at": datetime.now(UTC).isoformat(timespec="seconds"), "seconds": seconds,
                    "suite": _display_path(suite.source) if suite.source else None, "configs": list(configs),
                    "n_files": len(files), "n_questions": sum(f["n_questions"] for f in files)},
            "files": files, "by_role": by_role}


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
    return display_path(path)


def print_summary(results: dict[str, Any], console: Console) -> None:
    table = Table(title="Kết quả / Results")
    cols = ["config", "status", "accuracy", "conf-wrong", "abst P", "abst R", *QUESTION_TYPES, "cit R", "cit P",
            "R@5", "MRR", "p50 ms"]
    for c in cols:
        table.add_column(c)
    for name, cfg in results["configs"].items():
        m = cfg.get("metrics") or {}

        def f(key: str, m: dict = m) -> str:
            v = m.get(key)
            return "–" if v is None else f"{v:.3f}"

        label = name + (" *" if name == results.get("main_config") else "")
        table.add_row(label, cfg["status"], f("accuracy"), f("confident_wrong"), f("abstention_precision"),
                      f("abstention_recall"), *(f(f"accuracy_{t}") for t in QUESTION_TYPES),
                      f("citation_recall"), f("citation_precision"), f("recall@5"), f("mrr"),
                      "–" if "latency_p50_ms" not in m else f"{m['latency_p50_ms']:.0f}")
    console.print(table)
    acc = results.get("accuracy")
    console.print(f"accuracy ({results.get('main_config')}): {'–' if acc is None else f'{acc:.3f}'}")


def print_suite_summary(overview: dict[str, Any], console: Console) -> None:
    """One line per question file (main configuration), then each role pooled."""
    table = Table(title=f"Tất cả tệp / All files ({overview['run']['seconds']} s)")
    cols = ["file", "role", "n", "config", "accuracy", "partial", "conf-wrong", "abst P", "abst R", "cit R",
            "p95 ms"]
    for c in cols:
        table.add_column(c)

    def f(v: Any, digits: int = 3) -> str:
        return "–" if v is None else f"{v:.{digits}f}"

    for fl in overview["files"]:
        m = fl["metrics"]
        table.add_row(fl["name"], fl["role"], str(fl["n_questions"]), fl["main_config"] or "–", f(m.get("accuracy")),
                      f(m.get("partial_credit")), f(m.get("confident_wrong")), f(m.get("abstention_precision")),
                      f(m.get("abstention_recall")), f(m.get("citation_recall")), f(m.get("latency_p95_ms"), 0))
    for role, g in overview["by_role"].items():
        if sum(1 for fl in overview["files"] if fl["role"] == role) < 2:
            continue
        table.add_row(f"pooled {role}", role, str(g["n"]), "", f(g["accuracy"]), f(g["partial_credit"]),
                      f(g["confident_wrong"]), f(g["abstention_precision"]), f(g["abstention_recall"]), "", "")
    console.print(table)


def _split_results_md(path: Path) -> tuple[str, str]:
    """(evaluation part, the kept sections from KEPT_MARKER on, with a leading newline)."""
    if not path.is_file():
        return "", ""
    text = path.read_text(encoding="utf-8")
    i = text.find(KEPT_MARKER)
    return (text[:i], "\n" + text[i:]) if i >= 0 else (text, "")


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
