"""Beat times from notification arrival times: straps send RR intervals but no timestamps.

The RR values are exact (1/1024 s); arrival times are jittery and sometimes late. Beats are placed
by the running sum of RR intervals, and the time line is re-anchored to an arrival when the sum and
the arrival disagree: beats cannot end after the notification that carries them arrived, and time
the RR intervals do not account for (a lost notification, no skin contact, a dropped link) is a gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Unaccounted time beyond this between the last placed beat and a new notification's first RR is
# a gap: normal lag of RR values behind their beat is under ~1.5 s (one notification period plus
# radio latency), so 2 s leaves room for jitter while catching a lost notification.
GAP_THRESHOLD_S = 2.0


@dataclass(frozen=True, slots=True)
class Gap:
    """Time with no beats recorded: from the last beat before to the start of the next interval."""

    start_t_s: float
    end_t_s: float

    @property
    def duration_s(self) -> float:
        return self.end_t_s - self.start_t_s


@dataclass(frozen=True, slots=True)
class Placement:
    t_s: tuple[float, ...]  # end time of each RR interval, same order as given
    gap: Gap | None = None


class BeatTimeline:
    """Places each notification's RR intervals on the session's time line."""

    def __init__(self, gap_threshold_s: float = GAP_THRESHOLD_S) -> None:
        self._gap_threshold_s = gap_threshold_s
        self._last_t_s: float | None = None
        self._link_lost = False

    @property
    def last_t_s(self) -> float | None:
        return self._last_t_s

    def mark_gap(self) -> None:
        """The link was lost: the next RR re-anchors to its arrival; the time between is a gap."""
        self._link_lost = True

    def place(self, arrival_t_s: float, rr_ms: Sequence[float]) -> Placement:
        if not rr_ms:
            return Placement(())
        ends_before_arrival = _ends_anchored_at(arrival_t_s, rr_ms)
        last = self._last_t_s
        if last is None:
            self._last_t_s = ends_before_arrival[-1]
            return Placement(ends_before_arrival)
        running = []
        t = last
        for value in rr_ms:
            t += value / 1000.0
            running.append(t)
        unaccounted_s = arrival_t_s - running[-1]
        gap: Gap | None = None
        if self._link_lost or unaccounted_s > self._gap_threshold_s:
            # Re-anchored to the arrival, but never before the last beat: beats keep their order.
            early_s = max(0.0, last + rr_ms[0] / 1000.0 - ends_before_arrival[0])
            placed = tuple(t + early_s for t in ends_before_arrival)
            gap = Gap(last, placed[0] - rr_ms[0] / 1000.0)
            self._link_lost = False
        elif unaccounted_s < 0:
            # The running sum ran ahead of the clock: beats cannot end after they were reported.
            # Shift this batch back to end at the arrival, keeping the order of beats.
            shift = -unaccounted_s
            placed = tuple(max(v - shift, last) for v in running)
        else:
            placed = tuple(running)
        self._last_t_s = placed[-1]
        return Placement(placed, gap)


def _ends_anchored_at(arrival_t_s: float, rr_ms: Sequence[float]) -> tuple[float, ...]:
    # The last RR ends at the arrival; earlier ones are placed back by the running sum.
    ends = [arrival_t_s]
    for value in reversed(rr_ms[1:]):
        ends.append(ends[-1] - value / 1000.0)
    return tuple(reversed(ends))
