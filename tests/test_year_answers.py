"""Years written "năm 2024" answer "... năm nào?" when the text gives no full date; with two years in
one sentence, the one told apart by the words the question puts before "năm nào"."""

from __future__ import annotations

import pytest

from tests.ingest_fixtures import services_over

REPORT = """Xã Tân Lập đẩy mạnh chuyển đổi số ở thôn

Xã Tân Lập, tỉnh Phú Thọ những năm qua chú trọng xây dựng thôn thông minh.

Thôn Đồng Quýt được công nhận là thôn nông thôn mới kiểu mẫu từ năm 2021 và thôn thông minh năm 2023.

Xã thành lập Tổ công nghệ số cộng đồng đầu tiên năm 2022, đến nay có 14 tổ với 96 thành viên.
"""


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory):
    svc = services_over(tmp_path_factory, {"tin_xa_tan_lap.txt": REPORT})
    yield svc
    svc.close()


@pytest.mark.parametrize(("question", "year", "other"), [
    ("Thôn Đồng Quýt được công nhận thôn nông thôn mới kiểu mẫu năm nào?", "2021", "2023"),
    ("Thôn Đồng Quýt được công nhận thôn thông minh vào năm nào?", "2023", "2021"),
    ("Xã Tân Lập thành lập Tổ công nghệ số cộng đồng đầu tiên năm nào?", "2022", "2021"),
])
def test_the_year_of_the_asked_event(services, question: str, year: str, other: str) -> None:
    a = services.answerer.ask(question, [])
    assert not a.abstained, a.answer
    assert a.answer.startswith(f"Năm {year} — "), a.answer
    assert other not in a.answer.split(" — ")[0]
    assert a.citations and year in a.citations[0].text


def test_a_year_question_the_text_does_not_answer_abstains(services) -> None:
    a = services.answerer.ask("Xã Tân Lập được công nhận xã nông thôn mới nâng cao năm nào?", [])
    assert a.abstained, a.answer
