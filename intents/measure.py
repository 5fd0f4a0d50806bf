"""What kind of number a question asks for, checked against the figure chosen for it.

A question often says how its number is measured, apart from what it is about: a count ("hvor mange
anbragte børn"), a total ("de samlede serviceudgifter", "i alt", "i mio. kr."), a denominator ("pr. elev",
"pr. 67+-årig", "pr. modtager"), gross or net ("bruttoudgiften") or the figure's polarity ("har en
erhvervsuddannelse" against a figure of those *uden*). The words of such a *claim* are Danish function words or
words the figure's definition also uses, so the word accounting (intents/accounting.py) finds them used; yet a
figure measured otherwise answers another question. So the claims are read here, on their own, and each is
checked against the chosen figure's unit, label and denominator: the parser prefers a figure that meets them,
and asks back, naming the words, when the figure it has does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intents.accounting import is_function_word, metric_keys
from intents.lexicon import STOPWORDS, Lexicon
from intents.text import Tok, fold, tokenize
from semantic_layer.model import Metric, Unit

# Units of a number measured against something (a rate, share, index): never a count or a total.
RATIO_UNITS = frozenset({Unit.PCT, Unit.PROMILLE, Unit.PER_100, Unit.PER_1000, Unit.PER_10000, Unit.PER_KM2,
                         Unit.INDEX, Unit.RATIO})
# After "hvor mange": the question is about an amount of money or a share, not a number of things.
_MONEY = frozenset({"penge", "kroner", "kr", "mio", "million", "millioner", "milliard", "milliarder", "mia"})
_SHARE = frozenset({"procent", "pct", "promille", "procentdel", "andel", "andelen"})
_TOTAL = frozenset({"samlet", "samlede", "total", "totale", "totalt"})
_MILLIONS = frozenset({"mio", "million", "millioner", "milliard", "milliarder", "mia"})
# A "pr." phrase naming time or a date is no denominator ("pr. måned", "pr. 1. januar").
_TIME = frozenset({"aar", "aaret", "maaned", "maaneden", "md", "mdr", "dag", "doegn", "uge", "ugen", "kvartal",
                   "time", "timen", "gang", "gangen"})
# Denominator words for the whole population, as the catalog's denominators say it ("Antal indbyggere").
_INHABITANTS = frozenset({"indbygger", "indbyggere", "indb", "borger", "borgere", "person", "personer", "beboer",
                          "beboere", "capita", "hoved", "individ"})
_CHILDREN = frozenset({"barn", "boern", "boernene", "barnet", "ung", "unge"})
_ADULTS = frozenset({"voksen", "voksne", "myndig", "myndige"})
# Units written out that labels abbreviate
_UNIT_WORDS = {"kubikmeter": "m3", "kvadratkilometer": "km2", "hektar": "ha", "kvadratmeter": "m2"}
_ELDERLY = frozenset({"aeldre", "pensionist", "pensionister", "oldborger", "oldborgere"})
# "pr. region", "pr. kommune": one value per area (a grouping), no denominator.
_GROUPING = frozenset({"region", "regionen", "kommune", "kommunen", "landsdel", "omraade"})
_NEGATION = frozenset({"uden", "ikke", "ingen", "mangler", "manglende", "ekskl", "eksklusive", "undtagen"})
_NEGATED_LABEL = re.compile(r"\b(?:uden|ikke|ekskl|excl|eksklusive|undtagen|ikke-\w+)\b")
_AGE = re.compile(r"(\d{1,2})(?:-(\d{1,3}))?(\+)?")
_PER = re.compile(r"\s(?:pr\.?|per)\s", re.IGNORECASE)  # " pr. " in a label (not " primærkom.")


def _per_part(label: str) -> str:
    """The label's denominator part from its last " pr. " ("pr. 1.000 indb."); "" when it has none."""
    hits = list(_PER.finditer(label))
    return label[hits[-1].start() + 1:] if hits else ""


@dataclass(frozen=True)
class Claim:
    """How the question says its number is measured: kind is count | total | money | per | gross | net |
    polarity; `words` are the user's own words (for the message), `tokens` the phrase's tokens."""

    kind: str
    words: str
    tokens: tuple[int, ...] = ()
    span: tuple[int, int] = (0, 0)  # where the words are in the question (the user's own spelling, "pr.")

    def said(self, question: str) -> str:
        """The claim's words as the user wrote them."""
        start, end = self.span
        return question[start:end] if end > start else self.words


def claims(toks: list[Tok]) -> list[Claim]:
    """The measurement claims the question makes (see the module docstring)."""
    folds = [t.fold for t in toks]
    out: list[Claim] = []
    per = _per_phrases(toks)
    out += per
    out += _negations(toks)
    shared = any(f in _SHARE or f.startswith("gennemsnit") for f in folds)
    # "i en klasse", "hver elev", "pr. 100", "ud af 100": a number per something, though no "pr. <word>"
    pairs = list(zip(folds, [*folds[1:], ""], strict=True))
    each = any((a in {"hver", "hvert"} and b not in _TIME) or (a == "i" and b in {"en", "et"})
               or (a, b) in {("ud", "af"), ("af", "hver")} for a, b in pairs) or any(
        a.fold in {"pr", "per"} and b.kind == "num" for a, b in zip(toks, toks[1:], strict=False))
    partitive = False
    for i, f in enumerate(folds):
        nxt = folds[i + 1:i + 3]
        if f == "hvor" and nxt[:1] == ["mange"]:
            after = folds[i + 2] if i + 2 < len(folds) else ""
            if after in _MONEY:
                out.append(Claim("money", f"{toks[i].text} {toks[i + 1].text} {toks[i + 2].text}",
                                 span=(toks[i].start, toks[i + 2].end)))
            elif after in {"af", "ud", "blandt"} or after in _SHARE:
                partitive = True  # "hvor mange af de 25-64-årige": a share answers it
            else:
                out.append(Claim("count", f"{toks[i].text} {toks[i + 1].text}", span=(toks[i].start, toks[i + 1].end)))
        elif f in {"antal", "antallet"} and not any(c.kind == "count" for c in out):
            out.append(Claim("count", toks[i].text))
        elif f == "i" and nxt[:1] == ["alt"]:
            out.append(Claim("total", f"{toks[i].text} {toks[i + 1].text}", span=(toks[i].start, toks[i + 1].end)))
        elif f in _TOTAL or (f in _MILLIONS and i > 0 and folds[i - 1] in {"i", "mange"}):
            out.append(Claim("total", toks[i].text))
        if f in {"efter", "fratrukket", "minus"} and i + 1 < len(folds) and any(
                w in folds[i + 1] for w in ("betaling", "indtaegt", "refusion", "egenbetaling")):
            # "efter forældrebetaling", "fratrukket indtægter": the net figure
            out.append(Claim("net", f"{toks[i].text} {toks[i + 1].text}", (i, i + 1),
                             (toks[i].start, toks[i + 1].end)))
        if toks[i].kind == "word" and "brutto" in f:
            out.append(Claim("gross", toks[i].text, (i,)))
        elif toks[i].kind == "word" and "netto" in f and not f.startswith("nettoledig"):
            out.append(Claim("net", toks[i].text, (i,)))
    if per or shared or partitive or each:  # "i alt pr. 1.000", "hvor mange pr. elev", "hvor mange procent"
        out = [c for c in out if c.kind not in {"count", "total", "money"}]
    return out


# Between a negation and the word it negates ("ikke en videregående uddannelse", "uden et job")
_ARTICLES = frozenset({"en", "et", "de", "den", "det", "nogen", "noget", "har", "er", "var", "have", "vaere"})


def _negations(toks: list[Tok]) -> list[Claim]:
    """"ikke almene", "ikke en videregående uddannelse": the content word a negation is about. A figure that
    names that word without a negation of its own counts the opposite."""
    out = []
    for i, t in enumerate(toks):
        if t.fold not in {"ikke", "uden"}:
            continue
        j = i + 1
        while j < len(toks) and toks[j].fold in _ARTICLES:
            j += 1
        if j < len(toks) and toks[j].kind == "word" and not is_function_word(toks[j]):
            out.append(Claim("negated", f"{t.text} {toks[j].text}", (j,), (t.start, toks[j].end)))
    return out


def _per_phrases(toks: list[Tok]) -> list[Claim]:
    """"pr./per <denominator>": the words up to the next function word (a number such as 1.000 included)."""
    out = []
    for i, t in enumerate(toks):
        if t.fold not in {"pr", "per"} or (i > 0 and toks[i - 1].fold in _NEGATION):
            continue  # "(ikke pr. barn)" says what the number is not
        phrase: list[int] = []
        for j in range(i + 1, min(i + 4, len(toks))):
            tj = toks[j]
            if tj.kind == "num" and (tj.value or 0) >= 1900 and not phrase:
                break  # "pr. 2023" is a year
            if tj.kind == "word" and is_function_word(tj) and tj.fold not in _INHABITANTS and (
                    phrase or tj.fold in STOPWORDS or len(tj.fold) <= 3):
                break  # the word right after "pr." is the denominator, unless it is grammar ("pr. år i")
            phrase.append(j)
            if tj.kind != "num":
                break  # one denominator word or age group (after an optional number)
        content = [j for j in phrase if toks[j].kind != "num"]
        if not content or any(toks[j].fold in _TIME or toks[j].fold in _GROUPING
                              or toks[j].fold.startswith(("jan", "maaned")) for j in content):
            continue
        out.append(Claim("per", " ".join([t.text, *(toks[j].text for j in phrase)]), tuple(content),
                         (t.start, toks[phrase[-1]].end)))
    return out


def _ages(texts: tuple[str, ...]) -> set[tuple[int, int | None]]:
    """The age groups a figure's denominator names, as (low, high) with high None for "67+"."""
    out: set[tuple[int, int | None]] = set()
    for text in texts:
        for tok in tokenize(text):
            if tok.kind != "age":
                continue
            for part in tok.fold.split("/"):
                m = _AGE.fullmatch(part.rstrip("-"))
                if m:
                    low = int(m.group(1))
                    out.add((low, None if m.group(3) else int(m.group(2) or low)))
    return out


def own_names(metric: Metric) -> str:
    """The figure's own names, folded (label, short name, synonyms): words a question may take from them."""
    return fold(f"{metric.label} {metric.short_name} {' '.join(metric.synonyms)}")


class MeasureCheck:
    """Checks claims against figures (the figure's denominator words and age groups computed once)."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self._cache: dict[str, tuple[frozenset[str], set[tuple[int, int | None]], bool]] = {}

    def _denominator(self, metric: Metric) -> tuple[frozenset[str], set[tuple[int, int | None]], bool]:
        hit = self._cache.get(metric.id)
        if hit is None:
            after = _per_part(metric.label)
            # a rate without "pr." in its label ("Gennemsnitlig klassekvotient") is per its definition's denominator
            texts = (after, metric.denominator) if after else (metric.denominator,) if metric.unit in RATIO_UNITS \
                else ()
            inhabitants = metric.denominator_population == "indbyggere" or "indb" in fold(after)
            short = {t.fold for text in texts for t in tokenize(text) if t.kind == "word"}  # "m3", "ha"
            if metric.unit == Unit.PER_KM2:  # "Befolkningstæthed (indb/km2)": the unit names the denominator
                short |= {"km2"}
            for word, same in _UNIT_WORDS.items():  # "pr. kubikmeter" is "pr. m3"
                if same in short:
                    short.add(word)
            hit = (metric_keys(self.lex, texts) | short, _ages(texts), inhabitants)
            self._cache[metric.id] = hit
        return hit

    @staticmethod
    def is_ratio(metric: Metric) -> bool:
        """A rate, share, index or amount per something: not a count of things or a total."""
        return metric.unit in RATIO_UNITS or bool(_per_part(metric.label)) or metric.denominator_population is not None

    def fits(self, claim: Claim, metric: Metric, toks: list[Tok]) -> bool:
        label = metric.label.lower()
        if claim.kind == "count":
            return metric.unit == Unit.COUNT and not self.is_ratio(metric)
        if claim.kind in {"total", "money"}:
            if claim.kind == "total" and fold(claim.words)[:5] in own_names(metric):  # "samlede" of "Samlet …"
                return True  # the figure's own name says it ("samlet udskrivningsprocent")
            return not self.is_ratio(metric) and metric.unit in {Unit.COUNT, Unit.KR, Unit.KM2}
        if claim.kind == "gross":
            return "brutto" in label or ("netto" not in label and "netto" not in metric.numerator.lower())
        if claim.kind == "net":  # net: the label, or the figure's numerator and definition, say so
            return "brutto" not in label and "netto" in fold(f"{label} {metric.numerator} {metric.definition}")
        if claim.kind == "negated":
            if _NEGATED_LABEL.search(fold(metric.label)):
                return True  # the figure counts those without (or excludes) something itself
            label_keys = metric_keys(self.lex, (metric.label, metric.short_name))
            return not any(self._named(toks[i], label_keys) for i in claim.tokens)
        if claim.kind == "per":
            return self._per_fits([toks[i] for i in claim.tokens], metric)
        return True

    def polarity_fits(self, metric: Metric, toks: list[Tok]) -> bool:
        """A figure of those *uden* something ("uden erhvervsuddannelse") for a question that says no negation
        asks about the others."""
        label = f" {fold(metric.label)} "
        if " uden " not in label or not any(_label_word(t, metric) for t in toks):
            return True  # no figure of those without, or the question does not name what they lack
        return any(t.fold in _NEGATION for t in toks)

    def _per_fits(self, words: list[Tok], metric: Metric) -> bool:
        keys, ages, inhabitants = self._denominator(metric)
        if not keys and not ages and not inhabitants:
            return False  # the figure is not per anything
        for tok in words:
            if tok.kind == "age":
                wanted = _ages((tok.text,))
                if not wanted or not wanted <= ages:
                    return False
            elif tok.fold in _INHABITANTS:
                if not inhabitants:
                    return False
            elif self._named(tok, keys):
                continue  # the denominator's own word ("elev", "pensionist", "folkeskoleelev")
            elif tok.fold in _CHILDREN:
                if not any(hi is not None and hi <= 17 for _, hi in ages):
                    return False
            elif tok.fold in _ELDERLY:
                if not any(lo >= 60 for lo, _ in ages):
                    return False
            elif tok.fold in _ADULTS:
                if not any(lo >= 18 and (hi is None or hi >= 60) for lo, hi in ages):
                    return False
            else:
                return False
        return True

    def _named(self, tok: Tok, keys: frozenset[str]) -> bool:
        """The word (or every part of the compound, or its head) is among the denominator's words."""
        if tok.fold in keys or self.lex.word_keys(tok.low) & keys or self.lex.head(tok.low) & keys:
            return True
        parts = self.lex.token_parts(tok, question=True)
        return bool(parts) and all(p & keys for p in parts)

    def conflicts(self, found: list[Claim], metric: Metric, toks: list[Tok]) -> list[Claim]:
        """The claims the figure does not meet (its polarity included)."""
        out = [c for c in found if not self.fits(c, metric, toks)]
        if not self.polarity_fits(metric, toks):
            out.append(Claim("polarity", " ".join(t.text for t in toks if _label_word(t, metric))))
        return out

    @staticmethod
    def measured(metric: Metric, kind: str) -> str:
        """How the figure is measured in the respect the claim `kind` is about, in Danish (for asking back)."""
        label = metric.label
        low = label.lower()
        if kind == "gross":
            return "netto"
        if kind == "net":
            return "brutto"
        if kind == "polarity" and " uden " in low:
            return "for dem " + label[low.find(" uden ") + 1:].rstrip(").")
        if _per_part(label):
            return _per_part(label).rstrip(").")
        return {Unit.PCT: "som en andel i procent", Unit.PROMILLE: "i promille", Unit.INDEX: "som et indeks",
                Unit.RATIO: "som et forholdstal", Unit.COUNT: "som et antal", Unit.KR: "i kroner"}.get(
            metric.unit, "anderledes")


def _label_word(tok: Tok, metric: Metric) -> bool:
    """A word of the question found in the figure's "uden ..." part (what the figure's people lack)."""
    label = fold(metric.label)
    lacking = label[label.find(" uden ") + 6:] if " uden " in label else ""
    return tok.kind == "word" and len(tok.fold) > 4 and tok.fold[:6] in lacking
