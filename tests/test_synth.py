"""Tests for the synthetic corpus generator (eval/synth/)."""

from __future__ import annotations

import contextlib
import json
import random
import re
import time
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from eval import synth
from eval.synth import (
    K_QUA_HAN,
    K_SO_HOA,
    K_TIEP_NHAN,
    K_TRUC_TIEP,
    K_TRUC_TUYEN,
    fmt_int,
    fmt_money,
    fmt_pct,
    generate,
    load_units,
    typo,
)

NUM = re.compile(r"\d[\d.,]*\d|\d")


def _readings(sentence: str) -> set[float]:
    """Every value a number in the sentence can be read as (both separator conventions)."""
    out: set[float] = set()
    for m in NUM.finditer(sentence):
        tok = m.group(0)
        out.add(float(re.sub(r"[.,]", "", tok)))
        for dec in (",", "."):
            other = "." if dec == "," else ","
            cand = tok.replace(other, "").replace(dec, ".")
            with contextlib.suppress(ValueError):
                out.add(float(cand))
        tail = sentence[m.end():m.end() + 7]
        if tail.startswith(" triệu"):
            out |= {v * 1_000_000 for v in list(out)}
    return out


@pytest.fixture(scope="module")
def units() -> list[synth.Unit]:
    return load_units()[0]


@pytest.fixture(scope="module")
def corpus(units: list[synth.Unit]) -> list[synth.SynthReport]:
    return list(generate(400, seed=7, units=units))


class TestFormatting:
    def test_fmt_int(self) -> None:
        assert fmt_int(2955, ",") == "2,955"
        assert fmt_int(12456, ".") == "12.456"
        assert fmt_int(11952, "") == "11952"
        assert fmt_int(5, pad=True) == "05"
        assert fmt_int(0, pad=True) == "00"
        assert fmt_int(245, ",") == "245"

    def test_fmt_pct(self) -> None:
        assert fmt_pct(99.75, ".") == "99.75%"
        assert fmt_pct(91.71, ",") == "91,71%"
        assert fmt_pct(100.0) == "100%"
        assert fmt_pct(98.7, ",") == "98,7%"

    def test_fmt_money(self) -> None:
        assert fmt_money(120_000_000, "dong") == "120.000.000 đồng"
        assert fmt_money(499_000_000, "trieu") == "499 triệu đồng"


class TestGazetteer:
    def test_units_come_from_underthesea(self, units: list[synth.Unit]) -> None:
        _, source = load_units()
        assert source.startswith("underthesea.address")
        assert len(units) > 2000
        by_name = {u.name: u for u in units}
        assert by_name["Trí Quả"] == synth.Unit("Trí Quả", "phường", "Bắc Ninh", "Tỉnh Bắc Ninh")
        assert by_name["Phù Liễn"].province == "Hải Phòng"
        assert by_name["Dương Hưu"].unit_type == "xã"

    def test_unit_names_unique_when_folded(self, units: list[synth.Unit]) -> None:
        folded = Counter(synth.fold(u.name) for u in units)
        assert max(folded.values()) == 1
        assert {u.unit_type for u in units} == {"phường", "xã"}


class TestTypo:
    def test_known_patterns(self) -> None:
        assert typo("Trung Thành", random.Random(0)) == "Trưng Thành"
        assert typo("Phù Liễn", random.Random(1)) == "Phù Liên"
        assert typo("Dương Hưu", random.Random(2)) == "Dương Hữu"

    def test_typo_never_makes_a_unit_type_word(self) -> None:
        for k in range(40):
            t = typo("Phương Bình", random.Random(k))
            assert t is not None and not t.startswith("Phường")

    def test_typo_folds_to_the_same_name(self, units: list[synth.Unit]) -> None:
        rng = random.Random(3)
        for u in units[:300]:
            t = typo(u.name, rng)
            if t is not None:
                assert t != u.name
                assert synth.fold(t) == synth.fold(u.name)


class TestCorpus:
    def test_deterministic_and_prefix_stable(self, units: list[synth.Unit]) -> None:
        a = list(generate(12, seed=3, units=units))
        b = list(generate(30, seed=3, units=units))
        assert [r.doc_id for r in a] == [r.doc_id for r in b[:12]]
        assert [r.text for r in a] == [r.text for r in b[:12]]
        c = list(generate(12, seed=4, units=units))
        assert [r.doc_id for r in a] != [r.doc_id for r in c]

    def test_doc_ids_and_unit_periods_unique(self, corpus: list[synth.SynthReport]) -> None:
        ids = [r.doc_id for r in corpus]
        assert len(set(ids)) == len(ids)
        assert all(re.fullmatch(r"syn_\d{6}_[0-9a-f]{12}", i) for i in ids)
        pairs = [(r.meta["unit"], r.meta["period"]) for r in corpus]
        assert len(set(pairs)) == len(pairs)

    def test_styles_and_kinds_covered(self, corpus: list[synth.SynthReport]) -> None:
        assert {r.meta["style"] for r in corpus} == {"A", "B", "C", "D", "E"}
        assert {r.meta["kind"] for r in corpus} == {"monthly", "quarterly", "half_year", "so_ket"}

    def test_truth_sentences_are_in_text_and_state_the_value(self, corpus: list[synth.SynthReport]) -> None:
        for r in corpus:
            for row in r.truth:
                assert row["sentence"] in r.text, (r.doc_id, row["key"], row["sentence"])
                if row["key"] == K_QUA_HAN and ("Không." in row["sentence"] or "không có hồ sơ quá hạn" in row["sentence"]):
                    assert row["value"] == 0
                    continue
                if row["key"] == "phan_anh_kien_nghi" and "không nhận được" in row["sentence"]:
                    assert row["value"] == 0
                    continue
                assert row["value"] in _readings(row["sentence"]), (r.doc_id, row["key"], row["sentence"])

    def test_one_value_per_key_and_consistent_counts(self, corpus: list[synth.SynthReport]) -> None:
        for r in corpus:
            values: dict[tuple[str, str], set[float]] = {}
            for row in r.truth:
                values.setdefault((row["key"], row["measure"]), set()).add(row["value"])
            assert all(len(v) == 1 for v in values.values()), r.doc_id
            got = {k: next(iter(v)) for k, v in values.items()}
            parts = [(K_TIEP_NHAN, "hồ sơ"), (K_TRUC_TUYEN, "hồ sơ"), (K_TRUC_TIEP, "hồ sơ")]
            if all(p in got for p in parts):
                assert got[parts[0]] == got[parts[1]] + got[parts[2]]

    def test_keys_exist_in_taxonomy(self, corpus: list[synth.SynthReport]) -> None:
        path = Path(__file__).resolve().parents[1] / "ingest" / "taxonomy.toml"
        if not path.is_file():
            pytest.skip("ingest/taxonomy.toml not written yet")
        taxonomy = tomllib.loads(path.read_text(encoding="utf-8"))
        known = {ind["key"] for ind in taxonomy["indicator"]}
        assert set(synth.ALL_KEYS) <= known, sorted(set(synth.ALL_KEYS) - known)
        assert {row["key"] for r in corpus for row in r.truth} <= known

    def test_header_and_unit_mentions(self, corpus: list[synth.SynthReport]) -> None:
        for r in corpus:
            unit = r.meta["unit"]
            assert f"{r.meta['unit_type']} {unit}" in r.text or r.text.count(unit) >= 1
            assert "BÁO CÁO" in r.text
            if r.meta["style"] != "A":
                assert re.search(r"^Số:? +/?\d*/?BC-UBND", r.text, re.M), r.doc_id
                assert re.search(rf"^{re.escape(unit)},? ngày", r.text, re.M), r.doc_id
        typos = [r for r in corpus if r.meta["typo_variants"]]
        assert len(typos) > 20
        for r in typos:
            assert all(t in r.text and t != r.meta["unit"] for t in r.meta["typo_variants"])

    def test_aggregates_are_non_trivial(self, corpus: list[synth.SynthReport]) -> None:
        truth = [row for r in corpus for row in r.truth]
        qs = synth.aggregate_questions(truth, n=12, seed=0)
        assert len(qs) == 12
        so_hoa = next(q for q in qs if q.key == K_SO_HOA and q.op == "eq" and q.province is None)
        reported = {row["unit"] for row in truth if row["key"] == K_SO_HOA and row["period"] == so_hoa.period}
        assert so_hoa.measure == "%"
        assert 5 < len(so_hoa.gold) < len(reported)
        assert so_hoa.question.startswith("Những đơn vị nào đạt 100% số hóa hồ sơ tháng ")
        qua_han = next(q for q in qs if q.key == K_QUA_HAN)
        assert qua_han.gold == synth.gold_units(truth, K_QUA_HAN, "hồ sơ", qua_han.period, "gt", 0.0)
        assert qua_han.gold

    def test_distractors_toggle(self, units: list[synth.Unit]) -> None:
        with_d = [r.text for r in generate(150, seed=1, units=units)]
        without = [r.text for r in generate(150, seed=1, distractors=False, units=units)]
        assert any("Phấn đấu" in t for t in with_d)
        assert not any("Phấn đấu" in t for t in without)

    def test_fast(self, units: list[synth.Unit]) -> None:
        t0 = time.perf_counter()
        for _ in generate(1000, seed=11, units=units):
            pass
        assert time.perf_counter() - t0 < 5.0


class TestCli:
    def test_writes_corpus_and_truth(self, tmp_path: Path) -> None:
        out = tmp_path / "c"
        assert synth.main(["--reports", "25", "--out", str(out), "--seed", "5"]) == 0
        files = sorted(out.glob("syn_*.txt"))
        assert len(files) == 25
        truth = synth.read_jsonl(out / "ground_truth.jsonl")
        reports = synth.read_jsonl(out / "reports.jsonl")
        assert [r["doc_id"] for r in reports] == [f.stem for f in files]
        assert {t["doc_id"] for t in truth} <= {f.stem for f in files}
        assert set(truth[0]) >= {"doc_id", "unit", "unit_type", "province", "period", "key", "value", "sentence"}
        meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
        assert meta["reports"] == 25 and meta["seed"] == 5
        assert synth.corpus_matches(out, 25, 5)
        assert not synth.corpus_matches(out, 26, 5)
        # regenerating with another size replaces the corpus
        assert synth.main(["--reports", "10", "--out", str(out), "--seed", "5"]) == 0
        assert len(list(out.glob("syn_*.txt"))) == 10
        assert [f.stem for f in sorted(out.glob("syn_*.txt"))] == [f.stem for f in files[:10]]
