"""科技创新奖补计算器: ``python main.py`` opens the program, ``python main.py <command>`` runs headless."""
import sys

# Options that start the window rather than a headless command.
GUI_OPTIONS = {"--db", "--data-dir"}


def main() -> int:
    args = sys.argv[1:]
    if args and args[0].split("=")[0] not in GUI_OPTIONS:
        from core.cli import main as cli_main

        return cli_main(args)
    from gui.app import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
