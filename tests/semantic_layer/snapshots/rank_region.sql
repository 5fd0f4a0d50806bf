-- spec: {"operation":"rank","metrics":[{"id":"indbyggertal"}],"municipalities":[],"comparison":{"kind":"none","region_code":null,"similar_n":5},"years":{"kind":"single","start":2024,"end":2024,"last_n":null,"quarter":null,"unit":null,"start_quarter":null,"end_quarter":null},"rank_n":3,"rank_order":"desc","rank_region":1083,"benchmark":"country","include_national":true}
-- De 3 største kommuner i Region Syddanmark i 2024
WITH cells AS (
  SELECT
    'indbyggertal' AS metric_id,
    o.municipality_code AS municipality_code,
    mu.municipality_name AS municipality,
    o.year AS year,
    o.value AS value,
    o.status AS status,
    'member' AS role,
    NULL AS n_values,
    NULL AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM observations AS o
  JOIN municipalities AS mu
    ON mu.municipality_code = o.municipality_code
  WHERE
    (
      o.figure = 'Indbyggertal 1. januar' AND o.year = 2024
    )
    AND mu.region_code = 1083
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
    figure = 'Indbyggertal 1. januar' AND year = 2024
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
  FROM cells
)
SELECT
  *
FROM (
  SELECT
    *
  FROM ranked
  WHERE
    rank <= 3 OR role = 'subject'
  UNION ALL
  SELECT
    *
  FROM nat
) AS r
ORDER BY
  year,
  rank,
  role,
  municipality_code
LIMIT 5000
