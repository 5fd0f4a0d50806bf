-- spec: {"operation":"savings","metrics":[{"id":"serviceudgifter_pr_indb"}],"municipalities":[461,751],"comparison":{"kind":"none","region_code":null,"similar_n":5},"years":{"kind":"single","start":2022,"end":2022,"last_n":null,"quarter":null,"unit":null,"start_quarter":null,"end_quarter":null},"rank_n":10,"rank_order":"desc","rank_region":null,"benchmark":"municipality","include_national":true}
-- Råderum for Odenses serviceudgifter 2022, hvis de lå på niveauet i Aarhus
WITH cells AS (
  SELECT
    'serviceudgifter_pr_indb' AS metric_id,
    o.municipality_code AS municipality_code,
    o.municipality AS municipality,
    o.year AS year,
    o.value AS value,
    o.status AS status,
    CASE WHEN o.municipality_code IN (461) THEN 'subject' ELSE 'member' END AS role,
    NULL AS n_values,
    NULL AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM observations AS o
  WHERE
    (
      o.figure = 'Serviceudgifter pr. indb.' AND o.year = 2022
    )
    AND o.municipality_code IN (461, 751)
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
    figure = 'Serviceudgifter pr. indb.' AND year = 2022
), bench AS (
  SELECT
    metric_id,
    municipality_code,
    municipality,
    year,
    value,
    status,
    'benchmark' AS role,
    n_values,
    n_members,
    rank,
    weight
  FROM cells
  WHERE
    role = 'member'
), savings AS (
  SELECT
    'serviceudgifter_pr_indb' AS metric_id,
    s.municipality_code AS municipality_code,
    s.municipality AS municipality,
    s.year AS year,
    (
      s.value - b.value
    ) * w.persons AS value,
    'computed' AS status,
    'savings' AS role,
    NULL AS n_values,
    NULL AS n_members,
    NULL AS rank,
    w.persons AS weight
  FROM cells AS s
  JOIN bench AS b
    ON b.year = s.year
  JOIN population_groups AS w
    ON w.group_id = 'indbyggere'
    AND w.municipality_code = s.municipality_code
    AND w.year = s.year
  WHERE
    s.role = 'subject'
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
  FROM nat
  UNION ALL
  SELECT
    *
  FROM bench
  UNION ALL
  SELECT
    *
  FROM savings
) AS r
ORDER BY
  year,
  CASE WHEN role = 'subject' THEN 0 WHEN role = 'member' THEN 1 ELSE 2 END,
  role,
  municipality_code
LIMIT 5000
