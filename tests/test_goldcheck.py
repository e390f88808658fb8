"""eval.goldcheck: every real question file passes; each check catches its own kind of bad line."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from eval import goldcheck
from eval.goldcheck import Corpus, check_file, check_question
from eval.suite import DEFAULT_SUITE, load_suite
from tests.ingest_fixtures import write_docx

REPO = Path(__file__).resolve().parent.parent
REPORT = ("UBND phường Phương Liễu báo cáo kết quả chuyển đổi số tháng 4 năm 2026.\n"
          "Tổng số hồ sơ tiếp nhận: 2,955 hồ sơ, đạt 99,75%.\n"
          "Tổ công nghệ số cộng đồng ở tất cả Tổ dân phố.\n")
OTHER = "UBND phường Trí Quả báo cáo.\nTổ công nghệ số cộng đồng được duy trì.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text(REPORT, encoding="utf-8")
    write_docx(root / "b.docx", OTHER)  # read through the project's loader like the store does
    (root / "c.txt").write_text("Xã Dương Hưu.\n", encoding="utf-8")
    return Corpus(root)


def q(**over: object) -> dict:
    base = {"id": "n1", "question": "Phường Phương Liễu tiếp nhận bao nhiêu hồ sơ?", "type": "number",
            "answer": 2955, "citations": [{"doc": "a", "quote": "Tổng số hồ sơ tiếp nhận: 2,955 hồ sơ"}],
            "tags": ["lookup"]}
    base.update(over)
    return base


def test_every_question_file_of_the_repository_passes() -> None:
    suite = load_suite(DEFAULT_SUITE)
    listed = {e.questions.resolve() for e in suite.entries}
    on_disk = {p.resolve() for p in [*(REPO / "eval").glob("*.jsonl"), *(REPO / "eval" / "dev").glob("*.jsonl")]}
    assert on_disk <= listed, f"question files missing from {DEFAULT_SUITE}: {sorted(on_disk - listed)}"
    problems, counts = goldcheck.check_suite(suite)
    assert [str(p) for p in problems] == []
    assert sum(counts.values()) >= 575


def test_a_good_line_of_each_type_passes(corpus: Corpus) -> None:
    good = [
        q(),
        q(id="n2", answer=99.75, citations=[{"doc": "a", "quote": "đạt 99,75%"}]),
        q(id="s1", type="set", answer=["Phương Liễu", "Trí Quả"],
          citations=[{"doc": "a", "quote": "Tổ công nghệ số cộng đồng"}, {"doc": "b", "quote": "Tổ công nghệ số"}]),
        q(id="t1", type="text", answer=[["tổ dân phố"], ["không có", "99,75 %", "99,75%"]],
          citations=[{"doc": "a", "quote": "Tổ công nghệ số cộng đồng"}]),
        q(id="z1", type="none", answer=None, citations=[], history=["Câu trước?"]),
        q(id="c1", answer=2, tags=["set", "count", goldcheck.COUNT_OF_UNITS],
          citations=[{"doc": "a", "quote": "Tổ công nghệ số cộng đồng"}, {"doc": "b", "quote": "Tổ công nghệ số"},
                     {"doc": "b", "quote": "được duy trì"}]),
        q(id="g1", type="set", answer=["Phương Liễu", "Dương Hưu"], tags=["aggregate", goldcheck.UNITS_FROM_GAZETTEER],
          citations=[{"doc": "a", "quote": "phường Phương Liễu"}]),
    ]
    for line in good:
        assert check_question(line, corpus) == [], line["id"]


@pytest.mark.parametrize(("bad", "reason"), [
    (q(answer="2955"), "đáp án phải là một số"),
    (q(answer=True), "đáp án phải là một số"),
    (q(type="set", answer="Phương Liễu"), "danh sách tên đơn vị"),
    (q(type="set", answer=["Phương Liễu", "Phuong Lieu"]), "đơn vị lặp lại"),
    (q(type="text", answer=["tổ dân phố"]), "mỗi ý là danh sách chuỗi"),
    (q(type="text", answer=[[]]), "mỗi ý là danh sách chuỗi"),
    (q(type="none", answer=0, citations=[]), "phải là null"),
    (q(type="none", answer=None), "không được có trích dẫn"),
    (q(type="boolean"), "loại câu hỏi 'boolean' không hợp lệ"),
    (q(citations=[]), "phải có ít nhất một trích dẫn"),
    (q(citations=[{"doc": "a"}]), "'citations' phải là danh sách"),
    (q(tags="lookup"), "'tags' phải là danh sách"),
    (q(question=""), "'question' phải là chuỗi"),
    (q(extra=1), "trường không hợp lệ extra"),
    (q(tags=["gold:typo"]), "nhãn ngoại lệ 'gold:typo' không được hỗ trợ"),
    (q(type="text", answer=[["x"]], tags=[goldcheck.COUNT_OF_UNITS]), "chỉ dùng cho câu số liệu"),
])
def test_shape_problems(corpus: Corpus, bad: dict, reason: str) -> None:
    got = check_question(bad, corpus)
    assert any(reason in r for r in got), got


def test_not_nfc(corpus: Corpus) -> None:
    nfd = unicodedata.normalize("NFD", "Phường Phương Liễu tiếp nhận bao nhiêu hồ sơ?")
    got = check_question(q(question=nfd), corpus)
    assert len(got) == 1 and "không ở dạng Unicode NFC" in got[0]


def test_quote_must_be_an_exact_substring_of_a_corpus_document(corpus: Corpus) -> None:
    got = check_question(q(citations=[{"doc": "a", "quote": "tổng số hồ  sơ tiếp nhận: 2,955 hồ sơ"}]), corpus)
    assert len(got) == 1
    assert "không phải chuỗi con nguyên văn của 'a'" in got[0]
    assert "chỉ khớp khi bỏ qua hoa/thường và khoảng trắng" in got[0]
    got = check_question(q(citations=[{"doc": "a", "quote": "2.955 hồ sơ"}]), corpus)
    assert "không phải chuỗi con nguyên văn" in got[0] and "bỏ qua hoa/thường" not in got[0]
    got = check_question(q(citations=[{"doc": "zz", "quote": "2,955"}]), corpus)
    assert got == [f"tài liệu 'zz' không có trong {corpus.root} (cited doc not in the corpus)"]
    # the .docx document is read through ingest.loaders: its quotes are checked against its text
    assert check_question(q(answer=1, tags=[goldcheck.COUNT_OF_UNITS],
                            citations=[{"doc": "b", "quote": "phường Trí Quả báo cáo"}]), corpus) == []


def test_number_must_be_in_a_quote(corpus: Corpus) -> None:
    got = check_question(q(answer=2956), corpus)
    assert len(got) == 1 and got[0].startswith("số 2956 không có trong trích dẫn nào")
    assert check_question(q(answer=2.955), corpus) == []  # "2,955" is read both ways, as the scorer reads it


def test_count_of_units_is_the_number_of_distinct_cited_docs(corpus: Corpus) -> None:
    line = q(answer=3, tags=["set", goldcheck.COUNT_OF_UNITS],
             citations=[{"doc": "a", "quote": "Tổ công nghệ số cộng đồng"}, {"doc": "b", "quote": "Tổ công nghệ số"}])
    got = check_question(line, corpus)
    assert got == ["đáp án 3 khác số tài liệu được trích dẫn (2) (gold:count-of-units: gold must equal the number "
                   "of distinct cited docs)"]


def test_text_fact_must_be_in_a_cited_document(corpus: Corpus) -> None:
    line = q(type="text", answer=[["tổ dân phố"], ["Trí Quả", "phường Trí Quả"]],
             citations=[{"doc": "a", "quote": "Tổ công nghệ số cộng đồng"}])
    got = check_question(line, corpus)
    assert got == ["ý thứ 2 (Trí Quả / phường Trí Quả) không có trong tài liệu được trích dẫn nào "
                   "(fact 2 not found in any cited document)"]


def test_set_unit_needs_a_citation_naming_it(corpus: Corpus) -> None:
    line = q(type="set", answer=["Phương Liễu", "Trí Quả"], citations=[{"doc": "a", "quote": "Tổ công nghệ số"}])
    got = check_question(line, corpus)
    assert got == ["đơn vị không có trích dẫn nào nêu tên: Trí Quả (gold unit without a citation naming it)"]
    # the gazetteer exception still requires the unit to exist somewhere in the corpus
    line = q(type="set", answer=["Phương Liễu", "Kim Thành"], tags=[goldcheck.UNITS_FROM_GAZETTEER],
             citations=[{"doc": "a", "quote": "Tổ công nghệ số"}])
    got = check_question(line, corpus)
    assert len(got) == 1 and got[0].startswith("đơn vị không được nêu trong tài liệu nào của kho: Kim Thành")


def test_check_file_reports_file_line_and_id(tmp_path: Path, corpus: Corpus) -> None:
    path = tmp_path / "q.jsonl"
    lines = [json.dumps(q(), ensure_ascii=False), "", "{not json", json.dumps(q(answer=7), ensure_ascii=False),
             json.dumps([1, 2])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = [str(p) for p in check_file(path, corpus)]
    assert got[0].startswith(f"{path}:3 -: dòng JSON không hợp lệ")
    assert got[1] == f"{path}:4 n1: mã câu hỏi trùng với dòng 1 (duplicate id)"
    assert got[2].startswith(f"{path}:4 n1: số 7 không có trong trích dẫn nào")
    assert got[3] == f"{path}:5 -: dòng phải là một đối tượng JSON (line must be a JSON object)"
    assert len(got) == 4


def test_cli_exit_codes_and_one_line_per_problem(tmp_path: Path, corpus: Corpus,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text(json.dumps(q(), ensure_ascii=False) + "\n", encoding="utf-8")
    bad.write_text(json.dumps(q(answer=1), ensure_ascii=False) + "\n"
                   + json.dumps(q(id="n2", type="none"), ensure_ascii=False) + "\n", encoding="utf-8")
    assert goldcheck.main([str(good), "--corpus", str(corpus.root)]) == 0
    assert "Đạt: 1 câu hỏi trong 1 tệp" in capsys.readouterr().out
    assert goldcheck.main([str(good), str(bad), "--corpus", str(corpus.root)]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        f"{bad}:1 n1: số 1 không có trong trích dẫn nào (gold number not in any quote; nếu là số đếm đơn vị, "
        "thêm nhãn 'gold:count-of-units')",
        f"{bad}:2 n2: câu không có trong báo cáo: đáp án phải là null (none: answer must be null)",
        f"{bad}:2 n2: câu không có trong báo cáo: không được có trích dẫn (none: no citations allowed)"]
    assert "3 lỗi trong 3 câu hỏi của 2 tệp" in out.err
    # usage problems: exit 2 with one Vietnamese line
    assert goldcheck.main([str(good)]) == 2
    assert "cần --corpus" in capsys.readouterr().err
    assert goldcheck.main([str(good), "--corpus", str(corpus.root), str(corpus.root)]) == 2
    assert "--corpus cần 1 thư mục hoặc đúng 1 thư mục" in capsys.readouterr().err
    assert goldcheck.main([str(tmp_path / "missing.jsonl"), "--corpus", str(corpus.root)]) == 2
    assert "không tìm thấy tệp câu hỏi" in capsys.readouterr().err


def test_cli_suite_mode(tmp_path: Path, corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "q.jsonl").write_text(json.dumps(q(), ensure_ascii=False) + "\n", encoding="utf-8")
    suite = tmp_path / "s.toml"
    suite.write_text('[[files]]\nname = "one"\nquestions = "q.jsonl"\ncorpus = "corpus"\nrole = "test"\n',
                     encoding="utf-8")
    assert goldcheck.main(["--suite", str(suite)]) == 0
    assert "Đạt: 1 câu hỏi" in capsys.readouterr().out
