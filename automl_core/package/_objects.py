"""One object file of a package: written with skops (pickle only for what skops cannot write,
which no first-party plugin produces), read back under the trust policy, a damaged file named."""

from __future__ import annotations

import pickle
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import PackageError
from ._pickle import pickle_names, read_pickle
from ._skops import dumps as skops_dumps
from ._skops import read_skops, skops_names
from ._structures import check_structures
from ._trust import TrustPolicy

#: What reading a damaged or truncated file raises inside skops, zipfile or pickle.
DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    pickle.UnpicklingError,
    RecursionError,
)


def encode_object(obj: Any, stem: str, policy: TrustPolicy) -> tuple[str, bytes, set[str], set[str]]:
    """``obj`` as the content of ``<stem>.skops``, or of ``<stem>.pkl`` when skops cannot write it;
    returns the file name, its content, the qualified names of the types and functions it holds
    (beyond skops' defaults), and those ``policy`` refuses (a pickle file is among them: loading
    it needs ``trusted=``)."""
    try:
        blob = skops_dumps(obj)
    except Exception:  # skops refuses some objects a third-party plugin may hold: pickle this file
        name = f"{stem}.pkl"
        blob = pickle.dumps(obj, protocol=5)
        found, refused = pickle_names(blob, policy, name)
        return name, blob, found, refused | {name}
    return (f"{stem}.skops", blob, *skops_names(blob, policy))


def read_object(file: Path, policy: TrustPolicy, renames: Mapping[str, str] | None = None) -> Any:
    """The object in a ``.skops`` or ``.pkl`` file, once ``policy`` allows everything it holds;
    ``renames`` maps qualified class names an older layout wrote to today's.

    :raises PackageError: naming the file and what was refused (a type, a call, or nodes of a
        tree that would take its compiled code outside its arrays), or the file as damaged.
    """
    kind = "pickle" if file.suffix == ".pkl" else "skops"
    blob = file.read_bytes()
    try:
        if kind == "pickle":
            obj = read_pickle(blob, policy, file.name, renames)
        else:
            obj = read_skops(blob, policy, file.name, renames)
        check_structures(obj, file.name)  # nodes no compiled predict may follow out of its arrays
        return obj
    except PackageError:
        raise
    except DAMAGED as exc:
        raise PackageError(
            f"{file} cannot be read as a {kind} file ({type(exc).__name__}: {exc}): it is damaged "
            f"(truncated, or changed along with the manifest) or written by an incompatible "
            f"library version"
        ) from exc


__all__ = ["DAMAGED", "encode_object", "read_object"]
