"""Legacy Vietnamese encodings (TCVN3/ABC and VNI): detection and conversion at load time.

The encoders below are the module's tables reversed; the hand-checked byte strings are what the
".Vn" and "VNI-" fonts store (the well-known mojibake "Céng hoµ x· héi chñ nghÜa ViÖt Nam").
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from assistant.services import build_services
from index.settings import EmbedSettings, Settings
from ingest.legacy_vi import TCVN3_TABLE, VNI_LETTERS, VNI_MARKS, is_vietnamese_syllable
from ingest.loaders import LoadError, load_document
from tests.ingest_fixtures import REPORTS_DIR

PHUONG_LIEU = "000_72c868d4104a62a0"


def tcvn3_encoder() -> dict[str, bytes]:
    return {c: bytes([b]) for b, c in TCVN3_TABLE.items()}


def vni_encoder() -> dict[str, bytes]:
    """Toned letter -> base letter + mark byte (ơ ư đ and the toned i are single bytes)."""
    out = {c: bytes([b]) for b, c in VNI_LETTERS.items()}
    single = {c: bytes([b]) for b, c in VNI_LETTERS.items()}
    for b, marks in VNI_MARKS.items():
        bases = "aeo" if "\u0302" in marks else "a" if "\u0306" in marks else "aeiouyơư"  # circumflex, breve
        for base in bases if b >= 0xE0 else bases.upper():  # lower-case mark bytes follow lower-case letters
            composed = unicodedata.normalize("NFC", base + marks)
            if len(composed) == 1 and composed not in out:
                out[composed] = single.get(base) or base.encode("ascii")
                out[composed] += bytes([b])
    return out


def encode(text: str, table: dict[str, bytes], lower_missing: bool = False) -> bytes:
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch in table:
            out += table[ch]
        elif lower_missing and ch.lower() in table:  # TCVN3 has no upper-case toned letters
            out += table[ch.lower()]
        else:
            out += ch.encode("cp1252")
    return bytes(out)


def lowered_toned(text: str) -> str:
    """What TCVN3 keeps of a text: upper-case toned letters become lower-case."""
    table = tcvn3_encoder()
    return "".join(c.lower() if c not in table and not c.isascii() and c.lower() in table else c
                   for c in unicodedata.normalize("NFC", text))


class TestTables:
    def test_every_vietnamese_letter_has_a_code(self) -> None:
        letters = [unicodedata.normalize("NFC", b + t) for b in "aăâeêioôơuưy"
                   for t in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")]
        letters = [c for c in letters if not c.isascii()] + ["đ"]
        assert len(letters) == 67
        tcvn3, vni = tcvn3_encoder(), vni_encoder()
        assert all(c in tcvn3 for c in letters) and all(c in tcvn3 for c in "ĂÂÊÔƠƯĐ")
        assert all(c in vni and c.upper() in vni for c in letters)
        assert len(set(tcvn3.values())) == len(tcvn3) == 74
        assert len(set(vni.values())) == len(vni) == 134

    @pytest.mark.parametrize(("text", "tcvn3", "vni"), [
        ("Chuyển đổi số", b"Chuy\xd3n \xae\xe6i s\xe8", b"Chuye\xe5n \xf1o\xe5i so\xe1"),
        ("Phường", b"Ph\xad\xeang", b"Ph\xf6\xf4\xf8ng"),
        ("ủy ban nhân dân", b"\xf1y ban nh\xa9n d\xa9n", b"u\xfby ban nha\xe2n da\xe2n"),
        ("Ủy ban nhân dân", None, b"U\xdby ban nha\xe2n da\xe2n"),
        ("hồ sơ trực tuyến", b"h\xe5 s\xac tr\xf9c tuy\xd5n", b"ho\xe0 s\xf4 tr\xf6\xefc tuye\xe1n"),
        ("Cộng hoà xã hội chủ nghĩa Việt Nam", b"C\xe9ng ho\xb5 x\xb7 h\xe9i ch\xf1 ngh\xdca Vi\xd6t Nam",
         b"Co\xe4ng hoa\xf8 xa\xf5 ho\xe4i chu\xfb ngh\xf3a Vie\xe4t Nam"),
        ("Độc lập - Tự do - Hạnh phúc", b"\xa7\xe9c l\xcbp - T\xf9 do - H\xb9nh ph\xf3c",
         b"\xd1o\xe4c la\xe4p - T\xf6\xef do - Ha\xefnh phu\xf9c"),
    ])
    def test_hand_checked_words(self, text: str, tcvn3: bytes | None, vni: bytes) -> None:
        if tcvn3 is not None:
            assert encode(text, tcvn3_encoder()) == tcvn3
        assert encode(text, vni_encoder()) == vni

    def test_syllables(self) -> None:
        for word in ("người", "trường", "quyết", "giữa", "nghiêng", "khuyến", "Ủy", "Uỷ", "đổi", "hoá"):
            assert is_vietnamese_syllable(word), word
        for word in ("Vieọt", "ááá", "Ãå", "ChuyÓn", "hå", "tröïc"):
            assert not is_vietnamese_syllable(word), word


@pytest.mark.parametrize("doc", sorted(p.stem for p in REPORTS_DIR.glob("*.txt")))
@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_sample_reports_convert_exactly(tmp_path: Path, doc: str, encoding: str) -> None:
    source = (REPORTS_DIR / f"{doc}.txt").read_text(encoding="utf-8")
    data = encode(source, tcvn3_encoder(), lower_missing=True) if encoding == "tcvn3" else encode(source, vni_encoder())
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    path = tmp_path / f"{doc}.txt"
    path.write_bytes(data)
    loaded = load_document(path)
    assert loaded.encoding == encoding
    expected = lowered_toned(source) if encoding == "tcvn3" else unicodedata.normalize("NFC", source)
    assert loaded.text == expected


def test_garbled_legacy_text_is_named_in_the_refusal(tmp_path: Path) -> None:
    good = encode("Báo cáo kết quả chuyển đổi số của phường Trí Quả tháng năm", tcvn3_encoder())
    path = tmp_path / "hong.txt"
    path.write_bytes(good + b" \xb8\xb8\xb8 \xb9\xb9\xb9 \xe3\xe3\xe3 \xb5\xb5\xb5 \xb8\xb9\xb8 \xe3\xb5\xe3 \xb6\xb6\xb6")
    with pytest.raises(LoadError) as info:
        load_document(path)
    assert info.value.code == "undecodable"
    assert info.value.reason == ("không giải mã chắc chắn được nội dung: có vẻ được gõ bằng bảng mã TCVN3 (ABC) "
                                 "nhưng lẫn ký tự lạ; hãy chuyển sang Unicode (ví dụ bằng công cụ chuyển mã của "
                                 "Unikey) rồi nạp lại")


def test_windows_1258_is_still_read_as_windows_1258(tmp_path: Path) -> None:
    from tests.ingest_fixtures import to_cp1258

    source = (REPORTS_DIR / f"{PHUONG_LIEU}.txt").read_text(encoding="utf-8")
    path = tmp_path / "cp.txt"
    path.write_bytes(to_cp1258(source))
    loaded = load_document(path)
    assert loaded.encoding == "cp1258" and loaded.text == unicodedata.normalize("NFC", source)


def test_legacy_reports_ingest_and_answer(tmp_path: Path) -> None:
    source = (REPORTS_DIR / f"{PHUONG_LIEU}.txt").read_text(encoding="utf-8")
    answers = {}
    for encoding, data in (("tcvn3", encode(source, tcvn3_encoder(), lower_missing=True)),
                           ("vni", encode(source, vni_encoder()))):
        corpus = tmp_path / encoding
        corpus.mkdir()
        (corpus / f"{PHUONG_LIEU}.txt").write_bytes(data)
        svc = build_services(Settings(RAG_STORE=str(tmp_path / f"store_{encoding}"),
                                      embed=EmbedSettings(EMBED_MODEL="none")))
        [res] = svc.ingestor.ingest_paths([corpus])
        assert res.status == "ingested" and res.summary["unit"] == "Phương Liễu"
        note = {"tcvn3": "văn bản gõ bằng bảng mã TCVN3 (ABC), đã chuyển sang Unicode (chữ hoa có dấu thành chữ "
                         "thường)", "vni": "văn bản gõ bằng bảng mã VNI, đã chuyển sang Unicode"}[encoding]
        assert note in res.summary["warnings"]
        answers[encoding] = svc.answerer.ask("Phường Phương Liễu có tỷ lệ hồ sơ trực tuyến toàn trình bao nhiêu?")
        svc.close()
    for a in answers.values():
        assert a.answer.startswith("99.75%") and "99.75%" in a.citations[0].text
