"""The ``akkord`` command's entry point (``python -m akkord`` and the console script).

It imports nothing but the standard library before it can catch a Ctrl-C: loading the
CLI (click, SQLAlchemy, …) takes a few tenths of a second, and an interrupt then must
end with a short message and status 130, like one during a command, not a traceback.
"""

from __future__ import annotations

import sys


def run() -> None:
    try:
        from akkord import startup

        startup.starting()  # see akkord.startup
        from akkord.cli import main

        startup.started()
        main()
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted; nothing half-written was kept.\n")
        sys.exit(130)


if __name__ == "__main__":
    run()
