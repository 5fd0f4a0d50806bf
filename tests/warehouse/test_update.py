"""`noegletal update` against a local Statbank: the files in ../shared/data/dst served under the API's paths.

The fake API answers `/v1/tableinfo/<TABLE>` (variables and value codes, made up here: the client must look codes
up by label, never guess them) and `/v1/data/<TABLE>/CSV?…` (the file whose fixed labels match the codes asked
for, byte for byte). A mode makes it misbehave the ways a real download can.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from warehouse.errors import DataError
from warehouse.statbank import TABLES, TIME_COLUMN, VALUE_COLUMN
from warehouse.update import UpdateError, data_url, tableinfo_url, update

BIL707 = "bil707_cars_by_municipality.csv"


class FakeStatbank:
    def __init__(self, dst: Path) -> None:
        self.dst = dst
        self.mode = "ok"
        self.requests: list[str] = []
        self.codes: dict[tuple[str, str], dict[str, str]] = {}  # (table, variable) -> label -> code
        for spec in TABLES:
            with open(dst / spec.file, encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.reader(fh, delimiter=";"))
            for i, column in enumerate(rows[0]):
                if column == VALUE_COLUMN:
                    continue
                labels = self.codes.setdefault((spec.table, column), {})
                for row in rows[1:]:
                    labels.setdefault(row[i], f"{column[:2]}{len(labels):03d}")

    def tableinfo(self, table: str) -> dict:
        columns = [c for t, c in self.codes if t == table]
        return {"id": table, "variables": [
            {"id": "Tid" if c == TIME_COLUMN else c, "time": c == TIME_COLUMN,
             "values": [{"id": code, "text": label} for label, code in self.codes[(table, c)].items()]}
            for c in columns]}

    def data(self, table: str, query: dict[str, str]) -> bytes:
        for spec in TABLES:
            if spec.table != table:
                continue
            if all(self.codes[(table, var)].get(label) == query.get(var) for var, label in spec.fixed):
                assert query.get(spec.area) == "*" and query.get("Tid") == "*" and query.get("lang") == "en"
                body = (self.dst / spec.file).read_bytes()
                if self.mode == "truncated":
                    return body[: len(body) * 2 // 3]
                if self.mode == "columns":
                    first, rest = body.split(b"\n", 1)
                    return first.replace(b";TID;", b";ENHED;TID;") + b"\n" + rest
                if self.mode == "fewer":  # a clean cut at a row boundary: the last period is gone entirely
                    lines = body.decode("utf-8-sig").splitlines()
                    last = max(line.split(";")[-2] for line in lines[1:])
                    return ("\ufeff" + "\n".join(x for x in lines if f";{last};" not in x) + "\n").encode()
                return body
        raise KeyError(f"no file for {table} {query}")


@pytest.fixture
def statbank(data_dir: Path) -> Iterator[tuple[FakeStatbank, str]]:
    fake = FakeStatbank(data_dir / "dst")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            url = urllib.parse.urlsplit(self.path)
            fake.requests.append(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            parts = url.path.strip("/").split("/")
            if fake.mode == "http500":
                return self._send(500, b"Internal Server Error", "text/plain")
            if parts[:2] == ["v1", "tableinfo"]:
                import json
                return self._send(200, json.dumps(fake.tableinfo(parts[2])).encode(), "application/json")
            if parts[:2] == ["v1", "data"] and parts[3] == "CSV":
                if fake.mode == "html":
                    return self._send(200, b"<!DOCTYPE html><html><body><h1>Der opstod en fejl</h1></body></html>",
                                      "text/html")
                return self._send(200, fake.data(parts[2], query), "text/csv; charset=utf-8")
            return self._send(404, b"not found", "text/plain")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def local_data(tmp_path: Path, data_dir: Path) -> Path:
    """A data directory whose dst/ files are copies (the update writes there); the rest linked."""
    root = tmp_path / "data"
    root.mkdir()
    for sub in ("noegletal", "geo", "reference", "regk31"):
        (root / sub).symlink_to(data_dir / sub, target_is_directory=True)
    shutil.copytree(data_dir / "dst", root / "dst")
    return root


def _shas(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def _older(path: Path, last: str) -> None:
    """Make a local file look like an earlier pull: without its last period."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    path.write_text("\n".join(x for x in lines if f";{last};" not in x) + "\n", encoding="utf-8-sig")


def test_urls_are_the_statbank_api_paths():
    assert tableinfo_url("https://api.statbank.dk/v1", "FOLK1AM") == \
        "https://api.statbank.dk/v1/tableinfo/FOLK1AM?lang=en&format=JSON"
    assert data_url("https://api.statbank.dk/v1", "FOLK1AM", [("OMRÅDE", "*"), ("KØN", "TOT"), ("ALDER", "IALT"),
                                                               ("Tid", "*")]) == (
        "https://api.statbank.dk/v1/data/FOLK1AM/CSV?lang=en&valuePresentation=Value&OMR%C3%85DE=*&K%C3%98N=TOT"
        "&ALDER=IALT&Tid=*")


def test_update_downloads_checks_writes_and_rebuilds(statbank, local_data: Path, data_dir: Path, tmp_path: Path):
    from warehouse.build import build
    from warehouse.client import Warehouse

    fake, api = statbank
    _older(local_data / "dst" / BIL707, "2026")
    target = tmp_path / "nt.duckdb"
    report = update(local_data, lambda: build(local_data, target), api=api)
    assert report.written == [BIL707]
    assert len(report.unchanged) == len(TABLES) - 1
    assert _shas(local_data / "dst") == _shas(data_dir / "dst")  # byte for byte what the API served
    assert not list((local_data / "dst").glob(".*.tmp"))
    assert sum("/tableinfo/" in r for r in fake.requests) == len(TABLES)
    assert all("lang=en" in r for r in fake.requests)
    wh = Warehouse(target)
    try:
        assert wh.scalar("SELECT value FROM national WHERE figure = 'Personbiler i alt 1. januar' "
                         "AND year = 2026") == 2_914_000
    finally:
        wh.close()


@pytest.mark.parametrize(("mode", "words"), [
    ("html", ["HTML", "afvist", "bevaret"]),
    ("truncated", ["afvist", "afkortet"]),
    ("columns", ["afvist", "kolonner"]),
    ("fewer", ["afvist", "mangler perioderne"]),
    ("http500", ["500"]),
])
def test_a_bad_download_is_rejected_and_the_old_data_stays(statbank, local_data: Path, mode: str,
                                                           words: list[str]):
    fake, api = statbank
    fake.mode = mode
    _older(local_data / "dst" / BIL707, "2026")  # an update is due, and must still not happen
    before = _shas(local_data / "dst")
    rebuilt: list[bool] = []
    with pytest.raises(UpdateError) as err:
        update(local_data, lambda: rebuilt.append(True), api=api)
    for word in words:
        assert word in str(err.value), (word, str(err.value))
    assert _shas(local_data / "dst") == before
    assert rebuilt == []


def test_a_download_that_does_not_build_is_rolled_back(statbank, local_data: Path):
    fake, api = statbank
    _older(local_data / "dst" / BIL707, "2026")
    before = _shas(local_data / "dst")

    def failing_build() -> None:
        raise DataError("kontrol fejlede (test)", "x:1")

    with pytest.raises(DataError):
        update(local_data, failing_build, api=api)
    assert _shas(local_data / "dst") == before


def test_cli_update_and_offline(statbank, local_data: Path, tmp_path: Path, monkeypatch, capsys):
    from noegletal.cli import main
    from noegletal.settings import get_settings

    fake, api = statbank
    monkeypatch.setenv("NOEGLETAL_DATA_DIR", str(local_data))
    monkeypatch.setenv("NOEGLETAL_WAREHOUSE_PATH", str(tmp_path / "cli.duckdb"))
    get_settings.cache_clear()
    try:
        assert main(["update", "--api", api]) == 0
        out = capsys.readouterr().out
        assert "Danmarks Statistik: 0 tabeller opdateret" in out and "Lager bygget" in out
        fake.mode = "html"
        assert main(["update", "--offline"]) == 0  # today's behaviour: no download, just the build
        assert fake.requests and all("/v1/" in r for r in fake.requests)
        count = len(fake.requests)
        assert main(["update", "--api", api]) == 2
        assert "HTML" in capsys.readouterr().err
        assert len(fake.requests) > count
    finally:
        get_settings.cache_clear()
