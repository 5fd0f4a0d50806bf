"""One parser for the whole test session: building it (spaCy, matchers, term index) takes seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from intents import Parser, places_from_csv
from semantic_layer.loader import load_catalog

KOMMUNER = Path("/work/shared/data/reference/kommuner.csv")
DEV = Path("/work/shared/questions/dev.yaml")


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture(scope="session")
def places():
    return places_from_csv(KOMMUNER)


@pytest.fixture(scope="session")
def parser(catalog, places):
    return Parser(catalog, places)
