"""FastAPI dependencies as Annotated aliases, in the style of the FastAPI full-stack template."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.service import Assistant
from noegletal.settings import Settings, get_settings
from noegletal.wiring import get_assistant


def is_htmx(request: Request) -> bool:
    """True for a request sent by htmx (it wants a partial, not a whole page)."""
    return request.headers.get("HX-Request", "").lower() == "true"


AssistantDep = Annotated[Assistant, Depends(get_assistant)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
HtmxDep = Annotated[bool, Depends(is_htmx)]
