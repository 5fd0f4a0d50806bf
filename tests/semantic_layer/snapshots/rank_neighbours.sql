-- spec: {"operation":"rank","metrics":[{"id":"udskrivningsprocent"}],"municipalities":[173],"comparison":{"kind":"neighbours","region_code":null,"similar_n":5},"years":{"kind":"single","start":2023,"end":2023,"last_n":null,"quarter":null,"unit":null,"start_quarter":null,"end_quarter":null},"rank_n":98,"rank_order":"asc","rank_region":null,"benchmark":"country","include_national":false}
-- Lyngby-Taarbæk og nabokommunerne rangeret efter udskrivningsprocent i 2023
WITH cells AS (
  SELECT
    'udskrivningsprocent' AS metric_id,
    o.municipality_code AS municipality_code,
    o.municipality AS municipality,
    o.year AS year,
    o.value AS value,
    o.status AS status,
    CASE WHEN o.municipality_code IN (173) THEN 'subject' ELSE 'member' END AS role,
    NULL AS n_values,
    NULL AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM observations AS o
  WHERE
    (
      o.figure = 'Udskrivningsprocent' AND o.year = 2023
    )
    AND o.municipality_code IN (
      SELECT
        173 AS municipality_code
      UNION ALL
      SELECT
        neighbour_code
      FROM neighbours
      WHERE
        municipality_code = 173
    )
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
    rank <= 98 OR role = 'subject'
) AS r
ORDER BY
  year,
  rank,
  role,
  municipality_code
LIMIT 5000
