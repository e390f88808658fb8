"""News pages about units the product was never tuned on: each test asks what an official would and
checks the exact value, the citation and the abstention on the real answerer (one ingest per module).

The two pages are written for these tests in the style of ward and commune news (no real unit)."""

from __future__ import annotations

import pytest

from tests.ingest_fixtures import services_over

PAGES = {
    "01_xa_an_phu_tay.txt": (
        "Robot AI làm lễ tân tại Trung tâm hành chính công xã An Phú Tây\n\n"
        "Sáng 12-3-2026, UBND xã An Phú Tây phối hợp cùng Công ty Sao Mai ra mắt robot AI lễ tân tại trung tâm "
        "hành chính công. Sự kiện có sự tham dự của ông Lê Văn Bình, Phó Bí thư Đảng ủy xã cùng đại diện "
        "doanh nghiệp.\n\n"
        "Tại sảnh đón tiếp, robot giao tiếp bằng tiếng Việt với giọng nói tự nhiên. Thiết bị này hướng dẫn người "
        "dân lấy số thứ tự, chỉ dẫn đến đúng quầy nghiệp vụ và tra cứu lệ phí giải quyết thủ tục.\n\n"
        "Ông Trần Quốc Hưng, Bí thư chi bộ khu phố Bình Minh 3, cho biết khu phố hiện có 520 hộ dân.\n\n"
        "Hợp tác xã của anh Nguyễn Văn Tâm (xã Hòa Xuân) đã bán được hơn 2.000 hộp sản phẩm qua sàn thương mại "
        "điện tử.\n\n"
        "Tỷ lệ người dân dùng ví điện tử tăng mạnh so với cùng kỳ năm trước.\n\n"
        "Xã đặt ra bốn nhiệm vụ chuyển đổi số trọng tâm; triển khai xác thực hai lớp cho cán bộ.\n\n"
        "Phó Chủ tịch Hoàng Việt Dũng trao thư khen cho cán bộ trung tâm; ông Nguyễn Văn Tín, Phó Chủ tịch UBND "
        "xã, phát biểu.\n"),
    "02_xa_thach_lam.txt": (
        "Kế hoạch chuyển đổi số năm 2026 của xã Thạch Lâm\n\n"
        "Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ về Chương trình chuyển đổi số "
        "quốc gia;\n\n"
        "Căn cứ Nghị quyết số 05-NQ/TU ngày 22/10/2021 của Ban Chấp hành Đảng bộ tỉnh về chuyển đổi số;\n\n"
        "UBND xã Thạch Lâm ban hành Kế hoạch số 15/KH-UBND ngày 10/01/2026 về chuyển đổi số năm 2026.\n\n"
        "Kế hoạch số 16/KH-UBND ngày 10/01/2026 về tập huấn kỹ năng số cho người dân.\n\n"
        "Quyết định số 20/QĐ-UBND ngày 11/01/2026 về kiện toàn Tổ công nghệ số cộng đồng.\n\n"
        "Tham dự hội nghị có đồng chí Phạm Minh Tuấn – Bí thư Đảng ủy xã, Trưởng Ban Chỉ đạo; đồng chí Vũ Thị Lan "
        "– Phó Bí thư Đảng ủy, Chủ tịch UBND xã, Phó Trưởng Ban Chỉ đạo.\n\n"
        "Đồng chí Đỗ Văn Hải giữ cương vị Phó Chủ tịch UBND xã từ năm 2024.\n\n"
        "Năm 2025, xã tiếp nhận 850 hồ sơ trực tuyến và 120 hồ sơ trực tiếp.\n\n"
        "- (1) Số hồ sơ tiếp nhận trực tuyến; 850 hồ sơ (cả năm 2025).\n\n"
        "Năm 2025, xã Thạch Lâm xếp hạng 12/45 xã, phường về chỉ số chuyển đổi số.\n\n"
        "3. An toàn thông tin\n\n"
        "- Lập hồ sơ đề xuất cấp độ an toàn thông tin cho hệ thống thông tin của xã.\n\n"
        "- Quán triệt cán bộ quản lý tài khoản, mật khẩu; tăng cường sao lưu dữ liệu định kỳ.\n\n"
        "4. Kinh phí\n\n"
        "Năm 2026, tổng kinh phí bố trí cho chuyển đổi số của xã là 450 triệu đồng.\n\n"
        "Xã tập trung chuyển đổi số trên 3 trụ cột: chính quyền số, kinh tế số, xã hội số.\n"),
}


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory):
    svc = services_over(tmp_path_factory, PAGES)
    yield svc
    svc.close()


def ask(services, question: str):
    return services.answerer.ask(question, [])


def test_this_device_is_the_robot_named_before(services) -> None:
    a = ask(services, "Robot AI ở xã An Phú Tây hỗ trợ người dân những việc gì?")
    assert not a.abstained, a.answer
    assert "lấy số thứ tự" in a.answer and "lệ phí" in a.answer
    assert any("Thiết bị này" in c.text for c in a.citations)


def test_each_role_after_a_dash_is_held(services) -> None:
    a = ask(services, "Ai là Trưởng Ban Chỉ đạo chuyển đổi số xã Thạch Lâm?")
    assert not a.abstained and "Phạm Minh Tuấn" in a.answer and "Vũ Thị Lan" not in a.answer, a.answer
    a = ask(services, "chu tich ubnd xa thach lam la ai")
    assert not a.abstained and "Vũ Thị Lan" in a.answer, a.answer


def test_a_unit_name_with_a_typo_is_the_stores_unit(services) -> None:
    a = ask(services, "Phó Bí thư Đảng ủy xã An Phú Tâi dự lễ ra mắt robot là ai?")
    assert not a.abstained and "Lê Văn Bình" in a.answer, a.answer
    assert "đại diện" not in a.answer.split("—")[0]  # the role ends at "cùng"


def test_the_number_of_a_place_name_is_no_count(services) -> None:
    a = ask(services, "Xã An Phú Tây có bao nhiêu khu phố?")
    assert a.abstained, a.answer
    assert "3 khu phố" not in a.answer.split("Đoạn gần nhất")[0]


def test_the_document_named_after_a_framing_clause_is_dated(services) -> None:
    a = ask(services, "Theo căn cứ kế hoạch CĐS xã Thạch Lâm, Quyết định 749/QĐ-TTg được ban hành ngày nào?")
    assert not a.abstained and "03/6/2020" in a.answer, a.answer


def test_the_first_issuer_named_is_the_one_asked(services) -> None:
    a = ask(services, "Nghị quyết nào của Ban Chấp hành Đảng bộ tỉnh về chuyển đổi số được nêu trong căn cứ kế "
                      "hoạch của xã Thạch Lâm?")
    assert not a.abstained and "05-NQ/TU" in a.answer, a.answer
    assert "xã Thạch Lâm" in a.answer  # the unit keeps its capitals in the answer


def test_out_of_n_in_a_rank_question_is_the_denominator(services) -> None:
    a = ask(services, "Xã Thạch Lâm xếp thứ mấy trên 45 xã, phường?")
    assert not a.abstained and "12/45" in a.answer, a.answer
    a = ask(services, "Xã Thạch Lâm xếp thứ mấy trên 99 xã, phường?")  # another ranking than the one stated
    assert a.abstained, a.answer


def test_a_commune_a_report_writes_about_is_read_in_that_report(services) -> None:
    a = ask(services, "Hợp tác xã ở xã Hòa Xuân bán được bao nhiêu hộp sản phẩm qua sàn thương mại điện tử?")
    assert not a.abstained and "2.000" in a.answer, a.answer
    assert [c.doc_id for c in a.citations] == ["01_xa_an_phu_tay"]
    a = ask(services, "Xã Hòa Lạc có bao nhiêu hồ sơ trực tuyến?")  # no report names it: no such unit
    assert a.abstained and "Không có báo cáo nào của Hòa Lạc" in a.answer, a.answer


def test_a_follow_up_that_asks_in_full_is_not_the_previous_question_again(services) -> None:
    a = services.answerer.ask("Còn khu phố Bình Minh 3 ở xã An Phú Tây có bao nhiêu hộ dân?",
                              ["Xã Thạch Lâm xếp thứ mấy trên 45 xã, phường?"])
    assert not a.abstained and "520" in a.answer, a.answer


def test_what_a_unit_does_for_a_titled_topic_is_the_sections_items(services) -> None:
    a = ask(services, "Xã Thạch Lâm làm gì để bảo đảm an toàn thông tin?")
    assert not a.abstained, a.answer
    assert "cấp độ an toàn thông tin" in a.answer and "sao lưu dữ liệu" in a.answer, a.answer


def test_the_documents_of_a_date_are_listed(services) -> None:
    a = ask(services, "Ngày 10/01/2026 UBND xã Thạch Lâm ký những kế hoạch nào?")
    assert not a.abstained and "15/KH-UBND" in a.answer and "16/KH-UBND" in a.answer, a.answer
    assert "20/QĐ-UBND" not in a.answer
    a = ask(services, "Giữa ngày 10/01 và 11/01/2026, xã Thạch Lâm có những kế hoạch, quyết định nào được ban hành?")
    assert not a.abstained and all(d in a.answer for d in ("15/KH-UBND", "16/KH-UBND", "20/QĐ-UBND")), a.answer


def test_two_alternatives_compared_are_both_answered(services) -> None:
    a = ask(services, "Ở xã Thạch Lâm, hồ sơ tiếp nhận trực tuyến hay trực tiếp nhiều hơn?")
    assert not a.abstained and "850" in a.answer and "120" in a.answer, a.answer


def test_a_figure_written_twice_cites_both_places(services) -> None:
    a = ask(services, "Năm 2025 xã Thạch Lâm tiếp nhận bao nhiêu hồ sơ trực tuyến?")
    assert not a.abstained and "850" in a.answer, a.answer
    assert len(a.citations) == 2 and "cũng ghi số liệu này" in a.answer, a.answer
    # the label before ";" is quoted with its value
    assert any(c.text.startswith("- (1) Số hồ sơ tiếp nhận trực tuyến; 850") for c in a.citations)


def test_a_how_question_about_a_rate_is_answered_by_the_sentence_that_describes_it(services) -> None:
    a = ask(services, "Tỷ lệ người dân dùng ví điện tử ở xã An Phú Tây so với cùng kỳ thế nào?")
    assert not a.abstained and "tăng mạnh so với cùng kỳ" in a.answer, a.answer
    assert any("ví điện tử" in c.text for c in a.citations)
    # the figure itself is not stated, and a rate the page does not describe is not answered
    assert ask(services, "Tỷ lệ người dân dùng ví điện tử ở xã An Phú Tây là bao nhiêu phần trăm?").abstained
    assert ask(services, "Tỷ lệ hộ nghèo của xã An Phú Tây thế nào?").abstained


def test_a_figure_stated_for_another_year_does_not_answer(services) -> None:
    a = ask(services, "Năm 2026 xã Thạch Lâm bố trí kinh phí chuyển đổi số bao nhiêu?")
    assert not a.abstained and "450 triệu đồng" in a.answer, a.answer
    a = ask(services, "Năm 2025 xã Thạch Lâm bố trí kinh phí chuyển đổi số bao nhiêu?")
    assert a.abstained and "450" not in a.answer.split("Đoạn gần nhất")[0], a.answer


def test_who_holds_a_role_in_other_words(services) -> None:
    for q in ("Ai giữ cương vị Chủ tịch UBND xã Thạch Lâm?", "Ai đang giữ chức Chủ tịch UBND xã Thạch Lâm?",
              "Ai hiện là Trưởng Ban Chỉ đạo chuyển đổi số xã Thạch Lâm?"):
        a = ask(services, q)
        assert not a.abstained, (q, a.answer)
    assert "Vũ Thị Lan" in ask(services, "Ai giữ cương vị Chủ tịch UBND xã Thạch Lâm?").answer
    assert "Phạm Minh Tuấn" in ask(services, "Ai hiện là Trưởng Ban Chỉ đạo chuyển đổi số xã Thạch Lâm?").answer


def test_a_unit_name_with_other_accents_is_the_stores_unit(services) -> None:
    for q in ("Ai giữ cương vị Chủ tịch UBND xã Thạch Lầm?", "Xã Thạch Lầm tập trung chuyển đổi số trên mấy trụ cột?",
              "Xã Thạch Lầm bố trí kinh phí chuyển đổi số năm 2026 bao nhiêu?"):
        a = ask(services, q)
        assert not a.abstained and "Thạch Lâm" in a.answer, (q, a.answer)


def test_a_number_written_as_a_word_is_its_digits(services) -> None:
    a = ask(services, "Ba trụ cột chuyển đổi số mà xã Thạch Lâm tập trung là gì?")
    assert not a.abstained and "kinh tế số" in a.answer, a.answer


def test_a_count_written_as_a_word_answers_but_is_no_key_figure(services) -> None:
    a = ask(services, "Xã An Phú Tây đề ra mấy nhiệm vụ chuyển đổi số?")
    assert not a.abstained and a.answer.startswith("Bốn nhiệm vụ"), a.answer
    digest = ask(services, "Tóm tắt báo cáo của xã An Phú Tây")
    assert not digest.abstained and "520 hộ dân" in digest.answer, digest.answer
    assert not any(line.startswith(("- bốn", "- hai")) for line in digest.answer.splitlines()), digest.answer


def test_a_name_states_no_word_of_the_question(services) -> None:
    for q in ("Ai là người viết bài về xã An Phú Tây?", "Ai viết tin bài về xã An Phú Tây?"):
        a = ask(services, q)
        head = a.answer.split("Đoạn gần nhất")[0]
        assert "Hoàng Việt Dũng" not in head and "Nguyễn Văn Tín" not in head, (q, a.answer)
        assert "không nêu ai." not in head, a.answer


def test_an_abstention_says_the_asked_thing_in_full_vietnamese(services) -> None:
    a = ask(services, "Xã An Phú Tây giải quyết bao nhiêu TTHC?")
    assert a.abstained and "không nêu số thủ tục hành chính" in a.answer, a.answer
    a = ask(services, "Ai giữ cương vị Giám đốc Công ty Sao Mai ở xã An Phú Tây?")
    assert a.abstained and " Ai " not in a.answer and "Ai giữ" not in a.answer, a.answer


def test_a_resolution_named_by_its_glued_abbreviation(services) -> None:
    a = ask(services, "NQ05 của Ban Chấp hành Đảng bộ tỉnh về chuyển đổi số ban hành ngày nào (KH CĐS xã Thạch Lâm)?")
    assert not a.abstained and "22/10/2021" in a.answer, a.answer
