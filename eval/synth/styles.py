"""The five report styles of the samples (A, B monthly; C, D quarterly; E half-year / sơ kết), each
rendering a `Synth` with its `Values` into report text and recording the ground-truth figures."""

from __future__ import annotations

from eval.synth.builder import (
    Synth,
    Values,
    date_line,
    distractor,
    noi_nhan,
    number_line,
    pct,
    pick,
    province_ref,
    signature,
)
from eval.synth.vocab import (
    DE_XUAT,
    HAN_CHE,
    K_5G,
    K_BO_CHI_SO,
    K_CAMERA,
    K_DA_GIAI_QUYET,
    K_DANG_GIAI_QUYET,
    K_DUNG_HAN,
    K_GIAI_NGAN,
    K_KINH_PHI,
    K_MUC_TIEU,
    K_NHIEM_VU,
    K_NV_GIAO,
    K_PAKN,
    K_PAKN_XU_LY,
    K_QUA_HAN,
    K_RUT,
    K_SO_HOA,
    K_THANH_TOAN,
    K_TIEP_NHAN,
    K_TIN_BAI,
    K_TOAN_TRINH,
    K_TRUC_TIEP,
    K_TRUC_TUYEN,
    K_TTHC,
    K_TTHC_MOT_PHAN,
    K_TTHC_TOAN_TRINH,
    K_TY_LE_GIAI_QUYET,
    K_TY_LE_KY_SO,
    K_TY_LE_TRUC_TIEP,
    K_TY_LE_TRUC_TUYEN,
    K_VB_BAN_HANH,
    K_VB_KY_SO,
    K_WIFI,
    K_XEP_HANG,
    LANH_DAO,
    MODELS,
    NGUYEN_NHAN,
    NHIEM_VU,
    TUYEN_TRUYEN,
    UU_DIEM,
    fmt_int,
    fmt_money,
)


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
    s.add(*pick(r, LANH_DAO, 2, ut))
    s.add("2. Công tác tuyên truyền, phổ biến", *pick(r, TUYEN_TRUYEN, 1, ut))
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
          *("- " + x for x in pick(r, UU_DIEM, 2, ut)), "2. Tồn tại, hạn chế",
          *("- " + x for x in pick(r, HAN_CHE, 2, ut)), "3. Nguyên nhân:",
          *("- " + x for x in pick(r, NGUYEN_NHAN, 1, ut)))
    s.add(f"IV. NHIỆM VỤ TRỌNG TÂM {per.next_label.upper()}")
    tasks = pick(r, NHIEM_VU, 4, ut)
    dis = distractor(s, v)
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
    s.add("", number_line(s), date_line(s), "BÁO CÁO\n" + r.choice((
        f"Kết quả Chuyển đổi số {per.label}", f"Tình hình thực hiện nhiệm vụ chuyển đổi số {per.label}")))
    s.add("Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ chính trị về đột phá phát triển khoa học, công "
          "nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia;")
    intro = r.choice((f"Ủy ban nhân dân {ut} báo cáo", f"UBND {s.named()} báo cáo"))
    s.add(f"{intro} Kết quả Chuyển đổi số {per.label}, cụ thể như sau:")
    s.add("I. KẾT QUẢ ĐẠT ĐƯỢC", "1. Về công tác tuyên truyền", *pick(r, TUYEN_TRUYEN, 1, ut))
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
    s.add("II. ĐÁNH GIÁ CHUNG", "1. Ưu điểm", *("- " + x for x in pick(r, UU_DIEM, 2, ut)), "2. Hạn chế")
    s.add(f"Mặc dù quá trình chuyển đổi số {s.named(typo_ok=True)} thời gian qua đã đạt được một số kết quả nhất "
          f"định. Tuy nhiên, quá trình chuyển đổi số của {ut} còn một số hạn chế:")
    s.add(*("- " + x for x in pick(r, HAN_CHE, 3, ut)))
    s.add("III. ĐỀ XUẤT", *pick(r, DE_XUAT, 1, ut))
    s.add(f"Trên đây là Báo cáo kết quả thực hiện Chuyển đổi số {per.label} của UBND {s.named(typo_ok=True)}./.")
    s.add(*noi_nhan(s), *signature(s))
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
    s.add("", number_line(s), date_line(s), "BÁO CÁO")
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
    s.add("- " + pick(r, LANH_DAO, 1, ut)[0])
    s.add("2. Công tác tuyên truyền, truyền thông", *("- " + x for x in pick(r, TUYEN_TRUYEN, 2, ut)))
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
    s.add("III. ĐÁNH GIÁ CHUNG", "1. Kết quả nổi bật", " ".join(pick(r, UU_DIEM, 2, ut)),
          "2. Tồn tại, hạn chế, khó khăn, vướng mắc", *("- " + x for x in pick(r, HAN_CHE, 3, ut)))
    s.add(f"IV. NHIỆM VỤ, GIẢI PHÁP TRONG {per.next_label.upper()}")
    tasks = pick(r, NHIEM_VU, 4, ut)
    dis = distractor(s, v)
    if dis:
        tasks.insert(2, dis)
    s.add(*(f"{i}. {t}" for i, t in enumerate(tasks, 1)))
    s.add("V. ĐỀ XUẤT, KIẾN NGHỊ", "- " + pick(r, DE_XUAT, 1, ut)[0])
    s.add(f"Trên đây là Báo cáo của Ủy ban nhân dân {s.named(typo_ok=True)} về tình hình, kết quả triển khai thực "
          f"hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị trên địa bàn./.")
    s.add(*noi_nhan(s), *signature(s))
    return "\n\n".join(s.blocks)


def style_d(s: Synth, v: Values) -> str:
    """Quarterly, short (sample 003): few figures, 'trên 95%' qualifiers, province in the reference."""
    r, ut, per = s.rng, s.ut, s.period
    s.add("", number_line(s), date_line(s, comma=r.random() < 0.5), "BÁO CÁO")
    s.add(f"Kết quả thực hiện nhiệm vụ phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số "
          f"{per.label} theo Nghị quyết số 57-NQ/TW của Bộ Chính trị")
    s.add(f"Thực hiện Công văn số {r.randint(100, 9000)}/SKH-CN-CDS ngày {r.randint(1, 28)}/{per.month}/{per.year} "
          f"của {province_ref(s)} về việc đôn đốc báo cáo định kỳ việc triển khai nhiệm vụ Nghị quyết số "
          f"57-NQ/TW. UBND {s.named()} báo cáo kết quả triển khai thực hiện nhiệm vụ trên địa bàn {s.named()} "
          f"{per.label} như sau:")
    s.add("I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, BAN HÀNH VĂN BẢN", "1. Công tác lãnh đạo, chỉ đạo")
    s.add(f"Trong {per.label} UBND {s.named()} đã tập trung lãnh đạo, chỉ đạo triển khai thực hiện Nghị quyết số "
          f"57-NQ/TW của Bộ Chính trị về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số.")
    s.add(*pick(r, LANH_DAO, 2, ut))
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
    s.add("3. Kết quả thực hiện nhiệm vụ theo chỉ đạo của Trung ương và tỉnh", *pick(r, TUYEN_TRUYEN, 1, ut))
    s.add("III. ĐÁNH GIÁ CHUNG", f"Việc triển khai Nghị quyết số 57-NQ/TW trong {per.label} đạt được nhiều kết quả "
          "tích cực; nhận thức của cán bộ, công chức và người dân về chuyển đổi số được nâng lên.")
    s.add("IV. HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC VÀ NGUYÊN NHÂN", *("- " + x for x in pick(r, HAN_CHE, 3, ut)),
          *pick(r, NGUYEN_NHAN, 1, ut))
    s.add(f"V. PHƯƠNG HƯỚNG, NHIỆM VỤ CHỦ YẾU {per.next_label.upper()}",
          *("- " + x for x in pick(r, NHIEM_VU, 3, ut)))
    dis = distractor(s, v)
    if dis:
        s.add("- " + dis)
    s.add("VI. KIẾN NGHỊ, ĐỀ XUẤT", *pick(r, DE_XUAT, 1, ut))
    s.add(f"Trên đây là báo cáo kết quả thực hiện nhiệm vụ phát triển khoa học, công nghệ, đổi mới sáng tạo và "
          f"chuyển đổi số {per.label}, phương hướng nhiệm vụ {per.next_label} của UBND {s.named(typo_ok=True)}./.")
    s.add(*noi_nhan(s), *signature(s))
    return "\n\n".join(s.blocks)


def style_e(s: Synth, v: Values) -> str:
    """Half-year / sơ kết 01 năm 06 tháng (sample 004): 'Phần 1', long prose, money, appendix tables."""
    r, ut, per, u = s.rng, s.ut, s.period, s.unit
    s.add("", number_line(s), date_line(s), "BÁO CÁO")
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
          "1.1. Kết quả nổi bật trong công tác chỉ đạo, điều hành", *pick(r, LANH_DAO, 2, ut))
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
    s.add("2. Khó khăn, hạn chế", *pick(r, HAN_CHE, 2, ut))
    s.add("Phần 2", "HÀNH ĐỘNG ĐỘT PHÁ, LAN TỎA KẾT QUẢ", f"1. Mô hình “{model}”")
    s.add(f"- **Vấn đề giải quyết:** {pick(r, HAN_CHE, 1, ut)[0]}",
          f"- **Giải pháp thực hiện:** UBND {ut} triển khai mô hình “{model}”; tổ chức hướng dẫn trực tiếp theo hình "
          "thức cầm tay chỉ việc.",
          f"- **Đầu mối liên hệ:** UBND {s.named(typo_ok=True)}")
    s.add("Phần 3", f"NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM {per.next_label.upper()}")
    tasks = pick(r, NHIEM_VU, 3, ut)
    dis = distractor(s, v)
    if dis:
        tasks.append(dis)
    for i, t in enumerate(tasks, 1):
        s.add(f"{i}. {t}", f"Cơ quan chủ trì: UBND {s.named(typo_ok=True)}.",
              f"Thời gian thực hiện: {per.next_label}.")
    s.add(f"Trên đây là Báo cáo kết quả {per.short if per.kind == 'so_ket' else per.label} triển khai thực hiện Nghị "
          f"quyết số 57-NQ/TW của UBND {s.named(typo_ok=True)}./.")
    s.add(*noi_nhan(s), *signature(s))
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
