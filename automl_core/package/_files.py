"""The model package's directory on disk: files written durably, a package renamed into
place (an old one replaced only when it is a package), and the manifest checked on load."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path

from ..errors import PackageError

METADATA, MANIFEST, SCHEMA, LEADERBOARD = "metadata.json", "manifest.json", "schema.yaml", "leaderboard.json"


def check_replaceable(target: Path) -> None:
    """Only a model package or an empty directory may be replaced: anything else at ``target``
    is the user's (``--out .`` with ``--overwrite`` would have deleted the data beside it)."""
    if target.is_dir() and ((target / MANIFEST).is_file() or not any(target.iterdir())):
        return
    what = "a directory that is not a model package" if target.is_dir() else "not a directory"
    raise PackageError(f"{target} is {what} (no {MANIFEST}); refusing to replace it: choose another path")


def _write_file(path: Path, content: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _move_into_place(staging: Path, target: Path, overwrite: bool) -> None:
    """Rename the finished package onto ``target``; an old package is moved aside, then removed."""
    if target.exists():
        if not overwrite:
            raise PackageError(f"{target} appeared while saving; pass overwrite=True to replace it")
        old = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.old")
        os.rename(target, old)
        os.rename(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, target)
    _fsync_dir(target.parent)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(directory: Path) -> None:
    """Check the SHA-256 of every file listed in the manifest; a mismatch names the file."""
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise PackageError(f"{directory} is not a complete model package: {MANIFEST} is missing")
    try:
        expected = json.loads(manifest_path.read_text())["sha256"]
    except (ValueError, KeyError, TypeError):
        expected = None
    if not isinstance(expected, dict):
        raise PackageError(f"{manifest_path} is damaged: not the manifest save writes") from None
    for required in (METADATA, SCHEMA):
        if required not in expected:
            raise PackageError(f"{manifest_path} does not list {required}")
    for name, digest in expected.items():
        file = directory / name
        if Path(name).name != name or not file.is_file():
            raise PackageError(f"{directory}: file {name} listed in the manifest is missing")
        if _sha256(file) != digest:
            raise PackageError(f"{file} was modified after the package was written (SHA-256 mismatch); refusing it")
