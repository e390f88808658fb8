"""Province lookup for wards/communes (post-2025 administrative map) and province-name checks.

Data: the ward mapping shipped with `underthesea.address` (data/mapping.json: old -> new
units, effective 2025-07-01). We read that JSON directly (lazily, once) instead of importing
`underthesea`, whose package import pulls in transformers and costs seconds. When the data file
is missing the module still works: `provinces_for()` returns nothing and `canonical_province()`
falls back to the built-in list of the 34 post-2025 provinces.

Matching is accent-insensitive (`ingest.text.fold`), so "Phu Lien" finds "Phù Liễn".
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.text import fold

log = logging.getLogger(__name__)

# The 34 provinces/cities after the 2025 merger (short names).
PROVINCES_2025: tuple[str, ...] = (
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh",
    "Hưng Yên", "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa",
    "Lâm Đồng", "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp",
    "Cà Mau", "An Giang",
)
_TYPE_PREFIXES = ("thị trấn", "phường", "xã", "đặc khu")


def fold_key(text: str) -> str:
    """Accent-free lower-case key without spaces/punctuation: "Phù Liễn" -> "phulien"."""
    return re.sub(r"[^0-9a-z]", "", fold(text))


@dataclass(frozen=True, slots=True)
class WardEntry:
    name: str  # "Trí Quả"
    unit_type: str  # "phường" | "xã" | "thị trấn" | "đặc khu"
    province: str  # short province name, "Bắc Ninh"


def _split_type(full: str) -> tuple[str, str]:
    low = full.lower()
    for t in _TYPE_PREFIXES:
        if low.startswith(t + " "):
            return t, full[len(t) + 1:].strip()
    return "", full.strip()


# Abbreviations of province names as officials and newspapers write them (folded, single-spaced).
PROVINCE_ALIASES = {"tp hcm": "Hồ Chí Minh", "tphcm": "Hồ Chí Minh", "tp ho chi minh": "Hồ Chí Minh",
                    "hcm": "Hồ Chí Minh", "sai gon": "Hồ Chí Minh", "tp hn": "Hà Nội", "tp hue": "Huế",
                    "tp da nang": "Đà Nẵng", "tp hai phong": "Hải Phòng", "tp can tho": "Cần Thơ"}


def _spaced(name: str) -> str:
    """Folded, lower case, punctuation as spaces, single-spaced ("TP.HCM" -> "tp hcm")."""
    return " ".join(re.sub(r"[^\w\s]", " ", fold(name).lower()).split())


def _short_province(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh ", "thành phố ", "tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _data_path() -> Path | None:
    try:
        spec = importlib.util.find_spec("underthesea")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        p = Path(base) / "address" / "data" / "mapping.json"
        if p.is_file():
            return p
    return None


class Gazetteer:
    """Lazy, cached index of post-2025 wards and provinces."""

    def __init__(self, data_path: Path | None = None) -> None:
        self._data_path = data_path
        self._lock = threading.Lock()
        self._wards: dict[str, list[WardEntry]] | None = None
        self._provinces: dict[str, str] | None = None
        self._province_names: dict[str, str] = {}
        self.available = False

    def _load(self) -> None:
        if self._wards is not None:
            return
        with self._lock:
            if self._wards is not None:
                return
            wards: dict[str, list[WardEntry]] = {}
            provinces: dict[str, str] = {fold_key(p): p for p in PROVINCES_2025}
            written: dict[str, str] = {_spaced(p): p for p in PROVINCES_2025}
            path = self._data_path or _data_path()
            if path is None:
                log.warning("underthesea address gazetteer not found; province lookup uses text cues only")
            else:
                try:
                    data = json.loads(path.read_text(encoding="utf-8"))
                    new_names = {k: _short_province(v["name"]) for k, v in data["province_names"].items()}
                    for key, info in data.get("old_province_names", {}).items():
                        new_key = data["province_mapping"].get(key)
                        if new_key in new_names:
                            # old province names resolve to the merged province ("Bắc Giang" -> "Bắc Ninh")
                            provinces.setdefault(fold_key(_short_province(info["name"])), new_names[new_key])
                            written.setdefault(_spaced(_short_province(info["name"])), new_names[new_key])
                    for name in new_names.values():
                        provinces[fold_key(name)] = name
                        written[_spaced(name)] = name
                    seen: set[tuple[str, str, str]] = set()
                    for rec in data["ward_mapping"]:
                        utype, name = _split_type(rec["new_ward"])
                        prov = new_names.get(rec["new_province_key"], _short_province(rec["new_province"]))
                        sig = (utype, name, prov)
                        if sig in seen:
                            continue
                        seen.add(sig)
                        wards.setdefault(fold_key(name), []).append(WardEntry(name, utype, prov))
                    self.available = True
                except (OSError, ValueError, KeyError) as exc:
                    log.warning("cannot read the underthesea address gazetteer (%s); text cues only", exc)
            self._provinces = provinces
            self._province_names = written
            self._wards = wards

    def wards(self, name: str, unit_type: str | None = None) -> list[WardEntry]:
        """Post-2025 units whose name matches `name` (accent-insensitive), optionally by type."""
        self._load()
        assert self._wards is not None
        entries = self._wards.get(fold_key(name), [])
        if unit_type:
            entries = [e for e in entries if e.unit_type == unit_type]
        return entries

    def provinces_for(self, name: str, unit_type: str | None = None) -> list[str]:
        """Distinct provinces having a unit called `name` (and of `unit_type` when given)."""
        out: list[str] = []
        for e in self.wards(name, unit_type):
            if e.province not in out:
                out.append(e.province)
        return out

    def exact_spellings(self, name: str) -> list[str]:
        """Gazetteer spellings of a unit name (to pick the right accents among typo variants)."""
        return sorted({e.name for e in self.wards(name)})

    def canonical_province(self, name: str) -> str | None:
        """Short post-2025 province name for a written province name (old names are mapped)."""
        self._load()
        assert self._provinces is not None
        alias = PROVINCE_ALIASES.get(_spaced(name))
        return alias or self._provinces.get(fold_key(_short_province(name.strip())))

    def province_written(self) -> list[tuple[str, str]]:
        """(folded written name, post-2025 province) of every province, old and new ("hai duong",
        "Hải Phòng"), longest names first."""
        self._load()
        return sorted(self._province_names.items(), key=lambda kv: -len(kv[0]))


_DEFAULT: Gazetteer | None = None


def default_gazetteer() -> Gazetteer:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Gazetteer()
    return _DEFAULT


@lru_cache(maxsize=4096)
def provinces_for(name: str, unit_type: str | None = None) -> tuple[str, ...]:
    return tuple(default_gazetteer().provinces_for(name, unit_type))


@lru_cache(maxsize=4096)
def canonical_province(name: str) -> str | None:
    return default_gazetteer().canonical_province(name)
