"""Peer-bench adapter: Nøgletal, a new question of a prepared shape: bind and run (see runner.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from runner import Runner  # noqa: E402

NAME = "Nøgletal bound"


def make_runner(db_path: str) -> Runner:
    return Runner(db_path, "bound")
