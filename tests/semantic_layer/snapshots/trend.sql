-- spec: {"operation":"trend","metrics":[{"id":"udskrivningsprocent"}],"municipalities":[210],"comparison":{"kind":"none","region_code":null,"similar_n":5},"years":{"kind":"range","start":2015,"end":null,"last_n":null,"quarter":null,"unit":null,"start_quarter":null,"end_quarter":null},"rank_n":10,"rank_order":"desc","rank_region":null,"benchmark":"country","include_national":true}
-- Fredensborgs udskrivningsprocent fra 2015 til seneste år
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
    AND o.year BETWEEN 2015 AND (
      SELECT
        MAX(year)
      FROM observations
      WHERE
        (
          figure = 'Udskrivningsprocent' AND NOT value IS NULL
        )
        AND municipality_code IN (210)
    )
  )
  AND o.municipality_code = 210
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
  AND year BETWEEN 2015 AND (
    SELECT
      MAX(year)
    FROM observations
    WHERE
      (
        figure = 'Udskrivningsprocent' AND NOT value IS NULL
      )
      AND municipality_code IN (210)
  )
ORDER BY
  year,
  municipality_code DESC
LIMIT 5000
