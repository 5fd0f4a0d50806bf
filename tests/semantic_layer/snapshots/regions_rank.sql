-- spec: {"operation":"rank","metrics":[{"id":"indbyggertal"}],"municipalities":[],"comparison":{"kind":"regions","region_code":null,"similar_n":5},"years":{"kind":"latest","start":null,"end":null,"last_n":null,"quarter":null,"unit":null,"start_quarter":null,"end_quarter":null},"rank_n":5,"rank_order":"desc","rank_region":null,"benchmark":"country","include_national":true}
-- Regionerne rangeret efter indbyggertal, seneste år (summen af kommunerne)
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
    o.figure = 'Indbyggertal 1. januar'
    AND o.year = (
      SELECT
        MAX(year)
      FROM observations
      WHERE
        figure = 'Indbyggertal 1. januar' AND NOT value IS NULL
    )
), periods AS (
  SELECT DISTINCT
    year
  FROM cells
), grp AS (
  SELECT
    'indbyggertal' AS metric_id,
    r.region_code AS municipality_code,
    r.region_name AS municipality,
    p.year AS year,
    SUM(g.value) AS value,
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
  GROUP BY
    r.region_code,
    r.region_name,
    p.year
), ranked AS (
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
    RANK() OVER (PARTITION BY year ORDER BY value DESC) AS rank,
    COUNT(value) OVER (PARTITION BY year) AS weight
  FROM grp
), nat AS (
  SELECT
    'indbyggertal' AS metric_id,
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
    figure = 'Indbyggertal 1. januar'
    AND year = (
      SELECT
        MAX(year)
      FROM observations
      WHERE
        figure = 'Indbyggertal 1. januar' AND NOT value IS NULL
    )
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
  FROM ranked
  UNION ALL
  SELECT
    *
  FROM nat
) AS r
ORDER BY
  year,
  rank,
  municipality_code
LIMIT 5000
