"""Qt item models over core data. ``data()`` never raises."""
