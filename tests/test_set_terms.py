"""Which units ...: a two-word term the question writes side by side and several reports write
together ("thôn thông minh") must be written so; its two words apart ("thôn ... điện thoại thông
minh") do not state it."""

from __future__ import annotations

import pytest

from tests.ingest_fixtures import services_over

REPORTS = {
    "tin_xa_an_lac.txt": "Xã An Lạc xây dựng thôn thông minh\n\nXã An Lạc đã xây dựng thôn thông minh tại thôn Đông, "
                         "người dân dùng ứng dụng Công dân số.\n",
    "tin_xa_binh_son.txt": "Xã Bình Sơn ra mắt mô hình\n\nNăm 2025, xã Bình Sơn ra mắt mô hình thôn thông minh đầu tiên "
                           "với hệ thống camera an ninh.\n",
    "tin_xa_cao_son.txt": "Xã Cao Sơn hỗ trợ người dân\n\nTổ công nghệ số cộng đồng đến từng thôn hướng dẫn người cao tuổi "
                          "sử dụng điện thoại thông minh.\n",
}


FILLER = ("Bộ phận một cửa tiếp nhận hồ sơ trực tuyến đúng hạn.\n\nCán bộ được tập huấn ký số.\n\n"
          "Kinh phí chuyển đổi số được bố trí kịp thời.\n\nTrang thông tin điện tử được cập nhật.\n")


def _serve(tmp_path_factory: pytest.TempPathFactory, reports: dict[str, str], filler: str = FILLER):
    """Services over the reports, each followed by the filler paragraphs; closed after the module."""
    svc = services_over(tmp_path_factory, {name: f"{text}\n{filler}" for name, text in reports.items()})
    yield svc
    svc.close()


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory):
    yield from _serve(tmp_path_factory, REPORTS)


def test_a_term_of_the_reports_is_not_its_two_words_apart(services) -> None:
    a = services.answerer.ask("Những xã nào xây dựng thôn thông minh?", [])
    assert not a.abstained, a.answer
    assert "An Lạc" in a.answer and "Bình Sơn" in a.answer
    assert "Cao Sơn" not in a.answer, a.answer


FUNDING = {
    "bao_cao_xa_dong_lam.txt": "Xã Đông Lâm báo cáo chuyển đổi số\n\nXã Đông Lâm đề nghị hỗ trợ kinh phí cho Tổ công nghệ "
                               "số cộng đồng.\n",
    "bao_cao_xa_tay_lam.txt": "Xã Tây Lâm báo cáo chuyển đổi số\n\nTổ công nghệ số cộng đồng hỗ trợ người dân sử dụng "
                              "các tiện ích số.\n",
}


@pytest.fixture(scope="module")
def funding(tmp_path_factory: pytest.TempPathFactory):
    filler = FILLER.replace("Kinh phí chuyển đổi số được bố trí kịp thời.\n\n", "").replace(
        "hồ sơ trực tuyến", "hồ sơ, hỗ trợ người dân")  # "hỗ trợ" common, "kinh phí" rare: a verb frames
    yield from _serve(tmp_path_factory, FUNDING, filler)


def test_the_noun_of_a_set_question_must_be_stated_not_only_its_verb(funding) -> None:
    # "hỗ trợ" is a verb that frames; "kinh phí" is what is asked, and the folded "tien" (tiền, a
    # synonym of kinh phí) inside "tiện ích" does not state it.
    a = funding.answerer.ask("bao cao nao de cap viec ho tro kinh phi cho to cong nghe so cong dong", [])
    assert not a.abstained, a.answer
    assert "Đông Lâm" in a.answer
    assert "Tây Lâm" not in a.answer, a.answer


TEAMS = {
    "tin_xa_dong_son.txt": "Xã Đông Sơn ra mắt tổ số\n\nXã Đông Sơn thành lập Tổ công nghệ số cộng đồng gồm 8 thành viên.\n",
    "tin_xa_tay_son.txt": "Xã Tây Sơn ra mắt tổ số\n\nXã Tây Sơn duy trì Tổ công nghệ số cộng đồng gồm 6 thành viên.\n",
    "tin_xa_nam_son.txt": "Xã Nam Sơn ra mắt tổ\n\nXã Nam Sơn thành lập 05 tổ công nghệ cộng đồng, mỗi tổ gồm 05 thành viên.\n",
    "tin_xa_bac_son.txt": "Xã Bắc Sơn hỗ trợ người dân\n\nCác thành viên tổ công tác đến từng thôn hướng dẫn người dân.\n",
}


@pytest.fixture(scope="module")
def teams(tmp_path_factory: pytest.TempPathFactory):
    yield from _serve(tmp_path_factory, TEAMS)


def test_a_term_written_with_its_optional_word_left_out_is_the_term(teams) -> None:
    # "tổ công nghệ (số) cộng đồng": "tổ công nghệ cộng đồng" (Nam Sơn) is the same team
    a = teams.answerer.ask("Bài viết của đơn vị nào có nêu số thành viên của tổ công nghệ (số) cộng đồng?", [])
    assert not a.abstained, a.answer
    assert all(u in a.answer for u in ("Đông Sơn", "Tây Sơn", "Nam Sơn")), a.answer
    assert "Bắc Sơn" not in a.answer
