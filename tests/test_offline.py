"""Offline, as the design defines it: no connect/connect_ex/bind/sendto on AF_INET/AF_INET6
sockets and no name resolution, while CaseLens imports and exports a case."""
from __future__ import annotations

import importlib
import json
import socket

import pytest

import main
from tests.store.factory import write_csv

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
