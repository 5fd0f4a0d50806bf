-- spec: {"operation":"distribution","metrics":[{"id":"udskrivningsprocent"}],"municipalities":[],"comparison":{"kind":"none","region_code":null,"similar_n":5},"years":{"kind":"single","start":2023,"end":2023,"last_n":null,"quarter":null,"unit":null,"start_quarter":null,"end_quarter":null},"rank_n":10,"rank_order":"desc","rank_region":null,"benchmark":"country","include_national":true}
-- Udskrivningsprocenten i alle 98 kommuner i 2023 (kort)
SELECT
  *
FROM (
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
    o.figure = 'Udskrivningsprocent' AND o.year = 2023
  UNION ALL
  SELECT
    'udskrivningsprocent' AS metric_id,
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
    figure = 'Udskrivningsprocent' AND year = 2023
) AS r
ORDER BY
  year,
  CASE WHEN role = 'subject' THEN 0 WHEN role = 'member' THEN 1 ELSE 2 END,
  role,
  municipality_code
LIMIT 5000
