"""The recorder's transaction, as the benchmarks make it (hrv_relax.capture.recorder._commit)."""

from __future__ import annotations

from hrv_relax.capture.journal import Batch, write_batch
from hrv_relax.store import Store, heartbeat, write_live


def recorder_commit(store: Store, batch: Batch, frames_ok: int) -> bool:
    """Write `batch`, the heartbeat and the live row in one commit; True if a stop was asked."""
    with store.write() as conn:
        write_batch(conn, batch)
        stop = heartbeat(conn, batch.session_id)
        write_live(
            conn,
            batch.session_id,
            link="simulated",
            bpm=75,
            contact=True,
            battery_pct=80,
            frames_ok=frames_ok,
            frames_malformed=0,
        )
    return stop
