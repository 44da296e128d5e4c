"""What the store hands out: frozen records, never rows or dicts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hrv_relax.vocabulary import MarkerKind, Role, SessionStatus


@dataclass(frozen=True, slots=True)
class ClientRecord:
    id: int
    name: str
    therapist_id: int | None
    user_id: int | None
    notes: str
    is_demo: bool


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    is_demo: bool


@dataclass(frozen=True, slots=True)
class SignInRecord:
    """One browser's sign-in, as the database keeps it (never the browser's cookie itself)."""

    id: int
    user_id: int
    created_at: dt.datetime
    last_active_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: str | None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    client_id: int
    client_name: str
    therapist_id: int | None
    source: str
    status: SessionStatus
    started_at: dt.datetime
    ended_at: dt.datetime | None
    heartbeat_at: dt.datetime | None
    n_beats: int
    notes: str

    @property
    def duration_s(self) -> float | None:
        end = self.ended_at or self.heartbeat_at
        return None if end is None else (end - self.started_at).total_seconds()


@dataclass(frozen=True, slots=True)
class Beat:
    """One RR interval as stored: `t_s` is the time its closing beat happened."""

    seq: int
    t_s: float
    rr_ms: float
    bpm: int | None = None
    contact: bool | None = None


@dataclass(frozen=True, slots=True)
class BeatArrays:
    """A session's beats as arrays, oldest first, for analysis and charts."""

    seq: npt.NDArray[np.int64]
    t_s: npt.NDArray[np.float64]
    rr_ms: npt.NDArray[np.float64]
    bpm: npt.NDArray[np.float64]  # NaN where the strap gave no heart rate

    def __len__(self) -> int:
        return int(self.rr_ms.size)


@dataclass(frozen=True, slots=True)
class MarkerRecord:
    id: int
    session_id: int
    t_s: float
    end_t_s: float | None
    kind: MarkerKind
    value: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class LiveStatus:
    """The recorder's latest view of its strap and link."""

    session_id: int
    updated_at: dt.datetime
    link: str
    bpm: int | None
    contact: bool | None
    battery_pct: int | None
    frames_ok: int
    frames_malformed: int


WRITER_ROLES = (Role.SYSTEM, Role.ADMIN, Role.THERAPIST)
ADMIN_ROLES = (Role.SYSTEM, Role.ADMIN)


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking. Built from the users table at login (or SYSTEM); never from input."""

    user_id: int | None
    username: str
    role: Role
    display_name: str = ""
    is_demo: bool = False

    @property
    def can_write(self) -> bool:
        """May start and stop sessions, add markers, import recordings and add clients."""
        return self.role in WRITER_ROLES

    @property
    def is_admin(self) -> bool:
        """May manage users and clients, delete a client and change the practice's settings."""
        return self.role in ADMIN_ROLES

    @property
    def label(self) -> str:
        return self.display_name or self.username


#: The recorder and whoever runs `hrv-relax` on the machine holding the database (who can read
#: the database file anyway). The dashboard never uses it: it acts as the signed-in user.
SYSTEM = Viewer(user_id=None, username="system", role=Role.SYSTEM, display_name="Local operator")
