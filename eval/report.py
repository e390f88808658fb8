"""report.md (Vietnamese and English) and eval/RESULTS.md from a results.json structure."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from eval.scoring import QUESTION_TYPES

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
            "| number | set | text | none | Trích dẫn R / Citation R | Trích dẫn P / Citation P "
            "| R@1 | R@5 | R@10 | MRR | p50 ms | p95 ms |")
    lines = [head, "|" + "---|" * 16]
    main = results.get("main_config")
    for name, cfg in results["configs"].items():
        m = cfg.get("metrics") or {}
        label = f"**{name}** (chính / main)" if name == main else name
        if (cfg.get("answerer") or "").startswith("adapter"):
            label += " ⚠ adapter"
        status = {"ok": "ok", "unavailable": "không khả dụng / unavailable"}.get(cfg["status"], "lỗi / error")
        lines.append("| " + " | ".join(_cell(x) for x in [
            label, status, _pct(m.get("accuracy")), _pct(m.get("partial_credit")),
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
              "Theo DESIGN.md, cài đặt trong `eval/scoring.py` / As in DESIGN.md, implemented in `eval/scoring.py`: "
              "number — một số trong câu trả lời bằng đáp án (đọc được 2,955 / 2.955 / 99,75% / 499 triệu) và "
              "câu trả lời ≤ 1.500 ký tự / a number in the prose equals the gold value and the prose is ≤ 1,500 "
              "chars; set — F1 = 1 giữa các đơn vị được nêu và đáp án (đơn vị nêu sau dòng \"Lưu ý:\" không tính) "
              "/ F1 = 1 between named units and gold (units after a \"Lưu ý:\" line excluded); text — mọi ý đều "
              "xuất hiện, điểm từng phần = tỷ lệ ý / every fact appears, partial credit = share found; none — "
              "đúng khi từ chối / correct only when abstained.", ""]
    return "\n".join(lines)


def render_results_md(results: Mapping[str, Any], out_dir: str) -> str:
    main = results.get("main_config")
    cfg = (results["configs"].get(main) or {}) if main else {}
    failed = [q["id"] for q in cfg.get("questions", []) if not q.get("correct")]
    lines = ["# Kết quả đánh giá mới nhất / Latest evaluation results", "",
             "Tạo bởi / Generated by `python -m eval` "
             f"(báo cáo đầy đủ / full report: `{out_dir}/report.md`, số liệu / numbers: `{out_dir}/results.json`).",
             "", *render_summary(results), "",
             f"Câu sai (cấu hình chính) / Failed (main configuration): {', '.join(failed) or '—'}", "",
             "Bộ câu hỏi kiểm tra thêm (không nằm trong bộ cố định) / Extra held-out questions (not part of the "
             "fixed set): `python -m eval --questions eval/questions_extra.jsonl --out /tmp/eval-extra`.", ""]
    return "\n".join(lines)
