"""The evaluation engine: company history + batch claims -> award lines."""
from core.engine.evaluate import Context, evaluate, evaluate_company
from core.engine.registries import ENGINE, load_policies

__all__ = ["Context", "ENGINE", "evaluate", "evaluate_company", "load_policies"]
