"""Reading a skops file of a package under the trust policy.

skops stores data, not code, and lists the types a file names (``get_untrusted_types``); but
some of its loaders call the class a file names with arguments taken from the file (a list's
class, a loss, a ``ConstructorFromReduceNode``), so a trusted library's ``numpy.memmap`` would
open and write the file it is given. Before anything is imported, every node of the file's
schema is checked: a loader that calls its class only for the classes skops itself writes with
it, types only where the policy allows them, functions only where it allows functions.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from ._trust import SAFE_STDLIB, TrustPolicy, denied, never_allowed, qualified_name

#: Loaders that call the class a file names, with arguments from the file: the classes skops writes with each.
CONSTRUCTING = {
    "ListNode": {"builtins.list"},
    "SetNode": {"builtins.set", "builtins.frozenset"},
    "TupleNode": {"builtins.tuple"},
    "DictNode": {"builtins.dict", "collections.OrderedDict"},
    "DefaultDictNode": {"collections.defaultdict"},
    "TreeNode": {"sklearn.tree._tree.Tree"},
    "ConstructorFromReduceNode": {"zoneinfo.ZoneInfo"},
    "RandomStateNode": {"numpy.random.mtrand.RandomState"},
    "RandomGeneratorNode": {"numpy.random._generator.Generator"},
    "MaskedArrayNode": {"numpy.ma.core.MaskedArray"},
}
#: Loaders that build a value without calling anything the file names.
VALUES = frozenset({"JsonNode", "BytesNode", "BytearrayNode", "SliceNode", "DTypeNode", "SparseMatrixNode"})
#: Loaders that make an object as ``cls.__new__(cls)`` and set its state, or return a type as a value.
TYPES = frozenset({"ObjectNode", "TypeNode"})


def _schema(blob: bytes) -> Any:
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return json.loads(archive.read("schema.json"))


def _nodes(tree: Any) -> Iterator[dict]:
    """Every node of a skops schema (a mapping with a ``__loader__``), depth first, without recursion."""
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "__loader__" in item:
                yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _numpy_array_type(qualified: str) -> bool:
    """``numpy.ndarray`` or a numpy scalar type (what ``NdArrayNode`` calls on the loaded array)."""
    module, _, name = qualified.rpartition(".")
    found = getattr(np, name, None) if module == "numpy" else None
    return isinstance(found, type) and issubclass(found, (np.ndarray, np.generic)) and not issubclass(found, np.memmap)


def _resolve(qualified: str, policy: TrustPolicy) -> Any:
    """The object ``qualified`` names once imported, when its module is one the policy allows (else None)."""
    import importlib

    module, _, name = qualified.rpartition(".")
    if module.split(".")[0] not in policy.modules or denied(module):
        return None
    try:
        return getattr(importlib.import_module(module), name, None)
    except Exception:  # noqa: BLE001 - a module that does not import names nothing the file may use
        return None


def _type_allowed(qualified: str, found: Any, policy: TrustPolicy) -> bool:
    """Whether ``qualified`` (``found`` once imported, None if its module is not a trusted
    library's) may be a type in the file: allowed by name, and a class (a file may not call a
    function a type to pass for one)."""
    if qualified in SAFE_STDLIB:
        return True
    if not policy.allows(qualified):
        return False
    if found is None:
        return qualified in policy.trusted  # a trusted type of the caller's own module
    return isinstance(found, type) or policy.allows_function(qualified, found)


def _refusal(node: dict, policy: TrustPolicy) -> tuple[str, str] | None:
    """What is refused of ``node``: its qualified name and why ("" for a type the policy does not
    vouch for, which trust can change), or None."""
    loader = node["__loader__"]
    qualified = f"{node.get('__module__')}.{node.get('__class__')}"
    if loader in VALUES:
        return None
    if loader in CONSTRUCTING:
        return None if qualified in CONSTRUCTING[loader] else (qualified, f"has skops' {loader} call {qualified}")
    if loader == "NdArrayNode":
        return None if _numpy_array_type(qualified) else (qualified, f"has skops' NdArrayNode call {qualified}")
    if loader == "LossNode":
        ok = node.get("__module__") == "sklearn._loss._loss" and str(node.get("__class__")).startswith("Cy")
        return None if ok else (qualified, f"has skops' LossNode call {qualified}")
    if loader in TYPES | {"FunctionNode"}:
        found = _resolve(qualified, policy)
        if found is not None and denied(qualified_name(found)):  # another name for what is never allowed
            return qualified, f"names {qualified}, which is {qualified_name(found)}"
        allowed = (
            _type_allowed(qualified, found, policy) if loader in TYPES else policy.allows_function(qualified, found)
        )
        return None if allowed else (qualified, "")
    if loader == "PartialNode":
        func = (node.get("content") or {}).get("func")
        ok = isinstance(func, dict) and func.get("__loader__") == "FunctionNode"
        return None if ok else (qualified, "has a partial of something that is not a function")
    return qualified, f"uses skops' {loader} for {qualified}"  # MethodNode, OperatorFuncNode, unknown


def skops_refusals(blob: bytes, policy: TrustPolicy) -> tuple[set[str], list[str]]:
    """The names in a skops file the policy refuses, and the calls refused whatever it trusts."""
    names, calls = set(), []
    for node in _nodes(_schema(blob)):
        refused = _refusal(node, policy)
        if refused is not None:
            name, why = refused
            if why:
                calls.append(why)
            else:
                names.add(name)
    return names, sorted(set(calls))


def dumps(obj: Any) -> bytes:
    """``obj`` as a compressed skops file (skops raises for what it cannot represent)."""
    import skops.io as sio

    return sio.dumps(obj, compression=zipfile.ZIP_DEFLATED)


def skops_names(blob: bytes, policy: TrustPolicy) -> tuple[set[str], set[str]]:
    """The qualified names of the types a skops file holds beyond skops' defaults, and those
    ``policy`` will refuse (at save: the file is the one just written)."""
    import skops.io as sio

    names, calls = skops_refusals(blob, policy)
    return set(sio.get_untrusted_types(data=blob)), names | set(calls)


def read_skops(blob: bytes, policy: TrustPolicy, name: str, renames: Mapping[str, str] | None = None) -> Any:
    """The object in the skops file ``name``, once every node of it passes the checks above.

    :raises PackageError: naming the file and the types, functions or calls refused.
    """
    import skops.io as sio

    from ..errors import PackageError

    if renames:
        blob = _renamed_skops(blob, renames)
    names, calls = skops_refusals(blob, policy)
    aliases = [c.removeprefix("names ") for c in calls if c.startswith("names ")]
    if aliases:
        raise never_allowed(name, "; ".join(aliases))
    if calls:
        raise PackageError(f"{name} {'; '.join(calls)}, which skops never writes for a model: refusing it")
    untrusted = sio.get_untrusted_types(data=blob)
    policy.refuse(names | set(policy.untrusted(untrusted)), name)
    return sio.loads(blob, trusted=untrusted)


def _renamed_skops(blob: bytes, renames: Mapping[str, str]) -> bytes:
    """A skops file whose schema names classes by ``renames`` (qualified old to new)."""

    def rename(node: Any) -> Any:
        if isinstance(node, dict):
            qualified = f"{node.get('__module__')}.{node.get('__class__')}"
            if qualified in renames:
                node["__module__"], _, node["__class__"] = renames[qualified].rpartition(".")
            return {k: rename(v) for k, v in node.items()}
        if isinstance(node, list):
            return [rename(v) for v in node]
        return node

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "schema.json":
                content = json.dumps(rename(json.loads(content))).encode()
            target.writestr(item, content)
    return out.getvalue()


__all__ = ["CONSTRUCTING", "VALUES", "TYPES", "dumps", "read_skops", "skops_names", "skops_refusals"]
