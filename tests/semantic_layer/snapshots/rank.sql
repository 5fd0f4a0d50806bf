-- spec: {"operation":"rank","metrics":[{"id":"udskrivningsprocent"}],"municipalities":[],"comparison":{"kind":"none","region_code":null,"similar_n":5},"years":{"kind":"single","start":2022,"end":2022,"last_n":null,"quarter":null,"unit":null,"start_quarter":null,"end_quarter":null},"rank_n":5,"rank_order":"asc","rank_region":null,"benchmark":"country","include_national":false}
-- De 5 laveste udskrivningsprocenter i 2022
WITH cells AS (
  SELECT
    'udskrivningsprocent' AS metric_id,
    o.municipality_code AS municipality_code,
    o.municipality AS municipality,
    o.year AS year,
    o.value AS value,
    o.status AS status,
    'member' AS role,
    NULL AS n_values,
    NULL AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM observations AS o
  WHERE
    o.figure = 'Udskrivningsprocent' AND o.year = 2022
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
    RANK() OVER (PARTITION BY year ORDER BY value ASC) AS rank,
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
    rank <= 5 OR role = 'subject'
) AS r
ORDER BY
  year,
  rank,
  role,
  municipality_code
LIMIT 5000
