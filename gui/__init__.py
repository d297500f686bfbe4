"""The PySide6 desktop program over core. Thin: no policy logic, no SQL."""
from gui.pyside_fix import protect_singletons

protect_singletons()
