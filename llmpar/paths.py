"""Output paths checked before anything is computed: a file or folder we can create or replace, or a UserError
that names the flag and what is in the way."""

from __future__ import annotations

import os

from llmpar.errors import UserError


def _nearest_existing(path: str) -> str:
    """The path itself or its nearest ancestor that exists (what creating it would write into)."""
    p = os.path.abspath(path)
    while not os.path.lexists(p):
        parent = os.path.dirname(p)
        if parent == p:
            break
        p = parent
    return p


def _check_creatable(path: str, what: str) -> None:
    """The folders missing above `path` can be made: the nearest existing one is a writable folder."""
    base = _nearest_existing(os.path.dirname(os.path.abspath(path)))
    if not os.path.isdir(base):
        raise UserError(
            f"{what} {path}: {base} is a file, not a folder, so nothing can be created under it; give another path"
        )
    if not os.access(base, os.W_OK | os.X_OK):
        raise UserError(f"{what} {path}: the folder {base} is not writable; give a path where you may write")


def check_writable_file(path: str, what: str) -> None:
    """`path` can be written as a file (created, with its missing folders, or replaced)."""
    if not path:
        raise UserError(f"{what}: empty path; give a file name")
    if os.path.isdir(path):
        raise UserError(f"{what} {path}: is a folder; give a file name")
    if os.path.lexists(path) and not os.path.isfile(path):
        raise UserError(f"{what} {path}: exists and is not a regular file; give another path")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise UserError(f"{what} {path}: the file is not writable; give another path or change its permissions")
    _check_creatable(path, what)


def check_writable_folder(path: str, what: str) -> None:
    """`path` is a folder we can write into, or one we can create."""
    if not path:
        raise UserError(f"{what}: empty path; give a folder")
    if os.path.exists(path):
        if not os.path.isdir(path):
            raise UserError(f"{what} {path}: a file is in the way; give a folder")
        if not os.access(path, os.W_OK | os.X_OK):
            raise UserError(f"{what} {path}: the folder is not writable; give a folder where you may write")
        return
    _check_creatable(path, what)
