"""What `pip install hrv-relax` gives a user: the built wheel, installed outside the tree.

The wheel is built as pip builds a release (an sdist of this checkout, then the wheel from
that sdist in a clean folder: a stale `build/` of the checkout cannot slip old modules in),
installed (not editable) into a fresh virtual
environment, and run from a folder that is not the repository, so nothing of the source tree
can stand in for a file the wheel lacks: every module imports, `hrv-relax --help` answers, and
`hrv-relax demo --no-browser` serves a live page that Chromium shows.
"""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.support.browser import chromium_page, free_port, served

IMPORT_ALL = """
import importlib, pkgutil, hrv_relax
SCRIPTS = ("hrv_relax.__main__", "hrv_relax.dashboard.app", "hrv_relax.dashboard.screens.",
           "hrv_relax.store.migrations.env")
assert "site-packages" in hrv_relax.__file__, hrv_relax.__file__
names = [m.name for m in pkgutil.walk_packages(hrv_relax.__path__, "hrv_relax.")]
for name in names:
    if not name.startswith(SCRIPTS):
        importlib.import_module(name)
from importlib.resources import files
pages = sorted(p.name for p in files("hrv_relax.dashboard").joinpath("screens").iterdir())
assert "live.py" in pages and "review.py" in pages, pages
assert files("hrv_relax").joinpath("py.typed").is_file()
print(len(names))
"""


def _run(*argv: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, capture_output=True, text=True, check=False, timeout=900
    )
    assert done.returncode == 0, f"{argv}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_the_built_wheel_installs_imports_and_serves_the_demo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "build", "--outdir", dist, REPO, cwd=tmp_path)
    (wheel,) = dist.glob("hrv_relax-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    # Streamlit would serve a dashboard/pages/ folder to anyone, signed in or not.
    assert not [n for n in names if n.startswith("hrv_relax/dashboard/pages/")]
    assert "hrv_relax/dashboard/screens/live.py" in names
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    _run(python, "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert int(_run(python, "-c", IMPORT_ALL, cwd=elsewhere)) > 100
    assert "record" in _run(env_dir / "bin" / "hrv-relax", "--help", cwd=elsewhere)

    port = free_port()
    data = {"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path / "home")}
    argv = ["demo", "--no-browser", "--port", str(port)]
    with (
        served(argv, data, timeout_s=120, python=str(python), cwd=elsewhere) as url,
        chromium_page() as page,
    ):
        page.goto(url)
        page.get_by_text("Heart rate").first.wait_for(timeout=90_000)
        page.get_by_text("DEMO").first.wait_for()
