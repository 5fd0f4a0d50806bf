"""Read-only query client: one connection per thread, no external access, a time limit and a row cap."""

from __future__ import annotations

import atexit
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from warehouse.errors import QueryError

# The bound on the project's own reference look-ups (figures, vintages, notes, neighbours): far above the
# warehouse's few thousand reference rows, so they are read whole, while answers obey the row cap.
MAX_REFERENCE_ROWS = 1_000_000


@dataclass
class Results:
    """A small result set, like Datasette's: columns, rows and whether the cap cut it."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool = False
    elapsed_ms: float = 0.0
    sql: str = ""
    params: list[Any] = field(default_factory=list)

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


class Warehouse:
    """Opens the DuckDB file read-only per thread; reopens transparently when the file is swapped (and then
    every thread reads the new file: see `_connect`)."""

    dialect = "duckdb"  # the SQL dialect the guard writes for this engine

    def __init__(self, path: Path, timeout_s: float = 5.0, row_cap: int = 5000) -> None:
        if not path.exists():
            raise QueryError(f"Lageret {path} findes ikke; kør 'noegletal build'.")
        self.path = path
        self.timeout_s = timeout_s
        self.row_cap = row_cap
        self._local = threading.local()
        # One watchdog for all threads: cheaper than a timer thread per query.
        self._deadlines: dict[int, tuple[float, duckdb.DuckDBPyConnection]] = {}
        # every thread's connection with the file it opened (inode, mtime), so close() reaches them all and a
        # swapped file can retire the old ones; `_busy` counts the queries running on each connection
        self._connections: dict[int, tuple[duckdb.DuckDBPyConnection, tuple[int, int]]] = {}
        self._busy: dict[int, int] = {}
        self._registry_lock = threading.Lock()
        self._idle = threading.Condition(self._registry_lock)
        self._open_lock = threading.Lock()
        self._stop = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="warehouse-watchdog", daemon=True)
        self._watchdog.start()
        atexit.register(self.close)

    def _watch(self) -> None:
        while not self._stop.wait(min(0.05, self.timeout_s / 4)):
            now = time.monotonic()
            for key, (deadline, con) in list(self._deadlines.items()):
                if now > deadline:
                    self._deadlines.pop(key, None)
                    con.interrupt()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """This thread's connection to the file now at `path`, marked busy (release with `_release`).

        DuckDB's Python client shares one database instance between all connections to a path while any of
        them is open (its instance cache). After `noegletal build` has swapped the file, a new connection
        would therefore still read the old file as long as another thread's connection to it lives. So the
        first thread to see the new file closes every other thread's connection to the old one (waiting for
        queries still running on them, at most the time limit) before it connects."""
        info = self.path.stat()
        stamp = info.st_ino, info.st_mtime_ns
        with self._registry_lock:
            con = getattr(self._local, "con", None)
            if con is not None and getattr(self._local, "stamp", None) == stamp and id(con) in self._connections:
                self._busy[id(con)] = self._busy.get(id(con), 0) + 1
                return con
        with self._open_lock:
            self._retire(stamp)
            con = duckdb.connect(str(self.path), read_only=True, config={
                "enable_external_access": False,
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
                "threads": 1,
            })
            # Connections of one process share the database instance: lock it once, not per thread.
            if not con.execute("SELECT current_setting('lock_configuration')").fetchone()[0]:  # type: ignore[index]
                con.execute("SET lock_configuration = true")
            with self._registry_lock:
                self._connections[id(con)] = (con, stamp)
                self._busy[id(con)] = 1
        self._local.con = con
        self._local.stamp = stamp
        return con

    def _retire(self, stamp: tuple[int, int]) -> None:
        """Close every connection to a file other than `stamp` (this thread's too), once it is idle."""
        deadline = time.monotonic() + self.timeout_s + 1.0
        with self._registry_lock:
            while True:
                old = [key for key, (_, opened) in self._connections.items() if opened != stamp]
                idle = [key for key in old if not self._busy.get(key)]
                for key in idle:
                    con, _ = self._connections.pop(key)
                    self._busy.pop(key, None)
                    try:
                        con.close()
                    except duckdb.Error:
                        pass
                if len(idle) == len(old) or time.monotonic() > deadline:
                    return  # past the deadline a stuck query keeps its connection (and the old file) alive
                self._idle.wait(timeout=0.05)

    def _release(self, con: duckdb.DuckDBPyConnection) -> None:
        with self._registry_lock:
            left = self._busy.get(id(con), 1) - 1
            if left > 0:
                self._busy[id(con)] = left
            else:
                self._busy.pop(id(con), None)
                self._idle.notify_all()

    def query(self, sql: str, params: list[Any] | None = None, *, capped: bool = True) -> Results:
        """Run one statement; stops it after the time limit and cuts the rows at the cap. `capped=False` is for
        the project's own reference look-ups at start (the catalog's figures, vintages, notes), which must be
        read whole whatever cap the answers have."""
        cap = self.row_cap if capped else MAX_REFERENCE_ROWS
        con = self._connect()
        started = time.perf_counter()
        key = threading.get_ident()
        self._deadlines[key] = (time.monotonic() + self.timeout_s, con)
        try:
            cursor = con.execute(sql, params or [])
            if cursor is None:  # DuckDB returns no cursor for an empty statement
                raise QueryError("Forespørgslen er tom.")
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchmany(cap + 1)
        except (duckdb.InterruptException, KeyboardInterrupt) as exc:
            raise QueryError(f"Forespørgslen tog mere end {self.timeout_s:g} s og blev stoppet.") from exc
        except duckdb.Error as exc:
            try:  # a failed statement inside a transaction poisons the connection: roll it back
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass
            raise QueryError(f"Forespørgslen fejlede: {str(exc).splitlines()[0]}") from exc
        finally:
            self._deadlines.pop(key, None)
            self._release(con)
        truncated = len(rows) > cap
        return Results(columns, rows[:cap], truncated, (time.perf_counter() - started) * 1000, sql,
                       params or [])

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        result = self.query(sql, params)
        return result.rows[0][0] if result.rows else None

    def version(self) -> Any:
        """Changes when `noegletal build` swaps in a new file (cached results are keyed by it)."""
        return self.path.stat().st_mtime_ns

    def close(self) -> None:
        """Stop the watchdog and close every thread's connection (a clean exit for DuckDB's threads)."""
        self._stop.set()
        self._deadlines.clear()
        if self._watchdog.is_alive() and self._watchdog is not threading.current_thread():
            self._watchdog.join(timeout=1)
        with self._registry_lock:
            connections, self._connections = self._connections, {}
            self._busy.clear()
        for con, _ in connections.values():
            try:
                con.close()
            except duckdb.Error:
                pass
        self._local = threading.local()
