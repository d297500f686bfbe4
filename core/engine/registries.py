"""The program's registries: the formulas, history checks and bases the engine computes, and the calculators.

core.policy's loader checks policy files against registries it is given and
never imports the engine; :func:`load_policies` gives it these.
"""

from __future__ import annotations

from pathlib import Path

from core.calculators import CALCULATORS
from core.engine.bases import BASES
from core.engine.formulas import FORMULAS
from core.engine.predicates import PREDICATES
from core.policy import loader
from core.policy.policyset import PolicySet
from core.policy.registries import Registries
from core.vocabulary import Vocabulary

ENGINE = Registries(formulas=FORMULAS, predicates=PREDICATES, bases=frozenset(BASES), calculators=CALCULATORS)


def load_policies(directory: Path | str | None = None, vocabulary: Vocabulary | None = None) -> PolicySet:
    """The policy files (resources/policies unless ``directory``), checked against the engine's registries."""
    return loader.load_policies(directory, vocabulary, registries=ENGINE)
