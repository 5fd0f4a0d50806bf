"""Danish phrases rendered from a QuerySpec and the catalog's word forms: one place for the templates.

Clarification options, follow-up suggestions and example questions are questions a person would ask, built
from the figure's own forms ("udskrivningsprocenten", "det højeste indbyggertal", "Hvad koster en plads i
dagplejen i Odense?") — never by pasting a catalog name into the user's sentence. Every question rendered
here must parse back to the spec it stands for; the intent tests check that.

The answers' sentences and chart titles are here too (below "answers"): each takes the figure's forms and
values the writer has already formatted, so agreement (den/det/de, høj/højt/høje) is decided in one place and
no template computes a number.
"""

from __future__ import annotations

from typing import NamedTuple

from semantic_layer.model import (
    AVERAGE_METHOD_OWNERS,
    Aggregation,
    Catalog,
    Forms,
    FromQuarters,
    Gender,
    Metric,
    Number,
)
from semantic_layer.spec import Benchmark, ComparisonKind, Operation, QuerySpec, Years


class Period(NamedTuple):
    """The time of a number: a year, or a quarter (1-4) of it. Orders in time; written "2023" or "4. kvartal 2025"."""

    year: int
    quarter: int = 0  # 0: the whole year

    def __str__(self) -> str:
        return f"{self.quarter}. kvartal {self.year}" if self.quarter else str(self.year)


When = int | Period  # what the sentences below write after "i": a year or a quarter


def quarter_label(quarter: int | None) -> str:
    """A table's quarter cell: "4. kvartal" ("" for a whole year)."""
    return f"{quarter}. kvartal" if quarter else ""


def years_phrase(years: Years) -> str:
    """" i 2019", " fra 2015 til 2020", " siden 2015", " de seneste 5 år", " i 4. kvartal 2025",
    " kvartalsvis i 2024", " fra 1. kvartal 2023 til 3. kvartal 2025", " siden 2. kvartal 2024",
    " de seneste 8 kvartaler" or "" (the latest period)."""
    quarterly = " kvartalsvis" if years.unit == "quarter" and not years.quarter else ""  # every quarter of the years
    if years.kind == "single" and years.start:
        return f"{quarterly} i {Period(years.start, years.quarter or 0)}"
    if years.kind == "range" and years.start and (years.start_quarter or years.end_quarter):
        first = Period(years.start, years.start_quarter or 1)  # a range of quarters: "fra 1. kvartal 2023 …"
        if years.end is None:
            return f" siden {first}"
        return f" fra {first} til {Period(years.end, years.end_quarter or 4)}"
    if years.kind == "range" and years.start:
        return quarterly + (f" fra {years.start} til {years.end}" if years.end else f" siden {years.start}")
    if years.kind == "last_n" and years.last_n:
        return f" de seneste {years.last_n} {'kvartaler' if years.unit == 'quarter' else 'år'}"
    return ""  # the latest: a quarterly figure's own question gives its latest quarter, a year's its latest year


def listing(items: list[str]) -> str:
    """"a", "a og b", "a, b og c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def _with_years(question: str, yrs: str) -> str:
    """A figure's own question with the years put in before the question mark."""
    return question[:-1] + yrs + "?" if yrs and question.endswith("?") else question


def question(spec: QuerySpec, catalog: Catalog, names: dict[int, str]) -> str:
    """A complete Danish question for a spec (options, suggestions and examples)."""
    m: Metric | None = catalog.get(spec.metric.id) if spec.metric else None
    definite = m.forms.definite if m else "udskrivningsprocenten"
    place = names.get(spec.subject, "") if spec.subject is not None else ""
    yrs = years_phrase(spec.years)
    scope = f" i {names[spec.rank_region]}" if spec.rank_region in names else ""
    if spec.operation == Operation.RANK and spec.comparison.kind == ComparisonKind.NEIGHBOURS and place:
        scope = among_neighbours(place)
    op = spec.operation
    if op == Operation.OVERVIEW:
        return f"Giv mig et overblik over {place}"
    if op == Operation.DEFINITION:
        return f"Hvad betyder {m.forms.indefinite if m else 'udskrivningsprocent'}?"
    if spec.comparison.kind == ComparisonKind.REGIONS:
        return regions_question(spec, m, definite, yrs)
    if op == Operation.RANK:
        adjective = "laveste" if spec.rank_order == "asc" else "højeste"
        what = m.forms.superlative(adjective) if m else f"den {adjective} udskrivningsprocent"
        if spec.rank_n == 1:
            return f"Hvilken kommune{scope} har {what}{yrs}?"
        return f"Hvilke {spec.rank_n} kommuner{scope} har {what}{yrs}?"
    if op == Operation.DISTRIBUTION:
        return f"Vis {definite} for alle kommuner{scope}{yrs}"
    if op == Operation.SAVINGS:
        other = names.get(spec.municipalities[1], "") if spec.benchmark == Benchmark.MUNICIPALITY else "regionen"
        level = savings_level(spec.benchmark, other)
        return f"Hvor meget kunne {place} spare på {definite}, hvis de lå på {level}{yrs}?"
    if op == Operation.TREND:
        return f"Hvordan har {definite} i {place} udviklet sig{yrs or ' de seneste 10 år'}?"
    if op == Operation.COMPARE or len(spec.municipalities) > 1:
        kind = spec.comparison.kind
        if kind == ComparisonKind.NEIGHBOURS:
            return f"Sammenlign {definite} i {place} med nabokommunerne{yrs}"
        if kind == ComparisonKind.SIMILAR:
            return f"Sammenlign {definite} i {place} med lignende kommuner{yrs}"
        if kind == ComparisonKind.REGION:
            region = names.get(spec.comparison.region_code or -1, "regionen")
            return f"Sammenlign {definite} i {place} med {region}{yrs}"
        if len(spec.municipalities) > 1:
            return f"Sammenlign {definite} i {listing([names.get(c, str(c)) for c in spec.municipalities])}{yrs}"
        return f"Sammenlign {definite} i {place} med landsgennemsnittet{yrs}"
    if m is not None and place:
        return _with_years(m.forms.ask(place), yrs)
    return f"Hvad er {definite} i {place}{yrs}?"


def regions_question(spec: QuerySpec, m: Metric | None, definite: str, yrs: str) -> str:
    """A question about all five regions: "Sammenlign udskrivningsprocenten i regionerne", "Hvilken region har den
    højeste udskrivningsprocent?", "Ranger regionerne efter …", "Hvordan har … udviklet sig i regionerne …?"."""
    if spec.operation == Operation.RANK:
        adjective = "laveste" if spec.rank_order == "asc" else "højeste"
        if spec.rank_n == 1:
            what = m.forms.superlative(adjective) if m else f"den {adjective} udskrivningsprocent"
            return f"Hvilken region har {what}{yrs}?"
        order = ", laveste først" if spec.rank_order == "asc" else ""
        return f"Ranger regionerne efter {definite}{yrs}{order}"
    if spec.operation == Operation.TREND:
        return f"Hvordan har {definite} udviklet sig i regionerne{yrs or ' de seneste 10 år'}?"
    return f"Sammenlign {definite} i regionerne{yrs}"


# -- answers -------------------------------------------------------------------------------------------------------
# The sentences of an answer, from the figure's word forms and values the writer has already formatted (and
# recorded): "Udskrivningsprocenten i Odense var 25,50 % i 2023", "København har det højeste indbyggertal",
# "Serviceudgifterne pr. indbygger i Aarhus gik fra …". Danish verbs do not agree in number ("var", "steg"),
# but articles, pronouns and predicative adjectives do (den/det/de, høj/højt/høje); the forms say which.
# No template computes or formats a number.

HIGHEST, LOWEST = "højeste", "laveste"
NATIONAL_RULE = " (rød linje: hele landet)"  # a chart's note on the national figure's line


def capitalized(text: str) -> str:
    """The first letter upper-case, the rest as written ("de samlede udgifter" -> "De samlede udgifter")."""
    return text[:1].upper() + text[1:]


def sentence(text: str) -> str:
    """End with exactly one full stop ('48.506 kr.' must not become '48.506 kr..')."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def pronoun(forms: Forms) -> str:
    """The personal pronoun for the figure once it has been named: den, det or de (as the article)."""
    return forms.article


def agree(forms: Forms, adjective: str) -> str:
    """A predicative adjective agreeing with the figure: høj (en-word), højt (et-word), høje (plural)."""
    if forms.number == Number.PLURAL:
        return adjective if adjective.endswith("e") else adjective + "e"
    return adjective + "t" if forms.gender == Gender.NEUTER and not adjective.endswith("t") else adjective


def extreme(order: str) -> str:
    """The superlative a ranking's order asks for: "højeste" (desc) or "laveste" (asc)."""
    return LOWEST if order == "asc" else HIGHEST


# -- the groups the SQL names by code --------------------------------------------------------------------------------
# The compiled SQL carries codes for the rows it computes (the role says what a row is; `municipality` holds the
# group's code); the writer turns them into words here, by the figure's own method: a count's group is a total
# ("Nabokommunerne i alt"), any other figure's an average ("Nabokommunernes gennemsnit").
NEIGHBOURS, SIMILAR, LOWEST_QUARTILE = "neighbours", "similar", "lowest_quartile"
GROUP_CODES = frozenset({NEIGHBOURS, SIMILAR, LOWEST_QUARTILE})
_GROUPS = {  # code -> (label as average, in a sentence), (label as total, in a sentence)
    NEIGHBOURS: (("Nabokommunernes gennemsnit", "nabokommunernes gennemsnit"),
                 ("Nabokommunerne i alt", "nabokommunerne tilsammen")),
    SIMILAR: (("Sammenlignelige kommuners gennemsnit", "de sammenlignelige kommuners gennemsnit"),
              ("Sammenlignelige kommuner i alt", "de sammenlignelige kommuner tilsammen")),
    LOWEST_QUARTILE: (("Laveste kvartil (25 %-fraktil)", "den laveste kvartil"),
                      ("Laveste kvartil (25 %-fraktil)", "den laveste kvartil")),
}


def group_label(code: str, aggregation: Aggregation) -> str:
    """The label of a computed group in tables and charts: "Nabokommunernes gennemsnit", "Nabokommunerne i alt"."""
    average, total = _GROUPS[code]
    return (total if aggregation == Aggregation.SUM else average)[0]


def group_name(code: str | None, label: str, aggregation: Aggregation) -> str:
    """A computed group mid-sentence: "nabokommunernes gennemsnit", "gennemsnittet i Region Midtjylland"
    (a region's group carries the region's own name as its label)."""
    if code in _GROUPS:
        average, total = _GROUPS[code]
        return (total if aggregation == Aggregation.SUM else average)[1]
    return f"kommunerne i {label} tilsammen" if aggregation == Aggregation.SUM else f"gennemsnittet i {label}"


def national_name(aggregation: Aggregation) -> str:
    """The country mid-sentence: its average, or for a count, the whole country."""
    return "hele landet" if aggregation == Aggregation.SUM else "landsgennemsnittet"


_AVERAGING = {
    Aggregation.WEIGHTED: "vægtet med {pop}{owner}",
    Aggregation.UNWEIGHTED: "et uvægtet gennemsnit, da nævneren ikke findes som antal i lageret",
    Aggregation.SUM: "summen af kommunerne",
}
POPULATION_WORDS = {"indbyggere": "antal indbyggere", "skattegrundlag": "udskrivningsgrundlaget",
                    "areal": "arealet"}


def population_words(metric: Metric, prefix: str = "antal ") -> str:
    """The figure's denominator population in words: "antal indbyggere", "antal 0-13-årige"."""
    pop = metric.denominator_population or ""
    return POPULATION_WORDS.get(pop, f"{prefix}{pop}-årige")


def averaging_text(metric: Metric) -> str:
    """How a group's figure is made, for the definition card: "vægtet med antal indbyggere, som ministeriet gør";
    the method is credited to the figure's source only when that source weighs its own averages so
    (model.AVERAGE_METHOD_OWNERS), else it just says what the weights are ("vægtet med antal indbyggere")."""
    owner = AVERAGE_METHOD_OWNERS.get(metric.source)
    return _AVERAGING[metric.aggregation].format(pop=population_words(metric),
                                                 owner=f", som {owner} gør" if owner else "")


def averaging_sentence(metric: Metric) -> str:
    if metric.aggregation == Aggregation.SUM:
        return "Gruppens tal er summen af kommunernes tal."
    return f"Gennemsnittet er {averaging_text(metric)}."


def group_missing_sentence(metric: Metric) -> str:
    what = "tal" if metric.aggregation == Aggregation.SUM else "gennemsnit"
    return f"Gruppens {what} kan ikke beregnes, fordi tallene mangler for alle dens kommuner."


def national_computed_sentence(metric: Metric) -> str:
    if metric.aggregation == Aggregation.SUM:
        return "Hele landet er summen af alle landets kommuner."
    return "Ministeriet offentliggør intet landstal for dette nøgletal; landstallet er beregnet på samme måde."


# -- pieces of a sentence ------------------------------------------------------------------------------------------
def difference(amount: str, higher: bool, against: str) -> str:
    """"9,6 % højere end landsgennemsnittet (48.506 kr.)", "0,48 procentpoint lavere end …"."""
    return f"{amount} {'højere' if higher else 'lavere'} end {against}"


def times_as_high(forms: Forms, times: str, against: str) -> str:
    """"87,2 gange så højt som hele landet" (the adjective agrees with the figure)."""
    return f"{times} så {agree(forms, 'høj')} som {against}"


def with_value(name: str, value: str) -> str:
    """"landsgennemsnittet (25,02 %)"."""
    return f"{name} ({value})"


def share_of_country(share: str, national: str) -> str:
    """A count as a share of the country: "0,5 % af hele landet (5.961.158)"."""
    return f"{share} af hele landet ({national})"


def same_as(against: str) -> str:
    return f"det samme som {against}"


def change(rising: bool, amount: str, relative: str = "") -> str:
    """"en stigning på 6.718 kr. (18,2 %)", "et fald på 0,10 procentpoint (-0,4 %)"."""
    rel = f" ({relative})" if relative else ""
    return f"en stigning på {amount}{rel}" if rising else f"et fald på {amount}{rel}"


# -- sentences -----------------------------------------------------------------------------------------------------
def value_sentence(forms: Forms, place: str, value: str, year: When, tail: str = "", note: str = "") -> str:
    """"Udskrivningsprocenten i Odense var 25,50 % i 2023, 0,48 procentpoint højere end landsgennemsnittet (…)."
    `note` goes in brackets after the year ("(19 kommuner)"); `tail` after a comma."""
    text = f"{capitalized(forms.definite)} i {place} var {value} i {year}"
    text += f" ({note})" if note else ""
    return sentence(text + (f", {tail}" if tail else ""))


def yes_no_sentence(forms: Forms, place: str, answer: str, year: When) -> str:
    """A yes/no figure has no "higher than": "Tilskuddet til pasning af egne børn i Odense i 2017: ja."."""
    return sentence(f"{capitalized(forms.definite)} i {place} i {year}: {answer}")


def missing_sentence(forms: Forms, place: str, year: When, status: str) -> str:
    """A cell without a number: "Tallet for udskrivningsprocenten i Odense i 2023 mangler i kilden."."""
    state = "er udefineret" if status == "undefined" else "mangler"
    return f"Tallet for {forms.definite} i {place} i {year} {state} i kilden."


def values_sentence(forms: Forms, year: When, parts: list[tuple[str, str]], national: str | None = None,
                    highest_first: bool = False) -> str:
    """Several municipalities at once: "Udskrivningsprocenten i 2023, højeste først: Odense 25,50 %, Aalborg …;
    hele landet 25,02 %."."""
    order = ", højeste først" if highest_first else ""
    text = f"{capitalized(forms.definite)} i {year}{order}: " + ", ".join(f"{p} {v}" for p, v in parts)
    return sentence(text + (f"; hele landet {national}" if national is not None else ""))


def national_sentence(forms: Forms, value: str, named: bool = True) -> str:
    """The country's figure after the figure has been named ("I hele landet var den 25,02 %.") or not
    ("I hele landet var udskrivningsprocenten 25,02 %.")."""
    return sentence(f"I hele landet var {pronoun(forms) if named else forms.definite} {value}")


def position_sentence(place: str, position: str, of: str) -> str:
    """"Odense ligger nr. 5 af 5 i sammenligningen (højeste først)."."""
    return f"{place} ligger {position} {of} i sammenligningen (højeste først)."


def years_shown(first: When, last: When, chart: bool = False) -> str:
    """"Tabellen viser årene 2015–2023."; quarters: "Tabellen viser perioden 1. kvartal 2024–4. kvartal 2025."."""
    span = "perioden" if isinstance(first, Period) and first.quarter else "årene"
    return f"{'Tabellen og grafen viser' if chart else 'Tabellen viser'} {span} {first}–{last}."


# -- a quarterly figure and its years --------------------------------------------------------------------------------
def annual_form_sentence(how: FromQuarters) -> str:
    """Said with a year formed of four quarters: which annual form it is."""
    if how == FromQuarters.SUM:
        return "Årstallet er summen af årets fire kvartaler."
    return "Årstallet er gennemsnittet af årets fire kvartaler."


def only_years(forms: Forms) -> str:
    """Said when a figure without quarters is asked for in quarters."""
    return f"{capitalized(forms.definite)} opgøres kun for hele år, ikke pr. kvartal; svaret gælder hele år."


def no_data_for(forms: Forms, asked: str, first: When, last: When) -> str:
    """"Der er ingen tal for X i 2030. Der findes tal for årene 2007–2025." (or for 1. kvartal 2007–4. kvartal 2025)."""
    span = "perioden" if isinstance(first, Period) and first.quarter else "årene"
    return f"Der er ingen tal for {forms.definite} i {asked}. Der findes tal for {span} {first}–{last}."


def incomplete_year(year: int, last: Period) -> str:
    """Why a year that has begun has no annual value."""
    return (f"{year} har kun tal til og med {last}, og et år uden alle fire kvartaler har ingen årsværdi. "
            f"Spørg fx om {last}.")


SIMILAR_METHOD = ("Sammenlignelige kommuner er de nærmeste efter socioøkonomisk indeks og indbyggertal "
                  "(standardiseret afstand, seneste år med indekset).")


def similar_sentence(names: list[str]) -> str:
    """"De sammenlignelige kommuner er Hillerød, Frederikssund og Gribskov." (and how they were chosen)."""
    head = f"De sammenlignelige kommuner er {listing(names)}. " if names else ""
    return head + SIMILAR_METHOD


def trend_sentence(forms: Forms, place: str, first: str, first_year: When, last: str, last_year: When,
                   changed: str | None, group: bool = False) -> str:
    """"Udskrivningsprocenten i København gik fra 23,80 % i 2015 til 23,70 % i 2023, et fald på …"; unchanged:
    "… var uændret 23,80 % fra 2015 til 2023."; a group is its own subject ("Nabokommunernes gennemsnit gik
    fra …")."""
    what = capitalized(place) if group else f"{capitalized(forms.definite)} i {place}"
    if changed is None:
        return sentence(f"{what} var uændret {first} fra {first_year} til {last_year}")
    return sentence(f"{what} gik fra {first} i {first_year} til {last} i {last_year}, {changed}")


def national_trend_sentence(forms: Forms, direction: int, amount: str, named: bool = True) -> str:
    """"I hele landet steg den med 18,6 % i samme periode." (`amount` without a sign: the verb carries it)."""
    it = pronoun(forms) if named else forms.definite
    if direction == 0:
        return f"I hele landet var {it} uændret i samme periode."
    return f"I hele landet {'steg' if direction > 0 else 'faldt'} {it} med {amount} i samme periode."


def rank_top_sentence(forms: Forms, place: str, scope: str, adjective: str, year: When, value: str) -> str:
    """"København har det højeste indbyggertal i 2024: 659.350."; "Blandt Hvidovre og nabokommunerne har Rødovre
    …"."""
    if scope.startswith(" blandt "):
        return sentence(f"B{scope[2:]} har {place} {forms.superlative(adjective)} i {year}: {value}")
    return sentence(f"{place}{scope} har {forms.superlative(adjective)} i {year}: {value}")


def rank_shared_sentence(forms: Forms, sharing: str, scope: str, place: str, adjective: str, year: When, value: str,
                         names: list[str]) -> str:
    """"10 kommuner deler 1.-pladsen med den højeste grundskyldspromille i 2023 (34,000 promille): …"."""
    return sentence(f"{sharing}{scope} deler {place} med {forms.superlative(adjective)} i {year} ({value}): "
                    f"{listing(names)}")


def rank_list_sentence(forms: Forms, listed: str, scope: str, adjective: str, year: When, items: str) -> str:
    """"De 5 kommuner med den laveste udskrivningsprocent i 2022: Frederiksberg (22,80 %), …"."""
    return sentence(f"De {listed}{scope} med {forms.superlative(adjective)} i {year}: {items}")


def among_neighbours(place: str) -> str:
    """A ranking's scope: " blandt Hvidovre og nabokommunerne"."""
    return f" blandt {place} og nabokommunerne"


def rank_item(place: str, value: str) -> str:
    return f"{place} ({value})"


def rank_only(count: str) -> str:
    """When fewer municipalities have a value than were asked for: " (kun 3 kommuner har tal)"."""
    return f" (kun {count} har tal)"


def rank_tied(names: list[str], place: str) -> str:
    """" — Gladsaxe og Glostrup deler 5.-pladsen"."""
    return f" — {listing(names)} deler {place}"


def rank_position(place: str, position: str, of: str) -> str:
    """"Fredensborg er nr. 7 af 98."."""
    return f"{place} er {position} {of}."


def rank_order(forms: Forms, year: When, adjective: str) -> str:
    """How a ranking is made (the calculation of a position)."""
    return f"ordnet efter {forms.definite} i {year}, {adjective} først; lige store værdier deler pladsen"


def map_sentence(forms: Forms, count: str, year: When, highest: tuple[str, str], lowest: tuple[str, str]) -> str:
    """"Kortet viser udskrivningsprocenten for 98 kommuner i 2023. Højest: Læsø (26,30 %); lavest: …"."""
    return (f"Kortet viser {forms.definite} for {count} i {year}. Højest: {highest[0]} ({highest[1]}); "
            f"lavest: {lowest[0]} ({lowest[1]}).")


_SAVINGS_AGAINST = {  # benchmark -> (against what, in "mod …"), (the level, in "på …")
    Benchmark.COUNTRY: ("et landsgennemsnit på {value}", "landsgennemsnittet"),
    Benchmark.NEIGHBOURS: ("et gennemsnit på {value} i nabokommunerne", "nabokommunernes gennemsnit"),
    Benchmark.REGION: ("et gennemsnit på {value} i {region}", "gennemsnittet i {region}"),
    Benchmark.LOWEST_QUARTILE: ("{value} ved den laveste kvartil (grænsen for den fjerdedel af kommunerne, der "
                                "ligger lavest)", "den laveste kvartil"),
    Benchmark.MUNICIPALITY: ("{value} i {region}", "niveauet i {region}"),
}


def savings_level(benchmark: Benchmark, region: str = "regionen") -> str:
    """The benchmark's level mid-sentence: "landsgennemsnittet", "gennemsnittet i Region Syddanmark"."""
    return _SAVINGS_AGAINST[benchmark][1].format(region=region)


def savings_sentence(forms: Forms, place: str, value: str, year: When, benchmark: Benchmark, bench_value: str,
                     region: str, amount: str, saving: bool) -> str:
    """The municipality against the benchmark, then the råderum (or that there is none)."""
    against = _SAVINGS_AGAINST[benchmark][0].format(value=bench_value, region=region)
    level = savings_level(benchmark, region)
    head = sentence(f"{capitalized(forms.definite)} i {place} var {value} i {year} mod {against}")
    if saving:
        return head + (f" Hvis {place} lå på {level}, ville udgiften være {amount} lavere om året — "
                       f"det er råderummet.")
    return head + (f" {place} ligger allerede under {level}: at ligge på det niveau ville koste {amount} mere om "
                   f"året, så der er intet råderum mod dette benchmark.")


def savings_basis(persons: str, population: str, year: When) -> str:
    return (f"Beregning: (egen værdi − benchmark) × {persons} ({population} i {year}). Forudsætter uændret "
            f"befolkning og at forskellen alene skyldes udgiftsniveau, ikke serviceniveau eller udgiftsbehov.")


def overview_sentence(place: str, figures: str, years: list[tuple[When, list[Forms]]]) -> str:
    """The overview's opening, with each figure's year: `years` is (year, the figures from it), newest first.
    Figures from different years are said to be so, each year with its figures."""
    if len(years) == 1:
        return (f"Overblik over {place}: {figures} på tværs af temaerne, alle fra {years[0][0]}, sammenlignet med "
                f"nabokommunerne og hele landet.")
    by_year = "; ".join(f"{year}: {listing([f.indefinite for f in forms])}" for year, forms in years)
    return (f"Overblik over {place}: {figures} på tværs af temaerne, hvert i sit seneste år med data, sammenlignet "
            f"med nabokommunerne og hele landet i samme år. Tallene er fra forskellige år ({years[-1][0]}–"
            f"{years[0][0]}) — {by_year}.")


def overview_list(heading: str, items: list[tuple[Forms, When, str]]) -> str:
    """"Gunstigt: anmeldte tyverier og indbrud pr. 1.000 indbyggere (2022: -29,0 % i forhold til landet)."."""
    return f"{heading}: " + "; ".join(f"{f.indefinite} ({year}: {shown} i forhold til landet)"
                                      for f, year, shown in items) + "."


def one_year_note(is_map: bool, asked_one_year: bool) -> str:
    """Said when a map or a ranking was asked over several years: it shows one."""
    what = "Et kort viser" if is_map else "En rangering gælder"
    return f"{what} ét år ad gangen" + ("." if asked_one_year else "; her det seneste med tal i den valgte periode.")


def no_data(forms: Forms, year_chosen: bool = True) -> str:
    return f"Der er ingen tal for {forms.definite}" + (" i det valgte år." if year_chosen else ".")


def no_trend(forms: Forms) -> str:
    return f"Der er ikke tal nok til at vise udviklingen i {forms.definite}."


def no_rank(forms: Forms) -> str:
    return f"Der er ingen tal for {forms.definite} at rangere kommunerne efter."


def no_savings(forms: Forms) -> str:
    return f"Råderummet kan ikke beregnes, fordi et af tallene for {forms.definite} mangler."


# -- all five regions (ComparisonKind.REGIONS) -------------------------------------------------------------------------
def regions_sentence(forms: Forms, year: When, highest: tuple[str, str], lowest: tuple[str, str]) -> str:
    """"Serviceudgifterne pr. indbygger var højest i Region Hovedstaden (50.266 kr.) og lavest i Region
    Midtjylland (45.724 kr.) i 2023."."""
    return sentence(f"{capitalized(forms.definite)} var højest i {highest[0]} ({highest[1]}) og lavest i "
                    f"{lowest[0]} ({lowest[1]}) i {year}")


def regions_one_sentence(forms: Forms, place: str, value: str, year: When) -> str:
    """Only one region has a value: "Udskrivningsprocenten i Region Nordjylland var 25,80 % i 2023; de andre
    regioner har ingen tal."."""
    return sentence(f"{capitalized(forms.definite)} i {place} var {value} i {year}; de andre regioner har ingen tal")


def regions_rank_top(forms: Forms, place: str, adjective: str, year: When, value: str,
                     other: tuple[str, str] | None) -> str:
    """"Region Hovedstaden har de højeste udgifter til folkeskolen pr. elev af regionerne i 2019 (64.206 kr.);
    lavest er Region Sjælland (61.181 kr.)."."""
    text = f"{place} har {forms.superlative(adjective)} af regionerne i {year} ({value})"
    if other is not None:
        text += f"; {'højest' if adjective == LOWEST else 'lavest'} er {other[0]} ({other[1]})"
    return sentence(text)


def regions_rank_list(forms: Forms, year: When, adjective: str, items: list[tuple[str, str]],
                      first: str | None = None) -> str:
    """All the regions in order: "Regionerne efter indbyggertallet i 2026, højeste først: Region Hovedstaden
    (1.947.120), …"; the first few (`first`, a recorded count): "De 3 regioner med de højeste serviceudgifter pr.
    indbygger i 2023: …"."""
    listed = ", ".join(f"{place} ({value})" for place, value in items)
    if first is not None:
        return sentence(f"De {first} med {forms.superlative(adjective)} i {year}: {listed}")
    return sentence(f"Regionerne efter {forms.definite} i {year}, {adjective} først: {listed}")


def regions_trend_sentence(forms: Forms, first: When, last: When, top: tuple[str, str, int],
                           bottom: tuple[str, str, int]) -> str:
    """Which region's figure rose (fell) most, as (region, amount without sign, direction 1/0/-1) for the region
    with the largest and the smallest change: "Fra 2015 til 2023 steg serviceudgifterne pr. indbygger mest i
    Region Sjælland (8.543 kr., 20,8 %) og mindst i Region Hovedstaden (7.294 kr., 17,0 %)."; mixed directions:
    "… steg mest i A (…), mens de faldt mest i B (…)"."""
    def amount(item: tuple[str, str, int]) -> str:
        return f"{item[0]} ({item[1]})" if item[2] else f"{item[0]} (uændret)"

    head, it = f"Fra {first} til {last}", pronoun(forms)
    if top[2] > 0 and bottom[2] > 0:
        return sentence(f"{head} steg {forms.definite} mest i {amount(top)} og mindst i {amount(bottom)}")
    if top[2] < 0 and bottom[2] < 0:
        return sentence(f"{head} faldt {forms.definite} mest i {amount(bottom)} og mindst i {amount(top)}")
    if top[2] > 0 and bottom[2] < 0:
        return sentence(f"{head} steg {forms.definite} mest i {amount(top)}, mens {it} faldt mest i {amount(bottom)}")
    if top[2] > 0:
        return sentence(f"{head} steg {forms.definite} mest i {amount(top)}; i {bottom[0]} var {it} uændret")
    if bottom[2] < 0:
        return sentence(f"{head} faldt {forms.definite} mest i {amount(bottom)}; i {top[0]} var {it} uændret")
    return sentence(f"{head} var {forms.definite} uændret i regionerne")


def regions_missing(places: list[str], year: When) -> str:
    """"Region Nordjylland og Region Midtjylland har ingen tal i 2006." (missing is never 0)."""
    return f"{listing(places)} har ingen tal i {year}."


def regions_partial(place: str, missing: str, members: str, aggregation: Aggregation) -> str:
    """"I Region Sjælland mangler tal for 2 af 17 kommuner; gennemsnittet er over de andre."."""
    what = "summen omfatter kun" if aggregation == Aggregation.SUM else "gennemsnittet er over"
    return f"I {place} mangler tal for {missing} af {members}; {what} de andre."


def regions_method(metric: Metric) -> str:
    """How each region's figure is made; "som ministeriet gør" only where the source weighs its averages so."""
    if metric.aggregation == Aggregation.SUM:
        return "Hver regions tal er summen af dens kommuners tal."
    if metric.aggregation == Aggregation.UNWEIGHTED:
        return "Hver regions tal er dens kommuners uvægtede gennemsnit, da nævneren ikke findes som antal i lageret."
    owner = AVERAGE_METHOD_OWNERS.get(metric.source)  # credited only where the source weighs its averages so
    return (f"Hver regions tal er dens kommuners gennemsnit vægtet med {population_words(metric)} "
            f"(summen af tællerne delt med summen af nævnerne){f', som {owner} gør' if owner else ''}.")


def regions_title(forms: Forms, year: When | None, national: bool = False) -> str:
    """"Udskrivningsprocenten i regionerne i 2023 (rød linje: hele landet)"."""
    return f"{capitalized(forms.definite)} i regionerne{_in_year(year)}" + (NATIONAL_RULE if national else "")


# -- chart titles --------------------------------------------------------------------------------------------------
def _in_year(year: When | None) -> str:
    return f" i {year}" if year else ""


def chart_title(forms: Forms, year: When | None, national: bool = False) -> str:
    """A bar chart or a map of one year: "Udskrivningsprocenten i 2023 (rød linje: hele landet)"."""
    return f"{capitalized(forms.definite)}{_in_year(year)}" + (NATIONAL_RULE if national else "")


def rank_title(forms: Forms, adjective: str, year: When | None, one: bool, national: bool = False) -> str:
    """"Kommunerne med den laveste udskrivningsprocent i 2022 (rød linje: hele landet)"."""
    return (f"{'Kommunen' if one else 'Kommunerne'} med {forms.superlative(adjective)}{_in_year(year)}"
            + (NATIONAL_RULE if national else ""))


def trend_title(forms: Forms, first: When | None, last: When | None) -> str:
    """"Udviklingen i udskrivningsprocenten, 2015–2023"."""
    if first is None or last is None:
        return f"Udviklingen i {forms.definite}"
    return f"Udviklingen i {forms.definite}, {first}–{last}" if first != last else chart_title(forms, first)


def axis_title(forms: Forms, unit: str) -> str:
    """"Udskrivningsprocent (procent)"."""
    return f"{capitalized(forms.indefinite)} ({unit})"
