"""macOS and Windows: bleak installs dbus-fast only on Linux, so nothing may need it to load.

A child Python with `dbus_fast` made unimportable imports every module of the package (the
strap connection only as far as bleak-retry-connector allows on Linux) and renders every
dashboard page (AppTest) signed in as an admin: only scanning for straps and recording from one
may load the platform's Bluetooth backend.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

CHILD = textwrap.dedent(
    """
    import importlib, os, pkgutil, sys
    sys.modules["dbus_fast"] = None  # as on macOS and Windows: `import dbus_fast` fails

    import hrv_relax

    SCRIPTS = (
        "hrv_relax.__main__",
        "hrv_relax.dashboard.app",
        "hrv_relax.dashboard.screens.",
        "hrv_relax.store.migrations.env",
        # bleak-retry-connector imports dbus-fast when it sees Linux, as this machine is; on
        # macOS and Windows it does not. Our own Bluetooth modules are imported below.
        "hrv_relax.capture.ble.strap",
        "hrv_relax.capture.ble",
    )
    names = [m.name for m in pkgutil.walk_packages(hrv_relax.__path__, "hrv_relax.")]
    for name in names:
        if not name.startswith(SCRIPTS):
            importlib.import_module(name)
    for name in ("hrv_relax.capture.ble.adapter", "hrv_relax.capture.ble.scan"):
        importlib.import_module(name)
    assert sys.modules["dbus_fast"] is None
    print("imported", len(names))

    from hrv_relax.store import open_store
    from tests.support.accounts import PASSWORD, account, signed_in_app

    store = open_store(os.environ["HRV_RELAX_DB"])
    account(store, "staff-admin", "admin")
    at = signed_in_app(store)
    assert not at.exception, at.exception
    folder = Path(hrv_relax.__file__).parent / "dashboard" / "screens"
    pages = sorted(p.name for p in folder.glob("[!_]*.py"))
    for page in pages:
        at.switch_page(f"screens/{page}").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        print("rendered", page)
    """
).replace("import importlib,", "from pathlib import Path\nimport importlib,")


def test_every_module_and_page_loads_without_dbus_fast(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=repo,
        env={**os.environ, "HRV_RELAX_DB": str(tmp_path / "clinic.db")},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rendered = [line for line in done.stdout.splitlines() if line.startswith("rendered")]
    assert len(rendered) == 6, done.stdout
