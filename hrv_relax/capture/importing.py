"""Turn a recording file into a session: check for a second import, parse, store, summarise.

A new client named for the import is created only once the file has been read and found new:
a file that cannot be imported leaves no empty client behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from hrv_relax.errors import InvalidInputError, NotFoundError, StoreError
from hrv_relax.formats import Recording, parse_recording
from hrv_relax.records import Viewer
from hrv_relax.store.access import (
    client_for_recording,
    require_writer,
    visible_client,
    visible_session,
)
from hrv_relax.store.clock import utcnow
from hrv_relax.store.engine import Store
from hrv_relax.store.imports import (
    DuplicateImportError,
    ImportedBeats,
    Progress,
    find_import,
    import_beats,
)
from hrv_relax.vocabulary import Role

log = logging.getLogger(__name__)
MAX_NOTE_NAME = 120
#: A given start is refused if the recording would end later than this after now (clock skew).
FUTURE_SLACK = dt.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class ImportResult:
    session_id: int
    n_beats: int
    duration_s: float
    format: str
    description: str
    started_at: dt.datetime
    client_id: int
    client_name: str


class MissingDateError(InvalidInputError):
    """The file records no date and none was given: a guessed "now" would misplace the session."""


def _start(recording: Recording, given: dt.datetime | None) -> dt.datetime:
    if given is None:
        if recording.started_at is None:
            raise MissingDateError(
                f"the file ({recording.description}) records no date: say when the recording began"
            )
        return recording.started_at
    if given.tzinfo is None:
        raise ValueError("started_at must be timezone-aware")
    if given + dt.timedelta(seconds=recording.duration_s) > utcnow() + FUTURE_SLACK:
        raise InvalidInputError(
            f"a recording that began {given.isoformat(timespec='minutes')} would end in the "
            "future: check the date"
        )
    return given.astimezone(dt.UTC)


def file_digest(data: bytes) -> str:
    """SHA-256 of the file's bytes: the same file imported twice has the same digest."""
    return hashlib.sha256(data).hexdigest()


def import_recording(
    store: Store,
    viewer: Viewer,
    data: bytes,
    *,
    client: int | str,
    filename: str = "",
    fmt: str = "auto",
    progress: Progress | None = None,
    recording: Recording | None = None,
    started_at: dt.datetime | None = None,
) -> ImportResult:
    """Import one file as a complete session of the viewer's client.

    `client`: a client's id, or a name (that client, created if new once the file is read).
    `recording`: the file already parsed (`data` is still needed, to know it again).
    `started_at`: when the recording began, as the person importing confirmed or changed it
    (timezone-aware); without it, the file's own date. A file without a date needs it.

    The caller then caches its summary (views.summary_cache.analyze_stored): capture sits below
    the views and never computes what a page shows.
    """
    require_writer(store, viewer, "import recordings")
    if isinstance(client, int):
        visible_client(store, viewer, client)
    digest = file_digest(data)
    earlier = find_import(store, digest)
    if earlier is not None:
        try:
            visible_session(store, viewer, earlier)
        except NotFoundError:
            # Someone else's session: say no more than that the file is in the database.
            raise StoreError("this file was imported already (by another therapist)") from None
        raise DuplicateImportError(earlier)
    if recording is None:
        recording = parse_recording(data, filename=filename, fmt=fmt)
    started_at = _start(recording, started_at)
    if isinstance(client, int):
        target = visible_client(store, viewer, client)
    else:
        target = client_for_recording(store, viewer, client)
    name = filename.replace("\\", "/").rsplit("/", 1)[-1][:MAX_NOTE_NAME]
    notes = f"Imported from {name or 'a file'} ({recording.description})"
    session_id = import_beats(
        store,
        target.id,
        ImportedBeats(recording.rr_ms, recording.t_s, started_at, digest, notes),
        therapist_id=viewer.user_id if viewer.role == Role.THERAPIST else None,
        progress=progress,
    )
    log.debug("imported %s as session %d (%d beats)", name, session_id, recording.n_beats)
    return ImportResult(
        session_id=session_id,
        n_beats=recording.n_beats,
        duration_s=recording.duration_s,
        format=recording.format,
        description=recording.description,
        started_at=started_at,
        client_id=target.id,
        client_name=target.name,
    )
