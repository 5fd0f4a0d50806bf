-- spec: {"operation":"overview","metrics":[{"id":"serviceudgifter_pr_indb"},{"id":"udskrivningsprocent"},{"id":"indbyggertal"}],"municipalities":[210],"comparison":{"kind":"none","region_code":null,"similar_n":5},"years":{"kind":"latest","start":null,"end":null,"last_n":null,"quarter":null,"unit":null},"rank_n":10,"rank_order":"desc","rank_region":null,"benchmark":"country","include_national":true}
-- Overblik over Fredensborg: serviceudgifter, udskrivningsprocent og indbyggertal, seneste år
WITH cells AS (
  SELECT
    *
  FROM observations
  WHERE
    figure IN ('Serviceudgifter pr. indb.', 'Udskrivningsprocent', 'Indbyggertal 1. januar')
), published AS (
  SELECT
    *
  FROM national
  WHERE
    figure IN ('Serviceudgifter pr. indb.', 'Udskrivningsprocent', 'Indbyggertal 1. januar')
), weights AS (
  SELECT
    *
  FROM population_groups
  WHERE
    group_id IN ('indbyggere', 'skattegrundlag')
), metric_map AS (
  SELECT
    *
  FROM (VALUES
    ('serviceudgifter_pr_indb', 'Serviceudgifter pr. indb.', 'indbyggere', 'weighted'),
    ('udskrivningsprocent', 'Udskrivningsprocent', 'skattegrundlag', 'weighted'),
    ('indbyggertal', 'Indbyggertal 1. januar', NULL, 'sum')) AS mm(metric_id, figure, weight_group, aggregation)
), members AS (
  SELECT
    210 AS municipality_code,
    'subject' AS role
  UNION ALL
  SELECT
    neighbour_code AS municipality_code,
    'member' AS role
  FROM neighbours
  WHERE
    municipality_code = 210
), years AS (
  SELECT DISTINCT
    mm.metric_id,
    o.year
  FROM cells AS o
  JOIN metric_map AS mm
    ON o.figure = mm.figure
  WHERE
    NOT o.value IS NULL AND o.municipality_code = 210
  QUALIFY
    o.year = MAX(o.year) OVER (PARTITION BY mm.metric_id)
), obs AS (
  SELECT
    mm.metric_id AS metric_id,
    o.municipality_code AS municipality_code,
    mu.municipality_name AS municipality,
    o.year AS year,
    o.value AS value,
    o.status AS status,
    mb.role AS role,
    NULL AS n_values,
    NULL AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM cells AS o
  JOIN metric_map AS mm
    ON o.figure = mm.figure
  JOIN years AS y
    ON y.metric_id = mm.metric_id AND y.year = o.year
  JOIN members AS mb
    ON mb.municipality_code = o.municipality_code
  JOIN municipalities AS mu
    ON mu.municipality_code = o.municipality_code
), grp AS (
  SELECT
    g.metric_id AS metric_id,
    NULL AS municipality_code,
    'neighbours' AS municipality,
    g.year AS year,
    CASE
      WHEN ANY_VALUE(mm.aggregation) = 'sum'
      THEN SUM(g.value)
      WHEN ANY_VALUE(mm.aggregation) = 'weighted'
      THEN SUM(g.value * w.persons) / SUM(CASE WHEN NOT g.value IS NULL THEN w.persons END)
      ELSE AVG(g.value)
    END AS value,
    'computed' AS status,
    'group' AS role,
    COUNT(g.value) AS n_values,
    COUNT(*) AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM obs AS g
  JOIN metric_map AS mm
    ON mm.metric_id = g.metric_id
  LEFT JOIN weights AS w
    ON w.group_id = mm.weight_group
    AND w.municipality_code = g.municipality_code
    AND w.year = g.year
  WHERE
    g.role = 'member'
  GROUP BY
    g.metric_id,
    g.year
), nat AS (
  SELECT
    mm.metric_id AS metric_id,
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
  FROM published AS n
  JOIN metric_map AS mm
    ON n.figure = mm.figure
  JOIN years AS y
    ON y.metric_id = mm.metric_id AND y.year = n.year
  UNION ALL
  SELECT
    g.metric_id AS metric_id,
    0 AS municipality_code,
    'Hele landet (beregnet)' AS municipality,
    g.year AS year,
    CASE
      WHEN ANY_VALUE(mm.aggregation) = 'sum'
      THEN SUM(g.value)
      WHEN ANY_VALUE(mm.aggregation) = 'weighted'
      THEN SUM(g.value * w.persons) / SUM(CASE WHEN NOT g.value IS NULL THEN w.persons END)
      ELSE AVG(g.value)
    END AS value,
    'computed' AS status,
    'national' AS role,
    COUNT(g.value) AS n_values,
    COUNT(*) AS n_members,
    NULL AS rank,
    NULL AS weight
  FROM (
    SELECT
      mm.metric_id,
      o.municipality_code,
      o.year,
      o.value
    FROM cells AS o
    JOIN metric_map AS mm
      ON o.figure = mm.figure
    JOIN years AS y
      ON y.metric_id = mm.metric_id AND y.year = o.year
    WHERE
      NOT EXISTS(
        SELECT
          1
        FROM published AS n2
        WHERE
          n2.figure = mm.figure AND n2.year = o.year AND NOT n2.value IS NULL
      )
  ) AS g
  JOIN metric_map AS mm
    ON mm.metric_id = g.metric_id
  LEFT JOIN weights AS w
    ON w.group_id = mm.weight_group
    AND w.municipality_code = g.municipality_code
    AND w.year = g.year
  GROUP BY
    g.metric_id,
    g.year
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
  FROM obs
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
  metric_id,
  year,
  CASE WHEN role = 'subject' THEN 0 WHEN role = 'member' THEN 1 ELSE 2 END,
  role,
  municipality_code
LIMIT 5000
