"""The evaluation tab: runs `python -m eval` on the fixed question set and explains the result in
plain Vietnamese (how many answers are right, by kind of question, which ones failed and how);
the technical report (recall, MRR, latency percentiles, configurations) stays folded below.

A subprocess keeps the evaluation's own store, models and memory apart from the app (chats go
on meanwhile) and is the exact command users run. It reports its progress per question through
`--progress-file`; the technical summary is the summary.md it writes next to report.md (the app reads
the command's output files and imports nothing from eval/).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from webapp import fmt
from webapp.render import escape_markdown

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
EVAL_DIRNAME = "eval_runs"
SUMMARY_MD = "summary.md"  # written by `python -m eval` next to report.md (eval.report.SUMMARY_MD)
# The quick run scores the main configurations only; the full run adds dense, no-indicators and
# the LlamaIndex baseline side by side.
EVAL_QUICK_CONFIGS: tuple[str, ...] = ("hybrid", "lexical")
POLL_S = 0.3
TYPE_LABELS = {
    "number": "Hỏi một con số (tỷ lệ, số hồ sơ, số tiền…)",
    "set": "Hỏi danh sách đơn vị (những phường, xã nào…)",
    "text": "Hỏi nội dung (kiến nghị, khó khăn, nhiệm vụ…)",
    "none": "Hỏi điều báo cáo không có (phải trả lời là không có)",
}
TYPE_SHORT = {"number": "con số", "set": "danh sách", "text": "nội dung", "none": "không có thông tin"}
CONFIG_LABELS = {
    "hybrid": "tìm kiếm kết hợp ngữ nghĩa và từ khóa", "lexical": "tìm kiếm theo từ khóa",
    "dense": "tìm kiếm theo ngữ nghĩa", "no-indicators": "không dùng bảng chỉ tiêu",
    "baseline": "LlamaIndex gốc (để so sánh)",
}
FAILED_COLUMNS: tuple[str, ...] = ("Mã", "Loại", "Câu hỏi", "Đáp án đúng", "Câu trả lời", "Điểm")
ANSWER_PREVIEW_CHARS = 300


@dataclass(slots=True)
class EvalProgress:
    share: float  # 0..1
    text: str  # Vietnamese


@dataclass(slots=True)
class EvalRun:
    ok: bool
    summary_markdown: str  # plain Vietnamese, shown first
    details_markdown: str  # the technical report, folded
    failed_rows: list[list[Any]] = field(default_factory=list)
    charts: list[Path] = field(default_factory=list)
    out_dir: Path | None = None


def _gold_text(q: dict[str, Any]) -> str:
    gold = q.get("gold")
    if q.get("type") == "none":
        return "(không có trong báo cáo)"
    if q.get("type") == "text" and isinstance(gold, list):
        return " ; ".join(" / ".join(map(str, alts)) if isinstance(alts, list) else str(alts) for alts in gold)
    if isinstance(gold, list):
        return ", ".join(map(str, gold))
    return "" if gold is None else str(gold)


def _why(q: dict[str, Any]) -> str:
    """Why a question failed, in words an official reads."""
    a, s = q.get("answer") or {}, q.get("score") or {}
    kind = q.get("type")
    if kind == "none":
        return "đưa ra câu trả lời dù báo cáo không có thông tin"
    if a.get("abstained"):
        return "trả lời là không tìm thấy, dù báo cáo có thông tin"
    if kind == "set":
        parts = []
        if s.get("missing"):
            parts.append("thiếu " + ", ".join(map(str, s["missing"])))
        if s.get("extra"):
            parts.append("thừa " + ", ".join(map(str, s["extra"])))
        return "; ".join(parts) or "danh sách chưa đúng"
    if kind == "text":
        missing = s.get("missing") or []
        return ("thiếu ý: " + ", ".join(map(str, missing))) if missing else "thiếu ý"
    return "con số trong câu trả lời khác đáp án"


def main_questions(results: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
    main = results.get("main_config")
    cfg = (results.get("configs") or {}).get(main) or {}
    return main, list(cfg.get("questions") or [])


def summary_markdown(results: dict[str, Any]) -> str:
    """Plain Vietnamese: overall accuracy, confident wrong answers, by kind, what failed."""
    main, qs = main_questions(results)
    if not qs:
        return "Không có kết quả chấm điểm (không cấu hình nào chạy được)."
    n, ok = len(qs), sum(bool(q.get("correct")) for q in qs)
    wrong_confident = [q for q in qs if not q.get("correct") and not (q.get("answer") or {}).get("abstained")]
    lines = [f"### Trả lời đúng {ok}/{n} câu hỏi ({fmt.percent(ok / n)})",
             f"Bộ câu hỏi cố định, trên các báo cáo mẫu; cách tìm kiếm được chấm: "
             f"{CONFIG_LABELS.get(str(main), str(main))}.",
             "",
             f"- **Trả lời sai mà không báo là không chắc:** {len(wrong_confident)} câu "
             f"({fmt.percent(len(wrong_confident) / n)}). Đây là lỗi cần chú ý nhất: "
             "một câu từ chối không giúp được, nhưng một câu trả lời sai dễ bị dùng nhầm.",
             "", "| Loại câu hỏi | Đúng | Tỷ lệ |", "|---|---|---|"]
    for kind, label in TYPE_LABELS.items():
        of_kind = [q for q in qs if q.get("type") == kind]
        if of_kind:
            good = sum(bool(q.get("correct")) for q in of_kind)
            lines.append(f"| {label} | {good}/{len(of_kind)} | {fmt.percent(good / len(of_kind))} |")
    failed = [q for q in qs if not q.get("correct")]
    lines += ["", "#### Những câu chưa đạt" if failed else "#### Mọi câu hỏi đều đạt."]
    for q in failed:
        lines.append(f"- **{escape_markdown(str(q.get('id')))}** ({TYPE_SHORT.get(str(q.get('type')), '')}): "
                     f"{escape_markdown(str(q.get('question')))} — {_why(q)}.")
    return "\n".join(lines)


def details_markdown(out_dir: Path) -> str:
    """The summary `python -m eval` wrote next to report.md (SUMMARY_MD) and where the files are."""
    try:
        body = (out_dir / SUMMARY_MD).read_text(encoding="utf-8").rstrip("\n").split("\n")
    except OSError:  # the plain summary above still stands
        log.warning("no %s in %s", SUMMARY_MD, out_dir, exc_info=True)
        body = []
    return "\n".join([f"Các tệp kết quả: `{out_dir}` (report.md, results.json, biểu đồ).", "", *body])


def failed_rows(results: dict[str, Any]) -> list[list[Any]]:
    """Questions the main configuration got wrong, one row each (FAILED_COLUMNS)."""
    _main, qs = main_questions(results)
    rows = []
    for q in qs:
        if q.get("correct"):
            continue
        a = q.get("answer") or {}
        given = ("(từ chối) " if a.get("abstained") else "") + str(a.get("answer") or "")
        if len(given) > ANSWER_PREVIEW_CHARS:
            given = given[: ANSWER_PREVIEW_CHARS - 1] + "…"
        rows.append([q.get("id"), TYPE_SHORT.get(str(q.get("type")), q.get("type")), q.get("question"),
                     _gold_text(q), given, fmt.number(float(q.get("credit") or 0.0))])
    return rows


def _read_progress(path: Path) -> tuple[int, int] | None:
    try:
        done, total = path.read_text(encoding="utf-8").split()
        return int(done), int(total)
    except (OSError, ValueError):
        return None


def run_eval(store_dir: Path, full: bool = False) -> Iterator[EvalProgress | EvalRun]:
    """Run the evaluation; yields progress, then one EvalRun."""
    out = store_dir / EVAL_DIRNAME / time.strftime("%Y%m%d_%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    progress_file = out / "progress.txt"
    cmd = [sys.executable, "-m", "eval", "--out", str(out), "--no-progress", "--progress-file", str(progress_file)]
    if not full:
        cmd += ["--configs", *EVAL_QUICK_CONFIGS]
    log_path = out / "eval.log"
    t0 = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log_fh:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=log_fh, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONIOENCODING": "utf-8"})
        try:
            while proc.poll() is None:
                seen = _read_progress(progress_file)
                elapsed = fmt.number(time.monotonic() - t0, 0)
                if seen is None or seen[0] == 0:
                    yield EvalProgress(0.0, f"Đang nạp các báo cáo mẫu vào kho riêng… ({elapsed} giây)")
                else:
                    done, total = seen
                    yield EvalProgress(done / total, f"Đang chấm: {fmt.number(done)}/{fmt.number(total)} lượt "
                                                     f"trả lời ({fmt.percent(done / total, 0)}, {elapsed} giây)")
                time.sleep(POLL_S)
        finally:
            if proc.poll() is None:  # the page went away: do not leave the run behind
                proc.terminate()
    results_path = out / "results.json"
    if proc.returncode != 0 or not results_path.exists():
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-1500:]
        yield EvalRun(False, f"Đánh giá không chạy xong (mã thoát {proc.returncode}). Chi tiết ở phần kỹ thuật.",
                      f"```\n{tail}\n```", out_dir=out)
        return
    results = json.loads(results_path.read_text(encoding="utf-8"))
    yield EvalRun(True, summary_markdown(results), details_markdown(out), failed_rows(results),
                  sorted(out.glob("*.png")), out)
