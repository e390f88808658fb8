"""The general mechanisms of question reading (issue 11), each on its own: no store needed.

Every case is a shape of question officials write; the expected value is what the mechanism must
return, and a wrong reading of any of them gives a wrong or a refused answer."""

from __future__ import annotations

import pytest

from assistant.aggregate_query import period_kind
from assistant.question_text import counted_noun, strip_courtesy
from assistant.strategies.base import _ANY_PERIOD_RE, _period_code
from assistant.strategies.documents import head_kind
from assistant.strategies.people import asked_role
from assistant.strategies.replies import issuer_conflict
from assistant.textutil import match_key, named_number_spans
from assistant.words import contains_word, folded_text
from ingest.numbers import find_numbers


@pytest.mark.parametrize("question,expected", [
    ("Dạ em chào anh chị, cho em hỏi với ạ: ở phường Phù Liễn bao nhiêu phần trăm trường học thu tiền không dùng "
     "tiền mặt ạ?", "ở phường Phù Liễn bao nhiêu phần trăm trường học thu tiền không dùng tiền mặt ?"),
    ("Nhờ trợ lý kiểm tra giúp: bao nhiêu phần trăm chứng thư số", "bao nhiêu phần trăm chứng thư số"),
    # a colon after the subject is part of the question, not a greeting
    ("Tóm tắt giúp tôi báo cáo của phường Phù Liễn: kết quả nổi bật",
     "Tóm tắt báo cáo của phường Phù Liễn: kết quả nổi bật"),
    ("Phường Trí Quả hỗ trợ, giúp đỡ người dân thế nào?", "Phường Trí Quả hỗ trợ, giúp đỡ người dân thế nào?"),
])
def test_courtesy_is_not_part_of_the_question(question: str, expected: str) -> None:
    assert strip_courtesy(question) == expected


@pytest.mark.parametrize("question,measure,noun", [
    ("Số người tham gia Đề án 06 ở xã Thượng Lâm là bao nhiêu?", "người", "người tham gia Đề án 06"),
    ("Tổ công nghệ số cộng đồng phường Nghĩa Lộ hướng dẫn bao nhiêu lượt người dân?", "lượt", "lượt người dân"),
    ("Xã Nghĩa Lộ tiếp nhận bao nhiêu hồ sơ TTHC trong tháng 5?", "hồ sơ", "hồ sơ TTHC"),
    ("Cuộc thi trao bao nhiêu giải khuyến khích?", "giải", "giải khuyến khích"),
    ("có bao nhiêu hồ sơ bị rút (từ chối)?", "hồ sơ", "hồ sơ bị rút"),
    # a noun no measure list holds: counted all the same
    ("Xã Châu Pha có bao nhiêu ấp?", None, "ấp"),
    # the collection itself is not a counted noun (an aggregate counts units)
    ("Có mấy báo cáo do Chủ tịch UBND ký?", None, None),
    ("Tỷ lệ là bao nhiêu phần trăm?", None, None),
])
def test_counted_noun(question: str, measure: str | None, noun: str | None) -> None:
    assert counted_noun(question) == (measure, noun)


@pytest.mark.parametrize("question,role", [
    ("Ai là Phó Chủ tịch UBND xã Krông Búk?", "pho chu tich"),
    ("Bí thư Đảng ủy xã Krông Búk là ai?", "bi thu dang uy"),
    ("Phó chủ tịch nào phụ trách chuyển đổi số?", "pho chu tich"),
    # a role inside the topic is not the one asked
    ("Nhiệm vụ nâng cao năng lực đội ngũ cán bộ làm CĐS ở Trung Thành phối hợp với ai?", None),
    ("Ai ký báo cáo?", None),
])
def test_asked_role(question: str, role: str | None) -> None:
    assert asked_role(match_key(question)) == role


@pytest.mark.parametrize("text,names", [
    ("Bài viết nào nhắc đến Nghị quyết 57?", ["57"]),
    ("Đề án 06 có bao nhiêu người tham gia?", ["06"]),
    ("Đơn vị nào đạt tỷ lệ ký số văn bản 100%?", []),  # a rate, not a name
])
def test_numbers_inside_names(text: str, names: list[str]) -> None:
    assert [text[s:e] for s, e in named_number_spans(text)] == names


def test_a_long_term_is_found_with_one_word_inserted_never_a_negation() -> None:
    assert contains_word(" ra mat to cong nghe so cong dong tai thon ", "to cong nghe cong dong")
    assert contains_word(" ty le ho so nop truc tuyen ", "ty le ho so truc tuyen")
    assert not contains_word(" ty le ho so khong truc tuyen ", "ty le ho so truc tuyen")


@pytest.mark.parametrize("text,code", [
    ("6 tháng đầu năm 2026", "2026-H1"), ("nửa đầu năm 2026", "2026-H1"), ("kỳ 6 tháng năm 2026", "2026-H1"),
    ("quý I/2026", "2026-Q1"), ("tháng 4 năm 2026", "2026-04"), ("năm 2025", "2025"),
])
def test_period_phrases_of_a_question(text: str, code: str) -> None:
    m = _ANY_PERIOD_RE.search(text)
    assert m is not None and m.group(0) == text and _period_code(m, ["2026-H1"]) == code


@pytest.mark.parametrize("period,kind", [
    ("2026-04", "month"), ("2026-Q1", "quarter"), ("2026-H1", "half"), ("2025-01..2026-06", "review"),
    ("2025", "year"), (None, None),
])
def test_kind_of_a_report_period(period: str | None, kind: str | None) -> None:
    assert period_kind(period) == kind


def test_issuer_of_another_level_is_another_document() -> None:
    q = "Kế hoạch triển khai Nghị quyết 13-NQ/TU của UBND xã Tịnh Trà ban hành ngày nào?"
    assert issuer_conflict(q, "UBND huyện Sơn Tịnh")
    assert not issuer_conflict(q, "UBND xã Tịnh Trà")
    assert not issuer_conflict("Kế hoạch 128 ban hành ngày nào?", "UBND huyện Sơn Tịnh")  # no issuer asked


def test_the_first_kind_named_is_the_document_asked() -> None:
    assert head_kind(folded_text("Kế hoạch triển khai Nghị quyết 13-NQ/TU ban hành ngày nào?")) == {"ke hoach"}
    assert head_kind(folded_text("Nghị quyết 57 của Bộ Chính trị ban hành ngày nào?")) == {"nghi quyet"}


@pytest.mark.parametrize("text,qualifier", [
    ("trao tặng 84 máy tính bảng", None),  # "tặng" (give) is not "tăng" (increase)
    ("tăng 84 máy", "tăng"), ("đạt trên 95%", "trên"), ("tăng thêm 5 hồ sơ", "tăng"),
    ("khoảng trên 80% hộ", "khoảng trên"), ("dat tren 95%", "trên"),  # an unaccented text is trusted
])
def test_a_qualifier_is_read_as_written(text: str, qualifier: str | None) -> None:
    assert [n.qualifier for n in find_numbers(text)] == [qualifier]


def _matcher():
    from assistant.matching import Matcher
    from assistant.words import WordWeights

    return Matcher(WordWeights(["Triển khai họp không giấy tờ tại 100% các cuộc họp của Hội đồng nhân dân.",
                                "Một số nội dung còn hình thức, chưa thực chất.",
                                "Tổ gồm Bí thư Chi bộ, Tổ trưởng dân phố."]))


def test_a_frame_noun_the_question_word_asks_about_is_not_matched() -> None:
    m = _matcher()
    asked = {t.word for t in m.attribute("kỳ họp hội đồng nhân dân được tổ chức theo hình thức nào",
                                         keep_type_words=False).terms}
    assert "hinh thuc" not in asked and "hoi dong nhan dan" in asked
    asked = {t.word for t in m.attribute("Tổ gồm những thành phần nào", keep_type_words=False).terms}
    assert "thanh phan" not in asked
    # "còn hình thức, chưa thực chất" is what is asked about: it stays
    asked = {t.word for t in m.attribute("những nội dung nào còn hình thức, chưa thực chất",
                                         keep_type_words=False).terms}
    assert "hinh thuc" in asked and "noi dung" not in asked
    # a figure's attribute keeps every word (the figure strategies weigh type words themselves)
    assert "hinh thuc" in {t.word for t in m.attribute("theo hình thức nào").terms}


@pytest.mark.parametrize(("sentence", "target"), [
    ("Phường Tân Uyên đặt mục tiêu đến năm 2026, có tối thiểu 10 khu phố đạt chuẩn.", True),
    ("UBND xã đề ra mục tiêu 100% hồ sơ được số hóa.", True),
    ("Xã đã đạt mục tiêu đề ra với 95% hồ sơ trực tuyến.", False),  # "đạt mục tiêu" is a result
    ("Phấn đấu tỷ lệ số hóa hồ sơ đạt 100%.", True),
])
def test_a_goal_set_mid_sentence_is_a_target(sentence: str, target: bool) -> None:
    from ingest.taxonomy import load_taxonomy

    assert load_taxonomy().is_target((), sentence) is target


def test_paragraphs_that_go_on_like_the_best_one_are_further_items() -> None:
    from types import SimpleNamespace

    from assistant.matching import MatchResult
    from assistant.strategies.text import ScoredSentence, _parallel_after
    from ingest.models import Paragraph

    texts = ["Đề nghị nghiên cứu xu hướng dịch chuyển dòng vốn đầu tư.",
             "Đề nghị tiếp tục hoàn thiện dữ liệu đất đai.",
             "- Đề nghị tăng cường công khai, minh bạch thông tin.",
             "Đề xuất bố trí kinh phí.",  # opens otherwise: the items end here
             "Đề nghị hỗ trợ máy tính."]
    paras = [Paragraph(id=f"d:p{i}", doc_id="d", n=i, text=t, start=0, end=len(t), section_path=("II. ĐỀ NGHỊ",))
             for i, t in enumerate(texts, 1)]
    ctx = SimpleNamespace(doc=lambda doc_id: SimpleNamespace(paragraphs=paras))
    best = ScoredSentence(paras[0], 0, len(texts[0]), MatchResult(1.0, 1.0, 1.0), 1.0, 1.0)
    assert [p.id for p in _parallel_after(ctx, best)] == ["d:p2", "d:p3"]
    later = ScoredSentence(paras[0], 5, len(texts[0]), MatchResult(1.0, 1.0, 1.0), 1.0, 1.0)
    assert _parallel_after(ctx, later) == []  # a sentence inside a paragraph opens no list


@pytest.mark.parametrize("question", ["Xã cách trung tâm huyện bao xa?", "Sau bao lâu người dân nhận được kết quả?",
                                      "Hồ sơ được giải quyết trong bao lâu?"])
def test_how_far_and_how_long_are_question_words(question: str) -> None:
    words = {t.word for t in _matcher().attribute(question).terms}
    assert not words & {"bao xa", "bao lau", "bao", "xa", "lau"}, words


@pytest.mark.parametrize(("question", "answer_type"), [
    ("Số thành viên tổ công nghệ số cộng đồng của phường?", "count"),  # "Số <noun> ..." asks for a count
    ("Số hồ sơ tiếp nhận trực tuyến trong tháng?", "count"),
    ("So sánh số hồ sơ tiếp nhận năm 2025 với năm 2026", "text"),  # "so sánh" is not "số"
    ("Số hóa hồ sơ đã triển khai thế nào?", "text"),
    ("Sở KH&CN gửi Công văn 954 ngày nào?", "when"),  # "Sở" folds like "Số"
    ("so thanh vien to cong nghe so", "count"),
])
def test_a_question_opening_with_so_and_a_noun_asks_for_a_count(question: str, answer_type: str) -> None:
    from assistant.understand import QuestionUnderstander

    assert QuestionUnderstander(query_analyzer=None).answer_type(question) == answer_type  # type: ignore[arg-type]


def test_commune_level_is_said_by_the_commune_word() -> None:
    terms = {t.word: t for t in _matcher().attribute("Tổ công nghệ số cộng đồng cấp xã gồm bao nhiêu thành viên").terms}
    assert "xa" in terms["cap xa"].alternatives  # "Tổ chuyển đổi số cộng đồng xã gồm có 03 thành viên"


def test_a_target_word_names_the_kind_of_figure() -> None:
    m = _matcher()
    terms = {t.word: t for t in m.attribute("Xã đặt chỉ tiêu bao nhiêu phần trăm hồ sơ xử lý trên môi trường mạng").terms}
    assert terms["chi tieu"].weight < terms["ho so"].weight  # a type word weighs little
    assert "chi tieu" not in {t.word for t in m.attribute("những chỉ tiêu nào đạt 100%", keep_type_words=False).terms}


def test_compounds_on_both_sides_of_a_slash_are_alternatives() -> None:
    from assistant.matching import Matcher
    from assistant.words import WordWeights

    m = Matcher(WordWeights(["hệ thống truyền thanh cơ sở", "đài phát thanh", "trang Zalo", "kênh Zalo"]))
    slots = m.slots("tuyên truyền qua hệ thống truyền thanh/đài phát thanh")
    assert [[t.word for t in a.terms][-1] for a in slots[0]] == ["truyen thanh", "dai phat thanh"]
    # a single word on each side stays one item whose words alias each other
    (alts,) = m.slots("có trang/kênh Zalo")
    assert len(alts) == 1 and "kenh" in alts[0].terms[0].alternatives


def test_a_dictionary_word_no_report_uses_loses_to_the_one_inside_it_they_use() -> None:
    from assistant.words import WordWeights, segment_pairs

    w = WordWeights(["Tổ có 12 thành viên.", "Số hồ sơ tiếp nhận là 120."])
    assert [x for x, _ in segment_pairs("Số thành viên Tổ công tác", w)][:2] == ["so", "thanh vien"]
    assert [x for x, _ in segment_pairs("Số hồ sơ tiếp nhận", w)] == ["so", "ho so", "tiep nhan"]
    w = WordWeights(["Cán bộ làm công tác công nghệ thông tin.", "Công tác chuyển đổi số.", "Hạ tầng công nghệ thông tin."])
    assert [x for x, _ in segment_pairs("làm công tác chuyển đổi số", w)] == ["lam", "cong tac", "chuyen doi so"]
    assert [x for x, _ in segment_pairs("cán bộ làm công nghệ thông tin", w)] == ["can bo", "lam", "cong nghe thong tin"]


def test_a_dictionary_word_that_cuts_a_word_of_the_tagger_is_no_word() -> None:
    """Word counts of a few reports do not decide "số thành | viên" against "số | thành viên" (a
    report that writes "số thành viên" twice counts as often for both); the word segmenter of
    underthesea does. Its function words are not glued to the next word either ("và công nghệ")."""
    from assistant.words import WordWeights, segment_pairs

    w = WordWeights(["Tăng số thành viên lên 300 thành viên.", "Số thành viên là 12.",
                     "Công tác Đề án 06 và Công nghệ số cộng đồng.", "Tổ công nghệ số cộng đồng."])
    words = [x for x, _ in segment_pairs("Số thành viên tổ công tác đề án 06 và công nghệ số cộng đồng", w)]
    assert words[:2] == ["so", "thanh vien"] and "va" in words and not any(w.startswith("va ") for w in words)
    # a dictionary word inside a longer word of the tagger stays ("tư pháp" of "bộ tư pháp")
    assert "tu phap" in [x for x, _ in segment_pairs("hồ sơ của Bộ Tư pháp",
                                                     WordWeights(["Bộ Tư pháp: 226 hồ sơ.", "Ngành tư pháp."]))]
    # a domain compound of several tagger words stays one word ("chuyển đổi" + "số")
    assert "chuyen doi so" in [x for x, _ in segment_pairs("Kế hoạch chuyển đổi số năm 2026")]


def test_as_of_is_not_an_attribute_word() -> None:
    words = {t.word for t in _matcher().attribute("Tính đến 06/6/2026, số hồ sơ còn đang giải quyết là bao nhiêu").terms}
    assert "tinh" not in words and "tinh den" not in words


def test_an_inline_list_is_quoted_to_its_last_item() -> None:
    from assistant.strategies.text import continued_end
    from ingest.models import Paragraph

    text = ("Các nội dung trọng tâm của Kế hoạch gồm: - Tuyên truyền App Công dân số. - Phát triển nguồn "
            "nhân lực số. - Xây dựng phường thông minh. Kế hoạch được ký ngày 5/3.")
    p = Paragraph(id="d:p1", doc_id="d", n=1, text=text, start=0, end=len(text), section_path=())
    first = text.index(". - Phát") + 1
    end = continued_end(p, 0, first)
    assert text[:end].endswith("Xây dựng phường thông minh.")


def test_between_is_not_an_attribute_word() -> None:
    assert "giua" not in {t.word for t in _matcher().attribute("Kế hoạch liên tịch giữa phường và Trung tâm").terms}


def test_the_first_issuer_named_is_the_one_asked() -> None:
    q = ("Nghị quyết nào của Ban Chấp hành Đảng bộ tỉnh Hà Tĩnh về chuyển đổi số được nêu trong căn cứ kế hoạch "
         "của xã Thạch Kim?")
    assert not issuer_conflict(q, "Ban Chấp hành Đảng bộ tỉnh Hà Tĩnh")  # "Đảng bộ" is no ministry ("Bộ")
    assert issuer_conflict(q, "UBND xã Thạch Kim")


@pytest.mark.parametrize("key,number", [
    ("theo can cu ke hoach cds xa thach kim, quyet dinh 749/qd-ttg duoc ban hanh ngay nao", "749"),
    ("ke hoach so 128 ban hanh ngay nao", "128"),
    ("ke hoach trien khai nghi quyet 13-nq/tu ngay nao", None),  # the plan is asked, not resolution 13
    ("ke hoach ban hanh ngay nao", None),
])
def test_the_document_a_date_question_names(key: str, number: str | None) -> None:
    from assistant.strategies.dates import _asked_doc_number

    assert _asked_doc_number(key) == number


@pytest.mark.parametrize("text,expected", [
    ("Phường Phù Liễn tiếp nhận tổng bao nhiêu hồ sơ", ["tổng", "bao nhiêu", "hồ sơ"]),
    ("xếp hạng mấy", ["xếp hạng", "mấy"]),
])
def test_a_question_phrase_is_not_glued_to_the_word_before(text: str, expected: list[str]) -> None:
    from assistant.words import segment_pairs

    words = [acc for _, acc in segment_pairs(text)]
    assert words[-len(expected):] == expected


def test_a_compared_value_is_no_attribute_word() -> None:
    from assistant.matching import _THRESHOLD_RE

    assert _THRESHOLD_RE.sub(" ", "Phủ sóng 5G trên hay dưới 80%?").split() == ["Phủ", "sóng", "5G", "?"]
    assert "95%" in _THRESHOLD_RE.sub(" ", "Tỷ lệ 95% là của xã nào?")


@pytest.mark.parametrize("written,spelling", [("Trí Qủa", "Trí Quả"), ("Trí Quả", "Trí Quả"), ("Tri Qua", "Trí Quả")])
def test_a_tone_mark_on_the_u_of_qu_is_the_same_syllable(written: str, spelling: str) -> None:
    from index.query import spelled_as

    assert spelled_as(written, [spelling])
    assert not spelled_as("Trí Quà", [spelling])


def test_each_role_of_a_person_is_held() -> None:
    from types import SimpleNamespace

    from assistant.strategies.people import holds_role

    v = SimpleNamespace(fact=SimpleNamespace(role="Phó Bí thư Đảng ủy, Chủ tịch UBND xã, Phó Trưởng Ban Chỉ đạo"))
    assert holds_role(v, "chu tich")
    assert holds_role(v, "pho truong ban chi dao")
    assert not holds_role(v, "truong ban chi dao")  # the deputy head is not the head


@pytest.mark.parametrize("question,expected", [
    ("Những nội dung nổi bật nào được nêu là đóng góp cho tăng trưởng hai con số?", "text"),  # "con số" counts nothing
    ("Phường có bao nhiêu con số thống kê?", "count"),
])
def test_a_figure_word_is_no_count_cue(question: str, expected: str) -> None:
    from assistant.understand import QuestionUnderstander

    assert QuestionUnderstander(None).answer_type(question) == expected  # type: ignore[arg-type]


def test_first_tagging_from_several_threads_at_once() -> None:
    """The app warms the tagger up on one thread while the first chat question tags on another.
    underthesea loads its models lazily, and without a lock one of two threads sees a half-loaded
    tagger and the question is refused. A fresh interpreter, so that the models are not loaded yet."""
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import threading\n"
        "from assistant.words import pos_tags\n"
        "out, errors = {}, []\n"
        "def run(i):\n"
        "    try:\n"
        "        out[i] = pos_tags(f'Phường Trí Quả tiếp nhận bao nhiêu hồ sơ trong tháng {i}?')\n"
        "    except Exception as exc:\n"
        "        errors.append(repr(exc))\n"
        "threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]\n"
        "[t.start() for t in threads]\n"
        "[t.join() for t in threads]\n"
        "assert not errors, errors\n"
        "assert len(out) == 4 and all(tags.get('ho') for tags in out.values()), out\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[1],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.parametrize("question,expected", [
    ("Hội nghị triển khai NQ57 năm 2026", "Hội nghị triển khai NQ 57 năm 2026"),
    ("Số DVCTT2 là gì", "Số DVCTT 2 là gì"),
    ("Nghị quyết 57-NQ/TW", "Nghị quyết 57-NQ/TW"),  # a document symbol stays as written
    ("Kế hoạch 13/KH-UBND", "Kế hoạch 13/KH-UBND"),
])
def test_an_abbreviation_glued_to_a_number_is_two_words(question: str, expected: str) -> None:
    from assistant.question_text import unglue_abbreviations

    assert unglue_abbreviations(question) == expected
