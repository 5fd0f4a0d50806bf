"""Turn result rows into the Danish answer: sentence, observations, table and chart.

The writer computes and formats every number (and records each derived one in the ledger); the sentences
around them are templates in semantic_layer/phrases.py, built from the figure's word forms. Rows the SQL
names by code (a group "neighbours") get their Danish label here, before anything is shown. Each row's time is its
`period` (phrases.Period): the year, or for a quarterly figure the quarter, which the sentences write as "2023" or
"4. kvartal 2025"; observations keep the year and the quarter apart."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.charts import chart_for, shown_year
from assistant.contract import Column, Derived, DerivedInput, Observation, Table
from assistant.formatting import (
    UNIT_LABEL,
    capitalize,
    in_millions,
    kroner,
    number,
    percent,
    rounded,
    value_text,
)
from semantic_layer import phrases
from semantic_layer.model import Aggregation, Forms, Metric, Polarity, Unit
from semantic_layer.phrases import Period, averaging_text
from semantic_layer.spec import ComparisonKind, Operation, QuerySpec

__all__ = ["Ledger", "Written", "averaging_text", "write"]


@dataclass
class Written:
    text: str
    observations: list[Observation]
    table: Table | None
    chart: dict[str, Any] | None
    chart_kind: str | None
    warnings: list[str]
    derived: list[Derived] = field(default_factory=list)  # every computed number the text shows


class Ledger:
    """The derived numbers of one answer, recorded as the text is written: each `add` returns the text to show,
    so a number cannot reach the sentence without its calculation (Answer.derived)."""

    def __init__(self, metric_of: dict[str, Metric]) -> None:
        self.items: list[Derived] = []
        self.metric_of = metric_of

    def add(self, label: str, value: float, display: str, how: str, inputs: Iterable[DerivedInput] = (),
            unit: str = "", decimals: int = 0) -> str:
        self.items.append(Derived(label=label, value=float(value), unit=unit, decimals=decimals, display=display,
                                  how=how, inputs=list(inputs)))
        return display

    def source(self, row: dict[str, Any]) -> DerivedInput:
        """An observation (a result row) as the input of a calculation."""
        metric = self.metric_of.get(row["metric_id"])
        shown = value_text(row["value"], metric, row["status"] or "value") if metric else ""
        return DerivedInput(name=row["municipality"], year=row["year"], quarter=row.get("quarter"),
                            value=row["value"], display=shown, metric=row["metric_id"])

    def count(self, label: str, value: int, display: str, how: str, unit: str = "kommuner") -> str:
        """A count of municipalities (or figures) the text states; `how` says what was counted."""
        return self.add(label, value, display, how, unit=unit)


def _named(row: dict[str, Any], metric: Metric) -> dict[str, Any]:
    """A computed row the SQL names by code ("neighbours") gets its Danish label; `group_code` keeps the code
    (a region's group is named by the region itself, its code "region")."""
    if row["role"] in ("group", "benchmark") and row["municipality"] in phrases.GROUP_CODES:
        code = row["municipality"]
        return dict(row, municipality=phrases.group_label(code, metric.aggregation), group_code=code)
    if row["role"] == "group":
        return dict(row, group_code="region")
    return row


def _obs(row: dict[str, Any], metric: Metric) -> Observation:
    code = row["municipality_code"]
    group = row["municipality"] if code is None or row["role"] in ("group", "benchmark") else None
    return Observation(metric=row["metric_id"], municipality_code=code, municipality=row["municipality"],
                       year=row["year"], quarter=row.get("quarter"), value=row["value"],
                       status=row["status"] or "value", group=group,
                       role=row["role"], display=value_text(row["value"], metric, row["status"] or "value"))


def _relative(value: float | None, other: float | None) -> float | None:
    if value is None or other in (None, 0):
        return None
    return (value - other) / abs(other) * 100  # type: ignore[operator]


POINT_UNITS = {Unit.PCT: "procentpoint", Unit.PROMILLE: "promillepoint"}


def _name(row: dict[str, Any]) -> str:
    return "hele landet" if row["role"] == "national" else row["municipality"]


def _difference(row: dict[str, Any], other_row: dict[str, Any] | None, metric: Metric, against: str,
                ledger: Ledger) -> str | None:
    """'9,6 % højere end X' for amounts; '0,85 procentpoint lavere end X' for rates (a relative % misleads);
    '87,2 gange så højt som X' when a relative % would run into the thousands."""
    value, other = row["value"], other_row["value"] if other_row else None
    if value is None or other is None or other_row is None:
        return None
    higher = value > other
    a, b = _name(row), _name(other_row)
    inputs = [ledger.source(row), ledger.source(other_row)]
    if metric.unit in POINT_UNITS:
        points = POINT_UNITS[metric.unit]
        shown = ledger.add(f"forskel i {points}", value - other,
                           f"{number(abs(value - other), metric.decimals)} {points}", f"{a} − {b}", inputs,
                           unit=points, decimals=metric.decimals)
        return phrases.difference(shown, higher, against)
    rel = _relative(value, other)
    if rel is None:
        return None
    if rel >= 200:
        shown = ledger.add("forholdstal", value / other, f"{number(value / other, 1)} gange", f"{a} / {b}", inputs,
                           unit="gange", decimals=1)
        return phrases.times_as_high(metric.forms, shown, against)
    shown = ledger.add("forskel i procent", rel, percent(abs(rel)), f"({a} − {b}) / {b} × 100", inputs, unit="%",
                       decimals=1)
    return phrases.difference(shown, higher, against)


def _table(rows: list[dict[str, Any]], metric_of: dict[str, Metric], operation: Operation) -> Table:
    multi = len(metric_of) > 1
    columns = [Column(key="municipality", label="Område")]
    if multi:
        columns.insert(0, Column(key="metric", label="Nøgletal"))
    if operation == Operation.RANK:
        columns.insert(0, Column(key="rank", label="Nr.", numeric=True))
    columns.append(Column(key="year", label="År", numeric=True))
    quarters = any(row.get("quarter") for row in rows)
    if quarters:
        columns.append(Column(key="quarter", label="Kvartal", numeric=True))
    columns.append(Column(key="value", label="Værdi", numeric=True))
    raw, shown = [], []
    for row in rows:
        metric = metric_of[row["metric_id"]]
        is_savings = row["role"] == "savings"
        label = row["municipality"] + (" — råderum" if is_savings else "")
        display_value = kroner(row["value"]) if is_savings and row["value"] is not None else row.get("shown") or \
            value_text(row["value"], metric, row["status"] or "value")
        r: list[Any] = [label, row["year"], row["value"]]
        s: list[str] = [label, str(row["year"]), display_value]
        if quarters:
            r.insert(2, row.get("quarter"))
            s.insert(2, phrases.quarter_label(row.get("quarter")))
        if multi:
            r.insert(0, metric.short_name)
            s.insert(0, capitalize(metric.short_name))
        if operation == Operation.RANK:
            r.insert(0, row["rank"])
            s.insert(0, "" if row["rank"] is None else f"{row['rank']}.")
        raw.append(r)
        shown.append(s)
    return Table(columns=columns, rows=raw, display=shown)


ONE_YEAR = (Operation.DISTRIBUTION, Operation.RANK)


def _one_year(spec: QuerySpec, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
    """A map or a ranking shows one year (or quarter): keep only its rows (every role), and say whether others
    were dropped.

    A follow-up ("Vis det på et kort" after "siden 2010") may bring a whole range; mixing its years would
    count a municipality once per year and could name one year's lowest value beside another year's."""
    municipal = [r for r in rows if r["role"] in ("member", "subject") and r["year"] is not None]
    year = shown_year(spec, (r["period"] for r in municipal),
                      (r["period"] for r in municipal if r["value"] is not None))
    if year is None:
        return rows, False
    several = len({r["period"] for r in rows if r["year"] is not None}) > 1
    return [r for r in rows if r["period"] == year], several


def write(spec: QuerySpec, rows: list[dict[str, Any]], metrics: list[Metric], names: dict[int, str],
          group_label: str | None) -> Written:
    """Compose the answer for any operation from the compiled query's rows."""
    metric_of = {m.id: m for m in metrics}
    metric = metrics[0]
    rows = [dict(_named(r, metric_of.get(r["metric_id"], metric)), period=Period(r["year"], r.get("quarter") or 0))
            for r in rows]
    op = spec.operation
    several_years = False
    if op == Operation.OVERVIEW:  # theme by theme, in the catalog's order (catalog/overview.yaml)
        order = {m.id: i for i, m in enumerate(metrics)}
        rows.sort(key=lambda r: order.get(r["metric_id"], len(order)))
    regions = spec.comparison.kind == ComparisonKind.REGIONS
    if regions and op != Operation.TREND:
        rows, several_years = _regions_one_year(spec, rows)
    elif op in ONE_YEAR:
        rows, several_years = _one_year(spec, rows)
    observations = [_obs(r, metric_of[r["metric_id"]]) for r in rows]
    for r, o in zip(rows, observations, strict=True):  # the table shows the same text: formatted once
        r["shown"] = o.display
    warnings: list[str] = []
    missing = [o for o in observations if o.value is None and o.role in ("subject", "member")]
    if missing:
        shown = ", ".join(f"{o.municipality} {Period(o.year, o.quarter or 0)} ({o.display})" for o in missing[:6])
        warnings.append(f"Tal der mangler i kilden og derfor ikke indgår: {shown}.")
    if not any(r["role"] in ("subject", "member", "group") for r in rows):
        # "på landsplan": the national figure is the subject of the sentence.
        rows = [dict(r, role="subject", municipality="hele landet") if r["role"] == "national" else r for r in rows]
    ledger = Ledger(metric_of)
    text = _regions_text(spec, rows, metric, names, ledger) if regions else {
        Operation.VALUE: _value_text, Operation.COMPARE: _compare_text, Operation.TREND: _trend_text,
        Operation.RANK: _rank_text, Operation.DISTRIBUTION: _distribution_text, Operation.SAVINGS: _savings_text,
        Operation.OVERVIEW: _overview_text,
    }[op](spec, rows, metric, metric_of, names, group_label, ledger)
    if several_years:  # the year itself is named in the sentence above; the range is not repeated
        text += " " + phrases.one_year_note(op == Operation.DISTRIBUTION, spec.years.kind == "single")
    if op == Operation.OVERVIEW or regions:
        pass  # each figure has its own method (the definition cards say which); the regions' text says it
    elif any(r["role"] == "group" and r["value"] is not None for r in rows):
        text += " " + phrases.averaging_sentence(metric)
    elif any(r["role"] == "group" for r in rows):
        text += " " + phrases.group_missing_sentence(metric)
    if op != Operation.OVERVIEW and any(r["role"] == "national" and r["status"] == "computed" for r in rows):
        text += " " + phrases.national_computed_sentence(metric)
    if op != Operation.OVERVIEW and metric.from_quarters is not None:  # a year of a quarterly figure: how it is formed
        text += " " + phrases.annual_form_sentence(metric.from_quarters)
    table = _table([r for r in rows], metric_of, op)
    chart, kind = chart_for(spec, observations, metric)
    return Written(text, observations, table, chart, kind, warnings, ledger.items)


def _regions_one_year(spec: QuerySpec, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
    """The regions side by side or ranked show one year (or quarter): the asked one, else the latest where a
    region has a value."""
    regions = [r for r in rows if r["role"] == "group"]
    year = shown_year(spec, (r["period"] for r in regions), (r["period"] for r in regions if r["value"] is not None))
    if year is None:
        return rows, False
    several = len({r["period"] for r in rows}) > 1
    return [r for r in rows if r["period"] == year], several


def _regions_text(spec: QuerySpec, rows: list[dict[str, Any]], metric: Metric, names: dict[int, str],
                  ledger: Ledger) -> str:
    """All five regions: the highest and the lowest (or the ranking, or who changed most), the country, which
    regions lack data, and how a region's figure is made."""
    forms = metric.forms
    regions = [r for r in rows if r["role"] == "group"]
    if not any(r["value"] is not None for r in regions):
        return phrases.no_data(forms)
    if spec.operation == Operation.TREND:
        sentences = [_regions_trend(rows, metric, ledger)]
        last = max(r["period"] for r in regions if r["value"] is not None)
    else:
        last = max(r["period"] for r in regions)
        sentences = []
    here = sorted((r for r in regions if r["period"] == last and r["value"] is not None), key=lambda r: -r["value"])
    shown = [(r["municipality"], value_text(r["value"], metric)) for r in here]
    if len(here) == 1:
        sentences.append(phrases.regions_one_sentence(forms, shown[0][0], shown[0][1], last))
    elif spec.operation == Operation.RANK:
        ordered = shown if spec.rank_order == "desc" else shown[::-1]
        adjective = phrases.extreme(spec.rank_order)
        if spec.rank_n == 1:
            sentences.append(phrases.regions_rank_top(forms, ordered[0][0], adjective, last, ordered[0][1],
                                                      ordered[-1]))
        else:
            first = None
            if spec.rank_n < len(ordered):
                first = ledger.count("antal regioner i listen", spec.rank_n, f"{spec.rank_n} regioner",
                                     f"de første {spec.rank_n} regioner i rangeringen ({adjective} først)",
                                     unit="regioner")
            sentences.append(phrases.regions_rank_list(forms, last, adjective, ordered[:spec.rank_n], first))
    else:
        sentences.append(phrases.regions_sentence(forms, last, shown[0], shown[-1]))
    national = _pick(rows, "national", last)
    if spec.operation == Operation.TREND:  # how the country changed over the same years
        country = [r for r in rows if r["role"] == "national"]
        if len([r for r in country if r["value"] is not None]) >= 2:
            sentences.append(_trend_text(spec, country, metric, {metric.id: metric}, names, None, ledger))
    elif national is not None and national["value"] is not None:
        sentences.append(phrases.national_sentence(forms, value_text(national["value"], metric)))
    lacking_all = [r["municipality"] for r in regions if r["period"] == last and r["value"] is None]
    if lacking_all:
        sentences.append(phrases.regions_missing(lacking_all, last))
    for r in regions:
        if r["period"] != last or r["value"] is None:
            continue
        if r["n_members"] and r["n_values"] < r["n_members"]:
            members, valued = int(r["n_members"]), int(r["n_values"])
            lacking = ledger.count("kommuner uden tal", members - valued, str(members - valued),
                                   f"kommunerne i {r['municipality']} uden en værdi i {last}")
            total = ledger.count("kommuner i regionen", members, f"{members} kommuner",
                                 f"kommunerne i {r['municipality']} i {last}")
            sentences.append(phrases.regions_partial(r["municipality"], lacking, total, metric.aggregation))
    sentences.append(phrases.regions_method(metric))
    return " ".join(sentences)


def _regions_trend(rows: list[dict[str, Any]], metric: Metric, ledger: Ledger) -> str:
    """Which region's figure changed most and least between the first and the last period both have: by
    points for a rate in percent or per mille, else relatively (a larger region's amounts are not larger)."""
    points = POINT_UNITS.get(metric.unit)
    changes = []
    for code in dict.fromkeys(r["municipality_code"] for r in rows if r["role"] == "group"):
        series = sorted((r for r in rows if r["role"] == "group" and r["municipality_code"] == code
                         and r["value"] is not None), key=lambda r: r["period"])
        if len(series) >= 2:
            first, last = series[0], series[-1]
            diff = last["value"] - first["value"]
            rel = _relative(last["value"], first["value"])
            changes.append((diff if points or rel is None else rel, first, last, diff, rel))
    if not changes:
        return phrases.no_trend(metric.forms)
    changes.sort(key=lambda c: -c[0])

    def said(item: tuple[float, dict[str, Any], dict[str, Any], float, float | None]) -> tuple[str, str, int]:
        _, first, last, diff, rel = item
        where, inputs = first["municipality"], [ledger.source(first), ledger.source(last)]
        if rounded(diff, metric.decimals) == 0:
            return where, "", 0
        amount = ledger.add(f"ændring i {points}" if points else "ændring", diff,
                            f"{number(abs(diff), metric.decimals)} {points}" if points else
                            value_text(abs(diff), metric),
                            f"{where} {last['period']} − {where} {first['period']}", inputs,
                            unit=points or UNIT_LABEL[metric.unit], decimals=metric.decimals)
        if rel is not None:
            amount += ", " + ledger.add(
                "ændring i procent", rel, percent(abs(rel)),
                f"({where} {last['period']} − {where} {first['period']}) / {where} {first['period']} × 100",
                inputs, unit="%", decimals=1)
        return where, amount, 1 if diff > 0 else -1

    first_period = min(c[1]["period"] for c in changes)
    last_period = max(c[2]["period"] for c in changes)
    return phrases.regions_trend_sentence(metric.forms, first_period, last_period, said(changes[0]),
                                          said(changes[-1]))


def _pick(rows: list[dict[str, Any]], role: str, year: Period | None = None) -> dict[str, Any] | None:
    return next((r for r in rows if r["role"] == role and (year is None or r["period"] == year)), None)


def _value_text(spec, rows, metric, metric_of, names, group_label, ledger) -> str:  # type: ignore[no-untyped-def]
    forms = metric.forms
    subjects = [r for r in rows if r["role"] in ("subject", "member")]
    if not subjects:
        return phrases.no_data(forms)
    years = sorted({r["period"] for r in subjects})
    year = max((r["period"] for r in subjects if r["value"] is not None), default=years[-1])
    here = [r for r in subjects if r["period"] == year]
    national = _pick(rows, "national", year)
    national_value = national["value"] if national else None
    if len(here) == 1:
        sentences = [_one_value(here[0], year, national, metric, ledger)]
    else:
        parts = [(r["municipality"], value_text(r["value"], metric, r["status"])) for r in here]
        national_shown = value_text(national_value, metric) if national_value is not None else None
        sentences = [phrases.values_sentence(forms, year, parts, national_shown)]
    if len(years) > 1:
        sentences.append(phrases.years_shown(years[0], years[-1]))
    return " ".join(sentences)


def _one_value(r: dict[str, Any], year: Period, national: dict[str, Any] | None, metric: Metric, ledger: Ledger) -> str:
    """One municipality's value in one year (or quarter), set against the country."""
    forms, shown = metric.forms, value_text(r["value"], metric, r["status"])
    if r["value"] is None:
        return phrases.missing_sentence(forms, r["municipality"], year, r["status"] or "missing")
    if metric.unit == Unit.YES_NO:  # "ja"/"nej": no difference to the country to speak of
        return phrases.yes_no_sentence(forms, r["municipality"], shown, year)
    national_value = national["value"] if national else None
    country = phrases.with_value(phrases.national_name(metric.aggregation), value_text(national_value, metric))
    tail = ""
    if metric.aggregation == Aggregation.SUM and national_value and national:
        share = r["value"] / national_value * 100  # a count is a share of the country, not above/below it
        places = 1 if share >= 0.1 else 2
        percent_shown = ledger.add("andel af hele landet", share, percent(share, places),
                                   f"{r['municipality']} / hele landet × 100",
                                   [ledger.source(r), ledger.source(national)], unit="%", decimals=places)
        tail = phrases.share_of_country(percent_shown, value_text(national_value, metric))
    elif r["value"] != national_value and (diff := _difference(r, national, metric, country, ledger)):
        tail = diff
    elif national_value is not None:
        tail = phrases.same_as(country)
    return phrases.value_sentence(forms, r["municipality"], shown, year, tail)


def _compare_text(spec, rows, metric, metric_of, names, group_label, ledger) -> str:  # type: ignore[no-untyped-def]
    forms = metric.forms
    valued = [r for r in rows if r["role"] in ("subject", "member", "group") and r["value"] is not None]
    if not valued:
        return phrases.no_data(forms)
    focus = [r for r in valued if r["role"] == "subject"] or [r for r in valued if r["role"] == "group"]
    year = max(r["period"] for r in focus or valued)
    subject = next((r for r in focus if r["period"] == year), None)
    group = _pick(rows, "group", year)
    national = _pick(rows, "national", year)
    national_value = national["value"] if national else None
    members = [r for r in rows if r["role"] in ("subject", "member") and r["period"] == year]
    if subject is None:
        return phrases.no_data(forms)
    explicit = len([r for r in members if r["role"] == "subject"]) > 1
    if explicit:  # "Sammenlign Odense, Aarhus og Aalborg": every named municipality, highest first
        ordered = sorted(members, key=lambda r: -(r["value"] if r["value"] is not None else float("-inf")))
        parts = [(r["municipality"], value_text(r["value"], metric, r["status"])) for r in ordered]
        national_shown = value_text(national_value, metric) if national_value is not None else None
        return phrases.values_sentence(forms, year, parts, national_shown, highest_first=True)
    is_group_subject = subject["role"] == "group"
    where = subject["municipality"]
    shown = value_text(subject['value'], metric, subject['status'])
    note = tail = ""
    national_said = False
    if is_group_subject:
        n = int(subject["n_values"])
        note = ledger.count("antal kommuner med tal", n, f"{n} kommuner", f"kommunerne i {where} med en værdi i {year}")
    elif group and group["value"] is not None:
        against = phrases.group_name(group.get("group_code"), group["municipality"], metric.aggregation)
        diff = _difference(subject, group, metric, phrases.with_value(against, value_text(group["value"], metric)),
                           ledger)
        tail = diff or ""
    elif national_value is not None:
        country = phrases.with_value(phrases.national_name(metric.aggregation), value_text(national_value, metric))
        diff = _difference(subject, national, metric, country, ledger)
        tail, national_said = diff or "", bool(diff)
    text = phrases.value_sentence(forms, where, shown, year, tail, note)
    if national_value is not None and not national_said:
        text += " " + phrases.national_sentence(forms, value_text(national_value, metric))
    ranked = sorted((r for r in members if r["value"] is not None), key=lambda r: -r["value"])
    if not is_group_subject and len(ranked) > 1 and subject["value"] is not None:
        pos = next(i for i, r in enumerate(ranked, 1) if r["municipality_code"] == subject["municipality_code"])
        place = ledger.add("placering", pos, f"nr. {pos}", f"{where}s plads, når kommunerne i sammenligningen "
                           f"ordnes efter værdien i {year}, højeste først", [ledger.source(r) for r in ranked],
                           unit="nr.")
        of = ledger.count("antal kommuner i sammenligningen", len(ranked), f"af {len(ranked)}",
                          f"kommunerne i sammenligningen med en værdi i {year}")
        text += " " + phrases.position_sentence(where, place, of)
    years = sorted({r["period"] for r in members})
    if len(years) > 1:
        text += " " + phrases.years_shown(years[0], years[-1], chart=True)
    if spec.comparison.kind == ComparisonKind.SIMILAR:
        others = list(dict.fromkeys(r["municipality"] for r in members
                                    if r["municipality_code"] != subject["municipality_code"]))
        text += " " + phrases.similar_sentence(others)
    return text


def _trend_text(spec, rows, metric, metric_of, names, group_label, ledger) -> str:  # type: ignore[no-untyped-def]
    forms = metric.forms
    sentences = []
    subjects = list(dict.fromkeys(r["municipality_code"] for r in rows if r["role"] in ("subject", "group")))
    for code in subjects:
        series = sorted((r for r in rows if r["municipality_code"] == code and r["value"] is not None
                         and r["role"] in ("subject", "group")),
                        key=lambda r: r["period"])
        if len(series) < 2:
            continue
        first, last = series[0], series[-1]
        diff = last["value"] - first["value"]
        rel = _relative(last["value"], first["value"])
        where, inputs = first["municipality"], [ledger.source(first), ledger.source(last)]
        changed = None  # a change that shows as zero is "uændret"
        if rounded(diff, metric.decimals) != 0:
            points = POINT_UNITS.get(metric.unit)
            amount = ledger.add(
                f"ændring i {points}" if points else "ændring", diff,
                f"{number(abs(diff), metric.decimals)} {points}" if points else value_text(abs(diff), metric),
                f"{where} {last['period']} − {where} {first['period']}", inputs,
                unit=points or UNIT_LABEL[metric.unit], decimals=metric.decimals)
            rel_text = ""
            if rel is not None:
                rel_text = ledger.add(
                    "ændring i procent", rel, percent(rel),
                    f"({where} {last['period']} − {where} {first['period']}) / {where} {first['period']} × 100",
                    inputs,
                    unit="%", decimals=1)
            changed = phrases.change(diff > 0, amount, rel_text)
        sentences.append(phrases.trend_sentence(forms, where, value_text(first["value"], metric), first["period"],
                                                value_text(last["value"], metric), last["period"], changed,
                                                group=first["role"] == "group"))
    national = sorted((r for r in rows if r["role"] == "national" and r["value"] is not None),
                      key=lambda r: r["period"])
    if len(national) >= 2:
        start, end = national[0], national[-1]
        rel = _relative(end["value"], start["value"])
        delta = end["value"] - start["value"]
        inputs = [ledger.source(start), ledger.source(end)]
        span = f"hele landet {end['period']} − hele landet {start['period']}"
        points = POINT_UNITS.get(metric.unit)
        change_, places = (delta, metric.decimals) if points else (rel, 1)
        if change_ is not None:
            # "steg/faldt med" carries the sign; a change that shows as zero is "uændret" and shows no number
            direction = 0 if rounded(change_, places) == 0 else (1 if change_ > 0 else -1)
            shown = ""
            if direction and points:
                shown = ledger.add(f"ændring i {points}", delta, f"{number(abs(delta), places)} {points}", span,
                                   inputs, unit=points, decimals=places)
            elif direction and rel is not None:
                shown = ledger.add("ændring i procent", rel, percent(abs(rel)),
                                   f"({span}) / hele landet {start['period']} × 100", inputs, unit="%", decimals=1)
            sentences.append(phrases.national_trend_sentence(forms, direction, shown, named=bool(sentences)))
    return " ".join(sentences) or phrases.no_trend(forms)


def _rank_text(spec, rows, metric, metric_of, names, group_label, ledger) -> str:  # type: ignore[no-untyped-def]
    forms = metric.forms
    ranked = sorted((r for r in rows if r["rank"] is not None and r["role"] in ("member", "subject")
                     and r["value"] is not None), key=lambda r: r["rank"])
    if not ranked:
        return phrases.no_rank(forms)
    year = max(r["period"] for r in ranked)
    ranked = [r for r in ranked if r["period"] == year]  # write() already keeps one year; never mix them here
    word = phrases.extreme(spec.rank_order)
    top = [r for r in ranked if r["rank"] <= spec.rank_n]
    scope = f" i {names.get(spec.rank_region, 'regionen')}" if spec.rank_region else ""
    if spec.comparison.kind == ComparisonKind.NEIGHBOURS and spec.municipalities:
        scope = phrases.among_neighbours(names.get(spec.municipalities[0], ""))
    items = ", ".join(phrases.rank_item(r["municipality"], value_text(r["value"], metric)) for r in top)
    order = phrases.rank_order(forms, year, word)
    # fewer than asked have a value; among a municipality and its neighbours, fewer than asked may simply exist
    lacking = any(r["value"] is None for r in rows if r["role"] in ("member", "subject"))
    if spec.rank_n > len(top) and (spec.comparison.kind != ComparisonKind.NEIGHBOURS or lacking):
        items += phrases.rank_only(ledger.count("antal kommuner med tal", len(top), f"{len(top)} kommuner",
                                                f"kommunerne{scope} med en værdi i {year}"))
    tied = [r["municipality"] for r in top if r["rank"] == top[-1]["rank"]] if len(top) > spec.rank_n else []
    if spec.rank_n == 1:
        first = top[0]
        if len(top) == 1:
            text = phrases.rank_top_sentence(forms, first["municipality"], scope, word, year,
                                             value_text(first["value"], metric))
        else:
            sharing = ledger.count("antal kommuner på delt plads", len(top), f"{len(top)} kommuner",
                                   f"kommunerne{scope} med samme {word} værdi i {year}")
            place = ledger.add("placering", 1, "1.-pladsen", order, [ledger.source(r) for r in top], unit="nr.")
            text = phrases.rank_shared_sentence(forms, sharing, scope, place, word, year,
                                                value_text(first["value"], metric), [r["municipality"] for r in top])
    else:
        if tied:
            place = ledger.add("placering", top[-1]["rank"], f"{top[-1]['rank']}.-pladsen", order,
                               [ledger.source(r) for r in top if r["rank"] == top[-1]["rank"]], unit="nr.")
            items += phrases.rank_tied(tied, place)
        shown = min(len(top), spec.rank_n)
        listed = ledger.count("antal kommuner i listen", shown, f"{shown} kommuner",
                              f"de første {shown} i rangeringen{scope} ({word} først)")
        text = phrases.rank_list_sentence(forms, listed, scope, word, year, items)
    total = int(ranked[0]["weight"] or len({r["municipality_code"] for r in ranked}))
    for r in ranked:
        if r["role"] == "subject":
            place = ledger.add("placering", r["rank"], f"nr. {r['rank']}", order, [ledger.source(r)], unit="nr.")
            of = ledger.count("antal kommuner i rangeringen", total, f"af {total}",
                              f"kommunerne{scope} med en værdi i {year}")
            text += " " + phrases.rank_position(r["municipality"], place, of)
    return text


def _distribution_text(spec, rows, metric, metric_of, names, group_label, ledger) -> str:  # type: ignore[no-untyped-def]
    forms = metric.forms
    values = sorted((r for r in rows if r["role"] in ("member", "subject") and r["value"] is not None),
                    key=lambda r: r["value"])
    if not values:
        return phrases.no_data(forms, year_chosen=False)
    year = max(r["period"] for r in values)
    values = [r for r in values if r["period"] == year]  # write() already keeps one year; never mix them here
    hi, lo = values[-1], values[0]
    count = len({r["municipality_code"] for r in values})  # municipalities, not rows
    shown = ledger.count("antal kommuner på kortet", count, f"{count} kommuner",
                         f"kommunerne med en værdi i {year}")
    text = phrases.map_sentence(forms, shown, year, (hi["municipality"], value_text(hi["value"], metric)),
                                (lo["municipality"], value_text(lo["value"], metric)))
    national = _pick(rows, "national", year)
    if national and national["value"] is not None:
        text += " " + phrases.national_sentence(forms, value_text(national["value"], metric), named=False)
    return text


def _savings_text(spec, rows, metric, metric_of, names, group_label, ledger) -> str:  # type: ignore[no-untyped-def]
    forms = metric.forms
    subject, bench, saving = _pick(rows, "subject"), _pick(rows, "benchmark"), _pick(rows, "savings")
    if not subject or not bench or not saving or saving["value"] is None:
        return phrases.no_savings(forms)
    year = subject["period"]
    amount = saving["value"]
    where = subject["municipality"]
    weight = saving["weight"] or 0
    population = phrases.population_words(metric, prefix="")
    shown = ledger.add("råderum", amount, kroner(abs(amount)), "(egen værdi − benchmark) × nævnerpopulation",
                       [ledger.source(subject), ledger.source(bench),
                        DerivedInput(name=f"{population} i {where}", year=subject["year"],
                                     quarter=subject.get("quarter"), value=weight, display=number(weight))],
                       unit="mio. kr." if in_millions(amount) else "kr.", decimals=1 if in_millions(amount) else 0)
    text = phrases.savings_sentence(forms, where, value_text(subject["value"], metric), year, spec.benchmark,
                                    value_text(bench["value"], metric), bench["municipality"], shown, amount > 0)
    weight_shown = ledger.add("nævnerpopulation", weight, number(weight),
                              f"{population} i {where} i {year}: nøgletallets nævner (fra lageret)", unit=population)
    return text + " " + phrases.savings_basis(weight_shown, population, year)


def _overview_text(spec, rows, metric, metric_of, names, group_label, ledger) -> str:  # type: ignore[no-untyped-def]
    subject_rows = [r for r in rows if r["role"] == "subject" and r["value"] is not None]
    if not subject_rows:
        return "Der er ingen nøgletal for kommunen."
    name = subject_rows[0]["municipality"]
    good: list[tuple[Metric, dict[str, Any], dict[str, Any], float]] = []
    bad: list[tuple[Metric, dict[str, Any], dict[str, Any], float]] = []
    for r in subject_rows:
        m = metric_of[r["metric_id"]]
        national = next((n for n in rows if n["role"] == "national" and n["metric_id"] == m.id
                         and n["period"] == r["period"]), None)
        rel = _relative(r["value"], national["value"] if national else None)
        if national is None or rel is None or abs(rel) < 10 or m.polarity == Polarity.NEUTRAL:
            continue
        better = (rel > 0) == (m.polarity == Polarity.HIGHER_IS_BETTER)
        (good if better else bad).append((m, r, national, rel))
    figures = ledger.count("antal nøgletal", len(subject_rows), f"{len(subject_rows)} centrale nøgletal",
                           f"nøgletallene i overblikket med en værdi for {name}", unit="nøgletal")
    by_year: dict[Period, list[Forms]] = {}  # each figure's year, newest first: the figures differ in their latest
    for r in sorted(subject_rows, key=lambda r: r["period"], reverse=True):
        by_year.setdefault(r["period"], []).append(metric_of[r["metric_id"]].forms)
    text = phrases.overview_sentence(name, figures, list(by_year.items()))

    def listed(heading: str, items: list[tuple[Metric, dict[str, Any], dict[str, Any], float]]) -> str:
        """The first four, each with its year and its difference to the country; only those shown are
        recorded."""
        return phrases.overview_list(heading, [
            (m.forms, r["period"], ledger.add(f"forskel i procent ({m.short_name})", rel, percent(rel),
                                              f"({name} − hele landet) / hele landet × 100",
                                              [ledger.source(r), ledger.source(n)], unit="%", decimals=1))
            for m, r, n, rel in items[:4]])

    if good:
        text += " " + listed("Gunstigt", good)
    if bad:
        text += " " + listed("Ugunstigt", bad)
    return text
