"""The warehouse schema, written for an analyst to read. Every table says what a row is."""

from __future__ import annotations

DDL = """
CREATE TABLE regions (
    region_code INTEGER PRIMARY KEY,      -- 1081-1085
    region_name VARCHAR NOT NULL
);
CREATE TABLE municipalities (
    municipality_code INTEGER PRIMARY KEY,  -- official code, e.g. 101 København
    municipality_name VARCHAR NOT NULL,
    region_code INTEGER NOT NULL
);
CREATE TABLE neighbours (                  -- land neighbours: DAGI polygons touch
    municipality_code INTEGER NOT NULL,
    neighbour_code INTEGER NOT NULL
);
CREATE TABLE sources (                     -- one row per loaded file
    source_id VARCHAR PRIMARY KEY,
    file VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,               -- publisher, table and where the copy came from
    publisher VARCHAR,
    export_date DATE,
    sha256 VARCHAR NOT NULL,
    rows_loaded INTEGER NOT NULL,
    series VARCHAR NOT NULL,               -- files published as one vintage: an export = itself; REGK31's yearly
                                           -- files = 'REGK31'; HFUDD11's six files = 'HFUDD11'
    period VARCHAR                         -- the periods the file holds, e.g. '1993–2024', '2021M10–2026M02'
);
CREATE TABLE source_notes (                -- the export's numbered notes and legend
    source_id VARCHAR NOT NULL,
    note_ref INTEGER,
    note_text VARCHAR NOT NULL
);
CREATE TABLE figures (                     -- one row per key figure per vintage
    figure VARCHAR NOT NULL,               -- the export's label, e.g. 'Udskrivningsprocent'
    source_id VARCHAR NOT NULL,
    national_kind VARCHAR NOT NULL,        -- average (Gennemsnit) | total (I alt) | none
    note_refs VARCHAR NOT NULL,            -- refs on the national row, e.g. '6,15'
    first_year INTEGER,
    last_year INTEGER,
    source_line INTEGER NOT NULL,
    frequency VARCHAR NOT NULL DEFAULT 'year'  -- year | quarter (quarterly figures: quarterly_observations)
);
CREATE TABLE facts (                       -- every cell of every vintage
    figure VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    municipality_code INTEGER NOT NULL,
    year INTEGER NOT NULL,
    value DOUBLE,                          -- NULL unless status is value/zero/yes/no
    status VARCHAR NOT NULL,               -- value | zero | missing | undefined | yes | no
    note_refs VARCHAR NOT NULL
);
CREATE TABLE national_figures (            -- the ministry's published national figure (code 0)
    figure VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    value DOUBLE,
    status VARCHAR NOT NULL
);
CREATE TABLE current_vintage (             -- the newest vintage of each figure; used for ALL its years
    figure VARCHAR PRIMARY KEY,
    source_id VARCHAR NOT NULL,            -- its (newest) file; the files of the vintage are in vintage_parts
    export_date DATE
);
CREATE TABLE vintage_parts (               -- which file each year of each figure's answers is read from
    figure VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    first_year INTEGER,                    -- years with values in this file
    last_year INTEGER,
    kind VARCHAR NOT NULL,                 -- vintage: the current vintage's file(s), all their years |
                                           -- continuation: a later source for first_year-last_year only
    checked VARCHAR                        -- for a continuation: the check that it is the same statistic
);
CREATE TABLE quarterly_observations (      -- quarterly figures (Statbank AUK01, STRAF11, LBESK69), one file each
    figure VARCHAR NOT NULL,               -- e.g. 'Kontanthjælpsmodtagere (nettoledige), kvartal'
    municipality_code INTEGER NOT NULL,
    year INTEGER NOT NULL,
    quarter INTEGER NOT NULL,              -- 1-4
    value DOUBLE,
    status VARCHAR NOT NULL,               -- value | zero | missing
    source_id VARCHAR NOT NULL
);
CREATE TABLE quarterly_national (          -- the country: Statistics Denmark's All Denmark (rates: over the country)
    figure VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    quarter INTEGER NOT NULL,
    value DOUBLE,
    status VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL
);
CREATE TABLE population (                  -- inhabitants 1 January; code 0 = sum of the 98
    municipality_code INTEGER NOT NULL,
    year INTEGER NOT NULL,
    population DOUBLE NOT NULL
);
CREATE TABLE population_groups (           -- weights for group averages
    group_id VARCHAR NOT NULL,             -- indbyggere, 0-13, 65+, 17-64/66, skattegrundlag, areal ...
    municipality_code INTEGER NOT NULL,
    year INTEGER NOT NULL,
    persons DOUBLE NOT NULL,               -- size of the group (kr. for skattegrundlag, km2 for areal)
    basis_year INTEGER NOT NULL            -- year of the share used; differs from year when extrapolated
);
CREATE TABLE population_by_month (        -- Statistics Denmark FOLK1AM: residents on the first day of a month
    area_code INTEGER NOT NULL,            -- 0 = All Denmark (incl. Christiansø), else municipality
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    persons INTEGER NOT NULL
);
CREATE TABLE population_by_age (           -- Statistics Denmark FOLK1A, single ages 65+
    area_code INTEGER NOT NULL,            -- 0 = All Denmark, 1081-1085 regions, else municipality
    age INTEGER NOT NULL,
    year INTEGER NOT NULL,
    persons INTEGER NOT NULL
);
-- Precomputed at the end of the build by the catalog's own statements (noegletal build; nothing new, only the
-- rows those statements give on this warehouse). Empty when the build ran without the catalog.
CREATE TABLE overview_rows (               -- the budget-seminar overview of each municipality (subject_code): the
    subject_code INTEGER NOT NULL,         -- rows the overview statement gives for it, one per figure, year and
    metric_id VARCHAR NOT NULL,            -- place (the subject, each neighbour, the neighbours' average, the
    municipality_code INTEGER,             -- country); the columns are the answer's
    municipality VARCHAR,
    year INTEGER,
    value DOUBLE,
    status VARCHAR,
    role VARCHAR,                          -- subject | member | group | national
    n_values BIGINT,                       -- a group row: members with a value
    n_members BIGINT,                      -- a group row: members
    rank BIGINT,
    weight DOUBLE
);
CREATE TABLE derived_tables (              -- what made each precomputed table
    name VARCHAR PRIMARY KEY,              -- e.g. overview_rows
    fingerprint VARCHAR NOT NULL,          -- sha256 of the statement that made it; the catalog compares its own
    definition VARCHAR NOT NULL,           -- that statement, for one municipality (subject_code = 0 stands in)
    rows_written BIGINT NOT NULL
);
"""

# Tables answers are built from: the current vintage only (and its checked continuation). Materialised for speed.
CURRENT_DDL = """
-- `municipality` is the municipality's name, copied from municipalities (derived in the same build; the
-- answers read a cell and its name without a join).
CREATE TABLE observations AS
SELECT f.figure, f.municipality_code, m.municipality_name AS municipality, f.year, f.value, f.status, f.note_refs,
       f.source_id
FROM facts AS f JOIN vintage_parts AS p ON f.figure = p.figure AND f.source_id = p.source_id
LEFT JOIN municipalities AS m ON m.municipality_code = f.municipality_code
WHERE p.kind = 'vintage' OR f.year BETWEEN p.first_year AND p.last_year
ORDER BY f.figure, f.year, f.municipality_code;  -- sorted: zone maps skip other figures
-- Derived from observations in the same build (a subset of its rows, nothing new): every cell of a figure in a
-- year that is some municipality's latest year with a value for the figure. The overview reads a municipality's
-- latest years (is_latest), its neighbours' cells and all 98 cells for a computed national figure from here.
CREATE TABLE latest_cells AS
WITH latest AS (SELECT figure, municipality_code, max(year) AS year FROM observations
                WHERE value IS NOT NULL GROUP BY figure, municipality_code)
SELECT o.figure, o.municipality_code, o.municipality, o.year, o.value, o.status,
       l.year IS NOT NULL AS is_latest   -- this year is this municipality's latest with a value
FROM observations AS o
LEFT JOIN latest AS l ON l.figure = o.figure AND l.municipality_code = o.municipality_code AND l.year = o.year
WHERE (o.figure, o.year) IN (SELECT figure, year FROM latest)
ORDER BY o.figure, o.year, o.municipality_code;
CREATE TABLE national AS
SELECT n.figure, n.year, n.value, n.status, n.source_id
FROM national_figures AS n JOIN vintage_parts AS p ON n.figure = p.figure AND n.source_id = p.source_id
WHERE p.kind = 'vintage' OR n.year BETWEEN p.first_year AND p.last_year
ORDER BY n.figure, n.year;
"""

# The columns an analyst (or the compiler) may read. The SQL guard qualifies against this.
PUBLIC_SCHEMA: dict[str, dict[str, str]] = {
    "regions": {"region_code": "INT", "region_name": "TEXT"},
    "municipalities": {"municipality_code": "INT", "municipality_name": "TEXT", "region_code": "INT"},
    "neighbours": {"municipality_code": "INT", "neighbour_code": "INT"},
    "sources": {"source_id": "TEXT", "file": "TEXT", "origin": "TEXT", "publisher": "TEXT",
                "export_date": "DATE", "sha256": "TEXT", "rows_loaded": "INT", "series": "TEXT", "period": "TEXT"},
    "source_notes": {"source_id": "TEXT", "note_ref": "INT", "note_text": "TEXT"},
    "figures": {"figure": "TEXT", "source_id": "TEXT", "national_kind": "TEXT", "note_refs": "TEXT",
                "first_year": "INT", "last_year": "INT", "source_line": "INT", "frequency": "TEXT"},
    "facts": {"figure": "TEXT", "source_id": "TEXT", "municipality_code": "INT", "year": "INT",
              "value": "DOUBLE", "status": "TEXT", "note_refs": "TEXT"},
    "national_figures": {"figure": "TEXT", "source_id": "TEXT", "year": "INT", "value": "DOUBLE",
                         "status": "TEXT"},
    "current_vintage": {"figure": "TEXT", "source_id": "TEXT", "export_date": "DATE"},
    "vintage_parts": {"figure": "TEXT", "source_id": "TEXT", "first_year": "INT", "last_year": "INT", "kind": "TEXT",
                      "checked": "TEXT"},
    "observations": {"figure": "TEXT", "municipality_code": "INT", "municipality": "TEXT", "year": "INT",
                     "value": "DOUBLE", "status": "TEXT", "note_refs": "TEXT", "source_id": "TEXT"},
    "latest_cells": {"figure": "TEXT", "municipality_code": "INT", "municipality": "TEXT", "year": "INT",
                     "value": "DOUBLE", "status": "TEXT", "is_latest": "BOOLEAN"},
    "national": {"figure": "TEXT", "year": "INT", "value": "DOUBLE", "status": "TEXT", "source_id": "TEXT"},
    "quarterly_observations": {"figure": "TEXT", "municipality_code": "INT", "year": "INT", "quarter": "INT",
                               "value": "DOUBLE", "status": "TEXT", "source_id": "TEXT"},
    "quarterly_national": {"figure": "TEXT", "year": "INT", "quarter": "INT", "value": "DOUBLE", "status": "TEXT",
                           "source_id": "TEXT"},
    "population": {"municipality_code": "INT", "year": "INT", "population": "DOUBLE"},
    "population_groups": {"group_id": "TEXT", "municipality_code": "INT", "year": "INT",
                          "persons": "DOUBLE", "basis_year": "INT"},
    "population_by_month": {"area_code": "INT", "year": "INT", "month": "INT", "persons": "INT"},
    "population_by_age": {"area_code": "INT", "age": "INT", "year": "INT", "persons": "INT"},
    "overview_rows": {"subject_code": "INT", "metric_id": "TEXT", "municipality_code": "INT", "municipality": "TEXT",
                      "year": "INT", "value": "DOUBLE", "status": "TEXT", "role": "TEXT", "n_values": "BIGINT",
                      "n_members": "BIGINT", "rank": "BIGINT", "weight": "DOUBLE"},
    "derived_tables": {"name": "TEXT", "fingerprint": "TEXT", "definition": "TEXT", "rows_written": "BIGINT"},
}
