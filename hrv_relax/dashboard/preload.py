"""Import, once and in one thread, every module the dashboard's pages use."""

from __future__ import annotations

import importlib
import pkgutil

import hrv_relax.dashboard
import hrv_relax.report
import hrv_relax.views

# Imported lazily somewhere below the pages, or by the pages themselves.
THIRD_PARTY = ("pandas", "plotly.graph_objects", "plotly.subplots", "argon2", "matplotlib")
# Scripts Streamlit runs (importing one would run it), and this module's own importer.
SCRIPTS = ("hrv_relax.dashboard.app", "hrv_relax.dashboard.asgi", "hrv_relax.dashboard.screens")
OURS = ("hrv_relax.auth.login", "hrv_relax.capture.importing", "hrv_relax.capture.processes")


def import_page_modules() -> None:
    for name in (*THIRD_PARTY, *OURS):
        importlib.import_module(name)
    for package in (hrv_relax.dashboard, hrv_relax.views, hrv_relax.report):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not module.name.startswith(SCRIPTS):
                importlib.import_module(module.name)
