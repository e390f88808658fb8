"""The scorer against hand-made answers for every question type (rules of docs/DESIGN.md)."""

from __future__ import annotations

import pytest

from eval.scoring import (
    UnitVocabulary,
    extract_numbers,
    read_number_token,
    retrieval_scores,
    score_answer,
    score_details,
    score_run,
    strip_note,
)


def ans(text: str, abstained: bool = False, citations: list[dict] | None = None) -> dict:
    return {"question": "q", "answer": text, "abstained": abstained, "citations": citations or [],
            "mode": "extractive", "retrieval": "lexical", "timings_ms": {"total": 1.0}}


def cite(n: int, doc: str, text: str) -> dict:
    return {"n": n, "doc_id": doc, "unit": "", "section": "", "paragraph_ids": [f"{doc}:p1"], "text": text}


def num_q(value: float) -> dict:
    return {"id": "n1", "question": "?", "type": "number", "answer": value,
            "citations": [{"doc": "A", "quote": "tiếp nhận: 2,955 hồ sơ"}], "tags": []}


SET_Q = {"id": "s1", "question": "Những phường nào đạt 100%?", "type": "set",
         "answer": ["Phương Liễu", "Trí Quả", "Phù Liễn"], "citations": [], "tags": []}
UNITS = ["Phương Liễu", "Trí Quả", "Phù Liễn", "Dương Hưu", "Trung Thành"]


# ------------------------------------------------------------------ number reading

@pytest.mark.parametrize(("token", "readings"), [
    ("2,955", {2955.0, 2.955}),
    ("2.955", {2955.0, 2.955}),
    ("99,75", {99.75}),
    ("99.75", {99.75}),
    ("120.000.000", {120000000.0}),
    ("1.234,5", {1234.5}),
    ("1,234.5", {1234.5}),
    ("05", {5.0}),
    ("1,2,3", {1.0, 2.0, 3.0}),
])
def test_read_number_token(token: str, readings: set[float]) -> None:
    assert read_number_token(token) == readings


def test_extract_numbers_scales_markers_and_identifiers() -> None:
    got = extract_numbers("Giải ngân 499 triệu đồng [2], 1,5 tỷ; tỷ lệ 30 tỷ lệ; gói FiberEco4 [12]")
    assert got == [("499 triệu", {499.0, 499e6}), ("1,5 tỷ", {1.5, 1.5e9}), ("30", {30.0})]


@pytest.mark.parametrize(("prose", "gold"), [
    ("Trong kỳ báo cáo tiếp nhận: 2,955 hồ sơ [1].", 2955),
    ("Tiếp nhận 2.955 hồ sơ [1].", 2955),
    ("Tỷ lệ hồ sơ trực tuyến toàn trình đạt 99,75% [1].", 99.75),
    ("Tỷ lệ đạt 99.75% [1].", 99.75),
    ("Đã giải ngân 120.000.000 đồng [1].", 120000000),
    ("Đã giải ngân 120 triệu đồng [1].", 120000000),
    ("Kinh phí 499 triệu đồng [1].", 499000000),
    ("Kinh phí 1,5 tỷ đồng [1].", 1500000000),
    ("Tổng số hồ sơ tiếp nhận là 12.456 hồ sơ [1].", 12456),
    ("Tiếp nhận 12,456 hồ sơ.", 12456),
    ("Đã tiếp nhận 05 phản ánh kiến nghị [1].", 5),
    ("Đạt tỷ lệ 98,70% [1].", 98.7),
    ("Xếp hạng 26/99 xã phường [1].", 26),
])
def test_number_correct(prose: str, gold: float) -> None:
    res = score_answer(num_q(gold), ans(prose))
    assert res["correct"] is True
    assert res["credit"] == 1.0


@pytest.mark.parametrize(("prose", "gold"), [
    ("Tiếp nhận 2,956 hồ sơ [1].", 2955),
    ("Tỷ lệ đạt 99,7% [1].", 99.75),
    ("Không có số liệu [5].", 5),  # a citation marker is not a number of the prose
    ("Nâng cấp gói FiberEco4 [1].", 4),  # digits glued to a word are an identifier
    ("Đã giải ngân 120.000 đồng.", 120000000),
])
def test_number_wrong(prose: str, gold: float) -> None:
    res = score_answer(num_q(gold), ans(prose))
    assert res["correct"] is False
    assert res["credit"] == 0.0


def test_number_prose_limit_is_1500_chars() -> None:
    ok = "Tiếp nhận 2,955 hồ sơ. " + "x" * (1500 - 23)
    assert len(ok) == 1500
    assert score_answer(num_q(2955), ans(ok))["correct"] is True
    too_long = ok + "y"
    res = score_answer(num_q(2955), ans(too_long))
    assert res["correct"] is False
    assert res["too_long"] is True


def test_number_abstained_is_wrong_even_with_the_number() -> None:
    res = score_answer(num_q(2955), ans("Tiếp nhận 2,955 hồ sơ.", abstained=True))
    assert res["correct"] is False
    assert res["credit"] == 0.0


# ------------------------------------------------------------------ set

def test_set_exact_is_correct_accent_insensitive_and_typo_variant() -> None:
    res = score_answer(SET_Q, ans("Các phường: Phương Liễu [1], Tri Qua [2] và Phù Liên [3]."),
                       unit_names=UNITS)
    assert res["predicted"] == ["Phương Liễu", "Trí Quả", "Phù Liễn"]
    assert (res["precision"], res["recall"], res["f1"]) == (1.0, 1.0, 1.0)
    assert res["correct"] is True


def test_set_extra_unit_is_wrong() -> None:
    res = score_answer(SET_Q, ans("Phương Liễu, Trí Quả, Phù Liễn và Dương Hưu."), unit_names=UNITS)
    assert res["extra"] == ["Dương Hưu"]
    assert res["precision"] == 0.75
    assert res["recall"] == 1.0
    assert res["f1"] == pytest.approx(6 / 7)
    assert res["correct"] is False
    assert res["credit"] == pytest.approx(6 / 7)


def test_set_missing_unit_is_wrong() -> None:
    res = score_answer(SET_Q, ans("Phương Liễu và Trí Quả đạt 100%."), unit_names=UNITS)
    assert res["missing"] == ["Phù Liễn"]
    assert res["precision"] == 1.0
    assert res["recall"] == pytest.approx(2 / 3)
    assert res["f1"] == pytest.approx(0.8)
    assert res["correct"] is False


def test_set_unit_only_known_from_corpus_counts_as_extra() -> None:
    # Without the corpus vocabulary "Trung Thành" is unknown; with it, it is an extra unit.
    prose = "Phương Liễu, Trí Quả, Phù Liễn, Trung Thành."
    assert score_answer(SET_Q, ans(prose))["correct"] is True
    assert score_answer(SET_Q, ans(prose), unit_names=UNITS)["correct"] is False


def test_set_common_words_are_not_unit_names() -> None:
    prose = "Phương Liễu, Trí Quả, Phù Liễn; các đơn vị tập trung thành lập tổ công nghệ số."
    res = score_answer(SET_Q, ans(prose), unit_names=UNITS)
    assert res["predicted"] == ["Phương Liễu", "Trí Quả", "Phù Liễn"]
    assert res["correct"] is True
    # ... but a lower-case or unaccented name after a unit-type word is a unit
    res = score_answer(SET_Q, ans(prose + " Và phuong trung thanh."), unit_names=UNITS)
    assert res["extra"] == ["Trung Thành"]


def test_set_units_after_luu_y_line_are_not_in_the_answer_set() -> None:
    prose = ("Các đơn vị đạt 100%: Phương Liễu [1], Trí Quả [2], Phù Liễn [3].\n"
             "Lưu ý: báo cáo của Dương Hưu, Trung Thành không nêu chỉ tiêu này.")
    res = score_answer(SET_Q, ans(prose), unit_names=UNITS)
    assert res["predicted"] == ["Phương Liễu", "Trí Quả", "Phù Liễn"]
    assert res["correct"] is True
    # markdown decoration around the note is tolerated
    md = prose.replace("Lưu ý:", "- **Lưu ý:**")
    assert score_answer(SET_Q, ans(md), unit_names=UNITS)["correct"] is True
    # "Lưu ý" not at the start of a line does not cut the answer
    inline = prose.replace("\nLưu ý:", " Lưu ý:")
    assert score_answer(SET_Q, ans(inline), unit_names=UNITS)["correct"] is False


def test_strip_note() -> None:
    assert strip_note("A\nB\nLưu ý: C\nD") == "A\nB\n"
    assert strip_note("A Lưu ý: C") == "A Lưu ý: C"
    assert strip_note("A\n  * Luu y: C") == "A\n"


def test_set_abstained_is_wrong() -> None:
    res = score_answer(SET_Q, ans("Phương Liễu, Trí Quả, Phù Liễn", abstained=True), unit_names=UNITS)
    assert res["correct"] is False


def test_vocabulary_prefers_longest_name() -> None:
    vocab = UnitVocabulary(["Tân An", "Tân An Hội"])
    assert vocab.find("Xã Tân An Hội và phường Tân An") == ["Tân An Hội", "Tân An"]
    assert vocab.find("Xã Tân An Hội") == ["Tân An Hội"]


# ------------------------------------------------------------------ text

TEXT_Q = {"id": "t1", "question": "?", "type": "text",
          "answer": [["VNPT"], ["FiberEco4"], ["1 năm 6 tháng", "01 năm 06 tháng"]],
          "citations": [], "tags": []}


def test_text_all_facts_case_insensitive() -> None:
    res = score_answer(TEXT_Q, ans("Phối hợp với vnpt, gói FIBERECO4, sơ kết 01 năm 06 tháng."))
    assert res["correct"] is True
    assert res["credit"] == 1.0


def test_text_partial_credit() -> None:
    res = score_answer(TEXT_Q, ans("Phối hợp với VNPT Hải Phòng."))
    assert res["correct"] is False
    assert res["credit"] == pytest.approx(1 / 3)
    assert res["missing"] == ["FiberEco4", "1 năm 6 tháng"]
    res = score_answer(TEXT_Q, ans("VNPT, gói FiberEco4."))
    assert res["credit"] == pytest.approx(2 / 3)


def test_text_is_accent_sensitive_and_abstained_wrong() -> None:
    q = {"id": "t2", "type": "text", "answer": [["Nguyễn Chính Bảo"]], "citations": []}
    assert score_answer(q, ans("Người ký: NGUYỄN CHÍNH BẢO"))["correct"] is True
    assert score_answer(q, ans("Người ký: Nguyen Chinh Bao"))["correct"] is False
    assert score_answer(q, ans("Nguyễn Chính Bảo", abstained=True))["credit"] == 0.0


# ------------------------------------------------------------------ none

NONE_Q = {"id": "x1", "question": "Giá vàng hôm nay?", "type": "none", "answer": None,
          "citations": [], "tags": []}


def test_none_correct_only_when_abstained() -> None:
    assert score_answer(NONE_Q, ans("Các báo cáo không có thông tin này.", abstained=True))["correct"] is True
    assert score_answer(NONE_Q, ans("Giá vàng là 80 triệu."))["correct"] is False
    # the prose alone does not count as abstaining
    assert score_answer(NONE_Q, ans("Các báo cáo không có thông tin này."))["correct"] is False


def test_missing_answer_scores_zero() -> None:
    assert score_answer(num_q(5), None)["correct"] is False


# ------------------------------------------------------------------ citations

CITE_Q = {"id": "c1", "type": "number", "answer": 2955,
          "citations": [{"doc": "A", "quote": "tiếp nhận: 2,955 hồ sơ"},
                        {"doc": "B", "quote": "Tỷ lệ  đạt 100%"}]}


def test_citation_recall_and_precision() -> None:
    cites = [cite(1, "A", "Trong kỳ báo cáo TIẾP NHẬN: 2,955 hồ sơ: (số liệu)"),
             cite(2, "C", "Tỷ lệ đạt 100%"),  # quote text found, but doc not a gold doc
             cite(3, "C", "khác")]
    res = score_answer(CITE_Q, ans("Tiếp nhận 2,955 hồ sơ [1].", citations=cites))
    assert res["citation_recall"] == 1.0  # whitespace runs collapsed, case-insensitive
    assert res["citation_precision"] == pytest.approx(1 / 3)
    res = score_answer(CITE_Q, ans("2,955 [1]", citations=[cite(1, "A", "tiếp nhận 2955")]))
    assert res["citation_recall"] == 0.0
    assert res["citation_precision"] == 1.0


def test_citation_metrics_undefined_without_gold_or_without_citations() -> None:
    res = score_answer(NONE_Q, ans("Không có.", abstained=True, citations=[cite(1, "A", "x")]))
    assert res["citation_recall"] is None
    assert res["citation_precision"] is None
    res = score_answer(CITE_Q, ans("2,955"))
    assert res["citation_recall"] == 0.0
    assert res["citation_precision"] is None


# ------------------------------------------------------------------ retrieval

def test_recall_at_k_and_mrr() -> None:
    q = {"id": "r1", "type": "text", "answer": [["x"]],
         "citations": [{"doc": "A", "quote": "alpha beta"}, {"doc": "B", "quote": "gamma"}]}
    passages = [{"doc_id": "Z", "text": "nothing"}] * 2 + [{"doc_id": "A", "text": "x ALPHA   beta y"}]
    passages += [{"doc_id": "Z", "text": "nothing"}] * 5 + [{"doc_id": "B", "text": "gamma"}]
    res = retrieval_scores(q, passages)
    assert {k: res[k] for k in ("recall@1", "recall@5", "recall@10", "first_hit_rank")} == {
        "recall@1": 0.0, "recall@5": 0.5, "recall@10": 1.0, "first_hit_rank": 3}
    assert res["mrr"] == pytest.approx(1 / 3)
    assert retrieval_scores(q, [])["mrr"] == 0.0
    assert retrieval_scores(NONE_Q, passages)["recall@5"] is None


# ------------------------------------------------------------------ run level

def test_score_run_accuracy_per_type_and_abstention() -> None:
    questions = [num_q(2955), SET_Q, TEXT_Q, NONE_Q]
    answers = [ans("2.955 hồ sơ [1]", citations=[cite(1, "A", "tiếp nhận: 2,955 hồ sơ")]),
               ans("Phương Liễu, Trí Quả, Phù Liễn, Dương Hưu"),
               ans("VNPT"),
               ans("Không có thông tin.", abstained=True)]
    passages = [[{"doc_id": "A", "text": "Trong kỳ tiếp nhận: 2,955 hồ sơ"}], [], [], []]
    res = score_run(questions, answers, passages, unit_names=UNITS)
    assert res["accuracy"] == 0.5
    assert res["accuracy_number"] == 1.0
    assert res["accuracy_set"] == 0.0
    assert res["accuracy_text"] == 0.0
    assert res["accuracy_none"] == 1.0
    assert res["partial_credit"] == pytest.approx((1 + 6 / 7 + 1 / 3 + 1) / 4)
    assert res["citation_recall"] == 1.0
    assert res["citation_precision"] == 1.0
    assert res["abstention_recall"] == 1.0
    assert res["false_abstention_rate"] == 0.0
    assert res["recall@1"] == 1.0
    assert res["mrr"] == 1.0
    assert res["n"] == 4.0
    assert all(isinstance(v, float) for v in res.values())
    # dicts keyed by id work as well as aligned lists
    by_id = {q["id"]: a for q, a in zip(questions, answers, strict=True)}
    assert score_run(questions, by_id, unit_names=UNITS)["accuracy"] == 0.5


def test_score_run_gold_units_of_the_file_are_known() -> None:
    # "Dương Hưu" is only a gold unit of ANOTHER question; naming it is still an extra unit.
    other = {"id": "s2", "type": "set", "answer": ["Dương Hưu"], "citations": []}
    answers = [ans("Phương Liễu, Trí Quả, Phù Liễn, Dương Hưu"), ans("Dương Hưu")]
    rows = score_details([SET_Q, other], answers)
    assert [r["correct"] for r in rows] == [False, True]


def test_retrieval_only_run() -> None:
    res = score_run([CITE_Q], None, [[{"doc_id": "A", "text": "tiếp nhận: 2,955 hồ sơ"}]])
    assert "accuracy" not in res
    assert res["recall@5"] == 0.5
    assert res["mrr"] == 1.0


def test_run_level_recall_and_citations_are_pooled_over_quotes() -> None:
    one = {"id": "a", "type": "number", "answer": 1, "citations": [{"doc": "A", "quote": "q1"}]}
    three = {"id": "b", "type": "number", "answer": 1,
             "citations": [{"doc": "B", "quote": f"q{i}"} for i in (2, 3, 4)]}
    passages = [[{"doc_id": "A", "text": "q1"}], [{"doc_id": "B", "text": "q2"}]]
    answers = [ans("1 [1]", citations=[cite(1, "A", "q1")]),
               ans("1 [1]", citations=[cite(1, "B", "q2"), cite(2, "C", "q3"), cite(3, "C", "x")])]
    res = score_run([one, three], answers, passages)
    assert res["recall@5"] == 0.5  # 2 of the 4 gold quotes
    assert res["recall@5_macro"] == pytest.approx((1 + 1 / 3) / 2)
    assert res["mrr"] == 1.0
    assert res["citation_recall"] == 0.75  # q1, q2, q3 of 4
    assert res["citation_recall_macro"] == pytest.approx((1 + 2 / 3) / 2)
    assert res["citation_precision"] == 0.5  # 2 of 4 citations on a gold doc
    assert res["citation_precision_macro"] == pytest.approx((1 + 1 / 3) / 2)


def test_first_number_diagnostic() -> None:
    q = num_q(2955)
    assert score_answer(q, ans("2.955 hồ sơ (tháng 4/2026) [1]"))["first_number_match"] is True
    res = score_answer(q, ans("Tháng 4/2026: 2.955 hồ sơ"))
    assert res["correct"] is True
    assert res["first_number_match"] is False
    assert res["n_numbers"] == 3
    assert score_run([q, q], [ans("2955"), ans("4 và 2955")])["number_first_number_match"] == 0.5


def test_unit_type_word_is_not_read_as_a_unit_name() -> None:
    # "Phường Bình Thới" folds to "phuong binh thoi", which starts like the ward "Phương Bình".
    from eval.scoring import UnitVocabulary

    vocab = UnitVocabulary(["Phương Bình", "Bình Thới"])
    assert vocab.find("Có 1 đơn vị:\n- Phường Bình Thới: 100% [1]") == ["Bình Thới"]
    assert vocab.find("- Phường Phương Bình: 100% [1]") == ["Phương Bình"]
