"""Typed, frozen model of the governed catalog (one YAML file per theme)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr


class Unit(StrEnum):
    KR = "kr"
    PCT = "pct"
    PROMILLE = "promille"
    PER_100 = "per_100"
    PER_1000 = "per_1000"
    PER_10000 = "per_10000"
    COUNT = "count"
    KM2 = "km2"
    PER_KM2 = "per_km2"
    INDEX = "index"
    RATIO = "ratio"
    YES_NO = "yes_no"


class Aggregation(StrEnum):
    WEIGHTED = "weighted"  # sum of numerators over sum of denominators = values weighted by the group's size
    UNWEIGHTED = "unweighted"  # plain mean: the denominator has no counts in the warehouse
    SUM = "sum"  # counts: the group figure is the total


class Frequency(StrEnum):
    YEAR = "year"  # one value a year (observations)
    QUARTER = "quarter"  # one value a quarter (quarterly_observations); `annual_form` names its year


class FromQuarters(StrEnum):
    """How a year is formed from a quarterly figure's four complete quarters."""

    MEAN = "mean"  # a stock (people at a time): the mean, never the sum
    SUM = "sum"  # a flow (events in the quarter): the sum


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NEUTRAL = "neutral"


POPULATION_GROUPS = frozenset({
    "indbyggere", "0-2", "0-5", "0-9", "0-10", "0-13", "0-17", "3-5", "6-9", "6-13", "6-16", "10-13",
    "17-64", "17-66", "18-66", "18+", "25-64", "65+", "67+", "17-64/66", "65+/67+", "skattegrundlag", "areal",
    "15-69",  # Statistics Denmark HFUDD11: residents 15-69 by highest education (the share's own denominator)
})
SOURCES = {
    "noegletal": "Social- og Indenrigsministeriet, De Kommunale Nøgletal (noegletal.dk)",
    "dst_aup02": "Danmarks Statistik, AUP02 (registreret ledighed)",
    "dst_folk1a": "Danmarks Statistik, FOLK1A (befolkningen 1. januar)",
    "dst_indkp101": "Danmarks Statistik, INDKP101 (indkomster for personer efter område)",
    "dst_bil707": "Danmarks Statistik, BIL707 (bestanden af køretøjer 1. januar efter område)",
    "dst_hfudd11": "Danmarks Statistik, HFUDD11 (befolkningens højeste fuldførte uddannelse, 15-69 år)",
    "dst_regk31": "Danmarks Statistik, REGK31 (kommunernes regnskaber efter funktion, kr. pr. indbygger)",
    "dst_auk01": "Danmarks Statistik, AUK01 (nettoledige kontanthjælpsmodtagere, kvartal)",
    "dst_straf11": "Danmarks Statistik, STRAF11 (anmeldte forbrydelser efter område, kvartal)",
    "dst_lbesk69": "Danmarks Statistik, LBESK69 (fuldtidsansatte lønmodtagere efter bopælskommune, kvartal)",
}


# Sources whose own published averages weigh the municipalities by the denominator population, as group averages
# here do: an answer may say it follows them ("som ministeriet gør"). Statistics Denmark's tables publish a national
# figure but no weighting rule for groups, so for its figures the answer only says what the weights are.
AVERAGE_METHOD_OWNERS = {"noegletal": "ministeriet"}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SeriesBreak(_Frozen):
    year: int
    text: str


class Gender(StrEnum):
    COMMON = "common"  # en-word: "den højeste udskrivningsprocent"
    NEUTER = "neuter"  # et-word: "det højeste indbyggertal"


class Number(StrEnum):
    SINGULAR = "singular"
    PLURAL = "plural"  # "de højeste serviceudgifter"


class Forms(_Frozen):
    """What Danish needs to write about a figure: its head noun's forms, gender and number, and a question.

    `indefinite` and `definite` are whole phrases as they stand mid-sentence ("månedlig takst for dagpleje",
    "den månedlige takst for dagpleje"); `definite` fits "Hvad er {definite} i Odense?". `gender` and `number`
    are the head noun's, for agreement ("den/det/de højeste ..."). `question` is how a person would ask for the
    figure, with a `{place}` placeholder.
    """

    indefinite: str = Field(min_length=2)
    definite: str = Field(min_length=2)
    gender: Gender
    number: Number
    question: str = Field(min_length=10)

    @property
    def article(self) -> str:
        """The definite article agreeing with the head noun: den, det or de."""
        if self.number == Number.PLURAL:
            return "de"
        return "det" if self.gender == Gender.NEUTER else "den"

    def superlative(self, adjective: str) -> str:
        """The figure with a definite superlative before it: "den højeste udskrivningsprocent",
        "de laveste serviceudgifter pr. indbygger", "den højeste månedlige takst for dagpleje" (an adjective the
        definite form already carries stays definite)."""
        article, _, rest = self.definite.partition(" ")
        if article in ("den", "det", "de") and rest:
            return f"{article} {adjective} {rest}"
        return f"{self.article} {adjective} {self.indefinite}"

    def ask(self, place: str) -> str:
        """The question about one place: "Hvad er udskrivningsprocenten i Odense?"."""
        return self.question.replace("{place}", place)


class Theme(_Frozen):
    id: str
    label: str
    description: str = ""


class Metric(_Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str  # the export's label, the join key to the warehouse
    short_name: str
    synonyms: tuple[str, ...] = ()
    forms: Forms
    definition: str = Field(min_length=10)
    numerator: str = Field(min_length=3)
    denominator: str = Field(min_length=3)
    unit: Unit
    decimals: int = Field(ge=0, le=4)
    denominator_population: str | None
    aggregation: Aggregation
    polarity: Polarity
    headline: bool = False
    source: str
    source_url: str | None = None
    discontinued_after: int | None = None
    breaks: tuple[SeriesBreak, ...] = ()
    frequency: Frequency = Frequency.YEAR
    annual_form: str | None = None  # a quarterly figure: the id of its year, the figure asked for with a year
    from_quarters: FromQuarters | None = None  # a year formed of a quarterly figure's four quarters: how
    theme: str = ""  # filled from the file's theme
    overview_theme: str | None = None  # filled from overview.yaml: the theme this figure may headline
    file: str = ""  # where it was defined, for messages
    line: int = 0


class AmbiguousTerm(_Frozen):
    """A phrase that honestly fits several figures: the parser narrows by the question, else asks."""

    term: str
    metrics: tuple[str, ...]
    default: str | None = None
    question: str
    file: str = ""
    line: int = 0


class OverviewTheme(_Frozen):
    """One theme of the overview ("Giv mig et overblik over Vejle"): the figures that may headline it, in order of
    preference. The overview shows a theme's figures with the most recent data for the municipality (see
    semantic_layer/overview.py); an older one only where no recent figure covers the theme. A figure may headline a
    theme other than its file's (a REGK31 function headlines "Ældre"), but it stays its own figure."""

    theme: str
    metrics: tuple[str, ...] = Field(min_length=1, max_length=4)
    file: str = ""
    line: int = 0


class Catalog(_Frozen):
    themes: tuple[Theme, ...]
    metrics: tuple[Metric, ...]
    ambiguous: tuple[AmbiguousTerm, ...] = ()
    overview: tuple[OverviewTheme, ...] = ()
    _by_id: dict[str, Metric] = PrivateAttr(default_factory=dict)
    _by_label: dict[str, Metric] = PrivateAttr(default_factory=dict)
    _quarterly: dict[str, Metric] = PrivateAttr(default_factory=dict)  # annual form id -> its quarterly figure

    def model_post_init(self, __context: object) -> None:
        self._by_id = {m.id: m for m in self.metrics}
        self._by_label = {m.label: m for m in self.metrics}
        self._quarterly = {m.annual_form: m for m in self.metrics if m.annual_form}

    def get(self, metric_id: str) -> Metric | None:
        return self._by_id.get(metric_id)

    def by_label(self, label: str) -> Metric | None:
        return self._by_label.get(label)

    def quarterly_of(self, metric: Metric) -> Metric | None:
        """The quarterly figure a year is formed from (None for a figure that is not an annual form)."""
        return self._quarterly.get(metric.id)

    def forms_of(self, metric: Metric) -> tuple[Metric, Metric] | None:
        """(quarterly figure, its annual form) for either of the two; None for a figure without quarters."""
        quarterly = metric if metric.frequency == Frequency.QUARTER else self.quarterly_of(metric)
        annual = self.get(quarterly.annual_form) if quarterly is not None and quarterly.annual_form else None
        return (quarterly, annual) if quarterly is not None and annual is not None else None

    def theme(self, theme_id: str) -> Theme | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def overview_candidates(self) -> tuple[Metric, ...]:
        """Every figure that may headline a theme of the overview: theme by theme, each theme's in order of
        preference (overview.yaml)."""
        return tuple(m for t in self.overview for i in t.metrics if (m := self.get(i)) is not None)
