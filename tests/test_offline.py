"""Offline, as the design defines it: no connect/connect_ex/bind/sendto on AF_INET/AF_INET6
sockets and no name resolution, while CaseLens imports, extracts (in this process and in its
worker processes), exports and shows a case.

The end-to-end proof runs real processes with the guard installed before anything else (a
``sitecustomize`` module on ``PYTHONPATH``, so spawned extraction workers are guarded too).
The one refused attempt allowed is urllib3's import-time probe for IPv6 support
(``urllib3.util.connection._has_ipv6`` binds ``::1`` port 0, sends nothing and copes with the
refusal); urllib3 comes in with spaCy."""
from __future__ import annotations

import importlib
import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import main
from tests.store.factory import write_csv

ROOT = Path(__file__).resolve().parents[1]

_NETWORK_FAMILIES = {socket.AF_INET, socket.AF_INET6}


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Make every network operation fail loudly (local AF_UNIX sockets still work).

    urllib3 (imported by spaCy through ``spacy.cli`` → requests) probes for IPv6 support once,
    at import, by binding a throwaway socket to ``::1`` port 0 — loopback only, nothing sent.
    It is imported before the guard so that one-time probe does not depend on test order;
    anything CaseLens does afterwards is guarded."""
    importlib.import_module("urllib3")
    attempts: list[str] = []

    def guard(name, original):
        def guarded(self, *args, **kwargs):
            if self.family in _NETWORK_FAMILIES:
                attempts.append(f"{name}{args!r}")
                raise NetworkUsed(f"network use: socket.{name}{args!r}")
            return original(self, *args, **kwargs)
        return guarded

    for name in ("connect", "connect_ex", "bind", "sendto"):
        monkeypatch.setattr(socket.socket, name, guard(name, getattr(socket.socket, name)))

    def resolver(name):
        def refuse(*args, **kwargs):
            attempts.append(f"{name}{args!r}")
            raise NetworkUsed(f"name resolution: socket.{name}{args!r}")
        return refuse

    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        monkeypatch.setattr(socket, name, resolver(name))
    yield attempts
    assert attempts == [], f"CaseLens used the network: {attempts}"


def test_the_guard_catches_network_use_and_allows_local_sockets(no_network):
    with pytest.raises(NetworkUsed):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as probe, pytest.raises(NetworkUsed):
        probe.sendto(b"x", ("::1", 9))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe, pytest.raises(NetworkUsed):
        probe.bind(("127.0.0.1", 0))
    local_a, local_b = socket.socketpair()  # AF_UNIX (multiprocessing) stays allowed
    local_a.sendall(b"ok")
    assert local_b.recv(2) == b"ok"
    local_a.close()
    local_b.close()
    no_network.clear()


def test_import_extraction_and_export_work_offline(tmp_path, no_network):
    export = write_csv(tmp_path / "notes.csv", [
        ("1", "12/03/2023", "Police attended the home after Mum said Darren pushed her. Kayden was upset."),
        ("2", "13/03/2023", "Phone call with school: attendance good, no concerns."),
    ])
    case = tmp_path / "case.caselens"
    assert main.main(["import", str(export), "--case", str(case)]) == 0
    assert main.main(["extract", "--case", str(case)]) == 0
    assert main.main(["info", "--case", str(case)]) == 0
    out = tmp_path / "case.json"
    assert main.main(["export", "--case", str(case), "--format", "json", "--out", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert len(document["notes"]) == 2
    assert [i["status"] for i in document["imports"]] == ["complete"]


_GUARD = textwrap.dedent(
    """
    import os, socket, sys, traceback

    _LOG = os.environ["CASELENS_OFFLINE_LOG"]
    _NETWORK = {socket.AF_INET, socket.AF_INET6}

    def _write(kind, detail):
        with open(_LOG, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\\t{kind}\\t{detail}\\n")

    def _refuse(what):
        frames = [f"{frame.filename}:{frame.name}" for frame in traceback.extract_stack()[:-2]]
        _write("network", f"{what} from " + " < ".join(reversed(frames)))
        raise PermissionError(f"network use refused by the offline test: {what}")

    def _guarded(name, original):
        def guarded(self, *args, **kwargs):
            if self.family in _NETWORK:
                _refuse(f"socket.{name}{args!r}")
            return original(self, *args, **kwargs)
        return guarded

    for _name in ("connect", "connect_ex", "bind", "sendto"):
        setattr(socket.socket, _name, _guarded(_name, getattr(socket.socket, _name)))

    def _resolver(name):
        def refuse(*args, **kwargs):
            _refuse(f"socket.{name}{args!r}")
        return refuse

    for _name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "gethostbyaddr"):
        setattr(socket, _name, _resolver(_name))
    _write("start", " ".join(sys.orig_argv)[:300].replace("\\n", " "))
    """
)

_UI = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from PySide6.QtCore import QEventLoop, QTimer
    from desktop.app import application
    from desktop.main_window import VIEWS, MainWindow
    from desktop.settings import Settings

    app = application()
    window = MainWindow(Settings(), preload_language_model=False, remember_layout=False)
    window.show()
    assert window.open_path(Path({case!r}))
    for name, _title, _key in VIEWS:
        window.show_view(name)
        loop = QEventLoop()
        QTimer.singleShot(300, loop.quit)
        loop.exec()
        assert window.current_view() == name, (name, window.current_view())
    window.close_case()
    window.close()
    print("views shown", flush=True)
    """
)


def _guarded_run(tmp_path: Path, log: Path, args: list[str], **env: str) -> str:
    guard = tmp_path / "guard"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(_GUARD, encoding="utf-8")
    environment = dict(os.environ, PYTHONPATH=str(guard), CASELENS_OFFLINE_LOG=str(log),
                       QT_QPA_PLATFORM="offscreen", **env)
    done = subprocess.run([sys.executable, *args], env=environment, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def _entries(log: Path, kind: str) -> list[tuple[str, str]]:
    rows = [line.split("\t", 2) for line in log.read_text(encoding="utf-8").splitlines()]
    return [(pid, detail) for pid, what, detail in rows if what == kind]


def _unexpected(log: Path) -> list[str]:
    """Refused network attempts other than urllib3's IPv6 probe (the innermost caller)."""
    return [detail for _pid, detail in _entries(log, "network")
            if " from " not in detail or "urllib3/util/connection.py:_has_ipv6" not in detail.split(" from ", 1)[1].split(" < ")[0]]


def test_import_with_worker_processes_export_and_the_app_work_with_the_network_refused(tmp_path):
    export = write_csv(tmp_path / "notes.csv", [
        (str(i), f"{i + 1:02d}/03/2023", text) for i, text in enumerate([
            "Police attended the home after Mum said Darren pushed her. Kayden was upset.",
            "Phone call with school: attendance good, no concerns.",
            "Home visit. Mum said Darren has moved back in; Kayden is scared of him.",
            "Strategy discussion held with police and health; section 47 enquiry agreed.",
            "Kayden seen alone at school. He said he feels safe with Nan.",
        ])
    ])
    case = tmp_path / "case.caselens"
    main_py = str(ROOT / "main.py")
    import_log = tmp_path / "import.log"
    _guarded_run(tmp_path, import_log, [main_py, "import", str(export), "--case", str(case)],
                 CASELENS_WORKER_PROCESSES="2")
    # Workers are forked from a forkserver (the guard, installed when the forkserver started,
    # is inherited by every worker forked from it) or, where there is none, spawned afresh.
    forkservers = [pid for pid, argv in _entries(import_log, "start") if "forkserver" in argv]
    spawned = [pid for pid, argv in _entries(import_log, "start") if "spawn_main" in argv]
    assert forkservers or len(set(spawned)) >= 2, "extraction did not run in worker processes"
    assert _unexpected(import_log) == []

    log = tmp_path / "rest.log"
    exports = [["export", "--case", str(case), "--format", file_format, "--out", str(tmp_path / f"chronology.{file_format}")]
               for file_format in ("json", "csv", "docx")]
    script = "import json, sys\nsys.path.insert(0, {root!r})\nimport main\nfor argv in json.loads(sys.argv[1]):\n    assert main.main(argv) == 0, argv\n"
    _guarded_run(tmp_path, log, ["-c", script.format(root=str(ROOT)), json.dumps(exports)])
    assert all((tmp_path / f"chronology.{file_format}").stat().st_size > 0 for file_format in ("json", "csv", "docx"))
    document = json.loads((tmp_path / "chronology.json").read_text(encoding="utf-8"))
    assert [i["status"] for i in document["imports"]] == ["complete"] and document["events"]
    assert "views shown" in _guarded_run(tmp_path, log, ["-c", _UI.format(root=str(ROOT), case=str(case))])
    assert _unexpected(log) == []
    assert len(_entries(log, "start")) >= 2  # the guard ran in every process


def test_the_process_guard_refuses_and_records_network_use(tmp_path):
    log = tmp_path / "probe.log"
    script = "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=1)\nexcept OSError:\n    print('refused')\n"
    assert _guarded_run(tmp_path, log, ["-c", script]).strip() == "refused"
    assert len(_unexpected(log)) == 1 and "getaddrinfo" in _unexpected(log)[0]
