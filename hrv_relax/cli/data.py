"""The `hrv-relax` commands that move data in and out: import, report, export.

The analysis, report and import modules are imported inside the commands that use them:
they pull in scipy and matplotlib, and `hrv-relax record` (which imports this module to build
its parser) should start in a fraction of a second.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hrv_relax.cli.users import operator
from hrv_relax.errors import HrvRelaxError
from hrv_relax.formats import FORMAT_HELP, FORMATS, parse_recording, read_recording_file
from hrv_relax.private_files import write_private
from hrv_relax.store import Store, open_store
from hrv_relax.store.access import find_visible_client, visible_beats
from hrv_relax.store.people import no_such_client

EXIT_OK = 0
DEFAULT_IMPORT_CLIENT = "Imported recordings"
BEAT_FORMATS = ("csv", "rr")
#: One session's every neurokit2 HRV index, per phase (slow: seconds per thousand beats).
INDEX_FORMATS = ("full-indices",)
CLIENT_FORMATS = ("summaries", "archive")
REPORT_FORMATS = ("pdf", "html")
#: Progress is printed for imports with more beats than this (a few seconds of work).
PROGRESS_BEATS = 20_000


def add_data_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `import`, `report` and `export` on the main parser's subcommands."""
    p = sub.add_parser("import", help="import an RR recording made elsewhere as a session")
    p.add_argument("path", type=Path, metavar="PATH")
    p.add_argument(
        "--client",
        default=DEFAULT_IMPORT_CLIENT,
        help="client name (created if new) or number (#N)",
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="auto",
        help="; ".join(f"{k}: {v}" for k, v in FORMAT_HELP.items()),
    )
    p.add_argument(
        "--started-at",
        metavar="ISO",
        help="when the recording began, e.g. 2026-11-30T14:05 (clinic time) or with an offset; "
        "default: the date in the file (needed for a file without one)",
    )
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("report", help="write a session's take-home report (PDF or HTML)")
    p.add_argument("session_id", type=int, metavar="SESSION_ID")
    p.add_argument(
        "--output", type=Path, metavar="PATH", required=True, help="file.pdf or file.html"
    )
    p.add_argument("--format", choices=REPORT_FORMATS, help="default: from the file's suffix")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser(
        "export",
        help="export a session's beats, or a client's summaries or whole archive",
        description="csv/rr: one session's beats. full-indices: every neurokit2 HRV index of "
        "each phase of one session, one row per phase. summaries: one row per session (of "
        "--client, or everyone). archive: a zip of everything about --client.",
    )
    p.add_argument("session_id", type=int, nargs="?", metavar="SESSION_ID")
    p.add_argument(
        "--format", choices=(*BEAT_FORMATS, *INDEX_FORMATS, *CLIENT_FORMATS), default="csv"
    )
    p.add_argument("--client", help="client name or number #N (summaries, archive)")
    p.add_argument("--output", type=Path, metavar="PATH", help="file to write (default: stdout)")
    p.set_defaults(func=_cmd_export)


def _progress(done: int, total: int) -> None:
    if total <= PROGRESS_BEATS:
        return
    end = "\n" if done == total else "\r" if sys.stderr.isatty() else "\n"
    if done == total or sys.stderr.isatty() or done % (10 * 5000) == 0:
        print(
            f"importing: {done:,} of {total:,} beats ({100 * done // total} %)",
            end=end,
            file=sys.stderr,
            flush=True,
        )


def _phase_progress(done: int, total: int) -> None:
    print(f"neurokit2 indices: phase {done} of {total} done", file=sys.stderr, flush=True)


def _cmd_import(args: argparse.Namespace) -> int:
    # The file is read (its size checked first) and parsed before anything else is loaded or
    # written: a file that cannot be imported costs little memory and leaves no client behind.
    data = read_recording_file(args.path)
    recording = parse_recording(data, filename=args.path.name, fmt=args.format)
    if recording.started_at is None and args.started_at is None:
        raise HrvRelaxError(
            f"{args.path} ({recording.description}) records no date: say when it began with "
            "--started-at, e.g. --started-at 2026-11-30T14:05 (clinic time)"
        )
    from hrv_relax.capture.importing import import_recording
    from hrv_relax.views.local_time import ClinicClock
    from hrv_relax.views.summary_cache import analyze_stored

    store = open_store(args.db)
    clock = ClinicClock.for_store(store)
    started_at = None if args.started_at is None else clock.parse(args.started_at)
    result = import_recording(
        store,
        operator(),
        data,
        client=args.client,
        filename=args.path.name,
        fmt=args.format,
        progress=_progress,
        recording=recording,
        started_at=started_at,
    )
    analyze_stored(store, operator(), result.session_id)
    print(result.session_id, flush=True)
    dated = (
        "as given" if started_at is not None else "the date in the file; --started-at changes it"
    )
    print(
        f"imported {result.n_beats:,} beats ({result.duration_s / 60:.1f} min, "
        f"{result.description}) for {result.client_name} as session {result.session_id}, "
        f"recorded {clock.when(result.started_at)} {clock.name} ({dated})",
        file=sys.stderr,
    )
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from hrv_relax.report import render_html, render_pdf
    from hrv_relax.views.review import review_view

    fmt = args.format or args.output.suffix.lower().lstrip(".")
    if fmt not in REPORT_FORMATS:
        raise HrvRelaxError(
            f"cannot tell the report format from {args.output.name!r}: "
            "use a .pdf or .html name, or --format"
        )
    view = review_view(open_store(args.db), operator(), args.session_id)
    data = render_pdf(view) if fmt == "pdf" else render_html(view).encode("utf-8")
    write_atomically(args.output, data)
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def _client_id(store: Store, name: str | None) -> int | None:
    if name is None:
        return None
    client = find_visible_client(store, operator(), name)
    if client is None:
        raise HrvRelaxError(no_such_client(name))
    return client.id


def _cmd_export(args: argparse.Namespace) -> int:
    from hrv_relax.views.client_archive import client_archive
    from hrv_relax.views.export import full_indices_csv, render, summaries_to_csv
    from hrv_relax.views.local_time import ClinicClock
    from hrv_relax.views.summary_cache import session_summaries

    store = open_store(args.db)
    if args.format in BEAT_FORMATS:
        if args.session_id is None:
            raise HrvRelaxError(f"--format {args.format} exports one session: give SESSION_ID")
        beats = visible_beats(store, operator(), args.session_id)
        data = render(beats, args.format).encode("utf-8")
    elif args.format in INDEX_FORMATS:
        if args.session_id is None:
            raise HrvRelaxError(f"--format {args.format} exports one session: give SESSION_ID")
        data = full_indices_csv(
            store, operator(), args.session_id, progress=_phase_progress
        ).encode("utf-8")
    elif args.format == "summaries":
        client_id = _client_id(store, args.client)
        rows = session_summaries(
            store, operator(), client_ids=None if client_id is None else [client_id]
        )
        data = summaries_to_csv(rows, ClinicClock.for_store(store)).encode("utf-8")
    else:
        client_id = _client_id(store, args.client)
        if client_id is None:
            raise HrvRelaxError("--format archive needs --client NAME")
        if args.output is None:
            raise HrvRelaxError("--format archive writes a zip: give --output FILE.zip")
        data = client_archive(store, operator(), client_id)
    if args.output is None:
        sys.stdout.write(data.decode("utf-8"))
        return EXIT_OK
    write_atomically(args.output, data)
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def write_atomically(path: Path, data: bytes) -> None:
    """Write a private file (0600) beside the target and rename: never half-written.

    A failure names the file the user asked for, never the temporary beside it.
    """
    if not path.parent.is_dir():
        raise HrvRelaxError(f"cannot write {path}: the folder {path.parent} does not exist")
    if path.is_dir():
        raise HrvRelaxError(f"cannot write {path}: it is a folder, give a file name")
    try:
        write_private(path, data)
    except OSError as exc:
        raise HrvRelaxError(f"cannot write {path}: {exc.strerror or exc}") from None
