"""What the synthetic reports are made of: indicator keys, units (gazetteer), number formats,
periods and the text pools of the samples' register."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

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


def question_period(kind: str, label: str) -> str | None:
    """How a question names a period given its kind and title label (a ground-truth row has no `short`):
    "tháng 5 năm 2026" -> "tháng 5/2026", "quý I năm 2026" -> "quý I/2026", a half year as labelled,
    None for a sơ kết."""
    if kind in ("monthly", "quarterly"):
        w = label.split()
        return f"{w[0]} {w[1]}/{w[3]}"
    if kind == "half_year":
        return label
    return None


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
