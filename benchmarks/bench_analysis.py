"""Analysis speed and memory, as ratios against a naive neurokit2 loop timed in the same run.

Naive baseline: for every rolling window analyze_session computes (HR/RMSSD 60 s every 5 s;
HF/LF 120 s every 10 s), call neurokit2's ``signal_fixpeaks`` (Kubios method) then
``hrv_time`` or ``hrv_frequency`` (4 Hz, ms^2) on that window's beats. For the 22.5 h record
the naive loop is timed on every 40th window and scaled to the full count (it would take
minutes); the figure printed says so. Peak memory is the high-water mark of a fresh process
that loads and analyses the record, read by that process itself (``VmHWM``): a count taken in
the parent after the child exits would inherit the parent's own peak.
"""

import gzip
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from benchmarks.timing import FULL, Size, size_from_argv

REFERENCE = Path(__file__).resolve().parents[1] / ".." / "shared" / "reference"
NSR = REFERENCE / "nsr2db" / "nsr001_rr_ms.txt.gz"
SESSION_S = 3600.0
#: Repeats of our (fast) analysis: the minimum is taken, so other load on a shared machine
#: inflates the figure less (the naive loop runs for seconds and averages such load out).
OURS_REPEATS_HOUR = 15
OURS_REPEATS_DAY = 3
DAY_SAMPLE_EVERY = 40
LIVE_BEATS = 20_000


def load_day() -> np.ndarray:
    """The 22.5 h nsr2db record (RR in ms)."""
    with gzip.open(NSR, "rt") as handle:
        return np.loadtxt(handle)


def naive_windows(t_s: np.ndarray) -> list[tuple[str, int, int]]:
    """(kind, lo, hi) beat ranges of the rolling windows analyze_session computes."""
    out = []
    for kind, width, step in (("time", 60.0, 5.0), ("frequency", 120.0, 10.0)):
        for end in np.arange(width, t_s[-1], step):
            lo, hi = np.searchsorted(t_s, [end - width, end], side="right")
            out.append((kind, int(lo), int(hi)))
    return out


def naive_loop(rr_ms: np.ndarray, windows: list[tuple[str, int, int]]) -> float:
    """Seconds for the neurokit2 window-by-window baseline."""
    import neurokit2 as nk

    peaks_ms = np.concatenate(([0], np.round(np.cumsum(rr_ms)).astype(np.int64)))
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kind, lo, hi in windows:
            _, fixed = nk.signal_fixpeaks(
                peaks_ms[lo : hi + 1], sampling_rate=1000, method="Kubios"
            )
            if kind == "time":
                nk.hrv_time(fixed, sampling_rate=1000)
            else:
                nk.hrv_frequency(fixed, sampling_rate=1000, interpolation_rate=4, normalize=False)
    return time.perf_counter() - start


def ours(rr_ms: np.ndarray) -> float:
    """Seconds for analyze_session on the same beats."""
    from hrv_relax.analysis import analyze_session

    start = time.perf_counter()
    analyze_session(rr_ms)
    return time.perf_counter() - start


def own_peak_mb() -> float:
    """This process's own peak resident memory in MB (Linux VmHWM; elsewhere ru_maxrss)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024.0 / (1024.0 if sys.platform == "darwin" else 1.0)


def peak_rss_mb_of_day_analysis() -> float:
    """Peak RSS (MB) of a fresh process that loads and analyses the 22.5 h record.

    The child reports its own high-water mark: its memory alone, interpreter and imports
    included, not this (parent) process's.
    """
    code = (
        "from benchmarks.bench_analysis import load_day, own_peak_mb; "
        "from hrv_relax.analysis import analyze_session; analyze_session(load_day()); "
        "print(own_peak_mb())"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=root, capture_output=True, text=True
    )
    return float(done.stdout.split()[-1])


def live_us_per_notification(rr_ms: np.ndarray) -> float:
    """Mean microseconds per one-beat push into LiveHrv."""
    from hrv_relax.analysis import LiveHrv

    live = LiveHrv()
    beats = rr_ms
    start = time.perf_counter()
    for value in beats:
        live.push(value)
    return (time.perf_counter() - start) / beats.size * 1e6


def main(size: Size = FULL) -> None:
    """Print the analysis figures (quick: a 10-minute session, fewer samples and repeats)."""
    if not NSR.exists():
        print(f"analysis benchmarks skipped: {NSR} missing")
        return
    day = load_day()
    t_day = np.cumsum(day) / 1000.0
    session_s = size.pick(int(SESSION_S), 600)
    hour = day[: int(np.searchsorted(t_day, session_s))]
    t_hour = np.cumsum(hour) / 1000.0

    hour_windows = naive_windows(t_hour)
    naive_hour = naive_loop(hour, hour_windows)
    ours_hour = min(ours(hour) for _ in range(size.pick(OURS_REPEATS_HOUR, 3)))
    print(
        f"{session_s / 60:.0f} min session: analyze_session {ours_hour * 1000:.0f} ms, "
        "naive neurokit2 loop "
        f"({len(hour_windows)} windows) {naive_hour:.2f} s -> {naive_hour / ours_hour:.0f}x "
        "faster (goal >= 20x)"
    )

    day_windows = naive_windows(t_day)
    sampled = day_windows[:: size.pick(DAY_SAMPLE_EVERY, 20 * DAY_SAMPLE_EVERY)]
    naive_day = naive_loop(day, sampled) * len(day_windows) / len(sampled)
    ours_day = min(ours(day) for _ in range(size.pick(OURS_REPEATS_DAY, 1)))
    print(
        f"22.5 h record: analyze_session {ours_day:.2f} s, naive loop ~{naive_day:.0f} s "
        f"(timed on {len(sampled)} of {len(day_windows)} windows, scaled) -> "
        f"{ours_day / naive_day:.4f} of naive (goal < 0.1)"
    )
    print(f"22.5 h record: peak RSS {peak_rss_mb_of_day_analysis():.0f} MB (goal < 500 MB)")
    live_us = live_us_per_notification(day[: size.pick(LIVE_BEATS, 2_000)])
    print(f"live update: {live_us:.1f} us per notification (goal < 1000)")


if __name__ == "__main__":
    main(size_from_argv())
