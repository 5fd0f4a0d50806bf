"""The answer contract shared by the CLI, the JSON API and the web page (see ../shared/questions/README.md)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["answer", "clarify", "refuse"]


class Observation(BaseModel):
    """One number shown: a municipality, a region (1081-1085), the country (0) or a computed group (None)."""

    metric: str
    municipality_code: int | None
    municipality: str
    year: int
    quarter: int | None = None  # 1-4 for a quarterly figure ("4. kvartal 2025"); None: the whole year
    value: float | None
    status: str = "value"  # value | zero | missing | undefined | yes | no | computed
    group: str | None = None  # label of a computed group, e.g. "Nabokommunernes gennemsnit"
    role: str = "member"  # subject | member | benchmark | savings
    display: str = ""  # the value in Danish format with unit, or "mangler"/"udefineret"


class DerivedInput(BaseModel):
    """One number a derived figure is computed from: an observation (or a count of them)."""

    name: str  # "Odense", "Nabokommunernes gennemsnit", "hele landet", "kommuner med tal"
    year: int | None = None
    quarter: int | None = None  # a quarterly figure's quarter of the year
    value: float | None = None
    display: str = ""  # as the answer shows it, e.g. "53.149 kr."
    metric: str | None = None  # the key figure's id; None for a count


class Derived(BaseModel):
    """A number the answer's text shows that is not an observation's value but computed from them: a difference
    in % or procentpoint, a change, a share, a ratio, a savings amount, a rank ("nr. 4 af 6") or a count
    ("11 kommuner"). Together with the observations this makes every number in the text traceable."""

    label: str  # Danish: "forskel i procent", "placering", "antal kommuner", "råderum"
    value: float  # the unrounded value (signed: a fall is negative; the text shows the size and says the way)
    unit: str = ""  # "%", "procentpoint", "kr.", "gange", "kommuner", "nr."
    decimals: int = 0  # the decimals the text shows
    display: str = ""  # exactly as the text shows it, e.g. "9,6 %", "824,3 mio. kr.", "nr. 4 af 6"
    how: str = ""  # the calculation, e.g. "(Odense − landsgennemsnit) / landsgennemsnit × 100"
    inputs: list[DerivedInput] = Field(default_factory=list)


class Break(BaseModel):
    year: int
    text: str


class MetricCard(BaseModel):
    """The governed definition of a key figure, one click away from every number."""

    id: str
    label: str
    short_name: str
    theme: str
    theme_label: str
    definition: str
    numerator: str
    denominator: str
    unit: str
    unit_label: str
    aggregation: str
    aggregation_text: str
    polarity: str
    source: str
    source_url: str | None = None
    source_file: str | None = None
    vintage: str | None = None  # export date of the vintage used, ISO
    first_year: int | None = None
    last_year: int | None = None
    breaks: list[Break] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class Clarification(BaseModel):
    question: str
    options: list[str]


class Understood(BaseModel):
    """One step of 'Sådan forstod jeg spørgsmålet': which words became which part of the query."""

    words: str
    meaning: str
    kind: str  # metric | municipality | years | comparison | operation | default | conversation


class Column(BaseModel):
    key: str
    label: str
    numeric: bool = False


class Table(BaseModel):
    columns: list[Column]
    rows: list[list[Any]]  # raw values (for sorting and export), aligned with columns
    display: list[list[str]]  # the same cells formatted in Danish


class Answer(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "status": "answer", "conversation_id": "c1", "question": "Hvad var udskrivningsprocenten i Gentofte i 2023?",
        "text": "Udskrivningsprocenten i Gentofte var 24,1 % i 2023.", "observations": [
            {"metric": "udskrivningsprocent", "municipality_code": 157, "municipality": "Gentofte",
             "year": 2023, "value": 24.1, "status": "value", "role": "subject", "display": "24,1 %"}],
        "sql": "SELECT ...", "metric": None, "chart": None, "clarification": None}]})

    status: Status
    conversation_id: str
    question: str = ""
    text: str
    operation: str | None = None
    observations: list[Observation] = Field(default_factory=list)
    derived: list[Derived] = Field(default_factory=list)  # computed numbers the text shows (see Derived)
    table: Table | None = None
    sql: str | None = None
    # When `sql` reads a precomputed table (overview_rows): the statement the build ran to make these rows,
    # which gives the same rows when run in the SQL editor
    sql_origin: str | None = None
    metric: MetricCard | None = None
    metrics: list[MetricCard] = Field(default_factory=list)  # every figure shown (overview: many)
    chart: dict[str, Any] | None = None  # Vega-Lite spec
    chart_kind: str | None = None  # bar | line | rank | map
    clarification: Clarification | None = None
    examples: list[str] = Field(default_factory=list)  # offered with refusals
    warnings: list[str] = Field(default_factory=list)
    understood: list[Understood] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)


class AskRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"question": "Hvad bruger Fredensborg på folkeskolen pr. elev?", "conversation_id": None}]})

    question: str = Field(max_length=100_000)
    conversation_id: str | None = Field(default=None, max_length=100)


class SqlRequest(BaseModel):
    sql: str = Field(max_length=20_000)


class SqlResult(BaseModel):
    status: Literal["ok", "refused", "error"]
    message: str  # Danish: what ran, or what was refused and why
    sql: str
    columns: list[str] = Field(default_factory=list)
    rows: list[list[Any]] = Field(default_factory=list)
    truncated: bool = False
    elapsed_ms: float = 0.0


class MunicipalityInfo(BaseModel):
    code: int
    name: str
    region_code: int
    region_name: str
    neighbours: list[int]
