"""Accounts and access: password hashing, login with a lockout, the signed-in `Viewer`."""

from hrv_relax.auth.login import authenticate, refresh_viewer, viewer_for
from hrv_relax.records import SYSTEM, Viewer

__all__ = ["SYSTEM", "Viewer", "authenticate", "refresh_viewer", "viewer_for"]
