-- spec: {"operation":"compare","metrics":[{"id":"udskrivningsprocent"}],"municipalities":[210],"comparison":{"kind":"region","region_code":null,"similar_n":5},"years":{"kind":"single","start":2023,"end":2023,"last_n":null,"quarter":null,"unit":null,"start_quarter":null,"end_quarter":null},"rank_n":10,"rank_order":"desc","rank_region":null,"benchmark":"country","include_national":true}
-- Fredensborgs udskrivningsprocent 2023 mod egen region (vægtet med skattegrundlag)
WITH cells AS (
  SELECT
    'udskrivningsprocent' AS metric_id,
    o.municipality_code AS municipality_code,
    mu.municipality_name AS municipality,
    o.year AS year,
    o.value AS value,
    o.status AS status,
    CASE WHEN o.municipality_code IN (210) THEN 'subject' ELSE 'member' END AS role,
    NULL AS n_values,
    NULL AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM observations AS o
  JOIN municipalities AS mu
    ON mu.municipality_code = o.municipality_code
  WHERE
    (
      o.figure = 'Udskrivningsprocent' AND o.year = 2023
    )
    AND (
      o.municipality_code = 210
      OR mu.region_code = (
        SELECT
          region_code
        FROM municipalities
        WHERE
          municipality_code = 210
      )
    )
), grp AS (
  SELECT
    'udskrivningsprocent' AS metric_id,
    (
      SELECT
        region_code
      FROM municipalities
      WHERE
        municipality_code = 210
    ) AS municipality_code,
    (
      SELECT
        region_name
      FROM regions
      WHERE
        region_code = (
          SELECT
            region_code
          FROM municipalities
          WHERE
            municipality_code = 210
        )
    ) AS municipality,
    g.year AS year,
    SUM(g.value * w.persons) / SUM(CASE WHEN NOT g.value IS NULL THEN w.persons END) AS value,
    'computed' AS status,
    'group' AS role,
    COUNT(g.value) AS n_values,
    COUNT(*) AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM cells AS g
  LEFT JOIN population_groups AS w
    ON w.group_id = 'skattegrundlag'
    AND w.municipality_code = g.municipality_code
    AND w.year = g.year
  WHERE
    g.municipality_code IN (
      SELECT
        municipality_code
      FROM municipalities
      WHERE
        region_code = (
          SELECT
            region_code
          FROM municipalities
          WHERE
            municipality_code = 210
        )
    )
  GROUP BY
    g.year
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
    figure = 'Udskrivningsprocent' AND year = 2023
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
  FROM grp
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
