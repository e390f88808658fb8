"""One report being written (`Synth`), the figures it states (`Figure`, drawn once per report by
`draw_values`), unit-name typos and the lines every style shares (date, number, signature)."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from eval.synth.vocab import FAMILY, GIVEN, MIDDLE, NOI_NHAN, Period, Unit, fmt_int, fmt_pct
from ingest.text import fold

# ---------------------------------------------------------------------------------------------
# Report builder
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Figure:
    key: str
    value: float
    measure: str
    sentence: str
    numerator: float | None = None
    denominator: float | None = None
    qualifier: str | None = None


@dataclass(slots=True)
class Synth:
    """Everything about one synthetic report; `text` is filled by `render`."""

    index: int
    unit: Unit
    period: Period
    style: str
    rng: random.Random
    distractors: bool = True
    figures: list[Figure] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    typo_variants: list[str] = field(default_factory=list)
    report_number: str | None = None
    signer: str | None = None

    # number style chosen once per report, overridden per figure now and then
    thousands: str = "."
    decimal: str = ","

    def n(self, v: int, pad: bool = False) -> str:
        sep = self.thousands if self.rng.random() < 0.85 else self.rng.choice((".", ",", ""))
        return fmt_int(v, sep, pad)

    def p(self, v: float) -> str:
        return fmt_pct(v, self.decimal if self.rng.random() < 0.8 else self.rng.choice((",", ".")))

    def fig(self, key: str, value: float, measure: str, sentence: str, **extra: Any) -> str:
        """Record a ground-truth figure stated by `sentence` (returned for inline use)."""
        self.figures.append(Figure(key, float(value), measure, sentence, **extra))
        return sentence

    def add(self, *lines: str) -> None:
        self.blocks.extend(lines)

    # unit mentions ------------------------------------------------------------------------------
    @property
    def ut(self) -> str:
        return self.unit.unit_type

    def named(self, typo_ok: bool = False) -> str:
        """"phường Trí Quả", with an occasional one-diacritic typo in later mentions."""
        name = self.unit.name
        if typo_ok and self.typo_variants and self.rng.random() < 0.6:
            name = self.typo_variants[0]
        return f"{self.ut} {name}"


_TONES = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
_VOWELS = "aăâeêioôơuưy"


def _tone_position(syl: str) -> int | None:
    """Index of the vowel that carries the tone mark in a toneless NFC syllable (simplified rules)."""
    vs = [k for k, c in enumerate(syl) if c.lower() in _VOWELS and not (c.lower() == "u" and k and syl[k - 1] in "qQ")]
    if not vs:
        return None
    marked = [k for k in vs if syl[k].lower() in "ăâêôơư"]
    if marked:
        return marked[-1]
    if len(vs) >= 2 and vs[-1] == len(syl) - 1 and vs[-2] == vs[-1] - 1:
        return vs[-2]  # open syllable ending in two vowels: "Hưu" -> "Hữu", "Mai" -> "Mãi"
    return vs[-1]


def typo(name: str, rng: random.Random) -> str | None:
    """One-diacritic misspelling of a unit name, as officials make them.

    Drop a tone mark ("Phù Liễn" -> "Phù Liên"), toggle a horn ("Trung Thành" -> "Trưng Thành",
    "Dương" -> "Duơng"), or add a tilde to a toneless syllable ("Dương Hưu" -> "Dương Hữu").
    """
    syllables = name.split()
    order = list(range(len(syllables)))
    rng.shuffle(order)
    for i in order:
        syl = syllables[i]
        nfd = unicodedata.normalize("NFD", syl)
        tone = next((c for c in nfd if c in _TONES), None)
        ops = ["drop" if tone else "add"]
        if "ư" in syl.lower() or re.search(r"(?<![qQ])u(?=ng|n|c|t)", syl):
            ops.append("horn")
        op = rng.choice(ops)
        if op == "drop":
            cand = unicodedata.normalize("NFC", nfd.replace(tone or "", ""))
        elif op == "horn":
            if "ư" in syl.lower():
                cand = syl.replace("ư", "u", 1).replace("Ư", "U", 1)
            else:
                cand = re.sub(r"(?<![qQ])u(?=ng|n|c|t)", "ư", syl, count=1)
        else:
            k = _tone_position(syl)
            if k is None:
                continue
            cand = unicodedata.normalize("NFC", syl[:k + 1] + rng.choice(("\u0303", "\u0300")) + syl[k + 1:])
        if cand != syl and fold(cand) == fold(syl) and cand.lower() not in _UNIT_WORDS:
            return " ".join([*syllables[:i], cand, *syllables[i + 1:]])
    return None


# a typo must not turn a syllable into a unit-type word ("Phương Bình" -> "Phường Bình" would read
# as "phường Bình ...", another unit)
_UNIT_WORDS = frozenset({"phường", "xã", "thị", "trấn", "huyện", "quận", "tỉnh"})


# ---------------------------------------------------------------------------------------------
# Figures (values drawn once per report, rendered by the style functions)
# ---------------------------------------------------------------------------------------------


def pct(num: int, den: int) -> float:
    return round(100.0 * num / den, 2) if den else 0.0


@dataclass(slots=True)
class Values:
    tiep_nhan: int
    truc_tuyen: int
    truc_tiep: int
    da_giai_quyet: int
    dang_giai_quyet: int
    qua_han: int
    rut: int
    so_hoa: float
    toan_trinh: float
    thanh_toan: float
    vb_ban_hanh: int
    vb_ky_so: int
    pakn: int
    pakn_xu_ly: int
    tthc_toan_trinh: int
    tthc_mot_phan: int
    nv_done: int
    nv_total: int
    phu_song_5g: float
    camera: int
    kinh_phi: int
    giai_ngan: int
    xep_hang: int
    xep_hang_total: int
    bo_chi_so: float
    tin_bai: int
    wifi: int

    @property
    def ty_le_truc_tuyen(self) -> float:
        return pct(self.truc_tuyen, self.tiep_nhan)

    @property
    def ty_le_truc_tiep(self) -> float:
        return round(100.0 - self.ty_le_truc_tuyen, 2) if self.tiep_nhan else 0.0

    @property
    def ty_le_giai_quyet(self) -> float:
        return pct(self.da_giai_quyet, self.tiep_nhan)

    @property
    def ty_le_ky_so(self) -> float:
        return pct(self.vb_ky_so, self.vb_ban_hanh)


def draw_values(rng: random.Random, period: Period) -> Values:
    scale = {"monthly": 1, "quarterly": 3, "half_year": 6, "so_ket": 17}[period.kind]
    base = rng.choice((120, 250, 400, 550, 800, 1200, 2000, 3000))
    tiep_nhan = max(20, int(base * scale * rng.uniform(0.7, 1.3)))
    r = rng.random()
    online_share = 1.0 if r < 0.15 else rng.uniform(0.7, 0.995)
    truc_tuyen = round(tiep_nhan * online_share)
    if online_share < 1.0:
        truc_tuyen = min(truc_tuyen, tiep_nhan - 1)
    qua_han = 0 if rng.random() < 0.75 else rng.randint(1, 12)
    da_giai_quyet = int(tiep_nhan * rng.uniform(0.86, 0.99))
    rut = int(tiep_nhan * rng.uniform(0.0, 0.03))
    dang = max(0, tiep_nhan - da_giai_quyet - rut)
    so_hoa = 100.0 if rng.random() < 0.6 else round(rng.uniform(90, 99.9), 2)
    toan_trinh = 100.0 if rng.random() < 0.3 else round(rng.uniform(85, 99.9), 2)
    thanh_toan = 100.0 if rng.random() < 0.5 else round(rng.uniform(60, 99.5), 2)
    vb = max(10, int(rng.choice((60, 100, 150, 250, 400)) * scale * rng.uniform(0.7, 1.3)))
    ky_so = vb if rng.random() < 0.6 else int(vb * rng.uniform(0.85, 0.995))
    pakn = rng.choice((0, 0, 1, 2, 3, 5, 8, 12))
    pakn_xl = pakn if rng.random() < 0.8 else max(0, pakn - rng.randint(1, 2))
    tt = rng.randint(150, 230)
    mp = rng.randint(120, 200)
    nv_total = rng.choice((12, 15, 17, 20, 25, 34))
    nv_done = nv_total if rng.random() < 0.35 else rng.randint(nv_total // 3, nv_total - 1)
    phu_song = rng.choice((100.0, 95.0, 90.0, 85.0, 80.0, 75.0, 70.0, 60.0))
    camera = rng.randint(8, 160)
    kinh_phi = rng.randint(2, 40) * 50_000_000
    giai_ngan = min(kinh_phi, rng.randint(1, 30) * 10_000_000)
    xep_total = rng.choice((99, 72, 124, 96, 65, 148))
    xep = rng.randint(1, xep_total)
    bo_chi_so = 18.0 if rng.random() < 0.5 else float(rng.choice((14, 15, 16, 16.5, 17, 17.5)))
    return Values(tiep_nhan, truc_tuyen, tiep_nhan - truc_tuyen, da_giai_quyet, dang, qua_han, rut,
                  so_hoa, toan_trinh, thanh_toan, vb, ky_so, pakn, pakn_xl, tt, mp, nv_done, nv_total,
                  phu_song, camera, kinh_phi, giai_ngan, xep, xep_total, bo_chi_so,
                  rng.randint(8, 120), rng.randint(3, 25))


# ---------------------------------------------------------------------------------------------
# Styles
# ---------------------------------------------------------------------------------------------


def pick(rng: random.Random, pool: Iterable[str], k: int, utype: str) -> list[str]:
    items = list(pool)
    return [s.replace("{utype}", utype) for s in rng.sample(items, min(k, len(items)))]


def date_line(s: Synth, comma: bool = True) -> str:
    day = "" if s.rng.random() < 0.5 else str(s.rng.randint(5, 28))
    sep = "," if comma else ""
    return f"{s.unit.name}{sep} ngày {day} tháng {s.period.month} năm {s.period.year}".replace("  ", " ")


def number_line(s: Synth) -> str:
    if s.rng.random() < 0.45:
        s.report_number = f"{s.rng.randint(12, 480)}/BC-UBND"
        return f"Số: {s.report_number}"
    return s.rng.choice(("Số: /BC-UBND", "Số /BC-UBND", "Số:     /BC-UBND"))


def province_ref(s: Synth) -> str:
    u = s.unit
    if u.is_city:
        return f"Sở Khoa học và Công nghệ thành phố {u.province}"
    return f"Sở Khoa học và Công nghệ tỉnh {u.province}"


def signature(s: Synth) -> list[str]:
    s.signer = f"{s.rng.choice(FAMILY)} {s.rng.choice(MIDDLE)} {s.rng.choice(GIVEN)}"
    head = s.rng.choice(("**KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH**", "**TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH**",
                         "**KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH**"))
    return [head, s.signer]


def noi_nhan(s: Synth) -> list[str]:
    return ["Nơi nhận:", "\n".join(x.replace("{utype}", s.ut) for x in NOI_NHAN)]


def distractor(s: Synth, v: Values) -> str | None:
    """A target in the plans section (not a result, not in the ground truth)."""
    if not s.distractors or s.rng.random() > 0.35:
        return None
    return s.rng.choice((
        "Phấn đấu tỷ lệ số hóa hồ sơ đạt 100%.",
        "Duy trì thực hiện số hóa hồ sơ đạt tỷ lệ 100%.",
        "Phấn đấu tỷ lệ thanh toán trực tuyến phí, lệ phí đạt 100%.",
        "Duy trì tỷ lệ hồ sơ tiếp nhận trực tuyến đạt 99,9%.",
        "Phấn đấu 100% văn bản được ký số, trừ văn bản mật.",
    ))
