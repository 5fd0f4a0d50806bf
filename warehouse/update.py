"""`noegletal update`: fetch Statistics Denmark's tables again from the Statbank API, check them, swap them in.

For each table in `warehouse.statbank.TABLES` (the files in the data directory's dst/):

1. `GET {api}/tableinfo/{TABLE}?lang=en&format=JSON` gives the table's variables and the code of every value.
   The code of each fixed value is looked up by its English label (e.g. KØN "Total"), so no code is guessed.
2. `GET {api}/data/{TABLE}/CSV?lang=en&valuePresentation=Value&<AREA>=*&<VAR>=<code>…&Tid=*` gives the table in
   the same CSV layout as the files here (all areas, all periods, English labels).
3. The download is read with the build's own parser: an HTML or JSON error page, a truncated file, changed
   columns or labels, a period without all 98 municipalities, or fewer periods than the file it would replace are
   rejected with a message that names the table; nothing is written then.
4. Only when every table passed are the files written, each atomically (a temp file beside it, fsync, rename);
   then the warehouse is rebuilt. If the rebuild fails, the previous files are put back.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warehouse.errors import DataError
from warehouse.reference import parse_municipalities
from warehouse.statbank import CHRISTIANSOE, TABLES, TIME_COLUMN, VALUE_COLUMN, AreaCodes, StatbankTable, parse_statbank

API = "https://api.statbank.dk/v1"
TIMEOUT_S = 120.0
MAX_BYTES = 64 * 1024 * 1024  # the largest table here is about 0.6 MB


class UpdateError(Exception):
    """A table could not be fetched or failed a check; the message is Danish and names the table."""


@dataclass
class Download:
    spec: StatbankTable
    url: str
    body: bytes  # written as received: the API's own layout
    periods: list[str]


@dataclass
class UpdateReport:
    written: list[str] = field(default_factory=list)  # file names
    unchanged: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{len(self.written)} tabeller opdateret" + (f" ({', '.join(self.written)})" if self.written else "")]
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} uændrede")
        return "Danmarks Statistik: " + ", ".join(parts) + "."


def tableinfo_url(api: str, table: str) -> str:
    return f"{api.rstrip('/')}/tableinfo/{table}?lang=en&format=JSON"


def data_url(api: str, table: str, selection: list[tuple[str, str]]) -> str:
    query = urllib.parse.urlencode([("lang", "en"), ("valuePresentation", "Value"), *selection], safe="*")
    return f"{api.rstrip('/')}/data/{table}/CSV?{query}"


def _get(url: str, what: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "text/csv, application/json;q=0.9",
                                                   "User-Agent": "noegletal-update"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 - https or a test server
            body: bytes = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise UpdateError(f"{what}: Statbank svarede {exc.code} {exc.reason} ({url})") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UpdateError(f"{what}: kan ikke hente {url} ({reason})") from exc
    if len(body) > MAX_BYTES:
        raise UpdateError(f"{what}: svaret er over {MAX_BYTES // (1024 * 1024)} MB; afvist")
    return body


def resolve(spec: StatbankTable, info: dict[str, Any]) -> list[tuple[str, str]]:
    """The request's variables: the area and the time with '*', every other variable with the code of its label."""
    variables = info.get("variables")
    if not isinstance(variables, list):
        raise UpdateError(f"{spec.table}: tabelbeskrivelsen har ingen variable")
    by_id = {str(v.get("id", "")).upper(): v for v in variables if isinstance(v, dict)}
    time = next((v for v in variables if isinstance(v, dict) and v.get("time")), None)
    if time is None:
        raise UpdateError(f"{spec.table}: tabelbeskrivelsen har ingen tidsvariabel")
    selection: list[tuple[str, str]] = []
    for column in spec.columns:
        if column in (VALUE_COLUMN, TIME_COLUMN):
            continue
        variable = by_id.get(column.upper())
        if variable is None:
            raise UpdateError(f"{spec.table}: Statbank har ikke længere variablen {column} (tabellen er ændret)")
        if column == spec.area:
            selection.append((str(variable["id"]), "*"))
            continue
        label = dict(spec.fixed)[column]
        code = next((str(v["id"]) for v in variable.get("values", []) if v.get("text") == label), None)
        if code is None:
            raise UpdateError(f"{spec.table}: {column} har ikke længere værdien {label!r} (tabellen er ændret)")
        selection.append((str(variable["id"]), code))
    selection.append((str(time["id"]), "*"))
    return selection


def fetch(spec: StatbankTable, api: str, areas: AreaCodes, codes: list[int], current: Path | None) -> Download:
    """Download one table and check it as the build would read it."""
    raw = _get(tableinfo_url(api, spec.table), f"{spec.table} (tabelbeskrivelse)")
    try:
        info = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UpdateError(f"{spec.table}: tabelbeskrivelsen er ikke JSON (fx en fejlside); afvist") from exc
    if not isinstance(info, dict):
        raise UpdateError(f"{spec.table}: tabelbeskrivelsen er ikke et JSON-objekt; afvist")
    url = data_url(api, spec.table, resolve(spec, info))
    body = _get(url, spec.file)
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UpdateError(f"{spec.file}: svaret er ikke UTF-8; afvist") from exc
    try:
        data = parse_statbank(Path(spec.file), spec, areas, codes, text=text)
    except DataError as exc:
        raise UpdateError(f"{spec.table} afvist, de gamle data er bevaret: {exc}") from exc
    if current is not None and current.exists():
        try:
            old = parse_statbank(current, spec, areas, codes)
        except DataError:
            old = None  # the file here is broken already: the download replaces it
        if old is not None:
            lost = [p for p in old.periods if p not in set(data.periods)]
            if lost:
                raise UpdateError(f"{spec.table} afvist, de gamle data er bevaret: downloadet mangler perioderne "
                                  f"{lost[:5]}{' …' if len(lost) > 5 else ''}, som filen her har (afkortet?)")
    return Download(spec, url, body, data.periods)


def _write_atomic(path: Path, body: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def update(data_dir: Path, rebuild: Callable[[], object], api: str = API,
           progress: Callable[[str], None] = lambda _: None,
           tables: tuple[StatbankTable, ...] = TABLES) -> UpdateReport:
    """Fetch and check every table, then write them all and rebuild; on any failure nothing changes."""
    try:
        reference = parse_municipalities(data_dir / "reference" / "kommuner.csv")
    except DataError as exc:
        raise UpdateError(f"kommunelisten kan ikke læses, så intet er hentet: {exc}") from exc
    members = [m for m in reference if m.name != CHRISTIANSOE]
    areas = AreaCodes({m.name: m.code for m in members})
    codes = sorted(m.code for m in members)
    target_dir = data_dir / "dst"
    target_dir.mkdir(parents=True, exist_ok=True)
    downloads = []
    for spec in tables:
        progress(f"  henter {spec.table} → dst/{spec.file}")
        downloads.append(fetch(spec, api, areas, codes, target_dir / spec.file))
    report = UpdateReport(urls=[d.url for d in downloads])
    backups: dict[Path, bytes | None] = {}
    for d in downloads:
        path = target_dir / d.spec.file
        old = path.read_bytes() if path.exists() else None
        if old == d.body:
            report.unchanged.append(d.spec.file)
            continue
        backups[path] = old
        _write_atomic(path, d.body)
        report.written.append(d.spec.file)
    try:
        rebuild()
    except Exception:
        for path, old in backups.items():  # the new files did not build: put the old ones back
            if old is None:
                path.unlink(missing_ok=True)
            else:
                _write_atomic(path, old)
        raise
    return report
