"""Named query specs shared by the snapshot, result and guard tests."""

from __future__ import annotations

from semantic_layer.spec import Comparison, MetricRef, QuerySpec, Years


def metrics(*ids: str) -> tuple[MetricRef, ...]:
    return tuple(MetricRef(id=i) for i in ids)


SERVICE, TAX, POP = "serviceudgifter_pr_indb", "udskrivningsprocent", "indbyggertal"
FREDENSBORG, ODENSE, LYNGBY, AARHUS = 210, 461, 173, 751
SYDDANMARK = 1083

NAMED_SPECS: dict[str, tuple[str, QuerySpec]] = {
    "value": ("Udskrivningsprocent for Fredensborg i 2023 med landstallet",
              QuerySpec(operation="value", metrics=metrics(TAX), municipalities=(FREDENSBORG,),
                        years=Years.single(2023))),
    "latest": ("Seneste år med data for Lyngby-Taarbæks udskrivningsprocent",
               QuerySpec(operation="value", metrics=metrics(TAX), municipalities=(LYNGBY,))),
    "compare_neighbours": ("Fredensborgs serviceudgifter 2023 mod nabokommunernes vægtede gennemsnit",
                           QuerySpec(operation="compare", metrics=metrics(SERVICE), municipalities=(FREDENSBORG,),
                                     comparison=Comparison(kind="neighbours"), years=Years.single(2023))),
    "compare_region": ("Fredensborgs udskrivningsprocent 2023 mod egen region (vægtet med skattegrundlag)",
                       QuerySpec(operation="compare", metrics=metrics(TAX), municipalities=(FREDENSBORG,),
                                 comparison=Comparison(kind="region"), years=Years.single(2023))),
    "compare_similar": ("Fredensborgs serviceudgifter 2023 mod de 5 mest sammenlignelige kommuner",
                        QuerySpec(operation="compare", metrics=metrics(SERVICE), municipalities=(FREDENSBORG,),
                                  comparison=Comparison(kind="similar"), years=Years.single(2023))),
    "trend": ("Fredensborgs udskrivningsprocent fra 2015 til seneste år",
              QuerySpec(operation="trend", metrics=metrics(TAX), municipalities=(FREDENSBORG,),
                        years=Years.between(2015, None))),
    "rank": ("De 5 laveste udskrivningsprocenter i 2022",
             QuerySpec(operation="rank", metrics=metrics(TAX), years=Years.single(2022), rank_n=5,
                       rank_order="asc", include_national=False)),
    "rank_region": ("De 3 største kommuner i Region Syddanmark i 2024",
                    QuerySpec(operation="rank", metrics=metrics(POP), years=Years.single(2024), rank_n=3,
                              rank_order="desc", rank_region=SYDDANMARK)),
    "rank_neighbours": ("Lyngby-Taarbæk og nabokommunerne rangeret efter udskrivningsprocent i 2023",
                        QuerySpec(operation="rank", metrics=metrics(TAX), municipalities=(LYNGBY,),
                                  comparison=Comparison(kind="neighbours"), years=Years.single(2023), rank_n=98,
                                  rank_order="asc", include_national=False)),
    "distribution": ("Udskrivningsprocenten i alle 98 kommuner i 2023 (kort)",
                     QuerySpec(operation="distribution", metrics=metrics(TAX), years=Years.single(2023))),
    "savings_country": ("Råderum for Odenses serviceudgifter 2022 mod landsgennemsnittet",
                        QuerySpec(operation="savings", metrics=metrics(SERVICE), municipalities=(ODENSE,),
                                  years=Years.single(2022), benchmark="country")),
    "savings_neighbours": ("Råderum for Odenses serviceudgifter 2022 mod nabokommunerne",
                           QuerySpec(operation="savings", metrics=metrics(SERVICE), municipalities=(ODENSE,),
                                     years=Years.single(2022), benchmark="neighbours")),
    "savings_lowest_quartile": ("Råderum for Odenses serviceudgifter 2022 mod laveste kvartil",
                                QuerySpec(operation="savings", metrics=metrics(SERVICE), municipalities=(ODENSE,),
                                          years=Years.single(2022), benchmark="lowest_quartile")),
    "savings_municipality": ("Råderum for Odenses serviceudgifter 2022, hvis de lå på niveauet i Aarhus",
                             QuerySpec(operation="savings", metrics=metrics(SERVICE), municipalities=(ODENSE, AARHUS),
                                       years=Years.single(2022), benchmark="municipality")),
    "regions": ("De fem regioners serviceudgifter 2023 (vægtet med indbyggertal) og landstallet, i én sætning",
                QuerySpec(operation="compare", metrics=metrics(SERVICE), comparison=Comparison(kind="regions"),
                          years=Years.single(2023))),
    "regions_rank": ("Regionerne rangeret efter indbyggertal, seneste år (summen af kommunerne)",
                     QuerySpec(operation="rank", metrics=metrics(POP), comparison=Comparison(kind="regions"),
                               rank_n=5)),
    "overview": ("Overblik over Fredensborg: serviceudgifter, udskrivningsprocent og indbyggertal, seneste år",
                 QuerySpec(operation="overview", metrics=metrics(SERVICE, TAX, POP),
                           municipalities=(FREDENSBORG,))),
}
