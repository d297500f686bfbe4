"""What a policy file may name beyond its own text: formulas, history checks, derived bases, calculators.

The loader checks every rule against these registries, but does not own
them: they belong to the layers that compute (core.engine, core.calculators),
which sit above core.policy. So they are handed to the loader
(``load_policies(..., registries=...)``); ``core.engine.registries.ENGINE`` is
the program's. The protocols below are all the loader reads of each entry.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Protocol


# Members are read-only properties, so frozen dataclasses satisfy them.
class FormulaSpec(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def required(self) -> Collection[str]: ...  # keys a rule of this formula must give (its parameters, ``base``)
    @property
    def optional(self) -> Collection[str]: ...
    @property
    def claims(self) -> str: ...  # "when": a claim its ``when`` matches; "entered": an amount entered under its id
    @property
    def pays(self) -> bool: ...


class PredicateSpec(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def args(self) -> Collection[str]: ...  # plain options
    @property
    def param_args(self) -> Collection[str]: ...  # cited numbers
    @property
    def readings(self) -> Collection[str]: ...  # readings of the document it reads


class CalculatorSpec(Protocol):
    @property
    def params(self) -> Collection[str]: ...  # cited numbers the policy file must give


@dataclass(frozen=True)
class Registries:
    formulas: Mapping[str, FormulaSpec]
    predicates: Mapping[str, PredicateSpec]
    bases: Collection[str]  # bases derived from history or from several fields, by name
    calculators: Mapping[str, CalculatorSpec]
