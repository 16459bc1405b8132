"""The model package: a directory holding a fitted model that describes and checks itself.

:func:`save` writes one (atomically, every file listed with its SHA-256 in a manifest);
:func:`read_package` reads one back into the estimator's parameters and learned attributes,
refusing any type the package does not vouch for (:class:`TrustPolicy`), any pickle file the
caller does not trust, and, with a key, any package whose signature does not match.
:func:`automl_core.load` turns that into a fitted :class:`~automl_core.AutoML`.
"""

from ._files import KEY_VARIABLE, check_replaceable, package_key, remove_leftovers, verify
from ._load import StoredModel, check_versions, read_metadata, read_package
from ._metadata import FORMAT, FORMAT_VERSION, describe, fingerprint
from ._save import PackageVersionWarning, PackageWarning, fitted_state, save
from ._trust import TrustPolicy

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "KEY_VARIABLE",
    "PackageVersionWarning",
    "PackageWarning",
    "StoredModel",
    "TrustPolicy",
    "check_replaceable",
    "check_versions",
    "describe",
    "fingerprint",
    "fitted_state",
    "package_key",
    "read_metadata",
    "read_package",
    "remove_leftovers",
    "save",
    "verify",
]
