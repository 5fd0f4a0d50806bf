"""Routers of the web layer: the JSON API, the HTML pages and the downloads."""
