-- spec: {"operation":"compare","metrics":[{"id":"serviceudgifter_pr_indb"}],"municipalities":[],"comparison":{"kind":"regions","region_code":null,"similar_n":5},"years":{"kind":"single","start":2023,"end":2023,"last_n":null,"quarter":null,"unit":null,"start_quarter":null,"end_quarter":null},"rank_n":10,"rank_order":"desc","rank_region":null,"benchmark":"country","include_national":true}
-- De fem regioners serviceudgifter 2023 (vægtet med indbyggertal) og landstallet, i én sætning
WITH cells AS (
  SELECT
    o.municipality_code,
    mu.region_code,
    o.year,
    o.value
  FROM observations AS o
  JOIN municipalities AS mu
    ON mu.municipality_code = o.municipality_code
  WHERE
    o.figure = 'Serviceudgifter pr. indb.' AND o.year = 2023
), periods AS (
  SELECT DISTINCT
    year
  FROM cells
), grp AS (
  SELECT
    'serviceudgifter_pr_indb' AS metric_id,
    r.region_code AS municipality_code,
    r.region_name AS municipality,
    p.year AS year,
    SUM(g.value * w.persons) / SUM(CASE WHEN NOT g.value IS NULL THEN w.persons END) AS value,
    'computed' AS status,
    'group' AS role,
    COUNT(g.value) AS n_values,
    COUNT(g.municipality_code) AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM regions AS r
  CROSS JOIN periods AS p
  LEFT JOIN cells AS g
    ON g.region_code = r.region_code AND p.year = g.year
  LEFT JOIN population_groups AS w
    ON w.group_id = 'indbyggere'
    AND w.municipality_code = g.municipality_code
    AND w.year = g.year
  GROUP BY
    r.region_code,
    r.region_name,
    p.year
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
  FROM grp
  UNION ALL
  SELECT
    *
  FROM nat
) AS r
ORDER BY
  year,
  CASE WHEN role = 'group' THEN 0 ELSE 1 END,
  value DESC,
  municipality_code
LIMIT 5000
