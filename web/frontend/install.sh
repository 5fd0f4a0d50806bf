#!/usr/bin/env bash
# Install the browser libraries of the web layer (htmx, Vega, Vega-Lite, vega-embed, topojson-client,
# swagger-ui-dist for the offline /docs)
# from the npm registry into web/frontend/node_modules, exactly as pinned in package-lock.json.
# The app serves the needed dist files at /static/vendor/...; node_modules is git-ignored.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if ! command -v npm >/dev/null 2>&1; then
    echo "install.sh: npm not found; install Node.js (e.g. apt-get install -y nodejs npm) and run again." >&2
    exit 1
fi
# --ignore-scripts: none of these packages needs a build step (and swagger-ui-dist's telemetry hook stays off).
SCARF_ANALYTICS=false npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
echo "web/frontend: browser libraries installed in $(pwd)/node_modules"
