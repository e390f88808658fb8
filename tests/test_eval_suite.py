"""`python -m eval` over several question files: suites, per-class results, confident-wrong, abstention
precision / recall, suite.json / report.md / RESULTS.md sections."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

import eval.__main__ as cli
from eval import runner
from eval.report import file_section, merge_results_md, parse_sections, render_results_md
from eval.results import build_results, decision_rows, group_metrics, question_class
from eval.runner import ConfigRun, QuestionRun
from eval.scoring import UnitVocabulary, aggregate, score_details
from eval.suite import SuiteError, from_cli, load_suite, role_from_path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "data" / "reports"
PUBLIC = REPO / "data" / "public"


def ans(text: str, abstained: bool = False) -> dict:
    return {"question": "?", "answer": text, "abstained": abstained, "mode": "extractive", "retrieval": "lexical",
            "timings_ms": {}, "citations": []}


NUM = {"id": "n1", "question": "?", "type": "number", "answer": 5, "citations": [], "tags": ["count", "x"]}
NUM2 = {"id": "n2", "question": "?", "type": "number", "answer": 7, "citations": [], "tags": ["lookup"]}
NONE1 = {"id": "z1", "question": "?", "type": "none", "answer": None, "citations": [], "tags": ["abstain"]}
NONE2 = {"id": "z2", "question": "?", "type": "none", "answer": None, "citations": [], "tags": ["abstain", "x"]}
UNTAGGED = {"id": "u1", "question": "?", "type": "number", "answer": 1, "citations": []}
QUESTIONS = [NUM, NUM2, NONE1, NONE2, UNTAGGED]
# n1 right; n2 wrong (confident); z1 abstained (right); z2 answered (confident-wrong); u1 abstained (wrong,
# not confident)
ANSWERS = [ans("Có 5 lớp [1]."), ans("Có 8 lớp [1]."), ans("Không có.", abstained=True), ans("Có 3 [1]."),
           ans("Không nêu.", abstained=True)]


# ------------------------------------------------------------------ metrics


def test_confident_wrong_and_abstention_precision_recall() -> None:
    m = aggregate(score_details(QUESTIONS, ANSWERS))
    assert m["accuracy"] == pytest.approx(2 / 5)
    assert m["n_confident_wrong"] == 2  # n2 (wrong value) and z2 (answered a none question)
    assert m["n_confident_wrong_none"] == 1
    assert m["confident_wrong"] == pytest.approx(2 / 5)  # share of ALL questions
    assert m["n_abstained"] == 2 and m["n_abstained_none"] == 1
    assert m["abstention_precision"] == pytest.approx(1 / 2)  # z1 of {z1, u1}
    assert m["abstention_recall"] == pytest.approx(1 / 2)  # z1 of {z1, z2}


def test_a_missing_answer_is_an_error_not_a_confident_wrong_answer() -> None:
    m = aggregate(score_details([NUM, NUM2], [None, ans("Có 8.")]))
    assert m["n_no_answer"] == 1
    assert m["n_confident_wrong"] == 1 and m["confident_wrong"] == 0.5


def test_abstention_precision_is_undefined_without_abstentions() -> None:
    m = aggregate(score_details([NUM, NONE1], [ans("5"), ans("không rõ")]))
    assert "abstention_precision" not in m
    assert m["abstention_recall"] == 0.0 and m["confident_wrong"] == 0.5


def _run(answers: list[dict | None]) -> ConfigRun:
    return ConfigRun(name="lexical", answerer="assistant", runs=[
        QuestionRun(answer=a, passages=[], latency_ms=10.0 + i, retrieval_ms=1.0) for i, a in enumerate(answers)])


def _results(answers: list[dict], run_meta: dict | None = None) -> dict:
    meta = {"run": {"n_questions": len(answers), "questions_file": "eval/dev/x_test.jsonl", "corpus": "data/reports",
                    "name": "x_test", "role": "test", "started_at": "2026-01-01T00:00:00+00:00", "seconds": 1.0,
                    **(run_meta or {})}}
    return build_results([_run(answers)], QUESTIONS, UnitVocabulary(), meta)


def test_results_by_class_and_tag_and_headline_keys() -> None:
    assert [question_class(q) for q in QUESTIONS] == ["count", "lookup", "abstain", "abstain", "(không nhãn)"]
    res = _results(ANSWERS)
    assert res["accuracy"] == pytest.approx(0.4)
    assert res["confident_wrong"] == pytest.approx(0.4)
    assert (res["abstention_precision"], res["abstention_recall"]) == (0.5, 0.5)
    assert res["latency_p50_ms"] == 12.0
    cfg = res["configs"]["lexical"]
    assert set(cfg["by_class"]) == {"count", "lookup", "abstain", "(không nhãn)"}
    ab = cfg["by_class"]["abstain"]
    assert (ab["n"], ab["accuracy"], ab["confident_wrong"], ab["n_none"], ab["n_abstained_none"]) == (2, 0.5, 0.5, 2, 1)
    assert cfg["by_class"]["lookup"]["confident_wrong"] == 1.0
    assert cfg["by_class"]["(không nhãn)"]["confident_wrong"] == 0.0  # it abstained: wrong, not confident
    # every tag, not only the first, keeps its {n, accuracy} (the app and report read these)
    assert cfg["by_tag"]["x"]["n"] == 2 and cfg["by_tag"]["x"]["accuracy"] == 0.5
    assert "(không nhãn)" not in cfg["by_tag"]


def test_decision_rows_pool_like_the_scorer() -> None:
    res = _results(ANSWERS)
    pooled = group_metrics(decision_rows(res) + decision_rows(_results([ans("5"), ans("7"), ans("x", True),
                                                                          ans("y", True), ans("1")])))
    assert pooled["n"] == 10
    assert pooled["n_correct"] == 2 + 5
    assert pooled["n_confident_wrong"] == 2
    assert pooled["abstention_recall"] == pytest.approx(3 / 4)
    assert pooled["abstention_precision"] == pytest.approx(3 / 4)


# ------------------------------------------------------------------ suites


def test_load_suite_resolves_paths_next_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    f = tmp_path / "s" / "suite.toml"
    f.write_text('configs = ["baseline"]\n[[files]]\nname = "a_tune"\nquestions = "../q/a.jsonl"\n'
                 'corpus = "../reports"\nrole = "tune"\n[[files]]\nname = "b"\nquestions = "../q/b.jsonl"\n'
                 'corpus = "../public"\n', encoding="utf-8")
    suite = load_suite(f)
    assert [(e.name, e.role) for e in suite.entries] == [("a_tune", "tune"), ("b", "extra")]
    assert suite.entries[0].questions == (tmp_path / "q" / "a.jsonl").resolve()
    assert suite.corpora == [(tmp_path / "reports").resolve(), (tmp_path / "public").resolve()]
    assert suite.configs == ["baseline"]


@pytest.mark.parametrize(("body", "message"), [
    ('[[files]]\nname = "a"\nquestions = "q"\n', "thiếu trường 'corpus'"),
    ('[[files]]\nname = "a"\nquestions = "q"\ncorpus = "c"\nrole = "dev"\n', "vai trò 'dev' không hợp lệ"),
    ('[[files]]\nname = "a b"\nquestions = "q"\ncorpus = "c"\n', "tên 'a b' chỉ được gồm"),
    ('[[files]]\nname = "a"\nquestions = "q"\ncorpus = "c"\nfile = "x"\n', "trường không hợp lệ (unknown fields): file"),
    ('[[files]]\nname = "a"\nquestions = "q"\ncorpus = "c"\n[[files]]\nname = "a"\nquestions = "r"\ncorpus = "c"\n',
     "tên bộ câu hỏi bị trùng (duplicate names): a"),
    ('name = "a"\n', "thiếu danh sách [[files]]"),
    ("[[files]\n", "không phải TOML hợp lệ"),
])
def test_bad_suites_are_refused_with_one_line(tmp_path: Path, body: str, message: str) -> None:
    f = tmp_path / "suite.toml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(SuiteError) as err:
        load_suite(f)
    assert message in str(err.value) and str(f) in str(err.value)


def test_from_cli_pairs_files_with_corpora_and_reads_roles(tmp_path: Path) -> None:
    files = [tmp_path / "a_tune.jsonl", tmp_path / "a_test.jsonl", REPO / "eval" / "questions.jsonl",
             tmp_path / "other.jsonl"]
    suite = from_cli(files, [SAMPLES])
    assert [(e.name, e.role, e.corpus) for e in suite.entries] == [
        ("a_tune", "tune", SAMPLES), ("a_test", "test", SAMPLES), ("questions", "fixed", SAMPLES),
        ("other", "extra", SAMPLES)]
    assert suite.corpora == [SAMPLES]
    two = from_cli(files[:2], [SAMPLES, PUBLIC])
    assert [e.corpus for e in two.entries] == [SAMPLES, PUBLIC] and two.corpora == [SAMPLES, PUBLIC]
    with pytest.raises(SuiteError, match="--corpus cần 1 thư mục hoặc đúng 4 thư mục"):
        from_cli(files, [SAMPLES, PUBLIC])
    with pytest.raises(SuiteError, match="trùng"):
        from_cli([tmp_path / "a.jsonl", tmp_path / "x" / "a.jsonl"], [SAMPLES])
    assert role_from_path(REPO / "eval" / "dev" / "public_test.jsonl") == "test"


def test_the_dev_suite_lists_every_file_with_its_role() -> None:
    suite = load_suite(REPO / "eval" / "suites" / "dev.toml")
    roles = {e.questions.relative_to(REPO).as_posix(): (e.role, e.corpus.relative_to(REPO).as_posix())
             for e in suite.entries}
    assert roles == {
        "eval/questions.jsonl": ("fixed", "data/reports"), "eval/questions_extra.jsonl": ("extra", "data/reports"),
        **{f"eval/dev/samples_{s}_{r}.jsonl": (r, "data/reports") for s in "abcdef" for r in ("tune", "test")},
        **{f"eval/dev/public4_{r}.jsonl": (r, "data/public4") for r in ("tune", "test")},
        **{f"eval/dev/public5_{r}.jsonl": (r, "data/public5") for r in ("tune", "test")},
        **{f"eval/dev/public_{r}.jsonl": (r, "data/public") for r in ("tune", "test")},
        **{f"eval/dev/public_c_{r}.jsonl": (r, "data/public") for r in ("tune", "test")},
        **{f"eval/dev/public2_{r}.jsonl": (r, "data/public2") for r in ("tune", "test")},
        "eval/dev/public3_test.jsonl": ("test", "data/public3"),
        "eval/dev/unseen_fixtures.jsonl": ("extra", "tests/fixtures/unseen")}


# ------------------------------------------------------------------ RESULTS.md sections


def test_results_md_replaces_a_files_section_in_place_and_keeps_the_others() -> None:
    a = _results(ANSWERS)
    b = _results(ANSWERS[:2] + [ans("x", True)] * 3, {"questions_file": "eval/dev/y_tune.jsonl", "name": "y_tune",
                                                       "role": "tune"})
    legacy = "# Kết quả đánh giá mới nhất\n\nold single-file text without sections\n"
    first = render_results_md(a, "out/x", legacy)
    assert "old single-file text" not in first
    assert [k for k, _ in parse_sections(first)] == ["eval/dev/x_test.jsonl @ data/reports"]
    assert "## x_test — tập kiểm tra giữ riêng / held-out test set" in first
    assert "| abstain | 2 | 50.0% | 50.0% | 50.0% | 1/2 | – |" in first  # per-class table
    both = merge_results_md(first, [file_section(b, "out/y")])
    assert [k for k, _ in parse_sections(both)] == ["eval/dev/x_test.jsonl @ data/reports",
                                                    "eval/dev/y_tune.jsonl @ data/reports"]
    # scoring x again (all right now) replaces its section in place; y's section stays
    a2 = _results([ans("5"), ans("7"), ans("x", True), ans("y", True), ans("1")])
    again = merge_results_md(both, [file_section(a2, "out/x")])
    keys = [k for k, _ in parse_sections(again)]
    assert keys == ["eval/dev/x_test.jsonl @ data/reports", "eval/dev/y_tune.jsonl @ data/reports"]
    overview = again.split("## Tổng quan / Overview", 1)[1].split("<!-- eval:section", 1)[0]
    assert ("| `eval/dev/x_test.jsonl` | tập kiểm tra giữ riêng / held-out test set | 5 | 100.0% | 100.0% | 0.0% "
            "| 100.0% | 100.0% |") in overview
    # y: n1 right, n2 wrong (confident), z1/z2 abstained (right), u1 abstained (wrong, not confident)
    assert "| `eval/dev/y_tune.jsonl` | tập điều chỉnh / tune set | 5 | 60.0% | 60.0% | 20.0% | 66.7% | 100.0% |" \
        in overview
    assert overview.count("gộp / pooled") == 0  # one file per role: nothing to pool
    # a second test file: the test files are pooled from their counts (5 + 5 questions)
    z = _results(ANSWERS, {"questions_file": "eval/dev/z_test.jsonl", "name": "z_test"})
    pooled = merge_results_md(again, [file_section(z, "out/z")])
    assert ("| **gộp / pooled: 2 tệp / files** | tập kiểm tra giữ riêng / held-out test set | 10 | 70.0% | 70.0% "
            "| 20.0% | 75.0% | 75.0% | – |") in pooled


# ------------------------------------------------------------------ the CLI over several files


def _write(path: Path, questions: list[dict]) -> Path:
    path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8")
    return path


SAMPLE_Q = {"id": "b1", "question": "Tỷ lệ phủ sóng 5G ở phường Trung Thành là bao nhiêu?", "type": "number",
            "answer": 75, "citations": [{"doc": "004_faad2a6d99a2e313", "quote": "tỷ lệ phủ sóng 5G đạt 75%"}],
            "tags": ["lookup"]}
SAMPLE_NONE = {"id": "b2", "question": "Giá vàng hôm nay ở phường Trung Thành?", "type": "none", "answer": None,
               "citations": [], "tags": ["abstain"]}
PUBLIC_Q = {"id": "p1", "question": "Cuộc thi tìm hiểu CĐS của xã Kim Thành gồm bao nhiêu câu hỏi trắc nghiệm?",
            "type": "number", "answer": 30, "citations": [{"doc": "06_xa_kim_thanh", "quote": "gồm 30 câu hỏi trắc nghiệm"}],
            "tags": ["count"]}


def test_cli_several_files_each_with_its_corpus_baseline_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results_md = tmp_path / "RESULTS.md"
    results_md.write_text(f"# old\n\n{cli.KEPT_MARKER}\n\n## Scale\nkept text\n", encoding="utf-8")
    monkeypatch.setattr(cli, "RESULTS_MD", results_md)
    a = _write(tmp_path / "s_test.jsonl", [SAMPLE_Q, SAMPLE_NONE])
    b = _write(tmp_path / "p_tune.jsonl", [PUBLIC_Q])
    out = tmp_path / "out"
    rc = cli.main(["--questions", str(a), str(b), "--corpus", str(SAMPLES), str(PUBLIC), "--out", str(out),
                   "--configs", "baseline", "--no-progress", "--write-results"])
    assert rc == 0
    ra = json.loads((out / "s_test" / "results.json").read_text(encoding="utf-8"))
    rb = json.loads((out / "p_tune" / "results.json").read_text(encoding="utf-8"))
    assert (ra["run"]["role"], rb["run"]["role"]) == ("test", "tune")
    assert ra["run"]["corpus"] == "data/reports" and rb["run"]["corpus"] == "data/public"
    base_a = ra["configs"]["baseline"]
    assert base_a["questions"][0]["correct"] is True  # "tỷ lệ phủ sóng 5G đạt 75%" is the best sentence
    assert base_a["metrics"]["n_confident_wrong"] == 1  # the stock pipeline never abstains: b2 is answered
    assert base_a["by_class"]["abstain"]["confident_wrong"] == 1.0
    assert rb["configs"]["baseline"]["questions"][0]["passages"][0]["doc_id"] == "06_xa_kim_thanh"
    assert (out / "s_test" / "report.md").exists() and (out / "p_tune" / "accuracy_by_type.png").exists()
    suite = json.loads((out / "suite.json").read_text(encoding="utf-8"))
    assert [(f["name"], f["role"], f["n_questions"]) for f in suite["files"]] == [("s_test", "test", 2),
                                                                              ("p_tune", "tune", 1)]
    assert suite["files"][0]["main_config"] is None  # no assistant configuration asked
    assert "[s_test](s_test/report.md)" in (out / "report.md").read_text(encoding="utf-8")
    md = results_md.read_text(encoding="utf-8")
    assert md.startswith("# Kết quả đánh giá mới nhất")
    assert [k.split(" @ ")[1] for k, _ in parse_sections(md.split(cli.KEPT_MARKER)[0])] == ["data/reports",
                                                                                          "data/public"]
    assert md.endswith(f"{cli.KEPT_MARKER}\n\n## Scale\nkept text\n")


def test_cli_refuses_bad_combinations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _write(tmp_path / "a.jsonl", [SAMPLE_Q])
    suite = tmp_path / "s.toml"
    suite.write_text('[[files]]\nname = "a"\nquestions = "a.jsonl"\ncorpus = "x"\n', encoding="utf-8")
    out = str(tmp_path / "out")
    assert cli.main(["--suite", str(suite), "--questions", str(a), "--out", out]) == 2
    assert "dùng --suite hoặc --questions/--corpus" in capsys.readouterr().out
    assert cli.main(["--questions", str(a), str(a), "--corpus", str(SAMPLES), str(PUBLIC), "--store",
                     str(tmp_path / "st"), "--out", out]) == 2
    out_text = capsys.readouterr().out
    assert "trùng" in out_text  # the same file twice: two sections with one name
    b = _write(tmp_path / "b.jsonl", [SAMPLE_Q])
    assert cli.main(["--questions", str(a), str(b), "--corpus", str(SAMPLES), str(PUBLIC), "--store",
                     str(tmp_path / "st"), "--out", out]) == 2
    assert "--store chỉ dùng được với một thư mục báo cáo" in capsys.readouterr().out
    assert cli.main(["--questions", str(a), "--corpus", str(SAMPLES), str(PUBLIC), "--out", out]) == 2
    assert "--corpus cần 1 thư mục hoặc đúng 1 thư mục" in capsys.readouterr().out


SERVICES_MISSING = importlib.util.find_spec("assistant.services") is None


@pytest.mark.skipif(SERVICES_MISSING, reason="assistant.services not importable")
def test_cli_suite_ingests_each_corpus_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "RESULTS_MD", tmp_path / "RESULTS.md")
    monkeypatch.setenv("EMBED_MODEL", "none")
    calls: list[int] = []
    real_ingest = runner.ingest

    def counting(settings: object, files: list[Path]) -> dict:
        calls.append(len(files))
        return real_ingest(settings, files)

    monkeypatch.setattr(runner, "ingest", counting)
    _write(tmp_path / "a.jsonl", [SAMPLE_Q])
    _write(tmp_path / "b.jsonl", [SAMPLE_NONE])
    _write(tmp_path / "c.jsonl", [PUBLIC_Q])
    suite = tmp_path / "dev.toml"
    suite.write_text(
        'configs = ["lexical"]\n'
        f'[[files]]\nname = "a"\nquestions = "a.jsonl"\ncorpus = "{SAMPLES}"\nrole = "tune"\n'
        f'[[files]]\nname = "b"\nquestions = "b.jsonl"\ncorpus = "{SAMPLES}"\nrole = "test"\n'
        f'[[files]]\nname = "c"\nquestions = "c.jsonl"\ncorpus = "{PUBLIC}"\nrole = "test"\n', encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["--suite", str(suite), "--out", str(out), "--no-progress"]) == 0
    assert calls == [5, 21]  # two distinct corpora, each ingested once
    assert sorted(p.name for p in out.glob("store-*")) == ["store-public", "store-reports"]
    ov = json.loads((out / "suite.json").read_text(encoding="utf-8"))
    assert ov["run"]["configs"] == ["lexical"]
    assert [f["main_config"] for f in ov["files"]] == ["lexical"] * 3
    assert ov["by_role"]["test"]["n"] == 2 and ov["by_role"]["tune"]["n"] == 1
    for f in ov["files"]:
        res = json.loads((out / f["name"] / "results.json").read_text(encoding="utf-8"))
        assert res["configs"]["lexical"]["status"] == "ok"
        assert set(res["configs"]["lexical"]["by_class"]) == {question_class(q) for q in res["configs"]["lexical"]
                                                              ["questions"]}
    assert not (tmp_path / "RESULTS.md").exists()  # not the default --out and no --write-results
