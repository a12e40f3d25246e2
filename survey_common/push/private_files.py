"""Files that hold personal data or secrets are readable and writable by their owner only.

The dead-letter file keeps whole records (names, emails, phone numbers); the ledger and
the push journal know who was pushed when. Nightly pipelines run on shared runners and
servers where the usual umask (022) would leave such files readable by every user of
the machine, and a permissive umask (000) by anyone. Each of them is created through
this module with mode 0600 whatever the umask, and an existing one found wider (made
by an older version, or copied with ``cp``) is tightened, with a warning naming it.

SQLite creates its side files (``-wal``, ``-shm``, ``-journal``) with the mode of the
database file, so a database created here has owner-only side files too; side files
left by an earlier run are tightened like the database.
"""

from __future__ import annotations

import logging
import os
import stat
import typing as t

if t.TYPE_CHECKING:
    from pathlib import Path

#: Read and write for the owner, nothing for group and others.
OWNER_ONLY = 0o600
#: The files SQLite keeps beside a database while it writes, holding its pages.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")

_logger = logging.getLogger(__name__)


def create_private(path: Path, logger: logging.Logger = _logger) -> None:
    """Create ``path`` (and its folder) as an owner-only file, or tighten it if it exists.

    ``os.open`` with mode 0600 can only be narrowed by the umask, never widened; the
    mode is then set exactly, so a restrictive umask (0277) cannot leave a file its
    owner cannot write.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    existed = path.exists()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, OWNER_ONLY)
    try:
        if not existed:
            os.fchmod(descriptor, OWNER_ONLY)
    finally:
        os.close(descriptor)
    if existed:
        tighten(path, logger)


def tighten(path: Path, logger: logging.Logger = _logger) -> None:
    """Take group's and others' access away from an existing file, saying so in a warning.

    A file its owner cannot change (owned by another user) is named in the warning
    instead, so that a user learns of it either way.
    """
    mode = stat.S_IMODE(path.stat().st_mode)
    if not mode & 0o077:
        return
    try:
        path.chmod(mode & 0o700)
    except OSError as exc:
        logger.warning(
            "%s is readable by other users (mode %04o) and could not be made owner-only: %s",
            path,
            mode,
            exc.strerror,
        )
        return
    logger.warning(
        "%s was readable by other users (mode %04o); it holds personal data, so it was made "
        "owner-only (%04o)",
        path,
        mode,
        mode & 0o700,
    )


def tighten_sqlite_side_files(path: Path, logger: logging.Logger = _logger) -> None:
    """Tighten the side files an earlier run left beside a SQLite database."""
    for suffix in SQLITE_SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            tighten(side, logger)


def open_private_append(path: Path, logger: logging.Logger = _logger) -> t.TextIO:
    """Open ``path`` to append text, creating it owner-only (see ``create_private``)."""
    create_private(path, logger)
    return path.open("a", encoding="utf-8")
