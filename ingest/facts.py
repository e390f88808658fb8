"""Typed facts of a report, extracted per sentence with exact offsets.

Every sentence of a report yields the facts an official may ask about:

* **figure**: a quantity ("2,710 hồ sơ", "trên 95%", "120.000.000 đồng", "26/99") with its *label*,
  the words that name what is measured ("Tiếp nhận trực tuyến"), its measure ("hồ sơ", "%",
  "đồng"), its qualifier ("trên", "gần", "khoảng") and its kind (count, percent, money, ...);
* **date**: a date stated in the text ("ngày 10/3/2026", "30/03/2026", "ngày 22 tháng 12 năm 2024",
  "tháng 5/2026") with what it dates (the document reference it follows, or the words around it) and
  whether it opens or closes a range ("từ ngày ... đến ngày ...");
* **person**: a person's name with role and organisation ("ông Nguyễn Văn A, Chủ tịch UBND phường",
  the signature block "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / Nguyễn Chính Bảo");
* **docref**: a document reference ("Kế hoạch số 129/KH-UBND ngày 30/3/2026 về chuyển đổi số ...")
  with its kind, number/symbol, date, issuer and subject.

Offsets (`start`, `end`, `sentence_start`, `sentence_end`) point into the paragraph text, so an
answer can quote and highlight exactly the sentence that holds its value. The indicators table
(ingest/indicators.py) is the taxonomy-normalised special case of the figures.

Vocabulary (surnames, roles, organisations, document kinds) lives in ingest/vocabulary.toml.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from ingest.facts_dates import _DATE_AFTER_REF_RE, _DATE_PATTERNS, _iso, _year_of
from ingest.facts_people import (
    _APPOSITION_END_RE,
    _PLACE_BEFORE_RE,
    _TITLE_WORD_RE,
    _same_run,
    _signature_role,
)
from ingest.models import Fact, Paragraph, Report
from ingest.numbers import NumberMatch, find_numbers
from ingest.tables import is_plan_column, row_unit
from ingest.taxonomy import Taxonomy, load_taxonomy
from ingest.text import Span, fold, sentence_spans

VOCABULARY = Path(__file__).with_name("vocabulary.toml")
# Stored facts are re-extracted when this module, its date and people helpers or its vocabulary change.
FACTS_VERSION = "facts-" + hashlib.sha1(b"".join(
    (Path(__file__).parent / name).read_bytes()
    for name in ("facts.py", "facts_dates.py", "facts_people.py", "vocabulary.toml", "text.py", "numbers.py",
                 "taxonomy.toml", "taxonomy.py", "tables.py"))).hexdigest()[:10]

LABEL_BEFORE_CHARS = 90  # a figure's label: at most this many characters before it
LABEL_AFTER_CHARS = 60  # ... and after its measure
DATE_CONTEXT_CHARS = 120  # the words around a date that say what it dates
ROLE_MAX_WORDS = 9
ROW_LABEL_CHARS = 60
KEY_LABEL_CHARS = 60  # "Số nhiệm vụ đã hoàn thành; 34/34": a heading this short before ";" labels the value
MAX_ROLE_CHAIN = 3  # roles listed after a name, separated by commas  # a unit cell ("%", "Hồ sơ", "Tài khoản") is this short

_CLAUSE_LEFT_RE = re.compile(r"[;]|\.\s|\n")
_CLAUSE_RIGHT_RE = re.compile(r"[;,:.()\n]|\s[-–]\s")
_WORD_RE = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    surnames: frozenset[str]
    honorifics: tuple[str, ...]
    roles: tuple[str, ...]
    organisations: tuple[str, ...]
    signature_prefixes: tuple[str, ...]
    document_kinds: tuple[str, ...]
    connector_words: frozenset[str]


@lru_cache(maxsize=4)
def load_vocabulary(path: str | None = None) -> Vocabulary:
    data = tomllib.loads(Path(path or VOCABULARY).read_text(encoding="utf-8"))
    people, docs = data["people"], data["documents"]
    by_len = lambda xs: tuple(sorted(xs, key=len, reverse=True))  # noqa: E731 - longest first
    return Vocabulary(
        surnames=frozenset(s.split()[0] for s in people["surnames"]),
        honorifics=by_len(people["honorifics"]), roles=by_len(people["roles"]),
        organisations=by_len(people["organisations"]),
        signature_prefixes=tuple(people["signature_prefixes"]), document_kinds=by_len(docs["kinds"]),
        connector_words=frozenset(data["figures"]["connector_words"]))


def _alternation(phrases: Iterable[str]) -> str:
    """Regex alternation over folded phrases, flexible whitespace, longest first."""
    parts = sorted({fold(p) for p in phrases}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in parts)


class FactExtractor:
    """`run(report) -> list[Fact]`; `paragraph_facts(paragraph, year)` for one paragraph."""

    def __init__(self, vocabulary: Vocabulary | None = None, taxonomy: Taxonomy | None = None) -> None:
        v = vocabulary or load_vocabulary()
        self.vocabulary = v
        self.taxonomy = taxonomy or load_taxonomy()
        kinds = _alternation(v.document_kinds)
        # Over folded text (same offsets as the original).
        self._docref_re = re.compile(
            rf"(?<![a-z])(?P<kind>{kinds})\s+(?:so\s*:?\s*)?"
            r"(?P<num>\d[\w.&]*(?:[/-][\w.&-]*[\w])+|\d{1,3}(?![\w/.,-]))")
        self._role_re = re.compile(rf"(?<![a-z])(?:{_alternation(v.roles)})(?![a-z])")
        self._org_re = re.compile(rf"\s*(?:{_alternation(v.organisations)})(?![a-z])")
        self._honorific_re = re.compile(rf"(?<![a-z])(?:{_alternation(v.honorifics)})\s*$")
        upper = "A-ZÀ-ỸĐ"
        self._name_re = re.compile(rf"(?<![\w])([{upper}][\wÀ-ỹ]*)((?:\s+[{upper}][\wÀ-ỹ]*){{1,3}})")

    # ------------------------------------------------------------------ report
    def run(self, report: Report) -> list[Fact]:
        year = int(report.date[:4]) if report.date else _year_of(report.period)
        facts: list[Fact] = []
        for p in report.paragraphs:
            facts.extend(self.paragraph_facts(p, year))
        facts.extend(self._signer_facts(report))
        return facts

    def paragraph_facts(self, p: Paragraph, year: int | None = None) -> list[Fact]:
        # Headings too: a news title holds its key figure ("... thu 5.000 tỷ từ bán hàng online"), a
        # photo caption its people ("Chủ tịch UBND xã ... Phạm Kiều Hưng báo cáo ...").
        out: list[Fact] = []
        if p.kind == "table_row" and p.cells:
            out.extend(self._table_figures(p))
        for span in sentence_spans(p.text):
            folded = fold(span.text)
            if p.kind != "table_row":
                out.extend(self._figures(p, span, folded))
            docrefs = self._docrefs(p, span, folded, year)
            out.extend(docrefs)
            dates = self._dates(p, span, folded, year, docrefs)
            out.extend(dates)
            # "Sáng 7.11, ..." is a date, not the figure 7.11.
            spans = [(d.start, d.end) for d in dates]
            out[:] = [f for f in out if f.kind != "figure" or not any(a < f.end and f.start < b for a, b in spans)]
            out.extend(self._people(p, span, folded))
        for f in out:
            if f.kind == "figure" and self.taxonomy.is_target(
                    p.section_path, p.text[f.sentence_start:f.sentence_end]):
                f.target = True
        return out

    # ------------------------------------------------------------------ figures
    def _figures(self, p: Paragraph, span: Span, folded: str) -> list[Fact]:
        text = span.text
        nums = find_numbers(text, folded) + _word_durations(text, folded)
        nums.sort(key=lambda n: n.start)
        out: list[Fact] = []
        labels: list[str] = []
        after_ends: list[int] = []
        nums = [n for n in nums if not _names_a_place(text, n)]
        for i, n in enumerate(nums):
            left = _clause_start(text, n.start)
            prev = nums[i - 1] if i else None
            lo = max(left, _word_start(text, n.start - LABEL_BEFORE_CHARS))
            if prev is not None and prev.measure_end <= n.start:
                lo = max(lo, prev.measure_end)
                # The words after the figure before, up to its comma, are its label, not this one's:
                # "98 hồ sơ kỳ trước chuyển sang, 1.615 hồ sơ tiếp nhận trực tiếp".
                if after_ends[i - 1] < n.start:
                    lo = max(lo, after_ends[i - 1])
            before = text[lo:n.start]
            borrowed_from: int | None = None
            if not before.strip(" :-–,;"):
                # "- (1) Số nhiệm vụ đã hoàn thành; 34/34": a short heading before ";" labels the value
                # (the ";" may also have ended the sentence before).
                whole = p.text[:span.start + n.start].rstrip()
                if whole.endswith(";"):
                    head = whole[_clause_start(whole, len(whole) - 1):len(whole) - 1]
                    if len(head) <= KEY_LABEL_CHARS:
                        before = head
                        borrowed_from = _clause_start(whole, len(whole) - 1)
            # "Trực tuyến 465 hồ sơ đạt 84.54%": a figure linked to the one before by a connector
            # ("đạt", "chiếm") or a bare rate after a count shares its label; a count after a comma
            # ("98 hồ sơ ..., 1.615 hồ sơ tiếp nhận trực tiếp") does not.
            linked = bool(_WORD_RE.search(fold(before))) or n.kind == "percent"
            if prev is not None and linked and self._is_connector(fold(before)) and left <= prev.start:
                before = f"{labels[i - 1]} {before}"  # inherit the label of the figure before
            nxt = nums[i + 1].start if i + 1 < len(nums) else len(text)
            after_from = max(n.end, n.measure_end)
            after_end = _clause_end(text, after_from, min(nxt, after_from + LABEL_AFTER_CHARS))
            after = text[after_from:after_end]
            after_ends.append(after_end)
            measure_words = text[n.end:after_from] if n.measure_end > n.end else ""
            label = _squash(f"{before.strip(' :-–,')} {measure_words} {after}")
            labels.append(_squash(before.strip(" :-–,")) or label)
            fact = self._figure_fact(p, span, n, label)
            if borrowed_from is not None and borrowed_from < fact.sentence_start:
                fact = replace(fact, sentence_start=borrowed_from + len(p.text[borrowed_from:]) -
                               len(p.text[borrowed_from:].lstrip()))  # the quote shows the label too
            out.append(fact)
        return out

    def _is_connector(self, folded: str) -> bool:
        return all(w in self.vocabulary.connector_words for w in _WORD_RE.findall(folded))

    def _figure_fact(self, p: Paragraph, span: Span, n: NumberMatch, label: str,
                     offset: int | None = None) -> Fact:
        base = span.start if offset is None else offset
        value_end = max(n.end, n.measure_end) if n.measure and n.measure != "%" else n.end
        shown = span.text[n.start:value_end].strip() if offset is None else p.text[base + n.start:base + value_end].strip()
        if n.qualifier and n.qualifier not in ("đạt",):
            shown = f"{n.qualifier} {shown}"
        return Fact(doc_id=p.doc_id, paragraph_id=p.id, kind="figure", start=base + n.start,
                    end=base + value_end, text=shown, label=label,
                    sentence_start=span.start, sentence_end=span.end, value=n.value, value_kind=n.kind,
                    measure=n.measure, qualifier=n.qualifier, denominator=n.denominator)

    def _table_figures(self, p: Paragraph) -> list[Fact]:
        """Table rows: each figure is labelled by its column header and the row's text cells."""
        cells = list(p.cells or ())
        header = list(p.header or ())
        offsets: list[int] = []
        pos = 0
        for c in cells:
            at = p.text.find(c, pos) if c else -1
            offsets.append(at)
            if at >= 0:
                pos = at + len(c)
        # The row's own label: its short text cells ("Cấp xã", "Bộ Tư pháp"); long cells are content.
        row_label = " ".join(c for c in cells if c and not find_numbers(c) and len(c) <= ROW_LABEL_CHARS
                             and not re.fullmatch(r"[\dIVX.]+", c.strip()))
        row_span = Span(p.text, 0, len(p.text))
        unit, _ = row_unit(cells, header)
        out: list[Fact] = []
        for j, c in enumerate(cells):
            if not c or offsets[j] < 0:
                continue
            col = header[j] if j < len(header) else ""
            if _is_row_number(j, c, col):
                continue  # "STT | Nội dung | ...": the row's number is no figure of the report
            for n in find_numbers(c):
                label = _squash(f"{row_label} {col} {c[:n.start]} {c[n.end:n.end + LABEL_AFTER_CHARS]}")
                f = self._figure_fact(p, row_span, n, label, offset=offsets[j])
                if is_plan_column(col):
                    f.target = True  # "Chỉ tiêu | Kế hoạch | Thực hiện": the plan column
                if unit and not f.measure and f.value_kind in ("count", "decimal"):
                    # "Tỷ lệ hồ sơ tiếp nhận trực tuyến | % | 93,6": the unit column measures the value
                    f = replace(f, measure=unit, value_kind="percent" if unit == "%" else f.value_kind)
                out.append(f)
        return out

    # ------------------------------------------------------------------ documents
    def _docrefs(self, p: Paragraph, span: Span, folded: str, year: int | None) -> list[Fact]:
        out: list[Fact] = []
        text = span.text
        for m in self._docref_re.finditer(folded):
            num = text[m.start("num"):m.end("num")]
            if "/" not in num and "-" not in num and not folded[m.start("kind"):].startswith(
                    ("de an", "nghi quyet", "chuong trinh", "luat", "ke hoach", "quyet dinh")):
                continue
            end = m.end()
            tail = text[end:end + 300]
            ftail = folded[end:end + 300]
            iso = None
            dm = _DATE_AFTER_REF_RE.match(ftail)
            if dm:
                iso = _iso(dm, year)
            issuer = None
            im = re.match(r"\s*(?:,\s*)?(?:ngay\s+[\d/ ]+(?:thang\s+\d+\s+nam\s+\d{4})?\s*)?cua\s+", ftail)
            if im:
                stop = re.search(r"\s(?:ve|veviec|ve viec)\s|[;,:(]|$", ftail[im.end():])
                issuer = _squash(tail[im.end():im.end() + (stop.start() if stop else 0)]) or None
            subject = ""
            sm = re.search(r"(?<![a-z])ve(?: viec)?\s+", ftail[:200])
            if sm:
                stop = re.search(r"[;]|\.\s|$", ftail[sm.end():])
                subject = _squash(tail[sm.end():sm.end() + (stop.start() if stop else 200)])
            kind_text = _squash(text[m.start("kind"):m.end("kind")])
            out.append(Fact(doc_id=p.doc_id, paragraph_id=p.id, kind="docref", start=span.start + m.start(),
                            end=span.start + m.end(), text=_squash(text[m.start():m.end()]),
                            label=subject, sentence_start=span.start, sentence_end=span.end,
                            measure=kind_text, ref=num, iso=iso, role=issuer))
        return out

    # ------------------------------------------------------------------ dates
    def _dates(self, p: Paragraph, span: Span, folded: str, year: int | None,
               docrefs: Sequence[Fact]) -> list[Fact]:
        text = span.text
        out: list[Fact] = []
        taken: list[tuple[int, int]] = []
        for rx in _DATE_PATTERNS:
            for m in rx.finditer(folded):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                iso = _iso(m, year)
                if iso is None:
                    continue
                taken.append((m.start(), m.end()))
                s, e = m.start(), m.end()
                before = folded[max(0, s - 12):s] + folded[s:m.start("d") if m.groupdict().get("d") else s]
                role = "from" if re.search(r"(?:tu|ke tu)\s*(?:ngay\s*)?$", before) else (
                    "to" if re.search(r"(?:den|toi)\s*(?:het\s*)?(?:ngay\s*)?$", before) else None)
                if folded[s:e].startswith(("tu ", "den ", "toi ")):  # the preposition is not the date
                    s = s + folded[s:e].index(" ") + 1
                ref = next((d.text for d in docrefs if 0 <= s - (d.end - span.start) <= 8), None)
                lo = max(_clause_start(text, s), s - DATE_CONTEXT_CHARS)
                hi = _clause_end(text, e, min(len(text), e + DATE_CONTEXT_CHARS), commas=False)
                label = _squash(f"{text[lo:s]} {text[e:hi]}")
                out.append(Fact(doc_id=p.doc_id, paragraph_id=p.id, kind="date", start=span.start + s,
                                end=span.start + e, text=_squash(text[s:e]), label=label,
                                sentence_start=span.start, sentence_end=span.end, iso=iso, role=role, ref=ref))
        out.sort(key=lambda f: f.start)
        return out

    # ------------------------------------------------------------------ people
    def _people(self, p: Paragraph, span: Span, folded: str) -> list[Fact]:
        """Person names: a family name followed by one to three title-case syllables, found at every
        position of a run of title-case words ("Chủ tịch UBND xã Củ Chi Phạm Kiều Hưng", "Bà Trần Thị
        Huyền Thanh"). A two-syllable name needs a role or an honorific next to it; a longer one
        ("Nguyễn Thu Trang – đoàn viên ...") is a name unless a place word comes before it."""
        text = span.text
        out: list[Fact] = []
        words = list(_TITLE_WORD_RE.finditer(text))
        i = 0
        while i < len(words):
            w = words[i]
            # A name opens with a family name, or right after an honorific ("bà H’Yim Niê", "ông Y
            # Thuyên Ênuôl": names of the ethnic minorities have no Kinh family name).
            introduced = bool(self._honorific_re.search(folded[max(0, w.start() - 40):w.start()]))
            if (w.group(0) not in self.vocabulary.surnames and not introduced) or (
                    i and _same_run(text, words[i - 1], w) and words[i - 1].group(0) in self.vocabulary.surnames):
                i += 1
                continue
            run = [w]
            while len(run) < 4 and i + len(run) < len(words) and _same_run(text, run[-1], words[i + len(run)]):
                run.append(words[i + len(run)])
            if len(run) < 2:
                i += 1
                continue
            s, e = run[0].start(), run[-1].end()
            before_f = folded[max(0, s - 40):s]
            if _PLACE_BEFORE_RE.search(text[max(0, s - 40):s].lower()):
                i += len(run)
                continue  # a place, not a person
            role = self._role_near(text, folded, s, e)
            honorific = bool(self._honorific_re.search(before_f))
            if role is None and not honorific and len(run) < 3:
                i += 1
                continue
            out.append(Fact(doc_id=p.doc_id, paragraph_id=p.id, kind="person", start=span.start + s,
                            end=span.start + e, text=_squash(text[s:e]), label=_squash(text),
                            sentence_start=span.start, sentence_end=span.end, role=role))
            i += len(run)
        return out

    def _role_near(self, text: str, folded: str, s: int, e: int) -> str | None:
        """The role written right after the name, as an apposition ("Nguyễn Văn A, Phó Chủ tịch UBND
        phường", "Vũ Đại Thắng - Phó Giám đốc Sở ...", "Trần Đức Huế, Bí thư Chi bộ, kiêm Tổ trưởng
        ..."), or right before it ("Chủ tịch UBND xã Củ Chi Phạm Kiều Hưng")."""
        after = folded[e:e + 200]
        am = re.match(r"\s*(?:[,(–:-]|\s)\s*", after)  # "Lê Văn Chung: Công chức Văn hóa - Xã hội"
        if am:
            rm = self._role_re.match(after, am.end())
            if rm:
                start = e + rm.start()
                stop = _APPOSITION_END_RE.search(folded, e + rm.end())
                end = stop.start() if stop else min(len(text), e + 200)
                # "ông Thái Danh Hân - Bí thư Đảng ủy, Chủ tịch HĐND xã, Trưởng Ban Chỉ đạo ...": a chain
                for _ in range(MAX_ROLE_CHAIN):
                    nxt = re.compile(r"\s*,\s*").match(folded, end)
                    rm_next = self._role_re.match(folded, nxt.end()) if nxt else None
                    if rm_next is None:
                        break
                    stop = _APPOSITION_END_RE.search(folded, rm_next.end())
                    end = stop.start() if stop else min(len(text), rm_next.end() + 80)
                role = re.sub(r"\s+\d{1,2}\.?$", "", _squash(text[start:end])).strip(" ,;:-–()") or None  # "... 3." next item
                # "ông Hoàng Văn Thắng, Chủ tịch UBND xã làm Trưởng ban": the second role is his too.
                clause_end = next((m.start() for m in re.finditer(r"[;.\n]", folded[end:end + 160])), 160) + end
                more = re.compile(r"(?:^|[\s,])(?:lam|giu chuc|dong thoi la)\s+").search(folded, end, clause_end)
                if role and more and (rm2 := self._role_re.match(folded, more.end())):
                    stop2 = _APPOSITION_END_RE.search(folded, rm2.end())
                    end2 = stop2.start() if stop2 else min(len(text), rm2.end() + 80)
                    role = f"{role}, làm {_squash(text[rm2.start():end2]).strip(' ,;:-–()')}"
                return role
        window_from = max(0, s - 90)
        best = None
        for rm in self._role_re.finditer(folded, window_from, s):
            best = rm
        if best is not None:
            role = self._role_text(text, folded, best.start(), best.end(), stop=s)
            between = folded[best.start() + len(fold(role)):s]
            if len(between.split()) <= 3 and not re.search(r"[;.]", between):
                return _squash(text[best.start():s]).strip(" ,;:-–") or role
        return None

    def _role_text(self, text: str, folded: str, start: int, end: int, stop: int | None = None) -> str:
        """The role and the organisation that follows it, up to punctuation or `stop`."""
        limit = stop if stop is not None else min(len(text), end + 80)
        pos = end
        while True:
            om = self._org_re.match(folded, pos, limit)
            if not om or om.end() == pos:
                break
            pos = om.end()
            nm = re.match(r"\s+[A-ZÀ-ỸĐ][\wÀ-ỹ]*(?:\s+[A-ZÀ-ỸĐ][\wÀ-ỹ]*){0,3}", text[pos:limit])
            if nm and stop is None:  # the organisation's own name ("phường Trí Quả")
                pos += nm.end()
        words = text[start:pos].split()
        return " ".join(words[:ROLE_MAX_WORDS]).strip(" ,;:-–")

    def _signer_facts(self, report: Report) -> list[Fact]:
        """The signature block: the signer with the role written above the name."""
        if not report.signer:
            return []
        for p in reversed(report.paragraphs):
            at = p.text.find(report.signer)
            if at < 0:
                continue
            block_text = _signature_block_above(report, p)
            role, on_behalf = _signature_role(block_text, self.vocabulary.signature_prefixes)
            label = _squash(f"người ký báo cáo {block_text}")
            return [Fact(doc_id=p.doc_id, paragraph_id=p.id, kind="person", start=at,
                         end=at + len(report.signer), text=report.signer, label=label,
                         sentence_start=0, sentence_end=len(p.text), role=role, ref="signer",
                         qualifier=on_behalf)]
        return []


# --------------------------------------------------------------------------- helpers
# "khu phố Tân Thành 2", "Tổ dân phố số 5", "thôn 3": a small number right after a name or a place
# noun, with no measure after it, is part of the place's name, not a count.
_PLACE_NOUN_BEFORE_RE = re.compile(r"(?i)\b(?:khu phố|tổ dân phố|tổ|thôn|ấp|xóm|khóm|bản|khu|tổ dân cư|cụm dân cư)"
                                   r"(?:\s+số)?\s+$")
_WORDS_BEFORE_RE = re.compile(r"([\w/.-]+)([\s,;:–-]+)([\w/.-]+)\s+$")
_NAME_NUMBER_MAX = 99


def _names_a_place(text: str, n: NumberMatch) -> bool:
    if n.measure or n.kind != "count" or n.value > _NAME_NUMBER_MAX:
        return False
    before = text[max(0, n.start - 40):n.start]
    if _PLACE_NOUN_BEFORE_RE.search(before):
        return True
    # A capitalised word that does not open the sentence or a clause ("Tân Thành 2", not "Có 14 thôn").
    m = _WORDS_BEFORE_RE.search(before)
    return bool(m and m.group(3)[:1].isupper() and not m.group(3).isupper() and m.group(2).strip() == ""
                and not m.group(1).endswith((".", ":")))


# "STT", "TT", "Số TT", and "STT - I" (the header of a table whose header rows are merged)
_ROW_NUMBER_HEADER_RE = re.compile(r"^(?:stt|tt|so tt|so thu tu|thu tu)(?:\s*-.*)?$")
_ROW_NUMBER_RE = re.compile(r"\s*(?:\d{1,3}(?:\.\d{1,2})*|[IVX]{1,5})\.?\s*")


def _is_row_number(j: int, cell: str, header_cell: str) -> bool:
    """The number of a table row: its cell in the "STT" column, or a bare ordinal in the first column."""
    folded = fold(header_cell).strip(" .")
    if _ROW_NUMBER_HEADER_RE.match(folded):
        return True
    return j == 0 and not folded and bool(_ROW_NUMBER_RE.fullmatch(cell))


def _clause_start(text: str, pos: int) -> int:
    start = 0
    for m in _CLAUSE_LEFT_RE.finditer(text, 0, pos):
        start = m.end()
    return start


def _clause_end(text: str, pos: int, limit: int, commas: bool = True) -> int:
    rx = _CLAUSE_RIGHT_RE if commas else re.compile(r"[;:.()\n]|\s[-–]\s")
    m = rx.search(text, pos, limit)
    return m.start() if m else limit


def _word_start(text: str, pos: int) -> int:
    """`pos`, moved forward to the start of the next word when it falls inside one."""
    if pos <= 0:
        return 0
    while pos < len(text) and not text[pos - 1].isspace():
        pos += 1
    return pos


def _squash(text: str) -> str:
    return " ".join(text.replace("**", " ").split())


_WORD_NUMBERS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9,
                 "muoi": 10, "nua": 0.5}
_WORD_DURATION_RE = re.compile(r"(?<![a-z])(mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi|nua) (ngay|tuan|thang|nam|gio|phut)(?![a-z])")
_DURATION_UNITS = {"ngay": "ngày", "tuan": "tuần", "thang": "tháng", "nam": "năm", "gio": "giờ", "phut": "phút"}


def _word_durations(text: str, folded: str) -> list[NumberMatch]:
    """Durations written in words ("Chỉ sau một ngày, ..."): reports write short spans that way."""
    out = []
    for m in _WORD_DURATION_RE.finditer(folded):
        out.append(NumberMatch(m.start(), m.end(), text[m.start():m.end()], float(_WORD_NUMBERS[m.group(1)]),
                               "duration", _DURATION_UNITS[m.group(2)], m.end()))
    return out


def _signature_block_above(report: Report, p: Paragraph) -> str:
    """The text between the end of the distribution list ("Nơi nhận: ...") and the signer's name."""
    idx = report.paragraphs.index(p)
    own = p.text[: p.text.find(report.signer or "")]
    # A table row of the signature table ("Nơi nhận: ... | TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Trần Văn
    # Bình"): only the signer's cell, from its last "TM."/"KT." on.
    own = own.rsplit(" | ", 1)[-1]
    marks = list(re.finditer(r"\b(?:TM|KT|TL|TUQ)\.", own))
    if marks:
        own = own[marks[-1].start():]
    parts = [own]
    for q in reversed(report.paragraphs[max(0, idx - 3):idx]):
        if re.search(r"(?i)\b(?:TM|KT|TL|TUQ)\.|CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG", q.text) and len(q.text) < 120:
            parts.insert(0, q.text)
        else:
            break
    return _squash(" ".join(parts))
