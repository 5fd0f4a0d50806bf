"""The intent parser: a Danish question (plus the previous turn's spec) -> spec, clarification or refusal.

Pipeline: clean -> tokens -> places (PhraseMatcher + fuzzy) -> years -> figure (term cover) -> rule cues
(operation, comparison, rank) -> slots, inherited from the previous turn where this one is silent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from intents import cues
from intents import messages as msg
from intents.figures import FigureChoice, FigureIndex
from intents.lexicon import STOPWORDS, Lexicon
from intents.places import CHRISTIANSOE, Place, PlaceMatcher, PlaceScan
from intents.result import Draft, ParseResult
from intents.slots import Slots, resolve
from intents.text import MAX_CHARS, clean, tokenize
from intents.timeexpr import find_years
from semantic_layer.model import Catalog
from semantic_layer.spec import MetricRef, Operation, QuerySpec

# The figure a råderum question is about when it names no area (KL's Råderumsbenchmark starts here).
SAVINGS_DEFAULT_LABEL = "Serviceudgifter pr. indb."
# Words that steer the question (comparison, operation, scope), never a second figure concept.
CUE_PREFIXES = ("kommun", "nabo", "lands", "gennemsnit", "region", "udvikl", "sammenlign", "hoej", "lav", "spar",
                "raaderum", "overblik", "kort", "top", "omegn", "hele", "nuvaer", "seneste", "sidste")
GENERIC_WORDS = ("pris", "prisen", "udgift", "udgifter", "takst", "taksten", "antal", "andel", "andelen", "tal")


_EXAMPLES = ("Hvad er udskrivningsprocenten i Aarhus?",
             "Sammenlign serviceudgifterne pr. indbygger i Odense med nabokommunerne",
             "Hvilke 5 kommuner har flest indbyggere?")


class Parser:
    """Built once (spaCy pipeline, matchers, term index); `parse` is pure and never raises."""

    def __init__(self, catalog: Catalog, places: Sequence[Place]) -> None:
        self.catalog = catalog
        self.lex = Lexicon()
        self.figures = FigureIndex(catalog, self.lex)  # first: it fills the compound lexicon
        self.places = PlaceMatcher(self.lex, places)
        self.generic_keys = frozenset(k for w in GENERIC_WORDS for k in self.lex.word_keys(w))
        self.place_by_code = {p.code: p for p in places if p.code != CHRISTIANSOE}
        self.names: dict[int, str] = {p.code: p.name for p in self.place_by_code.values()}
        self.names.update(self.places.region_names)
        self.names[0] = "hele landet"
        self.examples: tuple[str, ...] = ()
        self.examples = tuple(q for q in _EXAMPLES if self.parse(q).status == "spec")

    # -- public -----------------------------------------------------------------------------------
    def parse(self, question: str, context: QuerySpec | None = None) -> ParseResult:
        try:
            return self._parse(question, context)
        except Exception:  # noqa: BLE001 - a parser must answer every string; the refusal says so
            return self._refuse(msg.GENERIC)

    # -- pipeline ---------------------------------------------------------------------------------
    def _parse(self, question: str, context: QuerySpec | None) -> ParseResult:
        if not isinstance(question, str):
            return self._refuse(msg.EMPTY)
        if len(question) > 4 * MAX_CHARS:
            return self._refuse(msg.MAX_CHARS_TEXT)
        q = clean(question)
        if not q:
            return self._refuse(msg.EMPTY)
        if len(q) > MAX_CHARS:
            return self._refuse(msg.MAX_CHARS_TEXT)
        toks = tokenize(q)
        text = cues.shape(toks)
        if not toks:
            return self._refuse(msg.GENERIC)
        if cues.is_greeting(text):
            return self._refuse(msg.GREETING)
        strong = cues.out_of_scope(text, strong=True)
        if strong:
            return self._refuse(msg.OUT_OF_SCOPE.format(what=msg.oos_what(strong)))
        scan = self.places.scan(toks, self.lex.doc(toks))
        if scan.foreign:
            return self._refuse(msg.FOREIGN.format(name=scan.foreign[0]))
        time = find_years(toks)
        ops = {c.kind: c for c in cues.find(text, "op")}
        # Råderum with no area named is about service expenditure, as in KL's Råderumsbenchmark.
        extra = frozenset({"udgift"}) if "savings" in ops else frozenset()
        fig = self.figures.choose(toks, set(scan.used), q, extra)
        if extra and not fig.tokens and not (context and context.metrics):
            fig = self._savings_default()
        if self._generic_only(fig, toks, set(scan.used)):
            fig = FigureChoice(status="none")  # "prisen på en bolig": a bare "pris" must not pick a figure
        bare = [h for h in scan.regions if not h.words.casefold().startswith("region")]
        if bare:  # "Udgiftsbehov (hovedstaden)": a bare region name may belong to the figure's name
            free = {i for h in bare for i in range(h.start, h.end)}
            alt = self.figures.choose(toks, set(scan.used) - free, q, extra)
            if alt.status == "chosen" and alt.tokens & free:
                fig = alt
                scan.regions = [h for h in scan.regions if not set(range(h.start, h.end)) & alt.tokens]
        cmps = {c.kind: c for c in cues.find(text, "cmp")}
        weak = cues.out_of_scope(text)
        if weak and fig.status == "none":
            return self._refuse(msg.OUT_OF_SCOPE.format(what=msg.oos_what(weak)))
        if scan.ambiguous:
            return self._typo_clarify(q, scan)
        if scan.unknown and not scan.municipalities and not scan.regions:
            return self._refuse(msg.UNKNOWN_PLACE.format(name=scan.unknown[0]))
        found_anything = fig.status != "none" or scan.municipalities or scan.regions or ops or cmps or time
        if not found_anything and context is None:
            return self._refuse(msg.GENERIC)
        if not found_anything and not cues.is_follow_up(text):
            return self._refuse(msg.GENERIC)
        slots = Slots(toks=toks, text=text, scan=scan, time=time, fig=fig, ops=ops, cmps=cmps,
                      context=context, place_by_code=self.place_by_code, region_names=self.places.region_names)
        draft = Draft()
        for h in scan.municipalities:
            p = self.place_by_code[h.code]
            if h.corrected_from:
                draft.step(h.words, f"{p.display} ({p.code})", "correction")
                draft.notes.append(msg.CORRECTED.format(name=p.name))
            else:
                draft.step(h.words, f"{p.display} ({p.code})", "municipality")
        return self._finish(q, resolve(slots, draft, self.catalog), draft, fig, slots)

    def _generic_only(self, fig: FigureChoice, toks: list, used: set[int]) -> bool:
        """True when one generic word (pris, udgift, takst ...) chose the figure while the question names
        another catalog concept the figure does not cover: a guess, so ask instead."""
        if fig.status != "chosen" or len(fig.tokens) != 1:
            return False
        (index,) = fig.tokens
        if not (self.lex.word_keys(toks[index].low) & self.generic_keys):
            return False
        for i, tok in enumerate(toks):
            if i == index or i in used or tok.kind != "word" or len(tok.fold) < 4 or tok.fold in STOPWORDS:
                continue
            if self.lex.word_keys(tok.low) & self.lex.vocab and not tok.fold.startswith(CUE_PREFIXES):
                return True
        return False

    def _savings_default(self) -> FigureChoice:
        """Råderum with no area named: service expenditure per inhabitant, KL's starting point; said aloud."""
        metric = self.catalog.by_label(SAVINGS_DEFAULT_LABEL)
        if metric is None:
            return FigureChoice(status="none")
        return FigureChoice(status="chosen", metric=metric.id, words="(intet område nævnt)",
                            notes=[msg.SAVINGS_DEFAULT.format(name=metric.short_name)])

    def _finish(self, q: str, spec: QuerySpec | None, draft: Draft, fig: FigureChoice, slots: Slots) -> ParseResult:
        """Turn the resolved slots into a result: a spec, or a clarification for the missing part."""
        steps, notes = tuple(draft.steps), tuple(dict.fromkeys(draft.notes))
        if spec is not None:
            return ParseResult("spec", spec, steps=steps, notes=notes)
        missing = slots.missing
        if missing == "metric" and fig.status == "clarify":
            return ParseResult("clarify", None, fig.question, self._figure_options(q, fig, slots), steps=steps)
        if missing == "municipality":
            return ParseResult("clarify", None, slots.municipality_question(self.catalog),
                               self._place_options(slots), steps=steps)
        if missing == "metric":
            place = self.names.get(slots.partial.subject) if slots.partial and slots.partial.subject else None
            question = msg.WHICH_FIGURE.format(place=place) if place else msg.WHICH_FIGURE_NO_PLACE
            return ParseResult("clarify", None, question, self._common_figure_options(slots), steps=steps)
        return self._refuse(msg.GENERIC)

    # -- clarification options --------------------------------------------------------------------
    def _figure_options(self, q: str, fig: FigureChoice, slots: Slots) -> tuple[str, ...]:
        out = []
        for mid in fig.candidates:
            m = self.catalog.get(mid)
            if m is None:
                continue
            if fig.span is not None:
                out.append(msg.substitute(q, fig.span, m.short_name))
            else:
                base = slots.partial or QuerySpec()
                out.append(msg.render(base.model_copy(update={"metrics": (MetricRef(id=mid),)}), self.catalog,
                                      self.names))
        return tuple(dict.fromkeys(out))

    def _place_options(self, slots: Slots) -> tuple[str, ...]:
        base = slots.partial or QuerySpec()
        if not base.metrics:
            first = next((m for m in msg.COMMON_FIGURES if self.catalog.get(m)), None)
            if first:
                base = base.model_copy(update={"metrics": (MetricRef(id=first),)})
        out = []
        for code in msg.EXAMPLE_PLACES:
            if code in self.names:
                out.append(msg.render(base.model_copy(update={"municipalities": (code,)}), self.catalog, self.names))
        return tuple(dict.fromkeys(out))

    def _common_figure_options(self, slots: Slots) -> tuple[str, ...]:
        base = slots.partial or QuerySpec()
        if not base.municipalities:
            base = base.model_copy(update={"municipalities": (msg.EXAMPLE_PLACES[0],)})
        out = [msg.render(base.model_copy(update={"metrics": (MetricRef(id=m),)}), self.catalog, self.names)
               for m in msg.COMMON_FIGURES[:4] if self.catalog.get(m)]
        if base.operation == Operation.VALUE and base.subject in self.place_by_code:
            out.append(msg.render(base.model_copy(update={"operation": Operation.OVERVIEW}), self.catalog, self.names))
        return tuple(dict.fromkeys(out))

    def _typo_clarify(self, q: str, scan: PlaceScan) -> ParseResult:
        word, codes = scan.ambiguous[0]
        opts = tuple(re.sub(rf"\b{re.escape(word)}\b", self.names[c], q, count=1) for c in codes if c in self.names)
        return ParseResult("clarify", None, msg.WHICH_MUNICIPALITY_TYPO.format(word=word), opts)

    def _refuse(self, text: str) -> ParseResult:
        return ParseResult("refuse", None, text, examples=self.examples or _EXAMPLES)

