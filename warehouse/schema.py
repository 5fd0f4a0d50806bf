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
CREATE TABLE sources (                     -- one row per loaded file = one vintage
    source_id VARCHAR PRIMARY KEY,
    file VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    publisher VARCHAR,
    export_date DATE,
    sha256 VARCHAR NOT NULL,
    rows_loaded INTEGER NOT NULL
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
    source_line INTEGER NOT NULL
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
    source_id VARCHAR NOT NULL,
    export_date DATE
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
CREATE TABLE population_by_age (           -- Statistics Denmark FOLK1A, single ages 65+
    area_code INTEGER NOT NULL,            -- 0 = All Denmark, 1081-1085 regions, else municipality
    age INTEGER NOT NULL,
    year INTEGER NOT NULL,
    persons INTEGER NOT NULL
);
"""

# Tables answers are built from: the newest vintage only. Materialised for speed.
CURRENT_DDL = """
CREATE TABLE observations AS
SELECT f.figure, f.municipality_code, f.year, f.value, f.status, f.note_refs, f.source_id
FROM facts AS f JOIN current_vintage AS c ON f.figure = c.figure AND f.source_id = c.source_id
ORDER BY f.figure, f.year, f.municipality_code;  -- sorted: zone maps skip other figures
CREATE TABLE national AS
SELECT n.figure, n.year, n.value, n.status, n.source_id
FROM national_figures AS n JOIN current_vintage AS c ON n.figure = c.figure AND n.source_id = c.source_id
ORDER BY n.figure, n.year;
"""

# The columns an analyst (or the compiler) may read. The SQL guard qualifies against this.
PUBLIC_SCHEMA: dict[str, dict[str, str]] = {
    "regions": {"region_code": "INT", "region_name": "TEXT"},
    "municipalities": {"municipality_code": "INT", "municipality_name": "TEXT", "region_code": "INT"},
    "neighbours": {"municipality_code": "INT", "neighbour_code": "INT"},
    "sources": {"source_id": "TEXT", "file": "TEXT", "origin": "TEXT", "publisher": "TEXT",
                "export_date": "DATE", "sha256": "TEXT", "rows_loaded": "INT"},
    "source_notes": {"source_id": "TEXT", "note_ref": "INT", "note_text": "TEXT"},
    "figures": {"figure": "TEXT", "source_id": "TEXT", "national_kind": "TEXT", "note_refs": "TEXT",
                "first_year": "INT", "last_year": "INT", "source_line": "INT"},
    "facts": {"figure": "TEXT", "source_id": "TEXT", "municipality_code": "INT", "year": "INT",
              "value": "DOUBLE", "status": "TEXT", "note_refs": "TEXT"},
    "national_figures": {"figure": "TEXT", "source_id": "TEXT", "year": "INT", "value": "DOUBLE",
                         "status": "TEXT"},
    "current_vintage": {"figure": "TEXT", "source_id": "TEXT", "export_date": "DATE"},
    "observations": {"figure": "TEXT", "municipality_code": "INT", "year": "INT", "value": "DOUBLE",
                     "status": "TEXT", "note_refs": "TEXT", "source_id": "TEXT"},
    "national": {"figure": "TEXT", "year": "INT", "value": "DOUBLE", "status": "TEXT", "source_id": "TEXT"},
    "population": {"municipality_code": "INT", "year": "INT", "population": "DOUBLE"},
    "population_groups": {"group_id": "TEXT", "municipality_code": "INT", "year": "INT",
                          "persons": "DOUBLE", "basis_year": "INT"},
    "population_by_age": {"area_code": "INT", "age": "INT", "year": "INT", "persons": "INT"},
}
