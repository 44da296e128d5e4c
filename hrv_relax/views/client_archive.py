"""A whole client's data as one zip: the client's right to take their data with them."""

from __future__ import annotations

import io
import json
import zipfile

from hrv_relax import __version__
from hrv_relax.records import Viewer
from hrv_relax.store import Store
from hrv_relax.store.access import visible_beats, visible_client, visible_markers, visible_sessions
from hrv_relax.store.audit import audit_as
from hrv_relax.store.imports import Progress
from hrv_relax.views.export import beats_to_csv, beats_to_rr_text, markers_to_csv, summaries_to_csv
from hrv_relax.views.local_time import ClinicClock
from hrv_relax.views.summary_cache import session_summaries

README = """Your heart-rate data from hrv-relax {version}

client.json          who this archive belongs to and when it was made
sessions.csv         one row per session: resting baseline, change during the massage, verdict
sessions/N/beats.csv every heartbeat interval: t_s (s from session start), rr_ms, bpm,
                     artefact (1 = left out of the figures)
sessions/N/rr.txt    the same intervals, one per line in ms: opens in Kubios and Elite HRV
sessions/N/markers.csv phases, techniques, pressures and notes on the session's time line
"""


def client_archive(
    store: Store, viewer: Viewer, client_id: int, *, progress: Progress | None = None
) -> bytes:
    """Zip every session of the client (beats, RR text, markers) with a summaries CSV.

    Only a client the viewer may see (NotFoundError else); every export is audited.
    """
    client = visible_client(store, viewer, client_id)
    clock = ClinicClock.for_store(store)
    sessions = sorted(
        visible_sessions(store, viewer, client_id=client_id), key=lambda s: s.started_at
    )
    audit_as(
        store,
        viewer,
        "export",
        target=f"client {client_id}",
        detail=f"archive of {len(sessions)} sessions",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(version=__version__))
        archive.writestr(
            "client.json",
            json.dumps(
                {
                    "name": client.name,
                    "notes": client.notes,
                    "sessions": [
                        {
                            "id": s.id,
                            "started_at": clock.iso(s.started_at),
                            "ended_at": clock.iso(s.ended_at) if s.ended_at else None,
                            "status": s.status,
                            "source": s.source,
                            "notes": s.notes,
                        }
                        for s in sessions
                    ],
                },
                indent=2,
            ),
        )
        archive.writestr(
            "sessions.csv",
            summaries_to_csv(session_summaries(store, viewer, client_ids=[client_id]), clock),
        )
        for done, s in enumerate(sessions, start=1):
            beats = visible_beats(store, viewer, s.id)
            archive.writestr(f"sessions/{s.id}/beats.csv", beats_to_csv(beats))
            archive.writestr(f"sessions/{s.id}/rr.txt", beats_to_rr_text(beats))
            archive.writestr(
                f"sessions/{s.id}/markers.csv", markers_to_csv(visible_markers(store, viewer, s.id))
            )
            if progress is not None:
                progress(done, len(sessions))
    return buffer.getvalue()
