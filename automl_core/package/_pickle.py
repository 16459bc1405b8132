"""Reading a pickle file of a package under the trust policy, with skops' discipline.

A pickle is a program: while it is read it imports names and calls them with arguments of its
choosing. This reader imports only what :class:`~._trust.TrustPolicy` allows, and calls nothing
but numpy's and pandas' own unpickling helpers and scikit-learn's trees and compiled losses
(:data:`RECONSTRUCTORS`, their arguments checked) and the constructors of plain values
(:data:`VALUE_TYPES`); any other object is made as skops
makes it, ``cls.__new__(cls)`` then its state set. ``np.memmap(path, ...)``, ``os.system`` or a
chain of ``getattr`` are refused by name before anything runs.
"""

from __future__ import annotations

import collections
import functools
import io
import pickle
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..errors import PackageError
from ._trust import TrustPolicy, denied, never_allowed, qualified_name


def _bit_generator_args(args: tuple) -> bool:
    from numpy.random import BitGenerator
    from numpy.random._pickle import __bit_generator_ctor as ctor  # what numpy's pickles name

    return all(
        isinstance(a, (str, BitGenerator)) or a is ctor or (isinstance(a, type) and issubclass(a, BitGenerator))
        for a in args
    )


def _first_is(base_of: Callable[[], type]) -> Callable[[tuple], bool]:
    """An argument check: the first argument is a subclass of the class ``base_of()`` returns."""

    def check(args: tuple) -> bool:
        return bool(args) and isinstance(args[0], type) and issubclass(args[0], base_of())

    return check


def _values_only(args: tuple) -> bool:
    return not any(callable(a) for a in args)


#: What a ``defaultdict`` may make for a missing key: an empty container or zero, nothing that runs code.
DEFAULT_FACTORIES = (None, list, dict, set, tuple, int, float, str, collections.OrderedDict)


def _tree_args(args: tuple) -> bool:
    """scikit-learn's ``Tree(n_features, n_classes, n_outputs)``: two integers and an integer array
    of one entry per output (the nodes come after, as its state)."""
    if len(args) != 3:
        return False
    n_features, n_classes, n_outputs = args
    return (
        all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in (n_features, n_outputs))
        and type(n_classes) is np.ndarray
        and n_classes.dtype.kind == "i"
        and n_classes.dtype.itemsize in (4, 8)
        and n_classes.shape == (n_outputs,)
    )


def _pandas_index() -> type:
    import pandas as pd

    return pd.Index


def _ndarray_backed() -> type:
    from pandas._libs.arrays import NDArrayBacked

    return NDArrayBacked


def _seed_sequence() -> type:
    from numpy.random import SeedSequence

    return SeedSequence


#: Classes a pickle may call with arguments, each with the check of its arguments: they build a
#: value and touch nothing else (a size for ``bytearray`` would allocate it; a partial of a class
#: would call it later).
VALUE_TYPES: dict[type, Callable[[tuple], bool]] = {
    set: lambda args: True,
    frozenset: lambda args: True,
    collections.OrderedDict: lambda args: True,
    slice: _values_only,
    complex: _values_only,
    np.dtype: _values_only,
    bytearray: lambda args: not any(isinstance(a, int) for a in args),
    collections.defaultdict: lambda args: len(args) <= 1 and all(any(a is f for f in DEFAULT_FACTORIES) for a in args),
    functools.partial: lambda args: bool(args) and not isinstance(args[0], type),
}


#: The values of :data:`VALUE_TYPES` whose state, set after the checked call, holds a callable:
#: what to call it in a refusal, and how to read it.
STATE_CALLABLES: dict[type, tuple[str, Callable[[Any], Any]]] = {
    collections.defaultdict: ("defaultdict of", lambda d: d.default_factory),
    functools.partial: ("partial of the class", lambda p: p.func),
}


def _builds_value(func: Any, args: tuple, kwargs: Mapping | None) -> bool:
    """Whether ``func(*args, **kwargs)`` builds a plain value: ``func`` is one of :data:`VALUE_TYPES`
    (by identity: a constructed object's ``__eq__`` cannot pass for one) and its arguments pass its check."""
    check = next((check for cls, check in VALUE_TYPES.items() if func is cls), None)
    return check is not None and not kwargs and check(tuple(args))


def _cython_state_of(cls_name: str) -> Callable[[tuple], bool]:
    """An argument check for Cython's ``__pyx_unpickle_<class>(cls, checksum, state)``, which makes
    ``cls.__new__(cls)`` and sets its state: ``cls`` is that class of scikit-learn's losses."""

    def check(args: tuple) -> bool:
        from sklearn._loss import _loss

        cls, *rest = args or (None,)
        return cls is getattr(_loss, cls_name, None) and _values_only(tuple(rest))

    return check


#: scikit-learn's compiled loss functions (held by histogram gradient boosting): pure arithmetic,
#: pickled as a call of the class with its parameters (none, or a power or quantile), or of
#: Cython's unpickling helper with the class and its state (which of them pickle that way
#: depends on scikit-learn's version: in 1.9, the multinomial loss alone).
SKLEARN_LOSSES = (
    "AbsoluteError",
    "ExponentialLoss",
    "HalfBinomialLoss",
    "HalfGammaLoss",
    "HalfMultinomialLoss",
    "HalfPoissonLoss",
    "HalfSquaredError",
    "HalfTweedieLoss",
    "HalfTweedieLossIdentity",
    "HuberLoss",
    "PinballLoss",
)

#: The functions numpy and pandas pickles call to rebuild their objects, and the compiled classes
#: of scikit-learn's that pickle as a call, each with the check of its arguments (a class argument
#: would otherwise be called: ``_new_Index(np.memmap, {...})``).
RECONSTRUCTORS: dict[str, Callable[[tuple], bool]] = {
    **{
        f"{m}.multiarray._reconstruct": (lambda args: bool(args) and args[0] is np.ndarray)
        for m in ("numpy._core", "numpy.core")
    },
    **{f"{m}.multiarray.scalar": _values_only for m in ("numpy._core", "numpy.core")},
    **{f"{m}.numeric._frombuffer": _values_only for m in ("numpy._core", "numpy.core")},
    **{f"numpy.random._pickle.__{n}_ctor": _bit_generator_args for n in ("randomstate", "generator", "bit_generator")},
    "numpy.random.bit_generator.__pyx_unpickle_SeedSequence": _first_is(_seed_sequence),
    "pandas._libs.arrays.__pyx_unpickle_NDArrayBacked": _first_is(_ndarray_backed),
    "pandas._libs.internals._unpickle_block": _values_only,
    "pandas._libs.tslibs.timedeltas._timedelta_unpickle": _values_only,
    "pandas._libs.tslibs.timestamps._unpickle_timestamp": _values_only,
    "pandas.core.indexes.base._new_Index": _first_is(_pandas_index),
    "sklearn.tree._tree.Tree": _tree_args,
    **{f"sklearn._loss._loss.Cy{name}": _values_only for name in SKLEARN_LOSSES},
    **{f"sklearn._loss._loss.__pyx_unpickle_Cy{name}": _cython_state_of(f"Cy{name}") for name in SKLEARN_LOSSES},
}


class RestrictedUnpickler(pickle._Unpickler):
    """Unpickles, refusing before importing or calling anything ``policy`` and the rules above do
    not allow; with ``strict=False`` (at save) it records them in ``refused`` and goes on."""

    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(
        self, file, policy: TrustPolicy, name: str, strict: bool = True, renames: Mapping[str, str] | None = None
    ):
        super().__init__(file)
        self.policy, self.name, self.strict = policy, name, strict
        self.renames = dict(renames or {})  # qualified names an older layout wrote, to today's
        self.seen: set[str] = set()
        self.refused: set[str] = set()
        self._globals: dict[int, tuple[Any, str]] = {}  # each global handed out (kept alive) and its name

    def _refuse(self, qualified: str, why: str = "") -> None:
        self.refused.add(qualified)
        if not self.strict:
            return
        if why:
            raise PackageError(f"{self.name} {why}; a model package may not do that, trusted or not: refusing it")
        self.policy.refuse([qualified], self.name)

    def find_class(self, module: str, name: str):
        if f"{module}.{name}" in self.renames:
            module, _, name = self.renames[f"{module}.{name}"].rpartition(".")
        qualified = f"{module}.{name}"
        self.seen.add(qualified)
        known = qualified in RECONSTRUCTORS
        if not known and ("." in name or not self.policy.allows(qualified)):
            self._refuse(qualified)  # a dotted name could walk from an allowed module to anything
        obj = super().find_class(module, name)
        real = qualified_name(obj)
        if not known and denied(real) and self.strict:  # another name for what is never allowed
            raise never_allowed(self.name, f"{qualified}, which is {real}")
        if not known and not self.policy.allows_object(obj, qualified):
            self._refuse(qualified)
        self._globals[id(obj)] = (obj, qualified)
        return obj

    def _name(self, obj: Any) -> tuple[str, bool]:
        """The name ``obj`` was asked for by, and whether it is a global (else what it says it is)."""
        entry = self._globals.get(id(obj))
        return (entry[1], True) if entry is not None and entry[0] is obj else (qualified_name(obj), False)

    def _check_call(self, func: Any, args: tuple, kwargs: Mapping | None = None) -> None:
        """Refuse a call the pickle asks for, unless it is a reconstructor or builds a plain value."""
        name, is_global = self._name(func)
        if is_global and name in RECONSTRUCTORS and not kwargs and RECONSTRUCTORS[name](tuple(args)):
            return
        if _builds_value(func, args, kwargs):
            return
        self._refuse(name, f"calls {name}(...) while it is read")

    def _check_new(self, cls: Any, args: tuple, kwargs: Mapping | None = None) -> None:
        """``cls.__new__(cls, *args)``: with arguments only for plain values (``np.memmap.__new__``
        opens the file it is given)."""
        if not isinstance(cls, type):
            self._refuse(qualified_name(cls), f"builds an object from {qualified_name(cls)}, which is not a class")
        elif (args or kwargs) and not _builds_value(cls, args, kwargs):
            name = self._name(cls)[0]
            self._refuse(name, f"creates {name} with arguments while it is read")

    def load_reduce(self):
        self._check_call(self.stack[-2], self.stack[-1])
        super().load_reduce()

    dispatch[pickle.REDUCE[0]] = load_reduce

    def load_newobj(self):
        self._check_new(self.stack[-2], self.stack[-1])
        super().load_newobj()

    dispatch[pickle.NEWOBJ[0]] = load_newobj

    def load_newobj_ex(self):
        self._check_new(self.stack[-3], self.stack[-2], self.stack[-1])
        super().load_newobj_ex()

    dispatch[pickle.NEWOBJ_EX[0]] = load_newobj_ex

    def _instantiate(self, klass, args):  # INST and OBJ (protocols 0 and 1) call the class
        self._check_call(klass, tuple(args))
        return super()._instantiate(klass, args)

    def load_build(self):
        super().load_build()
        self._check_built(self.stack[-1])

    dispatch[pickle.BUILD[0]] = load_build

    def _check_built(self, obj: Any) -> None:
        """A value's state, once set, must pass the check of its constructor's arguments: the
        state of a ``defaultdict`` or a ``partial`` can name any callable (``setattr`` of
        ``default_factory``, ``partial.__setstate__``), which that check never saw."""
        for cls, (what, called) in STATE_CALLABLES.items():
            if isinstance(obj, cls) and not VALUE_TYPES[cls]((called(obj),)):
                name = qualified_name(called(obj))
                self._refuse(name, f"makes a {what} {name} while it is read")


def pickle_names(blob: bytes, policy: TrustPolicy, name: str) -> tuple[set[str], set[str]]:
    """The qualified names of the types and functions a pickle calls for, and those ``policy``
    or the rules above will refuse when the file ``name`` is loaded (read back refusing nothing,
    at save: the pickle is the one just written)."""
    unpickler = RestrictedUnpickler(io.BytesIO(blob), policy, name, strict=False)
    unpickler.load()
    return unpickler.seen, unpickler.refused


def read_pickle(blob: bytes, policy: TrustPolicy, name: str, renames: Mapping[str, str] | None = None) -> Any:
    """The object in the pickle file ``name``, if the caller trusts it; refusing by name anything
    the policy does not allow.

    :raises PackageError: naming the file, and how to trust it, or what it was refused for.
    """
    if not policy.reads_pickle(name):
        raise PackageError(
            f"{name} is a pickle file, which can run code when it is read, and this package's pickle files are "
            f"not trusted: if you trust where the package comes from, load it with trusted=['{name}'] (or "
            f"trusted=True for all its pickle files; automl: --trust {name}); types and calls are still checked"
        )
    return RestrictedUnpickler(io.BytesIO(blob), policy, name, renames=renames).load()


__all__ = [
    "DEFAULT_FACTORIES",
    "RECONSTRUCTORS",
    "SKLEARN_LOSSES",
    "VALUE_TYPES",
    "RestrictedUnpickler",
    "pickle_names",
    "read_pickle",
]
