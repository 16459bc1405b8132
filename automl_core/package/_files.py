"""The model package's directory on disk: files written durably, a package renamed into
place (an old one replaced only when it is a package, the leftovers of a killed save removed),
the manifest checked on load, and its optional HMAC signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import socket
import time
import uuid
from pathlib import Path

from ..errors import PackageError

METADATA, MANIFEST, SCHEMA, LEADERBOARD = "metadata.json", "manifest.json", "schema.yaml", "leaderboard.json"
#: The HMAC-SHA256 of ``manifest.json`` under the user's key, when the package is signed.
SIGNATURE = "signature.json"
#: The environment variable holding the key ``save`` signs with and ``load`` requires, when no key is given.
KEY_VARIABLE = "AUTOML_PACKAGE_KEY"
#: A leftover of another save is removed only when its writer is gone, or it is this old (seconds).
LEFTOVER_AGE = 3600.0


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


def _host() -> str:
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]


def side_path(target: Path, kind: str) -> Path:
    """A folder beside ``target`` for a save in progress (``partial``) or the package it replaces
    (``old``), named after its writer process and host so that the next save can tell a leftover."""
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}-{os.getpid()}-{_host()}.{kind}")


def _writer_gone(pid: int | None, host: str | None) -> bool:
    """Whether the process that wrote a folder has ended (unknown for another host or an old name)."""
    if pid is None or host != _host():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def _last_change(folder: Path) -> float:
    try:
        return max([folder.stat().st_mtime, *(p.stat().st_mtime for p in folder.iterdir())])
    except OSError:
        return time.time()


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the folders killed saves to ``target`` left beside it (``.<name>.*.partial`` and
    ``.old``): those whose writer process is gone, or that nothing touched for
    :data:`LEFTOVER_AGE` seconds. A save in progress is left alone. Returns what was removed."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[0-9a-f]{{8}}(?:-(\d+)-([0-9a-f]{{6}}))?\.(?:partial|old)")
    removed = []
    for folder in target.parent.iterdir() if target.parent.is_dir() else ():
        match = pattern.fullmatch(folder.name)
        if match is None or not folder.is_dir() or folder.is_symlink():
            continue
        pid = int(match.group(1)) if match.group(1) else None
        if _writer_gone(pid, match.group(2)) or time.time() - _last_change(folder) > LEFTOVER_AGE:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _move_into_place(staging: Path, target: Path, overwrite: bool) -> None:
    """Rename the finished package onto ``target``; an old package is moved aside, then removed."""
    if target.exists():
        if not overwrite:
            raise PackageError(f"{target} appeared while saving; pass overwrite=True to replace it")
        old = side_path(target, "old")
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


# --------------------------------------------------------------------------- manifest and signature
def _checksum(digests: dict) -> str:
    """SHA-256 of the manifest's digests as canonical JSON: tells a damaged manifest from a damaged file."""
    return hashlib.sha256(json.dumps(digests, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def manifest_content(directory: Path) -> bytes:
    """``manifest.json`` for the files in ``directory``: each file's SHA-256, and their checksum."""
    digests = {p.name: _sha256(p) for p in sorted(directory.iterdir())}
    return json.dumps({"sha256": digests, "checksum": _checksum(digests)}, indent=1).encode()


def package_key(key: str | bytes | None) -> bytes | None:
    """The signing key: ``key``, else ``$AUTOML_PACKAGE_KEY``, else None (no signature)."""
    if key is None:
        key = os.environ.get(KEY_VARIABLE) or None
        if key is None:
            return None
    if isinstance(key, str):
        key = key.encode()
    if not isinstance(key, (bytes, bytearray)) or not key:
        raise PackageError(f"a package key must be non-empty text or bytes, not {key!r}")
    return bytes(key)


def signature_content(manifest: bytes, key: bytes) -> bytes:
    digest = hmac.new(key, manifest, hashlib.sha256).hexdigest()
    return json.dumps({"algorithm": "hmac-sha256", "of": MANIFEST, "signature": digest}, indent=1).encode()


def check_signature(directory: Path, key: bytes) -> None:
    """Refuse a package whose ``signature.json`` is missing or does not match ``manifest.json`` under ``key``."""
    file = directory / SIGNATURE
    if not file.is_file():
        raise PackageError(
            f"{directory} is not signed (no {SIGNATURE}), but a key was given (key= or "
            f"${KEY_VARIABLE}): refusing an unsigned package"
        )
    try:
        found = json.loads(file.read_text())["signature"]
    except (ValueError, KeyError, TypeError):
        found = None
    expected = json.loads(signature_content((directory / MANIFEST).read_bytes(), key))["signature"]
    if not isinstance(found, str) or not hmac.compare_digest(found.encode(), expected.encode()):
        raise PackageError(
            f"{file} does not match {MANIFEST} under the key given: the package was changed "
            f"after it was signed, or signed with another key; refusing it"
        )


def verify(directory: Path, key: bytes | None = None) -> None:
    """Check the signature (when ``key`` is given) and the SHA-256 of every file listed in the
    manifest; a mismatch names the file, or the manifest when it is the manifest that changed."""
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise PackageError(f"{directory} is not a complete model package: {MANIFEST} is missing")
    if key is not None:
        check_signature(directory, key)
    try:
        manifest = json.loads(manifest_path.read_text())
        expected = manifest["sha256"]
    except (ValueError, KeyError, TypeError):
        manifest, expected = None, None
    if not isinstance(expected, dict):
        raise PackageError(f"{manifest_path} is damaged: not the manifest save writes") from None
    for required in (METADATA, SCHEMA, LEADERBOARD):
        if required not in expected:
            raise PackageError(f"{manifest_path} does not list {required}")
    for name, digest in expected.items():
        file = directory / name
        if not isinstance(name, str) or Path(name).name != name or name in ("", ".", ".."):
            raise PackageError(f"{manifest_path} lists {name!r}, which is not a file of the package directory")
        if not file.is_file():
            raise PackageError(f"{directory}: file {name} listed in the manifest is missing")
        if _sha256(file) != digest:
            if "checksum" in manifest and manifest["checksum"] != _checksum(expected):
                raise PackageError(
                    f"{manifest_path} is damaged: its checksum does not match the SHA-256 it lists "
                    f"(the one of {name} among them); the files may be intact"
                )
            raise PackageError(f"{file} was modified after the package was written (SHA-256 mismatch); refusing it")
