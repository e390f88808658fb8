"""Gradio web app (Vietnamese): chat with cited answers, reports, indicators, evaluation.

    python app.py [--host 127.0.0.1] [--port 7860] [--store DIR] [--auth user:password]

The only module that imports gradio. Callbacks map UI events to `webapp` (AppBackend over
`assistant.services`, ChatController for the conversation) and show what comes back; the logic
lives there. Safe by default: binds 127.0.0.1; `--auth` (or APP_AUTH="user:password") puts a
throttled login in front of every page and API route; uploads are checked and copied under
<store>/uploads; Gradio analytics are off and the page loads no remote resources.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

# Must be set before gradio is imported: no analytics, no version check, no HF telemetry.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from webapp.auth import LoginThrottle, parse_auth
from webapp.web import busy_port_message, port_in_use

log = logging.getLogger(__name__)

TITLE = "Trợ lý báo cáo chuyển đổi số"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 7860
CHAT_CONCURRENCY = 8  # chats run in parallel; ingest and evaluation one at a time (the backend locks too)
STORAGE_KEY = "tro-ly-bao-cao-cds-hoi-thoai"
STATIC = Path(__file__).resolve().parent / "webapp" / "static"
STATIC_EXAMPLES = [
    "Những phường, xã nào báo cáo tỷ lệ số hóa hồ sơ đạt 100%?",
    "Những báo cáo nào thuộc tỉnh Bắc Ninh?",
    "Đơn vị nào còn hồ sơ thủ tục hành chính quá hạn?",
]
FONT_STACK = ["Noto Sans", "DejaVu Sans", "Arial", "sans-serif"]  # local fonts only
MONO_STACK = ["DejaVu Sans Mono", "monospace"]
__all__ = ["build_ui", "main", "parse_args", "parse_auth"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Trợ lý hỏi đáp báo cáo chuyển đổi số (giao diện web)")
    p.add_argument("--host", default=DEFAULT_HOST, help="địa chỉ lắng nghe (mặc định 127.0.0.1)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="cổng (mặc định 7860)")
    p.add_argument("--store", default=None, help="thư mục kho dữ liệu (mặc định RAG_STORE hoặc storage/)")
    p.add_argument("--auth", default=None, help="tên:mật_khẩu (hoặc biến môi trường APP_AUTH)")
    return p.parse_args(argv)


def page_head(backend: Any) -> str:
    from webapp.i18n import DOM_STRINGS, TOAST_PATTERNS
    from webapp.uploads import ALLOWED_SUFFIXES

    cfg = {"dom": DOM_STRINGS, "toasts": TOAST_PATTERNS, "maxBytes": backend.max_bytes,
           "suffixes": list(ALLOWED_SUFFIXES)}
    js = (STATIC / "app.js").read_text(encoding="utf-8")
    return (f"<script>window.APP_CFG = {json.dumps(cfg, ensure_ascii=False)};</script>\n<script>{js}</script>"
            '\n<meta name="google" content="notranslate">')


def build_ui(backend: Any, secret: str | None = None) -> Any:
    """The four tabs; `secret` encrypts the conversations kept in the browser (random when None)."""
    import gradio as gr

    from webapp import evaluation, fmt
    from webapp.backend import REPORT_COLUMNS
    from webapp.chat import ChatController, filters_dict, library_of
    from webapp.conversation import Library
    from webapp.indicators import TABLE_COLUMNS, trend_chart, unit_chart
    from webapp.render import rows_table_html, sources_panel_html
    from webapp.uploads import ALLOWED_SUFFIXES

    chat = ChatController(backend)
    choices = backend.filter_choices()
    examples = STATIC_EXAMPLES + backend.example_questions(limit=2)
    hidden = {"show_progress": "hidden", "api_name": False}

    # Files uploaded but never ingested leave Gradio's cache after an hour (ingested ones at once).
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        lib_store = gr.BrowserState(None, storage_key=STORAGE_KEY, secret=secret)
        lib = gr.State(Library())  # this page's conversations (copied per session; replaced on load)
        with gr.Row(elem_id="app-header", equal_height=True):
            gr.Markdown("## Trợ lý hỏi đáp báo cáo chuyển đổi số\nHỏi bằng tiếng Việt; mỗi ý trả lời dẫn nguồn [n] "
                        "tới đoạn văn trong báo cáo.")
            badge = gr.HTML(chat.badge(), elem_id="status-badge")

        with gr.Tab("Hỏi đáp", id="chat"), gr.Row():
            with gr.Column(scale=1, min_width=180, elem_id="conv-col"):
                new_btn = gr.Button("+ Cuộc hội thoại mới", elem_id="new-chat", size="sm")
                conv_list = gr.Radio([], label="Các cuộc hội thoại trước (lưu trên trình duyệt này)",
                                     elem_id="conversations")
                del_btn = gr.Button("Xóa cuộc hội thoại đang mở", size="sm", elem_id="delete-chat")
            with gr.Column(scale=4, min_width=320, elem_id="chat-col"):
                chips = gr.HTML(chat.chips([], [], []), elem_id="filter-chips")
                chatbot = gr.Chatbot(label="Hội thoại", height=480, elem_id="chatbot", buttons=[],
                                     feedback_options=None, sanitize_html=True, latex_delimiters=[],
                                     allow_tags=False, placeholder="Đặt câu hỏi về các báo cáo đã nạp.")
                with gr.Row(equal_height=True):
                    # Off until the page's conversations are loaded from the browser (on_load).
                    question = gr.Textbox(label="Câu hỏi", placeholder="Đang tải…", scale=5, interactive=False,
                                          lines=1, max_lines=4, elem_id="question")
                    send = gr.Button("Gửi", variant="primary", scale=1, min_width=80, elem_id="send")
                    stop = gr.Button("Dừng", variant="stop", scale=1, min_width=80, visible=False, elem_id="stop")
                with gr.Row(elem_id="answer-actions"):
                    copy_btn = gr.Button("Sao chép câu trả lời", size="sm", interactive=False, elem_id="copy-answer")
                    docx_one = gr.DownloadButton("Tải câu trả lời (.docx)", size="sm", interactive=False,
                                                 elem_id="docx-answer")
                    docx_all = gr.DownloadButton("Tải cả hội thoại (.docx)", size="sm", interactive=False,
                                                 elem_id="docx-conversation")
                    gr.Button("Xem nguồn trích dẫn", size="sm", elem_id="open-sources")
                    refilter = gr.Button("Bỏ bộ lọc và hỏi lại", size="sm", variant="primary", visible=False,
                                         elem_id="refilter")
                with gr.Accordion("Bộ lọc: tỉnh, đơn vị, kỳ báo cáo", open=False, elem_id="filters"):
                    with gr.Row(elem_id="filters-row"):
                        f_prov = gr.Dropdown(choices["provinces"], multiselect=True, label="Tỉnh",
                                             elem_id="filter-province")
                        f_unit = gr.Dropdown(choices["units"], multiselect=True, label="Đơn vị", elem_id="filter-unit")
                        f_period = gr.Dropdown(choices["periods"], multiselect=True, label="Kỳ báo cáo",
                                               elem_id="filter-period")
                    clear_filters = gr.Button("Bỏ mọi bộ lọc", size="sm", elem_id="clear-filters")
                example_set = gr.Dataset(components=[gr.Textbox(visible=False, label="Câu hỏi")],
                                         samples=[[q] for q in examples], label="Câu hỏi mẫu (bấm để hỏi)",
                                         elem_id="examples")
                plain = gr.Textbox(visible="hidden", label="Câu trả lời dạng văn bản", elem_id="plain-text")
                turn_req = gr.Textbox(visible="hidden", label="Nguồn của câu trả lời", elem_id="turn-request")
            with gr.Column(scale=3, min_width=280, elem_id="sources-col"):
                panel = gr.HTML(sources_panel_html([], None), elem_id="sources-panel")

        filters = [f_prov, f_unit, f_period]
        chat_out = [chatbot, panel, plain, refilter, docx_one, docx_all, conv_list, lib_store, copy_btn]

        def show(library: Library) -> tuple:
            """The chat area for the conversation on screen (and its copy in the browser)."""
            conv = chat.current(library)
            v = chat.view(conv)
            one, whole = chat.export(conv, True), chat.export(conv, False)
            return (v.messages, v.panel_html, v.plain_text, gr.update(visible=v.refilter),
                    gr.update(value=str(one) if one else None, interactive=one is not None),
                    gr.update(value=str(whole) if whole else None, interactive=whole is not None),
                    gr.update(choices=library.choices(), value=library.current if conv.turns else None),
                    library.to_value(), gr.update(interactive=bool(v.plain_text)))

        # ---- asking: input is off while an answer is pending; Dừng stops it ----
        busy = (gr.update(interactive=False, placeholder="Đang trả lời… bấm Dừng để hủy"),
                gr.update(visible=False), gr.update(visible=True))
        idle = (gr.update(interactive=True, placeholder="Nhập câu hỏi về các báo cáo…"),
                gr.update(visible=True), gr.update(visible=False))

        def on_load(stored: Any) -> tuple:
            library = library_of(stored)
            return (library, *show(library), chat.badge(), *idle)

        demo.load(on_load, [lib_store], [lib, *chat_out, badge, question, send, stop], **hidden)

        def on_start(q: str, library: Library, provs: list, units: list, periods: list) -> tuple:
            conv = chat.start(library, q, filters_dict(provs, units, periods))
            if conv is None:
                return (gr.update(), gr.update(), gr.update(), gr.update())
            return (gr.update(value="", **busy[0]), busy[1], busy[2], chat.messages(conv))

        def on_answer(library: Library) -> Any:
            for partial in chat.answer(library):
                if partial is not None:
                    conv = chat.current(library)
                    yield (chat.messages(conv, partial), *(gr.update() for _ in chat_out[1:]), gr.update())
            conv = chat.current(library)
            a = conv.turns[-1].answer if conv.turns else None
            yield (*show(library), chat.badge(a.get("retrieval") if a else None))

        def ask_chain(trigger: Any) -> Any:
            """question -> pending turn (input off) -> streamed answer -> input on; returns the answer event."""
            ev = trigger(on_start, [question, lib, *filters], [question, send, stop, chatbot], queue=False, **hidden)
            ev = ev.then(on_answer, [lib], [*chat_out, badge], **hidden)
            ev.then(lambda library: busy if chat.busy(library) else idle, [lib], [question, send, stop], queue=False,
                    **hidden)
            return ev

        answer_events = [ask_chain(send.click), ask_chain(question.submit)]

        def on_example(sample: list) -> str:
            return sample[0] if sample else ""

        ex = example_set.click(on_example, [example_set], [question], queue=False, **hidden)
        answer_events.append(ask_chain(ex.then))

        def on_stop(library: Library) -> tuple:
            chat.stop(chat.current(library))
            return (*show(library), *idle)

        stop.click(on_stop, [lib], [*chat_out, question, send, stop], cancels=answer_events, queue=False, **hidden)

        # ---- one "new conversation" behaviour for the button and the chat's own clear icon ----
        def on_new(library: Library) -> tuple:
            chat.new_conversation(library)
            return (*show(library), *idle)

        for trigger in (new_btn.click, chatbot.clear):
            trigger(on_new, [lib], [*chat_out, question, send, stop], cancels=answer_events, **hidden)
        conv_list.input(lambda cid, library: (chat.open(library, cid), show(library))[1], [conv_list, lib],
                        chat_out, cancels=answer_events, **hidden)
        del_btn.click(lambda library: (chat.delete(library, library.current), show(library))[1], [lib], chat_out,
                      cancels=answer_events, **hidden)

        def on_turn(req: str, library: Library) -> str:
            try:
                return chat.panel(chat.current(library), int((req or "").split(":")[0]))
            except ValueError:
                return gr.update()

        turn_req.change(on_turn, [turn_req, lib], [panel], **hidden)

        # ---- filters: chips above the chat; an abstention under filters offers to clear them ----
        for f in filters:
            f.change(chat.chips, filters, [chips], **hidden)
        no_filters = lambda: ([], [], [])  # noqa: E731
        clear_filters.click(no_filters, None, filters, queue=False, **hidden)

        def last_question(library: Library) -> str:
            conv = chat.current(library)
            return conv.turns[-1].question if conv.turns else ""

        rf = refilter.click(no_filters, None, filters, queue=False, **hidden)
        rf = rf.then(last_question, [lib], [question], queue=False, **hidden)
        answer_events.append(ask_chain(rf.then))

        # ---------------- Reports ----------------
        with gr.Tab("Báo cáo", id="reports"):
            resume_md = gr.Markdown("", elem_id="resume-notice")
            reports_df = gr.Dataframe(backend.reports_rows(), headers=list(REPORT_COLUMNS), label="Các báo cáo đã nạp",
                                      interactive=False, wrap=True, elem_id="reports-table")
            with gr.Row():
                with gr.Column(scale=3):
                    uploads = gr.File(label=f"Tải lên báo cáo ({', '.join(ALLOWED_SUFFIXES)}; tối đa "
                                            f"{fmt.number(backend.settings.max_file_mb)} MB mỗi tệp)",
                                      file_count="multiple", file_types=list(ALLOWED_SUFFIXES), elem_id="upload")
                    gr.HTML('<div hidden><ul class="upload-notice"></ul></div>', elem_id="upload-notice")
                    ingest_btn = gr.Button("Nạp các tệp đã chọn", variant="primary", elem_id="ingest")
                    ingest_rows = gr.HTML("", elem_id="ingest-result")
                with gr.Column(scale=2):
                    remove_dd = gr.Dropdown(backend.report_choices(), label="Chọn báo cáo cần xóa", value=None,
                                            elem_id="remove-doc")
                    remove_btn = gr.Button("Xóa báo cáo…", variant="stop", elem_id="remove")
                    with gr.Column(visible=False, elem_id="remove-confirm") as confirm_box:
                        confirm_md = gr.Markdown("", elem_id="remove-what")
                        with gr.Row():
                            yes = gr.Button("Xác nhận xóa", variant="stop", size="sm", elem_id="remove-yes")
                            no = gr.Button("Hủy", size="sm", elem_id="remove-no")
                    remove_md = gr.Markdown("", elem_id="remove-result")

        # ---------------- Indicators ----------------
        with gr.Tab("Chỉ tiêu", id="indicators"):
            with gr.Row():
                ind_key = gr.Dropdown(backend.indicator_choices(), label="Chỉ tiêu", value=None, elem_id="indicator-key")
                ind_measure = gr.Radio([], label="Đo bằng", elem_id="indicator-measure")
                ind_unit = gr.Dropdown(choices["units"], label="Đơn vị (để trống: tất cả)", value=None,
                                       elem_id="indicator-unit")
                with gr.Column(scale=1):
                    csv_btn = gr.Button("Xuất CSV (bảng đang xem)", elem_id="indicator-csv-btn")
                    ind_csv = gr.File(label="Tệp CSV", interactive=False, height=90, elem_id="indicator-csv")
            ind_note = gr.Markdown("Chọn một chỉ tiêu để xem số liệu của các đơn vị.", elem_id="indicator-note")
            ind_df = gr.Dataframe(headers=list(TABLE_COLUMNS), label="Bảng chỉ tiêu", interactive=False, wrap=True,
                                  elem_id="indicator-table")
            with gr.Row():
                chart_unit = gr.Plot(label="Theo đơn vị", elem_id="indicator-chart")
                chart_trend = gr.Plot(label="Theo kỳ báo cáo", visible=False, elem_id="indicator-trend")

            def on_indicator(key: str | None, measure: str | None, unit: str | None) -> tuple:
                view = backend.indicator_view(key, measure, unit or None)
                if view is None:
                    return (gr.update(choices=[], value=None), "Chọn một chỉ tiêu để xem số liệu của các đơn vị.",
                            [], None, gr.update(value=None, visible=False), None)
                note = f"**{view.name}** — {len(view.rows)} số liệu, đơn vị đo: {view.measure or 'không có'}."
                trend = trend_chart(view)
                return (gr.update(choices=backend.measure_choices(key), value=view.measure), note, view.rows,
                        unit_chart(view), gr.update(value=trend, visible=trend is not None), None)

            ind_out = [ind_measure, ind_note, ind_df, chart_unit, chart_trend, ind_csv]
            ind_key.change(lambda k, u: on_indicator(k, None, u), [ind_key, ind_unit], ind_out, **hidden)
            ind_measure.input(on_indicator, [ind_key, ind_measure, ind_unit], ind_out, **hidden)
            ind_unit.change(on_indicator, [ind_key, ind_measure, ind_unit], ind_out, **hidden)

            def on_export(key: str | None, measure: str | None, unit: str | None) -> Any:
                view = backend.indicator_view(key, measure, unit or None)
                if view is None or not view.csv_rows:
                    gr.Info("Bảng chỉ tiêu đang trống, không có gì để xuất.")
                    return None
                return str(backend.export_indicators_csv(view))

            csv_btn.click(on_export, [ind_key, ind_measure, ind_unit], [ind_csv], **hidden)

        # ---------------- Evaluation ----------------
        with gr.Tab("Đánh giá", id="eval"):
            gr.Markdown("Chạy bộ câu hỏi cố định trên các báo cáo mẫu và chấm từng câu trả lời, để biết trợ lý "
                        "trả lời đúng đến đâu. Lượt đánh giá dùng kho dữ liệu riêng, không ảnh hưởng các báo cáo "
                        "đang dùng.")
            with gr.Row():
                eval_scope = gr.Radio([("Nhanh: cách tìm kiếm chính", "quick"),
                                       ("Đầy đủ: so sánh mọi cách tìm kiếm và LlamaIndex gốc", "full")],
                                      value="quick", label="Phạm vi", scale=3)
                eval_btn = gr.Button("Chạy đánh giá", variant="primary", elem_id="eval-run", scale=1)
            eval_progress = gr.Markdown("", elem_id="eval-progress", elem_classes=["eval-progress"])
            eval_md = gr.Markdown("", elem_id="eval-summary")
            with gr.Accordion("Chi tiết kỹ thuật (dành cho quản trị viên)", open=False, elem_id="eval-details"):
                eval_details = gr.Markdown("")
                eval_charts = gr.Gallery(label="Biểu đồ", columns=2, height="auto", object_fit="contain",
                                         elem_id="eval-charts")
                eval_failed = gr.Dataframe(headers=list(evaluation.FAILED_COLUMNS), label="Câu hỏi chưa đạt",
                                           interactive=False, wrap=True, elem_id="eval-failed")

            def on_eval(scope: str) -> Any:
                for step in evaluation.run_eval(Path(backend.settings.store), full=scope == "full"):
                    if isinstance(step, evaluation.EvalProgress):
                        yield step.text, gr.update(), gr.update(), gr.update(), gr.update()
                    else:
                        yield ("Đã chấm xong." if step.ok else "", step.summary_markdown, step.details_markdown,
                               [str(p) for p in step.charts], step.failed_rows)

            eval_btn.click(on_eval, [eval_scope], [eval_progress, eval_md, eval_details, eval_charts, eval_failed],
                           concurrency_limit=1, **hidden)

        # ---------------- cross-tab refresh after ingest / removal ----------------
        def refreshed() -> tuple:
            c = backend.filter_choices()
            return (backend.reports_rows(), gr.update(choices=backend.report_choices(), value=None),
                    gr.update(choices=c["provinces"]), gr.update(choices=c["units"]), gr.update(choices=c["periods"]),
                    gr.update(choices=backend.indicator_choices()), gr.update(choices=c["units"]))

        refresh_out = [reports_df, remove_dd, f_prov, f_unit, f_period, ind_key, ind_unit]

        def on_ingest(files: list[Any] | None) -> Any:
            pairs = [(Path(f), Path(f).name) for f in files or []]
            state: list = []
            headers = ("Tệp", "Trạng thái", "Chi tiết")
            for state in backend.ingest_uploads_iter(pairs):
                rows = backend.upload_rows(state)
                done = sum(r.css in ("ok", "err") for r in rows)
                html = (f'<div class="upload-progress">Đã xử lý {done}/{len(rows)} tệp</div>'
                        + rows_table_html(headers, [(r.name, r.state, r.detail) for r in rows], "upload-rows",
                                          [r.css for r in rows]))
                yield html, gr.update(), *(gr.update() for _ in refresh_out)
            ok = sum(o.ok for o in state)
            summary = f'<div class="upload-summary"><b>Kết quả:</b> {ok}/{len(state)} tệp nạp thành công.</div>'
            yield summary + html, None, *refreshed()

        ingest_btn.click(on_ingest, [uploads], [ingest_rows, uploads, *refresh_out], concurrency_limit=1, **hidden)

        def on_ask_remove(doc_id: str | None) -> tuple:
            what = backend.removal_summary(doc_id)
            if what is None:
                return gr.update(visible=False), "", "Chưa chọn báo cáo cần xóa." if not doc_id else \
                    "Không còn báo cáo này trong kho."
            return gr.update(visible=True), what, ""

        remove_btn.click(on_ask_remove, [remove_dd], [confirm_box, confirm_md, remove_md], **hidden)
        no.click(lambda: (gr.update(visible=False), "Đã hủy, không xóa gì."), None, [confirm_box, remove_md], **hidden)
        yes.click(lambda d: (gr.update(visible=False), backend.remove_report(d), *refreshed()), [remove_dd],
                  [confirm_box, remove_md, *refresh_out], concurrency_limit=1, **hidden)

        def on_page_load() -> tuple:
            notice = ""
            if backend.resumed:
                names = "; ".join(f"{o.name} ({'đã nạp' if o.ok else 'lỗi: ' + o.message})" for o in backend.resumed)
                notice = f"Khi khởi động, đã nạp tiếp các tệp tải lên còn dang dở: {names}"
            return (notice, *refreshed())

        # Reports ingested by the CLI while the app runs show up on reload.
        demo.load(on_page_load, None, [resume_md, *refresh_out], **hidden)
    return demo


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    try:
        auth = parse_auth(args.auth or os.environ.get("APP_AUTH"))
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if port_in_use(args.host, args.port):
        print(busy_port_message(args.host, args.port), file=sys.stderr)
        return 1
    import gradio as gr
    from gradio.utils import get_upload_folder
    from starlette.middleware import Middleware

    from assistant.services import build_services
    from index.settings import Settings
    from webapp.backend import AppBackend
    from webapp.i18n import GRADIO_STRINGS
    from webapp.web import HtmlPageMiddleware, browser_secret

    settings = Settings().with_store(args.store)
    backend = AppBackend(settings, build_services(settings), upload_cache_dir=Path(get_upload_folder()))
    backend.start_background()
    demo = build_ui(backend, browser_secret(settings.store))
    demo.queue(default_concurrency_limit=CHAT_CONCURRENCY)
    if args.host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        log.warning("app listens on %s without --auth: anyone on the network can use it", args.host)
    login = None
    if auth is not None:
        throttle = LoginThrottle(*auth)

        async def login(username: str, password: str) -> bool:  # an async function: gradio awaits it
            return await throttle.check(username, password)

    try:
        demo.launch(
            server_name=args.host, server_port=args.port, auth=login,
            auth_message="Đăng nhập để sử dụng trợ lý báo cáo." if auth else None,
            max_file_size=f"{int(settings.max_file_mb * 1024)}kb",
            allowed_paths=[str(p) for p in backend.served_dirs()], blocked_paths=[str(backend.uploads_dir)],
            share=False, ssr_mode=False, footer_links=[],
            theme=gr.themes.Soft(font=FONT_STACK, font_mono=MONO_STACK),
            css=(STATIC / "app.css").read_text(encoding="utf-8"),
            i18n=gr.I18n(en=GRADIO_STRINGS, vi=GRADIO_STRINGS), show_error=False,
            app_kwargs={"middleware": [Middleware(HtmlPageMiddleware, lang="vi", head=page_head(backend))]},
        )
    except OSError as exc:  # the port was taken between the check and the start
        log.debug("launch failed", exc_info=True)
        print(busy_port_message(args.host, args.port) if "port" in str(exc).lower() else
              f"Không mở được ứng dụng: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
