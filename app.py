"""Gradio web app: chat with clickable citations, reports, indicators, evaluation (Vietnamese UI).

    python app.py [--host 127.0.0.1] [--port 7860] [--store DIR] [--auth user:password]

Safe by default: binds 127.0.0.1, `--auth` (or APP_AUTH="user:password") puts a login in front of
every page and API route, uploads are size-limited and copied under <store>/uploads with generated
names, Gradio analytics are off and the page loads no remote fonts. The callbacks below only map UI
events to `assistant.ui_helpers.AppBackend`; all logic lives behind it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

# Must be set before gradio is imported: no analytics, no version check, no HF telemetry.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import gradio as gr
import pandas as pd

from assistant.ui_helpers import (
    ALLOWED_SUFFIXES,
    CHART_X,
    CHART_Y,
    CITE_ANCHOR,
    AppBackend,
    CitationView,
    escape_markdown,
    link_markers,
    render_answer_markdown,
    render_passage_html,
    render_sources_html,
    unlink_markers,
)

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
# Chats run in parallel; ingest and evaluation are one at a time (the backend also locks).
CHAT_CONCURRENCY = 8
MAX_TABLE_ROWS = 2000  # rows sent to the browser; the CSV export has them all
STATIC_EXAMPLES = [
    "Những phường, xã nào báo cáo tỷ lệ số hóa hồ sơ đạt 100%?",
    "Những báo cáo nào thuộc tỉnh Bắc Ninh?",
    "Đơn vị nào còn hồ sơ thủ tục hành chính quá hạn?",
]
ERROR_REPLY = ("⚠️ Không trả lời được câu hỏi này do lỗi hệ thống. Vui lòng thử lại; "
               "quản trị viên xem chi tiết trong nhật ký máy chủ.")
FONT_STACK = ["Noto Sans", "DejaVu Sans", "Arial", "sans-serif"]  # local fonts only
MONO_STACK = ["DejaVu Sans Mono", "monospace"]

# Gradio ships no Vietnamese strings: its own labels (upload area, ...) are translated here
# and served for every browser locale, as the whole interface is Vietnamese.
UI_STRINGS = {
    "upload_text.drop_file": "Kéo thả tệp vào đây",
    "upload_text.click_to_upload": "Bấm để chọn tệp",
    "common.or": "hoặc",
    "common.clear": "Xóa",
    "common.download": "Tải xuống",
    "common.error": "Lỗi",
    "common.loading": "Đang tải",
    "common.remove": "Bỏ",
    "common.empty": "Trống",
    "common.submit": "Gửi",
}

# Clicking a [n] marker in the chat selects citation n in the sources panel (same as the radio).
HEAD_JS = f"""<script>
document.addEventListener("click", (ev) => {{
  const a = ev.target.closest && ev.target.closest('#chatbot a[href^="#{CITE_ANCHOR}"]');
  if (!a) return;
  ev.preventDefault();
  ev.stopPropagation();
  const n = a.getAttribute("href").slice({len(CITE_ANCHOR) + 1});
  const label = Array.from(document.querySelectorAll("#citation-pick label"))
    .find((l) => l.textContent.trim().startsWith("[" + n + "]"));
  if (label) {{
    label.click();
    document.getElementById("passage")?.scrollIntoView({{behavior: "smooth", block: "nearest"}});
  }}
}}, true);
</script>"""

CSS = """
.source-list { padding-left: 1.2em; margin: 0; }
.source-item { margin-bottom: .6em; }
.source-meta, .source-section, .passage-meta, .passage-section { color: var(--body-text-color-subdued);
  font-size: .9em; }
.source-snippet { font-size: .92em; }
.passage { border-left: 3px solid var(--color-accent); padding: .4em .8em; }
.passage mark { background: #ffe58a; color: inherit; padding: 0 .1em; }
.mode-badge { font-size: .9em; color: var(--body-text-color-subdued); }
/* Tables in the sans font: the monospace fallback draws Vietnamese tone marks apart. */
#reports-table *, #indicator-table *, #eval-failed * { font-family: var(--font) !important; }
"""


# --------------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------------
def parse_auth(value: str | None) -> tuple[str, str] | None:
    """"user:password" -> (user, password); the password may contain ':'."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ValueError("--auth / APP_AUTH phải có dạng user:password")
    return user, password


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Trợ lý hỏi đáp báo cáo chuyển đổi số (giao diện web)")
    p.add_argument("--host", default=DEFAULT_HOST, help="địa chỉ lắng nghe (mặc định 127.0.0.1)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="cổng (mặc định 7860)")
    p.add_argument("--store", default=None, help="thư mục kho dữ liệu (mặc định RAG_STORE hoặc storage/)")
    p.add_argument("--auth", default=None, help="user:password (hoặc biến môi trường APP_AUTH)")
    return p.parse_args(argv)


# --------------------------------------------------------------------------------------------
# UI
# --------------------------------------------------------------------------------------------
def _passage_for(views: list[CitationView], n: Any) -> str:
    chosen = next((v for v in views or [] if str(v.n) == str(n)), None)
    return render_passage_html(chosen)


def _map_text(content: Any, fn: Any) -> Any:
    """Apply fn to a chat message's text (a string, or gradio 6's list of content parts)."""
    if isinstance(content, str):
        return fn(content)
    if isinstance(content, list):
        return [{**part, "text": fn(part["text"])} if isinstance(part, dict) and part.get("type") == "text"
                and isinstance(part.get("text"), str) else part for part in content]
    return content


def build_ui(backend: AppBackend) -> gr.Blocks:
    """The four tabs. Every callback is a thin mapping to a backend method."""
    choices = backend.filter_choices()
    examples = STATIC_EXAMPLES + backend.example_questions(limit=2)

    with gr.Blocks(title="Trợ lý báo cáo chuyển đổi số", analytics_enabled=False) as demo:
        gr.Markdown("## Trợ lý hỏi đáp báo cáo chuyển đổi số\n"
                    "Hỏi bằng tiếng Việt; mỗi ý trong câu trả lời dẫn nguồn [n] tới đoạn văn trong báo cáo.")
        asked = gr.State([])  # earlier questions of this conversation (history for follow-ups)
        views_state = gr.State([])  # CitationView list of the last answer

        # ---------------- Chat ----------------
        with gr.Tab("Hỏi đáp", id="chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Hội thoại", height=460, elem_id="chatbot", buttons=["copy"],
                                         feedback_options=None, sanitize_html=True)
                    with gr.Row():
                        question = gr.Textbox(label="Câu hỏi", placeholder="Nhập câu hỏi về các báo cáo…",
                                              scale=5, lines=1, max_lines=4, elem_id="question")
                        send = gr.Button("Gửi", variant="primary", scale=1, elem_id="send")
                    with gr.Accordion("Bộ lọc: tỉnh, đơn vị, kỳ báo cáo", open=False), gr.Row():
                        f_prov = gr.Dropdown(choices["provinces"], multiselect=True, label="Tỉnh",
                                             elem_id="filter-province")
                        f_unit = gr.Dropdown(choices["units"], multiselect=True, label="Đơn vị",
                                             elem_id="filter-unit")
                        f_period = gr.Dropdown(choices["periods"], multiselect=True, label="Kỳ báo cáo",
                                               elem_id="filter-period")
                    clear = gr.Button("Cuộc hội thoại mới", size="sm")
                    gr.Examples(examples=[[q] for q in examples], inputs=[question], label="Câu hỏi mẫu")
                with gr.Column(scale=2):
                    gr.Markdown("### Nguồn trích dẫn")
                    mode_md = gr.Markdown("", elem_classes=["mode-badge"])
                    pick = gr.Radio(choices=[], label="Chọn trích dẫn để xem đoạn văn gốc", elem_id="citation-pick")
                    passage = gr.HTML(render_passage_html(None), elem_id="passage")
                    with gr.Accordion("Danh sách nguồn (đơn vị, báo cáo, kỳ, mục)", open=True):
                        sources = gr.HTML(render_sources_html([]), elem_id="sources")

            pending = gr.State("")  # the question being answered

            def on_submit(q: str, chat: list) -> tuple:
                """Show the question at once; the answer follows in `on_answer`."""
                q = (q or "").strip()
                if not q:
                    return gr.update(), chat, ""
                return "", [*chat, {"role": "user", "content": escape_markdown(q)}], q

            def on_answer(q: str, chat: list, hist: list[str], provs: list[str], units: list[str],
                          periods: list[str]) -> tuple:
                if not q:
                    return chat, hist, gr.update(), gr.update(), gr.update(), gr.update(), gr.update()
                try:
                    answer = backend.ask(q, history=list(hist), filters=backend.make_filters(provs, units, periods))
                    views = backend.citation_views(answer)
                except Exception:  # the page must stay usable; details go to the server log
                    log.exception("question failed: %r", q)
                    chat = [*chat, {"role": "assistant", "content": ERROR_REPLY}]
                    return chat, hist, [], render_sources_html([]), gr.update(choices=[], value=None), \
                        render_passage_html(None), ""
                # Only the latest answer's markers open citations: the panel shows its sources.
                chat = [{**m, "content": _map_text(m.get("content"), unlink_markers)}
                        if m.get("role") == "assistant" else m for m in chat]
                body = link_markers(render_answer_markdown(answer), (v.n for v in views))
                chat = [*chat, {"role": "assistant", "content": body}]
                return (chat, [*hist, q], views, render_sources_html(views),
                        gr.update(choices=[(v.label, v.n) for v in views], value=None),
                        render_passage_html(None), backend.mode_text(answer))

            answer_inputs = [pending, chatbot, asked, f_prov, f_unit, f_period]
            answer_outputs = [chatbot, asked, views_state, sources, pick, passage, mode_md]
            for trigger in (send.click, question.submit):
                trigger(on_submit, [question, chatbot], [question, chatbot, pending], queue=False,
                        api_name=False).then(on_answer, answer_inputs, answer_outputs, api_name=False)
            pick.change(_passage_for, [views_state, pick], [passage], api_name=False)
            clear.click(lambda: ([], [], [], render_sources_html([]), gr.update(choices=[], value=None),
                                 render_passage_html(None), ""),
                        None, [chatbot, asked, views_state, sources, pick, passage, mode_md], api_name=False)

        # ---------------- Reports ----------------
        with gr.Tab("Báo cáo", id="reports"):
            reports_df = gr.Dataframe(backend.reports_frame(), label="Các báo cáo đã nạp", interactive=False,
                                      wrap=True, elem_id="reports-table")
            with gr.Row():
                with gr.Column(scale=3):
                    uploads = gr.File(label=f"Tải lên báo cáo ({', '.join(ALLOWED_SUFFIXES)}; "
                                            f"tối đa {backend.settings.max_file_mb:g} MB/tệp)",
                                      file_count="multiple", file_types=list(ALLOWED_SUFFIXES),
                                      elem_id="upload")
                    ingest_btn = gr.Button("Nạp các tệp đã chọn", variant="primary", elem_id="ingest")
                    ingest_md = gr.Markdown("", elem_id="ingest-result")
                with gr.Column(scale=2):
                    remove_dd = gr.Dropdown(backend.doc_ids(), label="Chọn báo cáo cần xóa", elem_id="remove-doc")
                    remove_btn = gr.Button("Xóa báo cáo", variant="stop", elem_id="remove")
                    remove_md = gr.Markdown("")

        # ---------------- Indicators ----------------
        with gr.Tab("Chỉ tiêu", id="indicators"):
            with gr.Row():
                ind_key = gr.Dropdown(backend.indicator_choices(), label="Chỉ tiêu", value=None,
                                      elem_id="indicator-key")
                ind_unit = gr.Dropdown(choices["units"], label="Đơn vị", value=None, elem_id="indicator-unit")
                with gr.Column(scale=1):
                    csv_btn = gr.Button("Xuất CSV (bảng đang xem)", elem_id="indicator-csv-btn")
                    ind_csv = gr.File(label="Tệp CSV", interactive=False, elem_id="indicator-csv")
            ind_df = gr.Dataframe(pd.DataFrame(), label="Bảng chỉ tiêu", interactive=False, wrap=True,
                                  elem_id="indicator-table")
            # NOTE: starts empty with None; a plot created with an empty frame never redraws in gradio 6.
            ind_chart = gr.BarPlot(None, x=CHART_X, y=CHART_Y, y_lim=[0, None],
                                   label="Biểu đồ theo đơn vị (chọn một chỉ tiêu)", sort="-y",
                                   elem_id="indicator-chart")

            def on_indicators(key: str | None, unit: str | None) -> tuple:
                table = backend.indicator_table(key or None, unit or None)
                shown = table.head(MAX_TABLE_ROWS)
                label = "Bảng chỉ tiêu" if len(table) <= MAX_TABLE_ROWS else \
                    f"Bảng chỉ tiêu (hiển thị {MAX_TABLE_ROWS}/{len(table)} dòng; xuất CSV để lấy đủ)"
                chart, measure = backend.indicator_chart(key or None)
                return (gr.update(value=shown, label=label),
                        gr.update(value=chart if len(chart) else None, y_title=measure or CHART_Y), None)

            for comp in (ind_key, ind_unit):
                comp.change(on_indicators, [ind_key, ind_unit], [ind_df, ind_chart, ind_csv], api_name=False)
            demo.load(on_indicators, [ind_key, ind_unit], [ind_df, ind_chart, ind_csv], api_name=False)

            def on_export(key: str | None, unit: str | None) -> str | None:
                table = backend.indicator_table(key or None, unit or None)
                if not len(table):
                    gr.Info("Bảng chỉ tiêu đang trống, không có gì để xuất.")
                    return None
                return str(backend.export_indicators_csv(table))

            csv_btn.click(on_export, [ind_key, ind_unit], [ind_csv], api_name=False)

        # ---------------- Evaluation ----------------
        with gr.Tab("Đánh giá", id="eval"):
            gr.Markdown("Chạy bộ câu hỏi cố định (`eval/questions.jsonl`) trên bộ báo cáo mẫu và chấm điểm "
                        "các câu trả lời. Lượt đánh giá dùng kho dữ liệu riêng, không ảnh hưởng các báo cáo "
                        "đang dùng; có thể mất vài phút.")
            with gr.Row():
                eval_scope = gr.Radio([("Nhanh: cấu hình chính", "quick"),
                                       ("Đầy đủ: so sánh mọi cấu hình và LlamaIndex", "full")],
                                      value="quick", label="Phạm vi", scale=3)
                eval_btn = gr.Button("Chạy đánh giá", variant="primary", elem_id="eval-run", scale=1)
            eval_md = gr.Markdown("", elem_id="eval-summary")
            eval_charts = gr.Gallery(label="Biểu đồ", columns=2, height="auto", object_fit="contain",
                                     elem_id="eval-charts")
            eval_failed = gr.Dataframe(pd.DataFrame(), label="Câu hỏi chưa đạt", interactive=False, wrap=True,
                                       elem_id="eval-failed")

            def on_eval(scope: str, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
                run = backend.run_eval(lambda f, d: progress(f, desc=d), full=scope == "full")
                return run.summary_markdown, [str(p) for p in run.charts], run.failed_frame

            eval_btn.click(on_eval, [eval_scope], [eval_md, eval_charts, eval_failed], concurrency_limit=1,
                           api_name=False)

        # ---------------- cross-tab refresh after ingest / removal ----------------
        def refreshed() -> tuple:
            c = backend.filter_choices()
            return (backend.reports_frame(), gr.update(choices=backend.doc_ids(), value=None),
                    gr.update(choices=c["provinces"]), gr.update(choices=c["units"]),
                    gr.update(choices=c["periods"]), gr.update(choices=backend.indicator_choices()),
                    gr.update(choices=c["units"]))

        refresh_outputs = [reports_df, remove_dd, f_prov, f_unit, f_period, ind_key, ind_unit]

        def on_ingest(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
            outcomes = backend.ingest_uploads(_uploaded(files), lambda f, d: progress(f, desc=d))
            return (backend.outcomes_markdown(outcomes), None, *refreshed())

        ingest_btn.click(on_ingest, [uploads], [ingest_md, uploads, *refresh_outputs], concurrency_limit=1,
                         api_name=False)

        def on_remove(doc_id: str | None) -> tuple:
            return (backend.remove_report(doc_id), *refreshed())

        remove_btn.click(on_remove, [remove_dd], [remove_md, *refresh_outputs], concurrency_limit=1,
                         api_name=False)
        # Reports ingested by the CLI while the app runs show up on reload.
        demo.load(refreshed, None, refresh_outputs, api_name=False)
    return demo


def _uploaded(files: list[Any] | None) -> list[tuple[Path, str]]:
    """(server temp path, client file name) pairs; gradio keeps the client's name as the basename."""
    out = []
    for f in files or []:
        path = Path(f if isinstance(f, str) else getattr(f, "name", str(f)))
        out.append((path, path.name))
    return out


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    try:
        auth = parse_auth(args.auth or os.environ.get("APP_AUTH"))
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    from assistant.services import build_services
    from index.settings import Settings

    settings = Settings().with_store(args.store)
    backend = AppBackend(settings, build_services(settings))
    demo = build_ui(backend)
    demo.queue(default_concurrency_limit=CHAT_CONCURRENCY)
    if args.host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        log.warning("app listens on %s without --auth: anyone on the network can use it", args.host)
    demo.launch(
        server_name=args.host,
        server_port=args.port,
        auth=auth,
        auth_message="Đăng nhập để sử dụng trợ lý báo cáo." if auth else None,
        max_file_size=f"{int(settings.max_file_mb * 1024)}kb",
        allowed_paths=[str(p) for p in backend.served_dirs()],
        blocked_paths=[str(backend.uploads_dir)],
        share=False,
        ssr_mode=False,
        footer_links=[],
        theme=gr.themes.Soft(font=FONT_STACK, font_mono=MONO_STACK),
        css=CSS,
        i18n=gr.I18n(en=UI_STRINGS, vi=UI_STRINGS),
        head=HEAD_JS,
        show_error=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
