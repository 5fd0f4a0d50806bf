"""Spot questions written in English, so the assistant can answer (in Danish) that it only understands Danish.

The parser only knows Danish; an English question would otherwise fall through to the generic
"I did not understand" list. Detection is a plain function-word count, not a language model: the
questions are short, full of Danish place names, and we only need to tell English from Danish.
"""

from __future__ import annotations

from collections.abc import Sequence

# English words that are not Danish words (also not once æ/ø/å are spelled ae/oe/aa). Deliberately
# left out because they are everyday Danish: i, for, at, to, by, under, over, man, land, hand, alle,
# give, find, top, total, per, data, service, budget, region, person, trend, ranking, hospital, rent,
# had ("had" = hate), it ("it-udgifter"), a ("A-kasse"), be ("at be" = to pray), so, end, men, min.
_STRONG = frozenset("""
    what whats which who whom where when why how the of an in on into from with about between than then
    there this that these those or as also only all any each every no yes
    are was were been being does did has can could would should will may might
    me my you your we our us they their its please tell show display get see help
    much many less least average mean number amount share percent percentage ratio rank
    high higher highest low lower lowest big bigger biggest largest small smaller smallest best worst
    latest recent year years old people citizens residents inhabitants population lives living
    children kids elderly school schools students unemployment unemployed employment
    municipality municipalities municipal council city town tax taxes rates spend spent spending
    expenses expenditure cost costs money income debt change changed growth compare compared comparison
    neighbouring neighboring neighbours neighbors
""".split())

# English words that are also (rarer) Danish words: "is" (ice), "rate" (instalment), "have" (garden),
# "do" (loo), "and" (duck), "more" (amuse), "most"/"must" (juice), "last" (cargo), "live", "list", "not".
# They count half, so they tip a question that is already English but cannot make one on their own.
_WEAK = frozenset("is rate have do and more most must last live list not".split())

MIN_SCORE = 2.0
MIN_SHARE = 0.4


def english_score(words: Sequence[str]) -> float:
    """Sum of 1 per English-only word and 0.5 per ambiguous English/Danish word."""
    return sum(1.0 if w in _STRONG else 0.5 if w in _WEAK else 0.0 for w in (w.casefold() for w in words))


def is_english(words: Sequence[str]) -> bool:
    """True when the word tokens of a question read as English rather than Danish.

    Rule: the score (see `english_score`) is at least 2 *and* at least 40% of all word tokens.
    - Two hits, because one English-looking word is common in Danish (loanwords, "show", a stray
      "the" in a quoted title, "ok"), while real English questions nearly always carry two function
      words ("what is", "how many", "show me", "of the").
    - 40%, because the tokens still contain place names ("Lyngby-Taarbæk" is two words) and Danish
      domain words the caller could not strip; English questions score far above that (typically
      60-90%), whereas a Danish question with a couple of English terms mixed in stays below it.
    Numbers are excluded by the caller, so they neither help nor dilute the share.
    """
    if not words:
        return False
    score = english_score(words)
    return score >= MIN_SCORE and score / len(words) >= MIN_SHARE
