"""The recorder's transaction, as the benchmarks make it (hrv_relax.capture.recorder._commit):
a RecorderCommit handed to the recorder's committer, shared with other recorders that meet it."""

from __future__ import annotations

from hrv_relax.capture.commit import LiveUpdate, RecorderCommit
from hrv_relax.capture.group_commit import GroupCommitter
from hrv_relax.capture.journal import Batch


def live_update(frames_ok: int) -> LiveUpdate:
    """The live row a simulated strap's recorder writes."""
    return LiveUpdate("simulated", bpm=75, contact=True, battery_pct=80, frames_ok=frames_ok)


def recorder_commit(committer: GroupCommitter, batch: Batch, frames_ok: int) -> bool:
    """Write `batch`, the heartbeat and the live row in one commit; True if a stop was asked."""
    return committer.commit(RecorderCommit(batch.session_id, (batch,), live_update(frames_ok)))
