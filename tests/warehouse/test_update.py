"""`noegletal update` against a local Statbank: the files in ../shared/data/dst served under the API's paths.

The fake API answers `/v1/tableinfo/<TABLE>` (variables and value codes, made up here: the client must look codes
up by label, never guess them) and `/v1/data/<TABLE>/CSV?…` (the file whose fixed labels match the codes asked
for, byte for byte). REGK31 is served in Danish (`lang=da`) in the API's own CSV layout (a header row, `;`), built
from ../shared/data/regk31/<year>.csv, with a DRANST variable the client must leave out (eliminable), as the files
have no column for it. A mode makes it misbehave the ways a real download can (`only` limits it to one table).
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
from warehouse.update import UpdateError, data_url, resolve_regk31, tableinfo_url, update

BIL707 = "bil707_cars_by_municipality.csv"
REGK31_HEADER = "OMRÅDE;FUNKTION;ART;PRISENHED;TID;INDHOLD"


class FakeRegk31:
    """REGK31 as the API gives it, from the files here: every area, function and year in one long table."""

    def __init__(self, directory: Path) -> None:
        self.cells: dict[tuple[str, str, int], str] = {}
        self.areas: list[str] = []
        self.functions: list[str] = []
        self.years: list[int] = []
        for path in sorted(directory.glob("*.csv")):
            year = int(path.stem)
            self.years.append(year)
            with open(path, encoding="utf-8", newline="") as fh:
                for unit, kind, function, area, value in csv.reader(fh):
                    self.unit, self.kind = unit, kind
                    self.cells[(area, function, year)] = value
                    if area not in self.areas:
                        self.areas.append(area)
                    if function not in self.functions:
                        self.functions.append(function)
        self.codes = {"OMRÅDE": {a: f"{i:03d}" for i, a in enumerate(self.areas)},
                      "FUNKTION": {f: f.split(" ")[0].replace(".", "") for f in self.functions},
                      "DRANST": {"1 Driftskonti": "1"}, "ART": {self.kind: "TOT"}, "PRISENHED": {self.unit: "INDL"}}

    def tableinfo(self) -> dict:
        variables = [{"id": var, "text": var.lower(), "elimination": var == "DRANST",
                      "values": [{"id": code, "text": label} for label, code in labels.items()]}
                     for var, labels in self.codes.items()]
        variables.append({"id": "Tid", "text": "tid", "time": True,
                          "values": [{"id": str(y), "text": str(y)} for y in self.years]})
        return {"id": "REGK31", "variables": variables}

    def data(self, query: dict[str, str], mode: str) -> bytes:
        assert query.get("lang") == "da" and query.get("OMRÅDE") == "*" and query.get("Tid") == "*"
        assert "DRANST" not in query  # eliminable, and the files have no column for it
        assert set(query["FUNKTION"].split(",")) == set(self.codes["FUNKTION"].values())
        assert query["ART"] == "TOT" and query["PRISENHED"] == "INDL"
        header = REGK31_HEADER.replace(";TID;", ";ENHED;TID;") if mode == "columns" else REGK31_HEADER
        years = self.years[:-1] if mode == "fewer" else self.years
        rows = [f"{area};{function};{self.kind};{self.unit};{year};{self.cells[(area, function, year)]}"
                for area in self.areas for function in self.functions for year in years]
        if mode == "value":  # a value Statbank does not publish
            rows[len(rows) // 2] = rows[len(rows) // 2].rsplit(";", 1)[0] + ";.."
        body = ("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode()
        return body[: len(body) * 2 // 3] if mode == "truncated" else body


class FakeStatbank:
    def __init__(self, dst: Path) -> None:
        self.dst = dst
        self.mode = "ok"
        self.only: str | None = None  # the one table that misbehaves (None: all)
        self.regk31 = FakeRegk31(dst.parent / "regk31")
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

    def misbehaves(self, table: str, mode: str) -> bool:
        return self.mode == mode and self.only in (None, table)

    def data(self, table: str, query: dict[str, str]) -> bytes:
        if table == "REGK31":
            return self.regk31.data(query, self.mode if self.only in (None, table) else "ok")
        mode = self.mode if self.only in (None, table) else "ok"
        for spec in TABLES:
            if spec.table != table:
                continue
            if all(self.codes[(table, var)].get(label) == query.get(var) for var, label in spec.fixed):
                assert query.get(spec.area) == "*" and query.get("Tid") == "*" and query.get("lang") == "en"
                body = (self.dst / spec.file).read_bytes()
                if mode == "truncated":
                    return body[: len(body) * 2 // 3]
                if mode == "columns":
                    first, rest = body.split(b"\n", 1)
                    return first.replace(b";TID;", b";ENHED;TID;") + b"\n" + rest
                if mode == "fewer":  # a clean cut at a row boundary: the last period is gone entirely
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
            if len(parts) > 2 and fake.misbehaves(parts[2], "http500"):
                return self._send(500, b"Internal Server Error", "text/plain")
            if parts[:2] == ["v1", "tableinfo"]:
                import json
                info = fake.regk31.tableinfo() if parts[2] == "REGK31" else fake.tableinfo(parts[2])
                return self._send(200, json.dumps(info).encode(), "application/json")
            if parts[:2] == ["v1", "data"] and parts[3] == "CSV":
                if fake.misbehaves(parts[2], "html"):
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
    """A data directory whose dst/ and regk31/ files are copies (the update writes there); the rest linked."""
    root = tmp_path / "data"
    root.mkdir()
    for sub in ("noegletal", "geo", "reference"):
        (root / sub).symlink_to(data_dir / sub, target_is_directory=True)
    shutil.copytree(data_dir / "dst", root / "dst")
    shutil.copytree(data_dir / "regk31", root / "regk31")
    return root


def _shas(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def _older_regk31(directory: Path) -> None:
    """Make the local REGK31 look like an earlier pull: without its last year, and one value since revised."""
    last = max(directory.glob("*.csv"))
    last.unlink()
    before = max(directory.glob("*.csv"))
    lines = before.read_bytes().split(b"\r\n")
    head, _, value = lines[0].rpartition(b",")
    lines[0] = head + b"," + str(int(value) + 1).encode()
    before.write_bytes(b"\r\n".join(lines))


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
    assert tableinfo_url("https://api.statbank.dk/v1", "REGK31", lang="da") == \
        "https://api.statbank.dk/v1/tableinfo/REGK31?lang=da&format=JSON"
    assert data_url("https://api.statbank.dk/v1", "REGK31", [("OMRÅDE", "*"), ("FUNKTION", "02820,03231"),
                                                              ("ART", "TOT"), ("PRISENHED", "INDL"), ("Tid", "*")],
                    lang="da") == (
        "https://api.statbank.dk/v1/data/REGK31/CSV?lang=da&valuePresentation=Value&OMR%C3%85DE=*"
        "&FUNKTION=02820,03231&ART=TOT&PRISENHED=INDL&Tid=*")


def test_update_downloads_checks_writes_and_rebuilds(statbank, local_data: Path, data_dir: Path, tmp_path: Path):
    from warehouse.build import build
    from warehouse.client import Warehouse

    fake, api = statbank
    _older(local_data / "dst" / BIL707, "2026")
    target = tmp_path / "nt.duckdb"
    report = update(local_data, lambda: build(local_data, target), api=api)
    assert report.written == [BIL707]
    assert len(report.unchanged) == len(TABLES) - 1 + len(list(data_dir.joinpath("regk31").glob("*.csv")))
    assert _shas(local_data / "dst") == _shas(data_dir / "dst")  # byte for byte what the API served
    assert not list((local_data / "dst").glob(".*.tmp"))
    assert sum("/tableinfo/" in r for r in fake.requests) == len(TABLES) + 1  # and REGK31
    assert all(("lang=da" if "/REGK31" in r else "lang=en") in r for r in fake.requests)
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
    _older_regk31(local_data / "regk31")
    before = _shas(local_data / "dst"), _shas(local_data / "regk31")

    def failing_build() -> None:
        assert (local_data / "regk31" / "2024.csv").exists()  # the new files were in place for the build
        raise DataError("kontrol fejlede (test)", "x:1")

    with pytest.raises(DataError):
        update(local_data, failing_build, api=api)
    assert (_shas(local_data / "dst"), _shas(local_data / "regk31")) == before  # 2024.csv, new, is gone again


def test_regk31_is_fetched_in_the_layout_of_the_files_here(statbank, local_data: Path, data_dir: Path,
                                                           tmp_path: Path):
    from warehouse.build import build
    from warehouse.client import Warehouse

    fake, api = statbank
    _older_regk31(local_data / "regk31")
    target = tmp_path / "nt.duckdb"
    report = update(local_data, lambda: build(local_data, target), api=api)
    assert report.written == ["regk31/2023.csv", "regk31/2024.csv"]  # the revised year and the new one
    # byte for byte the files here: no header, comma-separated, quoted text, CRLF, function by function
    assert _shas(local_data / "regk31") == _shas(data_dir / "regk31")
    assert not list((local_data / "regk31").glob(".*.tmp"))
    (request,) = [r for r in fake.requests if r.startswith("/v1/data/REGK31/")]
    assert request.startswith("/v1/data/REGK31/CSV?lang=da&valuePresentation=Value&OMR%C3%85DE=*&FUNKTION=")
    assert "DRANST" not in request and request.endswith("&ART=TOT&PRISENHED=INDL&Tid=*")
    assert report.urls[-1] == api + request.removeprefix("/v1")
    wh = Warehouse(target)
    try:
        assert wh.scalar("SELECT value FROM national WHERE figure = '0.28.20 Grønne områder og naturpladser "
                         "(netto, kr. pr. indb.)' AND year = 2024") == 210  # the first line of regk31/2024.csv
    finally:
        wh.close()


@pytest.mark.parametrize(("mode", "words"), [
    ("html", ["REGK31", "HTML", "afvist", "bevaret"]),
    ("truncated", ["REGK31", "afvist", "afkortet"]),
    ("columns", ["REGK31", "afvist", "kolonner"]),
    ("fewer", ["REGK31", "afvist", "mangler årene [2024]"]),
    ("value", ["REGK31", "afvist", "'..'", "hele kroner"]),
    ("http500", ["REGK31", "500"]),
])
def test_a_bad_regk31_download_is_rejected_and_the_old_data_stays(statbank, local_data: Path, mode: str,
                                                                  words: list[str]):
    fake, api = statbank
    fake.mode, fake.only = mode, "REGK31"  # the Statbank tables themselves come back fine
    _older(local_data / "dst" / BIL707, "2026")
    (local_data / "regk31" / "2023.csv").write_bytes(
        (local_data / "regk31" / "2023.csv").read_bytes().replace(b'",210\r\n', b'",211\r\n', 1))
    before = _shas(local_data / "dst"), _shas(local_data / "regk31")
    rebuilt: list[bool] = []
    with pytest.raises(UpdateError) as err:
        update(local_data, lambda: rebuilt.append(True), api=api)
    for word in words:
        assert word in str(err.value), (word, str(err.value))
    assert (_shas(local_data / "dst"), _shas(local_data / "regk31")) == before  # not even BIL707 is written
    assert rebuilt == []


def test_regk31_variables_are_looked_up_by_label_and_a_changed_table_is_refused(data_dir: Path):
    fake = FakeRegk31(data_dir / "regk31")
    functions = fake.functions
    selection = dict(resolve_regk31(fake.tableinfo(), functions))
    assert selection["OMRÅDE"] == "*" and selection["Tid"] == "*" and "DRANST" not in selection
    assert selection["FUNKTION"].split(",")[:2] == ["02820", "03231"] and len(selection["FUNKTION"].split(",")) == 25
    info = fake.tableinfo()
    next(v for v in info["variables"] if v["id"] == "DRANST")["elimination"] = False
    with pytest.raises(UpdateError, match="DRANST kan ikke udelades"):
        resolve_regk31(info, functions)
    info = fake.tableinfo()
    funktion = next(v for v in info["variables"] if v["id"] == "FUNKTION")
    funktion["values"] = funktion["values"][1:]  # a function renamed or gone from the chart of accounts
    with pytest.raises(UpdateError, match="FUNKTION har ikke længere værdien '0.28.20"):
        resolve_regk31(info, functions)


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
        assert "Danmarks Statistik: 0 filer opdateret" in out and "Lager bygget" in out
        fake.mode = "html"
        assert main(["update", "--offline"]) == 0  # today's behaviour: no download, just the build
        assert fake.requests and all("/v1/" in r for r in fake.requests)
        count = len(fake.requests)
        assert main(["update", "--api", api]) == 2
        assert "HTML" in capsys.readouterr().err
        assert len(fake.requests) > count
    finally:
        get_settings.cache_clear()
