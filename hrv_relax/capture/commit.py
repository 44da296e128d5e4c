"""A recorder's commit as data: its batches, the strap it learnt about, its live status.

The recorder hands one of these to its committer (hrv_relax.capture.group_commit) at every
flush. As data it can be written by whichever recorder of the same SQLite file holds the
writer turn, in that recorder's transaction, and it travels between processes as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from hrv_relax.capture.journal import Batch, compact_json, write_batches
from hrv_relax.store import live_row, write_live_rows
from hrv_relax.store.sessions import heartbeats
from hrv_relax.store.straps import attach_strap, upsert_strap


@dataclass(frozen=True, slots=True)
class StrapSeen:
    """The strap a session records from, as last seen: written to the straps table."""

    address: str
    name: str | None = None
    body_location: str | None = None
    battery_pct: int | None = None


@dataclass(frozen=True, slots=True)
class LiveUpdate:
    """What the live page shows about the link (hrv_relax.store.live)."""

    link: str
    bpm: int | None = None
    contact: bool | None = None
    battery_pct: int | None = None
    frames_ok: int = 0
    frames_malformed: int = 0
    last_frame: bytes | None = None


@dataclass(frozen=True, slots=True)
class RecorderCommit:
    """One recorder transaction: `batches` (`replay`: they may be stored already), the strap,
    the live row and the heartbeat, whose answer says whether a stop was asked for."""

    session_id: int
    batches: tuple[Batch, ...]
    live: LiveUpdate
    strap: StrapSeen | None = None
    replay: bool = False

    @property
    def beats(self) -> int:
        return sum(len(b.beats) for b in self.batches)

    def to_json(self) -> str:
        live = self.live
        return compact_json(
            {
                "session_id": self.session_id,
                "batches": [b.to_dict() for b in self.batches],
                "replay": self.replay,
                "strap": None
                if self.strap is None
                else [
                    self.strap.address,
                    self.strap.name,
                    self.strap.body_location,
                    self.strap.battery_pct,
                ],
                "live": [
                    live.link,
                    live.bpm,
                    live.contact,
                    live.battery_pct,
                    live.frames_ok,
                    live.frames_malformed,
                    None if live.last_frame is None else live.last_frame.hex(),
                ],
            },
        )

    @staticmethod
    def from_json(text: str) -> RecorderCommit:
        """The commit `to_json` gave; ValueError, KeyError or TypeError if it is not one."""
        d: dict[str, Any] = json.loads(text)
        session_id = int(d["session_id"])
        batches = tuple(Batch.from_dict(b) for b in d["batches"])
        if any(b.session_id != session_id for b in batches):
            raise ValueError("a batch of another session")
        link, bpm, contact, battery, ok, malformed, frame = d["live"]
        strap = d["strap"]
        return RecorderCommit(
            session_id,
            batches,
            LiveUpdate(
                str(link),
                _int_or_none(bpm),
                None if contact is None else bool(contact),
                _int_or_none(battery),
                int(ok),
                int(malformed),
                None if frame is None else bytes.fromhex(frame),
            ),
            None if strap is None else _strap(strap),
            bool(d["replay"]),
        )


def _strap(fields: Sequence[Any]) -> StrapSeen:
    address, name, location, battery = fields
    return StrapSeen(
        str(address),
        None if name is None else str(name),
        None if location is None else str(location),
        _int_or_none(battery),
    )


def _int_or_none(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int):
        raise TypeError(f"expected an integer or null, got {value!r}")
    return value


def apply_commit(conn: Connection, commit: RecorderCommit) -> bool:
    """Write `commit` in the caller's transaction; return whether a stop was asked for."""
    return apply_commits(conn, (commit,))[0]


def apply_commits(conn: Connection, commits: Sequence[RecorderCommit]) -> list[bool]:
    """Write `commits` (of different sessions) in the caller's transaction, each kind of row in
    one statement for all (the beats, the heartbeats, the live rows); whether a stop was asked
    for, for each.

    The order within each commit is kept: its batches (its beats, markers and end), its strap,
    its heartbeat, its live row."""
    for replay in (False, True):
        batches = [b for c in commits if c.replay is replay for b in c.batches]
        if batches:
            write_batches(conn, batches, replay=replay)
    for commit in commits:
        if commit.strap is not None:
            strap = commit.strap
            strap_id = upsert_strap(
                conn,
                strap.address,
                name=strap.name,
                battery_pct=strap.battery_pct,
                body_location=strap.body_location,
            )
            attach_strap(conn, commit.session_id, strap_id)
    stops = heartbeats(conn, [commit.session_id for commit in commits])
    write_live_rows(conn, [_live_row(commit) for commit in commits])
    return stops


def _live_row(commit: RecorderCommit) -> dict[str, Any]:
    live = commit.live
    return live_row(
        commit.session_id,
        link=live.link,
        bpm=live.bpm,
        contact=live.contact,
        battery_pct=live.battery_pct,
        frames_ok=live.frames_ok,
        frames_malformed=live.frames_malformed,
        last_frame=live.last_frame,
    )
