"""Recordings made elsewhere become sessions: one transaction, and each file only once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import insert, select

from hrv_relax.errors import NotFoundError, StoreError
from hrv_relax.store.clock import utcnow
from hrv_relax.store.engine import Store
from hrv_relax.store.schema import beats, clients, sessions
from hrv_relax.vocabulary import SessionStatus

#: Beats per INSERT: large enough to be fast, small enough to report progress on long files.
IMPORT_CHUNK_BEATS = 5000
MS_PER_MINUTE = 60_000.0
Progress = Callable[[int, int], None]


class DuplicateImportError(StoreError):
    """The same file (same bytes) was imported before."""

    def __init__(self, session_id: int) -> None:
        super().__init__(f"this file was imported already, as session {session_id}")
        self.session_id = session_id


@dataclass(frozen=True, slots=True)
class ImportedBeats:
    """What an import writes: RR intervals (ms), beat times (s from `started_at`), provenance."""

    rr_ms: npt.NDArray[np.float64]
    t_s: npt.NDArray[np.float64]
    started_at: dt.datetime
    digest: str
    notes: str


def find_import(store: Store, digest: str) -> int | None:
    """The session a file with this digest was imported as, if any."""
    with store.read() as conn:
        found = conn.execute(
            select(sessions.c.id).where(sessions.c.import_digest == digest).limit(1)
        ).scalar_one_or_none()
    return None if found is None else int(found)


def import_beats(
    store: Store,
    client_id: int,
    data: ImportedBeats,
    *,
    therapist_id: int | None = None,
    progress: Progress | None = None,
) -> int:
    """Write a complete session with all its beats in one transaction; return its id.

    A failure anywhere (including a second import of the same file, found by its digest)
    leaves nothing behind.
    """
    n = int(data.rr_ms.size)
    with store.write() as conn:
        if conn.execute(select(clients.c.id).where(clients.c.id == client_id)).first() is None:
            raise NotFoundError(f"no client with id {client_id}")
        earlier = conn.execute(
            select(sessions.c.id).where(sessions.c.import_digest == data.digest).limit(1)
        ).scalar_one_or_none()
        if earlier is not None:
            raise DuplicateImportError(int(earlier))
        ended_at = data.started_at + dt.timedelta(seconds=float(data.t_s[-1]) if n else 0.0)
        key = conn.execute(
            insert(sessions).values(
                client_id=client_id,
                therapist_id=therapist_id,
                source="import",
                status=SessionStatus.COMPLETE,
                started_at=data.started_at,
                ended_at=ended_at,
                heartbeat_at=utcnow(),
                notes=data.notes,
                import_digest=data.digest,
                final_beats=n,
            )
        ).inserted_primary_key
        assert key is not None
        session_id = int(key[0])
        bpm = np.rint(MS_PER_MINUTE / data.rr_ms).astype(np.int64)
        for lo in range(0, n, IMPORT_CHUNK_BEATS):
            hi = min(n, lo + IMPORT_CHUNK_BEATS)
            conn.execute(
                insert(beats),
                [
                    {
                        "session_id": session_id,
                        "seq": i,
                        "t_s": float(data.t_s[i]),
                        "rr_ms": float(data.rr_ms[i]),
                        "bpm": int(bpm[i]),
                        "contact": None,
                    }
                    for i in range(lo, hi)
                ],
            )
            if progress is not None:
                progress(hi, n)
    return session_id
