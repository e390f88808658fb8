from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest import parse_file
from ingest.chunker import SectionChunker, sentence_spans
from ingest.loaders import LoadedDocument
from ingest.models import Chunk, Report
from ingest.parser import ReportParser
from tests.ingest_fixtures import REPORTS_DIR

SAMPLES = sorted(REPORTS_DIR.glob("*.txt"))
QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "questions.jsonl"

_CACHE: dict[str, Report] = {}


def report_for(path: Path) -> Report:
    if path.stem not in _CACHE:
        _CACHE[path.stem] = parse_file(path)
    return _CACHE[path.stem]


def check_invariants(r: Report, chunks: list[Chunk], chunker: SectionChunker) -> None:
    assert chunks
    by_id = {p.id: p for p in r.paragraphs}
    covered: set[str] = set()
    for n, c in enumerate(chunks, start=1):
        assert c.id == f"{r.doc_id}:c{n}" and c.n == n and c.doc_id == r.doc_id
        assert c.paragraph_ids
        paras = [by_id[pid] for pid in c.paragraph_ids]
        # never mixes two top-level sections
        assert len({p.section_path[:1] for p in paras}) == 1
        assert c.section_path == paras[0].section_path[: len(c.section_path)]
        # header line, then the body
        header, body = c.text.split("\n", 1)
        assert header.startswith("[")
        if c.section_path:
            assert c.section_path[0] in header
        assert c.start == max(paras[0].start, c.start) and c.end <= paras[-1].end
        assert r.text[c.start:c.end].startswith(body.split("\n", 1)[0])
        # body length bound (the tail merge may exceed max by 25%)
        assert len(body) <= int(chunker.max_chars * 1.25) + 1
        for p in paras:
            if len(p.text) <= chunker.max_chars:
                assert p.text in body  # a paragraph that fits is never cut
        covered.update(c.paragraph_ids)
    assert covered == set(by_id)
    starts = [c.start for c in chunks]
    assert starts == sorted(starts)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_chunk_invariants_default(path: Path) -> None:
    r = report_for(path)
    chunker = SectionChunker()
    chunks = chunker.run(r)
    check_invariants(r, chunks, chunker)
    sizes = [len(c.text) for c in chunks]
    assert max(sizes) <= 1600
    # paragraphs are merged: far fewer chunks than paragraphs
    assert len(chunks) * 3 <= len(r.paragraphs)


@pytest.mark.parametrize("max_chars", [300, 700])
def test_chunk_invariants_small_max(max_chars: int) -> None:
    chunker = SectionChunker(max_chars=max_chars, min_chars=max_chars // 2)
    for path in SAMPLES:
        r = report_for(path)
        check_invariants(r, chunker.run(r), chunker)


def test_header_carries_unit_period_and_numbered_path() -> None:
    r = report_for(next(p for p in SAMPLES if p.stem.startswith("001")))
    chunks = SectionChunker().run(r)
    assert chunks[0].text.startswith("[phường Trí Quả · tháng 5 năm 2026] Phần mở đầu\n")
    c = next(c for c in chunks if "550 hồ sơ" in c.text)
    assert c.text.split("\n", 1)[0] == (
        "[phường Trí Quả · tháng 5 năm 2026] I. KẾT QUẢ ĐẠT ĐƯỢC > 3. Về Ứng dụng CNTT phục vụ người dân, doanh nghiệp")
    assert SectionChunker(header_context=False).header(r, (), {}) == "Phần mở đầu"


def test_gold_quotes_stay_whole_inside_chunks() -> None:
    chunker = SectionChunker()
    texts = {p.stem: [c.text for c in chunker.run(report_for(p))] for p in SAMPLES}
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        for cit in q.get("citations", []):
            assert any(cit["quote"] in t for t in texts[cit["doc"]]), (q["id"], cit["quote"])


def test_long_paragraph_split_at_sentence_boundaries() -> None:
    sentence = "Tỷ lệ hồ sơ trực tuyến đạt 98,5% so với cùng kỳ năm trước, tăng 3,2 điểm phần trăm."
    long_para = " ".join(f"Câu {k}. {sentence}" for k in range(40))
    text = (f"Số: 1/BC-UBND\nBÁO CÁO\nKết quả tháng 5 năm 2026\nUBND phường Trí Quả báo cáo:\n"
            f"I. KẾT QUẢ\n{long_para}\nII. ĐỀ XUẤT\nKhông.\n")
    doc = LoadedDocument(path=Path("long.txt"), text=text, format="txt", content_hash="0" * 64)
    r = ReportParser().run(doc, "long")
    chunker = SectionChunker(max_chars=600, min_chars=200)
    chunks = chunker.run(r)
    check_invariants(r, chunks, chunker)
    big = next(p for p in r.paragraphs if p.text.startswith("Câu 0."))
    pieces = [c for c in chunks if big.id in c.paragraph_ids]
    assert len(pieces) >= 5
    for c in pieces:
        assert r.text[c.start:c.end] in c.text
        assert c.text.rstrip().endswith(".")  # cut after a sentence, never inside one
    assert pieces[0].start <= big.start and pieces[-1].end == big.end
    # "II. ĐỀ XUẤT" never shares a chunk with section I
    assert all(len({r.paragraph(pid).section_path[:1] for pid in c.paragraph_ids}) == 1 for c in chunks)


def test_sentence_spans_are_exact_slices() -> None:
    text = "Mở đầu. UBND phường đã ban hành 157 văn bản, ký số đạt 100%. Hết!  "
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Mở đầu.", "UBND phường đã ban hành 157 văn bản, ký số đạt 100%.", "Hết!"]
