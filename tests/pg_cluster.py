"""A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl in a temporary directory, on a free port.

Debian's `postgresql` package keeps `initdb` and `pg_ctl` in /usr/lib/postgresql/<version>/bin (not on PATH).
PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user (`runuser`), with the
directory owned by that user. The superuser gets a random password; connections go over TCP on 127.0.0.1
(scram-sha-256), and the unix socket lives in the temporary directory.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PG_ROOTS = (Path("/usr/lib/postgresql"),)
RUN_AS = "postgres"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def find_bin_dir() -> Path:
    """The newest installed PostgreSQL's bin directory (or NOEGLETAL_PG_BIN)."""
    override = os.environ.get("NOEGLETAL_PG_BIN")
    if override:
        return Path(override)
    candidates = []
    for root in PG_ROOTS:
        if root.is_dir():
            for child in root.iterdir():
                if (child / "bin" / "initdb").exists() and child.name.split(".")[0].isdigit():
                    candidates.append((int(child.name.split(".")[0]), child / "bin"))
    on_path = shutil.which("initdb")
    if candidates:
        return max(candidates)[1]
    if on_path:
        return Path(on_path).parent
    raise PostgresUnavailable("PostgreSQL er ikke installeret (apt-get install -y postgresql)")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Cluster:
    directory: Path
    port: int
    user: str
    password: str
    database: str = "noegletal"

    def url(self, database: str | None = None, user: str | None = None, password: str | None = None) -> str:
        return (f"postgresql://{user or self.user}:{password or self.password}@127.0.0.1:{self.port}/"
                f"{database or self.database}")

    @property
    def socket_dir(self) -> Path:
        return self.directory / "socket"


def _runner() -> list[str]:
    """Prefix for running the server binaries: as `postgres` when we are root."""
    if os.geteuid() != 0:
        return []
    pwd.getpwnam(RUN_AS)  # KeyError: no such user (the postgresql package creates it)
    runuser = shutil.which("runuser")
    return [runuser, "-u", RUN_AS, "--"] if runuser else ["su", RUN_AS, "-s", "/bin/sh", "-c"]


def _run(prefix: list[str], args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    if prefix and prefix[0] == "su":
        import shlex

        command = prefix + [" ".join(shlex.quote(a) for a in args)]
    else:
        command = prefix + args
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload,no-any-return]


@contextmanager
def throwaway_cluster(database: str = "noegletal") -> Iterator[Cluster]:
    """Start a fresh cluster; yield it; stop it and delete every file at the end."""
    bin_dir = find_bin_dir()
    prefix = _runner()
    directory = Path(tempfile.mkdtemp(prefix="noegletal-pg-"))
    data, sockets, log = directory / "data", directory / "socket", directory / "server.log"
    sockets.mkdir()
    password = secrets.token_urlsafe(18)
    pwfile = directory / "pwfile"
    pwfile.write_text(password + "\n")
    if prefix:
        owner = pwd.getpwnam(RUN_AS)
        for path in (directory, sockets, pwfile):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    os.chmod(directory, 0o700)
    user = "postgres"
    started = False
    try:
        _run(prefix, [str(bin_dir / "initdb"), "-D", str(data), "-U", user, "--pwfile", str(pwfile),
                      "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8",
                      "--locale=C", "--no-sync"])
        pwfile.unlink()
        port = free_port()
        options = (f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100 "
                   "-c shared_buffers=64MB")
        _run(prefix, [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                      "-o", options, "start"])
        started = True
        cluster = Cluster(directory, port, user, password, database)
        import psycopg

        with psycopg.connect(cluster.url(database="postgres"), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{database}"')
        yield cluster
    finally:
        if started:
            try:
                _run(prefix, [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(directory, ignore_errors=True)
