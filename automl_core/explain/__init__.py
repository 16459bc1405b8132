"""Understanding a fitted model: which input columns matter (permutation importance), how
each column moved each prediction (contributions from explainer plugins, combined over the
ensemble's members and mapped back to the input columns), and the labelled data both read.

Nothing here imports a plotting or explanation library: explainers are plugins
(``register_explainers``), and so are the reporters that draw (``register_reporters``).
"""

from ._contributions import ADDITIVITY_TOLERANCE, BACKGROUND_ROWS, Contributions, explain
from ._importance import MIN_ROWS, feature_importance
from ._labelled import Labelled, labelled
from ._members import Member, members

__all__ = [
    "ADDITIVITY_TOLERANCE",
    "BACKGROUND_ROWS",
    "Contributions",
    "Labelled",
    "MIN_ROWS",
    "Member",
    "explain",
    "feature_importance",
    "labelled",
    "members",
]
