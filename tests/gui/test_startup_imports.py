"""`akkord gui` imports every module without Qt before PySide6 (``gui_cmd.BEFORE_QT``).

PySide6 reads the source of every module imported after it, looking for its
``__feature__`` switches: a module of Akkord or SQLAlchemy that the window imports only
once Qt is loaded costs start-up time for nothing. A module added to the window's imports
(a new service, the engine's dialect loaded on first connection) silently went after Qt
until this test: the window's start-up then lost a tenth of a second to 33 such modules.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from akkord.store import open_project
from tests.gui.window_process import scratch_env

# What `akkord gui PROJECT` does, in its order (akkord.__main__.run, cli.gui_cmd.gui),
# with a note of the modules that exist when PySide6 is first imported.
START = textwrap.dedent("""
    import sys
    from pathlib import Path
    from akkord import startup
    startup.starting()
    from akkord.cli import load_command
    startup.started()
    load_command("gui")
    from akkord.cli.gui_cmd import preload
    preload()
    before_qt = set(sys.modules)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from akkord.gui.app import application, run

    def shown():
        windows = [w for w in QApplication.topLevelWidgets()
                   if type(w).__name__ == "MainWindow" and w.isVisible()]
        print("AFTER-QT", *sorted(set(sys.modules) - before_qt), flush=True)
        QApplication.exit(0 if windows else 3)

    application()
    from akkord.gui.project_dialogs import NAME_KEY
    from akkord.gui.app import settings
    settings().setValue(NAME_KEY, "tester")  # a returning annotator: no name asked
    QTimer.singleShot(0, shown)
    run(project=Path(sys.argv[1]))
""")


def _after_qt(project: Path, home: Path) -> list[str]:
    env = scratch_env(home, {"QT_QPA_PLATFORM": "offscreen"})
    done = subprocess.run([sys.executable, "-c", START, str(project)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("AFTER-QT"))
    return line.split()[1:]


def test_the_window_imports_no_module_without_qt_after_pyside6(tmp_path: Path) -> None:
    path = tmp_path / "p.akkord"
    with open_project(path, create=True):
        pass
    after = _after_qt(path, tmp_path / "home")
    assert "akkord.gui.main_window" in after  # the window was built after Qt, as it must
    late = [name for name in after if name.startswith("sqlalchemy")
            or (name.startswith("akkord.") and not name.startswith("akkord.gui"))]
    assert late == [], f"imported after PySide6 (add them to gui_cmd.BEFORE_QT): {late}"
