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
        tmp_name = _stage(path, data)
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


def write_all_atomic(files: dict[Path, bytes]) -> None:
    """Write several files so that either all are replaced or none is.

    Every target is checked and every temporary file written and flushed before the first rename;
    a failure before that point removes the temporary files and leaves every earlier file as it was.

    Raises:
        OutputError: as for write_atomic.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path = Path(path)
            if path.is_dir():
                raise OutputError(
                    f"output path {path} is a folder", str(path), "remove the folder or choose another --out"
                )
            staged.append((_stage(path, data), path))
        for tmp_name, path in staged:
            os.replace(tmp_name, path)
        staged = []
    except OSError as exc:
        raise OutputError(
            f"cannot write {exc.filename or 'output'}: {exc.strerror or exc}",
            str(exc.filename or ""),
            "check the folder is writable and the disk has space",
        ) from None
    finally:
        for tmp_name, _path in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _stage(path: Path, data: bytes) -> str:
    """Write ``data`` to a flushed temporary file beside ``path``; returns its name."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        # mkstemp creates 0600 files; outputs are ordinary files, readable like any other
        os.chmod(tmp_name, 0o666 & ~umask)
    except BaseException:  # a write error, or Ctrl-C / SIGTERM (raised as exceptions by the CLI)
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    return tmp_name
