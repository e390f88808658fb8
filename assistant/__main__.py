"""Command line: `python -m assistant ask|retrieve|indicators` (contracts in docs/DESIGN.md)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger("assistant")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m assistant", description="Hỏi đáp trên các báo cáo chuyển đổi số.")
    sub = p.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", help="thư mục dữ liệu (mặc định: $RAG_STORE hoặc storage/)")
    common.add_argument("-v", "--verbose", action="store_true", help="ghi log chi tiết ra stderr")

    ask = sub.add_parser("ask", parents=[common], help="đặt câu hỏi")
    ask.add_argument("question", nargs="?", help="câu hỏi tiếng Việt")
    ask.add_argument("--history", action="append", default=[], metavar="EARLIER_QUESTION",
                     help="câu hỏi trước đó (lặp lại được, theo thứ tự)")
    ask.add_argument("--json", action="store_true", help="in câu trả lời dạng JSON")
    ask.add_argument("--jsonl", type=Path, help='tệp JSONL: mỗi dòng {"question": ..., "history": [...]}')

    ret = sub.add_parser("retrieve", parents=[common], help="chỉ truy hồi đoạn văn")
    ret.add_argument("--jsonl", type=Path, required=True, help='tệp JSONL: mỗi dòng {"question": ...}')
    ret.add_argument("--k", type=int, default=5, help="số đoạn trả về mỗi câu hỏi")

    ind = sub.add_parser("indicators", parents=[common], help="in bảng chỉ tiêu đã trích xuất")
    ind.add_argument("--key", help="mã chỉ tiêu, ví dụ so_hoa_ho_so")
    ind.add_argument("--unit", help="tên đơn vị, ví dụ 'Trí Quả'")
    return p


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"Lỗi: {path} dòng {i} không phải JSON hợp lệ ({exc.msg}).") from exc
            if not isinstance(row, dict) or not isinstance(row.get("question"), str):
                raise SystemExit(f'Lỗi: {path} dòng {i} thiếu trường "question".')
            rows.append(row)
    return rows


def _print_answer(answer: Any) -> None:
    print(answer.answer)
    if answer.citations:
        print("\nNguồn:")
        for c in answer.citations:
            snippet = c.text if len(c.text) <= 300 else c.text[:300] + " …"
            print(f"[{c.n}] {c.unit} — {c.doc_id} — {c.section or '(không có mục)'} — {', '.join(c.paragraph_ids)}")
            print(f"    {snippet}")
    for note in answer.notes:
        print(f"\n({note})")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    from assistant.services import build_services
    from index.settings import Settings

    settings = Settings().with_store(args.store)
    if not Path(settings.store).exists():
        print(f"Lỗi: chưa có kho dữ liệu tại {settings.store}. Hãy chạy `python -m ingest` trước.", file=sys.stderr)
        return 2
    services = build_services(settings)

    if args.command == "indicators":
        from assistant.indicators_cli import print_indicators

        print_indicators(services.store, key=args.key, unit=args.unit)
        return 0

    if args.command == "retrieve":
        if args.k <= 0:
            print(f"Lỗi: --k phải lớn hơn 0, nhận được {args.k}.", file=sys.stderr)
            return 2
        for row in _read_jsonl(args.jsonl):
            # A follow-up is retrieved as the standalone question it stands for.
            query = services.answerer.understander.run(row["question"], row.get("history") or []).effective
            passages = services.retriever.retrieve(query, args.k, None)
            print(json.dumps({"question": row["question"], "passages": [p.to_dict() for p in passages]},
                             ensure_ascii=False), flush=True)
        return 0

    answerer = services.answerer
    if args.jsonl:
        for row in _read_jsonl(args.jsonl):
            answer = answerer.ask(row["question"], row.get("history") or [])
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        return 0
    if not args.question:
        print("Lỗi: cần câu hỏi hoặc --jsonl FILE.", file=sys.stderr)
        return 2
    answer = answerer.ask(args.question, args.history)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_answer(answer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
