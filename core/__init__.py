"""The rule core: pure Python, no Qt. Front ends (gui, cli) sit on top of it."""
