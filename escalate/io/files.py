"""Files: the bundled scenarios, reading a file safely, writing one atomically.

Only regular files are read, never more than :data:`MAX_FILE_BYTES` (+1) bytes; an output
is all of the new content or the old file untouched.

Examples
--------
>>> sorted(name for name, _ in bundled_scenarios())[:1]
['caucasus-2020']
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_write(folder / "out.txt") as f:
...     _ = f.write(b"hello")
>>> read_text(folder / "out.txt")
'hello'
"""

from __future__ import annotations

import os
import stat
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from escalate.errors import (
    GraphFileError,
    OutputError,
    UnknownScenarioError,
    close_matches,
)

#: The scenario ``escalate paths`` uses when no ``--graph`` is given.

DEFAULT_SCENARIO = "nagorno-karabakh-2020"
#: Larger scenario files are refused before they are parsed.
MAX_FILE_BYTES = 20 * 1024 * 1024


def bundled_dir() -> Path:
    """The folder of the scenario files shipped with escalate."""
    packaged = Path(str(resources.files("escalate"))) / "graphs"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "graphs"  # a source checkout


def bundled_scenarios() -> list[tuple[str, str]]:
    """List the bundled scenarios as ``(name, title)`` pairs, sorted by name.

    Examples
    --------
    >>> dict(bundled_scenarios())["nagorno-karabakh-2020"]
    'Nagorno-Karabakh flare-up, 27-28 September 2020'
    """
    found = []
    for path in sorted(bundled_dir().glob("*.toml")):
        with path.open("rb") as f:
            data = tomllib.load(f)
        found.append((path.stem, str(data.get("title", ""))))
    return found


def bundled_path(name: str) -> Path:
    """The path of the bundled scenario ``name``; never a file outside the bundled folder.

    Raises :class:`~escalate.errors.UnknownScenarioError` with suggestions.
    """
    names = [n for n, _ in bundled_scenarios()]
    if name not in names:
        raise UnknownScenarioError(name, close_matches(name, names))
    return bundled_dir() / f"{name}.toml"


def is_path_like(graph: str | os.PathLike[str]) -> bool:
    """Whether ``--graph`` names a file (it has a separator or a suffix) rather than a bundled name."""
    text = os.fspath(graph)
    return isinstance(graph, os.PathLike) or "/" in text or os.sep in text or "." in text


def file_limit() -> int:
    """``MAX_FILE_BYTES`` as it is now (a test may lower it)."""
    return MAX_FILE_BYTES


def read_text(path: Path, *, limit: int | None = None, limit_is: str = "MAX_FILE_BYTES") -> str:
    """Read a UTF-8 text file (a BOM is allowed), refusing files over ``limit`` (MAX_FILE_BYTES) bytes.

    Only a regular file is read (a device, FIFO or socket is refused before any byte is
    read, and opening never waits on a FIFO), and never more than ``limit + 1`` bytes, so a
    file that grows while it is read cannot exhaust memory either. ``limit_is`` says, in
    the error, where a smaller limit comes from.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(21, "Is a directory", str(path))
            if not stat.S_ISREG(info.st_mode):
                raise GraphFileError(
                    path, [f"{path}: not a regular file (a device, FIFO or socket); give a scenario file"]
                )
            raw = handle.read(limit + 1)
        if len(raw) > limit:
            size = (
                f"{max(info.st_size, len(raw)):,} bytes" if info.st_size > limit else f"over {limit:,} bytes"
            )
            raise GraphFileError(path, [f"{path}: file is {size}; the limit is {limit:,} ({limit_is})"])
    except FileNotFoundError as exc:
        raise GraphFileError(path, [f"{path}: no such file"]) from exc
    except IsADirectoryError as exc:
        raise GraphFileError(path, [f"{path}: is a folder, not a scenario file"]) from exc
    except OSError as exc:
        raise GraphFileError(path, [f"{path}: cannot read: {exc.strerror}"]) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise GraphFileError(
            path, [f"{path}:{line}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"]
        ) from exc


@contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``path``; on success move it into place.

    On any failure, including Ctrl-C, the temporary file is removed and an existing file
    at ``path`` is left as it was. A folder that does not exist or cannot be written
    raises :class:`~escalate.errors.OutputError`. Only a regular file or a new path is
    written: a symbolic link is written through (the link stays, its target gets the
    content) and a device, FIFO or folder is refused, never replaced.
    """
    target = check_output(path)
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


def check_output(path: str | os.PathLike[str]) -> Path:
    """The file :func:`atomic_write` would write for ``path``, or an OutputError saying why not.

    Commands call it before long work, so that a folder, a device or a missing folder given
    as the output is refused at once, not after minutes of computing.
    """
    target = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    try:
        mode = os.stat(target).st_mode
    except OSError:
        mode = None  # a new path
    if mode is not None and not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device, FIFO or socket)"
        raise OutputError(f"cannot write {path}: it is {kind}; give a file path")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {path}: there is no folder {folder}")
    return target


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; give a new one the usual umask-based mode."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def refuse_unreadable_size(path: Path, payload: bytes) -> None:
    """An output larger than escalate reads (MAX_FILE_BYTES) is an OutputError, before any write."""
    if len(payload) > MAX_FILE_BYTES:
        raise OutputError(
            f"cannot write {path}: it would be {len(payload):,} bytes, and escalate reads files of at most "
            f"{MAX_FILE_BYTES:,} bytes (MAX_FILE_BYTES); write a smaller scenario or another format"
        )
