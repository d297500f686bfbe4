"""The evaluation engine: company history + batch claims -> award lines."""
from core.engine.evaluate import Context, evaluate, evaluate_company

__all__ = ["Context", "evaluate", "evaluate_company"]
