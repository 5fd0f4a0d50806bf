-- spec: {"operation":"compare","metrics":[{"id":"serviceudgifter_pr_indb"}],"municipalities":[210],"comparison":{"kind":"neighbours","region_code":null,"similar_n":5},"years":{"kind":"single","start":2023,"end":2023,"last_n":null,"quarter":null,"unit":null,"start_quarter":null,"end_quarter":null},"rank_n":10,"rank_order":"desc","rank_region":null,"benchmark":"country","include_national":true}
-- Fredensborgs serviceudgifter 2023 mod nabokommunernes vægtede gennemsnit
WITH cells AS (
  SELECT
    'serviceudgifter_pr_indb' AS metric_id,
    o.municipality_code AS municipality_code,
    o.municipality AS municipality,
    o.year AS year,
    o.value AS value,
    o.status AS status,
    CASE WHEN o.municipality_code IN (210) THEN 'subject' ELSE 'member' END AS role,
    NULL AS n_values,
    NULL AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM observations AS o
  WHERE
    (
      o.figure = 'Serviceudgifter pr. indb.' AND o.year = 2023
    )
    AND o.municipality_code IN (
      SELECT
        210 AS municipality_code
      UNION ALL
      SELECT
        neighbour_code
      FROM neighbours
      WHERE
        municipality_code = 210
    )
), grp AS (
  SELECT
    'serviceudgifter_pr_indb' AS metric_id,
    NULL AS municipality_code,
    'neighbours' AS municipality,
    g.year AS year,
    SUM(g.value * w.persons) / SUM(CASE WHEN NOT g.value IS NULL THEN w.persons END) AS value,
    'computed' AS status,
    'group' AS role,
    COUNT(g.value) AS n_values,
    COUNT(*) AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM cells AS g
  LEFT JOIN population_groups AS w
    ON w.group_id = 'indbyggere'
    AND w.municipality_code = g.municipality_code
    AND w.year = g.year
  WHERE
    g.role = 'member'
  GROUP BY
    g.year
), nat AS (
  SELECT
    'serviceudgifter_pr_indb' AS metric_id,
    0 AS municipality_code,
    'Hele landet' AS municipality,
    year AS year,
    value AS value,
    status AS status,
    'national' AS role,
    NULL AS n_values,
    NULL AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM national
  WHERE
    figure = 'Serviceudgifter pr. indb.' AND year = 2023
)
SELECT
  *
FROM (
  SELECT
    metric_id,
    municipality_code,
    municipality,
    year,
    value,
    status,
    role,
    n_values,
    n_members,
    rank,
    weight
  FROM cells
  UNION ALL
  SELECT
    *
  FROM grp
  UNION ALL
  SELECT
    *
  FROM nat
) AS r
ORDER BY
  year,
  CASE WHEN role = 'subject' THEN 0 WHEN role = 'member' THEN 1 ELSE 2 END,
  role,
  municipality_code
LIMIT 5000
