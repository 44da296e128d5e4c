"""The recorder's transaction, as the benchmarks make it (hrv_relax.capture.recorder._commit):
a RecorderCommit handed to the recorder's committer, shared with other recorders that meet it."""

from __future__ import annotations

from hrv_relax.capture.commit import LiveUpdate, RecorderCommit
from hrv_relax.capture.group_commit import GroupCommitter
from hrv_relax.capture.journal import Batch


def recorder_commit(committer: GroupCommitter, batch: Batch, frames_ok: int) -> bool:
    """Write `batch`, the heartbeat and the live row in one commit; True if a stop was asked."""
    live = LiveUpdate("simulated", bpm=75, contact=True, battery_pct=80, frames_ok=frames_ok)
    return committer.commit(RecorderCommit(batch.session_id, (batch,), live))
