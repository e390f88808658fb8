"""People in report sentences (ingest/facts.py): the patterns of names, places and appositions,
and the reading of the role in a signature block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_TITLE_WORD_RE = re.compile(r"(?<![\w’'])[A-ZÀ-ỸĐ][a-zà-ỹđ]*(?:[’'][A-ZÀ-ỸĐ]?[a-zà-ỹđ]+)?(?![\w’'])")  # "H’Yim"
# Words before a name that make it a place or a body (lower case, with accents: "chợ", not "cho").
_PLACE_BEFORE_RE = re.compile(
    r"(?:phường|xã|thị trấn|tỉnh|thành phố|tp\.?|huyện|thôn|tổ dân phố|tdp|khu phố|đường|phố|quận|trường|cầu|"
    r"chợ|tư tưởng|ấp|làng|nhà văn hóa|nhà văn hoá|báo|sông|núi|thpt|thcs|đại học|công ty|bệnh viện)\s*$")
# An apposition ends at the verb that follows it ("..., Bí thư Đảng ủy phường, cho biết ...").
_APPOSITION_END_RE = re.compile(
    r"[;.:()\n]|,(?!\s*kiem)|\s(?:da|cho biet|chia se|nhan manh|phat bieu|bao cao|trinh bay|khang dinh|noi|cho rang|"
    r"de nghi|yeu cau|la nguoi|duoc|tham du|lam (?:pho )?truong|chu tri|phu trach|gioi thieu|thong tin|ve viec|cho hay|"
    r"chia se|tra loi|phat dong|trao|tang|cung|cung voi)(?=[\s:,.;]|$)")


def _same_run(text: str, a: re.Match[str], b: re.Match[str]) -> bool:
    """Two title-case words next to each other, separated by plain spaces."""
    return text[a.end():b.start()].strip(" ") == "" and "\n" not in text[a.end():b.start()]


def _title_word(w: str) -> bool:
    return len(w) > 1 and w[0].isupper() and (w[1:].islower() or not w[1:].isalpha())


def _signature_role(block: str, prefixes: Sequence[str]) -> tuple[str | None, str | None]:
    """("Phó Chủ tịch", "KT. Chủ tịch") from "KT. CHỦ TỊCH PHÓ CHỦ TỊCH"."""
    b = block.replace("*", " ").strip()
    on_behalf = None
    for pre in prefixes:
        m = re.match(rf"{re.escape(pre)}\s*(.+?)(?=\s+(?:PHÓ\s+)?(?:CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG|BÍ THƯ)\b|$)", b)
        if m:
            on_behalf = f"{pre} {m.group(1).strip().capitalize()}"
            b = b[m.end():].strip()
            break
    role = " ".join(b.split()).strip(" :") or None
    if role:
        role = role[:1].upper() + role[1:].lower()
        role = re.sub(r"\bubnd\b", "UBND", role)
    return role, on_behalf
