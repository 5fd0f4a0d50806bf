"""Intent parser: Danish questions about municipal key figures -> typed query specs."""

from intents.parser import Parser
from intents.places import Place, places_from_csv
from intents.result import ParseResult, Step

__all__ = ["Parser", "ParseResult", "Place", "Step", "places_from_csv"]
