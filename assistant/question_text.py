"""Readers of one question's own words, with no state: what `QuestionUnderstander` reads off the text.

* `strip_courtesy`: the question without greetings and particles of politeness;
* `counted_noun`: the counted noun of "bao nhiêu <danh từ>" (its canonical measure, as written);
* `metadata_field`: which field of the report itself a question asks for (signer, number, date ...);
* `unit_phrase`: how the question writes its units;
* the text edits of follow-up resolution: `strip_followup_words`, `split_cue`,
  `replace_alternative`, `replace_period`, with the date and period mentions (`WHEN_RE`,
  `PERIOD_MENTION_RE`) they share with the understander.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.textutil import contains_phrase, match_key
from index.analyzer import ABBREVIATIONS
from ingest.numbers import measure_at

if TYPE_CHECKING:
    from index.query import QueryAnalyzer


# Greetings and requests around a question ("Dạ em chào anh chị, cho em hỏi với ạ: ...", "Nhờ trợ
# lý kiểm tra giúp: ...", "Tóm tắt giúp tôi ..."): not part of what is asked.
_COURTESY_PREFIX_RE = re.compile(r"^([^:?]{0,120}):\s*")
_COURTESY_WORDS_RE = re.compile(
    r"(?i)(?<!\w)(?:giúp (?:tôi|em|mình|cháu|với)|giùm (?:tôi|em|mình)|giúp(?! đỡ)|giùm|với ạ|ạ|dạ|nhé|nha)(?!\w)")
_GREETING_WORDS = frozenset({"chao", "nho", "lam on", "vui long", "cho", "em", "toi", "minh", "chau", "anh", "chi",
                             "ban", "oi", "hoi", "xin", "voi", "tro ly", "kiem tra", "cam on", "a", "da", "giup",
                             "nhe", "nha", "va", "cac", "quy", "thay", "co", "chu", "bac", "o"})


# "NQ57", "QĐ749": an abbreviation glued to the number of the document it names.
_GLUED_ABBR_RE = re.compile(r"(?<![\w/-])(" + "|".join(sorted((re.escape(k.upper()) for k in ABBREVIATIONS
                                                               if k.isalpha()), key=len, reverse=True))
                            + r")(\d+)(?![\w/-])")


def unglue_abbreviations(question: str) -> str:
    """ "Kế hoạch thực hiện NQ57" -> "Kế hoạch thực hiện NQ 57": the abbreviation and the number
    are two words of the question (reports write "Nghị quyết số 57")."""
    return _GLUED_ABBR_RE.sub(r"\1 \2", question)


def strip_courtesy(question: str) -> str:
    """The question without greetings, requests and particles of politeness."""
    out = question
    m = _COURTESY_PREFIX_RE.match(out)
    if m and all(w in _GREETING_WORDS for w in re.sub(r"\b(lam on|vui long|tro ly|kiem tra|cam on)\b",
                                                      "nho", re.sub(r"[^\w\s]", " ", match_key(m.group(1)))).split()):
        out = out[m.end():]  # "Dạ em chào anh chị, cho em hỏi với ạ: ..."
    out = _COURTESY_WORDS_RE.sub(" ", out)
    out = " ".join(out.split())
    return out if len(match_key(out).split()) >= 2 else question


# Metadata questions about the report itself.
_METADATA_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("signer", ("ai ky", "nguoi ky", "ai la nguoi ky", "do ai ky", "chu ky cua ai", "ky boi ai", "ai da ky")),
    ("report_number", ("so hieu bao cao", "bao cao so may", "so bao cao", "co so hieu", "so ky hieu bao cao",
                       "so hieu cua bao cao", "bao cao co so hieu")),
    ("references", ("cong van nao", "thuc hien cong van", "can cu cong van", "theo cong van", "can cu van ban nao",
                    "de thuc hien van ban nao", "lap de thuc hien", "can cu vao van ban nao", "van ban nao")),
    ("duration", ("khoang thoi gian bao lau", "so ket cho", "bao lau", "so ket may nam", "thoi gian so ket")),
    ("period", ("ky bao cao nao", "bao cao ky nao", "bao cao thang nao", "bao cao quy nao", "ky bao cao la",
                "bao cao cho ky nao", "thuoc ky nao")),
    ("province", ("thuoc tinh nao", "tinh nao", "thuoc thanh pho nao")),
    ("date", ("ngay nao", "ngay bao cao", "ban hanh ngay", "ngay may", "ky ngay nao", "lap ngay nao",
              "lap vao thang may", "thang may", "lap vao ngay nao", "lap khi nao")),
)

# The dates and periods a question writes ("từ 01/01 đến 06/6/2026", "quý I/2026", "tháng 5 năm 2026"):
# a follow-up or a part of a multi-part question keeps them.
WHEN_RE = re.compile(
    r"(?i)(?:(?:từ|tu)\s+(?:ngày\s+|ngay\s+)?\d{1,2}/\d{1,2}(?:/\d{4})?\s+(?:đến|den|tới|toi)\s+(?:ngày\s+|ngay\s+)?"
    r"\d{1,2}/\d{1,2}(?:/\d{4})?|(?:tính đến|tinh den|đến|den)\s+(?:ngày\s+|ngay\s+)?\d{1,2}/\d{1,2}(?:/\d{4})?|"
    r"(?:quý|quy)\s+[IVX]{1,3}(?:\s*/\s*\d{4}|\s+(?:năm|nam)\s+\d{4})?|(?:tháng|thang)\s+\d{1,2}(?:\s*/\s*\d{4}|"
    r"\s+(?:năm|nam)\s+\d{4})|(?:năm|nam)\s+\d{4})")
PERIOD_MENTION_RE = re.compile(
    r"(?:(?:trong|vào|vao)\s+)?(?:(?:6|sáu|sau)\s+tháng\s+(?:đầu|cuối|dau|cuoi)\s+(?:năm|nam)\s+\d{4}|"
    r"(?:tháng|thang|quý|quy|năm|nam)\s+(?:[0-9]{1,2}|[IVX]{1,3}|[ivx]{1,3})?"
    r"(?:\s*/\s*\d{4}|\s+(?:năm|nam)\s+\d{4})|(?:năm|nam)\s+\d{4}|(?:quý|quy)\s+[IVX]{1,3}\b)", re.IGNORECASE)
_FOLLOWUP_WORDS_RE = re.compile(r"(?i)^\s*(?:thế\s+|vậy\s+|và\s+)?(?:còn|con)\s+(?:về\s+|ve\s+)?|"
                                r"\s*(?:thì|thi)\s+(?:sao|thế nào|the nao|ra sao)\s*\??\s*$|\s*(?:thì|thi)\s+(?=\w)")


def strip_followup_words(question: str) -> str:
    """The fragment of a follow-up without its ellipsis words ("Còn ... thì sao?")."""
    return _FOLLOWUP_WORDS_RE.sub(" ", question).strip(" ?.")


def split_cue(text: str, words) -> tuple[str, str]:
    """(text without its trailing question words, those words): "Kế hoạch 128 ngày nào" ->
    ("Kế hoạch 128", "ngày nào")."""
    m = re.search(r"(?i)\s*(?:là\s+|la\s+)?(?:bao nhiêu|bao nhieu|ngày nào|ngay nao|khi nào|khi nao|"
                  r"ngày mấy|ngay may|là gì|la gi|thế nào|the nao|ra sao|nào|nao|gì|gi|mấy|bao giờ|"
                  r"ai|ở đâu|o dau)\s*(?:\w+\s*)?\??\s*$", text)
    if m and m.start() > 0:
        return text[: m.start()].strip(), text[m.start():].strip(" ?")
    if m:
        return "", text.strip(" ?")
    return text.strip(), ""


def replace_alternative(previous: str, fragment: str) -> str | None:
    """Replace in `previous` the run of words the fragment is an alternative to, or None."""
    pw = previous.split()
    fw = fragment.split()
    pk = [match_key(w) for w in pw]
    fk = [match_key(w) for w in fw]
    # A run starting with the same head word ("Bộ ...", "trực ...", "Kế hoạch ...").
    for n_head in (2, 1):
        head = fk[:n_head]
        if len(head) < n_head:
            continue
        for i in range(len(pk) - n_head + 1):
            if pk[i:i + n_head] != head:
                continue
            # The run ends where the previous question's words stop being the same kind of thing:
            # at most as long as the fragment, and never across a unit or question word.
            j = i + n_head
            while j < len(pk) and j - i < max(len(fk), n_head + 1) and pk[j] not in _RUN_STOP and \
                    not pw[j][:1].isupper():
                j += 1
            if pk[i:j] == fk:
                return None  # the fragment repeats the previous question: nothing to swap
            return " ".join([*pw[:i], *fw, *pw[j:]])
    # The fragment's head word occurs in the previous question, its modifier differs:
    # "thủ tục một phần" after "... thủ tục hành chính toàn trình" replaces the last modifier run.
    for i, w in enumerate(pk):
        if w == fk[0] and len(fk) > 1:
            mods = fk[1:]
            tail_start = None
            for j in range(i + 1, len(pk)):
                if pk[j] in _RUN_STOP or pw[j][:1].isupper():
                    break
                tail_start = j
            if tail_start is not None:
                end = tail_start + 1
                start = max(i + 1, end - len(mods))
                return " ".join([*pw[:start], *fw[1:], *pw[end:]])
    return None


_RUN_STOP = frozenset({"cua", "o", "tai", "trong", "tu", "den", "la", "bao", "nhieu", "nao", "gi", "may", "va",
                       "phuong", "xa", "thi", "nam", "thang", "quy", "ngay", "theo", "voi", "cho", "duoc", "da"})


def replace_period(previous: str, fragment: str) -> str:
    """The previous question with its last period mention replaced by the fragment's (else appended)."""
    m = list(PERIOD_MENTION_RE.finditer(previous))
    fm = PERIOD_MENTION_RE.search(fragment)
    if not m or not fm:
        return f"{previous.rstrip(' ?.')} {fragment}?"
    last = m[-1]
    return previous[: last.start()] + fm.group(0).strip() + previous[last.end():]


def unit_phrase(text: str, units: list[str], qa: QueryAnalyzer) -> list[str]:
    """How the question writes its units ("phường Trí Quả", "P. Trung Thành", "Phu Lien")."""
    out: list[str] = []
    for unit in units:
        marker = "\u0000"
        replaced = qa.replace_unit(text, unit, marker)
        if marker not in replaced:
            out.append(unit)
            continue
        at = replaced.index(marker)
        written_len = len(text) - (len(replaced) - len(marker))
        written = text[at: at + written_len]
        before = re.search(r"(?i)(?:phường|xã|thị trấn|phuong|xa|thi tran|[PX]\.)\s*$", text[:at])
        out.append((before.group(0) if before else "") + written)
    return out


def counted_noun(text: str) -> tuple[str | None, str | None]:
    """The counted noun of "bao nhiêu <danh từ>" / "mấy <danh từ>" / "số <danh từ>": (canonical
    measure, the noun as written), or (None, None)."""
    from ingest.text import fold

    f = fold(text)
    # The first cue followed by a counted noun ("Tổ công nghệ số cộng đồng ... bao nhiêu lượt người
    # dân": "số cộng đồng" counts nothing, "bao nhiêu lượt" does); "bao nhiêu" cues first.
    cues = sorted(_COUNT_CUE_RE.finditer(f), key=lambda c: (c.group(1) in ("so", "may"), c.start()))
    for m in cues:
        if f[m.start():].startswith("may") and not re.search(r"(?i)mấy", text[m.start():m.start() + 4]) and \
                fold(text) != text.lower():
            continue
        measure, length, _ = measure_at(f[m.end():m.end() + 40])
        if measure is not None and measure != "%":
            break
    else:
        # "bao nhiêu ấp", "mấy bản": a counted noun no measure list holds (measure unknown)
        m2 = next((c for c in cues if c.group(1) in ("bao nhieu", "co may", "may")), None)
        word = re.match(r"([\wÀ-ỹ]+)", text[m2.end():]) if m2 else None
        if word is None or fold(word.group(1)) in _NOUN_STOP or fold(word.group(1)) in _NOT_NOUNS:
            return None, None
        return None, word.group(1)
    tail = text[m.end():m.end() + length].strip()
    # Extend to the whole noun phrase as written ("hộ gia đình", "camera an ninh").
    rest = _NOUN_WORDS_RE.match(text[m.end():])
    phrase = tail
    if rest:
        words = []
        for w in rest.group(0).split():
            if fold(w) in _NOUN_STOP:
                break
            words.append(w)
        phrase = " ".join(words) or tail
    return measure, phrase or None


_NOT_NOUNS = frozenset({"phan tram", "phan", "lan", "tuoi", "nam", "thang", "ngay", "gio", "tien", "dong", "ty", "trieu",
                        "nguoi", "ho", "km", "m", "ha",
                        # the collection itself ("có mấy báo cáo", "bao nhiêu đơn vị"): an aggregate
                        "bao", "don", "phuong", "xa", "dia", "thi", "noi"})
_COUNT_CUE_RE = re.compile(r"(?<![a-z])(bao nhieu|co may|so luong|tong so|may|so)\s+(?!phan tram|%|la\b|ty le)")
NOUN_MAX_WORDS = 6  # syllables of a counted noun phrase ("người tham gia Đề án 06")
_NOUN_WORDS_RE = re.compile(r"[\wÀ-ỹ]+(?:\s+[\wÀ-ỹ]+){0,%d}" % (NOUN_MAX_WORDS - 1))  # noqa: UP031
_NOUN_STOP = frozenset({"bang", "hoac", "hay", "cua", "o", "tai", "trong", "duoc", "da", "la", "cho", "tu", "den", "nam", "thang",
                        "quy", "ve", "va", "voi", "theo", "khi", "thi", "nao", "gi", "tren", "khong", "co",
                        "phuong", "xa", "thuoc", "vao", "ngay", "dang", "moi", "can"})


def metadata_field(key: str, answer_type: str) -> str | None:
    """The field of the report itself a question asks for ("signer", "date", ...), or None."""
    for name, cues in _METADATA_PATTERNS:
        if any(contains_phrase(key, c) for c in cues):
            if name == "report_number" and "bao cao" not in key:
                return None  # "số hiệu" of another document: a lookup, not report metadata
            if name in ("province", "period") and not any(
                    w in key for w in ("bao cao", "don vi", "phuong", "xa")):
                return None
            if name == "date" and not _about_the_report(key):
                return None  # "Kế hoạch số 129 ban hành ngày nào?" dates another document
            if name == "references" and not re.search(r"\bbao cao\b|\blap\b", key):
                return None
            if name == "province" and re.search(r"\bnhung\b|\bcac\b|\bnao la\b", key):
                return None  # "những báo cáo nào thuộc tỉnh X" is an aggregate over reports
            if name == "duration" and not re.search(r"\bso ket\b|\bbao cao\b", key):
                return None
            return name
    return None


def _about_the_report(key: str) -> bool:
    """A date question about the report itself ("báo cáo ... ký/lập/ban hành ngày nào")."""
    if not re.search(r"\bbao cao\b", key):
        return False
    other_docs = r"\b(ke hoach|quyet dinh|cong van|nghi quyet|thong bao|chi thi|chuong trinh|hoi nghi|lop|" \
                 r"tap huan|so lieu|tinh tu|tinh den|chot|dien ra|ra mat|to chuc|thanh lap|trien khai)\b"
    return not re.search(other_docs, key)
