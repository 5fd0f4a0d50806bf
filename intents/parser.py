"""The intent parser: a Danish question (plus the previous turn's spec) -> spec, clarification or refusal.

Pipeline: clean -> tokens -> places (PhraseMatcher + fuzzy) -> years -> figure (term cover) -> rule cues
(operation, comparison, rank) -> slots, inherited from the previous turn where this one is silent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import cast

from rapidfuzz import fuzz, process

from intents import cues
from intents import messages as msg
from intents.accounting import YEAR_START_KEY, Leftover, is_function_word, leftovers, metric_keys, within
from intents.figures import FigureChoice, FigureIndex, period_form
from intents.language import is_english
from intents.lexicon import STOPWORDS, Lexicon
from intents.measure import Claim, MeasureCheck, claims
from intents.places import CHRISTIANSOE, Place, PlaceMatcher, PlaceScan
from intents.result import Draft, ParseResult, Step
from intents.slots import Slots, resolve
from intents.text import MAX_CHARS, Tok, clean, fold, tokenize
from intents.timeexpr import TimeHit, find_years
from semantic_layer.model import Catalog, Metric
from semantic_layer.spec import Comparison, ComparisonKind, MetricRef, Operation, QuerySpec

# The figure a råderum question is about when it names no area (KL's Råderumsbenchmark starts here).
SAVINGS_DEFAULT_LABEL = "Serviceudgifter pr. indb."
# Words that steer the question (comparison, operation, scope), never a second figure concept.
CUE_PREFIXES = ("kommun", "nabo", "lands", "gennemsnit", "region", "udvikl", "sammenlign", "hoej", "lav", "spar",
                "raaderum", "overblik", "kort", "top", "omegn", "hele", "nuvaer", "seneste", "sidste")
# How far below the best fit a figure may score and still win by accounting for every word.
ACCOUNT_MARGIN = 0.6
# A misspelt figure word is corrected at or above this similarity, if the runner-up is this much weaker.
WORD_ACCEPT = 85.0
WORD_MARGIN = 4.0
# How far below the best fit a figure like the previous turn's may score and still win in a follow-up.
FOLLOW_MARGIN = 2.5
# Words of a label that say how the figure is measured (intents/measure.py), not what it is about.
MEASURE_WORDS = ("antal", "antallet", "andel", "andelen", "pr", "per", "alt", "samlet", "samlede", "indbygger",
                 "indbyggere", "indb", "gennemsnit", "gns", "kvartal", "kvartaler", "januar", "sum", "årlig")
JOINERS = frozenset({"og", "samt", "plus"})  # words that join a second figure to a question
GENERIC_WORDS = ("pris", "prisen", "udgift", "udgifter", "takst", "taksten", "antal", "andel", "andelen", "tal")


_EXAMPLES = ("Hvad er udskrivningsprocenten i Aarhus?",
             "Sammenlign serviceudgifterne pr. indbygger i Odense med nabokommunerne",
             "Hvilke 5 kommuner har flest indbyggere?")


_AGES = re.compile(r"\d{1,2}(?:-\d{1,3})?(?:/\d{1,3})?\+?(?:/\d{2}\+)?-årig\w*")
_PER = re.compile(r"(?<= pr\. ).*$")  # the denominator at the end of a label
_YEAR_START = re.compile(r"1\. januar|1/1|årets begyndelse|primo", re.IGNORECASE)
_ENDED = re.compile(r"\((?:til|kun) (\d{4})\)")
_ASIDE = re.compile(r"\([^)]*\)")
# What a figure excludes, and examples of what its total includes: a question about one of them asks for
# something else than the figure ("anlægsudgifter til skoler" is not all construction spending).
_EXCLUDED = re.compile(r"\b(?:ekskl|excl|eksklusive|undtagen|bortset fra|uden|men ikke|fx|f\.eks|bl\.a|herunder|"
                       r"såsom|eksempelvis)\b[^,;)]*(?:,[^,;.)]*(?: og | eller )[^,;.)]*)?", re.IGNORECASE)


def _covered(definition: str) -> str:
    """What a definition says the figure covers: without what it excludes (an aside in brackets that lists
    exclusions, "ekskl. ... ældreboliger"), so "til ældre" is not taken as part of service expenditure."""
    without = _ASIDE.sub(lambda m: " " if _EXCLUDED.search(m.group(0)) else m.group(0), definition)
    return _EXCLUDED.sub(" ", without)


class Parser:
    """Built once (spaCy pipeline, matchers, term index); `parse` is pure and never raises."""

    def __init__(self, catalog: Catalog, places: Sequence[Place]) -> None:
        self.catalog = catalog
        self.lex = Lexicon()
        self.figures = FigureIndex(catalog, self.lex)  # first: it fills the compound lexicon
        self.measure = MeasureCheck(self.lex)
        # keys of the words that say how a figure is measured, not what it is about
        self._measure_keys = frozenset(k for w in MEASURE_WORDS for k in self.lex.word_keys(w))
        self.places = PlaceMatcher(self.lex, places)
        self.generic_keys = frozenset(k for w in GENERIC_WORDS for k in self.lex.word_keys(w))
        self.place_by_code = {p.code: p for p in places if p.code != CHRISTIANSOE}
        self.names: dict[int, str] = {p.code: p.name for p in self.place_by_code.values()}
        self.names.update(self.places.region_names)
        self.names[0] = "hele landet"
        self._keys_cache: dict[str, frozenset[str]] = {}
        # every word of the catalog's names and forms, for correcting misspelt figure words
        words = {t.low for m in catalog.metrics
                 for text in (m.label, m.short_name, *m.synonyms, m.forms.indefinite, m.forms.definite)
                 for t in tokenize(text) if t.kind == "word" and len(t.fold) >= 6 and t.fold.isalpha()}
        self._spellings: list[str] = sorted(words)
        self._series_end: dict[str, int] = {}
        for m in catalog.metrics:
            ended = _ENDED.search(m.label)
            end = m.discontinued_after or (int(ended.group(1)) if ended else None)
            if end is not None:
                self._series_end[m.id] = end
        self.examples: tuple[str, ...] = ()
        self.examples = tuple(q for q in _EXAMPLES if self.parse(q).status == "spec")

    # -- public -----------------------------------------------------------------------------------
    def parse(self, question: str, context: QuerySpec | None = None, context_year: int | None = None
              ) -> ParseResult:
        """Parse one turn. A bug raises: the service logs it and answers in Danish, and the fuzz tests
        see it (a catch-all here would turn every parser bug into a plausible refusal)."""
        return self._parse(question, context, context_year)

    # -- pipeline ---------------------------------------------------------------------------------
    def _parse(self, question: str, context: QuerySpec | None, context_year: int | None = None) -> ParseResult:
        if not isinstance(question, str):
            return self._refuse(msg.EMPTY)
        if len(question) > 4 * MAX_CHARS:
            return self._refuse(msg.MAX_CHARS_TEXT)
        q = clean(question)
        if not q:
            return self._refuse(msg.EMPTY)
        if len(q) > MAX_CHARS:
            return self._refuse(msg.MAX_CHARS_TEXT)
        toks = cues.split_compounds(tokenize(q))
        text = cues.shape(toks)
        if not toks:
            return self._refuse(msg.GENERIC)
        if is_english([t.low for t in toks if t.kind == "word"]):
            return self._refuse(msg.ENGLISH)
        if cues.is_greeting(text):
            return self._refuse(msg.GREETING)
        strong = cues.out_of_scope(text, strong=True)
        if strong:
            return self._refuse(msg.OUT_OF_SCOPE.format(what=msg.oos_what(strong)))
        scan = self.places.scan(toks, self.lex.doc(toks))
        if scan.foreign:
            return self._refuse(msg.FOREIGN.format(name=scan.foreign[0]))
        toks, corrected = self._correct_words(toks, scan.used)
        # "vokset i procent", "hvor mange procent er … steget": the unit of a change, not a word of the figure
        # ("procent af befolkningen"): taken from the figure's choice (the trend answer gives the change in %)
        scan.used = set(scan.used) | cues.change_percent(toks)
        if corrected:
            text = cues.shape(toks)
        time = find_years(toks)
        ops = {c.kind: c for c in cues.find(text, "op")}
        # Råderum with no area named is about service expenditure, as in KL's Råderumsbenchmark.
        # (not in a follow-up of a figure: "og hvis de lå som Slagelse?" keeps the conversation's figure)
        extra = frozenset({"udgift"}) if "savings" in ops and not (
            context is not None and context.metrics and cues.is_follow_up(text)) else frozenset()
        fig = self.figures.choose(toks, set(scan.used), q, extra)
        gone = self._ended_before(time)
        if fig.status in {"chosen", "clarify"} and gone & {fig.metric, *fig.candidates}:
            # a series that ended before the year asked gives way to a current one that fits as well
            alt = self.figures.choose(toks, set(scan.used), q, extra, gone)
            if alt.status != "none" and self._residual(alt, toks, scan.used, time, text) <= \
                    self._residual(fig, toks, scan.used, time, text):
                fig = alt
            else:
                gone = frozenset()
        else:
            gone = frozenset()
        if extra and not fig.tokens and not (context and context.metrics):
            fig = self._savings_default()
        elif extra and not fig.tokens:  # "hvor meget kunne de spare …?" names no figure: the conversation's
            fig = FigureChoice(status="none")
        if self._generic_only(fig, toks, set(scan.used)):
            fig = FigureChoice(status="none")  # "prisen på en bolig": a bare "pris" must not pick a figure
        bare = [h for h in scan.regions if not h.words.casefold().startswith("region")]
        if bare:  # "Udgiftsbehov (hovedstaden)": a bare region name may belong to the figure's name
            free = {i for h in bare for i in range(h.start, h.end)}
            alt = self.figures.choose(toks, set(scan.used) - free, q, extra, gone)
            if alt.status == "chosen" and alt.tokens & free:
                fig = alt
                scan.regions = [h for h in scan.regions if not set(range(h.start, h.end)) & alt.tokens]
        cmps = {c.kind: c for c in cues.find(text, "cmp")}
        if fig.tokens:  # a word of the figure's own name ("gennemsnitlig klassekvotient") is no cue
            cmps = {k: c for k, c in cmps.items() if not c.token_ids <= fig.tokens}
        claimed = claims(toks)
        fig = self._best_accounted(fig, toks, set(scan.used), time, ops, cmps, text, extra, gone, claimed)
        if context is not None and context.metric and cues.is_follow_up(text):
            fig = self._like_context(fig, toks, set(scan.used), context.metric.id, extra)
            fig = self._age_sibling(fig, toks, context.metric.id)
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
                      context_year=context_year, context=context, place_by_code=self.place_by_code,
                      region_names=self.places.region_names)
        draft = Draft()
        for wrong, right in corrected:
            draft.step(wrong, right, "correction")
            draft.notes.append(msg.CORRECTED_WORD.format(wrong=wrong, right=right))
        for h in scan.municipalities:
            p = self.place_by_code[h.code]
            if h.corrected_from:
                draft.step(h.words, f"{p.display} ({p.code})", "correction")
                draft.notes.append(msg.CORRECTED.format(name=p.name))
            else:
                draft.step(h.words, f"{p.display} ({p.code})", "municipality")
        spec = resolve(slots, draft, self.catalog)
        used = self._used(scan, time, fig, ops, cmps, text, slots)
        partial = spec or slots.partial
        figure_keys = self._figure_keys(partial.metric.id) if partial and partial.metric else frozenset()
        left = leftovers(toks, used, self.lex, figure_keys)
        for lo in left:
            draft.step(lo.words, "ikke brugt", "unused")
        if left:
            return self._unused(q, toks, used, spec, draft, fig, slots, left)
        if spec is not None and spec.metric and spec.operation not in {Operation.DEFINITION, Operation.OVERVIEW}:
            second = self._second_figure(toks, fig, scan, time, spec.metric.id)
            if second is not None:
                return self._two_figures(spec, second, draft)
            metric = self.catalog.get(spec.metric.id)
            mismatched = self.measure.conflicts(claimed, metric, toks) if metric else []
            if metric is not None and mismatched:
                return self._mismatch(q, spec, metric, mismatched, claimed, toks, scan, draft)
        return self._finish(q, spec, draft, fig, slots)

    def _second_figure(self, toks: list[Tok], fig: FigureChoice, scan: PlaceScan, time: TimeHit | None,
                       chosen: str) -> str | None:
        """Another figure the question names in full with words of its own ("serviceudgifterne pr. indbygger og
        indbyggertallet"): the answer shows one figure, so the second must not vanish silently."""
        if fig.status != "chosen" or not fig.tokens:
            return None
        taken = set(fig.tokens) | set(scan.used) | (set(time.token_ids) if time else set())
        if not any(t.fold in JOINERS and i + 1 not in taken for i, t in enumerate(toks[:-1])):
            return None  # no "og …" a second figure could follow (most questions: no figure look-up at all)
        own = self.catalog.get(chosen)
        # the chosen figure's own names: words of them are no second figure ("konkurrenceudsættelse administration")
        names = metric_keys(self.lex, (own.label, own.short_name, *own.synonyms)) if own else frozenset()
        best, _ = self.figures.hits(toks, set(scan.used))
        for mid, hit in sorted(best.items(), key=lambda kv: -kv[1].score):
            if mid == chosen or not hit.full or hit.matched < 1.0 or mid in self.figures.discontinued \
                    or hit.tokens & taken or not hit.tokens:
                continue
            if all(toks[i].kind != "word" or is_function_word(toks[i]) or within(self.lex, toks[i], names)
                   for i in hit.tokens):
                continue
            if any(toks[i - 1].fold in JOINERS for i in hit.tokens if i > 0):
                return mid  # joined to the question by "og": a second figure asked for
        return None

    def _two_figures(self, spec: QuerySpec, second: str, draft: Draft) -> ParseResult:
        other = self.catalog.get(second)
        first = self.catalog.get(spec.metric.id) if spec.metric else None
        question = msg.TWO_FIGURES.format(first=first.short_name if first else "", second=other.short_name
                                          if other else "")
        options = (msg.render(spec, self.catalog, self.names), self._option(spec, second))
        return ParseResult("clarify", None, question, tuple(dict.fromkeys(options)), steps=tuple(draft.steps),
                           notes=tuple(dict.fromkeys(draft.notes)))

    def _mismatch(self, q: str, spec: QuerySpec, metric: Metric, wrong: list[Claim], claimed: list[Claim],
                  toks: list[Tok], scan: PlaceScan, draft: Draft) -> ParseResult:
        """The question says how its number is measured ("hvor mange", "i alt", "pr. modtager", "brutto") and the
        figure is measured otherwise: ask back with the figure as it is and the figures that do meet the claims."""
        claim = wrong[0]
        measured = self.measure.measured(metric, claim.kind)
        asked = msg.MEASURE_ASKED[claim.kind].format(words=claim.said(q))
        draft.step(claim.said(q), f"passer ikke til {metric.label}", "unused")
        options = [msg.render(spec, self.catalog, self.names)]
        best, _ = self.figures.hits(toks, set(scan.used))
        ranked = sorted(best.items(), key=lambda kv: (-kv[1].score, kv[0] in self.figures.discontinued, kv[0]))
        keys = self._asked_keys(toks)
        for mid, hit in ranked:
            other = self.catalog.get(mid)
            if mid == metric.id or other is None or hit.matched < 1.0 or mid in self.figures.discontinued \
                    or not self._same_subject(keys, [metric.id], mid):
                continue  # only figures about what the question is about, measured as it says
            if not self.measure.conflicts(claimed, other, toks):
                options.append(self._option(spec, mid))
            if len(options) >= 4:
                break
        question = msg.MEASURE_NEGATED.format(words=claim.said(q), label=metric.label) if claim.kind == "negated" \
            else msg.MEASURE.format(asked=asked, label=metric.label, measured=measured)
        return ParseResult("clarify", None, question, tuple(dict.fromkeys(options)), steps=tuple(draft.steps),
                           notes=tuple(dict.fromkeys(draft.notes)))

    def _correct_words(self, toks: list[Tok], places: set[int]) -> tuple[list[Tok], list[tuple[str, str]]]:
        """A misspelt catalog word ("udskrivningsprocnet") is corrected when one word is clearly meant,
        as misspelt municipalities are; the answer says so. Known Danish words are never touched."""
        out, corrected = list(toks), []
        for i, t in enumerate(toks):
            if i in places or t.kind != "word" or len(t.fold) < 6 or is_function_word(t) \
                    or self.lex.is_known_word(t.low) or any(p & self.lex.vocab for p in self.lex.token_parts(t)):
                continue
            best = process.extract(t.fold, self._spellings, scorer=fuzz.ratio, limit=2)
            if not best or best[0][1] < WORD_ACCEPT:
                continue
            right = self._spellings[best[0][2]]
            if len(best) > 1 and best[0][1] - best[1][1] < WORD_MARGIN \
                    and self.lex.word_keys(self._spellings[best[1][2]]) != self.lex.word_keys(right):
                continue
            out[i] = Tok(right, right, fold(right), "word", t.start, t.end, None, t.genitive)
            corrected.append((t.text, right))
        return out, corrected

    def _used(self, scan: PlaceScan, time: TimeHit | None, fig: FigureChoice, ops: dict[str, cues.Cue],
              cmps: dict[str, cues.Cue], text: str, slots: Slots) -> set[int]:
        """Every token some part of the parse consumed: places, years, the figure, rule cues, slot rules."""
        used = set(scan.used) | set(fig.tokens) | slots.used | set(cues.consumed(text))
        if fig.status == "clarify":  # the words that narrowed the choice ("kostede" SFO: the rates) are used
            best, _ = self.figures.hits(slots.toks, set(scan.used))
            used |= {i for m in fig.candidates if m in best for i in best[m].tokens}
        if time is not None:
            used |= time.token_ids
        for c in (*ops.values(), *cmps.values()):
            used |= c.token_ids
        return used

    def _best_accounted(self, fig: FigureChoice, toks: list[Tok], places: set[int], time: TimeHit | None,
                        ops: dict[str, cues.Cue], cmps: dict[str, cues.Cue], text: str,
                        extra: frozenset[str], gone: frozenset[str] = frozenset(),
                        claimed: list[Claim] | None = None) -> FigureChoice:
        """Among figures that fit about equally well, the one that accounts for every word of the question
        wins ("indbyggere over 80" is the count of 80+-year-olds, not the population): a figure that
        leaves words unused is a different question."""
        if fig.status not in {"chosen", "clarify"}:
            return fig
        base = set(places) | set(cues.consumed(text)) | {i for c in (*ops.values(), *cmps.values())
                                                          for i in c.token_ids}
        if time is not None:
            base |= time.token_ids
        best, _ = self.figures.hits(toks, places, extra, gone)
        named = [fig.metric] if fig.status == "chosen" else list(fig.candidates)
        named = [m for m in named if m in best]
        if not named:
            return fig
        floor = max(best[m].score for m in named) - ACCOUNT_MARGIN
        pool = list(dict.fromkeys([*named, *(m for m, h in best.items() if h.score >= floor and h.full)]))
        if len(pool) < 2:
            return fig
        # an explicit age group left unused weighs more than a word: "småbørn på 0-5 år" is the 0-5-year-olds
        # a word the figure matched only in part ("procent" of "udskrivningsprocenten") is not accounted for by it
        whole = {m: frozenset(i for i in best[m].tokens if toks[i].kind != "word"
                              or within(self.lex, toks[i], self._figure_keys(m))) for m in pool}
        words = {m: sum(2 if lo.has_age else 1 for lo in leftovers(toks, base | whole[m], self.lex,
                                                                    self._figure_keys(m))) for m in pool}
        residual = dict(words)
        for m in pool:  # a figure measured otherwise than the question says ("pr. indbygger", "i alt") is further off
            metric = self.catalog.get(m)
            if claimed and metric is not None:
                residual[m] += len(self.measure.conflicts(claimed, metric, toks))
        low = min(residual.values())
        winners = [m for m in pool if residual[m] == low]
        current = fig.metric if fig.status == "chosen" else None
        if len(winners) != 1 or winners[0] == current or (current is not None and residual[current] == low):
            return fig
        pick = winners[0]
        by_words = [m for m in pool if words[m] == min(words.values())]
        if by_words != [pick] and (current is None or not self._same_subject(self._asked_keys(toks), named, pick)):
            # the measure alone may move a chosen figure to another of its subject, never to a broader one, nor
            # settle a term the catalog declares ambiguous ("ældre": the 65+ share, the 80+ count, ...)
            return fig
        hit = best[pick]
        return FigureChoice("chosen", pick, " ".join(toks[i].text for i in sorted(hit.tokens)),
                            tokens=hit.tokens)

    def _asked_keys(self, toks: list[Tok]) -> frozenset[str]:
        """The keys of the question's content words (whole words and compound parts)."""
        asked: set[str] = set()
        for tok in toks:
            if tok.kind == "word" and not is_function_word(tok):
                asked |= self.lex.word_keys(tok.low)
                for part in self.lex.token_parts(tok, question=True):
                    asked |= part
        return frozenset(asked)

    def _same_subject(self, asked: frozenset[str], named: list[str], pick: str) -> bool:
        """Whether `pick`'s label names every word of the question (`asked`, its keys) that the named figures'
        labels name (the measure words aside): "personbiler" count and rate are one subject; all reported crimes
        are broader than "voldsforbrydelser"."""
        def label_keys(metric_id: str) -> frozenset[str]:
            m = self.catalog.get(metric_id)
            return metric_keys(self.lex, (m.label, m.short_name)) if m else frozenset()

        common = frozenset.intersection(*(label_keys(m) for m in named)) if named else frozenset()
        need = (asked & common) - self._measure_keys
        if not need:  # the figure was named by a synonym ("ufaglærte"): the pick must name a word asked itself
            return bool((asked - self._measure_keys) & label_keys(pick))
        return need <= label_keys(pick)

    def _like_context(self, fig: FigureChoice, toks: list[Tok], places: set[int], previous: str,
                      extra: frozenset[str]) -> FigureChoice:
        """A follow-up ("og en vuggestueplads?" after a price) asks for the same kind of figure: among the
        figures its words fit, one of the previous figure's theme and unit wins over the plain best fit."""
        prev = self.catalog.get(previous)
        if prev is None or fig.status not in {"chosen", "clarify"}:
            return fig
        best, _ = self.figures.hits(toks, places, extra)
        if not best:
            return fig
        top = max(h.score for h in best.values())
        alike = [(h.score, m) for m, h in best.items() if h.score >= top - FOLLOW_MARGIN and h.matched >= 1.0
                 and m not in self.figures.discontinued and (m2 := self.catalog.get(m)) is not None
                 and m2.unit == prev.unit and m2.theme == prev.theme]
        if not alike:
            return fig
        alike.sort(reverse=True)
        if len(alike) > 1 and alike[0][0] - alike[1][0] < 0.2 or alike[0][1] == fig.metric:
            return fig
        pick = alike[0][1]
        hit = best[pick]
        return FigureChoice("chosen", pick, " ".join(toks[i].text for i in sorted(hit.tokens)), tokens=hit.tokens)

    def _age_sibling(self, fig: FigureChoice, toks: list[Tok], previous: str) -> FigureChoice:
        """A follow-up that names only another age group or denominator ("og de 6-16-årige?", "og pr.
        6-16-årig?") asks for the previous figure's sibling: the figure whose label differs only there."""
        prev = self.catalog.get(previous)
        if prev is None or fig.status == "chosen":
            return fig
        content = [i for i, t in enumerate(toks) if i not in fig.tokens and (t.kind == "age" or (
            t.kind in {"word", "num"} and not is_function_word(t) and t.fold not in {"pr", "per"}))]
        if not content:
            return fig
        want = [self.lex.token_parts(toks[i], question=True) for i in content]
        found = []
        for pattern in (_AGES, _PER):
            shape = pattern.sub("#", prev.label)
            if shape == prev.label:
                continue
            for m in self.catalog.metrics:
                if m.id == prev.id or m.id in self.figures.discontinued or pattern.sub("#", m.label) != shape:
                    continue
                hit = pattern.search(m.label)
                keys = metric_keys(self.lex, (hit.group(0),)) if hit else frozenset()
                if all(any(p & keys for p in parts) for parts in want):
                    found.append(m.id)
        if len(set(found)) != 1:
            return fig
        return FigureChoice("chosen", found[0], " ".join(toks[i].text for i in content), tokens=frozenset(content))

    def _residual(self, fig: FigureChoice, toks: list[Tok], places: set[int], time: TimeHit | None,
                  text: str) -> int:
        """How many of the question's words a figure choice leaves unused (for comparing two choices)."""
        used = set(places) | set(fig.tokens) | set(cues.consumed(text))
        used |= {i for table in ("op", "cmp") for c in cues.find(text, table) for i in c.token_ids}
        if time is not None:
            used |= time.token_ids
        keys = self._figure_keys(fig.metric) if fig.metric else frozenset()
        return len(leftovers(toks, used, self.lex, keys))

    def _ended_before(self, time: TimeHit | None) -> frozenset[str]:
        """Figures whose series ended before the first year asked: out of the running ("børnehaveplads ...
        2017" is today's daginstitution rate, not the rate published until 2012)."""
        first = time.years.start if time is not None else None
        if first is None:
            return frozenset()
        return frozenset(m for m, end in self._series_end.items() if end < first)

    def _figure_keys(self, metric_id: str) -> frozenset[str]:
        keys = self._keys_cache.get(metric_id)
        if keys is None:
            m = self.catalog.get(metric_id)
            # the label and names are the figure's identity, exclusions included ("uden forsyning")
            texts = (m.label, m.short_name, *m.synonyms,
                     *(_covered(t) for t in (m.numerator, m.denominator, m.definition))) if m else ()
            keys = metric_keys(self.lex, texts, m.unit.value if m else "")
            if m is not None and _YEAR_START.search(f"{m.label} {m.numerator}"):
                keys |= {YEAR_START_KEY}
            self._keys_cache[metric_id] = keys
        return keys

    def _unused(self, q: str, toks: list[Tok], used: set[int], spec: QuerySpec | None, draft: Draft,
                fig: FigureChoice, slots: Slots, left: list[Leftover]) -> ParseResult:
        """Words nothing used: never answer as if they were not there. Ask back with the question as it was
        understood, and figures the unused words point at; with no figure at all, say the catalog lacks it."""
        steps, notes = tuple(draft.steps), tuple(dict.fromkeys(draft.notes))
        words = msg.quote_list([lo.words for lo in left])
        unknown = [lo for lo in left if any(toks[i].text in slots.scan.unknown for i in lo.token_ids)]
        if unknown and spec is not None:
            names = msg.quote_list([toks[i].text for lo in unknown for i in sorted(lo.token_ids)
                                    if toks[i].text in slots.scan.unknown])
            return ParseResult("clarify", None, msg.UNKNOWN_IN_LIST.format(words=names),
                               (msg.render(spec, self.catalog, self.names),), steps=steps, notes=notes)
        related = self._related(toks, left, exclude=spec.metric.id if spec and spec.metric else None)
        base = spec or slots.partial
        if spec is None and fig.status == "none" and not (base and base.metric):
            examples = tuple(self._option(base, mid) for mid in related[:4])
            text = msg.NO_FIGURE.format(words=msg.quote_list([lo.core or lo.words for lo in left]))
            if related:
                text += " " + msg.RELATED
            return ParseResult("refuse", None, text, examples=examples or self.examples or _EXAMPLES, steps=steps)
        options: list[str] = []
        if spec is not None:
            options.append(msg.render(spec, self.catalog, self.names))
            m = self.catalog.get(spec.metric.id) if spec.metric else None
            question = msg.UNUSED.format(words=words, what=m.forms.definite if m else "nøgletallet")
        else:
            base_result = self._finish(q, spec, draft, fig, slots)
            options.extend(base_result.options)
            question = msg.UNUSED_OPEN.format(words=words) + " " + (base_result.question or "")
        options.extend(self._option(base, mid) for mid in related[:4])
        if not options:
            return ParseResult("refuse", None, msg.NO_FIGURE.format(words=words), examples=self.examples,
                               steps=steps)
        return ParseResult("clarify", None, question, tuple(dict.fromkeys(options)), steps=steps, notes=notes)

    def _option(self, base: QuerySpec | None, metric_id: str) -> str:
        base = base or QuerySpec()
        metric_id = period_form(self.catalog, metric_id, base.years)  # a quarterly figure in the form asked for
        spec = base.model_copy(update={"metrics": (MetricRef(id=metric_id),)})
        if spec.operation == Operation.DEFINITION or (not spec.municipalities and spec.operation in
                                                      {Operation.VALUE, Operation.COMPARE, Operation.TREND,
                                                       Operation.SAVINGS}):
            spec = spec.model_copy(update={"municipalities": spec.municipalities or (msg.EXAMPLE_PLACES[0],)})
        return msg.render(spec, self.catalog, self.names)

    def _related(self, toks: list[Tok], left: list[Leftover], exclude: str | None) -> list[str]:
        """Figures that the unused words themselves point at (best first), for the options."""
        keep = {i for lo in left for i in lo.token_ids}
        if not keep:
            return []
        best, _ = self.figures.hits(toks, {i for i in range(len(toks)) if i not in keep})
        ranked = sorted(best.items(), key=lambda kv: (-kv[1].score, kv[0] in self.figures.discontinued, kv[0]))
        return [mid for mid, h in ranked if mid != exclude and h.matched >= 1.0][:4]

    def _generic_only(self, fig: FigureChoice, toks: list, used: set[int]) -> bool:
        """True when one generic word (pris, udgift, takst ...) chose the figure while the question names
        another catalog concept the figure does not cover: a guess, so ask instead."""
        if fig.status != "chosen" or len(fig.tokens) != 1:
            return False
        (index,) = fig.tokens
        if not (self.lex.word_keys(toks[index].low) & self.generic_keys):
            return False
        if toks[index].kind == "word" and self.lex.word_keys(toks[index].low) <= self.generic_keys:
            return True  # "er prisen steget?": a bare generic word names no figure of its own
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
        if slots.ask is not None:  # the slots' own question and options (a ranking by change, intents/slots.py)
            return ParseResult("clarify", None, slots.ask[0], slots.ask[1], steps=steps)
        if missing == "contradiction":
            return self._contradiction(slots, steps)
        if missing == "year":
            return ParseResult("clarify", None, msg.WHICH_YEAR.format(words=slots.extra["year_unknown"]), (),
                               steps=steps)
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
            if self.catalog.get(mid) is not None:
                out.append(self._option(slots.partial, mid))
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

    def _contradiction(self, slots: Slots, steps: tuple[Step, ...]) -> ParseResult:
        code, region = cast(tuple[int, int], slots.extra["contradiction"])
        place = self.place_by_code[code]
        base = slots.partial or QuerySpec()
        if not base.metrics:
            return ParseResult("clarify", None, msg.CONTRADICTION.format(
                name=place.name, region=self.names[region], own=self.names[place.region_code]),
                (msg.render(QuerySpec(operation=Operation.OVERVIEW, municipalities=(code,)), self.catalog,
                            self.names),), steps=steps)
        options = [msg.render(base.model_copy(update={"municipalities": (c,)}), self.catalog, self.names)
                   for c in (code, region)]
        options.append(msg.render(base.model_copy(update={
            "operation": Operation.COMPARE, "municipalities": (code,),
            "comparison": Comparison(kind=ComparisonKind.REGION)}), self.catalog, self.names))
        question = msg.CONTRADICTION.format(name=place.name, region=self.names[region],
                                            own=self.names[place.region_code])
        return ParseResult("clarify", None, question, tuple(dict.fromkeys(options)), steps=steps)

    def _typo_clarify(self, q: str, scan: PlaceScan) -> ParseResult:
        word, codes = scan.ambiguous[0]
        opts = tuple(re.sub(rf"\b{re.escape(word)}\b", self.names[c], q, count=1) for c in codes if c in self.names)
        return ParseResult("clarify", None, msg.WHICH_MUNICIPALITY_TYPO.format(word=word), opts)

    def _refuse(self, text: str) -> ParseResult:
        return ParseResult("refuse", None, text, examples=self.examples or _EXAMPLES)

