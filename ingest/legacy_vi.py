"""Legacy Vietnamese 8-bit encodings: TCVN3 (ABC, TCVN 5712:1993 VN3) and VNI (VNI-Windows).

Before Unicode, Vietnamese offices typed with the ".Vn" (TCVN3) and "VNI-" fonts; old text exports
still arrive in these encodings. No maintained library converts them, so the tables are here:
- TCVN3 is one byte per letter: the 134 lowercase toned letters and the 14 letters ă â ê ô ơ ư đ
  (both cases) sit in 0xA1-0xFE. Upper-case toned letters do not exist in VN3 (an all-caps font
  drew the lowercase codes), so they decode as lowercase.
- VNI writes a base ASCII letter followed by one byte for its marks ("Vieät" = "Việt"); ơ ư đ and
  the toned i are single bytes. Upper-case text uses the upper-case mark bytes.
`detect_legacy(data)` decides between these and Windows-1258 by the share of words that are valid
Vietnamese syllables after decoding (a wrong table makes syllables no Vietnamese word has).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# -- TCVN3 (ABC) -------------------------------------------------------------------------------
TCVN3_TABLE: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}

# -- VNI-Windows ---------------------------------------------------------------------------------
_GRAVE, _ACUTE, _TILDE, _HOOK, _DOT = "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"
_CIRC, _BREVE = "\u0302", "\u0306"
# Mark bytes, lower-case forms (the upper-case form is the byte minus 0x20): the combining marks
# they add to the letter before them.
_VNI_MARKS_LOWER: dict[int, str] = {
    0xF9: _ACUTE, 0xF8: _GRAVE, 0xFB: _HOOK, 0xF5: _TILDE, 0xEF: _DOT,
    0xE2: _CIRC, 0xE1: _CIRC + _ACUTE, 0xE0: _CIRC + _GRAVE, 0xE5: _CIRC + _HOOK, 0xE3: _CIRC + _TILDE,
    0xE4: _CIRC + _DOT,
    0xEA: _BREVE, 0xE9: _BREVE + _ACUTE, 0xE8: _BREVE + _GRAVE, 0xFA: _BREVE + _HOOK, 0xFC: _BREVE + _TILDE,
    0xEB: _BREVE + _DOT,
}
VNI_MARKS: dict[int, str] = {**_VNI_MARKS_LOWER, **{b - 0x20: m for b, m in _VNI_MARKS_LOWER.items()}}
# Letters that are one byte of their own.
_VNI_LETTERS_LOWER: dict[int, str] = {
    0xF4: "ơ", 0xF6: "ư", 0xF1: "đ", 0xED: "í", 0xEC: "ì", 0xE6: "ỉ", 0xF3: "ĩ", 0xF2: "ị",
}
VNI_LETTERS: dict[int, str] = {**_VNI_LETTERS_LOWER, **{b - 0x20: c.upper() for b, c in _VNI_LETTERS_LOWER.items()}}
_VNI_BASES = set("aeiouyAEIOUYơưƠƯ")

# -- Vietnamese syllables (for detection) ----------------------------------------------------------
_TONES = {_GRAVE, _ACUTE, _TILDE, _HOOK, _DOT}
_NUCLEI_TEXT = ("a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ uy "
                "ưa ưi ươ ưu yê iêu oai oay oeo uây uôi ươi ươu uyê yêu uya uyu uơi")
_NUCLEI = frozenset(_NUCLEI_TEXT.split())
_SYLLABLE_RE = re.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?"
    r"([aăâeêioôơuưy]{1,3})"
    r"(ch|ng|nh|[cmnpt])?$")


def _untoned(word: str) -> tuple[str, int]:
    """(lowercase word without tone marks, number of tone marks)."""
    nfd = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for c in nfd if c in _TONES)
    return unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES)), tones


@lru_cache(maxsize=20_000)
def is_vietnamese_syllable(word: str) -> bool:
    base, tones = _untoned(word)
    if tones > 1:
        return False
    m = _SYLLABLE_RE.match(base)
    if not m:
        return False
    onset, nucleus = m.group(1) or "", m.group(2)
    if onset == "gi" and nucleus not in _NUCLEI:  # "giữa": gi + ưa
        nucleus = "i" + nucleus
    if onset == "qu":
        nucleus = "u" + nucleus if "u" + nucleus in _NUCLEI else nucleus
    return nucleus in _NUCLEI


_WORD_RE = re.compile(r"[^\W\d_]+")


def syllable_share(text: str, sample_chars: int = 40_000) -> tuple[float, int]:
    """(share of valid Vietnamese syllables, count) among the words that hold a non-ASCII letter."""
    words = [w for w in _WORD_RE.findall(unicodedata.normalize("NFC", text[:sample_chars])) if not w.isascii()]
    if not words:
        return 0.0, 0
    return sum(1 for w in words if is_vietnamese_syllable(w)) / len(words), len(words)


# -- decoding ---------------------------------------------------------------------------------------
_STRAY = "\ufffd"


def decode_tcvn3(data: bytes, strict: bool = False) -> str:
    """TCVN3 bytes -> Unicode. Other bytes above 0x7F decode as Windows-1252 (quotes, dashes), or
    as U+FFFD with `strict` (detection counts them)."""
    fallback = data.decode("cp1252", errors="replace")
    return "".join(TCVN3_TABLE.get(b) or (_STRAY if strict and b > 0x7F else fallback[i])
                   for i, b in enumerate(data))


def decode_vni(data: bytes, strict: bool = False) -> str:
    """VNI-Windows bytes -> Unicode (decomposed: base letter + combining marks; NFC is the caller's).
    A mark byte that follows no vowel, and any other byte above 0x7F, is kept as its Windows-1252
    character, or becomes U+FFFD with `strict`."""
    text = data.decode("cp1252", errors="replace")
    out: list[str] = []
    for i, b in enumerate(data):
        if b in VNI_MARKS and out and out[-1] in _VNI_BASES:
            out.append(VNI_MARKS[b])
        elif b in VNI_LETTERS:
            out.append(VNI_LETTERS[b])
        else:
            out.append(_STRAY if strict and b > 0x7F else text[i])
    return "".join(out)


# Minimum share of valid syllables for a legacy decoding to be accepted (it must also beat the
# Windows-1258 reading); above GUESS_SHARE the refusal message names the likely encoding.
MIN_SYLLABLE_SHARE = 0.8
GUESS_SHARE = 0.4
MIN_WORDS = 3
MAX_STRAY_SHARE = 0.02  # of the bytes above 0x7F: typographic quotes and dashes typed in cp1252

ENCODING_NAMES = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI", "cp1258": "Windows-1258"}


def detect_legacy(data: bytes, min_share: float = MIN_SYLLABLE_SHARE) -> tuple[str, str, float] | None:
    """The best legacy reading of non-UTF-8 bytes: (encoding, text, syllable share), or None when
    neither TCVN3 nor VNI gives at least `min_share` valid Vietnamese syllables."""
    best: tuple[str, str, float] | None = None
    high = sum(1 for b in data if b > 0x7F)
    for name, decode in (("tcvn3", decode_tcvn3), ("vni", decode_vni)):
        strict = decode(data, strict=True)
        if strict.count(_STRAY) > MAX_STRAY_SHARE * high:  # bytes the table does not explain
            continue
        share, n = syllable_share(strict)
        if n >= MIN_WORDS and share >= min_share and (best is None or share > best[2]):
            best = (name, decode(data), share)
    return best
