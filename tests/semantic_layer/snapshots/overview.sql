-- spec: {"operation":"overview","metrics":[{"id":"serviceudgifter_pr_indb"},{"id":"udskrivningsprocent"},{"id":"indbyggertal"}],"municipalities":[210],"comparison":{"kind":"none","region_code":null,"similar_n":5},"years":{"kind":"latest","start":null,"end":null,"last_n":null,"quarter":null,"unit":null,"start_quarter":null,"end_quarter":null},"rank_n":10,"rank_order":"desc","rank_region":null,"benchmark":"country","include_national":true}
-- Overblik over Fredensborg: serviceudgifter, udskrivningsprocent og indbyggertal, seneste år
WITH own AS (
  SELECT
    o.figure,
    o.municipality_code,
    o.municipality,
    o.year,
    o.value,
    o.status,
    CASE WHEN o.municipality_code = 210 THEN 'subject' ELSE 'member' END AS role
  FROM latest_cells AS o
  WHERE
    o.municipality_code IN (
      SELECT
        210 AS municipality_code
      UNION ALL
      SELECT
        neighbour_code
      FROM neighbours
      WHERE
        municipality_code = 210
    )
), chosen AS (
  SELECT
    f.metric_id,
    l.figure,
    l.year
  FROM latest_cells AS l
  JOIN (VALUES
    ('Serviceudgifter pr. indb.', 'serviceudgifter_pr_indb', 'oekonomi_skat'),
    ('Udskrivningsprocent', 'udskrivningsprocent', 'oekonomi_skat'),
    ('Indbyggertal 1. januar', 'indbyggertal', 'befolkning')) AS f(figure, metric_id, theme)
    ON f.figure = l.figure
  WHERE
    l.municipality_code = 210 AND l.is_latest
  QUALIFY
    l.year >= (
      MAX(l.year) OVER (PARTITION BY f.theme) - 2
    )
), cells AS MATERIALIZED (
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
  FROM (
    SELECT
      metric_id,
      municipality_code,
      year,
      value,
      NULL AS code,
      'neighbours' AS label,
      'group' AS kind
    FROM cells
    WHERE
      role = 'member'
  ) AS c
  LEFT JOIN population_groups AS w
    ON w.group_id = CASE
      WHEN c.metric_id IN ('serviceudgifter_pr_indb')
      THEN 'indbyggere'
      WHEN c.metric_id IN ('udskrivningsprocent')
      THEN 'skattegrundlag'
    END
    AND w.municipality_code = c.municipality_code
    AND w.year = c.year
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
