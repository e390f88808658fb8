"""report.md (Vietnamese and English) and eval/RESULTS.md from a results.json structure."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from eval.scoring import QUESTION_TYPES
from eval.suite import ROLE_LABELS

ANSWER_CHARS = 700
PASSAGE_CHARS = 260
TYPE_VI = {"number": "số liệu", "set": "tập đơn vị", "text": "nội dung", "none": "không có trong báo cáo"}


def _f(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _signed_pts(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:+.1f}"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _short(text: str, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def summary_table(results: Mapping[str, Any]) -> list[str]:
    head = ("| Cấu hình / Configuration | Trạng thái / Status | Độ chính xác / Accuracy | Điểm từng phần / Partial "
            "| Sai tự tin / Confident-wrong | Từ chối P / Abstention P | Từ chối R / Abstention R "
            "| number | set | text | none | Trích dẫn R / Citation R | Trích dẫn P / Citation P "
            "| R@1 | R@5 | R@10 | MRR | p50 ms | p95 ms |")
    lines = [head, "|" + "---|" * 19]
    main = results.get("main_config")
    for name, cfg in results["configs"].items():
        m = cfg.get("metrics") or {}
        label = f"**{name}** (chính / main)" if name == main else name
        if (cfg.get("answerer") or "").startswith("adapter"):
            label += " ⚠ adapter"
        status = {"ok": "ok", "unavailable": "không khả dụng / unavailable"}.get(cfg["status"], "lỗi / error")
        lines.append("| " + " | ".join(_cell(x) for x in [
            label, status, _pct(m.get("accuracy")), _pct(m.get("partial_credit")),
            _pct(m.get("confident_wrong")), _pct(m.get("abstention_precision")), _pct(m.get("abstention_recall")),
            *(_pct(m.get(f"accuracy_{t}")) for t in QUESTION_TYPES),
            _f(m.get("citation_recall")), _f(m.get("citation_precision")),
            _f(m.get("recall@1")), _f(m.get("recall@5")), _f(m.get("recall@10")), _f(m.get("mrr")),
            _f(m.get("latency_p50_ms"), 1), _f(m.get("latency_p95_ms"), 1)]) + " |")
    return lines


def type_table(results: Mapping[str, Any]) -> list[str]:
    main = results.get("main_config")
    cfgs = results["configs"]
    mm = (cfgs.get(main) or {}).get("metrics") or {}
    bm = (cfgs.get("baseline") or {}).get("metrics") or {}
    lines = ["| Loại / Type | Số câu / n | Trợ lý / Assistant | LlamaIndex gốc / Baseline "
             "| Chênh lệch (điểm %) / Delta (pts) |", "|---|---|---|---|---|"]
    counts = mm or bm
    rows = [("tất cả / all", "accuracy", counts.get("n"))] + [
        (f"{t} ({TYPE_VI[t]})", f"accuracy_{t}", counts.get(f"n_{t}")) for t in QUESTION_TYPES]
    for label, key, n in rows:
        a, b = mm.get(key), bm.get(key)
        delta = a - b if a is not None and b is not None else None
        lines.append(f"| {label} | {_f(int(n) if n else n)} | {_pct(a)} | {_pct(b)} | {_signed_pts(delta)} |")
    pa, pb = mm.get("partial_credit"), bm.get("partial_credit")
    lines.append(f"| điểm từng phần / partial credit | {_f(int(counts['n']) if counts.get('n') else None)} | {_pct(pa)} "
                 f"| {_pct(pb)} | {_signed_pts(pa - pb if pa is not None and pb is not None else None)} |")
    return lines


def tag_table(results: Mapping[str, Any]) -> list[str]:
    main = results.get("main_config")
    cfgs = results["configs"]
    mt = (cfgs.get(main) or {}).get("by_tag") or {}
    bt = (cfgs.get("baseline") or {}).get("by_tag") or {}
    tags = sorted(set(mt) | set(bt))
    if not tags:
        return []
    lines = ["| Nhãn / Tag | n | Trợ lý / Assistant | LlamaIndex gốc / Baseline |", "|---|---|---|---|"]
    for t in tags:
        n = (mt.get(t) or bt.get(t) or {}).get("n")
        lines.append(f"| {t} | {n} | {_pct((mt.get(t) or {}).get('accuracy'))} "
                     f"| {_pct((bt.get(t) or {}).get('accuracy'))} |")
    return lines


def class_table(results: Mapping[str, Any]) -> list[str]:
    """Per-class results of the main configuration (a question's class is its first tag)."""
    main = results.get("main_config")
    cfgs = results["configs"]
    mc = (cfgs.get(main) or {}).get("by_class") or {}
    bc = (cfgs.get("baseline") or {}).get("by_class") or {}
    if not mc and not bc:
        return []
    lines = ["| Lớp / Class | n | Độ chính xác / Accuracy | Điểm từng phần / Partial | Sai tự tin / Confident-wrong "
             "| Câu none đã từ chối / none abstained | LlamaIndex gốc / Baseline |", "|---|---|---|---|---|---|---|"]
    for c in sorted(set(mc) | set(bc)):
        g, b = mc.get(c) or {}, bc.get(c) or {}
        n = g.get("n", b.get("n"))
        none = f"{g['n_abstained_none']}/{g['n_none']}" if g.get("n_none") else "–"
        lines.append(f"| {_cell(c)} | {n} | {_pct(g.get('accuracy'))} | {_pct(g.get('partial_credit'))} "
                     f"| {_pct(g.get('confident_wrong'))} | {none} | {_pct(b.get('accuracy'))} |")
    return lines


def decision_prose(m: Mapping[str, Any]) -> tuple[str, str]:
    """One Vietnamese and one English line: confident-wrong rate and abstention precision / recall."""
    n = int(m.get("n", 0))
    cw, ab, abn, nn = (int(m.get(k, 0)) for k in ("n_confident_wrong", "n_abstained", "n_abstained_none", "n_none"))
    vi = (f"- Sai tự tin (trả lời sai mà không từ chối): **{_pct(m.get('confident_wrong'))}** ({cw}/{n} câu); "
          f"từ chối: độ chính xác {_pct(m.get('abstention_precision'))} ({abn}/{ab} lần từ chối đúng là câu "
          f"không có trong báo cáo), độ phủ {_pct(m.get('abstention_recall'))} ({abn}/{nn} câu không có trong "
          "báo cáo được từ chối).")
    en = (f"- Confident-wrong (wrong and not an abstention): **{_pct(m.get('confident_wrong'))}** ({cw}/{n}); "
          f"abstention precision {_pct(m.get('abstention_precision'))} ({abn}/{ab} abstentions were none "
          f"questions), recall {_pct(m.get('abstention_recall'))} ({abn}/{nn} none questions abstained).")
    return vi, en


def summary_prose(results: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    main = results.get("main_config")
    cfgs = results["configs"]
    mm = (cfgs.get(main) or {}).get("metrics") or {}
    bm = (cfgs.get("baseline") or {}).get("metrics") or {}
    n = int(mm.get("n", 0))
    correct = round((mm.get("accuracy") or 0) * n)
    vi, en = [], []
    if main:
        vi.append(f"- Cấu hình chính: **{main}** — độ chính xác **{_pct(mm.get('accuracy'))}** "
                  f"({correct}/{n} câu đúng), điểm từng phần {_pct(mm.get('partial_credit'))}.")
        en.append(f"- Main configuration: **{main}** — accuracy **{_pct(mm.get('accuracy'))}** "
                  f"({correct}/{n} correct), partial credit {_pct(mm.get('partial_credit'))}.")
        if "n_confident_wrong" in mm:
            dv, de = decision_prose(mm)
            vi.append(dv)
            en.append(de)
    if main and bm:
        d = (mm.get("accuracy") or 0) - (bm.get("accuracy") or 0)
        vi.append(f"- LlamaIndex gốc (SentenceSplitter 512 + BM25Retriever): {_pct(bm.get('accuracy'))}; "
                  f"trợ lý {'hơn' if d >= 0 else 'kém'} **{abs(100 * d):.1f} điểm %**.")
        en.append(f"- Stock LlamaIndex (SentenceSplitter 512 + BM25Retriever): {_pct(bm.get('accuracy'))}; "
                  f"the assistant is **{abs(100 * d):.1f} points {'ahead' if d >= 0 else 'behind'}**.")
        fm, fb = mm.get("number_first_number_match"), bm.get("number_first_number_match")
        if fm is not None:
            vi.append(f"- Chẩn đoán (không phải quy tắc chấm): số đầu tiên trong câu trả lời đúng đáp án ở "
                      f"{_pct(fm)} câu số liệu (LlamaIndex gốc {_pct(fb)}).")
            en.append(f"- Diagnostic (not a scoring rule): the first number of the answer is the gold value in "
                      f"{_pct(fm)} of number questions (baseline {_pct(fb)}).")
        for key, vi_l, en_l in (("recall@5", "Độ phủ trích dẫn vàng @5", "Gold-quote recall@5"),):
            vi.append(f"- {vi_l}: trợ lý {_f(mm.get(key))}, LlamaIndex gốc {_f(bm.get(key))}.")
            en.append(f"- {en_l}: assistant {_f(mm.get(key))}, baseline {_f(bm.get(key))}.")
    for name, cfg in cfgs.items():
        if cfg["status"] != "ok":
            vi.append(f"- Cấu hình **{name}**: không chạy được — {cfg.get('reason_vi') or cfg.get('reason')}.")
            en.append(f"- Configuration **{name}**: not run — {cfg.get('reason_en') or cfg.get('reason')}.")
        elif (cfg.get("answerer") or "").startswith("adapter"):
            vi.append(f"- ⚠ **{name}**: chưa có bộ trả lời, dùng bộ chuyển tiếp tạm (câu tốt nhất của đoạn đầu).")
            en.append(f"- ⚠ **{name}**: answerer missing, a temporary adapter answered (best sentence of the top passage).")
    return vi, en


def _expected(q: Mapping[str, Any]) -> str:
    gold = q.get("gold")
    if q.get("type") == "none":
        return "từ chối trả lời (abstain)"
    if q.get("type") == "text":
        return " ; ".join(" / ".join(alts) for alts in gold or [])
    if isinstance(gold, list):
        return ", ".join(gold)
    return json.dumps(gold, ensure_ascii=False)


def _details(q: Mapping[str, Any]) -> str:
    s = q.get("score") or {}
    bits = []
    if s.get("reason"):
        bits.append(s["reason"])
    if q.get("type") == "set":
        bits.append(f"P={_f(s.get('precision'), 2)} R={_f(s.get('recall'), 2)} F1={_f(s.get('f1'), 2)}")
        if s.get("extra"):
            bits.append("thừa / extra: " + ", ".join(s["extra"]))
        if s.get("missing"):
            bits.append("thiếu / missing: " + ", ".join(s["missing"]))
    elif q.get("type") == "text":
        bits.append(f"{s.get('facts_found')}/{s.get('facts_total')} ý / facts")
        if s.get("missing"):
            bits.append("thiếu / missing: " + ", ".join(s["missing"]))
    if s.get("citation_recall") is not None:
        bits.append(f"trích dẫn R / citation R={_f(s.get('citation_recall'), 2)}")
    if s.get("recall@10") is not None:
        bits.append(f"R@10={_f(s.get('recall@10'), 2)}")
    if q.get("error"):
        bits.append(f"lỗi / error: {q['error']}")
    return "; ".join(bits)


def failed_section(results: Mapping[str, Any], config: str | None = None) -> list[str]:
    name = config or results.get("main_config")
    cfg = results["configs"].get(name) or {}
    failed = [q for q in cfg.get("questions", []) if not q.get("correct")]
    lines = [f"## Câu trả lời sai — cấu hình {name} / Failed questions — {name} configuration", "",
             f"{len(failed)} câu / questions."]
    for q in failed:
        a = q.get("answer") or {}
        lines += ["", f"### {q['id']} ({q['type']}) — {q['question']}"]
        if q.get("history"):
            lines.append(f"- Câu hỏi trước / History: {' | '.join(q['history'])}")
        lines.append(f"- Kỳ vọng / Expected: {_expected(q)}")
        given = "(từ chối / abstained) " if a.get("abstained") else ""
        lines.append(f"- Trả lời / Given: {given}{_short(a.get('answer', ''), ANSWER_CHARS) or '(trống / empty)'}")
        lines.append(f"- Chi tiết / Details: {_details(q)}")
        cites = a.get("citations") or []
        if cites:
            lines.append("- Trích dẫn / Cited passages:")
            for c in cites[:6]:
                lines.append(f"  - [{c.get('n')}] `{c.get('doc_id')}` {_short(c.get('text', ''), PASSAGE_CHARS)}")
            if len(cites) > 6:
                lines.append(f"  - … {len(cites) - 6} trích dẫn khác / more citations")
    return lines


SUMMARY_MD = "summary.md"  # `render_summary` as a file next to report.md: the app's evaluation tab shows it


def render_summary(results: Mapping[str, Any]) -> list[str]:
    vi, en = summary_prose(results)
    run = results.get("run") or {}
    lines = [f"Chạy lúc / Run at: {run.get('started_at', '?')} · {run.get('n_questions', '?')} câu hỏi / questions "
             f"· `{run.get('questions_file', '')}` · kho ngữ liệu / corpus `{run.get('corpus', '')}` "
             f"· {run.get('seconds', '?')} s", "",
             "### Tóm tắt", *vi, "", "### Summary", *en, "",
             "### Bảng tổng hợp / Summary table", "", *summary_table(results), "",
             "R@k: tỷ lệ trích dẫn vàng nằm trong k đoạn đầu (gộp trên mọi trích dẫn vàng) / share of gold "
             "quotes in the top-k passages (pooled over all gold quotes); p50/p95: độ trễ trả lời / answer latency.",
             "", "### Độ chính xác theo loại câu hỏi / Accuracy by question type", "", *type_table(results)]
    classes = class_table(results)
    if classes:
        lines += ["", "### Kết quả theo lớp câu hỏi (nhãn đầu tiên) / Results by question class (first tag)", "",
                  *classes]
    return lines


def render_report(results: Mapping[str, Any], charts: Sequence[str] = ()) -> str:
    lines = ["# Kết quả đánh giá / Evaluation results", "", *render_summary(results), ""]
    tags = tag_table(results)
    if tags:
        lines += ["### Độ chính xác theo nhãn câu hỏi / Accuracy by question tag", "", *tags, ""]
    if charts:
        lines += ["## Biểu đồ / Charts", ""] + [f"![{c}]({c})" for c in charts] + [""]
    lines += failed_section(results)
    versions = results.get("versions") or {}
    lines += ["", "## Phiên bản thư viện / Library versions", "",
              ", ".join(f"{k} {v}" for k, v in versions.items()), "",
              "## Quy tắc chấm / Scoring rules", "",
              "Theo docs/DESIGN.md, cài đặt trong `eval/scoring.py` / As in docs/DESIGN.md, implemented in `eval/scoring.py`: "
              "number — một số trong câu trả lời bằng đáp án (đọc được 2,955 / 2.955 / 99,75% / 499 triệu) và "
              "câu trả lời ≤ 1.500 ký tự / a number in the prose equals the gold value and the prose is ≤ 1,500 "
              "chars; set — F1 = 1 giữa các đơn vị được nêu và đáp án (đơn vị nêu sau dòng \"Lưu ý:\" không tính) "
              "/ F1 = 1 between named units and gold (units after a \"Lưu ý:\" line excluded); text — mọi ý đều "
              "xuất hiện, điểm từng phần = tỷ lệ ý / every fact appears, partial credit = share found; none — "
              "đúng khi từ chối / correct only when abstained.", ""]
    return "\n".join(lines)


SECTION_MARK = "<!-- eval:section {key} -->"
_SECTION_RE = re.compile(r"^<!-- eval:section (.+?) -->$", re.MULTILINE)
_ROW_RE = re.compile(r"^<!-- eval:row (\{.*\}) -->$", re.MULTILINE)
ROLE_ORDER = ("fixed", "extra", "tune", "test")


def section_key(results: Mapping[str, Any]) -> str:
    """Identity of a RESULTS.md section: the question file and its corpus."""
    run = results.get("run") or {}
    return f"{run.get('questions_file', '?')} @ {run.get('corpus', '?')}"


def overview_row(results: Mapping[str, Any], out_dir: str) -> dict[str, Any]:
    """The numbers of one file for the RESULTS.md overview (kept, as JSON, inside its section)."""
    run = results.get("run") or {}
    main = results.get("main_config")
    m = ((results["configs"].get(main) or {}).get("metrics") or {}) if main else {}
    counts = {k: int(m[k]) for k in ("n", "n_correct", "n_confident_wrong", "n_abstained", "n_abstained_none",
                                     "n_none") if k in m}
    credit = sum(float(q.get("credit") or 0.0) for q in (results["configs"].get(main) or {}).get("questions", [])) \
        if main else None
    return {"key": section_key(results), "name": run.get("name") or run.get("questions_file"),
            "role": run.get("role") or "extra", "questions": run.get("questions_file"), "corpus": run.get("corpus"),
            "main": main, "started_at": run.get("started_at"), "out": out_dir, **counts,
            "credit_sum": credit, **{k: m.get(k) for k in ("accuracy", "partial_credit", "confident_wrong",
                                                            "abstention_precision", "abstention_recall",
                                                            "citation_recall", "latency_p95_ms")}}


def file_section(results: Mapping[str, Any], out_dir: str) -> str:
    """The RESULTS.md section of one question file (marker, hidden overview row, tables)."""
    run = results.get("run") or {}
    row = overview_row(results, out_dir)
    role = run.get("role") or "extra"
    main = results.get("main_config")
    cfg = (results["configs"].get(main) or {}) if main else {}
    failed = [q["id"] for q in cfg.get("questions", []) if not q.get("correct")]
    vi, en = summary_prose(results)
    # configurations that did not run are named once (their reasons are in report.md and the table)
    not_run = [n for n, c in results["configs"].items() if c["status"] != "ok"]
    vi = [x for x in vi if "không chạy được" not in x]
    en = [x for x in en if "not run" not in x]
    if not_run:
        vi.append(f"- Không chạy được / not run: {', '.join(not_run)} (lý do / reasons: `{out_dir}/report.md`).")
    lines = [SECTION_MARK.format(key=row["key"]),
             f"## {row['name']} — {ROLE_LABELS.get(role, role)}",
             f"<!-- eval:row {json.dumps(row, ensure_ascii=False)} -->", "",
             f"`{run.get('questions_file', '')}` · kho ngữ liệu / corpus `{run.get('corpus', '')}` · "
             f"{run.get('n_questions', '?')} câu hỏi / questions · chạy lúc / run at {run.get('started_at', '?')} · "
             f"{run.get('seconds', '?')} s · báo cáo đầy đủ / full report `{out_dir}/report.md`", "",
             *vi, *en, "", *summary_table(results), "",
             "#### Theo loại câu hỏi / By question type", "", *type_table(results)]
    classes = class_table(results)
    if classes:
        lines += ["", "#### Theo lớp câu hỏi (nhãn đầu tiên) / By question class (first tag)", "", *classes]
    lines += ["", f"Câu sai (cấu hình chính) / Failed (main configuration): {', '.join(failed) or '—'}", ""]
    return "\n".join(lines)


def parse_sections(text: str) -> list[tuple[str, str]]:
    """(key, section text) of every section of an existing RESULTS.md (text before the KEPT part)."""
    marks = list(_SECTION_RE.finditer(text))
    out = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        out.append((m.group(1), text[m.start():end].rstrip() + "\n"))
    return out


def _section_row(section: str) -> dict[str, Any] | None:
    m = _ROW_RE.search(section)
    if not m:
        return None
    try:
        return json.loads(m.group(1))
    except json.JSONDecodeError:
        return None


def _pooled(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    tot = {k: sum(int(r.get(k) or 0) for r in rows) for k in ("n", "n_correct", "n_confident_wrong",
                                                              "n_abstained", "n_abstained_none", "n_none")}
    n = tot["n"]
    credits = [r.get("credit_sum") for r in rows]
    return {**tot, "accuracy": tot["n_correct"] / n if n else None,
            "partial_credit": sum(credits) / n if n and all(c is not None for c in credits) else None,
            "confident_wrong": tot["n_confident_wrong"] / n if n else None,
            "abstention_precision": tot["n_abstained_none"] / tot["n_abstained"] if tot["n_abstained"] else None,
            "abstention_recall": tot["n_abstained_none"] / tot["n_none"] if tot["n_none"] else None}


def overview_table(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """One line per question file, then the files of each role pooled (counts summed)."""
    head = ["| Tệp / File | Vai trò / Role | n | Độ chính xác / Accuracy | Điểm từng phần / Partial "
            "| Sai tự tin / Confident-wrong | Từ chối P / Abstention P | Từ chối R / Abstention R "
            "| Trích dẫn R / Citation R | p95 ms | Cấu hình / Config | Chạy lúc / Run at |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]

    def line(label: str, role: str, r: Mapping[str, Any], cite: Any, p95: Any, main: Any, at: Any) -> str:
        return (f"| {label} | {role} | {r.get('n', '–')} | {_pct(r.get('accuracy'))} | {_pct(r.get('partial_credit'))} "
                f"| {_pct(r.get('confident_wrong'))} | {_pct(r.get('abstention_precision'))} "
                f"| {_pct(r.get('abstention_recall'))} | {_f(cite)} | {_f(p95, 1)} | {main or '–'} | {at or '–'} |")

    lines = list(head)
    for r in rows:
        lines.append(line(f"`{r.get('questions')}`", ROLE_LABELS.get(r.get("role"), r.get("role", "–")), r,
                          r.get("citation_recall"),
                          r.get("latency_p95_ms"), r.get("main"), r.get("started_at")))
    for role in ROLE_ORDER:
        group = [r for r in rows if r.get("role") == role and r.get("n")]
        if len(group) > 1:
            lines.append(line(f"**gộp / pooled: {len(group)} tệp / files**", ROLE_LABELS[role], _pooled(group),
                              None, None, None, None))
    return lines


def merge_results_md(old_text: str, sections: Sequence[str]) -> str:
    """The evaluation part of RESULTS.md: the sections of this run replace the sections of the same
    question file (and corpus) in place, new ones are appended, other files' sections are kept."""
    new = {k: t for k, t in (parse_sections(s)[0] for s in sections)}
    merged: list[tuple[str, str]] = []
    for key, text in parse_sections(old_text):
        merged.append((key, new.pop(key, text)))
    merged += list(new.items())
    rows = [r for r in (_section_row(t) for _k, t in merged) if r]
    lines = ["# Kết quả đánh giá mới nhất / Latest evaluation results", "",
             "Tạo bởi / Generated by `python -m eval`: một mục cho mỗi tệp câu hỏi; chạy lại một tệp thay mục "
             "của tệp đó, các mục khác giữ nguyên (xem ngày chạy) / one section per question file; scoring a "
             "file again replaces its section, the other sections stay (see their run dates). "
             "`make eval`: bộ cố định / the fixed set; `make eval-dev`: mọi tệp của / every file of "
             "`eval/suites/dev.toml`.", "",
             "Vai trò / Roles: **tune** = tập dùng để điều chỉnh quy tắc / rules may be tuned on it; "
             "**test** = tập kiểm tra giữ riêng, không bao giờ dùng để điều chỉnh / held-out, never tuned on; "
             "**fixed** = bộ câu hỏi cố định (docs/DESIGN.md); **extra** = tệp bổ sung. Sai tự tin / confident-wrong: "
             "câu sai mà câu trả lời không phải từ chối, tính trên mọi câu / wrong and not an abstention, share "
             "of all questions. Từ chối P / abstention precision: trong các lần từ chối, tỷ lệ câu thật sự không "
             "có trong báo cáo; R / recall: trong các câu không có trong báo cáo, tỷ lệ được từ chối.", "",
             "## Tổng quan / Overview", "", *overview_table(rows), ""]
    lines += [t.rstrip() + "\n" for _k, t in merged]
    return "\n".join(lines)


def render_results_md(results: Mapping[str, Any], out_dir: str, old_text: str = "") -> str:
    """RESULTS.md (evaluation part) with the section of this results.json merged into old_text."""
    return merge_results_md(old_text, [file_section(results, out_dir)])


def render_suite_report(overview: Mapping[str, Any]) -> str:
    """OUT/report.md of a several-file run: every file side by side, each role pooled, per-class tables."""
    run = overview.get("run") or {}
    head = ["| Tệp / File | Vai trò / Role | n | Cấu hình / Config | Độ chính xác / Accuracy | Điểm từng phần / Partial "
            "| Sai tự tin / Confident-wrong | Từ chối P / Abstention P | Từ chối R / Abstention R "
            "| Trích dẫn R / Citation R | Trích dẫn P / Citation P | p50 ms | p95 ms | LlamaIndex gốc / Baseline |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    lines = ["# Kết quả đánh giá nhiều tệp / Evaluation of several question files", "",
             f"Chạy lúc / Run at: {run.get('started_at', '?')} · {run.get('n_files')} tệp / files · "
             f"{run.get('n_questions')} câu hỏi / questions · {run.get('seconds')} s"
             + (f" · bộ / suite `{run['suite']}`" if run.get("suite") else ""), "", *head]
    for fl in overview.get("files", []):
        m = fl.get("metrics") or {}
        lines.append(f"| [{_cell(fl['name'])}]({fl['name']}/report.md) | {ROLE_LABELS.get(fl['role'], fl['role'])} "
                     f"| {fl['n_questions']} | {fl.get('main_config') or '–'} | {_pct(m.get('accuracy'))} "
                     f"| {_pct(m.get('partial_credit'))} | {_pct(m.get('confident_wrong'))} "
                     f"| {_pct(m.get('abstention_precision'))} | {_pct(m.get('abstention_recall'))} "
                     f"| {_f(m.get('citation_recall'))} | {_f(m.get('citation_precision'))} "
                     f"| {_f(m.get('latency_p50_ms'), 1)} | {_f(m.get('latency_p95_ms'), 1)} "
                     f"| {_pct(fl.get('baseline_accuracy'))} |")
    by_role = overview.get("by_role") or {}
    if by_role:
        lines += ["", "## Gộp theo vai trò / Pooled by role", "",
                  "| Vai trò / Role | n | Độ chính xác / Accuracy | Điểm từng phần / Partial | Sai tự tin / Confident-wrong "
                  "| Từ chối P / Abstention P | Từ chối R / Abstention R |", "|---|---|---|---|---|---|---|"]
        for role in [r for r in ROLE_ORDER if r in by_role] + [r for r in by_role if r not in ROLE_ORDER]:
            g = by_role[role]
            lines.append(f"| {ROLE_LABELS.get(role, role)} | {g['n']} | {_pct(g.get('accuracy'))} "
                         f"| {_pct(g.get('partial_credit'))} | {_pct(g.get('confident_wrong'))} "
                         f"| {_pct(g.get('abstention_precision'))} | {_pct(g.get('abstention_recall'))} |")
    for fl in overview.get("files", []):
        classes = fl.get("by_class") or {}
        if not classes:
            continue
        lines += ["", f"## {fl['name']} — {ROLE_LABELS.get(fl['role'], fl['role'])}: theo lớp / by class", "",
                  "| Lớp / Class | n | Độ chính xác / Accuracy | Sai tự tin / Confident-wrong "
                  "| Câu none đã từ chối / none abstained |", "|---|---|---|---|---|"]
        for c, g in classes.items():
            none = f"{g['n_abstained_none']}/{g['n_none']}" if g.get("n_none") else "–"
            lines.append(f"| {_cell(c)} | {g['n']} | {_pct(g.get('accuracy'))} | {_pct(g.get('confident_wrong'))} "
                         f"| {none} |")
    return "\n".join(lines) + "\n"
