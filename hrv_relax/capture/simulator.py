"""A simulated chest strap: realistic RR intervals sent as real 0x2A37 frames.

The RR model is the classic sum of autonomic rhythms (e.g. McSharry et al. 2003, IEEE TBME
50(3):289, doi:10.1109/TBME.2003.808805): a mean heart period, respiratory sinus arrhythmia at the
breathing rate, a Mayer-wave LF oscillation near 0.1 Hz, and correlated noise. During massage the
client relaxes with individual strength and speed: heart rate falls, RSA grows and breathing
slows (Diego & Field 2009; Kaye 2008). A tense stretch (a painful trigger point, a client who
braces) can be scheduled: for its length the heart speeds up and RSA shrinks, the defence
pattern of vagal withdrawal (Berntson et al. 1997, Psychophysiology 34:623). Ectopic beats
(premature beat plus compensatory pause) and contact-loss episodes happen at random.
Everything is deterministic for a given seed.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import numpy as np

from hrv_relax.capture.sources import LinkEvent, Notification, SourceEvent
from hrv_relax.heart_rate import encode_measurement, rr_ms_to_raw, rr_raw_to_ms

NOTIFICATION_PERIOD_S = 1.0  # straps notify about once a second
NOTIFICATION_JITTER_S = 0.05
SIMULATED_ADDRESS = "SIM:00:00:00:00:01"  # the strap of seed 0
#: A tense stretch: heart rate rises this much above rest, RSA loses this share, and both
#: build and fade over this ramp (a client braces and lets go within seconds, not at once).
TENSE_HR_RISE_BPM = 9.0
TENSE_RSA_LOSS = 0.6
TENSE_RAMP_S = 30.0


def simulated_address(seed: int) -> str:
    """Each seed is its own simulated strap, so several can record at once (one per room)."""
    n = (seed + 1) % (1 << 40)
    return "SIM:" + ":".join(f"{b:02X}" for b in n.to_bytes(5, "big"))


@dataclass(frozen=True, slots=True)
class ClientProfile:
    """How a simulated client's heart behaves. Values are typical of healthy adults at rest."""

    rest_hr_bpm: float = 70.0
    rsa_ms: float = 35.0  # half peak-to-peak respiratory modulation of RR at rest
    lf_ms: float = 20.0
    noise_ms: float = 8.0
    breath_hz: float = 0.25
    relax_hr_drop_bpm: float = 7.0  # full relaxation response during massage
    relax_rsa_gain: float = 0.6  # relative RSA increase at full relaxation
    relax_tau_s: float = 420.0  # how fast the response builds
    ectopic_per_hour: float = 12.0
    contact_losses_per_hour: float = 1.5

    @staticmethod
    def random(rng: np.random.Generator) -> ClientProfile:
        """A plausible individual: some relax strongly, some hardly at all."""
        return ClientProfile(
            rest_hr_bpm=float(rng.uniform(58, 82)),
            rsa_ms=float(rng.uniform(15, 55)),
            lf_ms=float(rng.uniform(10, 30)),
            noise_ms=float(rng.uniform(5, 10)),
            breath_hz=float(rng.uniform(0.2, 0.3)),
            relax_hr_drop_bpm=float(rng.uniform(0.0, 11.0)),
            relax_rsa_gain=float(rng.uniform(0.0, 0.9)),
            relax_tau_s=float(rng.uniform(200, 700)),
            ectopic_per_hour=float(rng.uniform(0, 30)),
            contact_losses_per_hour=float(rng.uniform(0, 3)),
        )


@dataclass(frozen=True, slots=True)
class SessionPlan:
    """The phases of a massage session, in seconds."""

    baseline_s: float = 300.0
    massage_s: float = 2400.0
    recovery_s: float = 300.0
    tense_s: tuple[float, float] | None = None  # (start, end) of a tense stretch, session time

    @property
    def total_s(self) -> float:
        return self.baseline_s + self.massage_s + self.recovery_s

    def phase_starts(self) -> tuple[tuple[float, str], ...]:
        return (
            (0.0, "baseline"),
            (self.baseline_s, "massage"),
            (self.baseline_s + self.massage_s, "recovery"),
        )

    def relaxation(self, t_s: float, tau_s: float) -> float:
        """Progress of the relaxation response, 0 (baseline) to 1, at session time t_s."""
        massage_t = t_s - self.baseline_s
        if massage_t <= 0:
            return 0.0
        # Recovery keeps most of the response: the client rests, still relaxed.
        return 1.0 - math.exp(-min(massage_t, self.massage_s) / tau_s)

    def tension(self, t_s: float) -> float:
        """How tense the client is at session time t_s: 0 (not) to 1 (fully, mid-stretch)."""
        if self.tense_s is None:
            return 0.0
        start, end = self.tense_s
        rise = (t_s - start) / TENSE_RAMP_S
        fall = (end - t_s) / TENSE_RAMP_S
        return min(1.0, max(0.0, min(rise, fall)))


@dataclass(frozen=True, slots=True)
class SimulatedBeat:
    t_s: float  # when the beat happened (end of the interval)
    rr_ms: float  # as the strap reports it: a whole number of 1/1024 s
    ectopic: bool


@dataclass(frozen=True, slots=True)
class ContactLoss:
    start_t_s: float
    end_t_s: float


def simulate_beats(
    plan: SessionPlan, profile: ClientProfile, seed: int
) -> tuple[list[SimulatedBeat], list[ContactLoss]]:
    """Every beat of a simulated session, and the episodes when the strap lost skin contact."""
    rng = np.random.default_rng(seed)
    lf_phase = rng.uniform(0, 2 * math.pi)
    breath_phase = 0.0
    noise = 0.0
    noise_keep = 0.7  # AR(1) coefficient: beat-to-beat noise is correlated
    out: list[SimulatedBeat] = []
    t = 0.0
    pending_compensation = 0.0
    p_ectopic = profile.ectopic_per_hour / 3600.0
    while t < plan.total_s:
        tense = plan.tension(t)
        relax = plan.relaxation(t, profile.relax_tau_s) * (1.0 - tense)
        hr = profile.rest_hr_bpm - profile.relax_hr_drop_bpm * relax + TENSE_HR_RISE_BPM * tense
        breath_hz = profile.breath_hz * (1.0 - 0.2 * relax)
        rsa = (
            profile.rsa_ms * (1.0 + profile.relax_rsa_gain * relax) * (1.0 - TENSE_RSA_LOSS * tense)
        )
        lf = profile.lf_ms * (1.0 - 0.3 * relax)
        noise = noise_keep * noise + rng.normal(0.0, profile.noise_ms)
        mean_rr = 60000.0 / hr
        rr = (
            mean_rr
            + rsa * math.sin(breath_phase)
            + lf * math.sin(2 * math.pi * 0.1 * t + lf_phase)
            + noise
        )
        ectopic = False
        if pending_compensation:
            rr = pending_compensation
            pending_compensation = 0.0
        elif rng.random() < p_ectopic * rr / 1000.0:
            # A premature beat, then a compensatory pause: the pair spans about two normal beats.
            ectopic = True
            premature = rr * rng.uniform(0.55, 0.75)
            pending_compensation = 2 * rr - premature
            rr = premature
        rr = rr_raw_to_ms(rr_ms_to_raw(max(rr, 300.0)))
        t += rr / 1000.0
        # Breathing is not a metronome: its phase advances with a little wander.
        breath_phase += 2 * math.pi * breath_hz * rr / 1000.0 * rng.uniform(0.9, 1.1)
        out.append(SimulatedBeat(t_s=t, rr_ms=rr, ectopic=ectopic))
    return out, _contact_losses(plan, profile, rng)


def _contact_losses(
    plan: SessionPlan, profile: ClientProfile, rng: np.random.Generator
) -> list[ContactLoss]:
    n = rng.poisson(profile.contact_losses_per_hour * plan.total_s / 3600.0)
    starts = np.sort(rng.uniform(30.0, max(plan.total_s - 30.0, 31.0), size=n))
    return [ContactLoss(float(s), float(s + rng.uniform(4.0, 20.0))) for s in starts]


@dataclass(frozen=True, slots=True)
class Frame:
    """One simulated notification: its arrival time and bytes."""

    t_s: float
    data: bytes


def frames_for(beats: list[SimulatedBeat], losses: list[ContactLoss], seed: int) -> Iterator[Frame]:
    """Pack beats into ~1 s notifications as a strap does: 0-3 RR each, none without contact."""
    rng = np.random.default_rng(seed + 1)
    end_t = beats[-1].t_s if beats else 0.0
    i = 0
    frame_t = NOTIFICATION_PERIOD_S
    energy_kj = 0
    recent: list[float] = []
    while frame_t <= end_t + NOTIFICATION_PERIOD_S:
        in_frame: list[SimulatedBeat] = []
        while i < len(beats) and beats[i].t_s <= frame_t:
            in_frame.append(beats[i])
            i += 1
        lost = any(loss.start_t_s <= frame_t < loss.end_t_s for loss in losses)
        if lost:
            # No skin contact: the strap reports 0 bpm and the beats in between are not detected.
            data = encode_measurement(0, sensor_contact=False)
        else:
            kept = [b for b in in_frame if not _in_loss(b.t_s, losses)]
            recent = ([*recent, *(b.rr_ms for b in kept)])[-4:]
            bpm = round(60000.0 / (sum(recent) / len(recent))) if recent else 0
            energy_kj += 0 if frame_t % 60 else 1
            data = encode_measurement(
                bpm,
                sensor_contact=True,
                energy_kj=energy_kj if int(frame_t) % 10 == 0 else None,
                rr_ms=[b.rr_ms for b in kept],
            )
        yield Frame(frame_t + float(rng.uniform(0.0, NOTIFICATION_JITTER_S)), data)
        frame_t += NOTIFICATION_PERIOD_S


def _in_loss(t_s: float, losses: list[ContactLoss]) -> bool:
    return any(loss.start_t_s <= t_s < loss.end_t_s for loss in losses)


class SimulatedStrap:
    """A BeatSource that plays a simulated session, in real time or as fast as possible."""

    def __init__(
        self,
        *,
        seed: int = 0,
        plan: SessionPlan | None = None,
        profile: ClientProfile | None = None,
        realtime: bool = True,
        battery_pct: int = 87,
    ) -> None:
        self.seed = seed
        self.plan = plan or SessionPlan()
        self.profile = profile or ClientProfile.random(np.random.default_rng(seed))
        self.realtime = realtime
        self.battery_pct = battery_pct
        self._closed = asyncio.Event()
        self._t0 = time.monotonic()
        self._virtual_now = 0.0

    @property
    def kind(self) -> str:
        return "simulated"

    @property
    def address(self) -> str | None:
        return simulated_address(self.seed)

    def now(self) -> float:
        return time.monotonic() - self._t0 if self.realtime else self._virtual_now

    async def close(self) -> None:
        self._closed.set()

    async def events(self) -> AsyncIterator[SourceEvent]:
        yield LinkEvent(0.0, "simulated", battery_pct=self.battery_pct, detail="simulated strap")
        beats, losses = simulate_beats(self.plan, self.profile, self.seed)
        for frame in frames_for(beats, losses, self.seed):
            if self._closed.is_set():
                return
            if self.realtime:
                delay = frame.t_s - self.now()
                if delay > 0:
                    try:
                        await asyncio.wait_for(self._closed.wait(), timeout=delay)
                        return
                    except TimeoutError:
                        pass
            else:
                self._virtual_now = frame.t_s
                await asyncio.sleep(0)  # let the recorder flush and signals through
            yield Notification(frame.t_s, frame.data)
