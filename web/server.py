"""Start the web server (called by noegletal/cli.py)."""

from __future__ import annotations

import uvicorn

from noegletal.settings import get_settings


def run(host: str | None = None, port: int | None = None, workers: int | None = None) -> None:
    """Serve `web.app:create_app` with uvicorn; defaults come from NOEGLETAL_HOST/PORT/WORKERS."""
    settings = get_settings()
    uvicorn.run(
        "web.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        proxy_headers=False,
        log_level="info",
        access_log=False,  # one log line per answer costs measurable CPU under load
    )


if __name__ == "__main__":
    run()
