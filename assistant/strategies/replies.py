"""The reply helpers every strategy shares: answers and abstentions, cited and quoted sentences, wording.

`abstain` and `answered` build the `Answer`; `cite_sentence` and `quoted_sentence` cite and quote the
sentence of a value; `who_of` names the reports read and `missing_sentence` says what they do not
state (quoting the nearest passage); `asked_phrase` words the asked attribute in the question's own
words; `issuer_conflict` tells when a question asks another issuer's document. The store view they
read (`Context`) is in assistant/strategies/base.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.compose import CitationBook, quote
from assistant.models import Answer, Citation
from assistant.strategies.base import LOCATOR_RE
from assistant.textutil import match_key
from assistant.words import folded_text
from index.analyzer import ABBREVIATIONS

if TYPE_CHECKING:
    from assistant.matching import Attribute
    from assistant.strategies.base import Context
    from assistant.understand import Understanding
    from ingest.models import Paragraph


# "của UBND xã Tịnh Trà", "UBND huyện Sơn Tịnh", "Sở Khoa học và Công nghệ": the level of an issuer.
_ISSUER_LEVEL_RE = re.compile(r"(?<![a-z])(xa|phuong|thi tran|huyen|quan|thi xa|tinh|thanh pho|so|(?<!dang )bo|chinh phu|"
                              r"trung uong|thanh uy|tinh uy|huyen uy)(?![a-z])")
# "của UBND xã", "của Ban Chấp hành Đảng bộ tỉnh": the first issuer the question names, within a few words.
_ASKED_ISSUER_RE = re.compile(r"(?<![a-z])cua (?:(?!cua )[a-z]+ ){0,5}?(xa|phuong|thi tran|huyen|quan|thi xa|tinh|"
                              r"thanh pho)(?![a-z])")


def issuer_conflict(question: str, issuer: str | None) -> bool:
    """The question names whose document it asks ("Kế hoạch ... của UBND xã Tịnh Trà") and the
    report's document has an issuer of another level ("của UBND huyện Sơn Tịnh")."""
    folded = folded_text(question)
    first = re.search(r"(?<![a-z])cua ", folded)  # only the first "của" names whose document is asked
    asked = _ASKED_ISSUER_RE.match(folded, first.start()) if first else None
    if asked is None or not issuer:
        return False
    level = _ISSUER_LEVEL_RE.search(folded_text(issuer))
    return level is not None and level.group(1) != asked.group(1)


def abstain(u: Understanding, text: str, citations: list[Citation] | None = None) -> Answer:
    return Answer(question=u.question, answer=text, abstained=True, citations=citations or [], intent=u.intent)


def answered(u: Understanding, text: str, book: CitationBook, intent: str | None = None) -> Answer:
    if text[:1].islower():  # "trên 95% — theo ...": a sentence opens with a capital
        text = text[:1].upper() + text[1:]
    return Answer(question=u.question, answer=text, abstained=False, citations=book.citations,
                  intent=intent or u.intent)


def cite_sentence(book: CitationBook, p: Paragraph, start: int, end: int,
                  focus: tuple[int, int] | None = None) -> int:
    """Cite a paragraph, highlighting the sentence (or, with `focus`, the clause of the value)."""
    from ingest.text import clause_span

    span = clause_span(p.text, start, end, *focus) if focus is not None else (start, end)
    return book.cite(p, highlight=span)


def quoted_sentence(p: Paragraph, start: int, end: int, focus: tuple[int, int] | None = None) -> str:
    """The sentence quoted in the answer; a long one is windowed around `focus` (the value)."""
    return quote(p.text[start:end], focus=None if focus is None else (focus[0] - start, focus[1] - start))


def who_of(ctx: Context, docs: Sequence[str]) -> str:
    phrases = [ctx.report_phrase(d) for d in dict.fromkeys(docs) if d in ctx.reports]
    if not phrases:
        return "các báo cáo đã nạp"
    if len(phrases) > 3:
        return f"{len(phrases)} báo cáo đã nạp"
    return "; ".join(phrases)


def missing_sentence(ctx: Context, u: Understanding, docs: Sequence[str], what: str,
                     attr: Attribute | None = None, paragraphs: Sequence[Paragraph] | None = None) -> Answer:
    """Abstain: "<báo cáo> không nêu <what>.", quoting the nearest passage when one is close."""
    who = who_of(ctx, docs)
    head = f"{who[:1].upper()}{who[1:]} không nêu {what}."
    if attr is not None and attr.terms:
        near = ctx.nearest(attr, paragraphs if paragraphs is not None else ctx.paragraphs(docs),
                           question=u.effective)
        if near is not None:
            p, s, e, _ = near
            book = ctx.book()
            n = cite_sentence(book, p, s, e)
            return abstain(u, f"{head} Đoạn gần nhất trong báo cáo: {quoted_sentence(p, s, e)} [{n}]",
                           book.citations)
    return abstain(u, head)


def asked_phrase(u: Understanding, fallback: str = "thông tin được hỏi") -> str:
    """The asked attribute in the question's own words, for an abstention sentence ("dân số",
    "số hộ gia đình", "tỷ lệ hộ nghèo"): a noun phrase cut at the first word that is not part of
    it (a preposition, a verb of the question), whole dictionary words only ("số chữ ký số công
    cộng", never "số chữ ký số công"); the fallback when no clean noun phrase is left."""
    from assistant.words import segment_pairs, text_for_segmenting

    # An unaccented question is read with its accents restored ("dan so" -> "dân số").
    text = text_for_segmenting(u.display or u.effective, [*u.subject_phrases, *u.units])
    text = LOCATOR_RE.sub(" ", text)
    text = re.sub(r"(?i)(?<!\w)(?:kể tên|nêu tên|liệt kê|kể ra|cho biết)(?!\w)", " ", text)
    # "bao nhiêu TTHC": an abbreviation is said in full, with its accents ("thủ tục hành chính").
    text = _ABBR_TOKEN_RE.sub(lambda m: ABBREVIATIONS.get(m.group(0).lower(), (m.group(0),))[0], text)
    if u.answer_type == "count" and u.noun_phrase:
        m = re.search(r"(?i)(?:bao nhiêu|mấy|số lượng|tổng số)\s+(.*)", text)
        text = m.group(1) if m else u.noun_phrase
        prefix = "số "
    else:
        text = _QUESTION_WORDS_RE.sub(" ", text)
        prefix = ""
    words = [acc for _, acc in segment_pairs(text) if acc is not None] or \
        [w for w, _ in segment_pairs(text)]
    while words and (words[0].lower() in _PHRASE_LEAD or words[0].isdigit()):
        words.pop(0)
    kept: list[str] = []
    for w in words:
        # "tỷ lệ người dân có điện thoại thông minh": "có" inside the phrase defines it.
        if w.lower() == "có" and len(kept) >= 2 and u.answer_type in ("percent", "count"):
            kept.append(w)
            continue
        if w.lower() in _PHRASE_STOP or (kept and w.lower() in _PHRASE_LEAD):
            break
        kept.append(w)
    while kept and kept[-1].lower() == "có":
        kept.pop()
    if not kept or len(kept) > 7 or kept[0].lower() in _VERBISH:
        return fallback
    phrase = _as_written(" ".join(kept), u.display or u.effective)
    if match_key(phrase) in _BARE_QUESTION_WORDS:
        return fallback  # "không nêu ai." says nothing
    if prefix and not phrase.startswith(("số ", "tổng số")):
        phrase = prefix + phrase
    if u.answer_type == "percent" and not match_key(phrase).startswith(("ty le", "ti le")):
        phrase = f"tỷ lệ {phrase}"
    return re.sub(r"\b(tỷ lệ|tỉ lệ)( .*)? \1\b", r"\1\2", phrase)


def _as_written(phrase: str, question: str) -> str:
    """The phrase with the question's own capitals ("Tổ Công nghệ số cộng đồng Lang Xá Cồn"); the
    first letter in lower case unless the word is a name (capitals inside the phrase)."""
    from assistant.words import folded_text

    words = question.split()
    target = folded_text(phrase).split()
    folded = [folded_text(w).strip() for w in words]
    for i in range(len(words) - len(target) + 1):
        if folded[i:i + len(target)] == target:
            written = " ".join(w.strip("?.,;:!“”\"'()") for w in words[i:i + len(target)])
            names = [w for w in written.split()[1:] if w[:1].isupper() and not w.isupper()]  # "AI" is no name
            first = written.split()[0]
            if written[:1].isupper() and (not names or folded_text(first).strip() in _QUESTION_OPENING) \
                    and not first.isupper():  # "VB" stays; "Ai giữ cương vị Chủ tịch" -> "ai ..."
                written = written[:1].lower() + written[1:]
            return written
    return phrase.lower()


# Question words that open a question, never a name ("Ai giữ cương vị Chủ tịch ..."), folded.
_QUESTION_OPENING = frozenset({"ai", "bao", "may", "nhung", "cac", "khi", "o", "tai", "vi", "tai sao"})
_BARE_QUESTION_WORDS = frozenset({"ai", "la ai", "nguoi", "nguoi nao", "ai la"})
# An abbreviation written in capitals ("TTHC", "CĐS", "DVCTT").
_ABBR_TOKEN_RE = re.compile(r"(?<!\w)(?:" + "|".join(sorted((re.escape(k.upper()) for k in ABBREVIATIONS
                                                              if k.isalpha()), key=len, reverse=True)) + r")(?!\w)")

# Words that end the asked noun phrase, and words that cannot open it (canonical lower case).
_PHRASE_STOP = frozenset({"cho", "của", "ở", "tại", "trong", "với", "về", "từ", "đến", "tới", "theo", "như", "là",
                          "được", "đã", "chiếm", "đạt", "vào", "khi", "nếu", "mà", "do", "bởi", "nhằm", "để", "và",
                          "hay", "hoặc", "thì", "có", "không", "chưa", "bao nhiêu", "mấy", "nào", "gì", "ra sao",
                          "gồm", "bao gồm", "giữa", "nêu"})
_PHRASE_LEAD = frozenset({"của", "ở", "tại", "trong", "cho", "thuộc", "đã", "có", "được", "đang", "hiện", "là",
                          "các", "những", "một", "hiện nay", "đến nay", "rút ra", "nêu", "có phải", "phải",
                          "kể tên", "liệt kê", "kể", "sau", "qua", "theo", "tháng", "năm", "quý"})


_QUESTION_WORDS_RE = re.compile(
    r"(?i)(?<!\w)(?:là bao nhiêu|bao nhiêu|là gì|những gì|gồm những gì|thế nào|ra sao|như thế nào|"
    r"khoảng|phần trăm|hiện nay|nào|gì|mấy|thứ mấy|trong kỳ báo cáo|hãy cho biết|cho biết|cho tôi hỏi|"
    r"cho em hỏi|xin hỏi|anh/chị|anh chị|vui lòng|không\s*\?*$|chưa\s*\?*$|UBND|ủy ban nhân dân|"
    r"phường|xã|thị trấn|báo cáo|theo|đạt|%)(?!\w)")
_VERBISH = frozenset({"lắp", "lắp đặt", "triển khai", "tiếp nhận", "giải quyết", "thực hiện", "ban hành", "phối hợp",
                      "ký", "lập", "hỗ trợ", "nhận", "đăng", "xây dựng", "tuyên truyền", "ra", "thành lập", "ứng dụng",
                      "sử dụng", "đưa", "nâng cao", "tổ chức", "cấp", "bố trí", "đầu tư", "chi", "đặt", "rút ra",
                      "kể tên", "liệt kê"})
