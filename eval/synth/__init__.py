"""Synthetic corpus of ward/commune digital-transformation reports, with ground truth.

`python -m eval.synth --reports N --out DIR [--seed S]` writes N ``.txt`` reports in the styles of the
five sample reports (monthly list style, monthly prose style, detailed quarterly, short quarterly,
half-year / "sơ kết 01 năm 06 tháng" with appendix tables) for real post-2025 wards and communes taken
from underthesea's address gazetteer (``underthesea.address``, effective 01/07/2025, 34 provinces).

Files written to DIR:
- ``syn_<i:06d>_<hash>.txt``: the reports (doc_id = file stem; report i is the same for every N and
  a given seed, so a 100-report corpus is a prefix of the 1,000-report one);
- ``ground_truth.jsonl``: one line per figure written (doc_id, unit, unit_type, province, period,
  period_label, kind, style, key, value, measure, numerator, denominator, qualifier, sentence);
  ``sentence`` is an exact substring of the report text;
- ``reports.jsonl``: one line per report (doc_id, unit, unit_type, province, period, period_label,
  kind, style, report_number, signer, typo_variants, indicator keys present);
- ``meta.json``: seed, counts, gazetteer source, generator version.

Design notes:
- Units are restricted to names that are unique in the gazetteer (accent-folded, without the
  "Phường"/"Xã" prefix), so a unit name determines its province and aggregate answers are unambiguous.
- (unit, period) is unique in a corpus: report i takes unit ``units[i % U]`` and the round
  ``i // U`` selects a distinct month / quarter / half-year for that unit.
- Figures are internally consistent (received = online + in person, percentages computed from counts)
  and each (report, indicator key) has exactly one value; a report may repeat a figure (as the
  sơ kết sample does) but never contradicts itself on a ground-truth key.
- Realism kept on purpose: both thousands separators ("2,955" / "2.955"), both decimal separators
  ("91,71%" / "99.75%"), zero padding ("05", "00"), "Không." for zero, typos in unit names in a later
  mention (one diacritic changed, as in "Trưng Thành" / "Phù Liên"), missing indicators, blank report
  numbers and days, and plan targets in the "nhiệm vụ" section (e.g. "Phấn đấu tỷ lệ số hóa hồ sơ đạt
  100%") that are NOT results and are NOT in the ground truth (disable with ``--no-distractors``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import re
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ingest.text import fold

logger = logging.getLogger(__name__)

GENERATOR_VERSION = "5"
YEAR = 2026

# Indicator keys written to the ground truth: the keys of ingest/taxonomy.toml (INDICATORS helper).
# A taxonomy key may hold several measures (a count and a percentage), so a ground-truth figure is
# identified by (key, measure): e.g. "Tiếp nhận trực tuyến: 2,710 hồ sơ, đạt 91,71%" gives
# (tiep_nhan_truc_tuyen, "hồ sơ", 2710) and (tiep_nhan_truc_tuyen, "%", 91.71).
K_SO_HOA = "so_hoa_ho_so"  # % records digitised
K_TIEP_NHAN = "ho_so_tiep_nhan"  # records received (total)
K_TRUC_TUYEN = "tiep_nhan_truc_tuyen"  # records received online (count, "hồ sơ")
K_TY_LE_TRUC_TUYEN = "tiep_nhan_truc_tuyen"  # ... and its share ("%")
K_TOAN_TRINH = "truc_tuyen_toan_trinh"  # % full-process online
K_TRUC_TIEP = "tiep_nhan_truc_tiep"  # records received in person (count)
K_TY_LE_TRUC_TIEP = "tiep_nhan_truc_tiep"  # ... and its share ("%")
K_DA_GIAI_QUYET = "da_giai_quyet"  # records resolved (count)
K_TY_LE_GIAI_QUYET = "da_giai_quyet"  # ... and the share resolved ("%")
K_DUNG_HAN = "dung_han"  # resolved on time ("%", "hồ sơ")
K_QUA_HAN = "qua_han"  # overdue records
K_DANG_GIAI_QUYET = "dang_giai_quyet"  # records being processed
K_RUT = "rut_tu_choi"  # withdrawn / refused
K_THANH_TOAN = "thanh_toan_truc_tuyen"  # % fees paid online
K_VB_BAN_HANH = "van_ban_ban_hanh"  # documents issued
K_VB_KY_SO = "ky_so"  # documents digitally signed (count, "văn bản")
K_TY_LE_KY_SO = "ky_so"  # ... and the share ("%")
K_PAKN = "phan_anh_kien_nghi"  # citizen feedback received
K_PAKN_XU_LY = "pakn_da_xu_ly"  # feedback handled (count "phản ánh" and "%")
K_TTHC = "thu_tuc_hanh_chinh"  # administrative procedures published
K_TTHC_TOAN_TRINH = "dvc_toan_trinh"  # of which full-process online services
K_TTHC_MOT_PHAN = "dvc_mot_phan"  # of which partial online services
K_NHIEM_VU = "nhiem_vu_hoan_thanh"  # tasks completed (numerator/denominator)
K_MUC_TIEU = "muc_tieu_hoan_thanh"  # targets completed (numerator/denominator)
K_NV_GIAO = "nhiem_vu_duoc_giao"  # tasks / targets assigned
K_5G = "phu_song_5g"  # % 5G coverage
K_CAMERA = "camera"  # security cameras installed
K_KINH_PHI = "kinh_phi_bo_tri"  # budget allocated (đồng)
K_GIAI_NGAN = "giai_ngan"  # budget disbursed (đồng)
K_XEP_HANG = "xep_hang"  # rank among the province's units (numerator/denominator)
K_BO_CHI_SO = "diem_bo_chi_so"  # service index score (x/18)
K_TIN_BAI = "tin_bai"  # news items posted on the portal
K_WIFI = "wifi_nha_van_hoa"  # community halls with free wifi

ALL_KEYS: tuple[str, ...] = tuple(dict.fromkeys((
    K_SO_HOA, K_TIEP_NHAN, K_TRUC_TUYEN, K_TY_LE_TRUC_TUYEN, K_TOAN_TRINH, K_TRUC_TIEP,
    K_TY_LE_TRUC_TIEP, K_DA_GIAI_QUYET, K_TY_LE_GIAI_QUYET, K_QUA_HAN, K_DANG_GIAI_QUYET, K_RUT,
    K_THANH_TOAN, K_VB_BAN_HANH, K_VB_KY_SO, K_TY_LE_KY_SO, K_PAKN, K_PAKN_XU_LY, K_TTHC,
    K_TTHC_TOAN_TRINH, K_TTHC_MOT_PHAN, K_NHIEM_VU, K_MUC_TIEU, K_NV_GIAO, K_5G, K_CAMERA, K_KINH_PHI,
    K_GIAI_NGAN, K_XEP_HANG, K_BO_CHI_SO, K_TIN_BAI, K_WIFI, K_DUNG_HAN,
)))

# ---------------------------------------------------------------------------------------------
# Gazetteer
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unit:
    name: str  # "Trí Quả"
    unit_type: str  # "phường" | "xã"
    province: str  # short name, "Bắc Ninh"
    province_full: str  # "Tỉnh Bắc Ninh" | "Thành phố Hải Phòng"

    @property
    def is_city(self) -> bool:
        return self.province_full.startswith("Thành phố")


# Used only when underthesea.address is missing: real post-2025 units (checked against the
# underthesea 9.5 gazetteer), enough for small corpora; larger ones reuse units across periods.
FALLBACK_UNITS: tuple[Unit, ...] = (
    Unit("Trí Quả", "phường", "Bắc Ninh", "Tỉnh Bắc Ninh"),
    Unit("Phương Liễu", "phường", "Bắc Ninh", "Tỉnh Bắc Ninh"),
    Unit("Dương Hưu", "xã", "Bắc Ninh", "Tỉnh Bắc Ninh"),
    Unit("Phù Liễn", "phường", "Hải Phòng", "Thành phố Hải Phòng"),
    Unit("Trung Thành", "phường", "Thái Nguyên", "Tỉnh Thái Nguyên"),
)


def gazetteer_path() -> Path | None:
    """The post-2025 mapping file of underthesea 9.x (`underthesea.address`), if installed.

    Same lookup as the ingest gazetteer (located with `find_spec`, not imported: importing
    underthesea pulls in torch and costs seconds).
    """
    from ingest.gazetteer import _data_path

    return _data_path()


def load_units() -> tuple[list[Unit], str]:
    """Wards/communes whose bare name is unique in the gazetteer; returns (units, source label)."""
    path = gazetteer_path()
    if path is None:
        logger.warning("underthesea.address không có sẵn; dùng danh sách dự phòng %d đơn vị",
                       len(FALLBACK_UNITS))
        return list(FALLBACK_UNITS), "fallback"
    data = json.loads(path.read_text(encoding="utf-8"))
    seen: dict[tuple[str, str], None] = {}
    for rec in data["ward_mapping"]:
        ward, prov = rec.get("new_ward", "").strip(), rec.get("new_province", "").strip()
        if ward and prov:
            seen[(ward, prov)] = None
    by_fold: dict[str, list[Unit]] = {}
    for ward, prov in seen:
        for prefix, utype in (("Phường ", "phường"), ("Xã ", "xã")):
            if ward.startswith(prefix):
                name = ward[len(prefix):].strip()
                short = prov.removeprefix("Tỉnh ").removeprefix("Thành phố ").strip()
                by_fold.setdefault(fold(name), []).append(Unit(name, utype, short, prov))
                break
    units = sorted((v[0] for v in by_fold.values() if len(v) == 1),
                   key=lambda u: (u.province, u.unit_type, u.name))
    meta = data.get("metadata", {})
    source = f"underthesea.address ({meta.get('source', '?')} {meta.get('version', '?')}, " \
             f"effective {meta.get('effective_date', '?')})"
    return units, source


# ---------------------------------------------------------------------------------------------
# Number formatting (both Vietnamese and English conventions, as in the samples)
# ---------------------------------------------------------------------------------------------


def fmt_int(n: int, sep: str = ".", pad: bool = False) -> str:
    """12456 -> "12.456" (sep ".") / "12,456" (sep ",") / "12456" (sep ""); pad: 5 -> "05"."""
    if pad and 0 <= n < 10:
        return f"0{n}"
    if n < 1000 or not sep:
        return str(n)
    return f"{n:,}".replace(",", sep)


def fmt_pct(v: float, dec: str = ",") -> str:
    """99.75 -> "99,75%" / "99.75%"; 100.0 -> "100%"."""
    if float(v).is_integer():
        return f"{int(v)}%"
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return s.replace(".", dec) + "%"


def fmt_money(amount: int, style: str) -> str:
    """Money in đồng: "120.000.000 đồng" or "499 triệu đồng" (amount must be whole millions)."""
    if style == "trieu" and amount % 1_000_000 == 0:
        return f"{amount // 1_000_000} triệu đồng"
    return f"{fmt_int(amount, '.')} đồng"


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")

# ---------------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    kind: str  # "monthly" | "quarterly" | "half_year" | "so_ket"
    code: str  # "2026-05" | "2026-Q1" | "2026-H1"
    label: str  # as written in the title: "tháng 5 năm 2026", "quý I năm 2026"
    short: str  # as written in questions: "tháng 5/2026", "quý I/2026"
    year: int
    month: int  # month the report is dated in
    next_label: str  # the following period, for the "nhiệm vụ" section


MONTHS_BY_ROUND = (5, 4, 6, 3, 2, 1, 7, 8, 9, 10, 11, 12)
QUARTERS_BY_ROUND = ((1, YEAR), (2, YEAR), (4, YEAR - 1), (3, YEAR - 1), (2, YEAR - 1), (1, YEAR - 1))
HALVES_BY_ROUND = ((1, YEAR), (2, YEAR - 1), (1, YEAR - 1))


def monthly(round_: int) -> Period:
    m = MONTHS_BY_ROUND[round_ % len(MONTHS_BY_ROUND)]
    y = YEAR - round_ // len(MONTHS_BY_ROUND)
    nm, ny = (1, y + 1) if m == 12 else (m + 1, y)
    return Period("monthly", f"{y}-{m:02d}", f"tháng {m} năm {y}", f"tháng {m}/{y}", y, m,
                  f"tháng {nm} năm {ny}")


def quarterly(round_: int) -> Period:
    q, y = QUARTERS_BY_ROUND[round_ % len(QUARTERS_BY_ROUND)]
    y -= 2 * (round_ // len(QUARTERS_BY_ROUND))
    nq, ny = (1, y + 1) if q == 4 else (q + 1, y)
    return Period("quarterly", f"{y}-Q{q}", f"quý {ROMAN[q - 1]} năm {y}", f"quý {ROMAN[q - 1]}/{y}", y,
                  min(12, q * 3 + 1) if q < 4 else 12, f"quý {ROMAN[nq - 1]} năm {ny}")


def half_year(round_: int) -> Period:
    h, y = HALVES_BY_ROUND[round_ % len(HALVES_BY_ROUND)]
    y -= 2 * (round_ // len(HALVES_BY_ROUND))
    label = f"6 tháng đầu năm {y}" if h == 1 else f"6 tháng cuối năm {y}"
    nxt = f"6 tháng cuối năm {y}" if h == 1 else f"6 tháng đầu năm {y + 1}"
    return Period("half_year", f"{y}-H{h}", label, label, y, 6 if h == 1 else 12, nxt)


SO_KET = Period("so_ket", f"{YEAR - 1}-01..{YEAR}-06", "01 năm 06 tháng", "sơ kết 01 năm 06 tháng", YEAR, 6,
                f"6 tháng cuối năm {YEAR}")

# ---------------------------------------------------------------------------------------------
# Text pools (boilerplate in the samples' register; a few typos on purpose)
# ---------------------------------------------------------------------------------------------

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
          "Hồ", "Ngô", "Dương", "Lý", "Khúc", "Đinh", "Trịnh", "Lương", "Tạ", "Mai")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quang", "Ngọc", "Xuân", "Mạnh", "Chính",
          "Công", "Thế", "Thu", "Hồng", "Anh")
GIVEN = ("Bảo", "Diện", "Sinh", "Tài", "Hùng", "Dũng", "Hải", "Hương", "Lan", "Nam", "Phong", "Quân",
         "Sơn", "Thắng", "Tuấn", "Hà", "Hạnh", "Linh", "Long", "Toàn", "Việt", "Cường", "Huyền",
         "Khánh", "Lộc", "Nga", "Oanh", "Phúc", "Thảo", "Yến")

TUYEN_TRUYEN = (
    "Công tác thông tin, tuyên truyền về nội dung và ý nghĩa của Nghị quyết 57-NQ/TW ngày 22/12/2024 "
    "của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia, "
    "được triển khai bằng nhiều hình thức phong phú: Qua hệ thống đài phát thanh địa phương, Trang thông tin "
    "điện tử, các trang mạng xã hội chính thống; đồng thời lồng ghép tuyên truyền trong các hội nghị, cuộc "
    "họp, sinh hoạt chi bộ, đoàn thể.",
    "Tiếp tục tuyên truyền phổ biến các quan điểm, chủ trương của Đảng, chính sách, pháp luật của Nhà nước "
    "về chuyển đổi số; Tuyên truyền về xây dựng và phát triển chính quyền số để góp phần tạo môi trường chính "
    "quyền thân thiện, hoạt động hiệu lực, hiệu quả, phục vụ phát triển kinh tế - xã hội địa phương.",
    "Nhiều mô hình, phong trào tuyên truyền mang tính sáng tạo, dễ tiếp cận đã được triển khai rộng rãi như: "
    "Phong trào “Bình dân học vụ số”, mô hình “Tổ ứng cứu công nghệ hỗ trợ người dân yếu thế giải quyết TTHC "
    "tại nhà”..., Treo băng rôn, pano, khẩu hiệu tại các tuyến đường, cơ quan, khu dân cư.",
    "Công tác tuyên truyền nhiệm vụ đổi số được lồng ghép với các cuộc họp, các cuộc tuyên truyền, phổ biến "
    "chính sách pháp luật để cán bộ, công chức, viên chức, người lao động và nhân dân nắm bắt và thực hiện.",
    "Hoạt động tuyên truyền được tăng cường trên hệ thống truyền thanh, các Tổ công nghệ số cộng đồng thôn "
    "và các nhóm zalo...",
)
LANH_DAO = (
    "Công tác Chuyển đổi số luôn được Đảng ủy, Chính quyền quan tâm chỉ đạo, coi đây là một trong những nhiệm "
    "vụ trọng tâm, xuyên suốt trong việc lãnh đạo thực hiện hoàn thành các mục tiêu phát triển KTXH.",
    "UBND {utype} đã ban hành các văn bản chỉ đạo triển khai nhiệm vụ chuyển đổi số, ứng dụng công nghệ thông "
    "tin trong quản lý nhà nước, cải cách hành chính và cung cấp dịch vụ công trực tuyến; phân công nhiệm vụ "
    "cụ thể cho từng phòng, ban theo mô hình chính quyền địa phương 02 cấp để triển khai thực hiện.",
    "Đồng thời, UBND {utype} đã chỉ đạo các cơ quan, đơn vị cập nhập kịp thời các thông tin liên quan đến "
    "công tác chyển đổi số tại Trang thông tin điện tử {utype}.",
    "Ủy ban nhân dân {utype} đã kịp thời rà soát, kiện toàn đầy đủ thành viên Ban Chỉ đạo về phát triển khoa "
    "học, công nghệ, đổi mới sáng tạo, chuyển đổi số, cải cách hành chính và Đề án 06; phân công nhiệm vụ "
    "rõ người, rõ việc.",
    "Công tác quán triệt, tuyên truyền được thực hiện thông qua hội nghị cán bộ, công chức và các hình thức "
    "tuyên truyền trên hệ thống truyền thanh cơ sở và trên trang thông tin điện tử của {utype}.",
)
UU_DIEM = (
    "Công tác chuyển đổi số trên địa bàn {utype} bước đầu đã đạt được những kết quả tích cực: Các cấp ủy đảng, "
    "chính quyền, cơ quan, đơn vị đã tích cực ứng dụng công nghệ thông tin trong công tác chỉ đạo, điều hành; "
    "sử dụng hiệu quả các phần mềm dùng chung của tỉnh như: Thư điện tử, quản lý văn bản điều hành, cổng "
    "thông tin điện tử, cổng dịch vụ công và một cửa điện tử.",
    "Việc cung cấp dịch vụ công trực tuyến toàn trình và một phần phục vụ giải quyết thủ tục hành chính qua "
    "mạng đã tạo tiền đề cho việc xây dựng chính quyền điện tử, hướng tới chính quyền số trên địa bàn {utype}.",
    "Mô hình “Chợ số – Nông thôn số” thanh toán không dùng tiền mặt hiện đại hóa hoạt động thương mại giúp "
    "minh bạch kinh tế, giảm rủi ro thanh toán bằng tiền mặt.",
    "Tổ công nghệ số cộng đồng ở tất cả Tổ dân phố, theo phương châm “đi từng ngõ, gõ từng nhà”, hướng dẫn "
    "từng người, giúp người dân được hỗ trợ tiếp cận các dịch vụ số.",
    "Nhận thức của cán bộ, công chức và người dân về chuyển đổi số được nâng lên; ứng dụng công nghệ thông "
    "tin ngày càng đi vào nền nếp.",
)
HAN_CHE = (
    "Một bộ phận người dân vẫn chưa có đủ kiến thức và kỹ năng tiếp cận công nghệ số, gây khó khăn trong việc "
    "sử dụng các dịch vụ số.",
    "Cán bộ phụ trách lĩnh vực công nghệ thông tin (CNTT), chuyển đổi số chưa có trình độ chuyên môn sâu nên "
    "việc tham mưu trong công tác chuyển đổi số hiệu quả chưa cao.",
    "Hệ thống máy móc, cơ sở vật chất còn cũ, chưa đáp ứng đầy đủ cho nhiệm vụ chuyển đổi số của địa phương.",
    "Trình độ công nghệ thông tin của một số cán bộ, công chức, viên chức còn hạn chế.",
    "Nguồn kinh phí đầu tư cho chuyển đổi số còn hạn chế; một số trang thiết bị công nghệ thông tin đã hết "
    "khấu hao sử dụng, cấu hình thấp, thiếu đồng bộ.",
    "Hệ thống điều hành tác nghiệp và hệ thống giải quyết thủ tục hành chính đôi khi gặp sự cố kết nối, "
    "gián đoạn.",
    "Nhiều điện thoại thông minh của người dân có cấu hình thấp, dung lượng bộ nhớ ít nên việc cài đặt và sử "
    "dụng nhiều ứng dụng số còn gặp khó khăn.",
)
NGUYEN_NHAN = (
    "Một số lĩnh vực, nội dung mới đòi hỏi nhiều thời gian nghiên cứu, triển khai.",
    "Cán bộ phụ trách CNTT, chuyển đổi số tại các cơ quan, đơn vị chủ yếu là kiêm nhiệm, chưa được đào tạo "
    "chuyên sâu, ảnh hưởng đến hiệu quả triển khai thực hiện.",
    "Nguyên nhân chủ yếu do điều kiện kinh tế - xã hội địa phương còn hạn chế, bước đầu thực hiện việc chuyển "
    "đổi số nên nguồn nhân lực công nghệ thông tin chuyên sâu còn thiếu.",
)
NHIEM_VU = (
    "Tiếp tục thực hiện tốt công tác chuyển đổi số trên ba trụ cột chính: chính quyền số, kinh tế số, xã hội số.",
    "Vận hành và ứng dụng hiệu quả Hệ thống Hội nghị trực tuyến, hệ thống thông tin cơ sở.",
    "Khai thác tối đa hiệu quả của Hệ thống thông tin giải quyết thủ tục hành chính và Dịch vụ công trong giải "
    "quyết thủ tục hành chính, phục vụ Nhân dân.",
    "Tiếp tục truyền thông, phổ cập kỹ năng và hướng dẫn Nhân dân tiếp cận, cài đặt, sử dụng các ứng dụng "
    "trực tuyến phục vụ công việc, giải quyết hồ sơ, thủ tục hành chính…",
    "Đẩy mạnh, tiến tới phổ cập sử dụng dịch vụ thanh toán trên nền tảng di động trên địa bàn toàn {utype}.",
    "Đẩy mạnh công tác truyền thông, tuyên truyền về Chuyển đổi số, cải cách hành chính.",
    "Đẩy mạnh hoạt động của Tổ công nghệ số cộng đồng, tích cực tham gia tuyên truyền, hướng dẫn người dân "
    "tiếp cận và biết các kỹ năng số cơ bản.",
    "Tăng cường đào tạo, bồi dưỡng kiến thức, kỹ năng số; nâng cao năng lực ứng dụng công nghệ mới cho cán bộ, "
    "công chức.",
)
DE_XUAT = (
    "Đề nghị UBND tỉnh quan tâm mua sắm các trang, thiết bị để phục vụ Ứng dụng công nghệ thông tin và Chuyển "
    "đổi số cho các cơ quan, đơn vị. Đồng thời tổ chức các lớp tập huấn chuyên sâu cho cán bộ, công chức, viên "
    "chức của {utype}.",
    "Đề nghị cấp trên hỗ trợ nâng cấp hạ tầng công nghệ thông tin; tổ chức tập huấn chuyên sâu; hỗ trợ kinh phí "
    "triển khai các mô hình chuyển đổi số tại địa phương.",
    "Đề nghị nghiên cứu ban hành cơ chế hỗ trợ kinh phí hoạt động đối với các Tổ công nghệ số cộng đồng tại "
    "các xã, phường.",
    "Đề nghị tiếp tục nâng cấp, hoàn thiện các nền tảng số dùng chung, hệ thống thông tin giải quyết thủ tục "
    "hành chính nhằm bảo đảm hoạt động ổn định, đồng bộ dữ liệu.",
)
MODELS = (
    "Chợ 4.0 - Chợ thanh toán không dùng tiền mặt", "Tổ dân phố tiếp cận và sử dụng AI",
    "Bình dân học vụ số", "Camera an ninh khu dân cư", "Thôn thông minh", "Tổ công nghệ số cộng đồng kiểu mẫu",
    "Ứng dụng công nghệ vào trồng rau Vietgap", "Trường học số",
)
NOI_NHAN = (
    "- Sở Khoa học và Công nghệ (b/c);", "- TT Đảng ủy, HĐND {utype} (b/c);",
    "- Chủ tịch, các PCT UBND {utype};", "- Các phòng, đơn vị thuộc {utype};", "- Lưu: VT, VHXH.",
)


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


def _pick(rng: random.Random, pool: Iterable[str], k: int, utype: str) -> list[str]:
    items = list(pool)
    return [s.replace("{utype}", utype) for s in rng.sample(items, min(k, len(items)))]


def _date_line(s: Synth, comma: bool = True) -> str:
    day = "" if s.rng.random() < 0.5 else str(s.rng.randint(5, 28))
    sep = "," if comma else ""
    return f"{s.unit.name}{sep} ngày {day} tháng {s.period.month} năm {s.period.year}".replace("  ", " ")


def _number_line(s: Synth) -> str:
    if s.rng.random() < 0.45:
        s.report_number = f"{s.rng.randint(12, 480)}/BC-UBND"
        return f"Số: {s.report_number}"
    return s.rng.choice(("Số: /BC-UBND", "Số /BC-UBND", "Số:     /BC-UBND"))


def _province_ref(s: Synth) -> str:
    u = s.unit
    if u.is_city:
        return f"Sở Khoa học và Công nghệ thành phố {u.province}"
    return f"Sở Khoa học và Công nghệ tỉnh {u.province}"


def _signature(s: Synth) -> list[str]:
    s.signer = f"{s.rng.choice(FAMILY)} {s.rng.choice(MIDDLE)} {s.rng.choice(GIVEN)}"
    head = s.rng.choice(("**KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH**", "**TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH**",
                         "**KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH**"))
    return [head, s.signer]


def _noi_nhan(s: Synth) -> list[str]:
    return ["Nơi nhận:", "\n".join(x.replace("{utype}", s.ut) for x in NOI_NHAN)]


def _distractor(s: Synth, v: Values) -> str | None:
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


def style_a(s: Synth, v: Values) -> str:
    """Monthly, list style (sample 000): no header, compact lines, '-' bullets, ranking and score."""
    r, ut, per = s.rng, s.ut, s.period
    prov = s.unit.province
    s.add(" BÁO CÁO", f"Kết quả thực hiện công tác phát triển khoa học công nghệ, đổi mới sáng tạo và chuyển "
          f"đổi số {per.label}", "")
    s.add(f"Nhằm thúc đẩy công tác chuyển đổi số trên địa bàn, UBND {s.named()} báo cáo về tình hình triển "
          f"khai các nhiệm vụ chuyển đổi số trên địa bàn {ut} {per.label} và phương hướng nhiệm vụ "
          f"{per.next_label} như sau:")
    s.add("I.  TÌNH HÌNH TRIỂN KHAI THỰC HIỆN", "1. Công tác lãnh đạo, chỉ đạo")
    kh = "thành phố" if s.unit.is_city else "tỉnh"
    s.add(f"UBND {ut} ban hành các văn bản chỉ đạo điều hành công tác chuyển đổi số cơ bản thực hiện theo Kế "
          f"hoạch Chuyển đổi số của {kh} {prov} năm {per.year};")
    s.add(*_pick(r, LANH_DAO, 2, ut))
    s.add("2. Công tác tuyên truyền, phổ biến", *_pick(r, TUYEN_TRUYEN, 1, ut))
    s.add("II. KẾT QUẢ THỰC HIỆN", "1. Nhóm chỉ tiêu chuyển đổi số thường kỳ ")
    if r.random() < 0.9:
        s.add("          " + s.fig(K_SO_HOA, v.so_hoa, "%", r.choice((
            f"Tỉ lệ số hóa kết quả giải quyết thủ tục hành chính hồ sơ, đạt {s.p(v.so_hoa)}.",
            f"Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC đạt {s.p(v.so_hoa)}.")
        )) + " ")
    d1, d2 = r.randint(1, 12), r.randint(1, 9)
    s.add(s.fig(K_TIEP_NHAN, v.tiep_nhan, "hồ sơ",
                f"Trong kỳ báo cáo tiếp nhận: {s.n(v.tiep_nhan)} hồ sơ: (số liệu từ ngày {d1:02d}/"
                f"{max(1, per.month - 1)} đến ngày {d2:02d}/{per.month}/{per.year})"))
    if r.random() < 0.85:
        s.add(s.fig(K_TOAN_TRINH, v.toan_trinh, "%",
                    f"- Tỷ lệ hồ sơ trực tuyến toàn trình đạt: {s.p(v.toan_trinh)}"))
    line = f"- Tiếp nhận trực tuyến: {s.n(v.truc_tuyen)} hồ sơ, đạt {s.p(v.ty_le_truc_tuyen)}"
    s.fig(K_TRUC_TUYEN, v.truc_tuyen, "hồ sơ", line)
    s.add(s.fig(K_TY_LE_TRUC_TUYEN, v.ty_le_truc_tuyen, "%", line))
    line = f"- Tiếp nhận trực tiếp:{s.n(v.truc_tiep)} chiếm tỷ lệ {s.p(v.ty_le_truc_tiep)}"
    s.fig(K_TRUC_TIEP, v.truc_tiep, "hồ sơ", line)
    s.add(s.fig(K_TY_LE_TRUC_TIEP, v.ty_le_truc_tiep, "%", line))
    s.add(s.fig(K_DA_GIAI_QUYET, v.da_giai_quyet, "hồ sơ",
                r.choice(("- Hồ sơ đã giải quyết|: {}hồ sơ", "- Hồ sơ đã giải quyết: {} hồ sơ"))
                .format(s.n(v.da_giai_quyet))))
    if r.random() < 0.9:
        s.add(s.fig(K_QUA_HAN, v.qua_han, "hồ sơ", f"- Số hồ sơ quá hạn: {s.n(v.qua_han)} hồ sơ"))
    s.add(s.fig(K_RUT, v.rut, "hồ sơ", f"- Số hồ sơ công dân rút/ từ chối giải quyết: {s.n(v.rut)} hồ sơ"))
    s.add(s.fig(K_DANG_GIAI_QUYET, v.dang_giai_quyet, "hồ sơ",
                f"- Số hồ sơ đang giải quyết: {s.n(v.dang_giai_quyet)} hồ sơ."))
    s.add("- Số hồ sơ tạm dừng giải quyết chờ bổ sung: 0 hồ sơ")
    if r.random() < 0.8:
        s.add(s.fig(K_THANH_TOAN, v.thanh_toan, "%", f"- Tỷ lệ thanh toán trực tuyến: {s.p(v.thanh_toan)}") + "\t")
    if r.random() < 0.7:
        s.add(s.fig(K_XEP_HANG, v.xep_hang, "hạng",
                    f"Kết quả chỉ số xếp hạng {v.xep_hang}/{v.xep_hang_total} xã phường.",
                    numerator=v.xep_hang, denominator=v.xep_hang_total))
    if r.random() < 0.7:
        sc = f"{v.bo_chi_so:g}".replace(".", ",")
        s.add(s.fig(K_BO_CHI_SO, v.bo_chi_so, "điểm",
                    f"Kết quả đánh giá Bộ chỉ số phục vụ người dân, doanh nghiệp trên cổng DVC tỉnh của {ut} "
                    f"duy trì đạt {sc}/18 điểm.", numerator=v.bo_chi_so, denominator=18))
    s.add("2. Nhóm nhiệm vụ về triển khai các Hệ thống phần mềm dùng chung của tỉnh.",
          "2.1. Triển khai sử dụng Hệ thống Quản lý Văn bản điều hành.")
    if r.random() < 0.75:
        s.add(s.fig(K_TY_LE_KY_SO, v.ty_le_ky_so, "%",
                    f"- Về xử lý hồ sơ công việc hệ thống QLVB của tỉnh: Tỷ lệ xử lý hồ sơ công việc và ký số "
                    f"văn bản điện tử của các cơ quan, đơn vị {ut} đạt tỷ lệ {s.p(v.ty_le_ky_so)}."))
    s.add("2.2. Triển khai sử dụng Hệ thống hòm thư điện tử công vụ ",
          f"- 100% các cán bộ, công chức {ut} sử dụng và thường xuyên kiểm tra hòm thư công vụ được cấp.",
          f"2.3. Triển khai sử dụng Cổng thông tin điện tử {ut} ",
          f"- Xây dựng kênh thông tin chính thức của UBND {ut} để công khai minh bạch hoạt động quản lý, điều hành.")
    s.add("III.ĐÁNH GIÁ CHUNG VỀ CÔNG TÁC CHUYỂN ĐỔI SỐ", "1. Ưu điểm",
          *("- " + x for x in _pick(r, UU_DIEM, 2, ut)), "2. Tồn tại, hạn chế",
          *("- " + x for x in _pick(r, HAN_CHE, 2, ut)), "3. Nguyên nhân:",
          *("- " + x for x in _pick(r, NGUYEN_NHAN, 1, ut)))
    s.add(f"IV. NHIỆM VỤ TRỌNG TÂM {per.next_label.upper()}")
    tasks = _pick(r, NHIEM_VU, 4, ut)
    dis = _distractor(s, v)
    if dis:
        tasks.append(dis)
    s.add(*(f"{i}. {t}" for i, t in enumerate(tasks, 1)))
    s.add(f"Trên đây là Báo cáo kết quả  thực hiện nhiệm vụ chuyển đổi số {per.label} và nhiệm vụ trọng tâm "
          f"{per.next_label} của UBND {s.named(typo_ok=True)}./.")
    s.add("\tNơi nhận:", f"- TT Đảng ủy, HĐND {ut} (b/c);\n- Chủ tịch, các PCT UBND {ut};\n- Lưu VT, VHXH.")
    return "\n".join(s.blocks) + "\n "


def style_b(s: Synth, v: Values) -> str:
    """Monthly, prose style (sample 001): header, one long TTHC sentence, văn bản, PAKN, signature."""
    r, ut, per = s.rng, s.ut, s.period
    s.add("", _number_line(s), _date_line(s), "BÁO CÁO\n" + r.choice((
        f"Kết quả Chuyển đổi số {per.label}", f"Tình hình thực hiện nhiệm vụ chuyển đổi số {per.label}")))
    s.add("Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ chính trị về đột phá phát triển khoa học, công "
          "nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia;")
    intro = r.choice((f"Ủy ban nhân dân {ut} báo cáo", f"UBND {s.named()} báo cáo"))
    s.add(f"{intro} Kết quả Chuyển đổi số {per.label}, cụ thể như sau:")
    s.add("I. KẾT QUẢ ĐẠT ĐƯỢC", "1. Về công tác tuyên truyền", *_pick(r, TUYEN_TRUYEN, 1, ut))
    s.add("2. Về Ứng dụng CNTT trong nội bộ các cơ quan")
    s.add(f"- Hiện nay có 100% cán bộ, công chức và các phòng, ban chuyên môn thuộc UBND {ut} được cấp và sử "
          "dụng hệ thống thư điện tử công vụ.")
    m0 = per.month - 1 if per.month > 1 else 12
    win = f"Tính từ ngày 15/{m0}/{per.year} đến ngày 15/{per.month}/{per.year}"
    if r.random() < 0.85:
        line = (f"- Kết quả xử lý hồ sơ công việc và ký số văn bản điện tử trên địa bàn {ut}: {win} UBND {ut} "
                f"ban hành {s.n(v.vb_ban_hanh)} văn bản, trong đó ký số {s.n(v.vb_ky_so)} văn bản đạt tỉ lệ "
                f"{s.p(v.ty_le_ky_so)}.")
        s.fig(K_VB_BAN_HANH, v.vb_ban_hanh, "văn bản", line)
        s.fig(K_VB_KY_SO, v.vb_ky_so, "văn bản", line)
        s.add(s.fig(K_TY_LE_KY_SO, v.ty_le_ky_so, "%", line))
    if r.random() < 0.8:
        if v.pakn:
            line = (f"- Xử lý phản ánh kiến nghị: {win.replace('ngày ', '', 1)} UBND {ut} đã tiếp nhận "
                    f"{s.n(v.pakn, pad=True)} phản ánh kiến nghị. Trong đó: {s.n(v.pakn_xu_ly, pad=True)} phản ánh "
                    f"đã xử lý đạt tỷ lệ: {s.p(pct(v.pakn_xu_ly, v.pakn))}.")
            s.fig(K_PAKN_XU_LY, v.pakn_xu_ly, "phản ánh", line)
            s.fig(K_PAKN_XU_LY, pct(v.pakn_xu_ly, v.pakn), "%", line)
        else:
            line = f"- Xử lý phản ánh kiến nghị: {win} UBND {ut} không nhận được phản ánh kiến nghị nào."
        s.add(s.fig(K_PAKN, v.pakn, "phản ánh", line))
    s.add("- Các chi bộ sử dụng ứng dụng sổ tay đảng viên điện tử để điểm danh đảng viên trước khi tiến hành sinh "
          "hoạt chi bộ thường kỳ.")
    s.add("3. Về Ứng dụng CNTT phục vụ người dân, doanh nghiệp")
    parts = [f"- Tình hình xử lý các thủ tục hành chính: {win} tiếp nhận {s.n(v.tiep_nhan)} hồ sơ, trong đó: "
             f"Trực tuyến {s.n(v.truc_tuyen)} hồ sơ đạt {s.p(v.ty_le_truc_tuyen)}; Trực tiếp {s.n(v.truc_tiep)} "
             f"hồ sơ đạt {s.p(v.ty_le_truc_tiep)}; số hồ sơ đã giải quyết {s.n(v.da_giai_quyet)} hồ sơ đạt "
             f"{s.p(v.ty_le_giai_quyet)}"]
    keys: list[tuple[str, float, str]] = [
        (K_TIEP_NHAN, v.tiep_nhan, "hồ sơ"), (K_TRUC_TUYEN, v.truc_tuyen, "hồ sơ"),
        (K_TY_LE_TRUC_TUYEN, v.ty_le_truc_tuyen, "%"), (K_TRUC_TIEP, v.truc_tiep, "hồ sơ"),
        (K_TY_LE_TRUC_TIEP, v.ty_le_truc_tiep, "%"), (K_DA_GIAI_QUYET, v.da_giai_quyet, "hồ sơ"),
        (K_TY_LE_GIAI_QUYET, v.ty_le_giai_quyet, "%")]
    quirk = " đạt 100%" if r.random() < 0.15 else ""
    parts.append(f"số hồ sơ đang giải quyết (trong hạn) {s.n(v.dang_giai_quyet)} hồ sơ{quirk}")
    keys.append((K_DANG_GIAI_QUYET, v.dang_giai_quyet, "hồ sơ"))
    if r.random() < 0.9:
        parts.append(f"số hồ sơ quá hạn {s.n(v.qua_han, pad=True)} hồ sơ")
        keys.append((K_QUA_HAN, v.qua_han, "hồ sơ"))
    if r.random() < 0.85:
        parts.append(f"số hóa hồ sơ đạt {s.p(v.so_hoa)}")
        keys.append((K_SO_HOA, v.so_hoa, "%"))
    if r.random() < 0.5:
        parts.append(f"thanh toán trực tuyến đạt {s.p(v.thanh_toan)}")
        keys.append((K_THANH_TOAN, v.thanh_toan, "%"))
    line = "; ".join(parts) + "."
    for key, val, measure in keys:
        s.fig(key, val, measure, line)
    s.add(line)
    if r.random() < 0.7:
        s.add(s.fig(K_TIN_BAI, v.tin_bai, "tin bài",
                    f"- Công Thông tin điện tử {ut}: {win} đã đăng tải được {s.n(v.tin_bai)} tin, bài... lên Cổng "
                    f"thông tin điện tử của {ut}."))
    s.add("II. ĐÁNH GIÁ CHUNG", "1. Ưu điểm", *("- " + x for x in _pick(r, UU_DIEM, 2, ut)), "2. Hạn chế")
    s.add(f"Mặc dù quá trình chuyển đổi số {s.named(typo_ok=True)} thời gian qua đã đạt được một số kết quả nhất "
          f"định. Tuy nhiên, quá trình chuyển đổi số của {ut} còn một số hạn chế:")
    s.add(*("- " + x for x in _pick(r, HAN_CHE, 3, ut)))
    s.add("III. ĐỀ XUẤT", *_pick(r, DE_XUAT, 1, ut))
    s.add(f"Trên đây là Báo cáo kết quả thực hiện Chuyển đổi số {per.label} của UBND {s.named(typo_ok=True)}./.")
    s.add(*_noi_nhan(s), *_signature(s))
    return "\n\n".join(s.blocks)


def _tthc_block(s: Synth, v: Values, plus: str = "+") -> None:
    total = v.tthc_toan_trinh + v.tthc_mot_phan
    line = f"- Trung tâm phục vụ hành chính công thực hiện công khai, niêm yết {s.n(total)} thủ tục hành chính, trong đó:"
    s.add(s.fig(K_TTHC, total, "thủ tục", line))
    s.add(s.fig(K_TTHC_TOAN_TRINH, v.tthc_toan_trinh, "thủ tục",
                f"{plus} Thủ tục hành chính toàn trình: {s.n(v.tthc_toan_trinh)} thủ tục."))
    s.add(s.fig(K_TTHC_MOT_PHAN, v.tthc_mot_phan, "thủ tục",
                f"{plus} Thủ tục hành chính một phần: {s.n(v.tthc_mot_phan)} thủ tục."))


def style_c(s: Synth, v: Values) -> str:
    """Quarterly / half-year, detailed (sample 002): '+' bullets, 2.1.-2.7. subsections, '+' figures."""
    r, ut, per, u = s.rng, s.ut, s.period, s.unit
    s.add("", _number_line(s), _date_line(s), "BÁO CÁO")
    s.add(f"Sơ kết tình hình, kết quả triển khai thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị về phát triển "
          f"khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số trên địa bàn {s.named()} {per.label}")
    cv = f"Công văn số {r.randint(100, 9000)}/VP-VX ngày {r.randint(1, 28)}/{per.month}/{per.year}"
    who = f"Văn phòng Ủy ban nhân dân thành phố {u.province}" if u.is_city else f"UBND tỉnh {u.province}"
    s.add(f"Thực hiện {cv} của {who} về việc triển khai nhiệm vụ về phát triển khoa học, công nghệ, đổi mới sáng "
          f"tạo, chuyển đổi số và Đề án 06, Ủy ban nhân dân {s.named()} báo cáo kết quả cụ thể như sau:")
    s.add("I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, TỔ CHỨC THỰC HIỆN", "1. Công tác chỉ đạo điều hành")
    s.add(f"- Ngay từ đầu năm {per.year}, công tác lãnh đạo, chỉ đạo, điều hành về triển khai thực hiện Nghị quyết "
          f"số 57-NQ/TW trên địa bàn {ut} được triển khai quyết liệt, đồng bộ. Ủy ban nhân dân {ut} đã ban hành "
          "đầy đủ các kế hoạch trọng tâm như:")
    for _ in range(r.randint(2, 4)):
        s.add(f"+ Kế hoạch số {r.randint(5, 200)}/KH-UBND ngày {r.randint(1, 28)}/{r.randint(1, 3)}/{per.year} "
              f"về {r.choice(('chuyển đổi số', 'khoa học và Công nghệ', 'thực hiện Đề án 06'))} {s.named()} năm "
              f"{per.year};")
    s.add("- " + _pick(r, LANH_DAO, 1, ut)[0])
    s.add("2. Công tác tuyên truyền, truyền thông", *("- " + x for x in _pick(r, TUYEN_TRUYEN, 2, ut)))
    s.add(f"II. KẾT QUẢ TRIỂN KHAI THỰC HIỆN TRONG {per.label.upper()}")
    sec = 1
    if r.random() < 0.75:
        s.add(f"{sec}. Kết quả thực hiện các nhiệm vụ theo Chương trình công tác năm {per.year}")
        line = (f"Căn cứ Chương trình công tác năm {per.year} của Ban Chỉ đạo, tổng số mục tiêu thực hiện trong "
                f"năm là {v.nv_total} mục tiêu: Ủy ban nhân dân {ut} đã hoàn thành "
                f"{fmt_int(v.nv_done, pad=True)}/{v.nv_total} mục tiêu cụ thể.")
        s.fig(K_NV_GIAO, v.nv_total, "mục tiêu", line)
        s.add(s.fig(K_MUC_TIEU, v.nv_done, "mục tiêu", line, numerator=v.nv_done, denominator=v.nv_total))
        sec += 1
    s.add(f"{sec}. Về chuyển đổi số", "2.1. Hạ tầng số".replace("2", str(sec), 1))
    s.add("- Duy trì, đảm bảo đường truyền mạng internet phục vụ khai thác sử dụng hệ thống Văn phòng điện tử, "
          "điều hành tác nghiệp; phục vụ hội nghị truyền hình.")
    if r.random() < 0.6:
        s.add(s.fig(K_WIFI, v.wifi, "nhà văn hóa",
                    f"- Ủy ban nhân dân {ut} triển khai lắp đặt Internet Wifi tốc độ cao tại {v.wifi} nhà văn hóa "
                    f"trên địa bàn {ut}."))
    if r.random() < 0.5:
        s.add(s.fig(K_5G, v.phu_song_5g, "%",
                    f"- Hạ tầng viễn thông tiếp tục được cải thiện, tỷ lệ phủ sóng 5G đạt {s.p(v.phu_song_5g)}."))
    s.add(f"{sec}.2. Chính quyền số")
    s.add("- Duy trì, vận hành thông suốt các hệ thống thông tin dùng chung và chuyên ngành, bảo đảm phục vụ hiệu "
          "quả công tác lãnh đạo, chỉ đạo, điều hành.")
    if r.random() < 0.7:
        ky_so = f"xử lý văn bản, ký số trên môi trường điện tử, tỷ lệ đạt {s.p(v.ty_le_ky_so)} (trừ văn bản mật)."
        s.add(s.fig(K_TY_LE_KY_SO, v.ty_le_ky_so, "%", r.choice((
            f"- Duy trì thực hiện {ky_so}",  # a result stated with "Duy trì" (not a plan: results section)
            f"- Cấp và quản lý tài khoản cho 100% cán bộ, công chức, viên chức trên hệ thống quản lý văn bản và "
            f"điều hành; duy trì thực hiện {ky_so}"))))
    if r.random() < 0.8:
        _tthc_block(s, v)
    s.add("Báo cáo số liệu chi tiết:")
    s.add(s.fig(K_TIEP_NHAN, v.tiep_nhan, "hồ sơ",
                f"Từ ngày 01/{max(1, per.month - 3)}/{per.year} đến ngày {r.randint(1, 28)}/{per.month}/{per.year}, "
                f"Trung tâm thực hiện tiếp nhận, giải quyết TTHC trên Hệ thống thông tin giải quyết TTHC thuộc "
                f"thẩm quyền giải quyết tổng số: {s.n(v.tiep_nhan)} hồ sơ, trong đó:"))
    line = f"+ Số hồ sơ trực tuyến: {s.n(v.truc_tuyen)} hồ sơ; tỷ lệ đạt: {s.p(v.ty_le_truc_tuyen)}"
    s.fig(K_TRUC_TUYEN, v.truc_tuyen, "hồ sơ", line)
    s.add(s.fig(K_TY_LE_TRUC_TUYEN, v.ty_le_truc_tuyen, "%", line))
    s.add(s.fig(K_TRUC_TIEP, v.truc_tiep, "hồ sơ",
                f"+ Số hồ sơ tiếp nhận trực tiếp, qua bưu chính: {s.n(v.truc_tiep)} hồ sơ."))
    line = f"- Số hồ sơ đã giải quyết (kỳ này và kỳ trước chuyển sang): {s.n(v.da_giai_quyet)} hồ sơ"
    if v.qua_han == 0 and r.random() < 0.5:
        line += ", không có hồ sơ quá hạn."
        s.fig(K_QUA_HAN, 0, "hồ sơ", line)
        s.add(s.fig(K_DA_GIAI_QUYET, v.da_giai_quyet, "hồ sơ", line))
    else:
        s.add(s.fig(K_DA_GIAI_QUYET, v.da_giai_quyet, "hồ sơ", line + "."))
        s.add(s.fig(K_QUA_HAN, v.qua_han, "hồ sơ",
                    "- Số hồ sơ quá hạn: Không." if v.qua_han == 0 else f"- Số hồ sơ quá hạn: {s.n(v.qua_han, True)} hồ sơ."))
    s.add(s.fig(K_RUT, v.rut, "hồ sơ", f"- Số hồ sơ rút (từ chối): {s.n(v.rut)} hồ sơ."))
    s.add(s.fig(K_DANG_GIAI_QUYET, v.dang_giai_quyet, "hồ sơ",
                f"- Số hồ sơ đang giải quyết: {s.n(v.dang_giai_quyet)} hồ sơ (trong hạn)."))
    s.add(f"{sec}.3. Phát triển Dữ liệu số")
    if r.random() < 0.85:
        s.add(s.fig(K_SO_HOA, v.so_hoa, "%", r.choice((
            f"- Thực hiện số hóa hồ sơ, kết quả giải quyết thủ tục hành chính; {s.p(v.so_hoa)} hồ sơ giải quyết "
            f"được số hóa, lưu trữ và khai thác trên hệ thống thông tin giải quyết thủ tục hành chính.",
            f"- Thực hiện số hóa hồ sơ, kết quả giải quyết thủ tục hành chính, tỷ lệ số hóa hồ sơ đạt "
            f"{s.p(v.so_hoa)}."))))
    else:
        s.add("- Thực hiện số hóa hồ sơ, kết quả giải quyết thủ tục hành chính theo quy định.")
    a, b = r.randint(5_000, 30_000), r.randint(31_000, 60_000)
    s.add(f"- Triển khai tích hợp các tiện ích trên ứng dụng VNeID; đến nay, đã tích hợp Sổ sức khỏe điện tử đối "
          f"với {fmt_int(a)}/{fmt_int(b)} tài khoản (đạt {round(100 * a / b)}%).")
    s.add(f"{sec}.4. Kinh tế số")
    if r.random() < 0.6:
        s.add(s.fig(K_THANH_TOAN, v.thanh_toan, "%",
                    f"- Tỷ lệ thanh toán trực tuyến phí, lệ phí thủ tục hành chính đạt {s.p(v.thanh_toan)}."))
    s.add(f"- Đẩy mạnh, khuyến khích các hộ kinh doanh, cơ sở dịch vụ, chợ dân sinh triển khai thanh toán không "
          f"dùng tiền mặt; đến nay, có khoảng trên {r.choice((60, 70, 80, 85))}% hộ kinh doanh sử dụng mã QR.")
    s.add(f"{sec}.5. An toàn thông tin", "- Quán triệt cán bộ, công chức, viên chức thực hiện nghiêm các quy định "
          "về bảo mật thông tin, quản lý tài khoản, mật khẩu.")
    s.add("III. ĐÁNH GIÁ CHUNG", "1. Kết quả nổi bật", " ".join(_pick(r, UU_DIEM, 2, ut)),
          "2. Tồn tại, hạn chế, khó khăn, vướng mắc", *("- " + x for x in _pick(r, HAN_CHE, 3, ut)))
    s.add(f"IV. NHIỆM VỤ, GIẢI PHÁP TRONG {per.next_label.upper()}")
    tasks = _pick(r, NHIEM_VU, 4, ut)
    dis = _distractor(s, v)
    if dis:
        tasks.insert(2, dis)
    s.add(*(f"{i}. {t}" for i, t in enumerate(tasks, 1)))
    s.add("V. ĐỀ XUẤT, KIẾN NGHỊ", "- " + _pick(r, DE_XUAT, 1, ut)[0])
    s.add(f"Trên đây là Báo cáo của Ủy ban nhân dân {s.named(typo_ok=True)} về tình hình, kết quả triển khai thực "
          f"hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị trên địa bàn./.")
    s.add(*_noi_nhan(s), *_signature(s))
    return "\n\n".join(s.blocks)


def style_d(s: Synth, v: Values) -> str:
    """Quarterly, short (sample 003): few figures, 'trên 95%' qualifiers, province in the reference."""
    r, ut, per = s.rng, s.ut, s.period
    s.add("", _number_line(s), _date_line(s, comma=r.random() < 0.5), "BÁO CÁO")
    s.add(f"Kết quả thực hiện nhiệm vụ phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số "
          f"{per.label} theo Nghị quyết số 57-NQ/TW của Bộ Chính trị")
    s.add(f"Thực hiện Công văn số {r.randint(100, 9000)}/SKH-CN-CDS ngày {r.randint(1, 28)}/{per.month}/{per.year} "
          f"của {_province_ref(s)} về việc đôn đốc báo cáo định kỳ việc triển khai nhiệm vụ Nghị quyết số "
          f"57-NQ/TW. UBND {s.named()} báo cáo kết quả triển khai thực hiện nhiệm vụ trên địa bàn {s.named()} "
          f"{per.label} như sau:")
    s.add("I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, BAN HÀNH VĂN BẢN", "1. Công tác lãnh đạo, chỉ đạo")
    s.add(f"Trong {per.label} UBND {s.named()} đã tập trung lãnh đạo, chỉ đạo triển khai thực hiện Nghị quyết số "
          f"57-NQ/TW của Bộ Chính trị về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số.")
    s.add(*_pick(r, LANH_DAO, 2, ut))
    s.add("II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "1. Phát triển chính quyền số")
    s.add(f"{ut.capitalize()} đã đẩy mạnh ứng dụng công nghệ thông tin trong hoạt động quản lý, điều hành;",
          "100% cán bộ, công chức sử dụng hệ thống quản lý văn bản và điều hành.")
    if r.random() < 0.7:
        lo = int(v.ty_le_ky_so // 5 * 5) if v.ty_le_ky_so < 100 else 100
        if lo >= 100:
            line = ("100% văn bản trao đổi giữa các bộ phận được thực hiện trên môi trường điện tử, tỷ lệ văn bản "
                    "điện tử ký số đạt 100%.")
            s.add(s.fig(K_TY_LE_KY_SO, 100, "%", line))
        else:
            line = ("100% văn bản trao đổi giữa các bộ phận được thực hiện trên môi trường điện tử. Hệ thống quản lý "
                    "văn bản và điều hành được khai thác hiệu quả, góp phần nâng cao năng suất làm việc, tỷ lệ văn "
                    f"bản điện tử ký số đạt trên {lo}%.")
            s.add(s.fig(K_TY_LE_KY_SO, lo, "%", line.split(". ")[-1], qualifier="trên"))
    if r.random() < 0.5:
        line = (f"Trong {per.label}, Trung tâm phục vụ hành chính công tiếp nhận {s.n(v.tiep_nhan)} hồ sơ, trong đó "
                f"hồ sơ trực tuyến {s.n(v.truc_tuyen)} hồ sơ (đạt {s.p(v.ty_le_truc_tuyen)}).")
        s.fig(K_TIEP_NHAN, v.tiep_nhan, "hồ sơ", line)
        s.fig(K_TRUC_TUYEN, v.truc_tuyen, "hồ sơ", line)
        s.add(s.fig(K_TY_LE_TRUC_TUYEN, v.ty_le_truc_tuyen, "%", line))
    else:
        s.add("Việc cung cấp dịch vụ công trực tuyến mức độ toàn trình được duy trì ổn định; tỷ lệ hồ sơ tiếp nhận "
              "trực tuyến tăng so với cùng kỳ năm trước.")
    if r.random() < 0.5:
        s.add(s.fig(K_SO_HOA, v.so_hoa, "%",
                    f"Trung tâm phục vụ hành chính công “Bộ phận Một cửa” thực hiện số hóa hồ sơ, kết quả giải quyết "
                    f"thủ tục hành chính đạt tỷ lệ {s.p(v.so_hoa)}."))
    else:
        s.add("Trung tâm phục vụ hành chính công “Bộ phận Một cửa” thực hiện số hóa hồ sơ, kết quả giải quyết thủ "
              "tục hành chính theo quy định.")
    s.add("2. Kết quả thực hiện nhiệm vụ được phân công", "Thực hiện nhiệm vụ theo Quy chế làm việc và Chương trình "
          f"công tác năm {per.year} của Ban Chỉ đạo tỉnh, UBND {ut} đã chủ động rà soát các chỉ tiêu chuyển đổi số.")
    s.add("3. Kết quả thực hiện nhiệm vụ theo chỉ đạo của Trung ương và tỉnh", *_pick(r, TUYEN_TRUYEN, 1, ut))
    s.add("III. ĐÁNH GIÁ CHUNG", f"Việc triển khai Nghị quyết số 57-NQ/TW trong {per.label} đạt được nhiều kết quả "
          "tích cực; nhận thức của cán bộ, công chức và người dân về chuyển đổi số được nâng lên.")
    s.add("IV. HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC VÀ NGUYÊN NHÂN", *("- " + x for x in _pick(r, HAN_CHE, 3, ut)),
          *_pick(r, NGUYEN_NHAN, 1, ut))
    s.add(f"V. PHƯƠNG HƯỚNG, NHIỆM VỤ CHỦ YẾU {per.next_label.upper()}",
          *("- " + x for x in _pick(r, NHIEM_VU, 3, ut)))
    dis = _distractor(s, v)
    if dis:
        s.add("- " + dis)
    s.add("VI. KIẾN NGHỊ, ĐỀ XUẤT", *_pick(r, DE_XUAT, 1, ut))
    s.add(f"Trên đây là báo cáo kết quả thực hiện nhiệm vụ phát triển khoa học, công nghệ, đổi mới sáng tạo và "
          f"chuyển đổi số {per.label}, phương hướng nhiệm vụ {per.next_label} của UBND {s.named(typo_ok=True)}./.")
    s.add(*_noi_nhan(s), *_signature(s))
    return "\n\n".join(s.blocks)


def style_e(s: Synth, v: Values) -> str:
    """Half-year / sơ kết 01 năm 06 tháng (sample 004): 'Phần 1', long prose, money, appendix tables."""
    r, ut, per, u = s.rng, s.ut, s.period, s.unit
    s.add("", _number_line(s), _date_line(s), "BÁO CÁO")
    if per.kind == "so_ket":
        title = ("Sơ kết 01 năm 06 tháng thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột "
                 "phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia")
        window = f"Trong thời gian từ ngày 01/7/{per.year - 1} đến ngày {r.randint(1, 20):02d}/6/{per.year}"
    else:
        title = (f"Kết quả triển khai thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị {per.label} và phương "
                 f"hướng nhiệm vụ {per.next_label}")
        window = f"Trong {per.label}"
    s.add(title)
    who = f"UBND thành phố {u.province}" if u.is_city else f"UBND tỉnh {u.province}"
    s.add(f"Thực hiện Công văn số {r.randint(100, 9000)}/UBND-KGVX ngày {r.randint(1, 28):02d}/{per.month}/"
          f"{per.year} của {who} về việc tham mưu xây dựng báo cáo và tự đánh giá kết quả thực hiện Nghị quyết số "
          "57-NQ/TW của Bộ Chính trị.")
    s.add(f"UBND {s.named()} báo cáo kết quả {per.short if per.kind == 'so_ket' else per.label} triển khai thực "
          "hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị như sau:")
    s.add("Phần 1", "TÌNH HÌNH, KẾT QUẢ THỰC HIỆN")
    s.add("I. Kết quả nổi bật nhất", f"{window}, UBND {s.named()} đã tiếp nhận và giải quyết thủ tục hành chính theo "
          "đúng quy định, bảo đảm phục vụ tốt nhu cầu của tổ chức và công dân.")
    carry = r.randint(0, 120)
    line = (f"Tổng số hồ sơ tiếp nhận là {s.n(v.tiep_nhan)} hồ sơ, trong đó có {carry} hồ sơ kỳ trước chuyển sang, "
            f"{s.n(v.truc_tiep)} hồ sơ tiếp nhận trực tiếp, {s.n(v.truc_tuyen)} hồ sơ tiếp nhận trực tuyến, không "
            "phát sinh hồ sơ tiếp nhận qua BCCI.")
    for key, val in ((K_TIEP_NHAN, v.tiep_nhan), (K_TRUC_TIEP, v.truc_tiep), (K_TRUC_TUYEN, v.truc_tuyen)):
        s.fig(key, val, "hồ sơ", line)
    s.add(line)
    line2 = (f"Kết quả giải quyết, UBND {ut} đã giải quyết {s.n(v.da_giai_quyet)} hồ sơ, đạt tỷ lệ "
             f"{s.p(v.ty_le_giai_quyet)} trên tổng số hồ sơ tiếp nhận. Trong đó, 100% hồ sơ được giải quyết đúng và "
             f"trước hạn ({s.n(v.da_giai_quyet)} hồ sơ).")
    s.fig(K_DA_GIAI_QUYET, v.da_giai_quyet, "hồ sơ", line2)
    s.fig(K_TY_LE_GIAI_QUYET, v.ty_le_giai_quyet, "%", line2)
    s.fig(K_DUNG_HAN, 100, "%", line2)
    s.fig(K_DUNG_HAN, v.da_giai_quyet, "hồ sơ", line2)
    s.add(line2)
    if v.qua_han:
        line3 = (f"Đến thời điểm báo cáo, còn {s.n(v.dang_giai_quyet + v.qua_han)} hồ sơ đang trong quá trình giải "
                 f"quyết, trong đó {s.n(v.dang_giai_quyet)} hồ sơ còn trong thời hạn giải quyết, "
                 f"{fmt_int(v.qua_han, pad=True)} hồ sơ quá hạn.")
    else:
        line3 = (f"Đến thời điểm báo cáo, còn {s.n(v.dang_giai_quyet)} hồ sơ đang trong quá trình giải quyết, tất cả "
                 "đều còn trong thời hạn giải quyết, không có hồ sơ quá hạn.")
    s.fig(K_DANG_GIAI_QUYET, v.dang_giai_quyet + v.qua_han, "hồ sơ", line3)  # all pending, as written first
    s.add(s.fig(K_QUA_HAN, v.qua_han, "hồ sơ", line3))
    model = r.choice(MODELS)
    if r.random() < 0.7:
        s.add(s.fig(K_CAMERA, v.camera, "camera",
                    f"Bên cạnh đó, {ut} đã lắp đặt {v.camera} camera an ninh tại các tổ dân phố, ứng dụng công nghệ số "
                    "vào đảm bảo an ninh trật tự an toàn xã hội trên địa bàn."))
    s.add("II. VỀ CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "1. Công tác lãnh đạo, chỉ đạo triển khai thực hiện",
          "1.1. Kết quả nổi bật trong công tác chỉ đạo, điều hành", *_pick(r, LANH_DAO, 2, ut))
    sec = 2
    if r.random() < 0.8:
        s.add(f"{sec}. Về việc thực thi nhiệm vụ được giao",
              s.fig(K_NV_GIAO, v.nv_total, "nhiệm vụ", f"Tổng số nhiệm vụ được giao: {v.nv_total}, trong đó:"))
        sec += 1
        s.add(s.fig(K_NHIEM_VU, v.nv_done, "nhiệm vụ",
                    f"- (1) Số nhiệm vụ đã hoàn thành; {v.nv_done}/{v.nv_total};",
                    numerator=v.nv_done, denominator=v.nv_total))
        s.add(f"- (2) Số nhiệm vụ đang thực hiện trong hạn: {v.nv_total - v.nv_done} nhiệm vụ")
    s.add(f"{sec}. Về tiếp nhận, xử lý phản ánh, kiến nghị, sáng kiến, giải pháp (PAKN, SKGP)")
    s.add(s.fig(K_PAKN, v.pakn, "phản ánh", f"Tổng số PAKN, SKGP đã nhận được: {v.pakn}."))
    s.add(s.fig(K_PAKN_XU_LY, v.pakn_xu_ly, "phản ánh", f"Số PAKN, SKGP đã giải quyết: {v.pakn_xu_ly}."))
    s.add("III. VỀ CHUYỂN ĐỔI SỐ", "1. Về thủ tục hành chính (TTHC) và dịch vụ công trực tuyến (DVCTT)")
    total = v.tthc_toan_trinh + v.tthc_mot_phan
    line = (f"- Tổng số thủ tục hành chính thuộc thẩm quyền giải quyết của cấp xã: {total} thủ tục hành chính, trong "
            f"đó, số dịch vụ công trực tuyến toàn trình là {v.tthc_toan_trinh} thủ tục, số dịch vụ công trực tuyến "
            f"một phần là {v.tthc_mot_phan} thủ tục.")
    for key, val in ((K_TTHC, total), (K_TTHC_TOAN_TRINH, v.tthc_toan_trinh), (K_TTHC_MOT_PHAN, v.tthc_mot_phan)):
        s.fig(key, val, "thủ tục", line)
    s.add(line)
    s.add(f"Tổng số hồ sơ tiếp nhận là {s.n(v.tiep_nhan)} hồ sơ (số liệu chi tiết tại Phụ lục kèm theo).")
    s.add("2. Về hạ tầng, kiến trúc số")
    if r.random() < 0.8:
        sentence = s.fig(K_5G, v.phu_song_5g, "%",
                         f"So với đầu năm {per.year - 1}, hạ tầng viễn thông tiếp tục được cải thiện, tỷ lệ phủ "
                         f"sóng 5G đạt {s.p(v.phu_song_5g)}.")
        s.add(f"- Hạ tầng viễn thông trên địa bàn {ut} cơ bản đáp ứng nhu cầu thông tin liên lạc. {sentence}")
    s.add("3. Về dữ liệu số")
    if r.random() < 0.85:
        s.add(s.fig(K_SO_HOA, v.so_hoa, "%",
                    f"Công tác số hóa hồ sơ, kết quả giải quyết thủ tục hành chính được thực hiện thường xuyên; tỷ lệ "
                    f"số hóa hồ sơ đạt {s.p(v.so_hoa)}."))
    if r.random() < 0.6:
        s.add(s.fig(K_THANH_TOAN, v.thanh_toan, "%",
                    f"Tỷ lệ thanh toán trực tuyến phí, lệ phí trên Cổng dịch vụ công đạt {s.p(v.thanh_toan)}."))
    s.add("4. Công tác phát triển nhân lực cho chuyển đổi số", f"UBND {ut} đã bố trí 01 cán bộ phụ trách công nghệ "
          "thông tin, chuyển đổi số; tiếp tục cử cán bộ, công chức tham gia các lớp đào tạo, tập huấn.")
    s.add("IV. VỀ TÀI CHÍNH, KINH PHÍ CHO KHCN, ĐMST, CDS", "1. Kết quả thực hiện")
    if r.random() < 0.8:
        money = r.choice(("dong", "trieu"))
        line = (f"Năm {per.year}, tổng kinh phí bố trí thực hiện các nhiệm vụ khoa học, công nghệ, đổi mới sáng tạo và "
                f"chuyển đổi số là {fmt_money(v.kinh_phi, money)}.")
        s.fig(K_KINH_PHI, v.kinh_phi, "đồng", line)
        line2 = f"Đến thời điểm báo cáo đã giải ngân {fmt_money(v.giai_ngan, r.choice(('dong', 'trieu')))}."
        s.fig(K_GIAI_NGAN, v.giai_ngan, "đồng", line2)
        s.add(f"{line} {line2} Đang làm hồ sơ đối với dự án mô hình “{model}” là {r.randint(100, 900)} triệu đồng.")
    else:
        s.add(f"UBND {ut} đã quan tâm bố trí nguồn lực thực hiện các nhiệm vụ về khoa học, công nghệ, đổi mới sáng tạo "
              "và chuyển đổi số theo khả năng cân đối ngân sách của địa phương.")
    s.add("2. Khó khăn, hạn chế", *_pick(r, HAN_CHE, 2, ut))
    s.add("Phần 2", "HÀNH ĐỘNG ĐỘT PHÁ, LAN TỎA KẾT QUẢ", f"1. Mô hình “{model}”")
    s.add(f"- **Vấn đề giải quyết:** {_pick(r, HAN_CHE, 1, ut)[0]}",
          f"- **Giải pháp thực hiện:** UBND {ut} triển khai mô hình “{model}”; tổ chức hướng dẫn trực tiếp theo hình "
          "thức cầm tay chỉ việc.",
          f"- **Đầu mối liên hệ:** UBND {s.named(typo_ok=True)}")
    s.add("Phần 3", f"NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM {per.next_label.upper()}")
    tasks = _pick(r, NHIEM_VU, 3, ut)
    dis = _distractor(s, v)
    if dis:
        tasks.append(dis)
    for i, t in enumerate(tasks, 1):
        s.add(f"{i}. {t}", f"Cơ quan chủ trì: UBND {s.named(typo_ok=True)}.",
              f"Thời gian thực hiện: {per.next_label}.")
    s.add(f"Trên đây là Báo cáo kết quả {per.short if per.kind == 'so_ket' else per.label} triển khai thực hiện Nghị "
          f"quyết số 57-NQ/TW của UBND {s.named(typo_ok=True)}./.")
    s.add(*_noi_nhan(s), *_signature(s))
    if r.random() < 0.7:  # appendix tables (tab-separated, repeating figures already stated in prose)
        s.add("CÁC PHỤ LỤC CHI TIẾT", f"(Kèm theo Báo cáo số {s.report_number or '/BC-UBND'} của UBND {s.named()})",
              "1. Phụ lục I. Bảng số liệu thủ tục hành chính, dịch vụ công trực tuyến")
        s.add("STT\tSố TTHC\tSố DVCTT toàn trình\tSố DVCTT một phần\n"
              f"1\t{total}\t{v.tthc_toan_trinh}\t{v.tthc_mot_phan}")
        s.add("2. Phụ lục II. Tổng số hồ sơ tiếp nhận",
              "STT\tSố hồ sơ trực tuyến\tSố hồ sơ trực tiếp và hình thức khác\tTổng số\n"
              f"1\t{v.truc_tuyen}\t{v.truc_tiep}\t{v.tiep_nhan}")
    return "\n\n".join(s.blocks)


STYLES = {"A": style_a, "B": style_b, "C": style_c, "D": style_d, "E": style_e}
KIND_STYLES = {"monthly": ("A", "B"), "quarterly": ("C", "D"), "half_year": ("C", "E"), "so_ket": ("E",)}

# ---------------------------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class SynthReport:
    doc_id: str
    text: str
    meta: dict[str, Any]
    truth: list[dict[str, Any]]


def choose_period(rng: random.Random, round_: int) -> Period:
    x = rng.random()
    if round_ == 0 and x < 0.04:
        return SO_KET
    if x < 0.62:
        return monthly(round_)
    if x < 0.9:
        return quarterly(round_)
    return half_year(round_)


def make_report(i: int, units: list[Unit], seed: int, distractors: bool = True) -> SynthReport:
    """Report number i of the corpus for `seed` (independent of the corpus size)."""
    rng = random.Random(f"{seed}:{i}")
    unit = units[i % len(units)]
    period = choose_period(rng, i // len(units))
    style = rng.choice(KIND_STYLES[period.kind])
    s = Synth(i, unit, period, style, rng, distractors=distractors)
    s.thousands = rng.choice((".", ".", ",", ""))
    s.decimal = rng.choice((",", ",", "."))
    if rng.random() < 0.3:
        t = typo(unit.name, rng)
        if t:
            s.typo_variants.append(t)
    values = draw_values(rng, period)
    text = STYLES[style](s, values)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    doc_id = f"syn_{i:06d}_{digest}"
    meta = {"doc_id": doc_id, "unit": unit.name, "unit_type": unit.unit_type, "province": unit.province,
            "period": period.code, "period_label": period.label, "kind": period.kind, "style": style,
            "report_number": s.report_number, "signer": s.signer,
            "typo_variants": [t for t in s.typo_variants if f"{unit.unit_type} {t}" in text],
            "keys": sorted({f.key for f in s.figures})}
    truth = []
    for f in s.figures:
        row = {"doc_id": doc_id, "unit": unit.name, "unit_type": unit.unit_type, "province": unit.province,
               "province_full": unit.province_full, "period": period.code, "period_label": period.label, "kind": period.kind, "style": style}
        row.update(asdict(f))
        truth.append(row)
    return SynthReport(doc_id, text, meta, truth)


def generate(n: int, seed: int = 0, distractors: bool = True,
             units: list[Unit] | None = None) -> Iterator[SynthReport]:
    """Reports 0..n-1 for `seed`; units are shuffled once per seed."""
    if units is None:
        units, _ = load_units()
    order = list(units)
    random.Random(f"units:{seed}").shuffle(order)
    for i in range(n):
        yield make_report(i, order, seed, distractors)


def write_corpus(n: int, out: Path, seed: int = 0, distractors: bool = True) -> dict[str, Any]:
    """Write the corpus and ground truth to `out`; returns the meta dict (also in meta.json)."""
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("syn_*.txt"):  # a previous corpus of another size/seed
        old.unlink()
    units, source = load_units()
    n_truth = 0
    with (out / "ground_truth.jsonl").open("w", encoding="utf-8") as gt, \
            (out / "reports.jsonl").open("w", encoding="utf-8") as rep:
        for r in generate(n, seed, distractors, units):
            (out / f"{r.doc_id}.txt").write_text(r.text, encoding="utf-8")
            rep.write(json.dumps(r.meta, ensure_ascii=False) + "\n")
            for row in r.truth:
                gt.write(json.dumps(row, ensure_ascii=False) + "\n")
            n_truth += len(r.truth)
    meta = {"reports": n, "seed": seed, "distractors": distractors, "figures": n_truth,
            "units_available": len(units), "gazetteer": source, "generator_version": GENERATOR_VERSION,
            "seconds": round(time.perf_counter() - t0, 3)}
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return meta


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def corpus_matches(out: Path, n: int, seed: int, distractors: bool = True) -> bool:
    """True when `out` already holds the corpus for (n, seed) from this generator version."""
    try:
        meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (meta.get("reports") == n and meta.get("seed") == seed and meta.get("distractors") == distractors
            and meta.get("generator_version") == GENERATOR_VERSION
            and sum(1 for _ in out.glob("syn_*.txt")) == n)


# ---------------------------------------------------------------------------------------------
# Aggregate questions from the ground truth
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class AggregateQuestion:
    question: str
    key: str
    measure: str  # "%" or the count's measure ("hồ sơ")
    period: str
    op: str  # "eq" | "gt" | "lt"
    threshold: float
    province: str | None
    unit_type: str | None
    gold: list[str]  # unit names


def _cmp(value: float, op: str, threshold: float) -> bool:
    if op == "eq":
        return abs(value - threshold) < 1e-9
    if op == "gt":
        return value > threshold + 1e-9
    return value < threshold - 1e-9


def gold_units(truth: list[dict[str, Any]], key: str, measure: str, period: str, op: str, threshold: float,
               province: str | None = None, unit_type: str | None = None) -> list[str]:
    """Units whose figure (key, measure) for `period` satisfies `op threshold`."""
    units = set()
    for row in truth:
        if row["key"] != key or row["measure"] != measure or row["period"] != period:
            continue
        if province and row["province"] != province:
            continue
        if unit_type and row["unit_type"] != unit_type:
            continue
        if _cmp(row["value"], op, threshold):
            units.add(row["unit"])
    return sorted(units)


def aggregate_questions(truth: list[dict[str, Any]], n: int = 12, seed: int = 0) -> list[AggregateQuestion]:
    """Set questions ("Những đơn vị nào đạt 100% số hóa hồ sơ tháng 5/2026?") with gold unit sets."""
    rng = random.Random(f"questions:{seed}")
    periods: dict[str, str] = {}
    counts: dict[str, int] = {}
    for row in truth:
        if row["kind"] in ("monthly", "quarterly"):
            counts[row["period"]] = counts.get(row["period"], 0) + 1
            label = row["period_label"]
            m = label.split()
            periods[row["period"]] = f"{m[0]} {m[1]}/{m[3]}"  # "tháng 5/2026", "quý I/2026"
    if not counts:
        return []
    top = sorted(counts, key=lambda p: -counts[p])[:3]
    provinces = sorted({row["province"] for row in truth})
    city = {row["province"]: "thành phố" for row in truth if row.get("province_full", "").startswith("Thành phố")}
    templates = (
        (K_SO_HOA, "%", "eq", 100.0, "Những đơn vị nào đạt 100% số hóa hồ sơ {p}?"),
        (K_THANH_TOAN, "%", "eq", 100.0, "Đơn vị nào có tỷ lệ thanh toán trực tuyến đạt 100% {p}?"),
        (K_TY_LE_TRUC_TUYEN, "%", "eq", 100.0, "Những phường, xã nào có tỷ lệ hồ sơ trực tuyến đạt 100% {p}?"),
        (K_QUA_HAN, "hồ sơ", "gt", 0.0, "Những đơn vị nào còn hồ sơ quá hạn {p}?"),
        (K_TY_LE_KY_SO, "%", "eq", 100.0, "Những đơn vị nào có tỷ lệ ký số văn bản đạt 100% {p}?"),
        (K_SO_HOA, "%", "lt", 100.0, "Đơn vị nào có tỷ lệ số hóa hồ sơ dưới 100% {p}?"),
    )
    slots: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in truth:  # index once: gold_units() over the whole truth per question is slow at 10k
        slots.setdefault((row["key"], row["measure"], row["period"]), []).append(row)
    out: list[AggregateQuestion] = []
    for j in range(n):
        key, measure, op, thr, tpl = templates[j % len(templates)]
        period = top[(j // len(templates)) % len(top)]
        rows = slots.get((key, measure, period), [])
        province = None
        q = tpl.format(p=periods[period])
        if j >= 2 * len(templates) and provinces:  # province-scoped variants with a non-empty answer
            answered = sorted({r["province"] for r in rows if _cmp(r["value"], op, thr)})
            if answered:
                province = rng.choice(answered)
                q = q.replace("?", f" thuộc {city.get(province, 'tỉnh')} {province}?")
        gold = gold_units(rows, key, measure, period, op, thr, province)
        out.append(AggregateQuestion(q, key, measure, period, op, thr, province, None, gold))
    return out


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.synth",
                                 description="Sinh bộ báo cáo tổng hợp (synthetic) kèm đáp án chuẩn.")
    ap.add_argument("--reports", type=int, required=True, help="số báo cáo cần sinh")
    ap.add_argument("--out", type=Path, required=True, help="thư mục đầu ra")
    ap.add_argument("--seed", type=int, default=0, help="hạt giống ngẫu nhiên (mặc định 0)")
    ap.add_argument("--no-distractors", action="store_true",
                    help="không chèn chỉ tiêu phấn đấu (không phải kết quả) vào phần nhiệm vụ")
    args = ap.parse_args(argv)
    if args.reports < 1:
        ap.error(f"--reports phải > 0 (nhận {args.reports})")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    meta = write_corpus(args.reports, args.out, args.seed, not args.no_distractors)
    print(json.dumps(meta, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
