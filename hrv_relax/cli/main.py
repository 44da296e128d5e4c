"""The `hrv-relax` command. Errors are one clear line on stderr and a non-zero exit code."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, cast

from hrv_relax import __version__
from hrv_relax.capture.recorder import Recorder, RecordingResult
from hrv_relax.capture.simulator import SessionPlan, SimulatedStrap
from hrv_relax.capture.sources import BeatSource
from hrv_relax.cli.data import add_data_commands
from hrv_relax.cli.users import add_account_commands, operator
from hrv_relax.config import DEFAULT_DASHBOARD_ADDRESS, ENV_DB, resolve_db_url
from hrv_relax.dashboard.server import run_demo, serve_dashboard
from hrv_relax.errors import HrvRelaxError
from hrv_relax.private_files import PRIVATE_UMASK
from hrv_relax.store import (
    SessionRecord,
    Store,
    create_session,
    find_user,
    get_client,
    get_or_add_client,
    open_store,
)
from hrv_relax.store.access import find_visible_client, mark_session, stop_session, visible_sessions
from hrv_relax.store.people import no_such_client
from hrv_relax.store.schema import PHASES
from hrv_relax.store.sessions import discard_if_empty
from hrv_relax.views.local_time import ClinicClock

log = logging.getLogger("hrv_relax")

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a program the pipe ended
MARK_CHOICES = (*PHASES, "technique", "pressure", "region", "note")


def _add_global_options(parser: argparse.ArgumentParser, *, after_command: bool = False) -> None:
    """--db and -v: before the command (`hrv-relax --db F demo`) or after it (`demo --db F`).

    After the command they default to nothing, so that they do not undo what was given before it.
    """
    db_default: Any = argparse.SUPPRESS if after_command else None
    verbose_default: Any = argparse.SUPPRESS if after_command else 0
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help=(
            f"database file or SQLAlchemy URL (default: ${ENV_DB}, else your data folder; "
            "the demo uses its own demo file and never $HRV_RELAX_DB)"
        ),
        default=db_default,
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=verbose_default,
        help="log what hrv-relax does on stderr (-vv: debugging detail)",
    )


class _CommandParser(argparse.ArgumentParser):
    """A command's parser (and its actions'): it takes the global options too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _add_global_options(self, after_command=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hrv-relax",
        description="Heart-rate-variability relaxation tracking for massage therapy.",
    )
    parser.add_argument("--version", action="version", version=f"hrv-relax {__version__}")
    _add_global_options(parser)
    sub = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(
            dest="command", metavar="COMMAND", required=True, parser_class=_CommandParser
        ),
    )

    p = sub.add_parser(
        "demo", help="seed a demo practice, start a simulated session, open the dashboard"
    )
    p.add_argument("--port", type=_port, default=None, help="dashboard port (default 8501)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("record", help="record a session from a strap or the simulated strap")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--simulate", action="store_true", help="use the simulated strap")
    src.add_argument("--device", metavar="ADDRESS", help="Bluetooth address of the strap")
    # No default client: a session filed under an anonymous name is one nobody can find.
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--client", help="client name (created if new) or number (#N)")
    who.add_argument(
        "--client-id",
        type=_client_id,
        metavar="ID",
        help="an existing client's id (what the dashboard passes: no name on the command line)",
    )
    p.add_argument(
        "--therapist",
        metavar="USERNAME",
        help="the therapist giving the session (default: the client's assigned therapist)",
    )
    p.add_argument(
        "--duration", type=_positive_float, metavar="SECONDS", help="stop after this long"
    )
    p.add_argument("--seed", type=int, default=0, help="simulated strap: random seed")
    p.add_argument("--fast", action="store_true", help="simulated strap: as fast as possible")
    p.add_argument(
        "--no-auto-phases",
        action="store_true",
        help="simulated strap: do not mark the simulated baseline/massage/recovery phases",
    )
    p.set_defaults(func=_cmd_record)

    p = sub.add_parser("scan", help="list heart-rate straps in range")
    p.add_argument("--timeout", type=_positive_float, default=5.0, metavar="S")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_scan)

    p = sub.add_parser("sessions", help="list sessions")
    p.add_argument("--client", help="only this client's sessions (name or #N)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_sessions)

    p = sub.add_parser("mark", help="add a phase, technique or note marker to a recording session")
    p.add_argument("session_id", type=int, metavar="SESSION_ID")
    p.add_argument("kind", choices=MARK_CHOICES, metavar="KIND", help=", ".join(MARK_CHOICES))
    p.add_argument("text", nargs="?", default="", help="phase name, technique, or note text")
    p.set_defaults(func=_cmd_mark)

    p = sub.add_parser("stop", help="ask a recording session's recorder to stop")
    p.add_argument("session_id", type=int, metavar="SESSION_ID")
    p.set_defaults(func=_cmd_stop)

    add_data_commands(sub)
    add_account_commands(sub)

    p = sub.add_parser("dashboard", help="serve the dashboard (login required)")
    p.add_argument("--port", type=_port, default=None, help="port (default 8501)")
    p.add_argument(
        "--host",
        default=DEFAULT_DASHBOARD_ADDRESS,
        metavar="ADDRESS",
        help=f"address to listen on (default {DEFAULT_DASHBOARD_ADDRESS}: this computer only; "
        "0.0.0.0 serves the network: put it behind a TLS reverse proxy, see docs/privacy.md)",
    )
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.set_defaults(func=_cmd_dashboard)
    return parser


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port {value} is outside 1-65535")
    return value


def _client_id(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a client id")
    return int(text)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    # Whatever this process and its children (recorders, the dashboard) create is theirs alone.
    os.umask(PRIVATE_UMASK)
    parser = build_parser()
    args = parser.parse_args(argv)
    # Quiet by default: stderr carries warnings, errors and what a command says it did.
    level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("alembic", "bleak", "dbus_fast", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.INFO if args.verbose > 1 else logging.WARNING)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        code = func(args)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        return code
    except BrokenPipeError:
        # `hrv-relax sessions | head`: the reader has all it wanted. End quietly, and keep
        # Python from complaining when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except HrvRelaxError as exc:
        print(f"hrv-relax: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("hrv-relax: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:
        print(
            f"hrv-relax: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return EXIT_ERROR


def _store(args: argparse.Namespace) -> Store:
    return open_store(args.db)


def _cmd_record(args: argparse.Namespace) -> int:
    store = _store(args)
    therapist_id = _therapist_id(store, args.therapist)
    if args.client_id is not None:
        client = get_client(store, args.client_id)
    else:
        client = get_or_add_client(store, args.client, therapist_id=therapist_id)
    if therapist_id is None:
        therapist_id = client.therapist_id
    source: BeatSource
    phases: tuple[tuple[float, str], ...] = ()
    if args.simulate:
        plan = SessionPlan()
        if args.duration:
            plan = _plan_for(args.duration)
        source = SimulatedStrap(seed=args.seed, plan=plan, realtime=not args.fast)
        if not args.no_auto_phases:
            phases = plan.phase_starts()
    else:
        from hrv_relax.capture.ble import BleStrap  # imported here: only this path needs bleak

        source = BleStrap(args.device)
    # Claiming the strap here refuses a second recorder before it prints a session id.
    session_id = create_session(
        store,
        client.id,
        source=source.kind,
        therapist_id=therapist_id,
        strap_address=source.address,
    )
    # The id goes to stdout at once, so scripts and the dashboard can follow the session.
    print(session_id, flush=True)
    recorder = Recorder(store, session_id, source, scheduled_phases=phases)
    result = asyncio.run(_run_until_signal(recorder, args.duration))
    log.info(
        "session %d ended (%s): %d beats, %d malformed frames skipped, %d gaps",
        session_id,
        result.stopped_by,
        result.stats.beats,
        result.stats.frames_malformed,
        result.stats.gaps,
    )
    if (
        not result.stats.beats
        and not result.journaled_beats
        and discard_if_empty(store, session_id)
    ):
        print(
            f"hrv-relax: no beat came from the strap, so session {session_id} was not kept "
            "(is the strap worn, moistened and in range?)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    if result.journaled_beats:
        log.warning(
            "the database was unreachable at the end: %s; what is on disk is written when "
            "hrv-relax next records with this database",
            result.kept,
        )
    return EXIT_OK


def _therapist_id(store: Store, username: str | None) -> int | None:
    if username is None:
        return None
    user = find_user(store, username)
    if user is None or user.role != "therapist" or not user.active:
        raise HrvRelaxError(f"no active therapist account named {username!r}")
    return user.id


def _plan_for(duration_s: float) -> SessionPlan:
    """A simulated session that fits `duration_s`: 10 % baseline and recovery, the rest massage."""
    edge = min(300.0, duration_s * 0.1)
    return SessionPlan(baseline_s=edge, massage_s=duration_s - 2 * edge, recovery_s=edge)


async def _run_until_signal(recorder: Recorder, duration_s: float | None) -> RecordingResult:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, recorder.stop, "signal")
    return await recorder.run(duration_s)


def _cmd_scan(args: argparse.Namespace) -> int:
    from hrv_relax.capture.ble import scan  # imported here: only this path needs bleak

    straps = asyncio.run(scan(timeout_s=args.timeout))
    if args.json:
        print(json.dumps([s.to_json() for s in straps], indent=2))
    elif not straps:
        print("No heart-rate straps found. Is the strap worn, moistened, not connected elsewhere?")
    else:
        for s in straps:
            print(s.describe())
    return EXIT_OK


def _cmd_sessions(args: argparse.Namespace) -> int:
    store = _store(args)
    client_id = None
    if args.client:
        client = find_visible_client(store, operator(), args.client)
        if client is None:
            raise HrvRelaxError(no_such_client(args.client))
        client_id = client.id
    rows = visible_sessions(store, operator(), client_id=client_id)
    clock = ClinicClock.for_store(store)
    if args.json:
        print(json.dumps([_session_json(r, clock) for r in rows], indent=2))
        return EXIT_OK
    if not rows:
        print("No sessions yet. Record one with: hrv-relax record --device ADDRESS --client NAME")
        return EXIT_OK
    start = f"start ({clock.name})"
    width = max(len(start), 16)  # "2026-11-30 14:05" or the header with the zone's name
    print(f"{'id':>5}  {'client':<20} {start:<{width}} {'minutes':>7}  {'status':<11} {'beats':>6}")
    for r in rows:
        minutes = "" if r.duration_s is None else f"{r.duration_s / 60:.1f}"
        print(
            f"{r.id:>5}  {r.client_name[:20]:<20} {clock.stamp(r.started_at):<{width}} "
            f"{minutes:>7}  {r.status:<11} {r.n_beats:>6}"
        )
    return EXIT_OK


def _session_json(r: SessionRecord, clock: ClinicClock) -> dict[str, object]:
    return {
        "id": r.id,
        "client": r.client_name,
        "client_id": r.client_id,
        "start": clock.iso(r.started_at),
        "end": clock.iso(r.ended_at) if r.ended_at else None,
        "status": r.status,
        "n_beats": r.n_beats,
        "source": r.source,
    }


def _cmd_mark(args: argparse.Namespace) -> int:
    store = _store(args)
    if args.kind in PHASES:
        marker = mark_session(store, operator(), args.session_id, "phase", args.kind)
    else:
        marker = mark_session(store, operator(), args.session_id, args.kind, args.text)
    print(f"marked {marker.kind} {marker.value!r} at {marker.t_s:.1f} s")
    return EXIT_OK


def _cmd_stop(args: argparse.Namespace) -> int:
    stop_session(_store(args), operator(), args.session_id)
    print(f"asked session {args.session_id} to stop")
    return EXIT_OK


def _cmd_dashboard(args: argparse.Namespace) -> int:
    return serve_dashboard(
        resolve_db_url(args.db), port=args.port, open_browser=not args.no_browser, host=args.host
    )


def _cmd_demo(args: argparse.Namespace) -> int:
    return run_demo(args.db, port=args.port, open_browser=not args.no_browser)


if __name__ == "__main__":
    sys.exit(main())
