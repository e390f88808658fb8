"""ingest.text: the one home of accent folding (and the sentence spans the answerer quotes)."""

from __future__ import annotations

import unicodedata

from ingest.text import fold, fold_accents, sentence_spans


def test_fold_keeps_length() -> None:
    s = "Tỉ lệ số hóa ĐẠT 100% – Phường Phù Liễn"
    f = fold(s)
    assert len(f) == len(s)
    assert f == "ti le so hoa dat 100% – phuong phu lien"


def test_fold_non_breaking_space_and_every_vietnamese_letter() -> None:
    assert fold("99,75\u00a0%") == "99,75 %"
    letters = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    for ch in letters + letters.upper():
        base = "".join(c for c in unicodedata.normalize("NFD", ch.lower().replace("đ", "d"))
                       if not unicodedata.combining(c))
        assert fold(ch) == base, ch
        assert fold_accents(ch).lower() == base, ch


def test_fold_accents_keeps_case() -> None:
    assert fold_accents("Phương Liễu") == "Phuong Lieu"
    assert fold_accents("Đạt đủ ĐIỀU KIỆN") == "Dat du DIEU KIEN"
    assert fold_accents("Trưng Thành") == fold_accents("Trung Thành") == "Trung Thanh"
    assert fold_accents("99,75% hồ sơ") == "99,75% ho so"


def test_sentence_spans_are_exact_slices() -> None:
    text = "Tiếp nhận 2,955 hồ sơ. Số hóa đạt 99,75%; còn lại 5 hồ sơ.\nNhiệm vụ tháng tới"
    spans = sentence_spans(text)
    # "2,955" and "99,75" never split; "; c" (lower case next) does not end the sentence; a line break does
    assert [s.text for s in spans] == ["Tiếp nhận 2,955 hồ sơ.", "Số hóa đạt 99,75%; còn lại 5 hồ sơ.",
                                       "Nhiệm vụ tháng tới"]
    assert all(text[s.start:s.end] == s.text for s in spans)
