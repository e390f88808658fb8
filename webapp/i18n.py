"""Vietnamese for the web framework's own chrome (buttons, tooltips, table menus, upload area).

Gradio ships no Vietnamese: `GRADIO_STRINGS` fills its translation keys (served for every browser
locale, as the whole interface is Vietnamese). A few of its strings are not translatable there
(e.g. "Fullscreen", "processing"): `DOM_STRINGS` maps those exact English texts and tooltips to
Vietnamese, applied by the page script as the page changes.
"""

from __future__ import annotations

import json

GRADIO_STRINGS: dict[str, str] = {
    # chat
    "chatbot.copy_message": "Sao chép tin nhắn", "chatbot.copied_message": "Đã sao chép",
    "chatbot.clear": "Cuộc hội thoại mới (xóa màn hình)", "chatbot.retry": "Hỏi lại",
    "chatbot.undo": "Hoàn tác", "chatbot.edit": "Sửa", "chatbot.submit": "Gửi", "chatbot.cancel": "Hủy",
    "chatbot.like": "Hữu ích", "chatbot.dislike": "Không hữu ích", "chatbot.complete": "Xong",
    "chat_interface.new_chat": "Cuộc hội thoại mới", "chat_interface.message_placeholder": "Nhập câu hỏi…",
    "chat_interface.additional_inputs": "Tùy chọn thêm", "chat_interface.chatbot": "Hội thoại",
    "chat_interface.conversation": "Hội thoại",
    # common
    "common.built_with": "xây dựng bằng", "common.built_with_gradio": "Xây dựng bằng Gradio",
    "common.clear": "Xóa", "common.download": "Tải xuống", "common.download_all": "Tải xuống tất cả",
    "common.edit": "Sửa", "common.empty": "Trống", "common.error": "Lỗi", "common.hosted_on": "Chạy trên",
    "common.loading": "Đang tải", "common.logo": "biểu trưng", "common.or": "hoặc", "common.remove": "Bỏ",
    "common.runs": "Các lần chạy", "common.runs_description": "Các lần chạy lưu trong trình duyệt này",
    "common.back_to_app": "Ứng dụng", "common.back_to_app_description": "Quay lại ứng dụng",
    "common.settings": "Cài đặt", "common.upload": "Tải lên", "common.share": "Chia sẻ", "common.submit": "Gửi",
    "common.undo": "Hoàn tác",
    "common.no_devices": "Không tìm thấy thiết bị", "common.language": "Ngôn ngữ",
    "common.display_theme": "Giao diện sáng/tối", "common.pwa": "Ứng dụng web", "common.progress": "Tiến độ",
    "common.record": "Ghi", "common.stop_recording": "Dừng ghi", "common.run": "Chạy",
    "common.screen_studio": "Ghi màn hình", "common.share_gradio_tab": "Chia sẻ thẻ",
    # tables
    "dataframe.incorrect_format": "Sai định dạng, chỉ nhận tệp CSV và TSV",
    "dataframe.new_column": "Thêm cột", "dataframe.new_row": "Thêm dòng",
    "dataframe.add_row_above": "Thêm dòng phía trên", "dataframe.add_row_below": "Thêm dòng phía dưới",
    "dataframe.delete_row": "Xóa dòng", "dataframe.delete_column": "Xóa cột",
    "dataframe.add_column_left": "Thêm cột bên trái", "dataframe.add_column_right": "Thêm cột bên phải",
    "dataframe.sort_column": "Sắp xếp cột", "dataframe.sort_ascending": "Sắp xếp tăng dần",
    "dataframe.sort_descending": "Sắp xếp giảm dần", "dataframe.clear_sort": "Bỏ sắp xếp",
    "dataframe.filter": "Lọc", "dataframe.clear_filter": "Bỏ lọc",
    "dataframe.drop_to_upload": "Thả tệp CSV hoặc TSV vào đây để nhập dữ liệu",
    "dataframe.import_empty_file": "Tệp thả vào đang trống.",
    "dataframe.import_no_column_names": "Tệp thả vào không có tên cột.",
    "dropdown.dropdown": "Danh sách chọn",
    # files and uploads
    "file.uploading": "Đang tải lên…",
    "upload_text.click_to_upload": "Bấm để chọn tệp", "upload_text.drop_file": "Kéo thả tệp vào đây",
    "upload_text.drop_csv": "Kéo thả tệp CSV vào đây", "upload_text.drop_image": "Kéo thả ảnh vào đây",
    "upload_text.drop_audio": "Kéo thả tệp âm thanh vào đây", "upload_text.drop_video": "Kéo thả video vào đây",
    "upload_text.drop_gallery": "Kéo thả tệp vào đây", "upload_text.paste_clipboard": "Dán từ bộ nhớ tạm",
    # login, queue, connection
    "login.login": "Đăng nhập", "login.username": "tên đăng nhập", "login.password": "mật khẩu",
    "login.incorrect_credentials": "Sai tên đăng nhập hoặc mật khẩu",
    "login.enable_cookies": "Trình duyệt cần cho phép cookie để đăng nhập.",
    "status.queue_position": "Đang chờ: {position}/{size}",
    "blocks.connection_can_break": "Trên điện thoại, kết nối có thể bị ngắt khi rời thẻ này hoặc màn hình tắt.",
    "blocks.long_requests_queue": "Đang có nhiều yêu cầu chờ xử lý, vui lòng đợi.",
    "blocks.lost_connection": "Mất kết nối do rời trang. Đang kết nối lại…",
    "blocks.waiting_for_inputs": "Đang chờ tải tệp lên xong, vui lòng thử lại.",
    "errors.use_via_api": "Dùng qua API", "errors.use_via_api_or_mcp": "Dùng qua API hoặc MCP",
    "errors.contact_page_author": "Vui lòng báo cho quản trị viên.",
    "plot.plot": "Biểu đồ", "radio.radio": "Lựa chọn", "number.number": "Số", "label.label": "Nhãn",
    "checkbox.checkbox": "Ô chọn", "checkbox.checkbox_group": "Nhóm ô chọn", "code.code": "Mã",
}

# Exact English texts/tooltips the framework renders without a translation key.
DOM_STRINGS: dict[str, str] = {
    "Fullscreen": "Toàn màn hình", "Exit fullscreen mode": "Thoát toàn màn hình",
    "processing": "đang xử lý", "processing |": "đang xử lý |", "pending": "đang chờ",
    "Copy": "Sao chép", "Copied": "Đã sao chép", "Copied!": "Đã sao chép",
    "Copy conversation": "Sao chép cả hội thoại", "Copy all": "Sao chép tất cả", "Share": "Chia sẻ",
    "Clear": "Xóa", "Download": "Tải xuống", "Remove": "Bỏ", "Close": "Đóng", "Error": "Lỗi",
    "Loading...": "Đang tải…", "Loading…": "Đang tải…", "Upload": "Tải lên", "Select": "Chọn",
    "Search": "Tìm", "Filter": "Lọc", "Sort": "Sắp xếp", "Undo": "Hoàn tác", "Retry": "Hỏi lại",
    "Copy table data": "Sao chép dữ liệu bảng", "Copy table": "Sao chép bảng", "Export": "Xuất",
    "Scroll to bottom": "Cuộn xuống cuối", "Scroll down": "Cuộn xuống", "Dismiss": "Đóng",
    "More": "Thêm", "Show more": "Xem thêm", "Show less": "Thu gọn", "Zoom in": "Phóng to",
    "Zoom out": "Thu nhỏ", "Reset zoom": "Đặt lại thu phóng", "Sort ascending": "Sắp xếp tăng dần",
    "Sort descending": "Sắp xếp giảm dần", "Clear sort": "Bỏ sắp xếp", "Clear filter": "Bỏ lọc",
    "Clear filters": "Bỏ lọc", "Open": "Mở", "Toggle": "Bật/tắt",
    "More tabs": "Các thẻ khác", "chatbot conversation": "Hội thoại", "Open cell menu": "Tùy chọn của cột",
    "Click to upload or drop files": "Bấm để chọn tệp hoặc kéo thả tệp vào đây", "File upload": "Tải tệp lên",
    "Textbox": "Ô nhập", "Login": "Đăng nhập", "username": "tên đăng nhập", "password": "mật khẩu",
    "Incorrect Credentials": "Sai tên đăng nhập hoặc mật khẩu", "Logout": "Đăng xuất", "Dropdown": "Danh sách chọn", "Radio": "Lựa chọn", "Number": "Số",
}

# Messages of the web framework's own errors (toasts) -> Vietnamese.
TOAST_PATTERNS: list[tuple[str, str]] = [
    (r"File size exceeded maximum allowed size of \d+ bytes\.?", "Tệp vượt quá dung lượng cho phép."),
    (r"exceeds? the maximum allowed size.*", "Tệp vượt quá dung lượng cho phép."),
    (r"Invalid file types?: (.*)\. Only .* allowed\.?", r"Định dạng không được hỗ trợ: \1."),
    (r"Connection errored out\.?", "Mất kết nối tới máy chủ."),
    (r"Error", "Lỗi"),
    (r"(\d+)\.(\d+)(\s)(B|KB|MB|GB)", r"\1,\2\3\4"),  # file sizes: "48.0 B" -> "48,0 B"
    (r"user's message: ([\s\S]*)", r"Câu hỏi: \1"),
    (r"bot's message: ([\s\S]*)", r"Trả lời: \1"),
]


def page_strings_json() -> str:
    """DOM_STRINGS and TOAST_PATTERNS for the page script."""
    return json.dumps({"dom": DOM_STRINGS, "toasts": TOAST_PATTERNS}, ensure_ascii=False)
