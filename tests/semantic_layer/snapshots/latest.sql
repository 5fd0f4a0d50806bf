-- spec: {"operation":"value","metrics":[{"id":"udskrivningsprocent"}],"municipalities":[173],"comparison":{"kind":"none","region_code":null,"similar_n":5},"years":{"kind":"latest","start":null,"end":null,"last_n":null,"quarter":null,"unit":null},"rank_n":10,"rank_order":"desc","rank_region":null,"benchmark":"country","include_national":true}
-- Seneste år med data for Lyngby-Taarbæks udskrivningsprocent
WITH cells AS (
  SELECT
    'udskrivningsprocent' AS metric_id,
    o.municipality_code AS municipality_code,
    mu.municipality_name AS municipality,
    o.year AS year,
    o.value AS value,
    o.status AS status,
    CASE WHEN o.municipality_code IN (173) THEN 'subject' ELSE 'member' END AS role,
    NULL AS n_values,
    NULL AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM observations AS o
  JOIN municipalities AS mu
    ON mu.municipality_code = o.municipality_code
  WHERE
    (
      o.figure = 'Udskrivningsprocent'
      AND o.year = (
        SELECT
          MAX(year)
        FROM observations
        WHERE
          (
            figure = 'Udskrivningsprocent' AND NOT value IS NULL
          )
          AND municipality_code IN (173)
      )
    )
    AND o.municipality_code IN (173)
), nat AS (
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
    figure = 'Udskrivningsprocent'
    AND year = (
      SELECT
        MAX(year)
      FROM observations
      WHERE
        (
          figure = 'Udskrivningsprocent' AND NOT value IS NULL
        )
        AND municipality_code IN (173)
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
  FROM cells
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
