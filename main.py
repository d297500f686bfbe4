"""科技创新奖补计算器: ``python main.py`` opens the program, ``python main.py <command>`` runs headless,
``python main.py --selftest`` checks the program (as ``kjjb --selftest`` checks a bundle)."""

import gc
import sys

# Options that start the window rather than a headless command, and whether each takes a value.
GUI_OPTIONS = {"--db": True, "--data-dir": True}


def wants_gui(args: list[str]) -> bool:
    """True when ``args`` hold only window options (``--db URL`` alone opens the window on that database);
    anything else, such as ``--db URL batches``, is a headless command."""
    i = 0
    while i < len(args):
        name, has_value, _ = args[i].partition("=")
        if name not in GUI_OPTIONS:
            return False
        i += 1 if has_value else 2
    return True


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ["--selftest"]:  # check an installed program: gui/selftest.py
        from gui.selftest import main as selftest

        return selftest(args[1:])
    if not wants_gui(args):
        from core.cli import main as cli_main
        from core.collector import bulk_work

        bulk_work()  # a headless command is bulk work in a process of its own
        try:
            return cli_main(args)
        finally:
            # The process ends next: what the command made needs no last collection on the way out (a sixth
            # of the CPU of a command that does little). Exiting still closes files and runs atexit handlers.
            gc.freeze()
    from gui.app import run

    return run(args)


if __name__ == "__main__":
    if getattr(sys, "frozen", False):  # a frozen build starts the calculation's worker process (gui/calcworker.py)
        from multiprocessing import freeze_support

        freeze_support()
    sys.exit(main())
