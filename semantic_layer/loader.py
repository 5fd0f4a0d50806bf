"""Load the catalog YAML and validate it; every issue names its file and line."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from semantic_layer.model import (
    POPULATION_GROUPS,
    SOURCES,
    Aggregation,
    AmbiguousTerm,
    Catalog,
    Frequency,
    Gender,
    Metric,
    Number,
    OverviewTheme,
    Theme,
)

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~20x faster
CATALOG_DIR = Path(__file__).parent / "catalog"
AMBIGUOUS_FILE = "ambiguous.yaml"
OVERVIEW_FILE = "overview.yaml"  # which figures may headline each theme of the overview


@dataclass(frozen=True)
class Issue:
    file: str
    line: int
    message: str
    blocking: bool = True

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {'fejl' if self.blocking else 'advarsel'}: {self.message}"


class CatalogError(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("Kataloget kan ikke indlæses:\n" + "\n".join(str(i) for i in issues))


def normalize_term(text: str) -> str:
    """Compare phrasings without case, punctuation and 'pr.'/'per' differences."""
    text = text.casefold().replace("per ", "pr. ")
    return re.sub(r"[\s.,;:!?()\"']+", " ", text).strip()


def _lines(node: yaml.Node, key: str) -> list[int]:
    """1-based line of each item in the sequence under `key` of a mapping node."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in v.value]
    return []


def _read(path: Path, issues: list[Issue]) -> tuple[Any, yaml.Node | None]:
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=_LOADER)
        if node is None:
            return None, None
        loader = _LOADER(text)  # build the data from the same node: one parse, with line marks kept
        try:
            return loader.construct_document(node), node
        finally:
            loader.dispose()
    except (OSError, UnicodeDecodeError) as exc:
        issues.append(Issue(path.name, 0, f"kan ikke læses: {exc}"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        issues.append(Issue(path.name, (mark.line + 1) if mark else 0, f"ugyldig YAML: {exc}"))
    return None, None


def _errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())


_T = TypeVar("_T", bound=BaseModel)


def _entries(data: Any, node: Any, key: str, model: type[_T], file: str, issues: list[Issue], what: str) -> list[_T]:
    """The list under `key` of a non-figure catalog file, each entry validated into `model` with its line."""
    out: list[_T] = []
    for item, line in zip(data.get(key) or [], _lines(node, key), strict=False):
        try:
            out.append(model(**item, file=file, line=line))
        except (ValidationError, TypeError) as exc:
            issues.append(Issue(file, line, f"{what}: {exc}"))
    return out


def parse_catalog(directory: Path = CATALOG_DIR) -> tuple[Catalog | None, list[Issue]]:
    """Parse the YAML files; returns the catalog (if it could be built) and every issue found."""
    issues: list[Issue] = []
    themes: list[Theme] = []
    metrics: list[Metric] = []
    ambiguous: list[AmbiguousTerm] = []
    overview: list[OverviewTheme] = []
    files = sorted(directory.glob("*.yaml"))
    if not files:
        issues.append(Issue(str(directory), 0, "ingen katalogfiler (*.yaml)"))
    for path in files:
        data, node = _read(path, issues)
        if data is None or node is None:
            continue
        if path.name == AMBIGUOUS_FILE:
            ambiguous += _entries(data, node, "ambiguous", AmbiguousTerm, path.name, issues,
                                  "ugyldigt tvetydigt udtryk")
            continue
        if path.name == OVERVIEW_FILE:
            overview += _entries(data, node, "overview", OverviewTheme, path.name, issues,
                                 "ugyldigt tema i overblikket")
            continue
        if not isinstance(data, dict) or "theme" not in data or "metrics" not in data:
            issues.append(Issue(path.name, 1, "filen skal have 'theme' og 'metrics'"))
            continue
        try:
            theme = Theme(**data["theme"])
        except (ValidationError, TypeError) as exc:
            issues.append(Issue(path.name, 1, f"ugyldigt tema: {exc}"))
            continue
        themes.append(theme)
        for item, line in zip(data["metrics"] or [], _lines(node, "metrics"), strict=False):
            if not isinstance(item, dict):
                issues.append(Issue(path.name, line, "et nøgletal skal være en mapping"))
                continue
            if "overview_theme" in item:
                issues.append(Issue(path.name, line, f"overview_theme sættes i {OVERVIEW_FILE}, ikke på nøgletallet"))
                continue
            try:
                metrics.append(Metric(**item, theme=theme.id, file=path.name, line=line))
            except ValidationError as exc:
                label = item.get("id") or item.get("label") or "?"
                issues.append(Issue(path.name, line, f"nøgletallet {label!r} er ufuldstændigt: {_errors(exc)}"))
            except TypeError as exc:
                issues.append(Issue(path.name, line, f"ugyldigt nøgletal: {exc}"))
    issues += validate(metrics, ambiguous)
    issues += validate_overview(overview, themes, metrics)
    if any(i.blocking for i in issues):
        return None, issues
    headline = {i: t.theme for t in overview for i in t.metrics}
    metrics = [m.model_copy(update={"overview_theme": headline[m.id]}) if m.id in headline else m for m in metrics]
    return Catalog(themes=tuple(themes), metrics=tuple(metrics), ambiguous=tuple(ambiguous),
                   overview=tuple(overview)), issues


def validate_overview(overview: list[OverviewTheme], themes: list[Theme], metrics: list[Metric]) -> list[Issue]:
    """The overview's themes exist, once each; its figures exist, are yearly (a quarterly figure headlines by its
    annual form) and headline one theme only."""
    issues: list[Issue] = []
    theme_ids = {t.id for t in themes}
    by_id = {m.id: m for m in metrics}
    seen_themes: set[str] = set()
    seen: dict[str, str] = {}
    for t in overview:
        if t.theme not in theme_ids:
            issues.append(Issue(t.file, t.line, f"ukendt tema {t.theme!r} i overblikket (kendte: {sorted(theme_ids)})"))
        if t.theme in seen_themes:
            issues.append(Issue(t.file, t.line, f"temaet {t.theme!r} står to gange i overblikket"))
        seen_themes.add(t.theme)
        for metric_id in t.metrics:
            m = by_id.get(metric_id)
            if m is None:
                issues.append(Issue(t.file, t.line, f"overblikket for {t.theme!r} nævner ukendt nøgletal "
                                                    f"{metric_id!r}"))
            elif m.frequency != Frequency.YEAR:
                issues.append(Issue(t.file, t.line, f"{metric_id!r} er et kvartalstal; overblikket viser årsformen "
                                                    f"{m.annual_form!r}"))
            if metric_id in seen:
                issues.append(Issue(t.file, t.line, f"{metric_id!r} står både under {seen[metric_id]!r} og "
                                                    f"{t.theme!r} i overblikket"))
            seen[metric_id] = t.theme
    return issues


def validate(metrics: list[Metric], ambiguous: list[AmbiguousTerm]) -> list[Issue]:
    """Rules over the whole catalog: uniqueness, declared ambiguity, units, weighting and word forms."""
    issues: list[Issue] = []
    seen: dict[str, dict[str, Metric]] = {"id": {}, "label": {}, "short_name": {}}
    said: dict[str, dict[str, Metric]] = {"indefinite": {}, "definite": {}, "question": {}}
    for m in metrics:
        for key in seen:
            value = getattr(m, key)
            if value in seen[key]:
                other = seen[key][value]
                issues.append(Issue(m.file, m.line, f"{key} {value!r} findes også i {other.file}:{other.line}"))
            seen[key][value] = m
        for key in said:  # two figures written or asked about alike could not be told apart
            value = getattr(m.forms, key)
            if value.casefold() in said[key]:
                other = said[key][value.casefold()]
                issues.append(Issue(m.file, m.line, f"nøgletallet {m.id!r}: forms.{key} {value!r} findes også i "
                                                    f"{other.file}:{other.line} ({other.id})"))
            said[key][value.casefold()] = m
        if m.source not in SOURCES:
            issues.append(Issue(m.file, m.line, f"ukendt kilde {m.source!r} (kendte: {sorted(SOURCES)})"))
        if m.denominator_population is not None and m.denominator_population not in POPULATION_GROUPS:
            issues.append(Issue(m.file, m.line, f"ukendt nævnerpopulation {m.denominator_population!r}"))
        if (m.aggregation == Aggregation.WEIGHTED) != (m.denominator_population is not None):
            issues.append(Issue(m.file, m.line, "vægtet gennemsnit kræver en nævnerpopulation (og omvendt)"))
        issues += [Issue(m.file, m.line, f"nøgletallet {m.id!r} har ugyldige ordformer: {problem}")
                   for problem in forms_problems(m)]
    issues += _quarter_links(metrics)
    declared = {normalize_term(a.term) for a in ambiguous}
    owners: dict[str, set[str]] = defaultdict(set)
    where: dict[str, Metric] = {}
    for m in metrics:
        for term in (m.short_name, *m.synonyms):
            key = normalize_term(term)
            owners[key].add(m.id)
            where.setdefault(key, m)
            if key in declared:
                issues.append(Issue(m.file, m.line, f"{term!r} er erklæret tvetydig og må ikke være synonym "
                                                    f"for ét nøgletal"))
    for key, ids in owners.items():
        if len(ids) > 1:
            m = where[key]
            issues.append(Issue(m.file, m.line, f"udtrykket {key!r} peger på flere nøgletal {sorted(ids)} uden at "
                                                f"være erklæret tvetydigt i {AMBIGUOUS_FILE}"))
    ids = {m.id for m in metrics}
    for a in ambiguous:
        unknown = [x for x in a.metrics if x not in ids]
        if unknown:
            issues.append(Issue(a.file, a.line, f"{a.term!r} henviser til ukendte nøgletal {unknown}"))
        if a.default is not None and a.default not in a.metrics:
            issues.append(Issue(a.file, a.line, f"standardvalget {a.default!r} er ikke blandt {list(a.metrics)}"))
        if len(a.metrics) < 2:
            issues.append(Issue(a.file, a.line, f"{a.term!r} skal pege på mindst to nøgletal"))
    return issues


def _quarter_links(metrics: list[Metric]) -> list[Issue]:
    """A quarterly figure names its annual form: a yearly figure of the same measure that says how its year is
    formed from the four quarters; and every such year is the annual form of exactly one quarterly figure."""
    issues: list[Issue] = []
    by_id = {m.id: m for m in metrics}
    linked: dict[str, list[str]] = defaultdict(list)
    for m in metrics:
        if m.frequency == Frequency.QUARTER:
            annual = by_id.get(m.annual_form or "")
            if annual is None:
                issues.append(Issue(m.file, m.line, f"kvartalstallet {m.id!r} skal have annual_form: det nøgletal, "
                                                    f"et år gives som (fandt {m.annual_form!r})"))
                continue
            linked[annual.id].append(m.id)
            same = ("unit", "source", "aggregation", "denominator_population")
            differs = [k for k in same if getattr(m, k) != getattr(annual, k)]
            if annual.frequency != Frequency.YEAR or annual.from_quarters is None or differs:
                issues.append(Issue(m.file, m.line, f"årsformen {annual.id!r} af {m.id!r} skal være et årstal med "
                                                    f"from_quarters og samme {', '.join(differs or same)}"))
        elif m.annual_form is not None:
            issues.append(Issue(m.file, m.line, f"annual_form kræver frequency: quarter ({m.id!r})"))
    for m in metrics:
        if m.from_quarters is not None and len(linked.get(m.id, [])) != 1:
            issues.append(Issue(m.file, m.line, f"{m.id!r} er dannet af kvartaler (from_quarters), men er årsform "
                                                f"for {linked.get(m.id, [])} — præcis ét kvartalstal skal pege på den"))
        if m.from_quarters is not None and m.frequency != Frequency.YEAR:
            issues.append(Issue(m.file, m.line, f"from_quarters kræver frequency: year ({m.id!r})"))
    return issues


_ARTICLES = {"den": (Gender.COMMON, Number.SINGULAR), "det": (Gender.NEUTER, Number.SINGULAR)}
PLACE = "{place}"


def _mid_sentence(text: str) -> bool:
    """A phrase that can stand mid-sentence: no capital unless the first word is an acronym ("SFO")."""
    first = text.split(" ", 1)[0]
    return not text[:1].isupper() or first.isupper()


def forms_problems(m: Metric) -> list[str]:
    """What is wrong with a figure's word forms (empty when they can be written with)."""
    f = m.forms
    problems: list[str] = []
    for key in ("indefinite", "definite", "question"):
        text = getattr(f, key)
        if text != text.strip() or "  " in text:
            problems.append(f"{key} {text!r} har overflødige mellemrum")
    for key in ("indefinite", "definite"):
        text = getattr(f, key)
        if not _mid_sentence(text):
            problems.append(f"{key} {text!r} skal kunne stå inde i en sætning (lille forbogstav)")
        if PLACE in text:
            problems.append(f"{key} {text!r} må ikke indeholde {PLACE}")
    if f.definite.casefold().strip() == f.indefinite.casefold().strip():
        problems.append(f"bestemt form {f.definite!r} er den samme som ubestemt form")
    if f.definite.startswith("antallet af ") and not f.indefinite.startswith("antal "):
        # a count said definitely must be a count indefinitely too ("det højeste antal personbiler …")
        problems.append(f"bestemt form {f.definite!r} er et antal, så ubestemt form {f.indefinite!r} skal begynde "
                        f"med 'antal '")
    article = f.definite.split(" ", 1)[0]
    if article == "de" and f.number != Number.PLURAL:
        problems.append(f"bestemt form {f.definite!r} begynder med 'de', men number er {f.number.value}")
    elif article in _ARTICLES and (f.gender, f.number) != _ARTICLES[article]:
        gender, number = _ARTICLES[article]
        problems.append(f"bestemt form {f.definite!r} begynder med {article!r}, som kræver gender {gender.value} "
                        f"og number {number.value}")
    if PLACE not in f.question:
        problems.append(f"spørgsmålet {f.question!r} mangler {PLACE}")
    elif "{" in f.question.replace(PLACE, "") or "}" in f.question.replace(PLACE, ""):
        problems.append(f"spørgsmålet {f.question!r} må kun have pladsholderen {PLACE}")
    if not f.question.endswith("?"):
        problems.append(f"spørgsmålet {f.question!r} skal slutte med '?'")
    if not f.question[:1].isupper():
        problems.append(f"spørgsmålet {f.question!r} skal begynde med stort bogstav")
    return problems


# The warehouse's figures and their frequency: yearly ones by their current vintage, quarterly ones (which have no
# annual vintage) from `figures`.
# Which figures the ministry publishes a national figure for (the rest are computed over the 98): the compiler
# needs it, and it is read from the same warehouse by the assistant and by the build.
PUBLISHED_SQL = ("SELECT DISTINCT figure FROM national WHERE value IS NOT NULL UNION "
                 "SELECT DISTINCT figure FROM quarterly_national WHERE value IS NOT NULL")
FIGURES_SQL = ("SELECT figure, 'year' FROM current_vintage UNION "
               "SELECT figure, frequency FROM figures WHERE frequency = 'quarter'")


def validate_against_warehouse(catalog: Catalog, figures: Iterable[str] | Mapping[str, str]) -> list[Issue]:
    """Every warehouse figure has an entry and every entry has warehouse data; given the warehouse's frequency per
    figure ('year' | 'quarter'), each entry's frequency is the warehouse's."""
    frequency = dict(figures) if isinstance(figures, Mapping) else dict.fromkeys(figures)
    labels = {m.label for m in catalog.metrics}
    issues = [Issue(m.file, m.line, f"nøgletallet {m.label!r} findes ikke i lageret")
              for m in catalog.metrics if m.label not in frequency]
    issues += [Issue("catalog", 0, f"lagerets nøgletal {f!r} mangler en katalogpost")
               for f in sorted(set(frequency) - labels)]
    issues += [Issue(m.file, m.line, f"nøgletallet {m.label!r} er {frequency[m.label]} i lageret, men "
                                     f"{m.frequency.value} i kataloget")
               for m in catalog.metrics if frequency.get(m.label) not in (None, m.frequency.value)]
    return issues


@lru_cache(maxsize=4)
def load_catalog(directory: Path = CATALOG_DIR) -> Catalog:
    """The validated catalog; raises CatalogError (with file and line) on any blocking issue."""
    catalog, issues = parse_catalog(directory)
    if catalog is None:
        raise CatalogError([i for i in issues if i.blocking])
    return catalog
