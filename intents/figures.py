"""Which key figure a question asks for: every catalog term (label, short name, synonyms, declared
ambiguous terms) becomes a list of slots; a question covers slots with its own word keys.

Scoring is a bag of keys, not a contiguous phrase, so word order, inflection and compounds don't matter.
Slots after "pr."/"per" (the denominator) are soft: leaving them out costs little, naming another one
costs more. The best full cover wins; near-ties are narrowed by the question's own words, a declared
default or a headline figure (with a note), and otherwise become a clarifying question.

A quarterly figure and its annual form are one figure here (their terms count for the annual form): the
question's period picks the form afterwards (`period_form`), not its words.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

from intents.lexicon import Lexicon
from intents.text import Tok, tokenize
from semantic_layer.model import AmbiguousTerm, Catalog, Metric
from semantic_layer.spec import Years

MISS_STRONG = 0.6
MISS_SOFT = 0.25
SOFT_WEIGHT = 0.5  # a matched denominator says little: "pr. indbygger" is in sixty figures
FULL_BONUS = 0.6  # every distinguishing word of a term is in the question: qualitatively better
GENERIC = 0.3  # a one-word term left over from a phrase of stopwords ("hvor stor er kommunen")
CONFLICT = 0.5
LOOSE_PART = 0.5
NUM_WEIGHT = 0.3
TIE = 0.2
MAX_OPTIONS = 6
RECENT_HITS = 64
ASSUME_TIE = 0.5  # when the best figure misses a word of its own name, rivals this close are as likely
COUNT_WORDS = frozenset({"flest", "faerrest"})
PARTICLES = frozenset({"ind", "ud", "til", "fra"})
UNIT_WORDS = {"procent": "pct", "pct": "pct", "procentsats": "pct", "promille": "promille", "antal": "count",
              "kr": "kr", "kroner": "kr"}


@dataclass(frozen=True)
class Slot:
    alts: frozenset[str]
    soft: bool
    weight: float
    group: int = -1  # the term word this slot is a compound part of (parts keep their order)


@dataclass(frozen=True)
class Term:
    text: str
    slots: tuple[Slot, ...]
    metric: str | None  # None for an ambiguous term
    ambiguous: AmbiguousTerm | None = None
    generic: bool = False


@dataclass
class Hit:
    term: Term
    score: float
    matched: float
    full: bool
    tokens: frozenset[int]


@dataclass
class FigureChoice:
    """status: chosen | clarify | none."""

    status: str
    metric: str | None = None
    words: str = ""
    span: tuple[int, int] | None = None  # character span of the words that named the figure
    candidates: tuple[str, ...] = ()
    question: str | None = None
    notes: list[str] = field(default_factory=list)
    tokens: frozenset[int] = frozenset()


class FigureIndex:
    def __init__(self, catalog: Catalog, lexicon: Lexicon) -> None:
        self.catalog = catalog
        self.lex = lexicon
        texts = [t for m in catalog.metrics for t in (m.label, m.short_name, *m.synonyms)]
        texts += [a.term for a in catalog.ambiguous]
        for text in texts:
            lexicon.learn(t.low for t in tokenize(text) if t.kind == "word")
        self.terms: list[Term] = []
        for m in catalog.metrics:
            for text in dict.fromkeys((m.label, m.short_name, *m.synonyms)):
                self._add(self._term(text, m.annual_form or m.id))  # a quarterly figure's words name its family
        for a in catalog.ambiguous:
            self._add(self._term(a.term, None, a))
        self.index: dict[str, list[int]] = defaultdict(list)
        for i, term in enumerate(self.terms):
            for key in {k for s in term.slots for k in s.alts}:
                self.index[key].append(i)
        self._recent: dict[tuple[object, ...], tuple[dict[str, Hit], list[Hit]]] = {}
        self._recent_lock = threading.Lock()
        self.discontinued = {m.id for m in catalog.metrics if m.discontinued_after is not None
                             or "(til " in m.label or "(kun " in m.label}

    def _add(self, term: Term) -> None:
        if any(not s.soft for s in term.slots):
            self.terms.append(term)

    def _term(self, text: str, metric: str | None, amb: AmbiguousTerm | None = None) -> Term:
        slots = self._slots(text)
        stop = [t for t in tokenize(text) if t.kind == "word" and not self.lex.parts(t.low)]
        generic = sum(1 for s in slots if not s.soft) == 1 and len(stop) >= 2
        return Term(text, slots, metric, amb, generic)

    def _slots(self, text: str) -> tuple[Slot, ...]:
        slots: list[Slot] = []
        soft = False
        for n, tok in enumerate(tokenize(text)):
            if tok.kind == "word" and tok.fold in {"pr", "per"}:
                soft = True
                continue
            if tok.kind == "num":
                if tok.value is not None and 1990 <= tok.value <= 2100:
                    continue
                slots.append(Slot(frozenset({f"n:{tok.value}"}), True, NUM_WEIGHT))
                continue
            for part in self.lex.token_parts(tok):
                slots.append(Slot(part, soft, SOFT_WEIGHT if soft else 1.0, n))
        return tuple(slots)

    # -- matching -----------------------------------------------------------------------------------
    def question_keys(self, toks: list[Tok], skip: set[int]) -> dict[str, set[tuple[int, int]]]:
        """key -> the (token, compound part) positions that carry it."""
        keys: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for i, tok in enumerate(toks):
            if i in skip or (tok.kind == "num" and tok.value is not None and 1990 <= tok.value <= 2100):
                continue
            for j, part in enumerate(self.lex.token_parts(tok, question=True)):
                for k in part:
                    keys[k].add((i, j))
            # a particle verb names the noun it forms: "pendler ind" is "indpendler", "flytter til" "tilflytter"
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if tok.kind == "word" and nxt is not None and nxt.fold in PARTICLES:
                for k in self.lex.word_keys(nxt.low + tok.low, question=True):
                    keys[k].add((i, 0))
            # "hvor mange", "flest", "færrest" ask for a count
            if tok.fold in COUNT_WORDS or (tok.fold == "mange" and i > 0 and toks[i - 1].fold == "hvor"):
                keys["antal"].add((i, 0))
        return keys

    def denominators(self, toks: list[Tok]) -> tuple[set[str], set[int]]:
        """Keys and positions of the question's own denominator: the first word or age after 'pr.'/'per'."""
        out: set[str] = set()
        pos: set[int] = set()
        for i, tok in enumerate(toks):
            if tok.kind == "word" and tok.fold in {"pr", "per"}:
                for j in range(i + 1, min(i + 3, len(toks))):
                    nxt = toks[j]
                    pos.add(j)
                    if nxt.kind == "num":
                        continue
                    for part in self.lex.token_parts(nxt, question=True):
                        out |= part
                    break
        return out, pos

    def score(self, term: Term, keys: dict[str, set[tuple[int, int]]], dens: set[str], den_pos: set[int],
              parts_of: dict[int, set[tuple[int, int]]]) -> Hit:
        """Cover the term's slots with question keys; each question token fills one slot at most, and
        words of the question's denominator only fill denominator slots."""
        matched = missing = 0.0
        full = True
        used: set[tuple[int, int]] = set()
        term_soft: set[str] = set()
        last: dict[int, tuple[int, int]] = {}  # term word -> where its previous part matched
        for s in term.slots:
            if s.soft and s.weight == SOFT_WEIGHT:
                term_soft |= s.alts
            hit = None
            before = last.get(s.group)
            for k in s.alts:
                free = keys.get(k, set()) - used
                if not s.soft:
                    free = {p for p in free if p[0] not in den_pos}
                if before is not None:  # "plejehjem" is not "hjemmepleje": parts of one word keep their order
                    free = {p for p in free if p[0] != before[0] or p[1] > before[1]}
                if free:
                    hit = min(free)
                    break
            if hit is not None:
                matched += s.weight
                used.add(hit)
                if s.group >= 0:
                    last[s.group] = hit
            elif s.soft:
                missing += MISS_SOFT if s.weight == SOFT_WEIGHT else 0.0
            else:
                missing += MISS_STRONG
                full = False
        score = matched - missing + (FULL_BONUS if full else 0.0) - (GENERIC if term.generic else 0.0)
        # a compound is one concept: "boligpriserne" is not a "pris" question
        tokens = {p[0] for p in used}
        loose = sum(1 for parts in (parts_of.get(t, ()) for t in tokens) for p in parts if p not in used)
        score -= LOOSE_PART * loose
        if dens and term_soft and not (dens & term_soft) and not any(dens & s.alts for s in term.slots):
            score -= CONFLICT
            full = False
        return Hit(term, score, matched, full, frozenset(p[0] for p in used if p[0] >= 0))

    def hits(self, toks: list[Tok], skip: set[int], extra: frozenset[str] = frozenset(),
             exclude: frozenset[str] = frozenset()) -> tuple[dict[str, Hit], list[Hit]]:
        """Best hit per metric, and the fully covered ambiguous terms; `exclude`: figures out of the running
        (e.g. discontinued before the year asked). The parser asks the same question several times while
        it weighs choices, so recent results are kept (callers only read them)."""
        key = (tuple(toks), frozenset(skip), extra, exclude)
        with self._recent_lock:
            found = self._recent.get(key)
        if found is None:
            found = self._hits(toks, skip, extra, exclude)
            with self._recent_lock:
                if len(self._recent) >= RECENT_HITS:
                    self._recent.pop(next(iter(self._recent)))
                self._recent[key] = found
        return found

    def _hits(self, toks: list[Tok], skip: set[int], extra: frozenset[str],
              exclude: frozenset[str]) -> tuple[dict[str, Hit], list[Hit]]:
        keys = self.question_keys(toks, skip)
        for k in extra:
            keys.setdefault(k, set()).add((-1, 0))
        parts_of: dict[int, set[tuple[int, int]]] = {}
        for (i, j) in {p for v in keys.values() for p in v}:
            parts_of.setdefault(i, set()).add((i, j))
        dens, den_pos = self.denominators(toks)
        seen = {i for k in keys for i in self.index.get(k, ())}
        best: dict[str, Hit] = {}
        amb: list[Hit] = []
        for i in seen:
            term = self.terms[i]
            if term.metric in exclude:
                continue
            h = self.score(term, keys, dens, den_pos, parts_of)
            if h.matched < 1.0:
                continue
            if term.metric is None:
                if h.full:
                    amb.append(h)
                continue
            cur = best.get(term.metric)
            if cur is None or (h.score, h.full) > (cur.score, cur.full):
                if cur is not None and cur.full:
                    h.full = True  # another of its terms is fully covered: no assumption to report
                best[term.metric] = h
            elif h.full:
                cur.full = True
        return best, amb

    def choose(self, toks: list[Tok], skip: set[int], question: str, extra: frozenset[str] = frozenset(),
               exclude: frozenset[str] = frozenset()) -> FigureChoice:
        """extra: keys implied by the operation ("spare på X" is about spending on X)."""
        best, amb = self.hits(toks, skip, extra, exclude)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1].score, not kv[1].full, kv[0] in self.discontinued))
        top_score = ranked[0][1].score if ranked else float("-inf")
        amb_hit = max(amb, key=lambda h: (h.matched, -_n_ambiguous(h)), default=None)
        unit = {UNIT_WORDS[t.fold] for t in toks if t.kind == "word" and t.fold in UNIT_WORDS} | _counted(toks)
        if amb_hit is not None and amb_hit.score >= top_score - 1e-9:
            a = amb_hit.term.ambiguous
            assert a is not None
            cands = [m for m in a.metrics if self.catalog.get(m) is not None and m not in exclude]
            # narrow only on evidence beyond the ambiguous words themselves ("pr. 0-13-årig", "netto")
            told = {m: best[m].tokens - amb_hit.tokens for m in cands if m in best and best[m].tokens - amb_hit.tokens}
            close = cands
            if told:
                # narrow by how many of the question's other words a figure takes, not by how many synonyms
                # the catalog happens to list for it ("kostede SFO" fits the 6-9 and the 10-13 rate alike)
                most = max(len(t) for t in told.values())
                told = {m: t for m, t in told.items() if len(t) == most}
                scores = {m: self._unit_bonus(m, unit) for m in told}
                hi = max(scores.values())
                close = [m for m in told if scores[m] >= hi]
            return self._resolve(close, amb_hit, toks, skip, question, a.default, a.question)
        top_hit = ranked[0][1] if ranked else None
        if top_hit is None or top_hit.score < 0.9 or not (top_hit.full or top_hit.matched >= 1.5):
            return FigureChoice("none")
        top = ranked[0][1]
        close = [m for m, h in ranked if h.score >= top.score - TIE]
        if ranked[0][0] in self.discontinued and all(h.score < top.score - 0.1 for m, h in ranked[1:]
                                                     if m not in self.discontinued):
            close = [ranked[0][0]]  # the question's own words name the discontinued figure best
        elif not top.full:  # an assumption: every figure about as well covered is as likely
            close = [m for m, h in ranked if h.score >= top.score - ASSUME_TIE and h.matched >= 1.0]
        if len(close) > 1:
            bonus = {m: self._unit_bonus(m, unit) for m in close}
            if max(bonus.values()) > 0:
                close = [m for m in close if bonus[m] > 0]
        return self._resolve(close, top, toks, skip, question, None, None, siblings=best)

    def _unit_bonus(self, metric_id: str, unit: set[str]) -> float:
        m = self.catalog.get(metric_id)
        return 0.4 if m is not None and m.unit.value in unit else 0.0

    def _resolve(self, close: list[str], hit: Hit, toks: list[Tok], skip: set[int], question: str,
                 default: str | None,
                 ask: str | None, siblings: dict[str, Hit] | None = None) -> FigureChoice:
        current = [m for m in close if m not in self.discontinued] or close
        if siblings is not None and len(current) == 1 and current[0] in siblings:
            hit = siblings[current[0]]  # the words of the figure chosen, not of a discontinued rival
        words, span = _words(hit, toks, question, skip)
        chosen_tokens = hit.tokens
        if len(current) == 1:
            chosen = current[0]
            choice = FigureChoice("chosen", chosen, words, span, tokens=chosen_tokens)
            if siblings is not None:
                choice.notes += self._sibling_note(chosen, siblings)
            elif default == chosen:
                choice.notes.append(self._default_note(chosen))
            if not hit.full and hit.term.metric is not None:
                m = self.catalog.get(chosen)
                choice.notes.append(f"Jeg går ud fra, at du mener {m.short_name if m else chosen}.")
            return choice
        # The headline figure may stand in only for variants of one measure (brutto/netto of the same
        # "pr. 0-13-årig"); candidates with different denominators or units are a real choice: ask.
        same_measure = len({(self._metric(m).denominator_population, self._metric(m).unit) for m in current}) == 1
        if siblings is not None:  # ties between figures named by different words are two figures: ask
            same_measure = same_measure and len({siblings[m].tokens for m in current if m in siblings}) == 1
        for pick in (default, *[m for m in current if self._metric(m).headline]) if same_measure else ():
            if pick and pick in current:
                choice = FigureChoice("chosen", pick, words, span, tokens=chosen_tokens)
                choice.notes.append(self._default_note(pick))
                return choice
        q = ask or "Hvilket nøgletal mener du?"
        if len(current) > MAX_OPTIONS:  # never cut a fitting figure silently
            q += (f" Der er {len(current)} nøgletal, der passer; her er de {MAX_OPTIONS} første "
                  "– eller mente du noget andet?")
        return FigureChoice("clarify", None, words, span, tuple(current[:MAX_OPTIONS]), q, tokens=chosen_tokens)

    def _metric(self, metric_id: str) -> Metric:
        m = self.catalog.get(metric_id)
        assert m is not None
        return m

    def _default_note(self, metric_id: str) -> str:
        m = self._metric(metric_id)
        return f"Jeg har brugt {m.short_name}, som ministeriet fremhæver. Spørg, hvis du mente et andet tal."

    def _sibling_note(self, chosen: str, best: dict[str, Hit]) -> list[str]:
        """When a declared default won only narrowly against its siblings, say so."""
        for a in self.catalog.ambiguous:
            if a.default == chosen and any(m in best and m != chosen and best[m].score >= best[chosen].score - 1.0
                                           for m in a.metrics):
                return [self._default_note(chosen)]
        return []


def _counted(toks: list[Tok]) -> set[str]:
    """"Hvor mange", "flest" and "færrest" ask for a count, unless the question names a denominator ("pr.")."""
    folds = [t.fold for t in toks]
    if {"pr", "per"} & set(folds):
        return set()
    asks = COUNT_WORDS & set(folds) or any(folds[i:i + 2] == ["hvor", "mange"] for i in range(len(folds)))
    return {"count"} if asks else set()


def period_form(catalog: Catalog, metric_id: str, years: Years) -> str:
    """The form of a figure the period asks for: a quarterly figure for quarters or no period at all (its latest
    quarter), its annual form for years ("i 2024", "siden 2015", "sidste år"). Other figures are themselves."""
    metric = catalog.get(metric_id)
    forms = catalog.forms_of(metric) if metric is not None else None
    if forms is None:
        return metric_id
    quarterly, annual = forms
    return quarterly.id if years.in_quarters else annual.id


def _n_ambiguous(hit: Hit) -> int:
    """How many figures an ambiguous term's hit could mean (only ambiguous terms reach this)."""
    ambiguous = hit.term.ambiguous
    assert ambiguous is not None
    return len(ambiguous.metrics)


def _words(hit: Hit, toks: list[Tok], question: str,
           skip: set[int] | None = None) -> tuple[str, tuple[int, int] | None]:
    """The question's own words for the figure, and their character span when it is contiguous."""
    if not hit.tokens:
        return hit.term.text, None
    lo, hi = min(hit.tokens), max(hit.tokens)
    if hi - lo > 8 or any(i in (skip or ()) for i in range(lo, hi + 1)):
        return " ".join(toks[i].text for i in sorted(hit.tokens)), None
    s, e = toks[lo].start, toks[hi].end
    return question[s:e], (s, e)
