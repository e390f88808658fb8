"""The app's pure pieces: Vietnamese numbers, escaping and rendering, citation spans and
snippets, conversations kept in the browser, the Word export, the indicators view."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from assistant.models import Answer, Citation
from ingest.models import Indicator
from webapp import fmt
from webapp.citations import (
    CitationView,
    ParagraphView,
    citation_span,
    claim_text,
    highlight_span,
    snippet,
)
from webapp.conversation import Conversation, Library, Turn, answer_from_dict, answer_to_dict
from webapp.export import ExportTurn, write_docx
from webapp.render import (
    Note,
    escape_markdown,
    filter_chips_html,
    message_markdown,
    passage_html,
    plain_text,
    prose_markdown,
    sources_panel_html,
    status_badge_html,
)

PLANTED = ("Tỷ lệ ký số đạt 97,13% ![x](http://203.0.113.7/t.png) <img src=http://203.0.113.7/i.png> "
           "<a href=http://203.0.113.7/>liên kết</a> <iframe src=http://203.0.113.7/f></iframe> "
           "<script>alert(1)</script> **đậm** `mã` &lt;b&gt; www.vi.du $$x$$ | a | b |")
TRI_QUA = ("- Tình hình xử lý các thủ tục hành chính: Tính từ ngày 15/4/2026 đến ngày 15/5/2026 tiếp nhận 550 hồ "
           "sơ, trong đó: Trực tuyến 465 hồ sơ đạt 84.54%; Trực tiếp 85 hồ sơ đạt 15.46%; số hồ sơ đã giải quyết "
           "513 hồ sơ đạt 93.27%; số hồ sơ đang giải quyết (trong hạn) 37 hồ sơ đạt 100%; số hồ sơ quá hạn 00 hồ "
           "sơ; số hóa hồ sơ đạt 100%.")


def _md_html(text: str) -> str:
    """Render as CommonMark with raw HTML allowed (the strictest check of our escaping)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(text)


class TestFmt:
    def test_numbers(self) -> None:
        assert fmt.number(10000) == "10.000"
        assert fmt.number(84.54) == "84,54"
        assert fmt.number(2.0) == "2"
        assert fmt.number(1234567.891, 1) == "1.234.567,9"
        assert fmt.number(-0.0001) == "0"

    def test_percent_and_measures(self) -> None:
        assert fmt.percent(0.9649) == "96,5%"
        assert fmt.percent(1.0) == "100%"
        assert fmt.value_with_measure(84.54, "%") == "84,54%"
        assert fmt.value_with_measure(10000, "hồ sơ") == "10.000 hồ sơ"
        assert fmt.megabytes(50 * 1_048_576) == "50 MB"
        assert fmt.megabytes(1_572_864) == "1,5 MB"


class TestEscaping:
    def test_report_markup_is_shown_literally(self) -> None:
        rendered = _md_html(escape_markdown(PLANTED))
        for tag in ("<img", "<a ", "<iframe", "<script", "<strong", "<code", "<table", "<b>"):
            assert tag not in rendered, (tag, rendered)
        text = html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()
        assert text == PLANTED

    def test_no_autolink_material(self) -> None:
        out = escape_markdown("xem http://203.0.113.7/t.png hoặc www.vi.du hoặc a@b.vn")
        assert "http://" not in out and "www." not in out and "@b.vn" not in out

    def test_leading_spaces_do_not_make_code(self) -> None:
        assert "<code>" not in _md_html(escape_markdown("    thụt lề bốn dấu cách"))

    def test_prose_keeps_bullets_and_links_known_markers(self) -> None:
        md = prose_markdown("Có 2 đơn vị:\n- A: 100% [1]\n- B [2] và [7]\nLưu ý: C không nêu.", turn=3,
                            numbers=[1, 2])
        assert md == ("Có 2 đơn vị\\:\n- A\\: 100% [\\[1\\]](#nguon-3-1)\n- B [\\[2\\]](#nguon-3-2) và \\[7\\]\n\n"
                      "Lưu ý\\: C không nêu\\.")
        rendered = _md_html(md)
        assert rendered.count("<li>") == 2
        assert '<a href="#nguon-3-1">[1]</a>' in rendered
        assert "[7]" in rendered and 'href="#nguon-3-7"' not in rendered

    def test_message_notes(self) -> None:
        md = message_markdown("Không có.", [Note("thông tin"), Note("cần làm", act=True)])
        assert md.endswith("\n\n> ℹ️ thông tin\n> ⚠️ cần làm")


class TestCitationSpans:
    def test_given_highlight_is_used(self) -> None:
        c = Citation(1, "d", "Trí Quả", "s", ["d:p1"], TRI_QUA, highlight=(10, 40))
        assert citation_span(c, "bất kỳ", "bất kỳ") == (10, 40)

    def test_invalid_highlight_falls_back(self) -> None:
        c = Citation(1, "d", "Trí Quả", "s", ["d:p1"], TRI_QUA, highlight=(5, 99_999))
        a, b = citation_span(c, "Phường Trí Quả: 100% (tháng 5 năm 2026)",
                             "Những phường, xã nào báo cáo tỷ lệ số hóa hồ sơ đạt 100%?")
        assert TRI_QUA[a:b] == "số hóa hồ sơ đạt 100%."

    def test_fallback_picks_the_clause_of_the_value(self) -> None:
        a, b = highlight_span(TRI_QUA, "", "Tỷ lệ trực tuyến của phường Trí Quả: 84.54%",
                              "Tỷ lệ hồ sơ trực tuyến của phường Trí Quả là bao nhiêu?")
        assert TRI_QUA[a:b].endswith("Trực tuyến 465 hồ sơ đạt 84.54%;")

    def test_best_sentence_for_claim(self) -> None:
        para = ("Trong kỳ báo cáo tiếp nhận: 2,955 hồ sơ. Tỷ lệ hồ sơ trực tuyến toàn trình đạt: 99.75%. "
                "Tiếp nhận trực tiếp: 245 hồ sơ.")
        claim = claim_text("Tỷ lệ hồ sơ trực tuyến toàn trình của phường đạt 99.75% [2]. Khác [1].", 2)
        a, b = highlight_span(para, para, claim)
        assert para[a:b] == "Tỷ lệ hồ sơ trực tuyến toàn trình đạt: 99.75%."

    def test_snippet_shows_the_span_of_a_long_passage(self) -> None:
        a = TRI_QUA.index("số hóa hồ sơ đạt 100%")
        before, marked, after = snippet(TRI_QUA, (a, len(TRI_QUA)))
        assert marked == "số hóa hồ sơ đạt 100%."
        assert before.startswith("…") and len(before) <= 92 and after == ""
        assert len(TRI_QUA) > 220  # the old list cut the passage at 220 characters, before the value

    def test_snippet_without_span(self) -> None:
        assert snippet("ngắn", None) == ("", "", "ngắn")
        assert snippet("dài " * 200, None)[2].endswith("…")


def _view(n: int = 1, text: str = TRI_QUA, span: tuple[int, int] | None = None) -> CitationView:
    return CitationView(n=n, doc_id="d", unit="Phường Trí Quả", title="Kết quả <CĐS>", period="tháng 5 năm 2026",
                        section="II > 1", cited_text=text, paragraphs=[ParagraphView("d:p1", text, span)],
                        span=span, file_name="bao cao.docx")


class TestPanels:
    def test_passage_html_escapes_and_marks(self) -> None:
        out = passage_html(_view(text="Số hóa <đạt> 100%.", span=(0, 7)), turn=2)
        assert '<div class="passage" data-turn="2" data-n="1" hidden>' in out
        assert "<mark>Số hóa </mark>&lt;đạt&gt; 100%." in out
        assert "Kết quả &lt;CĐS&gt; · tháng 5 năm 2026" in out and "<CĐS>" not in out

    def test_sources_panel_lists_snippets_with_the_span(self) -> None:
        a = TRI_QUA.index("số hóa hồ sơ đạt 100%")
        out = sources_panel_html([_view(2, span=(a, len(TRI_QUA)))], turn=0)
        assert 'data-turn="0" data-count="1"' in out
        assert '<a class="source-open" href="#nguon-0-2">' in out
        snippet_html = out.split('<div class="source-snippet">')[1]
        assert "<mark>số hóa hồ sơ đạt 100%.</mark>" in snippet_html

    def test_empty_panel(self) -> None:
        assert "Chưa có nguồn trích dẫn" in sources_panel_html([], None)

    def test_badge_and_chips(self) -> None:
        assert "Tìm kiếm: theo từ khóa" in status_badge_html("lexical", None)
        assert "Trả lời: mô hình ngôn ngữ (qwen)" in status_badge_html("hybrid", "qwen")
        assert "Phạm vi: tất cả 5 báo cáo" in filter_chips_html([], 5, None)
        chips = filter_chips_html([("Kỳ báo cáo", "quý I <2026>")], 5, 2)
        assert "Kỳ báo cáo:</span> quý I &lt;2026&gt;" in chips and "2/5 báo cáo" in chips

    def test_plain_text_for_copy(self) -> None:
        a = TRI_QUA.index("số hóa hồ sơ đạt 100%")
        text = plain_text("Phường Trí Quả: 100% [1]", [Note("ghi chú")], [_view(1, span=(a, len(TRI_QUA)))])
        assert text == ("Phường Trí Quả: 100% [1]\n\nLưu ý: ghi chú\n\nNguồn:\n[1] Phường Trí Quả — Kết quả <CĐS>, "
                        "mục II > 1 (tháng 5 năm 2026): “số hóa hồ sơ đạt 100%.”")


class TestConversation:
    def test_answer_round_trip_keeps_highlight_and_notes(self) -> None:
        a = Answer("q", "A [1]", False, [Citation(1, "d", "u", "s", ["d:p1"], "văn bản", (0, 3))],
                   mode="llm", retrieval="hybrid", timings_ms={"total": 5.0}, notes=["n"])
        b = answer_from_dict(answer_to_dict(a))
        assert (b.answer, b.mode, b.retrieval, b.notes, b.citations[0].highlight) == ("A [1]", "llm", "hybrid",
                                                                                     ["n"], (0, 3))
        assert "highlight" not in a.to_dict()["citations"][0]  # the JSON contract is unchanged

    def test_browser_value_round_trip_and_junk(self) -> None:
        lib = Library()
        conv = Conversation()
        conv.turns.append(Turn("Câu hỏi?", {"answer": "Đáp [1]", "citations": []}, {"provinces": ["Bắc Ninh"]}))
        lib.put(conv)
        again = Library.from_value(lib.to_value())
        assert again.current == conv.id
        assert again.get(conv.id).turns[0].filters == {"provinces": ["Bắc Ninh"]}
        assert again.get(conv.id).history() == ["Câu hỏi?"]
        assert Library.from_value({"v": 1, "conversations": [{"id": 3}, "x", {"id": "a", "turns": [{"q": 1}]}]}) \
            .conversations[0].turns == []
        assert Library.from_value("<script>").conversations == []

    def test_empty_conversations_are_not_stored(self) -> None:
        lib = Library()
        lib.put(Conversation())
        assert lib.to_value()["conversations"] == [] and lib.choices() == []

    def test_size_is_bounded(self) -> None:
        lib = Library()
        for i in range(40):
            c = Conversation()
            c.turns.append(Turn(f"Câu {i}", {"answer": "x" * 100_000}))
            lib.put(c)
        value = lib.to_value()
        assert len(value["conversations"]) < 21
        assert value["conversations"][0]["turns"][0]["question"] == "Câu 39"


def test_docx_export_has_answers_and_numbered_sources(tmp_path: Path) -> None:
    import docx

    a = TRI_QUA.index("số hóa hồ sơ đạt 100%")
    turns = [ExportTurn("Phường nào đạt 100%?", "Có 1 đơn vị:\n- Phường Trí Quả: 100% [1]", [Note("ghi chú")],
                        [_view(1, span=(a, len(TRI_QUA)))]),
             ExportTurn("Câu thứ hai?", "Trả lời [1].", [], [_view(1)], stopped=True)]
    path = write_docx(tmp_path / "x.docx", turns, "Hội thoại: thử")
    paras = [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]
    texts = [t for _s, t in paras]
    assert texts[0] == "Hội thoại: thử"
    assert ("Heading 2", "Câu hỏi 1: Phường nào đạt 100%?") in paras
    assert ("List Bullet", "Phường Trí Quả: 100% [1]") in paras
    assert "Lưu ý: ghi chú" in texts and "(Câu trả lời đã bị dừng giữa chừng.)" in texts
    i = texts.index("Nguồn trích dẫn")
    assert texts[i + 1] == "[1] Phường Trí Quả — Kết quả <CĐS>, mục II > 1 (tháng 5 năm 2026): “số hóa hồ sơ đạt 100%.”"
    marker = next(r for p in docx.Document(str(path)).paragraphs for r in p.runs if r.text == "[1]")
    assert marker.font.superscript


def _ind(unit: str, value: float, measure: str = "%", period: str = "2026-04", doc: str | None = None,
         qualifier: str | None = None, key: str = "tiep_nhan_truc_tuyen") -> Indicator:
    return Indicator(doc_id=doc or f"d_{unit}_{period}", unit=unit, province="Bắc Ninh", period=period, key=key,
                     label="l", value=value, measure=measure, qualifier=qualifier, numerator=None,
                     denominator=None, paragraph_id="p", sentence=f"câu {value}", start=0, end=1)


REPORTS = {f"d_{u}_{p}": {"unit_type": "phường", "period_label": lbl} for u in ("A", "B")
           for p, lbl in (("2026-04", "tháng 4 năm 2026"), ("2026-Q1", "quý I năm 2026"))}


class TestIndicatorView:

    def test_one_measure_at_a_time_and_no_duplicates(self) -> None:
        from webapp.indicators import build_view

        inds = [_ind("A", 91.71), _ind("A", 91.71), _ind("A", 2710, "hồ sơ"), _ind("B", 84.54)]
        view = build_view(inds, "tiep_nhan_truc_tuyen", None, REPORTS)
        assert view.measure == "%"  # the indicator's own measure first
        assert [r[3] for r in view.rows] == ["91,71%", "84,54%"]
        counts = build_view(inds, "tiep_nhan_truc_tuyen", "hồ sơ", REPORTS)
        assert [r[3] for r in counts.rows] == ["2.710 hồ sơ"] and counts.by_unit == [("Phường A", 2710.0)]

    def test_trend_per_unit_over_periods(self) -> None:
        from webapp.indicators import build_view, trend_chart, unit_chart

        inds = [_ind("A", 80.0, period="2026-04"), _ind("A", 70.5, period="2026-Q1"), _ind("B", 90.0),
                _ind("B", 99.0, period="2026-Q1", qualifier="kế hoạch")]
        view = build_view(inds, "tiep_nhan_truc_tuyen", "%", REPORTS)
        assert view.periods == ["quý I năm 2026", "tháng 4 năm 2026"]  # Q1 ends in March, before April
        assert view.trend == {"Phường A": [("quý I năm 2026", 70.5), ("tháng 4 năm 2026", 80.0)]}
        assert sorted(view.by_unit) == [("Phường A", 80.0), ("Phường B", 90.0)]  # latest, targets left out
        assert unit_chart(view) is not None and trend_chart(view) is not None

    def test_chart_labels_use_vietnamese_numbers(self) -> None:
        from webapp.indicators import build_view, unit_chart

        fig = unit_chart(build_view([_ind("A", 12345.5, "hồ sơ")], "tiep_nhan_truc_tuyen", "hồ sơ", REPORTS))
        labels = [t.get_text() for t in fig.axes[0].texts]
        assert labels == [" 12.345,5 hồ sơ"]

    @pytest.mark.parametrize(("code", "key"), [("2026-04", (2026, 4)), ("2026-Q1", (2026, 3)),
                                               ("2026-H2", (2026, 12)), ("2025-01..2026-06", (2026, 6)),
                                               ("2026", (2026, 12)), (None, (9999, 99))])
    def test_period_order(self, code: str | None, key: tuple[int, int]) -> None:
        from webapp.indicators import period_key

        assert period_key(code) == key
