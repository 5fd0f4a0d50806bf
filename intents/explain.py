"""What one word means to the parser, and why: `noegletal catalog --explain ORD`.

The explanation retraces the parser's own steps on the word (folding, the spaCy lookup lemma, match keys
and the rule behind each key, compound splitting, stopwords and steering cues, place matching) and lists
the catalog figures whose terms contain the word's keys, with the term that made each link. It reads the
parser's structures and never changes them; `analyse` returns data, `render` turns it into Danish lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from intents import cues
from intents import parser as parser_module
from intents.lexicon import ABBREVIATIONS, CONCEPTS, QUESTION_CONCEPTS, STOPWORDS
from intents.parser import Parser
from intents.places import FOREIGN, REGIONS, VARIANTS, PlaceScan
from intents.result import ParseResult
from intents.text import NUMBER_WORDS, Tok, clean, fold, stem, tokenize

_MIN_PART = 3  # as in the lexicon: shorter pieces are never compound parts
DEFAULT_LIMIT = 10  # figures listed before "... og N flere"

_CUE_NAMES = {
    "definition": "definition (hvad betyder et nøgletal)", "overview": "overblik over en kommune",
    "savings": "besparelse/råderum", "rank": "rangering", "distribution": "fordeling på alle kommuner (kort)",
    "trend": "udvikling over tid", "compare": "sammenligning",
    "neighbours": "nabokommunerne", "similar": "lignende kommuner", "country": "landsgennemsnittet",
    "region": "regionen",
}
_STEP_NAMES = {
    "metric": "nøgletal", "municipality": "sted", "years": "år", "comparison": "sammenligning",
    "operation": "handling", "default": "standardvalg", "conversation": "samtalen", "correction": "rettelse",
    "unused": "ikke brugt",
}


@dataclass(frozen=True)
class Key:
    """One match key and the rule that produced it (Danish, for the user)."""

    key: str
    rule: str
    in_catalog: bool  # some catalog word has this key (the compound-splitting lexicon knows it)


@dataclass(frozen=True)
class Part:
    """One piece of a (possibly compound) word with its question keys."""

    text: str
    keys: tuple[Key, ...]


@dataclass(frozen=True)
class TokenInfo:
    text: str
    kind: str  # word | num | age
    folded: str
    lemma: str | None = None
    lemma_known: bool = False
    keys: tuple[Key, ...] = ()
    parts: tuple[Part, ...] = ()  # more than one: a compound split into catalog words
    split_hint: tuple[str, str] | None = None  # no split: a known left part and the unknown rest
    stopword: bool = False
    notes: tuple[str, ...] = ()  # further rules that touch the word (cue prefix, generic, number word)


@dataclass(frozen=True)
class FigureLink:
    """A catalog figure with a term that contains the word's keys."""

    metric_id: str
    label: str
    term: str
    term_kinds: tuple[str, ...]  # betegnelse | kort navn | synonym
    covered: tuple[str, ...]  # the word's parts that the term contains
    full: bool  # every part of the word is in the term
    extra: int  # the term's other (non-denominator) words the word does not supply
    others: int = 0  # further terms of the same figure that link as well


@dataclass(frozen=True)
class AmbiguousLink:
    term: str
    metrics: tuple[str, ...]
    default: str | None
    covered: tuple[str, ...]
    full: bool


@dataclass(frozen=True)
class PlaceInfo:
    kind: str  # kommune | region | udenlandsk | tvetydig | ukendt
    code: int | None
    name: str
    reason: str


@dataclass
class Explanation:
    word: str
    folded: str
    tokens: list[TokenInfo] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)
    places: list[PlaceInfo] = field(default_factory=list)
    figures: list[FigureLink] = field(default_factory=list)
    ambiguous: list[AmbiguousLink] = field(default_factory=list)
    parse: ParseResult | None = None


# -- analysis -------------------------------------------------------------------------------------------
def analyse(word: str, parser: Parser) -> Explanation:
    text = clean(word)
    toks = tokenize(text)
    out = Explanation(word=text, folded=fold(text))
    if not toks:
        return out
    out.tokens = [_token(t, parser) for t in toks]
    out.cues = _cues(toks)
    out.places = _places(text, toks, parser)
    out.figures, out.ambiguous = _figures(toks, out.tokens, parser)
    out.parse = parser.parse(text)
    return out


def _keys(low: str, parser: Parser) -> tuple[Key, ...]:
    """The word's question keys, each with the rule in Lexicon.word_keys that produced it."""
    lex = parser.lex
    f = fold(low).strip("'")
    rules: dict[str, list[str]] = {}

    def add(key: str, rule: str) -> None:
        rules.setdefault(key, []).append(rule)

    if f in ABBREVIATIONS:
        add(stem(ABBREVIATIONS[f]), f"forkortelse: {f} → {ABBREVIATIONS[f]}, stammet")
    else:
        lemma = lex.lemma(low)
        add(stem(fold(lemma)), f"stamme af lemmaet »{lemma}«" if lemma != low else "stamme af ordet")
        add(stem(f), "stamme af ordet")
    for k in list(rules):
        for c in CONCEPTS.get(k, ()):
            add(c, f"begreb: {k} → {c} (spørgeord om udgifter)")
    for k in list(rules):
        for c in QUESTION_CONCEPTS.get(k, ()):
            add(c, f"spørgsmålsbegreb: {k} → {c} (kun i spørgsmål, ikke i katalogets udtryk)")
    actual = lex.word_keys(low, question=True)
    for k in sorted(actual - rules.keys()):
        add(k, "anden regel i leksikonet")
    return tuple(Key(k, "; ".join(dict.fromkeys(r)), k in lex.vocab) for k, r in rules.items() if k in actual)


def _token(tok: Tok, parser: Parser) -> TokenInfo:
    lex = parser.lex
    if tok.kind == "age":
        keys = tuple(Key(k, "aldersgruppe", True) for p in lex.token_parts(tok, question=True) for k in sorted(p))
        return TokenInfo(tok.text, tok.kind, tok.fold, keys=keys, parts=(Part(tok.text, keys),))
    if tok.kind == "num":
        if tok.value is not None and 1990 <= tok.value <= 2100:
            return TokenInfo(tok.text, tok.kind, tok.fold, notes=("årstal: bruges som år, aldrig til at finde et "
                                                                  "nøgletal",))
        keys = tuple(Key(k, "tal", True) for p in lex.token_parts(tok, question=True) for k in sorted(p))
        return TokenInfo(tok.text, tok.kind, tok.fold, keys=keys, parts=(Part(tok.text, keys),))
    low, f = tok.low, tok.fold
    keys = _keys(low, parser)
    stop = f in STOPWORDS
    parts: tuple[Part, ...] = ()
    hint = None
    split = lex.parts(low, question=True)
    if len(split) > 1:
        pieces = lex._split(low, 0) or []
        if len(pieces) != len(split):  # should not happen; show the key sets without their words
            pieces = ["?"] * len(split)
        parts = tuple(Part(p, _keys(p, parser)) for p in pieces)
    elif split:
        parts = (Part(tok.text, keys),)
        if f not in ABBREVIATIONS and not any(k.in_catalog for k in keys):
            hint = _split_hint(low, parser)
    notes: list[str] = []
    prefixes: tuple[str, ...] = getattr(parser_module, "CUE_PREFIXES", ())
    generic: tuple[str, ...] = getattr(parser_module, "GENERIC_WORDS", ())
    if not stop and f.startswith(prefixes):
        notes.append("styreord: styrer spørgsmålets form (sammenligning, udvikling, omfang), ikke hvilket nøgletal")
    if low in generic or f in generic:
        notes.append("generelt ord: vælger kun et nøgletal, når spørgsmålet ikke har andre katalogord")
    if f in NUMBER_WORDS:
        notes.append(f"talord: {NUMBER_WORDS[f]} (fx »top {NUMBER_WORDS[f]}«)")
    return TokenInfo(tok.text, tok.kind, f, lemma=lex.lemma(low), lemma_known=lex.is_known_word(low), keys=keys,
                     parts=parts, split_hint=hint, stopword=stop, notes=tuple(notes))


def _split_hint(low: str, parser: Parser) -> tuple[str, str] | None:
    """Why a long word did not split: the longest left part that is a catalog word, and the rest."""
    lex = parser.lex
    if len(low) < 2 * _MIN_PART:
        return None
    for i in range(len(low) - _MIN_PART, _MIN_PART - 1, -1):
        left = low[:i]
        if fold(left) not in STOPWORDS and lex.word_keys(left) & lex.vocab:
            return left, low[i:]
    return None


def _cues(toks: list[Tok]) -> list[str]:
    """The steering rules (cues.py) the word fires on its own."""
    text = cues.shape(toks)
    out = [f"regel: {_CUE_NAMES.get(c.kind, c.kind)} (»{c.words}«)"
           for table in ("op", "cmp") for c in cues.find(text, table)]
    if cues.is_greeting(text):
        out.append("hilsen: besvares med en kort vejledning")
    if cues.is_follow_up(text):
        out.append("opfølgning: et spørgsmål, der starter sådan, bygger videre på det forrige")
    oos = cues.out_of_scope(text)
    if oos:
        out.append(f"uden for emnet (»{oos}«): afvises, hvis intet nøgletal nævnes")
    return out


def _place_names(parser: Parser, code: int) -> dict[str, str]:
    """Folded spelling -> where it comes from, as PlaceMatcher builds its patterns."""
    p = parser.places.places.get(code)
    if p is None:
        return {}
    name = fold(p.name)
    names = {name: "navnet", name.replace("-", " "): "navnet"}
    names.update({v: "variant i VARIANTS" for v in VARIANTS.get(code, []) if v not in names})
    first = name.replace("-", " ").split()
    if len(first) > 1:
        names.setdefault(first[0], "første del af navnet")
    return names


def _places(text: str, toks: list[Tok], parser: Parser) -> list[PlaceInfo]:
    scan = parser.places.scan(toks, parser.lex.doc(toks))
    as_name = False
    if not (scan.municipalities or scan.regions or scan.foreign) and text[:1].islower():
        # names that are also ordinary words ("vejen", "odder") only count when written as names
        cap = tokenize(text[:1].upper() + text[1:])
        capscan = parser.places.scan(cap, parser.lex.doc(cap))
        if capscan.municipalities or capscan.regions:
            scan, as_name = capscan, True
    return _describe_scan(scan, toks, parser, as_name)


def _describe_scan(scan: PlaceScan, toks: list[Tok], parser: Parser, as_name: bool) -> list[PlaceInfo]:
    out: list[PlaceInfo] = []
    for h in scan.municipalities:
        p = parser.place_by_code.get(h.code)
        name = p.display if p else str(h.code)
        phrase = " ".join(t.fold for t in toks[h.start:h.end])
        if h.corrected_from:
            reason = f"stavefejl rettet (ligner »{p.name if p else h.code}«)"
        else:
            names = _place_names(parser, h.code)
            if phrase in names:
                reason = f"{names[phrase]} »{phrase}«"
            elif phrase.endswith("s") and phrase[:-1] in names:
                reason = f"genitiv af {names[phrase[:-1]]} »{phrase[:-1]}«"
            else:
                reason = "kommunenavn"
        if as_name:
            reason += "; også et almindeligt ord, så kun når det skrives som navn (stort begyndelsesbogstav " \
                      "eller efter »i«/»for«)"
        out.append(PlaceInfo("kommune", h.code, name, reason))
    for h in scan.regions:
        label, aliases = REGIONS.get(h.code, (str(h.code), []))
        phrase = " ".join(t.fold for t in toks[h.start:h.end])
        reason = f"regionsnavn »{phrase}«" if phrase in aliases else "regionsnavn"
        if not phrase.startswith("region"):
            reason += "; uden »region« foran kan ordet også høre til et nøgletals navn"
        out.append(PlaceInfo("region", h.code, label, reason))
    for name in scan.foreign:
        out.append(PlaceInfo("udenlandsk", None, name, "udenlandsk sted: spørgsmålet afvises"))
    for word, codes in scan.ambiguous:
        close = ", ".join(parser.names.get(c, str(c)) for c in codes)
        out.append(PlaceInfo("tvetydig", None, word, f"ligner flere kommuner ({close}): parseren spørger"))
    for word in scan.unknown:
        out.append(PlaceInfo("ukendt", None, word, "ligner et stednavn, men er ingen dansk kommune"))
    if not out and fold(" ".join(t.text for t in toks)) in FOREIGN:
        out.append(PlaceInfo("udenlandsk", None, " ".join(t.text for t in toks), "udenlandsk sted"))
    return out


def _figures(toks: list[Tok], infos: list[TokenInfo], parser: Parser
             ) -> tuple[list[FigureLink], list[AmbiguousLink]]:
    """Every catalog term that contains one of the word's keys, best term per figure."""
    idx = parser.figures
    parts: list[tuple[str, frozenset[str]]] = []
    for tok, info in zip(toks, infos, strict=True):
        if tok.kind == "num" and tok.value is not None and 1990 <= tok.value <= 2100:
            continue
        pieces = info.parts
        sets = parser.lex.token_parts(tok, question=True)
        names = [p.text for p in pieces] if len(pieces) == len(sets) else [tok.text] * len(sets)
        parts += list(zip(names, sets, strict=True))
    seen = sorted({i for _, keys in parts for k in keys for i in idx.index.get(k, ())})
    found: dict[str, list[tuple[tuple[int, int, int, int, int], FigureLink]]] = {}
    amb: list[AmbiguousLink] = []
    for i in seen:
        term = idx.terms[i]
        covered = tuple(name for name, keys in parts if any(keys & s.alts for s in term.slots))
        if not covered:
            continue
        full = len(covered) == len(parts)
        strong = [s for s in term.slots if not s.soft]
        extra = sum(1 for s in strong if not any(keys & s.alts for _, keys in parts))
        if term.metric is None:
            a = term.ambiguous
            if a is not None:
                amb.append(AmbiguousLink(term.text, a.metrics, a.default, covered, full))
            continue
        m = idx.catalog.get(term.metric)
        if m is None:
            continue
        kinds = tuple(k for k, ok in (("betegnelse", term.text == m.label), ("kort navn", term.text == m.short_name),
                                      ("synonym", term.text in m.synonyms)) if ok)
        link = FigureLink(m.id, m.label, term.text, kinds, covered, full, extra)
        # the closest term explains best: all of the word, nothing else, and not as a denominator
        rank = (0 if full else 1, -len(covered), extra, len(term.slots) - len(strong), len(term.slots))
        found.setdefault(m.id, []).append((rank, link))
    best: list[tuple[tuple[int, int, int, int, int], FigureLink]] = []
    for terms in found.values():
        rank, link = min(terms, key=lambda t: t[0])
        others = sum(1 for r, _ in terms if r[:2] == rank[:2]) - 1  # as good a cover, just a longer term
        best.append((rank, replace(link, others=others)))
    order = {m.id: n for n, m in enumerate(idx.catalog.metrics)}
    best.sort(key=lambda v: (v[0][:3], order.get(v[1].metric_id, 0)))
    amb.sort(key=lambda a: (not a.full, -len(a.covered), a.term))
    return [link for _, link in best], amb


# -- rendering ------------------------------------------------------------------------------------------
def _keys_line(keys: tuple[Key, ...]) -> list[str]:
    return [f"{k.key}  ({k.rule}{'' if k.in_catalog else '; ikke et katalogord'})" for k in keys]


def render(ex: Explanation, limit: int = DEFAULT_LIMIT) -> list[str]:
    """The explanation as Danish lines for the terminal."""
    if not ex.tokens:
        return [f"»{ex.word}« indeholder ingen ord, jeg kan forklare."]
    lines = [f"Ord: {ex.word}", f"  foldet form: {ex.folded}"]
    multi = len(ex.tokens) > 1
    if multi:
        lines.append(f"  delt i {len(ex.tokens)} ord: " + " | ".join(t.text for t in ex.tokens))
    for t in ex.tokens:
        ind = "    " if multi else "  "
        if multi:
            lines.append(f"  »{t.text}«:")
        if t.kind == "age":
            lines.append(f"{ind}aldersgruppe: " + ", ".join(k.key for k in t.keys))
            continue
        if t.kind == "num":
            lines += [f"{ind}{n}" for n in t.notes] or [f"{ind}tal: " + ", ".join(k.key for k in t.keys)]
            continue
        known = "kendt i den danske lemmatabel" if t.lemma_known else "ukendt i den danske lemmatabel"
        lines.append(f"{ind}spaCy-lemma: {t.lemma} ({known})")
        if t.stopword:
            lines.append(f"{ind}stopord/funktionsord: ja – bruges aldrig til at finde et nøgletal")
        else:
            lines.append(f"{ind}stopord/funktionsord: nej")
        lines.append(f"{ind}nøgler for hele ordet (som i et spørgsmål):")
        lines += [f"{ind}  {s}" for s in _keys_line(t.keys)]
        if len(t.parts) > 1:
            lines.append(f"{ind}sammensat ord: " + " + ".join(p.text for p in t.parts)
                         + " (delene matches hver for sig)")
            for part in t.parts:
                lines.append(f"{ind}  {part.text}:")
                lines += [f"{ind}    {s}" for s in _keys_line(part.keys)]
        elif t.split_hint:
            left, rest = t.split_hint
            lines.append(f"{ind}sammensat ord: nej – »{left}« er et katalogord, men resten »{rest}« er ikke")
        else:
            lines.append(f"{ind}sammensat ord: nej")
        lines += [f"{ind}{n}" for n in t.notes]
    lines += [f"  {c}" for c in ex.cues]
    if ex.places:
        for p in ex.places:
            code = f" ({p.code})" if p.code is not None else ""
            lines.append(f"  sted: {p.kind} {p.name}{code} – {p.reason}")
    else:
        lines.append("  sted: ingen kommune eller region")
    lines += _render_figures(ex, limit)
    lines += _render_parse(ex)
    return lines


def _render_figures(ex: Explanation, limit: int) -> list[str]:
    if not ex.figures and not ex.ambiguous:
        return ["Nøgletal: intet katalogudtryk indeholder ordets nøgler."]
    full = [f for f in ex.figures if f.full]
    shown = full or ex.figures
    head = (f"Nøgletal, hvis udtryk indeholder hele ordet: {len(full)}" if full else
            f"Nøgletal, hvis udtryk kun indeholder en del af ordet: {len(ex.figures)}")
    lines = [head + (f" (og {len(ex.figures) - len(full)} med kun en del)" if full and len(ex.figures) > len(full)
                     else "")]
    for f in shown[:limit]:
        kind = "/".join(f.term_kinds) or "udtryk"
        part = "" if f.full else f" (dækker {' + '.join(f.covered)})"
        lines.append(f"  {f.metric_id}  {f.label}")
        more = f" og {f.others} {'andet udtryk' if f.others == 1 else 'andre udtryk'}" if f.others else ""
        lines.append(f"      via {kind} »{f.term}«{part}{more}")
    if len(shown) > limit:
        lines.append(f"  … og {len(shown) - limit} flere")
    amb = [a for a in ex.ambiguous if a.full] or ex.ambiguous
    if amb and amb[0].full:
        lines.append("Tvetydige udtryk med hele ordet (parseren spørger, hvilket nøgletal der menes):")
    elif amb:
        lines.append("Tvetydige udtryk med en del af ordet:")
    for a in amb[:limit]:
        default = f"; standard: {a.default}" if a.default else ""
        part = "" if a.full else f" (dækker {' + '.join(a.covered)})"
        lines.append(f"  »{a.term}«{part} → {', '.join(a.metrics)}{default}")
    if len(amb) > limit:
        lines.append(f"  … og {len(amb) - limit} flere")
    return lines


def _render_parse(ex: Explanation) -> list[str]:
    r = ex.parse
    if r is None:
        return []
    lines = ["Ordet alene som spørgsmål:"]
    for s in r.steps:
        lines.append(f"  {s.words} → {s.meaning} ({_STEP_NAMES.get(s.kind, s.kind)})")
    if r.status == "clarify" and r.question:
        lines.append(f"  parseren spørger: {r.question}")
    elif r.status == "refuse" and r.question:
        lines.append(f"  parseren afviser: {r.question}")
    elif r.status == "spec":
        lines.append("  parseren kan svare direkte")
    return lines


def explain(word: str, parser: Parser, limit: int = DEFAULT_LIMIT) -> list[str]:
    """Danish lines explaining what `word` maps to in `parser` and why."""
    return render(analyse(word, parser), limit)
