"""From the cues of one turn (and the previous turn's spec) to the slots of a QuerySpec.

A follow-up ("Og i Hørsholm?", "Hvad med 2019?", "Sammenlign med nabokommunerne") only says what
changes; every slot it is silent about is taken from the context and marked as such in the steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from intents import cues
from intents import messages as msg
from intents.cues import Cue
from intents.figures import FigureChoice, period_form
from intents.measure import own_names
from intents.places import Place, PlaceScan
from intents.result import Draft, Step
from intents.text import Tok
from intents.timeexpr import TREND_DEFAULT, TREND_QUARTERS, TimeHit
from semantic_layer import phrases
from semantic_layer.model import Catalog
from semantic_layer.single import SIMILAR_BASIS, SIZE_BASIS
from semantic_layer.spec import (
    NATIONAL_CODE,
    Benchmark,
    Comparison,
    ComparisonKind,
    MetricRef,
    Operation,
    QuerySpec,
    Years,
)

OP_MEANING = {
    Operation.VALUE: "værdien", Operation.COMPARE: "sammenligning", Operation.TREND: "udvikling over tid",
    Operation.RANK: "rangliste over kommunerne", Operation.DISTRIBUTION: "alle kommuner (kort)",
    Operation.SAVINGS: "besparelsespotentiale", Operation.DEFINITION: "definitionen af nøgletallet",
    Operation.OVERVIEW: "overblik over kommunens nøgletal",
}
CMP_MEANING = {ComparisonKind.NEIGHBOURS: "nabokommunerne", ComparisonKind.COUNTRY: "landsgennemsnittet",
               ComparisonKind.REGION: "kommunerne i regionen", ComparisonKind.SIMILAR: "lignende kommuner",
               ComparisonKind.EXPLICIT: "de nævnte kommuner", ComparisonKind.REGIONS: "alle fem regioner"}
NEEDS_PLACE = {Operation.VALUE, Operation.COMPARE, Operation.TREND, Operation.SAVINGS, Operation.OVERVIEW}
_OP_ORDER = (("definition", Operation.DEFINITION), ("savings", Operation.SAVINGS), ("rank", Operation.RANK),
             ("distribution", Operation.DISTRIBUTION), ("trend", Operation.TREND), ("compare", Operation.COMPARE))


@dataclass
class Slots:
    toks: list[Tok]
    text: str
    scan: PlaceScan
    time: TimeHit | None
    fig: FigureChoice
    ops: dict[str, Cue]
    cmps: dict[str, Cue]
    context: QuerySpec | None
    place_by_code: dict[int, Place]
    region_names: dict[int, str]
    missing: str | None = None  # metric | municipality, when no spec could be built
    partial: QuerySpec | None = None  # what was understood, for rendering clarification options
    extra: dict[str, object] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)  # tokens the slot rules consumed (e.g. the "5" of a top 5)
    context_year: int | None = None  # the year the previous answer showed (for "det år" after a latest year)
    # A clarification the slot rules wrote whole: the question and complete questions to offer (a ranking by change)
    ask: tuple[str, tuple[str, ...]] | None = None

    def municipality_question(self, catalog: Catalog) -> str:
        if self.ask is not None:
            return self.ask[0]
        p = self.partial
        if p is not None and p.comparison.kind == ComparisonKind.NEIGHBOURS:
            return msg.WHICH_MUNICIPALITY_NEIGHBOURS
        m = catalog.get(p.metric.id) if p is not None and p.metric else None
        return msg.WHICH_MUNICIPALITY.format(what=m.short_name if m else "tallet")


# "den højeste udskrivningsprocent", "de laveste serviceudgifter", "laveste 5": the extreme of a set of municipalities
_EXTREME = re.compile(rf"(?:\b(?:den|det|de) |^)(?:{cues.SUPERLATIVE_DESC}|{cues.SUPERLATIVE_ASC})\b")
_ONE_EXTREME = re.compile(rf"\b(?:den|det) (?:{cues.SUPERLATIVE_DESC}|{cues.SUPERLATIVE_ASC})\b")


def _operation(s: Slots, has_metric: bool) -> tuple[Operation | None, str]:
    for key, op in _OP_ORDER:
        if key in s.ops:
            return op, s.ops[key].words
    extreme = _EXTREME.search(s.text)
    if extreme and has_metric and not s.scan.municipalities:
        # "Hvad er den højeste udskrivningsprocent i landet?", "de laveste … i Region Syddanmark": a ranking
        return Operation.RANK, extreme.group(0).strip()
    if "overview" in s.ops and not has_metric:
        return Operation.OVERVIEW, s.ops["overview"].words
    if s.time is not None and s.time.years.kind in {"range", "last_n"}:
        return Operation.TREND, s.time.words
    return None, ""


def resolve(s: Slots, d: Draft, catalog: Catalog) -> QuerySpec | None:
    """Fill every slot (own words first, then the context); None plus s.missing when a slot is lacking."""
    ctx = s.context
    munis = [h.code for h in s.scan.municipalities]
    regions = [h.code for h in s.scan.regions]
    metrics = [s.fig.metric] if s.fig.status == "chosen" and s.fig.metric else []
    if metrics:
        m = catalog.get(metrics[0])
        d.step(s.fig.words, m.label if m else metrics[0], "metric")
        d.notes += s.fig.notes
    op, op_words = _operation(s, bool(metrics) or s.fig.status == "clarify")
    # A ranking or map that names its own figure is a new question, not a follow-up, though it names no place.
    place_needed = op is None or op in NEEDS_PLACE
    # "det år", "året før", "i regionen" without a region named: the turn leans on the conversation
    leans = (s.time is not None and s.time.relative is not None) or ("region" in s.cmps and not regions
                                                                      and not munis)
    follow = ctx is not None and (cues.is_follow_up(s.text) or not metrics or leans
                                  or (not (munis or regions) and place_needed))
    if _wants_regions(s, ctx, munis, regions, op):
        return _regions_spec(s, d, catalog, ctx if follow else None, metrics, op, op_words)
    if op == Operation.RANK and ctx is not None and len(ctx.municipalities) > 1 and not munis \
            and re.search(r"\b(?:af|blandt) (?:dem|de kommuner|disse)\b", s.text):
        # "Hvem af dem er lavest?": the conversation's municipalities side by side, highest first
        op, munis = Operation.COMPARE, list(ctx.municipalities)
        d.step("(forrige spørgsmål)", ", ".join(_name(s, c) for c in munis), "conversation")
    if follow and ctx is not None and len(munis) == 1 and not regions and ctx.municipalities \
            and munis[0] not in ctx.municipalities and _adds_place(s, op, ctx):
        # "Sammenlign med Lejre", "og med Køge?", "og hvis de lå som Slagelse?": the place joins the conversation's
        # (the subject stays first), where "og hvad med Fanø?" asks the same of another place instead
        kept = list(ctx.municipalities[:1]) if op == Operation.SAVINGS else list(ctx.municipalities)
        d.step("(forrige spørgsmål)", ", ".join(_name(s, c) for c in kept), "conversation")
        munis = kept + munis
        if ctx.operation == Operation.TREND and op in (None, Operation.COMPARE):
            op = Operation.TREND  # "og sammenlignet med Ishøj?" after a development: both developments
    if follow and ctx is not None:
        if not metrics and s.fig.status == "none" and ctx.metrics:
            metrics = [r.id for r in ctx.metrics]
            m = catalog.get(metrics[0])
            d.step("(forrige spørgsmål)", m.label if m else metrics[0], "conversation")
        if not munis and not regions and ctx.municipalities and (op is None or op in NEEDS_PLACE):
            munis = list(ctx.municipalities[:1]) if "neighbours" in s.cmps else list(ctx.municipalities)
            d.step("(forrige spørgsmål)", ", ".join(_name(s, c) for c in munis), "conversation")
        if op is None:
            op = _inherited_op(s, ctx, munis)
    if not metrics and s.fig.status == "none" and "similar" in s.cmps and munis:
        # "Hvilke kommuner ligner Silkeborg?": the comparable municipalities, on the figure they are chosen by
        basis = catalog.by_label(SIMILAR_BASIS)
        if basis is not None:
            metrics = [basis.id]
            d.step(s.cmps["similar"].words, basis.label, "metric")
    if munis and regions and op not in {Operation.RANK, Operation.DISTRIBUTION} and "compare" not in s.ops \
            and "region" not in s.cmps:
        outside = [c for c in munis if c in s.place_by_code and s.place_by_code[c].region_code not in regions]
        if outside:  # "Aarhus i Region Nordjylland": point out the contradiction, never compare silently
            s.extra["contradiction"] = (outside[0], regions[0])
            s.missing = "contradiction"
            s.partial = QuerySpec(metrics=tuple(MetricRef(id=m) for m in metrics))
            return None
    if op is None and regions and not munis and metrics and "country" not in s.cmps \
            and re.search(r"\bkommuner(?:ne|nes)?\b", s.text):
        op = Operation.DISTRIBUTION  # "skatten i de nordjyske kommuner": each municipality of the region
    if op is None:
        starts_what = s.text.startswith(("hvad er ", "hvad betyder ", "hvad er en ", "hvad er et "))
        if metrics and starts_what and not (munis or regions or s.time or s.cmps) and ctx is None:
            op = Operation.DEFINITION
        else:
            op = Operation.VALUE
    if op == Operation.RANK and "neighbours" in s.cmps and not munis and ctx is not None and ctx.municipalities:
        munis = list(ctx.municipalities[:1])  # "… blandt nabokommunerne" in a follow-up: the conversation's place
        d.step("(forrige spørgsmål)", _name(s, munis[0]), "conversation")
    comparison = _comparison(s, op, munis, regions, ctx if follow else None, d)
    if op == Operation.VALUE and comparison.kind != ComparisonKind.NONE:
        op = Operation.COMPARE
    if op == Operation.COMPARE and comparison.kind == ComparisonKind.NONE and len(munis) == 1:
        comparison = Comparison(kind=ComparisonKind.COUNTRY)
        d.step("(ingen sammenligning nævnt)", CMP_MEANING[ComparisonKind.COUNTRY], "default")
    if not munis and op in NEEDS_PLACE and op != Operation.OVERVIEW:
        if regions and comparison.kind in {ComparisonKind.NONE, ComparisonKind.REGION}:
            munis, comparison = [regions[0]], Comparison()
        elif "country" in s.cmps and comparison.kind in {ComparisonKind.NONE, ComparisonKind.COUNTRY} \
                and op != Operation.SAVINGS:  # the country cannot save against its own average
            munis, comparison = [NATIONAL_CODE], Comparison()
            d.step(s.cmps["country"].words, "hele landet (landsgennemsnittet)", "municipality")
            if op == Operation.COMPARE:
                op = Operation.VALUE
    years = _years(s, op, ctx if follow else None, d)
    metrics = [_period_form(m, years, catalog, d) for m in metrics]
    if op_words:
        d.step(op_words, OP_MEANING[op], "operation")
    elif op != Operation.VALUE:  # implied: by the comparison asked for, or kept from the conversation
        d.step("(forrige spørgsmål)" if follow else "(af sammenligningen)", OP_MEANING[op],
               "conversation" if follow else "default")
    spec_args: dict[str, object] = dict(operation=op, metrics=tuple(MetricRef(id=m) for m in metrics),
                                        municipalities=tuple(dict.fromkeys(munis)), comparison=comparison,
                                        years=years)
    if op == Operation.RANK:
        spec_args.update(_rank(s, regions, munis, ctx if follow else None, d))
    if op == Operation.DISTRIBUTION:
        spec_args["rank_region"] = _scope_region(s, regions, munis, ctx if follow else None, d)
    if op == Operation.SAVINGS:
        spec_args["benchmark"] = _benchmark(s, ctx if follow else None, d, munis)
        spec_args["comparison"] = Comparison()
    partial = QuerySpec(**spec_args)  # type: ignore[arg-type]
    s.partial = partial
    if "year_unknown" in s.extra:
        s.missing = "year"
        return None
    if op == Operation.RANK and _rank_change(s, partial, catalog):
        return None
    if op in (Operation.RANK, Operation.COMPARE, Operation.VALUE) and _unsupported_set(s, partial, munis, catalog):
        return None
    if _across_years(s, partial, catalog):
        return None
    if not metrics and not munis and op in NEEDS_PLACE and s.fig.status != "clarify" and s.cmps:
        s.missing = "municipality"
        return None
    if not metrics and op != Operation.OVERVIEW:
        s.missing = "metric"
        return None
    if not munis and (op in NEEDS_PLACE or (op == Operation.RANK and "neighbours" in s.cmps)):
        s.missing = "municipality"  # the neighbours of which municipality?
        return None
    return partial


_KOMMUNER = re.compile(r"\bkommun\w*")  # "kommunen", "hvilke kommuner", "kommunernes"
_ONE_REGION = re.compile(r"\b(?:hvilken|hvem|hvor)\b")
REGIONS_OPS = {Operation.COMPARE, Operation.TREND, Operation.RANK}


_JOINS = re.compile(r"^(?:og )?(?:med|mod|end|i forhold til|sammenholdt med)\b")


def _adds_place(s: Slots, op: Operation | None, ctx: QuerySpec) -> bool:
    """A follow-up that sets a place beside the conversation's: a comparison ("sammenlign med", "og med", "i
    forhold til") or a råderum measured against it ("og hvis de lå som Slagelse?")."""
    if op == Operation.SAVINGS:  # "… hvis de lå som Slagelse?": the place named after "som"/"niveau med"
        hit = s.scan.municipalities[0]
        before = {t.fold for t in s.toks[max(0, hit.start - 3):hit.start]}
        return ctx.operation == Operation.SAVINGS or bool(before & {"som", "ligesom", "med"})
    return "compare" in s.ops or bool(_JOINS.match(s.text))


def _wants_regions(s: Slots, ctx: QuerySpec | None, munis: list[int], regions: list[int],
                   op: Operation | None) -> bool:
    """All five regions: asked in words ("Sammenlign regionerne", "gennemsnittet i hver region", "hvilken region
    har …"), or a follow-up to such an answer that names no place and asks no other kind of answer ("Og i 2019?",
    "og de laveste?"). A municipality named with the regions is set against its own region instead (_comparison);
    a question about municipalities ("Hvilke kommuner …") leaves the regions."""
    if munis or op not in (None, *REGIONS_OPS, Operation.DISTRIBUTION):
        return False
    if "regions" in s.cmps:
        return True
    return (ctx is not None and ctx.comparison.kind == ComparisonKind.REGIONS and not regions
            and op != Operation.DISTRIBUTION and not _KOMMUNER.search(s.text)
            and not ({"neighbours", "similar", "region"} & set(s.cmps)))


def _regions_spec(s: Slots, d: Draft, catalog: Catalog, ctx: QuerySpec | None, metrics: list[str],
                  op: Operation | None, op_words: str) -> QuerySpec | None:
    """The five regions side by side (COMPARE), over time (TREND) or ranked (RANK); no municipality."""
    if not metrics and s.fig.status == "none" and ctx is not None and ctx.metrics:
        metrics = [r.id for r in ctx.metrics]
        m = catalog.get(metrics[0])
        d.step("(forrige spørgsmål)", m.label if m else metrics[0], "conversation")
    again = ctx is not None and ctx.comparison.kind == ComparisonKind.REGIONS
    if op is None and again and ctx is not None:
        op = ctx.operation
        if op == Operation.TREND and s.time is not None and s.time.years.kind in {"single", "latest"}:
            op = Operation.COMPARE
    if op not in REGIONS_OPS:  # a table of the regions ("fordelingen på regionerne" too)
        op = Operation.COMPARE
    words = s.cmps["regions"].words if "regions" in s.cmps else "(forrige spørgsmål)"
    d.step(words, CMP_MEANING[ComparisonKind.REGIONS], "comparison" if "regions" in s.cmps else "conversation")
    years = _years(s, op, ctx, d)
    metrics = [_period_form(m, years, catalog, d) for m in metrics]
    if op_words:
        d.step(op_words, OP_MEANING[op] if op != Operation.RANK else "rangliste over regionerne", "operation")
    args: dict[str, object] = dict(operation=op, metrics=tuple(MetricRef(id=m) for m in metrics),
                                   comparison=Comparison(kind=ComparisonKind.REGIONS), years=years)
    if op == Operation.RANK:
        skip = set(s.scan.used) | (set(s.time.token_ids) if s.time else set())
        num = cues.small_number(s.toks, skip)
        same = again and ctx is not None and ctx.operation == Operation.RANK and s.fig.status == "none"
        if num:
            s.used.add(num[2])
        n = num[0] if num else (ctx.rank_n if same and ctx else (1 if _ONE_REGION.search(s.text) else 5))
        order = cues.rank_order(s.text) or (ctx.rank_order if same and ctx else "desc")
        d.step(num[1] if num else "(intet antal)", f"{'den' if n == 1 else f'de {n}'} "
               f"{'laveste' if order == 'asc' else 'højeste'} af regionerne", "operation" if num else "default")
        args.update(rank_n=max(1, min(5, n)), rank_order=order)
    spec = QuerySpec(**args)  # type: ignore[arg-type]
    s.partial = spec
    if "year_unknown" in s.extra:
        s.missing = "year"
        return None
    if op == Operation.RANK and _rank_change(s, spec, catalog):
        return None
    if not metrics:
        s.missing = "metric"
        return None
    return spec


# "de 5 største kommuner": municipalities chosen by size, a set the rankings cannot be limited to
_BY_SIZE = re.compile(r"\b(?:\d{1,2} |(?:" + "|".join(w for w in cues.NUMBER_WORDS if w not in {"en", "et"})
                      + r") )?(?:stoerste|mindste|folkerigeste|stoerre|mindre) kommuner\b")
# "Hvilke kommuner har lavere … end Gentofte": the municipalities on one side of a named one
_BEYOND = re.compile(r"\bhvilke (?:\w+ )?kommuner\b.*\b(?:hoejere|lavere|stoerre|mindre|flere|faerre|dyrere|"
                     r"billigere) (?:\w+ ){0,8}end\b")


def _names(s: Slots) -> dict[int, str]:
    """Code -> name for rendering complete questions (municipalities, regions, the country)."""
    return {p.code: p.name for p in s.place_by_code.values()} | s.region_names | {NATIONAL_CODE: "hele landet"}


def _unsupported_set(s: Slots, spec: QuerySpec, munis: list[int], catalog: Catalog) -> bool:
    """A ranking over a set of municipalities the compiler cannot form: by size ("de 5 største kommuner") or on
    one side of a named municipality ("hvilke kommuner har lavere … end Gentofte"). Ask, offering the ranking
    it can give and the municipality's place in it, rather than answer another set. True when it asks."""
    size, beyond = _BY_SIZE.search(s.text), _BEYOND.search(s.text) if munis else None
    by_size = catalog.by_label(SIZE_BASIS)
    if not (size or beyond) or not spec.metric or (size and by_size is not None and spec.metric.id == by_size.id):
        return False  # "de 5 største kommuner" ranked by size is that ranking itself
    names = _names(s)
    low = re.search(r"\b(?:lavere|mindre|faerre|billigere|laveste?|mindst)\b", s.text)
    ranking = QuerySpec(operation=Operation.RANK, metrics=spec.metrics, years=spec.years,
                        rank_order="asc" if low else "desc")
    options = [msg.render(ranking, catalog, names)]
    for code in munis[:1]:
        place = ranking.model_copy(update={"municipalities": (code,)})
        options.append(msg.render(place.model_copy(update={"operation": Operation.COMPARE,
                                                            "comparison": Comparison(kind=ComparisonKind.COUNTRY)}),
                                  catalog, names))
    hit = size or beyond
    assert hit is not None
    ids = cues.span_ids(cues.owners(s.text), hit.start(), hit.end())
    what = " ".join(s.toks[i].text for i in sorted(ids))  # the user's own words
    if beyond and munis:
        what += f" {s.place_by_code[munis[0]].name if munis[0] in s.place_by_code else _name(s, munis[0])}"
    s.used |= set(ids)
    s.ask = (msg.UNSUPPORTED_SET.format(words=what), tuple(dict.fromkeys(options)))
    s.partial, s.missing = ranking, "municipality"
    return True


_OVER_YEARS = re.compile(r"\bgennemsnit\w*\b(?:.*\b(?:over|i|for) (?:de |perioden |aarene )?"
                         r"(?:seneste|sidste|Y\d{4}|fra|\d+|" + "|".join(cues.NUMBER_WORDS) + r")\b|.*\bpr\.? aar\b)")


def _across_years(s: Slots, spec: QuerySpec, catalog: Catalog) -> bool:
    """One number over several years, which no statement computes (a development shows each year instead): an
    average ("den gennemsnitlige udskrivningsprocent over de seneste tre år") or the years added up ("samlet …
    fra 2015 til 2020"). Ask, offering the development; never the change or the national average in its place.
    True when it asks."""
    if spec.years.kind not in {"range", "last_n"} or not spec.metrics or not spec.municipalities:
        return False
    folds = [t.fold for t in s.toks]
    shaped = " ".join(f"Y{t.value}" if t.kind == "num" and t.value and 1900 <= t.value <= 2100 else t.fold
                      for t in s.toks)
    # "gennemsnitlig disponibel indkomst" is the figure's own name, no average over years
    averaged = {i for i, f in enumerate(folds) if f.startswith("gennemsnit")} - set(s.fig.tokens)
    if not _OVER_YEARS.search(shaped):
        averaged = set()
    summed = {i for i, f in enumerate(folds) if f in {"samlet", "samlede", "tilsammen", "sammenlagt", "totalt"}
              or (f == "i" and folds[i + 1:i + 2] == ["alt"]) or (f == "alt" and folds[i - 1:i] == ["i"])}
    summed -= set(s.fig.tokens)
    metric = catalog.get(spec.metric.id) if spec.metric else None
    own = own_names(metric) if metric else ""
    if "trend" in s.ops or "pr" in folds or "per" in folds or (summed and "i alt" in own) \
            or any(folds[i][:5] in own for i in summed if folds[i] not in {"i", "alt"}):
        summed = set()  # a development asked in words, a rate, or the figure's own "i alt"/"samlet"
    if not averaged and not summed:
        return False
    trend = spec.model_copy(update={"operation": Operation.TREND, "comparison": Comparison()})
    years = msg.years_phrase(spec.years).strip()
    if averaged:
        s.used |= averaged
        question = msg.AVERAGE_OVER_YEARS.format(years=years)
    else:
        s.used |= summed
        question = msg.SUM_OVER_YEARS.format(words=" ".join(s.toks[i].text for i in sorted(summed)), years=years)
    s.ask = (question, (msg.render(trend, catalog, _names(s)),))
    s.partial, s.missing = trend, "municipality"
    return True


def _rank_change(s: Slots, rank: QuerySpec, catalog: Catalog) -> bool:
    """A ranking by how much the figure changed ("Hvilke kommuner er vokset mest", "den største stigning"):
    words of change that are not the figure's own name. The compiler ranks levels only, so never rank the
    level then: ask, offering what can be answered, the ranking of one year and the development over the
    years asked (in a municipality named, or an example one). True when it asks."""
    words = cues.change(s.text) - s.fig.tokens
    if not words:
        return False
    s.used |= words  # understood: the question back says what cannot be done with them
    regions = rank.comparison.kind == ComparisonKind.REGIONS
    latest = Years.single(rank.years.end) if rank.years.kind == "range" and rank.years.end else Years()
    level = rank.model_copy(update={"years": latest, "municipalities": ()})
    if not level.metrics:  # no one figure named: the examples use the first it may be, or a common one
        first = next((m for m in (*s.fig.candidates, *msg.COMMON_FIGURES) if catalog.get(m)), None)
        if first is not None:
            level = level.model_copy(update={"metrics": (MetricRef(id=first),)})
    years = rank.years if rank.years.kind in {"range", "last_n"} else TREND_DEFAULT
    trend = QuerySpec(operation=Operation.TREND, metrics=level.metrics, years=years,
                      comparison=Comparison(kind=ComparisonKind.REGIONS) if regions else Comparison())
    places = [] if regions else (list(rank.municipalities[:2]) or [msg.EXAMPLE_PLACES[0]])
    trends = [trend.model_copy(update={"municipalities": (code,)}) for code in places] or [trend]
    names = _names(s)
    m = catalog.get(rank.metric.id) if rank.metric else None
    example = msg.render(level, catalog, names)
    question = msg.RANK_CHANGE.format(units="regionerne" if regions else "kommunerne",
                                      what=m.forms.definite if m else s.fig.words or "nøgletallet",
                                      period=msg.years_phrase(rank.years), rank=example,
                                      where="i regionerne" if regions else "i én kommune")
    s.ask = (question, tuple(dict.fromkeys([example, *(msg.render(t, catalog, names) for t in trends)])))
    # Until the parser offers `ask` whole, the development is the question it can complete: it asks for the
    # municipality (or, for the regions, offers their development) with the question above.
    s.partial = trends[0]
    s.missing = "municipality"
    return True


def _period_form(metric_id: str, years: Years, catalog: Catalog, d: Draft) -> str:
    """A quarterly figure or its annual form, as the period asks (figures.period_form); the steps say which. A
    figure without quarters asked for in quarters answers whole years, and says so."""
    pick = period_form(catalog, metric_id, years)
    old, new = catalog.get(metric_id), catalog.get(pick)
    if old is None or new is None:
        return pick
    if years.unit == "quarter" and catalog.forms_of(old) is None:
        d.notes.append(phrases.only_years(old.forms))
    quarters = new.frequency.value == "quarter" and years.kind == "latest"
    d.steps = [Step(st.words, new.label, st.kind) if st.kind in {"metric", "conversation"} and st.meaning == old.label
               else Step(st.words, "seneste kvartal med data", st.kind)
               if quarters and st.kind in {"years", "default"} and st.meaning == "seneste år med data" else st
               for st in d.steps]
    return pick


def _name(s: Slots, code: int) -> str:
    p = s.place_by_code.get(code)
    return p.display if p else s.region_names.get(code, "hele landet" if code == 0 else str(code))


def _inherited_op(s: Slots, ctx: QuerySpec, munis: list[int]) -> Operation:
    op = ctx.operation
    if op in {Operation.DEFINITION, Operation.OVERVIEW}:
        return Operation.VALUE
    if op == Operation.TREND and s.time is not None and s.time.years.kind in {"single", "latest"}:
        return Operation.VALUE
    if op == Operation.COMPARE and ctx.comparison.kind == ComparisonKind.EXPLICIT and len(munis) < 2:
        return Operation.VALUE
    return op


def _comparison(s: Slots, op: Operation, munis: list[int], regions: list[int], ctx: QuerySpec | None,
                d: Draft) -> Comparison:
    if op == Operation.RANK and "neighbours" in s.cmps and not regions:
        # "Hvem ligger lavest blandt nabokommunerne?": the ranking of the municipality and its land neighbours
        d.step(s.cmps["neighbours"].words, "rangeret blandt kommunen og dens nabokommuner", "comparison")
        return Comparison(kind=ComparisonKind.NEIGHBOURS)
    if op in {Operation.RANK, Operation.DISTRIBUTION, Operation.DEFINITION, Operation.OVERVIEW}:
        return Comparison()
    kind, words, region = ComparisonKind.NONE, "", None
    if "neighbours" in s.cmps:
        kind, words = ComparisonKind.NEIGHBOURS, s.cmps["neighbours"].words
    elif "similar" in s.cmps:
        kind, words = ComparisonKind.SIMILAR, s.cmps["similar"].words
    elif ("region" in s.cmps or "regions" in s.cmps or regions) and (munis or (ctx and ctx.municipalities)):
        # "Sammenlign Odense med regionerne": a municipality is set against its own region
        kind = ComparisonKind.REGION
        cue = s.cmps.get("region") or s.cmps.get("regions")
        words = cue.words if cue is not None else s.scan.regions[0].words
        region = regions[0] if regions else None
    elif "country" in s.cmps and munis:
        kind, words = ComparisonKind.COUNTRY, s.cmps["country"].words
    elif len(munis) > 1:
        kind, words = ComparisonKind.EXPLICIT, ", ".join(h.words for h in s.scan.municipalities)
    elif ctx is not None and len(munis) <= 1 and ctx.comparison.kind not in {
            ComparisonKind.NONE, ComparisonKind.EXPLICIT, ComparisonKind.REGIONS}:
        d.step("(forrige spørgsmål)", CMP_MEANING[ctx.comparison.kind], "conversation")
        return ctx.comparison
    if kind == ComparisonKind.NONE:
        return Comparison()
    meaning = CMP_MEANING[kind] if region is None else s.region_names.get(region, str(region))
    d.step(words, meaning, "comparison")
    return Comparison(kind=kind, region_code=region)


def _years(s: Slots, op: Operation, ctx: QuerySpec | None, d: Draft) -> Years:
    if s.time is not None and s.time.relative is not None:
        base = None
        if ctx is not None and ctx.years.kind == "single":
            base = ctx.years.start
        elif ctx is not None and ctx.years.kind == "range":
            base = ctx.years.end
        if base is None and ctx is not None:
            base = s.context_year
        if base is None:  # the conversation names no year to count from (or there is no conversation)
            s.extra["year_unknown"] = s.time.words
            return Years()
        year = base + s.time.relative
        y = Years.single(year, s.time.quarter)
        d.step(s.time.words, msg.years_phrase(y).strip().removeprefix("i "), "years")
        return y
    if s.time is not None:
        if s.time.note:
            d.notes.append(s.time.note)
        if op == Operation.TREND and s.time.years.kind == "latest":
            if s.time.years.unit == "quarter":  # "udviklingen kvartal for kvartal"
                d.step(s.time.words, "de seneste 8 kvartaler med data", "years")
                return TREND_QUARTERS
            d.step(s.time.words, "de seneste 10 år med data", "years")
            return TREND_DEFAULT
        d.step(s.time.words, s.time.meaning, "years")
        return s.time.years
    if ctx is not None:
        if op in {Operation.DISTRIBUTION, Operation.RANK} and ctx.years.kind in {"range", "last_n"}:
            # one year on a map or in a ranking: the last year of the previous range
            y = Years.single(ctx.years.end) if ctx.years.kind == "range" and ctx.years.end else Years()
            d.step("(forrige spørgsmål)", _years_meaning(y) if y.kind == "single" else "seneste år med data",
                   "conversation")
            return y
        if op == Operation.TREND and ctx.years.kind in {"single", "latest"}:
            d.step("(intet år)", "de seneste 10 år med data", "default")
            return TREND_DEFAULT
        d.step("(forrige spørgsmål)", _years_meaning(ctx.years), "conversation")
        return ctx.years
    if op == Operation.TREND:
        d.step("(intet år)", "de seneste 10 år med data", "default")
        return TREND_DEFAULT
    d.step("(intet år)", "seneste år med data", "default")
    return Years()


def _years_meaning(y: Years) -> str:
    return msg.years_phrase(y).strip() or "seneste år med data"


def _rank(s: Slots, regions: list[int], munis: list[int], ctx: QuerySpec | None, d: Draft) -> dict[str, object]:
    skip = set(s.scan.used) | (set(s.time.token_ids) if s.time else set())
    num = cues.small_number(s.toks, skip)
    if num:
        s.used.add(num[2])
    order = cues.rank_order(s.text)
    region = _scope_region(s, regions, munis, ctx, None)
    # Only a follow-up ("og de laveste?") keeps the last ranking's size, order and region; a new question
    # that names its own figure starts from the defaults.
    same = ctx is not None and ctx.operation == Operation.RANK and s.fig.status == "none" \
        and ctx.comparison.kind != ComparisonKind.REGIONS  # a ranking of the regions is no municipalities' size
    # "Hvilken kommune har …" / "hvem har den højeste …" asks for one; "hvilke kommuner" for a list.
    single = re.search(r"\b(hvilken (?:\w+ )?kommune|hvem har|hvem er|"
                       r"hvor er .{0,30}(hoejest|lavest|stoerst|mindst))\b", s.text) or (
        "rank" not in s.ops and _ONE_EXTREME.search(s.text))  # "den højeste …": the one
    n = num[0] if num else (ctx.rank_n if same and ctx else (1 if single else 10))
    order = order or (ctx.rank_order if same and ctx else "desc")
    if region is None and same and ctx is not None:
        region = ctx.rank_region
    d.step(num[1] if num else "(intet antal)", f"top {n}, {'laveste' if order == 'asc' else 'højeste'} først",
           "operation" if num else "default")
    if region is not None:
        d.step(s.scan.regions[0].words if s.scan.regions else "regionen", s.region_names.get(region, str(region)),
               "comparison")
    return {"rank_n": max(1, min(98, n)), "rank_order": order, "rank_region": region}


def _scope_region(s: Slots, regions: list[int], munis: list[int], ctx: QuerySpec | None,
                  d: Draft | None) -> int | None:
    """The region a ranking or map is limited to: one named, or "i regionen" = the region of the
    municipality in the question or in the conversation; a follow-up keeps the last scope."""
    region = regions[0] if regions else None
    if region is None and "region" in s.cmps:
        subject = munis[0] if munis else (ctx.subject if ctx is not None else None)
        if subject in s.place_by_code:
            region = s.place_by_code[subject].region_code  # type: ignore[index]
        elif ctx is not None:
            region = ctx.rank_region
    if region is None and ctx is not None and s.fig.status == "none" and not munis:
        region = ctx.rank_region
    if region is not None and d is not None:
        d.step(s.scan.regions[0].words if s.scan.regions else "regionen", s.region_names.get(region, str(region)),
               "comparison")
    return region


def _benchmark(s: Slots, ctx: QuerySpec | None, d: Draft, munis: list[int] | None = None) -> Benchmark:
    q = cues.quartile(s.text)
    if q:
        d.step(q, "de billigste 25 % af kommunerne (laveste kvartil)", "comparison")
        return Benchmark.LOWEST_QUARTILE
    if "neighbours" in s.cmps:
        d.step(s.cmps["neighbours"].words, "nabokommunernes niveau", "comparison")
        return Benchmark.NEIGHBOURS
    if "region" in s.cmps or s.scan.regions:
        d.step("regionen", "regionens niveau", "comparison")
        return Benchmark.REGION
    named = list(dict.fromkeys(munis or []))
    if len(named) == 2 and not q and "country" not in s.cmps:
        # "hvis de lå på niveau med Frederikshavn": the second municipality named is the level measured against
        other = s.place_by_code[named[1]].name if named[1] in s.place_by_code else _name(s, named[1])
        d.step(other, f"niveauet i {other}", "comparison")
        return Benchmark.MUNICIPALITY
    if ctx is not None and ctx.operation == Operation.SAVINGS and "country" not in s.cmps \
            and ctx.benchmark != Benchmark.MUNICIPALITY:
        return ctx.benchmark
    d.step(s.cmps["country"].words if "country" in s.cmps else "(ingen målestok nævnt)", "landsgennemsnittet",
           "comparison" if "country" in s.cmps else "default")
    return Benchmark.COUNTRY
