"""``python -m tests.screenshots OUT``: the README's pictures, made offscreen on a scratch
demo project with settings of their own (never the user's), in the light scheme and
``main-window-dark.png`` in the dark one. Each scheme runs in a process of its own: the
scheme is chosen once, when the application starts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LIGHT = ("main-window.png", "main-window-timeline.png", "timeline.png", "curation.png",
         "agreement.png")


def main(out: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
               "AKKORD_CONFIG_DIR": str(scratch / "settings"),
               "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "desktop")}
        demo = scratch / "demo.akkord"
        subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                        "from akkord.services.demo import create_demo; "
                        "create_demo(Path(sys.argv[1]))", str(demo)], env=env, check=True)
        for theme in ("light", "dark"):
            shots = scratch / theme
            subprocess.run([sys.executable, "-m", "akkord", "screenshot", str(demo),
                            "--out", str(shots), *(["--suggestions"] if theme == "light"
                                                   else [])],
                           env={**env, "AKKORD_THEME": theme,
                                "AKKORD_CONFIG_DIR": str(scratch / f"settings-{theme}")},
                           check=True)
        out.mkdir(parents=True, exist_ok=True)
        for name in (*LIGHT, "suggestions.png", "suggestions-review.png"):
            shutil.copy(scratch / "light" / name, out / name)
        shutil.copy(scratch / "dark" / "main-window.png", out / "main-window-dark.png")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m tests.screenshots OUT")
    raise SystemExit(main(Path(sys.argv[1])))
