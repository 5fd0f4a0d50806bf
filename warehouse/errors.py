"""Errors that name the file and line, so a broken export is found in one look."""

from __future__ import annotations


class DataError(Exception):
    """A source file cannot be loaded; `where` is `file:line`."""

    def __init__(self, message: str, where: str) -> None:
        super().__init__(f"{where}: {message}")
        self.message = message
        self.where = where


class QueryError(Exception):
    """A query failed or was refused; the message is Danish and safe to show."""
