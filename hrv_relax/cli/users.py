"""The `hrv-relax users`, `clients` and `audit` commands: accounts, client records, privacy.

The person at the command line acts as the local operator (the system principal): whoever can
run hrv-relax against the database can read the database file anyway.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from hrv_relax.auth.passwords import hash_password
from hrv_relax.errors import HrvRelaxError
from hrv_relax.records import Viewer
from hrv_relax.store import Store, find_client, open_store
from hrv_relax.store.access import local_operator, visible_clients
from hrv_relax.store.accounts import (
    assign_therapist,
    create_user,
    delete_client,
    list_users,
    set_active,
    set_clinic_name,
    set_password_hash,
    set_therapists_share,
    set_time_zone,
    therapists_share,
)
from hrv_relax.store.audit import recent_audit
from hrv_relax.store.people import no_such_client
from hrv_relax.store.schema import ROLES
from hrv_relax.store.settings import clinic_name
from hrv_relax.store.user_names import user_names
from hrv_relax.views.local_time import ClinicClock

EXIT_OK = 0
EXIT_ERROR = 1


def operator() -> Viewer:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        name = "unknown"
    return local_operator(name)


def add_account_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `users`, `clients` and `audit` on the main parser's subcommands."""
    users = sub.add_parser("users", help="list, add, disable, enable users; reset passwords")
    users.set_defaults(func=_cmd_users_list, json=False)
    u = users.add_subparsers(dest="users_command", metavar="ACTION")

    p = u.add_parser("list", help="list users")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_users_list)

    p = u.add_parser("add", help="add a user (asks for the password)")
    p.add_argument("username", metavar="NAME")
    p.add_argument("--role", choices=ROLES, required=True)
    p.add_argument("--display-name", default="", help="the name shown in the dashboard")
    p.add_argument(
        "--client", metavar="CLIENT", help="role client: the client record it opens (name or #N)"
    )
    _password_flag(p)
    p.set_defaults(func=_cmd_users_add)

    for action, helptext in (("disable", "stop a user logging in"), ("enable", "allow again")):
        p = u.add_parser(action, help=helptext)
        p.add_argument("username", metavar="NAME")
        p.set_defaults(func=_cmd_users_active, active=action == "enable")

    p = u.add_parser("reset-password", help="set a new password (asks for it)")
    p.add_argument("username", metavar="NAME")
    _password_flag(p)
    p.set_defaults(func=_cmd_users_reset)

    clients = sub.add_parser(
        "clients", help="list, assign, delete clients; therapists sharing clients"
    )
    clients.set_defaults(func=_cmd_share_show)
    c = clients.add_subparsers(dest="clients_command", metavar="ACTION")
    p = c.add_parser(
        "list", help="list clients with their numbers (#N names one where names repeat)"
    )
    p.set_defaults(func=_cmd_clients_list)
    p = c.add_parser("assign", help="make a therapist the client's therapist")
    p.add_argument("client", metavar="CLIENT", help="the client's name or number (#N)")
    p.add_argument("--therapist", required=True, metavar="USER")
    p.set_defaults(func=_cmd_clients_assign)
    p = c.add_parser("delete", help="delete a client with all their data (irreversible)")
    p.add_argument("client", metavar="CLIENT", help="the client's name or number (#N)")
    p.add_argument("--yes", action="store_true", help="do not ask to type the name to confirm")
    p.set_defaults(func=_cmd_clients_delete)
    p = c.add_parser("share", help="whether every therapist sees every client")
    p.add_argument("state", choices=("on", "off"))
    p.set_defaults(func=_cmd_share_set)

    p = sub.add_parser(
        "practice",
        help="show or set the clinic's name (on reports) and time zone (for every time shown)",
    )
    p.add_argument("--clinic-name", metavar="NAME", help='e.g. "Harbour Massage" ("" for none)')
    p.add_argument(
        "--time-zone",
        metavar="ZONE",
        help='IANA name such as Europe/Berlin ("" for this computer\'s zone); '
        "$HRV_RELAX_TIMEZONE overrides it",
    )
    p.set_defaults(func=_cmd_practice)

    p = sub.add_parser("audit", help="show the audit log: logins, denials, exports, deletions")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=_cmd_audit)


def _password_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )


def read_password(args: argparse.Namespace, username: str) -> str:
    """The new password: from stdin with --password-stdin, else asked twice without echo."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise HrvRelaxError("no password on standard input")
        return password
    if not sys.stdin.isatty():
        raise HrvRelaxError(
            "no terminal to ask for the password: give it on standard input with --password-stdin"
        )
    password = getpass.getpass(f"New password for {username}: ")
    if getpass.getpass("Again: ") != password:
        raise HrvRelaxError("the two passwords differ: nothing was changed")
    return password


def _store(args: argparse.Namespace) -> Store:
    return open_store(args.db)


def _cmd_users_list(args: argparse.Namespace) -> int:
    rows = list_users(_store(args), operator())
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "username": u.username,
                        "display_name": u.display_name,
                        "role": u.role,
                        "active": u.active,
                        "demo": u.is_demo,
                    }
                    for u in rows
                ],
                indent=2,
            )
        )
        return EXIT_OK
    if not rows:
        print("No users yet. Add the first admin: hrv-relax users add --role admin NAME")
        return EXIT_OK
    print(f"{'user':<24} {'role':<10} {'state':<9} name")
    for u in rows:
        state = "active" if u.active else "disabled"
        print(f"{u.username:<24} {u.role:<10} {state:<9} {u.display_name}")
    return EXIT_OK


def _cmd_users_add(args: argparse.Namespace) -> int:
    store = _store(args)
    password = read_password(args, args.username)
    user = create_user(
        store,
        operator(),
        args.username,
        role=args.role,
        password_hash=hash_password(password, username=args.username),
        display_name=args.display_name,
        client_name=args.client,
    )
    print(f"added {user.role} {user.username}", file=sys.stderr)
    return EXIT_OK


def _cmd_users_active(args: argparse.Namespace) -> int:
    user = set_active(_store(args), operator(), args.username, args.active)
    print(f"{user.username} is {'enabled' if user.active else 'disabled'}", file=sys.stderr)
    return EXIT_OK


def _cmd_users_reset(args: argparse.Namespace) -> int:
    store = _store(args)
    password = read_password(args, args.username)
    set_password_hash(
        store, operator(), args.username, hash_password(password, username=args.username)
    )
    print(f"new password set for {args.username}", file=sys.stderr)
    return EXIT_OK


def _cmd_clients_list(args: argparse.Namespace) -> int:
    store = _store(args)
    rows = visible_clients(store, operator())
    if not rows:
        print("No clients yet. They are added by recording or importing a session for them.")
        return EXIT_OK
    therapists = user_names(store, (c.therapist_id for c in rows if c.therapist_id is not None))
    print(f"{'number':<8} {'therapist':<24} name")
    for c in rows:
        therapist = "—" if c.therapist_id is None else therapists.get(c.therapist_id, "?")
        print(f"{'#' + str(c.id):<8} {therapist:<24} {c.name}")
    return EXIT_OK


def _cmd_clients_assign(args: argparse.Namespace) -> int:
    assign_therapist(_store(args), operator(), args.client, args.therapist)
    print(f"{args.therapist} is now the therapist of {args.client}", file=sys.stderr)
    return EXIT_OK


def _cmd_clients_delete(args: argparse.Namespace) -> int:
    store = _store(args)
    client = find_client(store, args.client)
    if client is None:
        raise HrvRelaxError(no_such_client(args.client))
    if not args.yes:
        if not sys.stdin.isatty():
            raise HrvRelaxError("deleting needs confirmation: run in a terminal, or add --yes")
        print(
            f"This deletes {client.name} with every session, beat, marker and summary, and "
            "their login. It cannot be undone (backups keep copies until they expire).",
            file=sys.stderr,
        )
        if input("Type the client's name to confirm: ").strip() != client.name:
            raise HrvRelaxError("the name did not match: nothing was deleted")
    gone = delete_client(store, operator(), client.id)
    print(
        f"deleted {gone.name}: {gone.n_sessions} sessions, {gone.n_beats:,} beats",
        file=sys.stderr,
    )
    return EXIT_OK


def _cmd_share_show(args: argparse.Namespace) -> int:
    share = therapists_share(_store(args))
    print(f"therapists share clients: {'on' if share else 'off'}")
    return EXIT_OK


def _cmd_share_set(args: argparse.Namespace) -> int:
    set_therapists_share(_store(args), operator(), args.state == "on")
    print(f"therapists share clients: {args.state}", file=sys.stderr)
    return EXIT_OK


def _cmd_practice(args: argparse.Namespace) -> int:
    store = _store(args)
    if args.time_zone is not None:
        set_time_zone(store, operator(), args.time_zone)
    if args.clinic_name is not None:
        set_clinic_name(store, operator(), args.clinic_name)
    print(f"clinic name: {clinic_name(store) or '(none)'}")
    print(f"time zone: {ClinicClock.for_store(store).name}")
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace) -> int:
    store = _store(args)
    clock = ClinicClock.for_store(store)
    print(f"times in {clock.name}")
    for e in recent_audit(store, limit=args.limit):
        when = clock.when_seconds(e.at)
        print(f"{when:<21} {e.username:<20} {e.action:<15} {e.target} {e.detail}")
    return EXIT_OK
