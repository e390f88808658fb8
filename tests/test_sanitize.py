"""Questions at the door (assistant/sanitize.py): NFC, control characters, the size cap."""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path

import pytest

from assistant.sanitize import (
    MAX_QUESTION_CHARS,
    QuestionTooLong,
    clean_history,
    clean_question,
)
from assistant.services import build_services
from index.settings import EmbedSettings, Settings
from tests.ingest_fixtures import copy_reports

QUESTION = "Phường Phương Liễu có tỷ lệ hồ sơ trực tuyến toàn trình bao nhiêu?"
FOLLOW_UP = "Còn phường Trí Quả thì sao?"
TOO_LONG = ("Câu hỏi quá dài (2.097.152 ký tự; giới hạn 2.000 ký tự), nên không được xử lý. Vui lòng đặt câu "
            "hỏi ngắn gọn hơn, ví dụ: “Tỷ lệ hồ sơ trực tuyến của phường Trí Quả là bao nhiêu?”.")


class TestCleanQuestion:
    def test_nfd_becomes_nfc(self) -> None:
        nfd = unicodedata.normalize("NFD", QUESTION)
        assert nfd != QUESTION
        assert clean_question(nfd) == QUESTION

    def test_control_characters_and_escape_sequences_go(self) -> None:
        dirty = ("\x00Phường Phương\x1b[31m Liễu\x1b[0m\x07 có\x1b]0;tiêu đề\x07 tỷ lệ\u200b hồ sơ\ttrực tuyến"
                 "\r\ntoàn\x85trình\x7f bao nhiêu?\x9b2J")
        assert clean_question(dirty) == QUESTION

    def test_whitespace_collapses_and_strips(self) -> None:
        assert clean_question("  a \n\n b\t\tc  ") == "a b c"

    def test_cap(self) -> None:
        assert clean_question("x" * MAX_QUESTION_CHARS) == "x" * MAX_QUESTION_CHARS
        with pytest.raises(QuestionTooLong) as info:
            clean_question("x" * (MAX_QUESTION_CHARS + 1))
        assert info.value.length == MAX_QUESTION_CHARS + 1
        assert str(info.value).startswith("Câu hỏi quá dài (2.001 ký tự; giới hạn 2.000 ký tự)")

    def test_nfd_question_at_the_cap_is_measured_after_nfc(self) -> None:
        # 1,000 "ệ" are 3,000 code points in NFD and 1,000 in NFC: not too long.
        assert clean_question(unicodedata.normalize("NFD", "ệ" * 1000)) == "ệ" * 1000

    def test_rejects_non_str(self) -> None:
        with pytest.raises(TypeError, match="question must be str, got bytes"):
            clean_question(b"abc")  # type: ignore[arg-type]

    def test_history_items_cleaned_and_over_long_ones_dropped(self) -> None:
        history = [unicodedata.normalize("NFD", QUESTION), "x" * 3_000_000, "\x00\x07", FOLLOW_UP]
        assert clean_history(history) == [QUESTION, FOLLOW_UP]
        assert clean_history(None) == []


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory):
    store = tmp_path_factory.mktemp("sanitize_store")
    corpus = copy_reports(tmp_path_factory.mktemp("sanitize_corpus"))
    svc = build_services(Settings(RAG_STORE=str(store), embed=EmbedSettings(EMBED_MODEL="none")))
    assert all(r.status == "ingested" for r in svc.ingestor.ingest_paths([corpus]))
    yield svc
    svc.close()


class TestAtTheDoor:
    def test_nfd_and_control_character_questions_get_the_clean_answer(self, services) -> None:
        clean = services.answerer.ask(QUESTION).to_dict()
        assert clean["answer"].startswith("99.75%") and not clean["abstained"]
        nfd = services.answerer.ask(unicodedata.normalize("NFD", QUESTION)).to_dict()
        dirty = services.answerer.ask("\x00Phường Phương\x1b[1m Liễu\x07 có tỷ lệ hồ sơ\ttrực tuyến\r\n"
                                      "toàn trình bao nhiêu?\x1b[0m").to_dict()
        for other in (nfd, dirty):
            assert {k: v for k, v in other.items() if k != "timings_ms"} == \
                   {k: v for k, v in clean.items() if k != "timings_ms"}

    def test_nfd_history_item_drives_the_follow_up(self, services) -> None:
        first, follow = "Tỷ lệ hồ sơ trực tuyến của phường Trí Quả là bao nhiêu?", "Còn phường Phương Liễu thì sao?"
        clean = services.answerer.ask(follow, [first])
        nfd = services.answerer.ask(unicodedata.normalize("NFD", follow),
                                    [unicodedata.normalize("NFD", first) + "\x00"])
        assert not clean.abstained and clean.citations[0].doc_id == "000_72c868d4104a62a0"
        assert nfd.answer == clean.answer and nfd.citations == clean.citations

    def test_two_megabyte_question_is_refused_at_once(self, services) -> None:
        big = ("Tỷ lệ hồ sơ trực tuyến của phường Trí Quả? " * 60_000)[:2 * 1024 * 1024]
        t0 = time.perf_counter()
        a = services.answerer.ask(big, [big])
        elapsed = time.perf_counter() - t0
        assert elapsed < 0.5
        d = a.to_dict()
        assert d["abstained"] is True and d["citations"] == [] and d["answer"] == TOO_LONG
        assert d["mode"] == "extractive" and set(d) == {"question", "answer", "abstained", "citations", "mode",
                                                         "retrieval", "timings_ms"}
        assert d["question"].endswith(" …") and len(d["question"]) <= 202

    def test_cli_refuses_a_long_question_from_jsonl(self, services, tmp_path: Path) -> None:
        import json

        from assistant.__main__ import main

        lines = tmp_path / "q.jsonl"
        lines.write_text(json.dumps({"question": "a" * 10_000}) + "\n" + json.dumps({"question": QUESTION}) + "\n",
                         encoding="utf-8")
        import contextlib
        import io

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["ask", "--store", str(services.settings.store), "--jsonl", str(lines)]) == 0
        first, second = (json.loads(x) for x in out.getvalue().splitlines())
        assert first["abstained"] is True and first["answer"].startswith("Câu hỏi quá dài (10.000 ký tự")
        assert second["answer"].startswith("99.75%")
