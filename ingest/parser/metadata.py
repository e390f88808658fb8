"""Report metadata: number, date, title, reporting period, unit, unit type, province, signer and the
documents it refers to. Regular expressions over the conventions of Vietnamese administrative reports
(Nghị định 30/2020/NĐ-CP style): "Số: 103/BC-UBND", "<place>, ngày .. tháng .. năm ..", "BÁO CÁO" +
title, "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" + signer; the unit and province are checked against the gazetteer.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ingest.gazetteer import PROVINCE_ALIASES, canonical_province, default_gazetteer, fold_key, provinces_for
from ingest.models import Report
from ingest.parser.lines import BAO_CAO_RE, LOWER_START, ROLE_RE, Line, is_caps
from ingest.periods import find_period
from ingest.text import fold

_UNIT_TYPE_RE = re.compile(r"(?<!\w)(thị\s+trấn|phường|xã|đặc\s+khu)(?!\w)\s+", re.I)
# "P.Bình Tân", "P. An Phú", "X. Kim Thành" (never "TP.HCM"): the abbreviated unit types.
_UNIT_ABBR_RE = re.compile(r"(?<![\w.])([PX])\.\s*(?=[A-ZÀ-ỸĐ][a-zà-ỹđ])")
_UNIT_ABBR = {"P": "phường", "X": "xã"}
_AUTHORITY_BEFORE = re.compile(r"(?:UBND|HĐND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|Đảng\s+ủy|Đảng\s+uỷ|"
                               r"Đảng\s+bộ|Công\s+an|Trung\s+tâm\s+Phục\s+vụ\s+hành\s+chính\s+công)\s*$", re.I)
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_PROVINCE_CUE_RE = re.compile(
    r"(?<!\w)(tỉnh|thành\s+phố|TP\.?|VNPT|Viettel|Công\s+an\s+tỉnh|Bưu\s+điện\s+tỉnh|Bưu\s+điện)(?!\w)\s*", re.I)
_NAME_STOP = {"Số", "Ngày", "Báo", "Theo", "Tại", "Của", "Và", "Về"}  # cannot start a unit name
_REPORT_NO_RE = re.compile(r"\bSố\s*:?\s*(\d*)\s*/\s*([A-ZĐ][A-ZĐa-z0-9]*(?:-[A-ZĐa-z0-9&]+)*)")
_DATE_LINE_RE = re.compile(
    r"(?:^|[\t ]|,)\s*([^\W\d_][\w ]{0,60}?)\s*,?\s+ngày\s+(\d{1,2})?\s*tháng\s+(\d{1,2})?\s*năm\s+(\d{4})",
    re.I | re.M)
_REF_RE = re.compile(
    r"(?<!\w)(Công\s+văn|Kế\s+hoạch|Quyết\s+định|Nghị\s+quyết|Thông\s+báo|Chỉ\s+thị|Chương\s+trình(?:\s+công\s+tác)?|"
    r"Văn\s+bản|Hướng\s+dẫn|Tờ\s+trình|Thông\s+tư|Nghị\s+định|Luật|Đề\s+án|Báo\s+cáo|Kết\s+luận|Quy\s+chế)"
    r"\s+(?:số\s*:?\s*)?(\d[\w.\-&]*/[\w.\-&/Đđ]*\w)(?:\s*,?\s*ngày\s+(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|"
    r"\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}))?")
_REMARK_RE = re.compile(r"^\(.{0,40}\)$")



def _is_title_word(w: str) -> bool:
    """"Quả", "D'Ran", "H'Leo": upper-case initial, lower-case rest (apostrophe parts alike)."""
    if not w or not w[0].isupper():
        return False
    if all(len(p) <= 1 or p[1:].islower() for p in re.split(r"['’]", w)):
        return True
    # ethnic-minority names such as "SRó", "HDrai": mixed case, never an ALL-CAPS acronym
    return len(w) <= 8 and any(c.islower() for c in w) and w[-1].islower()


def _is_person_name(s: str) -> bool:
    """"Nguyễn Chính Bảo": 2-6 title-case alphabetic words."""
    words = s.split()
    return 2 <= len(words) <= 6 and all(
        w.replace("'", "").replace("’", "").isalpha() and _is_title_word(w) and len(w) > 1 for w in words)


def _take_name(text: str, pos: int, caps_ok: bool, max_words: int = 4) -> tuple[str, bool, int]:
    """Title-case (or, if allowed, ALL-CAPS) words starting at pos: "Trí Quả báo cáo" -> "Trí Quả".
    Returns (name, was_all_caps, end offset of the name)."""
    words: list[str] = []
    caps = False
    i = pos
    end = pos
    while len(words) < max_words:
        m = _WORD_RE.match(text, i)
        if not m:
            break
        w = m[0]
        if w.isdigit():
            if words or len(w) > 2:
                break
            ok = True
        elif _is_title_word(w) and not caps:
            # "xã Duyên Thái Nguyễn Thị Thanh Hoa": a family name after two words starts a person's name
            ok = w not in _NAME_STOP and not (len(words) >= 2 and w in _surnames())
        elif caps_ok and w.isupper() and len(w) > 1 and (not words or caps):
            ok, caps = True, True
        else:
            ok = False
        if not ok:
            break
        words.append(w)
        j = end = m.end()
        gap = re.match(r"[ \t]+", text[j:j + 3])
        if not gap or "\n" in text[j:j + 1]:
            break
        i = j + len(gap[0])
    name = " ".join(words)
    if caps:
        name = name.title()
    return name, caps, end


def _surnames() -> frozenset[str]:
    from ingest.facts import load_vocabulary

    return frozenset(load_vocabulary().surnames)


_NAME_DASH_RE = re.compile(r"[ \t]*[-–][ \t]*")
_NAME_NUM_RE = re.compile(r"[ \t]+(\d{1,2})(?![\d,/%])(?![.]\d)")


def _extend_name(text: str, end: int, name: str, known) -> str:
    """Official names such as "Lâm Viên - Đà Lạt" or "A Lưới 5": extend only when the gazetteer knows them."""
    if m := _NAME_DASH_RE.match(text, end):
        ext, _, _ = _take_name(text, m.end(), caps_ok=False, max_words=3)
        if ext and known(f"{name} - {ext}"):
            return f"{name} - {ext}"
    if (m := _NAME_NUM_RE.match(text, end)) and known(f"{name} {m[1]}"):
        return f"{name} {m[1]}"
    return name


def _levenshtein1(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(1 for x, y in zip(a, b, strict=True) if x != y) == 1
    if len(a) > len(b):
        a, b = b, a
    return any(b[:i] + b[i + 1:] == a for i in range(len(b)))


@dataclass(slots=True)
class _UnitMention:
    unit_type: str
    name: str
    weight: int
    start: int


@dataclass(slots=True)
class _Meta:
    unit: str | None = None
    unit_type: str | None = None
    variants: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class MetadataReader:
    """`read(report, lines)` sets the report's metadata fields and adds warnings for what is missing."""

    def __init__(self, use_gazetteer: bool = True) -> None:
        self.use_gazetteer = use_gazetteer

    def read(self, report: Report, lines: list[Line]) -> None:
        """Fill the metadata fields of `report` (its paragraphs are already built)."""
        text = report.text
        first_heading = next((p.start for p in report.paragraphs if p.kind == "heading" and p.section_path), len(text))
        head = text[:first_heading]

        # report number: "Số: 103/BC-UBND" (blank "Số: /BC-UBND" -> None)
        title_line_idx = None
        for k, ln in enumerate(lines):
            if ln.start >= first_heading:
                break
            if BAO_CAO_RE.match(ln.text) or ln.text.strip("* ").lower() == "báo cáo":
                title_line_idx = k
                break
        head_top = text[: lines[title_line_idx].start] if title_line_idx is not None else head[:1500]
        m = _REPORT_NO_RE.search(head_top)
        if m and m[1]:
            report.report_number = f"{m[1]}/{m[2]}"

        # date line
        ref_year = ref_month = None
        place = None
        dm = _DATE_LINE_RE.search(head_top) or _DATE_LINE_RE.search(head[:3000])
        if dm:
            words = dm[1].split()
            tail: list[str] = []
            for w in reversed(words):
                if _is_title_word(w) or (not tail and w.isdigit() and len(w) <= 2):
                    tail.insert(0, w)
                else:
                    break
            if tail and tail[0].isdigit():
                tail = []
            place = " ".join(tail) or None
            ref_year = int(dm[4])
            ref_month = int(dm[3]) if dm[3] else None
            if dm[2] and dm[3]:
                day, month = int(dm[2]), int(dm[3])
                if 1 <= day <= 31 and 1 <= month <= 12:
                    report.date = f"{ref_year:04d}-{month:02d}-{day:02d}"

        # title
        title = None
        intro_from = 0
        if title_line_idx is not None:
            ln = lines[title_line_idx]
            bm = BAO_CAO_RE.match(ln.text)
            rest = bm[1].strip().strip("*").strip() if bm else ""
            k = title_line_idx + 1
            if not rest and k < len(lines) and lines[k].start < first_heading:
                rest = lines[k].text.strip("*").strip()
                k += 1
            parts = [rest] if rest else []
            while (k < len(lines) and lines[k].start < first_heading and not lines[k].blank_before
                   and LOWER_START.match(lines[k].text)):
                parts.append(lines[k].text)
                k += 1
            title = " ".join(parts) or None
            intro_from = lines[k].start if k < len(lines) else len(text)
            title_from = lines[title_line_idx].start
            for para in report.paragraphs:
                if title_from <= para.start < intro_from and para.kind == "text":
                    para.kind = "heading"
        report.title = title

        # period: title, then the intro, then the closing "Trên đây là ..." sentence
        hit = None
        if title:
            hit = find_period(title, ref_year, ref_month)
        if hit is None:
            hit = find_period(text[intro_from:first_heading][:3000], ref_year, ref_month)
        if hit is None:
            cm = re.search(r"Trên đây là[^\n]{0,600}", text)
            if cm:
                hit = find_period(cm[0], ref_year, ref_month)
        if hit is None:
            hit = find_period(text[:5000], ref_year, ref_month)
        if hit:
            report.period, report.period_label = hit.period, hit.label
        else:
            report.warnings.append("không xác định được kỳ báo cáo")

        # unit
        meta = self._unit(text, place)
        row_units = self._table_only_units(report)
        if len(row_units) >= 2:
            # a summary table of several units (bảng tổng hợp): no single unit owns its figures
            meta = _Meta(warnings=[f"bảng tổng hợp của nhiều đơn vị ({', '.join(row_units)}): không gán cho "
                                   "một đơn vị; số liệu chỉ tìm được theo nội dung dòng"])
        report.unit, report.unit_type, report.unit_variants = meta.unit, meta.unit_type, meta.variants
        report.warnings.extend(meta.warnings)

        # province
        report.province = self._province(text, report, meta)

        report.signer = self._signer(text)
        report.references = self._references(text)

    def _table_only_units(self, report: Report) -> list[str]:
        """Units named by the rows of a report that is nothing but table rows (distinct, in order)."""
        if not report.paragraphs or any(p.kind != "table_row" for p in report.paragraphs):
            return []
        names: dict[str, str] = {}
        for p in report.paragraphs:
            unit = self._unit(p.text, None).unit
            if unit:
                names.setdefault(fold_key(unit), unit)
        return list(names.values())

    def _unit(self, text: str, place: str | None) -> _Meta:
        meta = _Meta()
        mentions: list[_UnitMention] = []
        found = sorted([*_UNIT_TYPE_RE.finditer(text), *_UNIT_ABBR_RE.finditer(text)], key=lambda x: x.start())
        for m in found:
            utype = _UNIT_ABBR.get(m[1]) or re.sub(r"\s+", " ", m[1].lower())
            before = text[max(0, m.start() - 40):m.start()]
            authority = bool(_AUTHORITY_BEFORE.search(before))
            name, caps, end = _take_name(text, m.end(), caps_ok=authority or m[1].isupper())
            if name and self.use_gazetteer and not caps:
                name = _extend_name(text, end, name, lambda n: bool(default_gazetteer().wards(n)))
            if m.re is _UNIT_ABBR_RE and caps:
                continue  # "P." before capitals is no unit
            if not name or (caps and not authority and not m[1].isupper()):
                continue
            if caps and not authority:
                # "PHƯỜNG TRÍ QUẢ" in a header block right under "ỦY BAN NHÂN DÂN"
                if not re.search(r"(?:ỦY|UỶ)\s+BAN\s+NHÂN\s+DÂN\s*$", before):
                    continue
                authority = True
            mentions.append(_UnitMention(utype, name, 3 if authority else 1, m.start()))
        if not mentions and not place:
            meta.warnings.append("không xác định được tên phường/xã")
            return meta
        clusters: dict[str, list[_UnitMention]] = defaultdict(list)
        for mt in mentions:
            clusters[fold_key(mt.name)].append(mt)
        scores: Counter[str] = Counter()
        for key, ms in clusters.items():
            scores[key] = sum(mt.weight for mt in ms)
        place_key = fold_key(place) if place else None
        if place_key:
            # the place in "<place>, ngày ... " is normally the unit itself; a place written in
            # part ("Đà Lạt" for "Lâm Viên - Đà Lạt") supports the clusters that contain it
            matched = [k for k in clusters if k == place_key or (len(place_key) >= 4 and place_key in k)]
            for k in matched or [place_key]:
                scores[k] += 3
        if not scores:
            return meta
        best_key = max(scores, key=lambda k: (scores[k], -min((mt.start for mt in clusters.get(k, [])), default=10**9)))
        # typo variants one edit away ("Trung Thàn") join the winning cluster
        for key in list(clusters):
            if key != best_key and len(best_key) >= 6 and _levenshtein1(key, best_key) and scores[key] < scores[best_key]:
                clusters[best_key].extend(clusters.pop(key))
        ms = clusters.get(best_key, [])
        forms: Counter[str] = Counter()
        first_seen: dict[str, int] = {}
        for mt in ms:
            forms[mt.name] += mt.weight
            first_seen.setdefault(mt.name, mt.start)
        if place and fold_key(place) == best_key:
            forms[place] += 3
            first_seen.setdefault(place, -1)
        types: Counter[str] = Counter()
        for mt in ms:
            types[mt.unit_type] += mt.weight
        unit_type = types.most_common(1)[0][0] if types else None
        canonical = max(forms, key=lambda f: (forms[f], -first_seen.get(f, 0)))
        if self.use_gazetteer:
            official = set(default_gazetteer().exact_spellings(canonical))
            if unit_type:
                official = {e.name for e in default_gazetteer().wards(canonical, unit_type)} or official
            in_text = [f for f in forms if f in official]
            if len(in_text) == 1:
                canonical = in_text[0]
        meta.unit = canonical
        meta.unit_type = unit_type if unit_type in ("phường", "xã", "thị trấn", "đặc khu") else None
        meta.variants = sorted(f for f in forms if f != canonical)
        return meta

    def _province(self, text: str, report: Report, meta: _Meta) -> str | None:
        cues: Counter[str] = Counter()
        for m in _PROVINCE_CUE_RE.finditer(text):
            name, _, _ = _take_name(text, m.end(), caps_ok=m[1].isupper(), max_words=3)
            if not name:
                continue
            words = name.split()
            prov = None
            for n in range(len(words), 0, -1):
                prov = canonical_province(" ".join(words[:n]))
                if prov:
                    break
            if not prov:
                continue
            before = text[max(0, m.start() - 30):m.start()]
            weight = 2 if re.search(r"(?:UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân)\s*$", before, re.I) else 1
            cues[prov] += weight
        if self.use_gazetteer:
            # "xã Dương Xá, Gia Lâm, Hà Nội", "xã Nam Tân (Nam Sách, Hải Dương)", "P. An Phú (TPHCM)":
            # a province name after a comma, a bracket or a dash, or one of its abbreviations
            folded = fold(text).lower()
            for written, prov in default_gazetteer().province_written():
                for m in re.finditer(rf"[,(–-]\s*{re.escape(written)}(?=\s*[),.;\n]|$)", folded):
                    if text[m.end() - len(written):m.end()][:1].isupper():
                        cues[prov] += 1
            for written, prov in PROVINCE_ALIASES.items():
                hits = len(re.findall(rf"(?<![\w.]){written.replace(' ', '[ .]?')}(?!\w)", folded))
                if hits:
                    cues[prov] += hits
        candidates: list[str] = []
        if self.use_gazetteer and meta.unit:
            candidates = list(provinces_for(meta.unit, meta.unit_type)) or list(provinces_for(meta.unit))
        if candidates:
            in_both = [p for p, _ in cues.most_common() if p in candidates]
            if in_both:
                return in_both[0]
            if len(candidates) == 1:
                if cues:
                    report.warnings.append(
                        f"tỉnh trong văn bản ({cues.most_common(1)[0][0]}) khác danh mục hành chính "
                        f"({candidates[0]}); dùng danh mục")
                return candidates[0]
        if cues:
            return cues.most_common(1)[0][0]
        if candidates:
            report.warnings.append("tên đơn vị trùng ở nhiều tỉnh: " + ", ".join(candidates))
        else:
            report.warnings.append("không xác định được tỉnh/thành phố")
        return None

    def _signer(self, text: str) -> str | None:
        lines = [ln.strip().strip("*").strip() for ln in text.split("\n")]
        # flatten cells of signature tables (docx) into separate candidates
        flat: list[str] = []
        for ln in lines:
            flat.extend(c.strip().strip("*").strip() for c in ln.split("\t"))
        last_role = None
        for i, ln in enumerate(flat):
            if ln and ROLE_RE.match(ln) and is_caps(ln + " XX") and len(ln) <= 80:
                last_role = i
        if last_role is not None:
            for ln in flat[last_role + 1:last_role + 8]:
                if not ln or ROLE_RE.match(ln) or _REMARK_RE.match(ln):
                    continue
                cand = re.sub(r"\s+", " ", ln)
                if _is_person_name(cand):
                    return cand
                if cand.isupper() and _is_person_name(cand.title()):
                    return cand.title()
                break
        # one-line form: "KT. CHỦ TỊCH PHÓ CHỦ TỊCH (Đã ký) Nguyễn Văn A"
        found = None
        for m in re.finditer(r"CHỦ\s+TỊCH\**\s+(?:\([^)]{0,30}\)\s*)?\**([^\W\d_]+(?:[ ][^\W\d_]+){1,5})", text):
            words: list[str] = []
            for w in m[1].split():
                if not _is_title_word(w) or len(w) < 2:
                    break
                words.append(w)
            if 2 <= len(words) <= 6:
                found = " ".join(words)
        return found

    def _references(self, text: str) -> list[str]:
        refs: list[str] = []
        index: dict[str, int] = {}  # kind+number -> position in refs
        for m in _REF_RE.finditer(text):
            kind = re.sub(r"\s+", " ", m[1])
            number = m[2].rstrip(".,;")
            if not re.search(r"\d", number.split("/")[0]):
                continue
            ref = f"{kind} số {number}"
            if m[3]:
                date = re.sub(r"\s*/\s*", "/", m[3]) if "/" in m[3] else re.sub(r"\s+", " ", m[3])
                ref += f" ngày {date}"
            key = fold_key(kind + number)
            if key in index:
                if m[3] and " ngày " not in refs[index[key]]:
                    refs[index[key]] = ref  # prefer the dated spelling of the same document
                continue
            index[key] = len(refs)
            refs.append(ref)
        return refs
