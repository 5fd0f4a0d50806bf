"""Turn result rows into the Danish answer: sentence, observations, table and chart."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.charts import chart_for, shown_year
from assistant.contract import Column, Derived, DerivedInput, Observation, Table
from assistant.formatting import UNIT_LABEL, capitalize, in_millions, kroner, number, percent, value_text
from semantic_layer.model import Aggregation, Metric, Polarity, Unit
from semantic_layer.spec import Benchmark, ComparisonKind, Operation, QuerySpec

AVERAGING = {
    Aggregation.WEIGHTED: "vægtet med {pop}, som ministeriet gør",
    Aggregation.UNWEIGHTED: "et uvægtet gennemsnit, da nævneren ikke findes som antal i lageret",
    Aggregation.SUM: "summen af kommunerne",
}
POPULATION_WORDS = {"indbyggere": "antal indbyggere", "skattegrundlag": "udskrivningsgrundlaget",
                    "areal": "arealet"}


def averaging_text(metric: Metric) -> str:
    pop = metric.denominator_population or ""
    words = POPULATION_WORDS.get(pop, f"antal {pop}-årige")
    return AVERAGING[metric.aggregation].format(pop=words)


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
        return DerivedInput(name=row["municipality"], year=row["year"], value=row["value"], display=shown,
                            metric=row["metric_id"])

    def count(self, label: str, value: int, display: str, how: str, unit: str = "kommuner") -> str:
        """A count of municipalities (or figures) the text states; `how` says what was counted."""
        return self.add(label, value, display, how, unit=unit)


def _obs(row: dict[str, Any], metric: Metric) -> Observation:
    code = row["municipality_code"]
    group = row["municipality"] if code is None or row["role"] in ("group", "benchmark") else None
    return Observation(metric=row["metric_id"], municipality_code=code, municipality=row["municipality"],
                       year=row["year"], value=row["value"], status=row["status"] or "value", group=group,
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
    word = "højere" if value > other else "lavere"
    a, b = _name(row), _name(other_row)
    inputs = [ledger.source(row), ledger.source(other_row)]
    if metric.unit in POINT_UNITS:
        points = POINT_UNITS[metric.unit]
        shown = ledger.add(f"forskel i {points}", value - other,
                           f"{number(abs(value - other), metric.decimals)} {points}", f"{a} − {b}", inputs,
                           unit=points, decimals=metric.decimals)
        return f"{shown} {word} end {against}"
    rel = _relative(value, other)
    if rel is None:
        return None
    if rel >= 200:
        shown = ledger.add("forholdstal", value / other, f"{number(value / other, 1)} gange", f"{a} / {b}", inputs,
                           unit="gange", decimals=1)
        return f"{shown} så højt som {against}"
    shown = ledger.add("forskel i procent", rel, percent(abs(rel)), f"({a} − {b}) / {b} × 100", inputs, unit="%",
                       decimals=1)
    return f"{shown} {word} end {against}"


def _sentence(text: str) -> str:
    """End with exactly one full stop ('48.506 kr.' must not become '48.506 kr..')."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _table(rows: list[dict[str, Any]], metric_of: dict[str, Metric], operation: Operation) -> Table:
    multi = len(metric_of) > 1
    columns = [Column(key="municipality", label="Område")]
    if multi:
        columns.insert(0, Column(key="metric", label="Nøgletal"))
    if operation == Operation.RANK:
        columns.insert(0, Column(key="rank", label="Nr.", numeric=True))
    columns += [Column(key="year", label="År", numeric=True), Column(key="value", label="Værdi", numeric=True)]
    raw, shown = [], []
    for row in rows:
        metric = metric_of[row["metric_id"]]
        is_savings = row["role"] == "savings"
        label = row["municipality"] + (" — råderum" if is_savings else "")
        display_value = kroner(row["value"]) if is_savings and row["value"] is not None else value_text(
            row["value"], metric, row["status"] or "value")
        r: list[Any] = [label, row["year"], row["value"]]
        s: list[str] = [label, str(row["year"]), display_value]
        if multi:
            r.insert(0, metric.short_name)
            s.insert(0, capitalize(metric.short_name))
        if operation == Operation.RANK:
            r.insert(0, row["rank"])
            s.insert(0, "" if row["rank"] is None else f"{row['rank']}.")
        raw.append(r)
        shown.append(s)
    return Table(columns=columns, rows=raw, display=shown)


ONE_YEAR = {Operation.DISTRIBUTION: "Et kort viser", Operation.RANK: "En rangering gælder"}


def _one_year(spec: QuerySpec, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
    """A map or a ranking shows one year: keep only its rows (every role), and say whether others were dropped.

    A follow-up ("Vis det på et kort" after "siden 2010") may bring a whole range; mixing its years would
    count a municipality once per year and could name one year's lowest value beside another year's."""
    municipal = [r for r in rows if r["role"] in ("member", "subject") and r["year"] is not None]
    year = shown_year(spec, (r["year"] for r in municipal), (r["year"] for r in municipal if r["value"] is not None))
    if year is None:
        return rows, False
    several = len({r["year"] for r in rows if r["year"] is not None}) > 1
    return [r for r in rows if r["year"] == year], several


def write(spec: QuerySpec, rows: list[dict[str, Any]], metrics: list[Metric], names: dict[int, str],
          group_label: str | None) -> Written:
    """Compose the answer for any operation from the compiled query's rows."""
    metric_of = {m.id: m for m in metrics}
    metric = metrics[0]
    op = spec.operation
    several_years = False
    if op in ONE_YEAR:
        rows, several_years = _one_year(spec, rows)
    observations = [_obs(r, metric_of[r["metric_id"]]) for r in rows]
    warnings: list[str] = []
    missing = [o for o in observations if o.value is None and o.role in ("subject", "member")]
    if missing:
        shown = ", ".join(f"{o.municipality} {o.year} ({o.display})" for o in missing[:6])
        warnings.append(f"Tal der mangler i kilden og derfor ikke indgår: {shown}.")
    if not any(r["role"] in ("subject", "member", "group") for r in rows):
        # "på landsplan": the national figure is the subject of the sentence.
        rows = [dict(r, role="subject", municipality="hele landet") if r["role"] == "national" else r for r in rows]
    ledger = Ledger(metric_of)
    text = {
        Operation.VALUE: _value_text, Operation.COMPARE: _compare_text, Operation.TREND: _trend_text,
        Operation.RANK: _rank_text, Operation.DISTRIBUTION: _distribution_text, Operation.SAVINGS: _savings_text,
        Operation.OVERVIEW: _overview_text,
    }[op](spec, rows, metric, metric_of, names, group_label, ledger)
    if several_years:  # the year itself is named in the sentence above; the range is not repeated
        text += (f" {ONE_YEAR[op]} ét år ad gangen" +
                 ("; her det seneste med tal i den valgte periode." if spec.years.kind != "single" else "."))
    if op == Operation.OVERVIEW:
        pass  # each figure has its own method; the definition cards say which
    elif any(r["role"] == "group" and r["value"] is not None for r in rows):
        text += f" Gennemsnittet er {averaging_text(metric)}."
    elif any(r["role"] == "group" for r in rows):
        text += " Gruppens gennemsnit kan ikke beregnes, fordi tallene mangler for alle dens kommuner."
    if op != Operation.OVERVIEW and any(r["role"] == "national" and r["status"] == "computed" for r in rows):
        text += (" Hele landet er summen af alle landets kommuner." if metric.aggregation == Aggregation.SUM else
                 " Ministeriet offentliggør intet landstal for dette nøgletal; landstallet er beregnet på samme måde.")
    table = _table([r for r in rows], metric_of, op)
    chart, kind = chart_for(spec, observations, metric)
    return Written(text, observations, table, chart, kind, warnings, ledger.items)


def _pick(rows: list[dict[str, Any]], role: str, year: int | None = None) -> dict[str, Any] | None:
    return next((r for r in rows if r["role"] == role and (year is None or r["year"] == year)), None)


def _value_text(spec, rows, metric, metric_of, names, group_label, ledger) -> str:  # type: ignore[no-untyped-def]
    subjects = [r for r in rows if r["role"] in ("subject", "member")]
    if not subjects:
        return f"Der er ingen tal for {metric.short_name} for det valgte år."
    years = sorted({r["year"] for r in subjects})
    year = max((r["year"] for r in subjects if r["value"] is not None), default=years[-1])
    here = [r for r in subjects if r["year"] == year]
    national = _pick(rows, "national", year)
    national_value = national["value"] if national else None
    if len(here) == 1:
        r = here[0]
        sentence = (f"{capitalize(metric.short_name)} i {r['municipality']} var "
                    f"{value_text(r['value'], metric, r['status'])} i {year}")
        if metric.aggregation == Aggregation.SUM and r["value"] is not None and national_value and national:
            share = r["value"] / national_value * 100  # a count is a share of the country, not above/below it
            places = 1 if share >= 0.1 else 2
            shown = ledger.add("andel af hele landet", share, percent(share, places),
                               f"{r['municipality']} / hele landet × 100", [ledger.source(r), ledger.source(national)],
                               unit="%", decimals=places)
            sentence += f", {shown} af hele landet ({value_text(national_value, metric)})"
        elif r["value"] != national_value and (diff := _difference(
                r, national, metric, f"landsgennemsnittet ({value_text(national_value, metric)})", ledger)):
            sentence += f", {diff}"
        elif national_value is not None and r["value"] is not None:
            sentence += f", det samme som landsgennemsnittet ({value_text(national_value, metric)})"
        sentences = [_sentence(sentence)]
    else:
        parts = ", ".join(f"{r['municipality']} {value_text(r['value'], metric, r['status'])}" for r in here)
        sentence = f"{capitalize(metric.short_name)} i {year}: {parts}"
        if national_value is not None:
            sentence += f"; hele landet {value_text(national_value, metric)}"
        sentences = [_sentence(sentence)]
    if len(years) > 1:
        sentences.append(f"Tabellen viser årene {years[0]}–{years[-1]}.")
    return " ".join(sentences)


def _compare_text(spec, rows, metric, metric_of, names, group_label, ledger) -> str:  # type: ignore[no-untyped-def]
    valued = [r for r in rows if r["role"] in ("subject", "member", "group") and r["value"] is not None]
    if not valued:
        return f"Der er ingen tal for {metric.short_name} for det valgte år."
    focus = [r for r in valued if r["role"] == "subject"] or [r for r in valued if r["role"] == "group"]
    year = max(r["year"] for r in focus or valued)
    subject = next((r for r in focus if r["year"] == year), None)
    group = _pick(rows, "group", year)
    national = _pick(rows, "national", year)
    national_value = national["value"] if national else None
    members = [r for r in rows if r["role"] in ("subject", "member") and r["year"] == year]
    if subject is None:
        return f"Der er ingen tal for {metric.short_name} for det valgte år."
    explicit = len([r for r in members if r["role"] == "subject"]) > 1
    if explicit:  # "Sammenlign Odense, Aarhus og Aalborg": every named municipality, highest first
        ordered = sorted(members, key=lambda r: -(r["value"] if r["value"] is not None else float("-inf")))
        listing = ", ".join(f"{r['municipality']} {value_text(r['value'], metric, r['status'])}" for r in ordered)
        text = f"{capitalize(metric.short_name)} i {year}: {listing}"
        if national_value is not None:
            text += f"; hele landet {value_text(national_value, metric)}"
        return _sentence(text)
    is_group_subject = subject["role"] == "group"
    where = subject["municipality"]
    shown = value_text(subject['value'], metric, subject['status'])
    text = f"{capitalize(metric.short_name)} i {where} var {shown} i {year}"
    if is_group_subject:
        n = int(subject["n_values"])
        text += " (" + ledger.count("antal kommuner med tal", n, f"{n} kommuner",
                                    f"kommunerne i {where} med en værdi i {year}") + ")"
    elif group and group["value"] is not None:
        label = group["municipality"]
        against = label[0].lower() + label[1:] if label.startswith(("Nabo", "Samm")) else label
        diff = _difference(subject, group, metric, f"{against} ({value_text(group['value'], metric)})", ledger)
        if diff:
            text += f", {diff}"
    elif national_value is not None:
        diff = _difference(subject, national, metric, "landsgennemsnittet", ledger)
        if diff:
            text += f", {diff}"
    if national_value is not None:
        text += f"; hele landet: {value_text(national_value, metric)}"
    text = _sentence(text)
    ranked = sorted((r for r in members if r["value"] is not None), key=lambda r: -r["value"])
    if not is_group_subject and len(ranked) > 1 and subject["value"] is not None:
        pos = next(i for i, r in enumerate(ranked, 1) if r["municipality_code"] == subject["municipality_code"])
        place = ledger.add("placering", pos, f"nr. {pos}", f"{where}s plads, når kommunerne i sammenligningen "
                           f"ordnes efter værdien i {year}, højeste først", [ledger.source(r) for r in ranked],
                           unit="nr.")
        of = ledger.count("antal kommuner i sammenligningen", len(ranked), f"af {len(ranked)}",
                          f"kommunerne i sammenligningen med en værdi i {year}")
        text += f" {where} ligger {place} {of} i sammenligningen (højeste først)."
    years = sorted({r["year"] for r in members})
    if len(years) > 1:
        text += f" Tabellen og grafen viser årene {years[0]}–{years[-1]}."
    if spec.comparison.kind == ComparisonKind.SIMILAR:
        others = list(dict.fromkeys(r["municipality"] for r in members
                                    if r["municipality_code"] != subject["municipality_code"]))
        if others:
            listed = others[0] if len(others) == 1 else ", ".join(others[:-1]) + " og " + others[-1]
            text += f" De sammenlignelige kommuner er {listed}."
        text += (" Sammenlignelige kommuner er de nærmeste efter socioøkonomisk indeks og indbyggertal "
                 "(standardiseret afstand, seneste år med indekset).")
    return text


def _trend_text(spec, rows, metric, metric_of, names, group_label, ledger) -> str:  # type: ignore[no-untyped-def]
    sentences = []
    subjects = list(dict.fromkeys(r["municipality_code"] for r in rows if r["role"] in ("subject", "group")))
    for code in subjects:
        series = sorted((r for r in rows if r["municipality_code"] == code and r["value"] is not None
                         and r["role"] in ("subject", "group")),
                        key=lambda r: r["year"])
        if len(series) < 2:
            continue
        first, last = series[0], series[-1]
        diff = last["value"] - first["value"]
        rel = _relative(last["value"], first["value"])
        where, inputs = first["municipality"], [ledger.source(first), ledger.source(last)]
        change, rel_text = "uændret", ""
        if diff != 0:
            points = POINT_UNITS.get(metric.unit)
            amount = ledger.add(
                f"ændring i {points}" if points else "ændring", diff,
                f"{number(abs(diff), metric.decimals)} {points}" if points else value_text(abs(diff), metric),
                f"{where} {last['year']} − {where} {first['year']}", inputs,
                unit=points or UNIT_LABEL[metric.unit], decimals=metric.decimals)
            change = f"en stigning på {amount}" if diff > 0 else f"et fald på {amount}"
            if rel is not None:
                rel_text = " (" + ledger.add(
                    "ændring i procent", rel, percent(rel),
                    f"({where} {last['year']} − {where} {first['year']}) / {where} {first['year']} × 100", inputs,
                    unit="%", decimals=1) + ")"
        sentences.append(f"{capitalize(metric.short_name)} i {first['municipality']} gik fra "
                         f"{value_text(first['value'], metric)} i {first['year']} til "
                         f"{value_text(last['value'], metric)} i {last['year']}, {change}{rel_text}.")
    national = sorted((r for r in rows if r["role"] == "national" and r["value"] is not None), key=lambda r: r["year"])
    if len(national) >= 2:
        start, end = national[0], national[-1]
        rel = _relative(end["value"], start["value"])
        delta = end["value"] - start["value"]
        inputs = [ledger.source(start), ledger.source(end)]
        span = f"hele landet {end['year']} − hele landet {start['year']}"
        if metric.unit in POINT_UNITS:
            points = POINT_UNITS[metric.unit]
            shown = ledger.add(f"ændring i {points}", delta, f"{number(delta, metric.decimals)} {points}", span,
                               inputs, unit=points, decimals=metric.decimals)
            sentences.append(f"I hele landet var ændringen {shown} i samme periode.")
        elif rel is not None:
            shown = ledger.add("ændring i procent", rel, percent(rel), f"({span}) / hele landet {start['year']} × 100",
                               inputs, unit="%", decimals=1)
            sentences.append(f"I hele landet var ændringen {shown} i samme periode.")
    return " ".join(sentences) or f"Der er ikke tal nok til at vise udviklingen i {metric.short_name}."


def _rank_text(spec, rows, metric, metric_of, names, group_label, ledger) -> str:  # type: ignore[no-untyped-def]
    ranked = sorted((r for r in rows if r["rank"] is not None and r["role"] in ("member", "subject")
                     and r["value"] is not None), key=lambda r: r["rank"])
    if not ranked:
        return f"Der er ingen tal at rangere for {metric.short_name}."
    year = max(r["year"] for r in ranked)
    ranked = [r for r in ranked if r["year"] == year]  # write() already keeps one year; never mix them here
    word = "højeste" if spec.rank_order == "desc" else "laveste"
    top = [r for r in ranked if r["rank"] <= spec.rank_n]
    scope = f" i {names.get(spec.rank_region, 'regionen')}" if spec.rank_region else ""
    listing = ", ".join(f"{r['municipality']} ({value_text(r['value'], metric)})" for r in top)
    order = f"ordnet efter {metric.short_name} i {year}, {word} først; lige store værdier deler pladsen"
    if spec.rank_n > len(top):
        listing += " (kun " + ledger.count("antal kommuner med tal", len(top), f"{len(top)} kommuner",
                                           f"kommunerne{scope} med en værdi i {year}") + " har tal)"
    tied = [r["municipality"] for r in top if r["rank"] == top[-1]["rank"]] if len(top) > spec.rank_n else []
    if spec.rank_n == 1:
        first = top[0]
        if len(top) == 1:
            text = (f"{first['municipality']}{scope} har den {word} {metric.short_name} i {year}: "
                    f"{value_text(first['value'], metric)}.")
        else:
            names_ = ", ".join(r["municipality"] for r in top[:-1]) + " og " + top[-1]["municipality"]
            sharing = ledger.count("antal kommuner på delt plads", len(top), f"{len(top)} kommuner",
                                   f"kommunerne{scope} med samme {word} værdi i {year}")
            place = ledger.add("placering", 1, "1.-pladsen", order, [ledger.source(r) for r in top], unit="nr.")
            text = (f"{sharing}{scope} deler {place} med den {word} {metric.short_name} i {year} "
                    f"({value_text(first['value'], metric)}): {names_}.")
    else:
        if tied:
            place = ledger.add("placering", top[-1]["rank"], f"{top[-1]['rank']}.-pladsen", order,
                               [ledger.source(r) for r in top if r["rank"] == top[-1]["rank"]], unit="nr.")
            listing += f" — {' og '.join([', '.join(tied[:-1]), tied[-1]])} deler {place}"
        shown = min(len(top), spec.rank_n)
        listed = ledger.count("antal kommuner i listen", shown, f"{shown} kommuner",
                              f"de første {shown} i rangeringen{scope} ({word} først)")
        text = f"De {listed}{scope} med {word} {metric.short_name} i {year}: {listing}."
    total = int(ranked[0]["weight"] or len({r["municipality_code"] for r in ranked}))
    for r in ranked:
        if r["role"] == "subject":
            place = ledger.add("placering", r["rank"], f"nr. {r['rank']}", order, [ledger.source(r)], unit="nr.")
            of = ledger.count("antal kommuner i rangeringen", total, f"af {total}",
                              f"kommunerne{scope} med en værdi i {year}")
            text += f" {r['municipality']} er {place} {of}."
    return text


def _distribution_text(spec, rows, metric, metric_of, names, group_label, ledger) -> str:  # type: ignore[no-untyped-def]
    values = sorted((r for r in rows if r["role"] in ("member", "subject") and r["value"] is not None),
                    key=lambda r: r["value"])
    if not values:
        return f"Der er ingen tal for {metric.short_name}."
    year = max(r["year"] for r in values)
    values = [r for r in values if r["year"] == year]  # write() already keeps one year; never mix them here
    hi, lo = values[-1], values[0]
    count = len({r["municipality_code"] for r in values})  # municipalities, not rows
    shown = ledger.count("antal kommuner på kortet", count, f"{count} kommuner",
                         f"kommunerne med en værdi i {year}")
    text = (f"Kortet viser {metric.short_name} for {shown} i {year}. Højest: {hi['municipality']} "
            f"({value_text(hi['value'], metric)}); lavest: {lo['municipality']} ({value_text(lo['value'], metric)}).")
    national = _pick(rows, "national", year)
    if national and national["value"] is not None:
        text += " " + _sentence(f"Hele landet: {value_text(national['value'], metric)}")
    return text


def _savings_text(spec, rows, metric, metric_of, names, group_label, ledger) -> str:  # type: ignore[no-untyped-def]
    subject, bench, saving = _pick(rows, "subject"), _pick(rows, "benchmark"), _pick(rows, "savings")
    if not subject or not bench or not saving or saving["value"] is None:
        return f"Råderummet kan ikke beregnes, fordi et af tallene for {metric.short_name} mangler."
    year = subject["year"]
    bench_name = {Benchmark.COUNTRY: "landsgennemsnittet", Benchmark.NEIGHBOURS: "nabokommunernes gennemsnit",
                  Benchmark.REGION: f"gennemsnittet i {bench['municipality']}",
                  Benchmark.LOWEST_QUARTILE: "den laveste kvartil"}[spec.benchmark]
    # Said once, in words: the quartile's share and the number of municipalities would be untraceable numbers.
    explained = (" (grænsen for den fjerdedel af kommunerne, der ligger lavest)"
                 if spec.benchmark == Benchmark.LOWEST_QUARTILE else "")
    amount = saving["value"]
    where = subject["municipality"]
    head = (f"{where} havde {value_text(subject['value'], metric)} i {metric.short_name} i {year} "
            f"mod {value_text(bench['value'], metric)} for {bench_name}{explained}".rstrip(".") + ".")
    weight = saving["weight"] or 0
    population = POPULATION_WORDS.get(metric.denominator_population or "", f"{metric.denominator_population}-årige")
    shown = ledger.add("råderum", amount, kroner(abs(amount)), "(egen værdi − benchmark) × nævnerpopulation",
                       [ledger.source(subject), ledger.source(bench),
                        DerivedInput(name=f"{population} i {where}", year=year, value=weight, display=number(weight))],
                       unit="mio. kr." if in_millions(amount) else "kr.", decimals=1 if in_millions(amount) else 0)
    if amount > 0:
        body = (f" Lå {where} på {bench_name}, ville udgiften være {shown} lavere "
                f"om året — det er råderummet.")
    else:
        body = (f" {where} ligger allerede under {bench_name}: at ligge på niveauet ville koste "
                f"{shown} mere om året, så der er intet råderum mod dette benchmark.")
    weight_shown = ledger.add("nævnerpopulation", weight, number(weight),
                              f"{population} i {where} i {year}: nøgletallets nævner (fra lageret)", unit=population)
    basis = (f" Beregning: (egen værdi − benchmark) × {weight_shown} "
             f"({population} i {year}). Forudsætter uændret befolkning og at forskellen alene skyldes udgiftsniveau, "
             f"ikke serviceniveau eller udgiftsbehov.")
    return head + body + basis


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
                         and n["year"] == r["year"]), None)
        rel = _relative(r["value"], national["value"] if national else None)
        if national is None or rel is None or abs(rel) < 10 or m.polarity == Polarity.NEUTRAL:
            continue
        better = (rel > 0) == (m.polarity == Polarity.HIGHER_IS_BETTER)
        (good if better else bad).append((m, r, national, rel))
    figures = ledger.count("antal nøgletal", len(subject_rows), f"{len(subject_rows)} centrale nøgletal",
                           f"nøgletallene i overblikket med en værdi for {name}", unit="nøgletal")
    text = (f"Overblik over {name}: {figures} på tværs af temaerne, seneste år med "
            f"data, sammenlignet med nabokommunerne og hele landet.")

    def listed(items: list[tuple[Metric, dict[str, Any], dict[str, Any], float]]) -> str:
        """The first four, each with its difference to the country; only those shown are recorded."""
        return "; ".join(
            f"{m.short_name} (" + ledger.add(f"forskel i procent ({m.short_name})", rel, percent(rel),
                                             f"({name} − hele landet) / hele landet × 100",
                                             [ledger.source(r), ledger.source(n)], unit="%", decimals=1)
            + " i forhold til landet)" for m, r, n, rel in items[:4])

    if good:
        text += " Gunstigt: " + listed(good) + "."
    if bad:
        text += " Ugunstigt: " + listed(bad) + "."
    return text
