"""Write output files atomically: all of the new content, or the old file untouched.

Examples
--------
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_write(folder / "out.txt") as f:
...     _ = f.write(b"hello")
>>> (folder / "out.txt").read_bytes()
b'hello'
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from escalate.errors import OutputError


@contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``path``; on success move it into place.

    On any failure, including Ctrl-C, the temporary file is removed and an existing file
    at ``path`` is left as it was. A folder that does not exist or cannot be written
    raises :class:`~escalate.errors.OutputError`. Only a regular file or a new path is
    written: a symbolic link is written through (the link stays, its target gets the
    content) and a device, FIFO or folder is refused, never replaced.
    """
    target = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    try:
        mode = os.stat(target).st_mode
    except OSError:
        mode = None  # a new path (or one the write below will report)
    if mode is not None and not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device, FIFO or socket)"
        raise OutputError(f"cannot write {path}: it is {kind}; give a file path")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
        raise


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; give a new one the usual umask-based mode."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
