"""Upload staging: checked copies under <store>/uploads with generated names, the uploaded
file names they came from, leftovers of a crash, and removal of the web framework's cached copies.

A staged file is `<uploads>/<doc_id><suffix>`; the client's name only contributes a sanitised
stem and a whitelisted suffix. `UploadRegistry` remembers the name the user uploaded (shown in
the reports table and in messages instead of storage paths).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ingest.text import fold_accents
from webapp import fmt

log = logging.getLogger(__name__)

ALLOWED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf")
UPLOADS_DIRNAME = "uploads"
REGISTRY_NAME = ".names.json"
PART_SUFFIX = ".part"
BACKUP_SUFFIX = ".bak"
# Long enough to stay readable, short enough for a file name on any file system.
MAX_STEM_CHARS = 60
NAME_HASH_CHARS = 8
SAFE_STEM_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_UNSAFE_RUN_RE = re.compile(r"[^A-Za-z0-9_-]+")
# What to do with a refused format (the loaders read these four).
FORMAT_HINT = "hãy lưu lại dưới dạng .docx, .pdf hoặc .txt rồi tải lên lại"


class UploadError(Exception):
    """A file refused before ingest; str() is one Vietnamese line for the user."""


def client_basename(name: str) -> str:
    """The last path component of a client-supplied name (both separators), NFC."""
    name = unicodedata.normalize("NFC", name or "")
    return re.split(r"[\\/]", name)[-1].strip()


def safe_doc_id(original_name: str) -> str:
    """A doc_id made from a client file name: only [A-Za-z0-9_-].

    A name that is already safe is kept as is (re-uploading "bao_cao_t4.docx" replaces that
    report). Otherwise the accents are folded, other characters become "_" and a short hash of
    the original name is appended, so two names that fold to the same stem stay distinct.
    """
    base = client_basename(original_name)
    stem, dot, _suffix = base.rpartition(".")
    stem = (stem if dot else base).strip()
    if stem and SAFE_STEM_RE.fullmatch(stem) and len(stem) <= MAX_STEM_CHARS:
        return stem
    folded = _UNSAFE_RUN_RE.sub("_", fold_accents(stem)).strip("_-")[:MAX_STEM_CHARS] or "bao_cao"
    digest = hashlib.sha256(base.encode("utf-8")).hexdigest()[:NAME_HASH_CHARS]
    return f"{folded}_{digest}"


def check_upload(shown: str, size: int, max_bytes: int) -> None:
    """Raise UploadError (Vietnamese, naming the file) for a refused format or size."""
    suffix = Path(shown).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        kind = f"định dạng {suffix}" if suffix else "tệp không có phần mở rộng"
        raise UploadError(f"{shown}: {kind} không được hỗ trợ (chỉ nhận {', '.join(ALLOWED_SUFFIXES)}); "
                          f"{FORMAT_HINT}.")
    if size > max_bytes:
        raise UploadError(f"{shown}: tệp quá lớn ({fmt.megabytes(size)}, giới hạn "
                          f"{fmt.megabytes(max_bytes, 0)}).")
    if size == 0:
        raise UploadError(f"{shown}: tệp rỗng.")


def stage_upload(src: Path, original_name: str, uploads_dir: Path, max_bytes: int) -> Path:
    """Copy an uploaded temp file to `<uploads_dir>/<doc_id><suffix>` after checking it.

    The bytes come from `src`, the server-side temp file written by the web framework.
    """
    shown = client_basename(original_name) or src.name
    check_upload(shown, src.stat().st_size, max_bytes)
    doc_id = safe_doc_id(shown)
    suffix = Path(shown).suffix.lower()
    uploads_dir.mkdir(parents=True, exist_ok=True)
    dest = uploads_dir / f"{doc_id}{suffix}"
    tmp = uploads_dir / f".{doc_id}{suffix}{PART_SUFFIX}"
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)
    return dest


def stage_upload_keep_backup(src: Path, original_name: str, uploads_dir: Path,
                             max_bytes: int) -> tuple[Path, Path | None]:
    """`stage_upload`, keeping an earlier upload of the same report as `<name>.bak` so a failed
    ingest of the new file can put it back (the store still holds that earlier version)."""
    shown = client_basename(original_name) or src.name
    dest = uploads_dir / f"{safe_doc_id(shown)}{Path(shown).suffix.lower()}"
    backup = None
    if dest.exists() and Path(shown).suffix.lower() in ALLOWED_SUFFIXES:
        backup = dest.with_name(dest.name + BACKUP_SUFFIX)
        shutil.copyfile(dest, backup)
    try:
        return stage_upload(src, original_name, uploads_dir, max_bytes), backup
    except BaseException:
        if backup is not None:
            backup.unlink(missing_ok=True)
        raise


def drop_other_formats(path: Path) -> None:
    """Once `<doc_id>.docx` is ingested, an older `<doc_id>.txt` upload of the same report goes."""
    for other in path.parent.glob(f"{path.stem}.*"):
        if other != path and other.suffix.lower() in ALLOWED_SUFFIXES:
            other.unlink(missing_ok=True)


def restore(path: Path, backup: Path | None) -> None:
    """Undo a staged upload whose ingest failed."""
    if backup is not None:
        os.replace(backup, path)
    else:
        path.unlink(missing_ok=True)


def discard_cached_copy(path: Path, cache_dir: Path | None) -> bool:
    """Delete the web framework's temp copy of an upload (and its now empty folder), but only
    when it lies inside `cache_dir`; True when something was deleted."""
    if cache_dir is None:
        return False
    try:
        resolved, root = path.resolve(), cache_dir.resolve()
    except OSError:
        return False
    if root == resolved or root not in resolved.parents:
        return False
    with contextlib.suppress(FileNotFoundError):
        resolved.unlink()
        parent = resolved.parent
        if parent != root and not any(parent.iterdir()):
            parent.rmdir()
        return True
    return False


def scrub_paths(message: str, names: dict[str, str], roots: list[Path]) -> str:
    """A message for the user without server paths: known files by the name the user knows them
    by, any other path under a storage root reduced to its file name."""
    for path, shown in sorted(names.items(), key=lambda kv: -len(kv[0])):
        message = message.replace(path, shown)
    for root in roots:
        for prefix in {str(root), str(root.resolve())}:
            message = re.sub(re.escape(prefix.rstrip("/")) + r"/(?:[^\s:/]+/)*", "", message)
    return message


@dataclass(frozen=True, slots=True)
class UploadEntry:
    name: str  # the file name as uploaded
    uploaded_at: float


class UploadRegistry:
    """doc_id -> the uploaded file name, in `<uploads>/.names.json` (written atomically)."""

    def __init__(self, uploads_dir: Path) -> None:
        self.path = uploads_dir / REGISTRY_NAME
        self._lock = threading.Lock()

    def _read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + PART_SUFFIX)
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")
        os.replace(tmp, self.path)

    def get(self, doc_id: str) -> UploadEntry | None:
        entry = self._read().get(doc_id)
        if not isinstance(entry, dict) or not entry.get("name"):
            return None
        return UploadEntry(str(entry["name"]), float(entry.get("uploaded_at") or 0.0))

    def all(self) -> dict[str, UploadEntry]:
        return {k: UploadEntry(str(v["name"]), float(v.get("uploaded_at") or 0.0))
                for k, v in self._read().items() if isinstance(v, dict) and v.get("name")}

    def set(self, doc_id: str, name: str) -> None:
        with self._lock:
            data = self._read()
            data[doc_id] = {"name": name, "uploaded_at": time.time()}
            self._write(data)

    def forget(self, doc_id: str) -> None:
        with self._lock:
            data = self._read()
            if data.pop(doc_id, None) is not None:
                self._write(data)


@dataclass(slots=True)
class Leftover:
    """A staged upload the store does not hold (the app stopped before or during its ingest)."""

    path: Path
    backup: Path | None


def find_leftovers(uploads_dir: Path, manifest_hash: dict[str, str | None]) -> list[Leftover]:
    """Staged files whose content is not what the store holds under their doc_id.

    Half-written copies (`.part`) are deleted; a backup (`.bak`) whose new file did get ingested
    is deleted, one whose new file never came is put back.
    """
    if not uploads_dir.is_dir():
        return []
    for part in uploads_dir.glob(f".*{PART_SUFFIX}"):
        part.unlink(missing_ok=True)
    from index.pipeline import file_sha256

    out: list[Leftover] = []
    for path in sorted(uploads_dir.iterdir()):
        if path.name.endswith(BACKUP_SUFFIX):
            main = path.with_name(path.name[: -len(BACKUP_SUFFIX)])
            if not main.exists():
                os.replace(path, main)
            continue
        if path.name.startswith(".") or path.suffix.lower() not in ALLOWED_SUFFIXES or not path.is_file():
            continue
        backup = path.with_name(path.name + BACKUP_SUFFIX)
        if manifest_hash.get(path.stem) == file_sha256(path):
            backup.unlink(missing_ok=True)
            continue
        out.append(Leftover(path, backup if backup.exists() else None))
    return out
