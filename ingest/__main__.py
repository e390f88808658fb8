"""`python -m ingest [PATH ...] [--store DIR] [--json] [--remove DOC_ID]`

Ingests report files/folders (default `data/reports`) incrementally into the store (default
`storage/`, env `RAG_STORE`). With `--json`: one JSON object per report on stdout and nothing else.
Otherwise: a progress bar on long batches and a summary table. One line per file that was not
ingested (stderr): failed, or of a kind that is not read (named with the reason and what to do); the
batch goes on; exit status 1 when any file failed or was skipped. Hidden/temporary files in a folder
(".DS_Store", "~$bao cao.docx") and files with the same content as a kept report get a note on stderr
and do not change the exit status (a duplicate's content is in the store under the kept report).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from index.pipeline import NOT_INGESTED, IngestResult

DEFAULT_PATH = "data/reports"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ingest",
                                description="Nạp báo cáo (.txt .md .docx .pdf .xlsx) vào kho dữ liệu.")
    p.add_argument("paths", nargs="*", metavar="PATH", help=f"tệp hoặc thư mục (mặc định {DEFAULT_PATH})")
    p.add_argument("--store", metavar="DIR", default=None, help="thư mục kho (mặc định RAG_STORE hoặc storage/)")
    p.add_argument("--json", action="store_true", help="in một đối tượng JSON cho mỗi báo cáo")
    p.add_argument("--remove", metavar="DOC_ID", action="append", default=[],
                   help="xoá báo cáo khỏi mọi kho (có thể lặp lại)")
    p.add_argument("-v", "--verbose", action="store_true", help="ghi log chi tiết")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    from assistant.services import build_ingest_services
    from index.settings import Settings

    settings = Settings().with_store(args.store)
    services = build_ingest_services(settings)
    ingestor = services.ingestor
    failed = False

    for doc_id in args.remove:
        existed = ingestor.remove(doc_id)
        msg = f"Đã xoá {doc_id} khỏi kho" if existed else f"{doc_id}: không có trong kho"
        # --json keeps stdout for report objects only
        print(msg, file=sys.stderr if (args.json or not existed) else sys.stdout)
        if not existed:
            failed = True
    if args.remove and not args.paths:
        return 1 if failed else 0

    paths = args.paths or [DEFAULT_PATH]

    def emit(res: IngestResult) -> None:
        if res.status in NOT_INGESTED:
            print(res.error, file=sys.stderr, flush=True)
        elif res.status in ("ignored", "duplicate"):
            for w in res.warnings:
                print(w, file=sys.stderr, flush=True)
        elif args.json and res.summary is not None:
            print(json.dumps(res.summary, ensure_ascii=False), flush=True)

    results = ingestor.ingest_paths(paths, progress=not args.json, on_result=emit)
    failed = failed or any(r.status in NOT_INGESTED for r in results)
    if not args.json:
        _summary_table(results, services.retrieval_mode)
    embed_line = ingestor.embed_stats.message()
    if embed_line:  # --json keeps stdout for report objects only
        print(embed_line, file=sys.stderr if args.json else sys.stdout)
    return 1 if failed else 0


def _summary_table(results: list[IngestResult], mode: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console() if sys.stdout.isatty() else Console(width=200)
    table = Table(title="Kết quả nạp báo cáo", show_lines=False)
    for col in ("Mã báo cáo", "Trạng thái", "Đơn vị", "Loại", "Tỉnh", "Kỳ", "Mục", "Đoạn", "Khối",
                "Chỉ tiêu", "Cảnh báo"):
        table.add_column(col, overflow="fold")
    labels = {"ingested": "đã nạp", "unchanged": "không đổi", "failed": "lỗi", "skipped": "không đọc được",
              "duplicate": "trùng nội dung", "ignored": "bỏ qua"}
    for r in results:
        if r.status == "ignored":
            continue  # hidden/temporary files: the stderr note is enough
        s = r.summary or {}
        table.add_row(r.doc_id, labels[r.status], s.get("unit") or "", s.get("unit_type") or "",
                      s.get("province") or "", s.get("period") or "", str(s.get("sections", "")),
                      str(s.get("paragraphs", "")), str(s.get("chunks", "")), str(s.get("indicators", "")),
                      str(len(s.get("warnings") or [])) if r.status not in (*NOT_INGESTED, "duplicate")
                      else (r.error or "; ".join(r.warnings)))
    console.print(table)
    n = {k: sum(r.status == k for r in results) for k in labels}
    line = f"Đã nạp {n['ingested']}, không đổi {n['unchanged']}, lỗi {n['failed']}"
    for key, label in (("skipped", "định dạng không đọc được"), ("duplicate", "trùng nội dung"),
                       ("ignored", "tệp ẩn/tạm bỏ qua")):
        if n[key]:
            line += f", {label} {n[key]}"
    console.print(f"{line}. Chế độ truy hồi: {mode}.")


if __name__ == "__main__":
    sys.exit(main())
