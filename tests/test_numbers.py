"""Vietnamese number reading in context (ingest/numbers.py)."""

from __future__ import annotations

import pytest

from ingest.numbers import find_numbers, format_number, numbers_in_text, parse_number


def one(text: str):
    nums = find_numbers(text)
    assert len(nums) == 1, nums
    return nums[0]


@pytest.mark.parametrize(
    ("text", "value", "kind", "measure"),
    [
        ("Trong kỳ báo cáo tiếp nhận: 2,955 hồ sơ", 2955, "count", "hồ sơ"),
        ("Tiếp nhận trực tuyến đạt 91,71%", 91.71, "percent", "%"),
        ("Tỷ lệ hồ sơ trực tuyến toàn trình đạt: 99.75%", 99.75, "percent", "%"),
        ("Tổng số hồ sơ tiếp nhận là 12.456 hồ sơ", 12456, "count", "hồ sơ"),
        ("đã giải ngân 120.000.000 đồng", 120000000, "money", "đồng"),
        ("dự án Camera là 499 triệu đồng", 499000000, "money", "đồng"),
        ("đã tiếp nhận 05 phản ánh kiến nghị", 5, "count", "phản ánh"),
        ("số hồ sơ quá hạn 00 hồ sơ", 0, "count", "hồ sơ"),
        ("Hồ sơ đã giải quyết|: 2,871hồ sơ", 2871, "count", "hồ sơ"),
        ("đạt tỷ lệ 98,70% trên tổng số", 98.7, "percent", "%"),
        ("tổng kinh phí là 1.056.000 đồng", 1056000, "money", "đồng"),
        ("khoảng 3.000 thiết bị", 3000, "count", "thiết bị"),
        ("100 phần trăm", 100, "percent", "%"),
        ("Sau 1,5 năm triển khai", 1.5, "duration", "năm"),
        ("Số thủ tục hành chính hiện nay: 2110, trong đó", 2110, "count", None),
    ],
)
def test_values_in_context(text: str, value: float, kind: str, measure: str | None) -> None:
    n = one(text)
    assert n.value == value
    assert n.kind == kind
    assert n.measure == measure


def test_qualifiers() -> None:
    assert one("tỷ lệ văn bản điện tử ký số đạt trên 95%").qualifier == "trên"
    assert one("tỷ lệ văn bản điện tử ký số đạt trên 95%").value == 95
    assert one("có khoảng trên 80% hộ kinh doanh").qualifier == "khoảng trên"
    assert one("tỷ lệ số hóa đạt 100%").qualifier == "đạt"
    assert one("đạt tỷ lệ: 100%").qualifier == "đạt"
    assert one("kích hoạt trên khoảng 3.000 thiết bị").qualifier == "khoảng"
    assert one("tổng cộng 12 hồ sơ").qualifier is None


@pytest.mark.parametrize(
    ("text", "num", "den", "measure"),
    [
        ("đã hoàn thành 09/17 mục tiêu cụ thể", 9, 17, "mục tiêu"),
        ("Sổ sức khỏe điện tử đối với 22.581/57.566 tài khoản", 22581, 57566, "tài khoản"),
        ("Kết quả chỉ số xếp hạng 26/99 xã phường.", 26, 99, "xã phường"),
        ("duy trì đạt 18/18 điểm.", 18, 18, "điểm"),
        ("camera an ninh tại 49/49 tổ dân phố", 49, 49, "tổ dân phố"),
    ],
)
def test_fractions(text: str, num: float, den: float, measure: str) -> None:
    n = one(text)
    assert n.kind == "fraction"
    assert (n.value, n.numerator, n.denominator, n.measure) == (num, num, den, measure)


def test_zero_word() -> None:
    n = one("- Số hồ sơ quá hạn: Không.")
    assert (n.value, n.kind) == (0, "zero")
    assert find_numbers("Công tác này không được chú trọng") == []


@pytest.mark.parametrize(
    "text",
    [
        "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị",
        "Kế hoạch số 13/KH-UBND ngày 10/3/2026",
        "Số: 103/BC-UBND",
        "số liệu từ ngày 08/3 đến ngày 03/4/2026",
        "Trí Quả, ngày 18 tháng 5 năm 2026",
        "Quý I/2026 và tháng 4/2026",
        "nhiệm kỳ 2026 - 2031",
        "thiết bị BML10 và gói F1 IP động",
        "phủ sóng 5G",
        "phần mềm quản lý đảng viên 4.0",
        "Đề án 06/CP",
        "dịch vụ công trực tuyến mức độ 3, 4",
        "- (1) Số nhiệm vụ",
        "theo câu trả lời [1] và [12]",
        "2.1. Triển khai sử dụng Hệ thống Quản lý Văn bản",
        "- 3) Kết quả",
    ],
)
def test_not_quantities(text: str) -> None:
    assert find_numbers(text) == []


def test_parse_number_rules() -> None:
    assert parse_number("2,955") == 2955
    assert parse_number("91,71") == 91.71
    assert parse_number("99.75") == 99.75
    assert parse_number("12.456") == 12456
    assert parse_number("120.000.000") == 120000000
    assert parse_number("1.234,5") == 1234.5
    assert parse_number("1,234.5") == 1234.5
    assert parse_number("05") == 5
    assert parse_number("0,125") == 0.125
    assert parse_number("12.456", percent=True) == 12.456


def test_spans_point_into_text() -> None:
    text = "Tiếp nhận trực tuyến: 2,710 hồ sơ, đạt 91,71%"
    a, b = find_numbers(text)
    assert text[a.start:a.end] == "2,710"
    assert text[b.start:b.end] == "91,71%"
    assert text[a.end:a.measure_end].strip() == "hồ sơ"


def test_numbers_in_text_for_scoring() -> None:
    prose = ("Phường Trung Thành tiếp nhận nhiều nhất: 12.456 hồ sơ [1]; Phương Liễu 2,955 hồ sơ [2], "
             "tỷ lệ 99,75%, giải ngân 499 triệu đồng, hoàn thành 09/17 mục tiêu. Số hồ sơ quá hạn: Không.")
    vals = numbers_in_text(prose)
    for v in (12456, 2955, 99.75, 499000000, 499, 9, 17, 0):
        assert v in vals, v
    assert 1 not in vals and 2 not in vals  # citation markers
    assert numbers_in_text("ngày 22/12/2024, năm 2026") == []
    assert 2.955 in numbers_in_text("2,955")  # ambiguous reading kept for lenient matching


def test_format_number() -> None:
    assert format_number(12456) == "12.456"
    assert format_number(91.71, "%") == "91,71%"
    assert format_number(98.7, "%") == "98,7%"
    assert format_number(120000000, "đồng") == "120.000.000 đồng"
    assert format_number(5, "hồ sơ") == "5 hồ sơ"


def test_list_marker_is_not_a_figure() -> None:
    assert [n.value for n in find_numbers("7. Duy trì thực hiện số hóa hồ sơ đạt tỷ lệ 100%.")] == [100]


def test_number_keys_compare_figures_by_their_digits() -> None:
    from ingest.numbers import number_keys

    assert number_keys("2,955 hồ sơ") == number_keys("2.955") == {"2955"}
    assert number_keys("05 phản ánh, 0 hồ sơ") == {"5", "0"}
    assert number_keys("ngày 15/4/2026 đạt 99,75%") == {"15", "4", "2026", "9975"}
    assert number_keys("không có số") == set()


@pytest.mark.parametrize("text,expected", [
    ("Phường đặt ra bốn nhiệm vụ là trang bị kỹ năng số", [(4.0, "nhiệm vụ", "bốn")]),
    ("Tổ chức được. Hai hội nghị tập huấn", [(2.0, "hội nghị", "Hai")]),
    ("Xã có ba tổ công nghệ số cộng đồng", [(3.0, "tổ", "ba")]),
    ("Đẩy mạnh trên ba trụ cột", []),  # no measure follows
    ("tăng trưởng hai con số", []),
    ("bảy năm qua", []),  # a duration word is no measure of a count
    ("ông Nguyễn Văn Ba hồ sơ", []),  # capitalised inside a sentence: a name
    ("một số hồ sơ", []),  # "một" is "some" as often as "one"
])
def test_small_counts_written_as_words(text: str, expected: list) -> None:
    from ingest.numbers import find_numbers

    got = [(n.value, n.measure, n.raw) for n in find_numbers(text)]
    assert got == expected
