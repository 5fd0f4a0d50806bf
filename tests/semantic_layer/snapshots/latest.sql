-- spec: {"operation":"value","metrics":[{"id":"udskrivningsprocent"}],"municipalities":[173],"comparison":{"kind":"none","region_code":null,"similar_n":5},"years":{"kind":"latest","start":null,"end":null,"last_n":null,"quarter":null,"unit":null,"start_quarter":null,"end_quarter":null},"rank_n":10,"rank_order":"desc","rank_region":null,"benchmark":"country","include_national":true}
-- Seneste år med data for Lyngby-Taarbæks udskrivningsprocent
SELECT
  'udskrivningsprocent' AS metric_id,
  o.municipality_code AS municipality_code,
  o.municipality AS municipality,
  o.year AS year,
  o.value AS value,
  o.status AS status,
  'subject' AS role,
  NULL AS n_values,
  NULL AS n_members,
  NULL AS rank,
  NULL AS weight
FROM observations AS o
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
  AND o.municipality_code = 173
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
ORDER BY
  municipality_code DESC
LIMIT 5000
