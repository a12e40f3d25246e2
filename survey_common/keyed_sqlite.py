"""SQLite files of push keys, shared by the push journal and Hello Customer's ledger.

Both remember pushes across runs by their key, so both need the same two things: one
way of writing a key as text, so that a key written by one run is found by the next,
and a connection that the garbage collector may close from another thread.
"""

from __future__ import annotations

import json
import sqlite3
import typing as t

if t.TYPE_CHECKING:
    from collections.abc import Hashable
    from pathlib import Path


def encode_key(key: Hashable) -> str:
    """Write a push key (a tuple of text and numbers) as a compact JSON array.

    Raises:
        TypeError: For a key that is not a tuple, which no sink makes.
    """
    if not isinstance(key, tuple):
        raise TypeError(f"push keys are tuples, got {type(key).__name__}")
    return json.dumps(list(key), ensure_ascii=False, separators=(",", ":"))


def connect(path: Path, schema: str) -> sqlite3.Connection:
    """Open ``path`` (creating it and its folder) with ``schema`` applied.

    A run uses the connection from one thread at a time, but a finalizer may close it
    from another (seen in the test suite), where SQLite would refuse to: hence
    ``check_same_thread=False``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, check_same_thread=False)
    with connection:
        connection.execute(schema)
    return connection
