"""Generate bench/questions.yaml: realistic Danish questions from templates x municipalities x key figures.

Run: `.venv/bin/python -m bench.make_questions` (deterministic; the seed is fixed). The file is committed so
the benchmark always times the same questions.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import yaml

from noegletal.settings import get_settings

OUT = Path(__file__).with_name("questions.yaml")
SEED = 20240601

# (definite form used in "Hvad var X i ...", bare form used in "X i ... 2019", last year with data)
FIGURES_2024 = [
    ("udskrivningsprocenten", "udskrivningsprocent", 2024),
    ("grundskyldpromillen", "grundskyldpromille", 2024),
    ("serviceudgifterne pr. indbygger", "serviceudgifter pr. indbygger", 2024),
    ("indbyggertallet", "indbyggertal", 2024),
    ("udgifterne til dagtilbud pr. 0-13-årig", "dagtilbudsudgifter pr. 0-13-årig", 2024),
    ("det socioøkonomiske indeks", "socioøkonomisk indeks", 2024),
    ("andelen af ejerboliger", "andel ejerboliger", 2024),
    ("befolkningstætheden", "befolkningstæthed", 2024),
    ("antallet af anmeldte indbrud pr. 1.000 indbyggere", "anmeldte indbrud pr. 1.000 indbyggere", 2024),
    ("antallet af voldsforbrydelser pr. 1.000 indbyggere", "voldsforbrydelser pr. 1.000 indb.", 2024),
]
FIGURES_2019 = [
    ("udgifterne til folkeskolen pr. elev", "udgifter til folkeskolen pr. elev", 2019),
    ("udgifterne til ældre pr. 67+-årig", "udgifter til ældre pr. 67+-årig", 2019),
    ("den langfristede gæld pr. indbygger", "langfristet gæld pr. indbygger", 2019),
    ("nettodriftsudgifterne pr. indbygger", "nettodriftsudgifter pr. indbygger", 2019),
    ("fuldtidsledige pr. 100 17-64-årige", "fuldtidsledige pr. 100 17-64-årige", 2019),
    ("udgifterne til sport og fritid pr. indbygger", "udgifter til sport og fritid pr. indbygger", 2019),
    ("udgifterne til ledelse og administration pr. indbygger",
     "udgifter til ledelse og administration pr. indbygger", 2019),
    ("klassekvotienten", "gennemsnitlig klassekvotient", 2019),
    ("førtidspensionister pr. 100 17-64-årige", "førtidspensionister pr. 100 17-64-årige", 2019),
    ("kirkeskatteprocenten", "kirkeskatteprocent", 2019),
    ("udgifterne til børn og unge med særlige behov pr. 0-17-årig",
     "udgifter til børn og unge med særlige behov pr. 0-17-årig", 2019),
]
FIGURES = FIGURES_2024 + FIGURES_2019
SAVINGS_FIGURES = ["serviceudgifterne", "udgifterne til folkeskolen pr. elev", "udgifterne til ældre pr. 67+-årig",
                   "udgifterne til dagtilbud pr. 0-13-årig", "udgifterne til ledelse og administration"]
REGIONS = ["Region Hovedstaden", "Region Sjælland", "Region Syddanmark", "Region Midtjylland", "Region Nordjylland"]
DEFINITIONS = ["grundskyldpromille", "socioøkonomisk indeks", "serviceudgifter", "udskrivningsprocent",
               "klassekvotient", "befolkningstæthed", "langfristet gæld pr. indbygger", "udgiftsbehov"]


def municipalities() -> list[str]:
    path = get_settings().data_dir / "reference" / "kommuner.csv"
    with path.open(encoding="utf-8") as handle:
        return [row["kommunenavn"] for row in csv.DictReader(handle) if row["kommunenavn"] != "Christiansø"]


def generate() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    names = municipalities()
    out: list[dict[str, str]] = []

    def add(kind: str, question: str) -> None:
        out.append({"kind": kind, "q": question})

    def year(last: int) -> int:
        return rng.randint(2010, last)

    for _ in range(50):
        definite, bare, last = rng.choice(FIGURES)
        name = rng.choice(names)
        template = rng.randrange(4)
        if template == 0:
            add("lookup", f"Hvad var {definite} i {name} i {year(last)}?")
        elif template == 1:
            add("lookup", f"{bare[0].upper()}{bare[1:]} i {name} {year(last)}")
        elif template == 2:
            add("lookup", f"Hvad er {definite} i {name}?")
        else:
            add("lookup", f"Hvad var {definite} i {name} Kommune i {year(last)}?")
    for _ in range(40):
        definite, bare, last = rng.choice(FIGURES)
        name = rng.choice(names)
        template = rng.randrange(5)
        if template == 0:
            add("compare", f"Sammenlign {definite} i {name} med nabokommunerne i {year(last)}")
        elif template == 1:
            add("compare", f"{bare[0].upper()}{bare[1:]} i {name} sammenlignet med landsgennemsnittet i {year(last)}")
        elif template == 2:
            others = rng.sample([n for n in names if n != name], 2)
            add("compare", f"Sammenlign {definite} i {name}, {others[0]} og {others[1]} i {year(last)}")
        elif template == 3:
            add("compare", f"Sammenlign {definite} i {name} med regionen i {year(last)}")
        else:
            add("compare", f"Ligger {name} højt på {bare}?")
    for _ in range(30):
        definite, bare, last = rng.choice(FIGURES)
        name = rng.choice(names)
        start = rng.randint(2008, last - 4)
        if rng.random() < 0.5:
            add("trend", f"Hvordan har {definite} i {name} udviklet sig siden {start}?")
        else:
            add("trend", f"Udviklingen i {bare} i {name} fra {start} til {rng.randint(start + 2, last)}")
    for _ in range(25):
        definite, bare, last = rng.choice(FIGURES)
        n = rng.choice([3, 5, 10])
        word = rng.choice(["højeste", "laveste"])
        if rng.random() < 0.6:
            add("rank", f"Hvilke {n} kommuner har den {word} {bare} i {year(last)}?")
        else:
            add("rank", f"Hvilke {n} kommuner i {rng.choice(REGIONS)} har den {word} {bare} i {year(last)}?")
    for _ in range(15):
        definite, bare, last = rng.choice(FIGURES)
        if rng.random() < 0.5:
            add("map", f"Vis {bare} for alle kommuner på et kort")
        else:
            add("map", f"Vis {bare} for alle kommuner på et kort i {year(last)}")
    for _ in range(15):
        name = rng.choice(names)
        figure = rng.choice(SAVINGS_FIGURES)
        last = 2024 if figure in ("serviceudgifterne", "udgifterne til dagtilbud pr. 0-13-årig") else 2019
        add("savings", f"Hvor meget kunne {name} spare på {figure}, hvis de lå på landsgennemsnittet i "
                       f"{year(last)}?")
    for _ in range(15):
        add("overview", f"Giv mig et overblik over {rng.choice(names)}")
    for _ in range(10):
        add("definition", f"Hvad betyder {rng.choice(DEFINITIONS)}?")
    return out


def main() -> None:
    questions = generate()
    header = ("# Generated by bench/make_questions.py (templates x municipalities x key figures, fixed seed).\n"
              "# Timed by `noegletal bench` beside the dev questions; kinds: lookup, compare, trend, rank, map,\n"
              "# savings, overview, definition.\n")
    OUT.write_text(header + yaml.safe_dump({"questions": questions}, allow_unicode=True, sort_keys=False,
                                           width=200), encoding="utf-8")
    print(f"wrote {len(questions)} questions to {OUT}")


if __name__ == "__main__":
    main()
