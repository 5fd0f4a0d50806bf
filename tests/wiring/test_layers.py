"""The packages import downstream only, and only noegletal/ reads the settings (issue 12, item 6).

Data flows question -> intents -> semantic_layer -> warehouse -> assistant -> web; each package may import
the ones it builds on and never one that builds on it. Read from the source with `ast`, so a lazy import
inside a function counts as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from noegletal.settings import REPO_ROOT, Settings
from noegletal.wiring import build_assistant

# What each package may import from the project (besides itself).
ALLOWED = {
    "warehouse": {"warehouse"},
    "semantic_layer": {"warehouse"},  # the schema the guard qualifies against, the engine's SQL dialect
    "intents": {"semantic_layer", "warehouse"},  # the spec it produces; the reference list of places
    "assistant": {"intents", "semantic_layer", "warehouse"},
    "web": {"assistant", "intents", "semantic_layer", "warehouse", "noegletal"},  # get_assistant, Settings
    "noegletal": {"assistant", "intents", "semantic_layer", "warehouse", "web", "bench"},
}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_point_downstream(package: str) -> None:
    project = set(ALLOWED)
    wrong = {str(path.relative_to(REPO_ROOT)): sorted((_imports(path) & project) - ALLOWED[package] - {package})
             for path in (REPO_ROOT / package).rglob("*.py")}
    assert {k: v for k, v in wrong.items() if v} == {}


def test_settings_and_cli_live_in_the_wiring_package() -> None:
    assert not (REPO_ROOT / "web" / "cli.py").exists()
    assert not (REPO_ROOT / "warehouse" / "settings.py").exists()
    for package in ("warehouse", "semantic_layer", "intents", "assistant"):
        for path in (REPO_ROOT / package).rglob("*.py"):
            assert "pydantic_settings" not in _imports(path), path


def test_row_cap_setting_reaches_every_statement(tmp_path: Path) -> None:
    """NOEGLETAL_ROW_CAP limits the compiler's statements, the guard and the client alike."""
    from noegletal.settings import get_settings

    settings = get_settings().model_copy(update={"row_cap": 37, "conversation_dir": tmp_path})
    assistant = build_assistant(settings)
    try:
        answer = assistant.ask("Vis udskrivningsprocenten for alle kommuner på et kort")
        assert answer.sql is not None and answer.sql.rstrip().endswith("LIMIT 37")
        assert assistant.warehouse.row_cap == 37
        assert len(answer.observations) <= 37
        edited = assistant.run_sql("SELECT * FROM municipalities")
        assert edited.sql is not None and edited.sql.rstrip().endswith("LIMIT 37")
    finally:
        assistant.close()


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOEGLETAL_ROW_CAP", "123")
    assert Settings().row_cap == 123
