"""Writing output files atomically: a temporary file in the same folder, flushed, then renamed.

A failure at any point leaves the earlier file (if any) untouched and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from kg.errors import OutputError


def prepare_dir(folder: Path) -> None:
    """Create an output folder (and parents), or raise OutputError saying why it cannot be."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"output folder {folder} is a file", str(folder), "choose a folder path with --out")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create output folder {folder}: {exc.strerror or exc}", str(folder), "choose a writable folder"
        ) from None


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the complete new one.

    Raises:
        OutputError: the path is a folder, or the folder is missing or not writable, or the disk is full.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"output path {path} is a folder", str(path), "give a file name")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"output folder {folder} does not exist", str(path), "create it first or choose another path")
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600 files; outputs are ordinary files, readable like any other
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        raise OutputError(
            f"cannot write {path}: {exc.strerror or exc}",
            str(path),
            "check the folder is writable and the disk has space",
        ) from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
