"""`hrv-relax users`, `clients` and `audit`: the first admin, passwords never on the command line,
disabling, resetting, linking a client login, deleting a client, the dashboard's address."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from hrv_relax.auth.login import authenticate
from hrv_relax.cli.main import main
from hrv_relax.dashboard.server import is_loopback
from hrv_relax.demo.synthetic_history import seed_sessions
from hrv_relax.errors import LoginError
from hrv_relax.store import add_client, find_client, find_user, list_sessions, open_store
from tests.support.attack_practice import FIRST_DAY

GOOD = "a long enough secret"


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_first_admin_from_standard_input_then_list_disable_enable_reset(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ("--db", str(db_path))
    code, out, _ = run(capsys, monkeypatch, *db, "users")
    assert code == 0 and "hrv-relax users add --role admin NAME" in out
    code, _, err = run(
        capsys, monkeypatch, *db, "users", "add", "--role", "admin", "root",
        "--password-stdin", stdin=GOOD + "\n",
    )  # fmt: skip
    assert code == 0 and "added admin root" in err
    store = open_store(db_path)
    assert authenticate(store, "root", GOOD).role == "admin"
    code, out, _ = run(capsys, monkeypatch, *db, "users", "list", "--json")
    assert json.loads(out) == [
        {"username": "root", "display_name": "root", "role": "admin", "active": True, "demo": False}
    ]
    assert run(capsys, monkeypatch, *db, "users", "disable", "root")[0] == 0
    with pytest.raises(LoginError):
        authenticate(store, "root", GOOD)
    assert run(capsys, monkeypatch, *db, "users", "enable", "root")[0] == 0
    code, _, _ = run(
        capsys, monkeypatch, *db, "users", "reset-password", "root", "--password-stdin",
        stdin="another fine secret\n",
    )  # fmt: skip
    assert code == 0
    assert authenticate(store, "root", "another fine secret").username == "root"
    actions = run(capsys, monkeypatch, *db, "audit")[1]
    assert "user_added" in actions and "password reset" in actions and "disabled" in actions
    assert GOOD not in actions


def test_passwords_are_never_arguments_and_weak_ones_are_refused(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ("--db", str(db_path))
    with pytest.raises(SystemExit):  # there is no --password flag to put it in shell history
        main([*db, "users", "add", "--role", "admin", "root", "--password", GOOD])
    code, _, err = run(capsys, monkeypatch, *db, "users", "add", "--role", "admin", "root")
    assert code == 1 and "--password-stdin" in err  # no terminal to ask on
    for weak in ("short", "aaaaaaaaaaaa", "abababababab"):
        code, _, err = run(
            capsys, monkeypatch, *db, "users", "add", "--role", "admin", "root",
            "--password-stdin", stdin=weak + "\n",
        )  # fmt: skip
        assert code == 1 and "error:" in err
    assert find_user(open_store(db_path), "root") is None


def test_a_client_login_is_linked_to_its_client_record(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ("--db", str(db_path))
    store = open_store(db_path)
    add_client(store, "Ana Example")
    code, _, err = run(
        capsys, monkeypatch, *db, "users", "add", "--role", "client", "ana",
        "--password-stdin", stdin=GOOD + "\n",
    )  # fmt: skip
    assert code == 1 and "--client NAME" in err
    code, _, _ = run(
        capsys, monkeypatch, *db, "users", "add", "--role", "client", "ana",
        "--client", "ana example", "--password-stdin", stdin=GOOD + "\n",
    )  # fmt: skip
    assert code == 0
    user = find_user(store, "ana")
    client = find_client(store, "Ana Example")
    assert user is not None and client is not None and client.user_id == user.id


def test_deleting_a_client_needs_confirmation_and_removes_everything(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ("--db", str(db_path))
    store = open_store(db_path)
    client = add_client(store, "Bo Gone")
    seed_sessions(store, client.id, 2, first_day=FIRST_DAY)
    code, _, err = run(capsys, monkeypatch, *db, "clients", "delete", "Bo Gone")
    assert code == 1 and "confirmation" in err  # no terminal: --yes is required
    assert len(list_sessions(store, client_id=client.id)) == 2
    code, _, err = run(capsys, monkeypatch, *db, "clients", "delete", "bo gone", "--yes")
    assert code == 0 and "deleted Bo Gone: 2 sessions" in err
    assert find_client(store, "Bo Gone") is None and list_sessions(store) == []
    audit = run(capsys, monkeypatch, *db, "audit")[1]
    assert "client_deleted" in audit and "Bo Gone" not in audit


def test_clients_sharing_a_name_are_listed_and_named_by_number(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ("--db", str(db_path))
    store = open_store(db_path)
    assert "No clients yet" in run(capsys, monkeypatch, *db, "clients", "list")[1]
    run(
        capsys, monkeypatch, *db, "users", "add", "ana", "--role", "therapist",
        "--password-stdin", stdin=GOOD + "\n",
    )  # fmt: skip
    ana = find_user(store, "ana")
    assert ana is not None
    first = add_client(store, "Alex Smith", therapist_id=ana.id)
    second = add_client(store, "alex smith")
    code, out, _ = run(capsys, monkeypatch, *db, "clients", "list")
    assert code == 0
    assert f"#{first.id:<7} ana" in out and f"#{second.id:<7} —" in out
    code, _, err = run(capsys, monkeypatch, *db, "clients", "delete", "Alex Smith", "--yes")
    assert code == 1 and f"(#{first.id}, #{second.id})" in err and "by its number" in err
    assert len(err.strip().splitlines()) == 1  # one line, no traceback
    code, _, err = run(capsys, monkeypatch, *db, "clients", "delete", f"#{second.id}", "--yes")
    assert code == 0 and "deleted alex smith" in err
    assert find_client(store, "Alex Smith") == first


def test_sharing_setting(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ("--db", str(db_path))
    assert run(capsys, monkeypatch, *db, "clients")[1].strip() == "therapists share clients: off"
    assert run(capsys, monkeypatch, *db, "clients", "share", "on")[0] == 0
    assert run(capsys, monkeypatch, *db, "clients")[1].strip() == "therapists share clients: on"


def test_only_loopback_addresses_count_as_local() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")


def test_password_prompt_reads_from_a_terminal_without_echo(db_path: Path) -> None:
    # A real terminal (a pty): getpass asks twice; the password never appears in the output.
    script = (
        "import sys; from hrv_relax.cli.main import main; "
        f"sys.exit(main(['--db', {str(db_path)!r}, 'users', 'add', '--role', 'admin', 'root']))"
    )
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execv(sys.executable, [sys.executable, "-c", script])
    seen = b""
    for _ in range(2):
        while b"password" not in seen.lower() and b"again" not in seen.lower():
            seen += os.read(fd, 1024)
        os.write(fd, (GOOD + "\n").encode())
        seen = seen.lower().replace(b"password", b"").replace(b"again", b"")
    output = b""
    try:
        while chunk := os.read(fd, 1024):
            output += chunk
    except OSError:
        pass
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, output
    assert GOOD.encode() not in output + seen
    assert authenticate(open_store(db_path), "root", GOOD).role == "admin"


def test_dashboard_help_explains_host_and_tls() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "hrv_relax", "dashboard", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--host" in out and "127.0.0.1" in out and "TLS" in out
