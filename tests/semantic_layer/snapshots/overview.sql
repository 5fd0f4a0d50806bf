-- spec: {"operation":"overview","metrics":[{"id":"serviceudgifter_pr_indb"},{"id":"udskrivningsprocent"},{"id":"indbyggertal"}],"municipalities":[210],"comparison":{"kind":"none","region_code":null,"similar_n":5},"years":{"kind":"latest","start":null,"end":null,"last_n":null,"quarter":null,"unit":null,"start_quarter":null,"end_quarter":null},"rank_n":10,"rank_order":"desc","rank_region":null,"benchmark":"country","include_national":true}
-- Overblik over Fredensborg: serviceudgifter, udskrivningsprocent og indbyggertal, seneste år
WITH members AS (
  SELECT
    municipality_code,
    municipality_name,
    CASE WHEN municipality_code = 210 THEN 'subject' ELSE 'member' END AS role
  FROM municipalities
  WHERE
    municipality_code = 210
    OR municipality_code IN (
      SELECT
        neighbour_code
      FROM neighbours
      WHERE
        municipality_code = 210
    )
), own AS (
  SELECT
    o.figure,
    o.municipality_code,
    mb.municipality_name AS municipality,
    o.year,
    o.value,
    o.status,
    mb.role
  FROM observations AS o
  JOIN members AS mb
    ON mb.municipality_code = o.municipality_code
  WHERE
    o.figure IN ('Serviceudgifter pr. indb.', 'Udskrivningsprocent', 'Indbyggertal 1. januar')
), latest AS (
  SELECT
    figure,
    MAX(year) AS year
  FROM own
  WHERE
    role = 'subject' AND NOT value IS NULL
  GROUP BY
    figure
), chosen AS (
  SELECT
    CASE figure
      WHEN 'Serviceudgifter pr. indb.'
      THEN 'serviceudgifter_pr_indb'
      WHEN 'Udskrivningsprocent'
      THEN 'udskrivningsprocent'
      WHEN 'Indbyggertal 1. januar'
      THEN 'indbyggertal'
    END AS metric_id,
    figure,
    year
  FROM latest
  QUALIFY
    year >= (
      MAX(year) OVER (
        PARTITION BY CASE
          WHEN figure IN ('Serviceudgifter pr. indb.', 'Udskrivningsprocent')
          THEN 'oekonomi_skat'
          WHEN figure IN ('Indbyggertal 1. januar')
          THEN 'befolkning'
        END
      ) - 2
    )
), cells AS (
  SELECT
    c.metric_id,
    o.figure,
    o.municipality_code,
    o.municipality,
    o.year,
    o.value,
    o.status,
    o.role
  FROM own AS o
  JOIN chosen AS c
    ON c.figure = o.figure AND c.year = o.year
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
    NULL AS n_values,
    NULL AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM cells
  UNION ALL
  SELECT
    c.metric_id AS metric_id,
    NULL AS municipality_code,
    'neighbours' AS municipality,
    c.year AS year,
    CASE
      WHEN c.metric_id IN ('indbyggertal')
      THEN SUM(c.value)
      ELSE SUM(c.value * w.persons) / SUM(CASE WHEN NOT c.value IS NULL THEN w.persons END)
    END AS value,
    'computed' AS status,
    'group' AS role,
    COUNT(c.value) AS n_values,
    COUNT(*) AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM cells AS c
  LEFT JOIN population_groups AS w
    ON w.group_id = CASE
      WHEN c.metric_id IN ('serviceudgifter_pr_indb')
      THEN 'indbyggere'
      WHEN c.metric_id IN ('udskrivningsprocent')
      THEN 'skattegrundlag'
    END
    AND w.municipality_code = c.municipality_code
    AND w.year = c.year
  WHERE
    c.role = 'member'
  GROUP BY
    c.metric_id,
    c.year
  UNION ALL
  SELECT
    c.metric_id AS metric_id,
    0 AS municipality_code,
    'Hele landet' AS municipality,
    n.year AS year,
    n.value AS value,
    n.status AS status,
    'national' AS role,
    NULL AS n_values,
    NULL AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM national AS n
  JOIN chosen AS c
    ON c.figure = n.figure AND c.year = n.year
) AS r
ORDER BY
  metric_id,
  year,
  CASE WHEN role = 'subject' THEN 0 WHEN role = 'member' THEN 1 ELSE 2 END,
  role,
  municipality_code
LIMIT 5000
