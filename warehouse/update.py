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

REGK31 (regk31/<year>.csv) is fetched the same way, in Danish (`lang=da`, as the files here are): the functions
are the ones the files here hold, the price unit and expenditure type theirs, every area and every period, each
code looked up by its Danish label. Variables the files have no column for (DRANST) are left out of the request,
which Statbank allows only for an eliminable variable; a variable that cannot be left out is a changed table. The
API's CSV (a header row, `;`) is turned into the files' own layout (no header, comma-separated, quoted text, CRLF,
one file per accounting year from the first year here on), and every year is checked with the build's parser.
"""

from __future__ import annotations

import csv
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warehouse import regk31
from warehouse.errors import DataError
from warehouse.reference import parse_municipalities
from warehouse.statbank import (
    CHRISTIANSOE,
    COUNTRY,
    TABLES,
    TIME_COLUMN,
    VALUE_COLUMN,
    AreaCodes,
    StatbankTable,
    not_a_page,
    parse_statbank,
)

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
        parts = [f"{len(self.written)} filer opdateret" + (f" ({', '.join(self.written)})" if self.written else "")]
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} uændrede")
        return "Danmarks Statistik: " + ", ".join(parts) + "."


def tableinfo_url(api: str, table: str, lang: str = "en") -> str:
    return f"{api.rstrip('/')}/tableinfo/{table}?lang={lang}&format=JSON"


def data_url(api: str, table: str, selection: list[tuple[str, str]], lang: str = "en") -> str:
    query = urllib.parse.urlencode([("lang", lang), ("valuePresentation", "Value"), *selection], safe="*,")
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


def table_info(api: str, table: str, lang: str = "en") -> dict[str, Any]:
    """The table's description from the API (its variables and their codes); an error page is refused."""
    raw = _get(tableinfo_url(api, table, lang=lang), f"{table} (tabelbeskrivelse)")
    try:
        info = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UpdateError(f"{table}: tabelbeskrivelsen er ikke JSON (fx en fejlside); afvist") from exc
    if not isinstance(info, dict):
        raise UpdateError(f"{table}: tabelbeskrivelsen er ikke et JSON-objekt; afvist")
    return info


def fetch(spec: StatbankTable, api: str, areas: AreaCodes, codes: list[int], current: Path | None) -> Download:
    """Download one table and check it as the build would read it."""
    info = table_info(api, spec.table)
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


# -- REGK31 ------------------------------------------------------------------------------------------------------
REGK31_AREA, REGK31_FUNCTION = "OMRÅDE", "FUNKTION"
REGK31_FIXED = (("ART", regk31.EXPENDITURE_TYPE), ("PRISENHED", regk31.PRICE_UNIT))  # (variable, Danish label)
REGK31_COLUMNS = (REGK31_AREA, REGK31_FUNCTION, *(v for v, _ in REGK31_FIXED), TIME_COLUMN, VALUE_COLUMN)
WHOLE_KRONER = re.compile(r"^-?\d+$")


@dataclass
class Regk31Download:
    url: str
    files: dict[str, bytes]  # "2024.csv" -> the year's file in the layout warehouse/regk31.py reads
    years: list[int]


def _variables(table: str, info: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    variables = info.get("variables")
    if not isinstance(variables, list):
        raise UpdateError(f"{table}: tabelbeskrivelsen har ingen variable")
    time = next((v for v in variables if isinstance(v, dict) and v.get("time")), None)
    if time is None:
        raise UpdateError(f"{table}: tabelbeskrivelsen har ingen tidsvariabel")
    return {str(v.get("id", "")).upper(): v for v in variables if isinstance(v, dict) and not v.get("time")}, time


def _code(table: str, variable: dict[str, Any], label: str) -> str:
    code = next((str(v["id"]) for v in variable.get("values", []) if v.get("text") == label), None)
    if code is None:
        raise UpdateError(f"{table}: {variable.get('id')} har ikke længere værdien {label!r} (tabellen er ændret)")
    return code


def resolve_regk31(info: dict[str, Any], functions: list[str]) -> list[tuple[str, str]]:
    """REGK31's request: every area and period, the functions here and the one price unit and type, by label."""
    by_id, time = _variables(regk31.TABLE, info)
    selection: list[tuple[str, str]] = []
    for column in (REGK31_AREA, REGK31_FUNCTION, *(v for v, _ in REGK31_FIXED)):
        if column not in by_id:
            raise UpdateError(f"{regk31.TABLE}: Statbank har ikke længere variablen {column} (tabellen er ændret)")
    selection.append((str(by_id[REGK31_AREA]["id"]), "*"))
    selection.append((str(by_id[REGK31_FUNCTION]["id"]),
                      ",".join(_code(regk31.TABLE, by_id[REGK31_FUNCTION], f) for f in functions)))
    for column, label in REGK31_FIXED:
        selection.append((str(by_id[column]["id"]), _code(regk31.TABLE, by_id[column], label)))
    for vid, variable in by_id.items():  # DRANST: not a column of the files here, so left out as they leave it
        if vid not in REGK31_COLUMNS and not variable.get("elimination"):
            raise UpdateError(f"{regk31.TABLE}: variablen {vid} kan ikke udelades, og filerne her har ingen kolonne "
                              "til den (tabellen er ændret)")
    selection.append((str(time["id"]), "*"))
    return selection


def regk31_files(body: bytes, functions: list[str], areas: AreaCodes, codes: list[int],
                 first_year: int) -> dict[int, bytes]:
    """The API's REGK31 CSV as one file a year in the layout here (from `first_year` on), each checked by the
    build's parser; anything else than the functions, price unit and type asked for is rejected."""
    table = regk31.TABLE
    try:
        text = not_a_page(body.decode("utf-8-sig"), table)
    except UnicodeDecodeError as exc:
        raise UpdateError(f"{table}: svaret er ikke UTF-8; afvist") from exc
    except DataError as exc:
        raise UpdateError(f"{table} afvist, de gamle data er bevaret: {exc}") from exc
    lines = text.splitlines()
    header = next(csv.reader(lines[:1], delimiter=";"), [])
    if sorted(h.strip() for h in header) != sorted(REGK31_COLUMNS):
        raise UpdateError(f"{table} afvist, de gamle data er bevaret: uventede kolonner {header} (forventede "
                          f"{list(REGK31_COLUMNS)})")
    at = {h.strip(): i for i, h in enumerate(header)}
    wanted = set(functions)
    years: dict[int, dict[tuple[str, str], str]] = {}
    area_order: list[str] = []
    for line, row in enumerate(csv.reader(lines[1:], delimiter=";"), start=2):
        where = f"{table}, linje {line}"
        if not row:
            continue
        if len(row) != len(REGK31_COLUMNS):
            raise UpdateError(f"{table} afvist, de gamle data er bevaret: {where} har {len(row)} felter, ikke "
                              f"{len(REGK31_COLUMNS)} (afkortet fil?)")
        for variable, label in REGK31_FIXED:
            if row[at[variable]].strip() != label:
                raise UpdateError(f"{table} afvist, de gamle data er bevaret: {where}: {variable} er "
                                  f"{row[at[variable]]!r}, forventede {label!r}")
        function, area, tid = (row[at[c]].strip() for c in (REGK31_FUNCTION, REGK31_AREA, TIME_COLUMN))
        value = row[at[VALUE_COLUMN]].strip()
        if function not in wanted:
            raise UpdateError(f"{table} afvist, de gamle data er bevaret: {where}: funktionen {function!r} blev ikke "
                              "bedt om")
        if not re.fullmatch(r"\d{4}", tid):
            raise UpdateError(f"{table} afvist, de gamle data er bevaret: {where}: perioden {tid!r} er ikke et år")
        kind, code = areas.code(area)
        if kind == "unknown":
            raise UpdateError(f"{table} afvist, de gamle data er bevaret: {where}: ukendt område {area!r}")
        if code is None or (code != COUNTRY and code not in codes):
            continue  # regions and the like: the files here hold the country and the 98 municipalities
        if not WHOLE_KRONER.match(value):
            raise UpdateError(f"{table} afvist, de gamle data er bevaret: {where}: værdien {value!r} er ikke hele "
                              f"kroner ({function}, {area}, {tid})")
        if int(tid) < first_year:
            continue
        if area not in area_order:
            area_order.append(area)
        cells = years.setdefault(int(tid), {})
        if (function, area) in cells:
            raise UpdateError(f"{table} afvist, de gamle data er bevaret: {where}: {area!r} står to gange for "
                              f"{function!r} i {tid}")
        cells[(function, area)] = value
    if not years:
        raise UpdateError(f"{table} afvist, de gamle data er bevaret: ingen år fra {first_year} (afkortet fil?)")
    out: dict[int, bytes] = {}
    for year, cells in sorted(years.items()):
        missing = [f for f in functions if not any((f, a) in cells for a in area_order)]
        if missing:
            raise UpdateError(f"{table} afvist, de gamle data er bevaret: {year} mangler funktionerne "
                              f"{missing[:3]}{' …' if len(missing) > 3 else ''} (afkortet fil?)")
        file_text = "".join(  # the files' order: function by function, the areas in Statbank's order
            ",".join(_quoted(t) for t in (regk31.PRICE_UNIT, regk31.EXPENDITURE_TYPE, function, area))
            + f",{cells[(function, area)]}\r\n"
            for function in functions for area in area_order if (function, area) in cells)
        try:
            regk31.parse_regk31(Path(f"{year}.csv"), areas, codes, text=file_text)
        except DataError as exc:
            raise UpdateError(f"{table} afvist, de gamle data er bevaret: {exc}") from exc
        out[year] = file_text.encode("utf-8")
    return out


def _quoted(text: str) -> str:
    """A text field as the files here write it: always quoted, quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def fetch_regk31(api: str, directory: Path, areas: AreaCodes, codes: list[int]) -> Regk31Download:
    """Download REGK31 for the functions and years here; every year here must come back."""
    try:
        current = regk31.parse_regk31_dir(directory, areas, codes)
    except DataError as exc:
        raise UpdateError(f"{regk31.TABLE}: filerne her kan ikke læses, så det vides ikke, hvilke funktioner der skal "
                          f"hentes: {exc}") from exc
    functions = current[0].functions
    info = table_info(api, regk31.TABLE, lang="da")
    url = data_url(api, regk31.TABLE, resolve_regk31(info, functions), lang="da")
    body = _get(url, regk31.TABLE)
    files = regk31_files(body, functions, areas, codes, first_year=current[0].year)
    lost = [y.year for y in current if y.year not in files]
    if lost:
        raise UpdateError(f"{regk31.TABLE} afvist, de gamle data er bevaret: downloadet mangler årene {lost}, som "
                          f"filerne her har (afkortet?)")
    return Regk31Download(url, {f"{y}.csv": b for y, b in files.items()}, sorted(files))


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
           tables: tuple[StatbankTable, ...] = TABLES, with_regk31: bool = True) -> UpdateReport:
    """Fetch and check every table (and REGK31), then write them all and rebuild; on any failure nothing changes."""
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
    writes = [(target_dir / d.spec.file, d.spec.file, d.body) for d in downloads]
    urls = [d.url for d in downloads]
    if with_regk31:
        regk31_dir = data_dir / "regk31"
        progress(f"  henter {regk31.TABLE} → regk31/<år>.csv")
        got = fetch_regk31(api, regk31_dir, areas, codes)
        urls.append(got.url)
        writes += [(regk31_dir / name, f"regk31/{name}", body) for name, body in got.files.items()]
    report = UpdateReport(urls=urls)
    backups: dict[Path, bytes | None] = {}
    for path, name, body in writes:
        old = path.read_bytes() if path.exists() else None
        if old == body:
            report.unchanged.append(name)
            continue
        backups[path] = old
        _write_atomic(path, body)
        report.written.append(name)
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
