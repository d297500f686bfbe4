"""The PySide6 desktop program over core. Thin: no policy logic, no SQL."""
