"""`noegletal bench`: how fast is an answer, in-process and over HTTP, and how fast does the server start?

Sections (each written to bench/RESULTS.md):
1. In-process: the dev questions (cases and conversation turns) plus bench/questions.yaml through
   Assistant.ask in three cache states, reported in this order: *cold* (every cache emptied before each ask:
   compiled specs, prepared shapes, results, the guard's; `Assistant.clear_caches`), *new* (compile and result
   caches emptied; prepared shapes kept, so a known shape only binds its values) and *repeat*; median/p95 of
   parse, compile, execute (DuckDB), render and total. Then the peer benchmark's single-figure and trend cases
   (cold compile + guard + execute against the bare DuckDB query), and compile cold (the uncached
   `compiler._compile`, with and without the tree guard) and warm against MetricFlow's ~7 ms per compile.
2. HTTP: `noegletal serve --port P --workers N` as a subprocess, /api/ask loaded by 1, 8 and 32 keep-alive
   clients (threads, http.client) for 20 s each; requests/s, p50/p95/p99, errors, resident memory.
3. Cold start (launch -> first answered question) and warehouse build time.
4. DuckDB vs PostgreSQL: the same questions in process on each engine (median/p95 per kind of question, and
   whether both give the same numbers), then `noegletal serve` on each with 1, 2 and 4 workers at 8 and 32
   clients (10 s per level), and the resident memory of every worker. PostgreSQL is NOEGLETAL_DATABASE_URL
   when given, else a throwaway cluster started as the tests start one (tests/pg_cluster.py) and loaded from
   the DuckDB file.

Options: --quick (5 s per level, a quarter of the generated questions), --workers 1,2, --clients 1,8,32,
--duration S, --skip-http, --skip-cold, --profile (cProfile of the in-process run into bench/profile.txt),
--out PATH; for section 4: --engines duckdb,postgresql, --engine-workers 1,2,4, --engine-clients 8,32,
--engine-duration S, --skip-engines, --only-engines (run section 4 alone and keep the file's other sections).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import http.client
import io
import json
import math
import os
import platform
import pstats
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from noegletal.settings import REPO_ROOT, get_settings

BENCH_DIR = Path(__file__).resolve().parent
QUESTIONS_FILE = BENCH_DIR / "questions.yaml"
DEV_FILE = REPO_ROOT.parent / "shared" / "questions" / "dev.yaml"
METRICFLOW_COMPILE_MS = 7.0
# MetricFlow's compile measured in the same process as this project's by the peer benchmark
# (../shared/bench/metricflow/results/ask_timing.txt: 10.4-12.5 ms for the five questions, median of medians).
METRICFLOW_COMPILE_INPROCESS_MS = 11.6
TARGETS = {"parse_median_ms": 5.0, "total_median_ms": 20.0, "compile_speedup": 7.0, "rps_8_clients": 150.0,
           "overview_ms": 15.0}
STAGES = ("parse", "compile", "execute", "render", "total")
PROBE_QUESTION = "Hvad var udskrivningsprocenten i Gentofte i 2023?"
ANSWER_PREFIXES = (b'{"status":"answer"', b'{"status":"clarify"', b'{"status":"refuse"')


# -- small helpers -----------------------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def fmt(value: float, digits: int = 2) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def machine() -> dict[str, str]:
    import duckdb

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {"date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"), "nproc": str(os.cpu_count()),
            "load": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
            "cpu": cpu, "ram": ram, "python": platform.python_version(), "duckdb": duckdb.__version__,
            "os": platform.platform()}


@dataclass
class Question:
    q: str
    kind: str
    source: str  # dev | bench


def load_questions(quick: bool) -> tuple[list[Question], list[list[str]]]:
    """(single questions, conversations) from the dev file and bench/questions.yaml."""
    singles: list[Question] = []
    conversations: list[list[str]] = []
    if DEV_FILE.is_file():
        dev = yaml.safe_load(DEV_FILE.read_text(encoding="utf-8"))
        singles += [Question(c["q"], f"dev:{c['kind']}", "dev") for c in dev.get("cases", [])]
        conversations += [[t["q"] for t in conv] for conv in dev.get("conversations", [])]
    own = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))["questions"]
    if quick:
        own = own[::4]
    singles += [Question(item["q"], item["kind"], "bench") for item in own]
    return singles, conversations


# -- 1. in-process -----------------------------------------------------------------------------------------
MODES = {
    "cold": "cold: every cache emptied before each ask (compiled specs, prepared shapes, results, the guard's): "
            "a question never seen, of a shape never seen",
    "new": "new question: compile cache and result cache cleared before each ask (DuckDB runs every time); "
           "prepared shapes kept, so a question of a known shape binds its values instead of compiling",
    "repeat": "repeated question: the result served from the result cache (the values bound to their prepared shape)",
}


@dataclass
class Sample:
    mode: str  # cold | new | repeat
    kind: str
    status: str
    timings: dict[str, float]


@dataclass
class InProcess:
    samples: list[Sample] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    n_questions: int = 0
    n_turns: int = 0
    n_dev: int = 0
    rounds: int = 0
    startup_s: float = 0.0

    def of(self, mode: str) -> list[Sample]:
        return [s for s in self.samples if s.mode == mode]


def clear_every_cache(assistant: Any) -> None:
    """The cold mode: every cache an answer goes through is emptied (Assistant.clear_caches)."""
    assistant.clear_caches()


def clear_answer_caches(assistant: Any) -> None:
    """The new mode: forget compiled statements and cached results, so the next ask runs DuckDB (a prepared
    shape, kept, only binds the question's values)."""
    compile_fn: Any = getattr(assistant.compiler, "compile", None)
    if hasattr(compile_fn, "cache_clear"):
        compile_fn.cache_clear()
    results = getattr(assistant, "_results", None)
    if results is not None:
        with getattr(assistant, "_results_lock", threading.Lock()):
            results.clear()


def run_in_process(singles: list[Question], conversations: list[list[str]], rounds: int,
                   profile_path: Path | None) -> InProcess:
    from noegletal.wiring import get_assistant

    started = time.perf_counter()
    assistant = get_assistant()
    result = InProcess(n_questions=len(singles), n_dev=sum(q.source == "dev" for q in singles),
                       n_turns=sum(len(c) for c in conversations), rounds=rounds,
                       startup_s=time.perf_counter() - started)

    def one_round(mode: str) -> None:
        def ask(question: str, kind: str, cid: str | None) -> str:
            if mode == "cold":
                clear_every_cache(assistant)
            elif mode == "new":
                clear_answer_caches(assistant)
            answer = assistant.ask(question, cid)
            result.samples.append(Sample(mode, kind, answer.status, dict(answer.timings_ms)))
            return answer.conversation_id

        for question in singles:
            ask(question.q, question.kind, None)
        for conversation in conversations:
            cid: str | None = None
            for turn in conversation:
                cid = ask(turn, "dev:conversation", cid)

    for _ in range(rounds):
        one_round("cold")
    one_round("prime")  # a shape is prepared the second time it is seen: two passes prepare them all
    one_round("prime")
    profiler = cProfile.Profile() if profile_path else None
    if profiler:
        profiler.enable()
    for _ in range(rounds):
        one_round("new")
    if profiler and profile_path:
        profiler.disable()
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(60)
        buffer.write("\n\n--- by own time ---\n")
        pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(40)
        profile_path.write_text(buffer.getvalue(), encoding="utf-8")
    one_round("prime")  # fill the caches again (each "new" ask emptied them); not reported
    for _ in range(rounds):
        one_round("repeat")
    for sample in result.of("new"):
        result.statuses[sample.status] = result.statuses.get(sample.status, 0) + 1
    return result


def stage_stats(samples: list[Sample], stage: str) -> tuple[int, float, float]:
    values = [s.timings[stage] for s in samples if stage in s.timings]
    return len(values), median(values), percentile(values, 95)


@dataclass
class CompileBench:
    distinct_specs: int = 0
    failed: int = 0
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    tree_guard: list[float] = field(default_factory=list)  # guard_tree on the compiled tree
    text_guard: list[float] = field(default_factory=list)  # the full text guard, uncached (analyst SQL's)
    bind: list[float] = field(default_factory=list)  # Shapes.prepare on a prepared shape (bind + display SQL)


def run_compile(singles: list[Question], conversations: list[list[str]], repeats: int) -> CompileBench:
    """Cold = the uncached `compiler._compile(spec)`; warm = the lru_cache'd `compiler.compile(spec)`; the tree
    guard and (for comparison) the text guard uncached on each compiled statement; and a bind to a prepared
    shape."""
    from noegletal.wiring import get_assistant
    from semantic_layer.guard import guard, guard_tree
    from semantic_layer.shapes import Shapes
    from semantic_layer.spec import Operation, Years

    assistant = get_assistant()
    specs: dict[Any, None] = {}
    questions = [q.q for q in singles] + [t for conv in conversations for t in conv[:1]]
    for question in questions:
        try:
            parsed = assistant.parser.parse(question, None)
        except Exception:  # noqa: BLE001 - a parser failure is counted by the in-process run, not here
            continue
        spec = parsed.spec
        if parsed.status != "spec" or spec is None or spec.operation == Operation.DEFINITION:
            continue
        if spec.operation == Operation.OVERVIEW:
            spec = spec.model_copy(update={"metrics": assistant.overview, "years": Years()})
        specs[spec] = None
    bench = CompileBench(distinct_specs=len(specs))
    compiler = assistant.compiler
    good = []
    for spec in specs:
        try:
            compiler._compile(spec)
            good.append(spec)
        except Exception:  # noqa: BLE001 - CompileError: the assistant refuses these
            bench.failed += 1
    for _ in range(repeats):
        for spec in good:
            t0 = time.perf_counter()
            compiler._compile(spec)
            bench.cold.append((time.perf_counter() - t0) * 1000)
    for spec in good:
        compiler.compile(spec)
    for _ in range(repeats * 10):
        for spec in good:
            t0 = time.perf_counter()
            compiler.compile(spec)
            bench.warm.append((time.perf_counter() - t0) * 1000)
    compiled = [compiler.compile(spec) for spec in good]
    dialect, cap = assistant.warehouse.dialect, assistant.row_cap
    for _ in range(repeats):
        for c in compiled:
            t0 = time.perf_counter()
            guard_tree(c.expression, cap, dialect, rendered=c.sql)
            bench.tree_guard.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            guard.__wrapped__(c.sql, cap, dialect)
            bench.text_guard.append((time.perf_counter() - t0) * 1000)
    shapes = Shapes(compiler, dialect)
    for spec in good:
        shapes.prepare(spec)
        shapes.prepare(spec)
    for _ in range(repeats):
        for spec in good:
            t0 = time.perf_counter()
            shapes.prepare(spec).display_sql  # noqa: B018 - the answer carries it
            bench.bind.append((time.perf_counter() - t0) * 1000)
    return bench


# The peer benchmark's cases (../shared/bench/metricflow): (a) one figure, one municipality, one year and (c) a
# trend, against the bare DuckDB query for the same numbers. Target: a cold answer's compile + guard + execute
# at most 3x the bare query.
PEER_CASES = (
    ("(a) serviceudgifter pr. indb., København, 2019", "Serviceudgifter pr. indb.", "value", 2019, 2019),
    ("(c) indbyggertal, København, 2010–2019", "Indbyggertal 1. januar", "trend", 2010, 2019),
)
PEER_TARGET_RATIO = 3.0


@dataclass
class PeerCase:
    label: str
    bare: list[float] = field(default_factory=list)  # the bare DuckDB query
    cold: list[float] = field(default_factory=list)  # every cache emptied: compile + tree guard + execute
    new: list[float] = field(default_factory=list)  # prepared shape kept: bind + execute
    ask_cold: list[float] = field(default_factory=list)  # Assistant.ask, every cache emptied


PEER_QUESTIONS = {"(a)": "Hvad var serviceudgifterne pr. indbygger i København i 2019?",
                  "(c)": "Hvordan har indbyggertallet i København udviklet sig fra 2010 til 2019?"}


def run_peer_cases(reps: int) -> list[PeerCase]:
    from noegletal.wiring import get_assistant
    from semantic_layer.spec import MetricRef, Operation, QuerySpec, Years

    assistant = get_assistant()
    out = []
    for label, figure, operation, start, end in PEER_CASES:
        metric = assistant.catalog.by_label(figure)
        assert metric is not None, figure
        years = Years.single(start) if start == end else Years.between(start, end)
        spec = QuerySpec(operation=Operation(operation), metrics=(MetricRef(id=metric.id),),
                         municipalities=(101,), years=years, include_national=False)
        bare_sql = ("SELECT value FROM observations WHERE figure = ? AND municipality_code = 101 AND year "
                    + ("= ?" if start == end else "BETWEEN ? AND ?"))
        bare_params: list[Any] = [figure, start] if start == end else [figure, start, end]
        case = PeerCase(label)
        question = PEER_QUESTIONS[label[:3]]
        for _ in range(reps):
            t0 = time.perf_counter()
            assistant.warehouse.query(bare_sql, bare_params)
            case.bare.append((time.perf_counter() - t0) * 1000)
            clear_every_cache(assistant)
            t0 = time.perf_counter()
            prepared = assistant.shapes.prepare(spec)
            assistant._run(prepared)
            prepared.display_sql  # noqa: B018 - the answer carries it
            case.cold.append((time.perf_counter() - t0) * 1000)
            clear_every_cache(assistant)
            t0 = time.perf_counter()
            assistant.ask(question)
            case.ask_cold.append((time.perf_counter() - t0) * 1000)
        for _ in range(2):
            assistant.shapes.prepare(spec)
        for _ in range(reps):
            clear_answer_caches(assistant)
            t0 = time.perf_counter()
            prepared = assistant.shapes.prepare(spec)
            assistant._run(prepared)
            prepared.display_sql  # noqa: B018
            case.new.append((time.perf_counter() - t0) * 1000)
        out.append(case)
    return out


# -- 2. HTTP -----------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def noegletal_command() -> list[str]:
    script = Path(sys.executable).parent / "noegletal"
    if script.is_file():
        return [str(script)]
    found = shutil.which("noegletal")
    return [found] if found else [sys.executable, "-m", "noegletal.cli"]


def process_tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents[int(entry.name)] = ppid
    tree, frontier = [root], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree += children
        frontier += children
    return tree


def pss_kib(pid: int) -> int:
    """Proportional set size: shared pages (the DuckDB library, the lemma table) split between the processes
    that map them; 0 where the kernel does not say."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Server:
    """`noegletal serve` in its own process group; stopped by its pid (SIGINT, then SIGKILL to its group)."""

    def __init__(self, workers: int, env: dict[str, str], log_dir: Path) -> None:
        self.port = free_port()
        self.workers = workers
        self.log_path = log_dir / f"serve-{workers}w-{self.port}.log"
        self.launched = time.perf_counter()
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [*noegletal_command(), "serve", "--port", str(self.port), "--workers", str(workers)],
                cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def request(self, method: str, path: str, body: bytes | None = None, timeout: float = 10.0) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body, {"Content-Type": "application/json"} if body else {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def wait_healthy(self, timeout: float = 120.0) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serveren stoppede (se {self.log_path})")
            try:
                if self.request("GET", "/healthz", timeout=1.0)[0] == 200:
                    return time.perf_counter() - self.launched
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError(f"serveren svarede ikke på /healthz inden {timeout:.0f} s")

    def wait_answer(self, timeout: float = 120.0) -> float:
        body = json.dumps({"question": PROBE_QUESTION, "conversation_id": None}).encode()
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serveren stoppede (se {self.log_path})")
            try:
                status, payload = self.request("POST", "/api/ask", body, timeout=60.0)
                if status == 200 and payload.startswith(b'{"status":"answer"'):
                    return time.perf_counter() - self.launched
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError(f"intet svar fra /api/ask inden {timeout:.0f} s")

    def died(self) -> str | None:
        """None while running; else the exit code and the end of the server's log."""
        code = self.proc.poll()
        if code is None:
            return None
        tail = self.log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-6:]
        return f"serveren stoppede med kode {code}: " + " / ".join(line.strip()[:160] for line in tail)

    def rss(self) -> tuple[int, list[tuple[int, int]]]:
        pids = process_tree(self.proc.pid)
        per = [(pid, rss_kib(pid)) for pid in pids]
        return sum(kib for _, kib in per), per

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


@dataclass
class Level:
    workers: int
    clients: int
    seconds: float
    requests: int
    errors: int
    latencies: list[float]
    error_samples: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else math.nan


def level_cells(lv: Level) -> str:
    """A load level's cells in the HTTP tables: workers, clients, requests, req/s, p50/p95/p99 ms, errors."""
    return (f"{lv.workers} | {lv.clients} | {lv.requests} | {fmt(lv.rps, 1)} | "
            f"{fmt(percentile(lv.latencies, 50), 1)} | {fmt(percentile(lv.latencies, 95), 1)} | "
            f"{fmt(percentile(lv.latencies, 99), 1)} | {lv.errors} |")


def load(port: int, bodies: list[bytes], clients: int, duration: float,
         samples: list[str] | None = None) -> tuple[int, int, list[float], float]:
    """`clients` threads, each with one keep-alive connection, POST /api/ask round-robin for `duration` s."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    finished = [0.0] * clients
    barrier = threading.Barrier(clients + 1)
    headers = {"Content-Type": "application/json"}
    state = {"stop_at": 0.0}

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = latencies[index]
        position = index * 7
        barrier.wait()
        stop_at = state["stop_at"]
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at:
                break
            body = bodies[position % len(bodies)]
            position += 1
            try:
                conn.request("POST", "/api/ask", body, headers)
                response = conn.getresponse()
                payload = response.read()
                ok = response.status == 200 and payload.startswith(ANSWER_PREFIXES)
                if not ok and samples is not None and len(samples) < 5:
                    samples.append(f"HTTP {response.status}: {payload[:120].decode(errors='replace')}")
            except (OSError, http.client.HTTPException) as exc:
                ok = False
                if isinstance(exc, ConnectionRefusedError):
                    time.sleep(0.05)  # the server is gone; do not spin
                if samples is not None and len(samples) < 5:
                    samples.append(f"{type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine.append((time.perf_counter() - t0) * 1000)
            if not ok:
                errors[index] += 1
        finished[index] = time.perf_counter()
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    state["stop_at"] = started + duration
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = max(finished) - started
    flat = [x for per in latencies for x in per]
    return len(flat), sum(errors), flat, elapsed


@dataclass
class HttpRun:
    workers: int
    levels: list[Level] = field(default_factory=list)
    rss_kib: int = 0
    rss_per_process: list[tuple[int, int]] = field(default_factory=list)
    rss_idle_kib: int = 0
    error: str | None = None
    engine: str = "duckdb"
    worker_rss_idle_kib: list[int] = field(default_factory=list)  # each answering process, after the first answer
    worker_rss_kib: list[int] = field(default_factory=list)  # ... after the load
    worker_pss_idle_kib: list[int] = field(default_factory=list)


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def worker_pids(server: Server) -> list[int]:
    """The processes that answer: the server itself with one worker; uvicorn's spawned workers with several
    (not the supervisor, not multiprocessing's resource tracker)."""
    if server.workers == 1:
        return [server.proc.pid]
    return [pid for pid in process_tree(server.proc.pid) if "spawn_main" in cmdline(pid)]


def run_http(worker_counts: list[int], client_counts: list[int], duration: float, bodies: list[bytes],
             env: dict[str, str], log_dir: Path, engine: str = "duckdb") -> list[HttpRun]:
    runs = []
    for workers in worker_counts:
        run = HttpRun(workers, engine=engine)
        runs.append(run)
        server = Server(workers, env, log_dir)
        try:
            server.wait_healthy()
            server.wait_answer()
            run.rss_idle_kib = server.rss()[0]
            # Each worker answers one question (new connections are spread over the workers), then its size
            for _ in range(4 * workers):
                server.wait_answer()
            run.worker_rss_idle_kib = [rss_kib(pid) for pid in worker_pids(server)]
            run.worker_pss_idle_kib = [pss_kib(pid) for pid in worker_pids(server)]
            # Warm every worker: each builds its own assistant (~3 s) and its own compile/result caches,
            # so give the pool long enough to see the whole question mix before anything is measured.
            load(server.port, bodies, max(client_counts), min(3.0 * workers + 4.0, duration))
            for clients in client_counts:
                print(f"  HTTP: {workers} worker(s), {clients} klienter, {duration:g} s …", flush=True)
                samples: list[str] = []
                n, errors, latencies, seconds = load(server.port, bodies, clients, duration, samples)
                run.levels.append(Level(workers, clients, seconds, n, errors, latencies, samples))
                if (why := server.died()) is not None:
                    raise RuntimeError(why)
            run.rss_kib, run.rss_per_process = server.rss()
            run.worker_rss_kib = [rss_kib(pid) for pid in worker_pids(server)]
        except RuntimeError as exc:
            run.error = str(exc)
        finally:
            server.stop()
    return runs


# -- 3. cold start and build -------------------------------------------------------------------------------
@dataclass
class ColdStart:
    healthz_s: list[float] = field(default_factory=list)
    answer_s: list[float] = field(default_factory=list)
    build_s: float = math.nan
    build_size_mb: float = math.nan
    error: str | None = None


def run_cold(runs: int, workers: int, env: dict[str, str], log_dir: Path) -> ColdStart:
    from warehouse.build import build

    cold = ColdStart()
    for _ in range(runs):
        server = Server(workers, env, log_dir)
        try:
            cold.healthz_s.append(server.wait_healthy())
            cold.answer_s.append(server.wait_answer())
        except RuntimeError as exc:
            cold.error = str(exc)
        finally:
            server.stop()
    with tempfile.TemporaryDirectory(prefix="noegletal-bench-build-") as tmp:
        target = Path(tmp) / "bench.duckdb"
        report = build(get_settings().data_dir, target)
        cold.build_s = report.seconds
        cold.build_size_mb = target.stat().st_size / 1e6
    return cold


# -- 4. DuckDB vs PostgreSQL -------------------------------------------------------------------------------
ENGINES = ("duckdb", "postgresql")
ENGINE_LABEL = {"duckdb": "DuckDB", "postgresql": "PostgreSQL"}


@dataclass
class EngineRun:
    engine: str
    setup: str = ""
    samples: list[Sample] = field(default_factory=list)
    outcomes: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # question -> status and numbers
    startup_s: float = 0.0
    http: list[HttpRun] = field(default_factory=list)
    error: str | None = None


@contextmanager
def engine_env(engine: str, duckdb_path: Path) -> Iterator[tuple[dict[str, str], str]]:
    """The environment that points a server (and `Settings()`) at one engine, and a line saying how.

    DuckDB: the warehouse file, conversations in files. PostgreSQL: NOEGLETAL_DATABASE_URL (and
    NOEGLETAL_CONVERSATION_DATABASE_URL) when given; else a throwaway cluster as the tests start one
    (tests/pg_cluster.py: initdb + pg_ctl in a temp dir, fsync off), loaded from the DuckDB file with
    `load_postgres` (as `noegletal build --database` does), stopped and deleted afterwards."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NOEGLETAL_DATABASE_URL", "NOEGLETAL_CONVERSATION_DATABASE_URL")}
    if engine == "duckdb":
        yield env, f"DuckDB {duckdb_version()} file `{duckdb_path.name}`, conversations in files"
        return
    given = os.environ.get("NOEGLETAL_DATABASE_URL")
    if given:
        conversations = os.environ.get("NOEGLETAL_CONVERSATION_DATABASE_URL") or given
        yield ({**env, "NOEGLETAL_DATABASE_URL": given, "NOEGLETAL_CONVERSATION_DATABASE_URL": conversations},
               f"PostgreSQL {pg_version(given)} at NOEGLETAL_DATABASE_URL (given), conversations there too")
        return
    import secrets

    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from tests.pg_cluster import throwaway_cluster
    from warehouse.pg_build import CONVERSATION_ROLE, READER_ROLE, load_postgres

    reader_pw, conversation_pw = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    with throwaway_cluster() as cluster:
        load_postgres(duckdb_path, cluster.url(), reader_password=reader_pw, conversation_password=conversation_pw,
                      statement_timeout_s=get_settings().query_timeout_s)
        reader = cluster.url(user=READER_ROLE, password=reader_pw)
        yield ({**env, "NOEGLETAL_DATABASE_URL": reader,
                "NOEGLETAL_CONVERSATION_DATABASE_URL": cluster.url(user=CONVERSATION_ROLE, password=conversation_pw)},
               f"PostgreSQL {pg_version(reader)}, a throwaway cluster on this machine (tests/pg_cluster.py: "
               "fsync off, shared_buffers 64 MB), loaded by `load_postgres`; read-only role, pool of "
               f"{get_settings().database_pool_size} per process; conversations in PostgreSQL too")


def duckdb_version() -> str:
    import duckdb

    return str(duckdb.__version__)


def pg_version(url: str) -> str:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=10) as con:
            row = con.execute("SHOW server_version").fetchone()
            return str(row[0]).split()[0] if row else "?"
    except psycopg.Error:
        return "?"


def _outcome(answer: Any) -> tuple[Any, ...]:
    """What must be the same on both engines: the status and every number shown."""
    values = sorted((o.metric, o.municipality_code or -1, o.year or 0, None if o.value is None else round(o.value, 6))
                    for o in answer.observations)
    return answer.status, tuple(values)


def run_engine_in_process(engine: str, env: dict[str, str], singles: list[Question],
                          conversations: list[list[str]], rounds: int) -> EngineRun:
    """One assistant on this engine: a first pass (unmeasured; its outcomes compared between engines), then
    `rounds` rounds of new questions (compile and result caches cleared before each ask)."""
    from noegletal.settings import Settings
    from noegletal.wiring import build_assistant

    run = EngineRun(engine)
    settings = Settings().model_copy(update={
        "database_url": env.get("NOEGLETAL_DATABASE_URL"),
        "conversation_database_url": env.get("NOEGLETAL_CONVERSATION_DATABASE_URL")})
    started = time.perf_counter()
    assistant = build_assistant(settings)
    run.startup_s = time.perf_counter() - started
    try:
        for question in singles:
            run.outcomes[question.q] = _outcome(assistant.ask(question.q))
        for _ in range(rounds):
            for question in singles:
                clear_answer_caches(assistant)
                answer = assistant.ask(question.q)
                run.samples.append(Sample("new", question.kind, answer.status, dict(answer.timings_ms)))
            for conversation in conversations:
                cid: str | None = None
                for turn in conversation:
                    clear_answer_caches(assistant)
                    answer = assistant.ask(turn, cid)
                    cid = answer.conversation_id
                    run.samples.append(Sample("new", "dev:conversation", answer.status, dict(answer.timings_ms)))
    finally:
        assistant.close()
    return run


def run_engines(engines: list[str], singles: list[Question], conversations: list[list[str]], rounds: int,
                worker_counts: list[int], client_counts: list[int], duration: float, bodies: list[bytes],
                log_dir: Path, skip_http: bool) -> list[EngineRun]:
    settings = get_settings()
    duckdb_path = settings.warehouse_path
    if not duckdb_path.exists():
        from warehouse.build import build

        build(settings.data_dir, duckdb_path)
    runs: list[EngineRun] = []
    for engine in engines:
        print(f"Motor {ENGINE_LABEL[engine]}: in-process …", flush=True)
        try:
            with engine_env(engine, duckdb_path) as (env, setup):
                run = run_engine_in_process(engine, env, singles, conversations, rounds)
                run.setup = setup
                if not skip_http:
                    for workers in worker_counts:
                        print(f"  {ENGINE_LABEL[engine]} HTTP: {workers} worker(s), {client_counts} klienter, "
                              f"{duration:g} s …", flush=True)
                        run.http += run_http([workers], client_counts, duration, bodies, env, log_dir, engine)
        except Exception as exc:  # noqa: BLE001 - e.g. no PostgreSQL installed: the section says so
            run = EngineRun(engine, error=f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:200]}")
        runs.append(run)
    return runs


def render_engines(runs: list[EngineRun], args: argparse.Namespace, info: dict[str, str]) -> list[str]:
    out = ["## 4. DuckDB vs PostgreSQL", "",
           "The same questions through both engines: one assistant per engine in this process, then "
           "`noegletal serve` pointed at each. Engines:", ""]
    out += [f"- **{ENGINE_LABEL[r.engine]}**: " + (f"not measured ({r.error})" if r.error else r.setup)
            for r in runs]
    good = [r for r in runs if not r.error]
    out.append("")
    if len(good) == 2:
        a, b = good
        common = [q for q in a.outcomes if q in b.outcomes]
        same = sum(a.outcomes[q] == b.outcomes[q] for q in common)
        differ = [q for q in common if a.outcomes[q] != b.outcomes[q]]
        out += [f"Identical outcome (status and every number shown) on both engines: **{same} of {len(common)}** "
                "questions." + (f" Different: {'; '.join(differ[:5])}." if differ else ""), ""]
    if not good:
        return out
    out += ["### In process: total time per ask by kind of question (mode *new*: compile and result caches "
            "cleared before each ask, so every answer runs its SQL on the engine)", "",
            f"{args.rounds} round(s); assistant start-up "
            + ", ".join(f"{ENGINE_LABEL[r.engine]} {r.startup_s:.2f} s" for r in good)
            + ". Milliseconds; *execute* is the engine's time for the statement (answers that ran SQL).", ""]
    head = "| Kind | n |" + "".join(f" {ENGINE_LABEL[r.engine]} median | {ENGINE_LABEL[r.engine]} p95 |" for r in good)
    head += "".join(f" {ENGINE_LABEL[r.engine]} execute median |" for r in good)
    out += [head, "| --- | ---: |" + " ---: | ---: |" * len(good) + " ---: |" * len(good)]
    kinds = sorted({s.kind for r in good for s in r.samples})
    for kind in [*kinds, "all"]:
        cells, n = [], 0
        for r in good:
            group = [s for s in r.samples if kind == "all" or s.kind == kind]
            count, med, p95 = stage_stats(group, "total")
            n = max(n, count)
            cells += [fmt(med), fmt(p95)]
        execs = [fmt(stage_stats([s for s in r.samples if kind == "all" or s.kind == kind], "execute")[1])
                 for r in good]
        label = "**all**" if kind == "all" else kind
        out.append(f"| {label} | {n} | " + " | ".join(cells) + " | " + " | ".join(execs) + " |")
    out.append("")
    http = [h for r in good for h in r.http]
    if http:
        out += ["### HTTP: POST /api/ask against `noegletal serve --workers N`", "",
                f"{args.engine_duration:g} s per level after a warm-up, keep-alive clients in the bench process, "
                f"round-robin over {args.n_bodies} questions (each a new conversation, stored by the engine's "
                f"conversation store). Server, clients and PostgreSQL share the machine's {info['nproc']} CPUs, "
                "so more workers than CPUs measure contention, not capacity.", "",
                "| Engine | Workers | Clients | Requests | Req/s | p50 ms | p95 ms | p99 ms | Errors |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for h in http:
            if h.error:
                out.append(f"| {ENGINE_LABEL[h.engine]} | {h.workers} | – | – | – | – | – | – | failed: {h.error} |")
            for lv in h.levels:
                out.append(f"| {ENGINE_LABEL[h.engine]} | {level_cells(lv)}")
        for h in http:
            for lv in h.levels:
                for sample in dict.fromkeys(lv.error_samples):
                    out.append(f"\nError example ({ENGINE_LABEL[h.engine]}, {lv.workers} worker(s), "
                               f"{lv.clients} clients): `{sample}`")
        out += ["", "Resident memory per worker (VmRSS of each answering process; PSS counts the pages the workers "
                "share, such as the DuckDB library and the lemma table, once per worker that maps them; with "
                "several workers uvicorn's supervisor and multiprocessing's resource tracker come on top, see "
                "*server total*):", "",
                "| Engine | Workers | RSS per worker after its first answers | PSS then | RSS after the load | "
                "server total after the load |", "| --- | ---: | --- | --- | --- | ---: |"]

        def mib(values: list[int]) -> str:
            return ", ".join(f"{v / 1024:.0f}" for v in values) + " MiB" if values else "–"

        for h in http:
            out.append(f"| {ENGINE_LABEL[h.engine]} | {h.workers} | {mib(h.worker_rss_idle_kib)} | "
                       f"{mib(h.worker_pss_idle_kib)} | {mib(h.worker_rss_kib)} | {h.rss_kib / 1024:.0f} MiB |")
        out.append("")
    return out


def splice_section(existing: str, section: str, title: str = "## 4. ") -> str:
    """Replace the section starting with `title` in an existing RESULTS.md (or put it before ## Targets)."""
    lines = existing.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(title)), None)
    if start is None:
        at = next((i for i, line in enumerate(lines) if line.startswith("## Targets")), len(lines))
        lines[at:at] = [*section.splitlines(), ""]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines[start:end] = section.splitlines()
    return "\n".join(lines).rstrip("\n") + "\n"


# -- report ------------------------------------------------------------------------------------------------
def render(info: dict[str, str], args: argparse.Namespace, proc: InProcess | None, comp: CompileBench | None,
           http_runs: list[HttpRun], cold: ColdStart | None, engines: list[EngineRun] | None = None,
           peers: list[PeerCase] | None = None) -> str:
    out = ["# Nøgletal – benchmark", "",
           f"Measured {info['date']} with `noegletal bench{' --quick' if args.quick else ''}`.", "",
           "| Machine | |", "| --- | --- |",
           f"| CPU | {info['cpu']} ({info['nproc']} logical CPUs, `nproc`) |",
           f"| RAM | {info['ram']} |", f"| OS | {info['os']} |",
           f"| Python / DuckDB | {info['python']} / {info['duckdb']} |",
           f"| Load average (1/5/15 min) at start | {info['load']} (the machine is shared with other work) |", ""]
    targets: list[tuple[str, str, str, bool | None]] = []
    if proc:
        new = proc.of("new")
        out += ["## 1. In-process (`Assistant.ask`)", "",
                f"{proc.n_questions} questions ({proc.n_dev} dev cases + {proc.n_questions - proc.n_dev} from "
                f"bench/questions.yaml) and {proc.n_turns} dev conversation turns (carrying the conversation id); "
                f"{proc.rounds} round(s) each of *cold*, *new* and *repeat*. Outcomes per round: "
                + ", ".join(f"{k} {v // max(proc.rounds, 1)}" for k, v in sorted(proc.statuses.items()))
                + f". Assistant start-up (catalog, parser, DuckDB) {proc.startup_s:.2f} s.", "",
                "Modes: " + "; ".join(f"*{k}* = {v}" for k, v in MODES.items()) + ".", "",
                "Stage times in ms per ask. Stages other than *total* exist only for answers that ran SQL "
                "(not for refusals, clarifications or definitions). *total* is the whole `ask()` including the "
                "conversation store. *execute* is DuckDB's time; under *repeat* it is the time recorded when "
                "the cached result was made.", "",
                "| Stage | n | **cold median** | **cold p95** | **new median** | **new p95** | repeat median | "
                "repeat p95 |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for stage in STAGES:
            cells = []
            n = 0
            for mode in MODES:
                count, med, p95 = stage_stats(proc.of(mode), stage)
                n = count if mode == "new" else n
                cells += [fmt(med), fmt(p95)]
            out.append(f"| {stage} | {n} | " + " | ".join(cells) + " |")
        out.append("")
        for mode, title in (("cold", "*Cold* (every cache empty)"), ("new", "*New question*")):
            samples = proc.of(mode)
            answered = [s for s in samples if "execute" in s.timings]
            _, exec_med, exec_p95 = stage_stats(answered, "execute")
            _, tot_med, tot_p95 = stage_stats(answered, "total")
            share = exec_med / tot_med * 100 if tot_med else math.nan
            out += [f"{title}, answers that ran SQL: total median **{fmt(tot_med)} ms** (p95 {fmt(tot_p95)}), "
                    f"of which DuckDB execute median **{fmt(exec_med)} ms** (p95 {fmt(exec_p95)}) = {fmt(share, 0)} % "
                    "of the total.", ""]
        for mode in ("cold", "new"):
            samples = proc.of(mode)
            out += [f"By kind of question, mode *{mode}* (ms; *compile* is compile + tree guard, or the bind to a "
                    "prepared shape):", "",
                    "| Kind | n | total median | total p95 | parse median | compile median | execute (DuckDB) median "
                    "| render median |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
            for kind in sorted({s.kind for s in samples}):
                group = [s for s in samples if s.kind == kind]
                n, med, p95 = stage_stats(group, "total")
                out.append(f"| {kind} | {n} | {fmt(med)} | {fmt(p95)} | {fmt(stage_stats(group, 'parse')[1])} | "
                           f"{fmt(stage_stats(group, 'compile')[1])} | {fmt(stage_stats(group, 'execute')[1])} | "
                           f"{fmt(stage_stats(group, 'render')[1])} |")
            out.append("")
        _, parse_med, _ = stage_stats(new, "parse")
        _, all_tot_med, _ = stage_stats(new, "total")
        targets.append(("Parse median (new question)", f"≤ {TARGETS['parse_median_ms']:g} ms", f"{fmt(parse_med)} ms",
                        parse_med <= TARGETS["parse_median_ms"]))
        targets.append(("Full answer median (new question, all asks)", f"≤ {TARGETS['total_median_ms']:g} ms",
                        f"{fmt(all_tot_med)} ms", all_tot_med <= TARGETS["total_median_ms"]))
        for mode in ("cold", "new"):  # issue 14: an overview in process, every cache empty (cold) or shapes kept
            overviews = [s for s in proc.of(mode) if s.kind.endswith("overview")]
            if overviews:
                _, ov_med, _ = stage_stats(overviews, "total")
                targets.append((f"Overview answer median ({mode}, in process)", f"≤ {TARGETS['overview_ms']:g} ms",
                                f"{fmt(ov_med)} ms", ov_med <= TARGETS["overview_ms"]))
        out.append("")
    if peers:
        out += ["### The peer benchmark's cases: cold answer vs the bare DuckDB query", "",
                "The MetricFlow peer benchmark's (a) and (c) on this warehouse (var/noegletal.duckdb), each "
                f"repetition: the bare query (`SELECT value FROM observations WHERE figure = ? AND municipality_code "
                f"= 101 AND year …`); *cold* = every cache emptied, then compile + tree guard + execute "
                "(`Shapes.prepare` + `Assistant._run`, with the SQL the analyst sees); *new* = the prepared shape "
                "kept, bind + execute; *ask cold* = the whole `Assistant.ask` (Danish parse, answer text, store) "
                f"with every cache empty. Target: cold ≤ {PEER_TARGET_RATIO:g}× the bare query.", "",
                "| Case | n | bare DuckDB median | **cold median** | cold p95 | cold / bare | new median | "
                "ask cold median |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for case in peers:
            bare_med, cold_med = median(case.bare), median(case.cold)
            ratio = cold_med / bare_med if bare_med else math.nan
            out.append(f"| {case.label} | {len(case.cold)} | {fmt(bare_med, 3)} | {fmt(cold_med, 3)} | "
                       f"{fmt(percentile(case.cold, 95), 3)} | {fmt(ratio, 1)}× | {fmt(median(case.new), 3)} | "
                       f"{fmt(median(case.ask_cold), 2)} |")
            targets.append((f"Cold answer {case.label[:3]} vs bare DuckDB", f"≤ {PEER_TARGET_RATIO:g}×",
                            f"{fmt(ratio, 1)}×", ratio <= PEER_TARGET_RATIO))
        out.append("")
    if comp:
        cold_med, warm_med = median(comp.cold), median(comp.warm)
        speed_cold = METRICFLOW_COMPILE_MS / cold_med if cold_med else math.nan
        speed_warm = METRICFLOW_COMPILE_MS / warm_med if warm_med else math.nan
        out += ["### Compile: cold vs warm", "",
                f"{comp.distinct_specs} distinct QuerySpecs from the questions above ({comp.failed} refused by the "
                "compiler); cold = the uncached `compiler._compile(spec)` (sqlglot build + SQL generation), "
                "warm = the lru_cache'd `compiler.compile(spec)`; the tree guard (`guard_tree`, what a compiled "
                "statement passes) and, for comparison, the full text guard (parse + qualify, what analyst SQL "
                "passes) uncached on the same statements; bind = a question of a prepared shape "
                "(`Shapes.prepare`: the values bound, the SQL the analyst sees filled in). MetricFlow's reference: "
                "~7 ms per compile (11–12 ms in the peer benchmark's in-process run).", "",
                "| Compile | n | median ms | p95 ms | × faster than MetricFlow (7 ms / median) |",
                "| --- | ---: | ---: | ---: | ---: |",
                f"| cold | {len(comp.cold)} | {fmt(cold_med, 3)} | {fmt(percentile(comp.cold, 95), 3)} | "
                f"{fmt(speed_cold, 1)}× |",
                f"| warm (cached) | {len(comp.warm)} | {fmt(warm_med, 4)} | {fmt(percentile(comp.warm, 95), 4)} | "
                f"{fmt(speed_warm, 0)}× |",
                f"| bind to a prepared shape | {len(comp.bind)} | {fmt(median(comp.bind), 4)} | "
                f"{fmt(percentile(comp.bind, 95), 4)} | {fmt(METRICFLOW_COMPILE_MS / median(comp.bind), 0)}× |", "",
                "| Guard | n | median ms | p95 ms |", "| --- | ---: | ---: | ---: |",
                f"| tree guard (compiled statements) | {len(comp.tree_guard)} | {fmt(median(comp.tree_guard), 3)} | "
                f"{fmt(percentile(comp.tree_guard, 95), 3)} |",
                f"| text guard, uncached (analyst SQL) | {len(comp.text_guard)} | {fmt(median(comp.text_guard), 3)} | "
                f"{fmt(percentile(comp.text_guard, 95), 3)} |", ""]
        targets.append(("Compile cold vs MetricFlow (7 ms)", f"≥ {TARGETS['compile_speedup']:g}×",
                        f"{fmt(speed_cold, 1)}×", speed_cold >= TARGETS["compile_speedup"]))
        inprocess = METRICFLOW_COMPILE_INPROCESS_MS / cold_med if cold_med else math.nan
        targets.append((f"Compile cold vs MetricFlow in the peer benchmark ({METRICFLOW_COMPILE_INPROCESS_MS:g} ms)",
                        f"≥ {TARGETS['compile_speedup']:g}×", f"{fmt(inprocess, 1)}×",
                        inprocess >= TARGETS["compile_speedup"]))
    if http_runs:
        duration = args.duration
        out += ["## 2. HTTP (`noegletal serve`, POST /api/ask)", "",
                f"Server started as the README starts it (`noegletal serve --port P --workers N`, uvicorn, access "
                f"log on); load from threads in the bench process with one keep-alive `http.client` connection "
                f"each, {duration:g} s per level, round-robin over {args.n_bodies} questions (dev cases and "
                "bench/questions.yaml; each a new conversation). Client and server share the same machine's "
                f"{info['nproc']} CPUs. An error is a non-200 reply, a broken connection, or a status other than "
                "answer/clarify/refuse.", "",
                "| Workers | Clients | Requests | Req/s | p50 ms | p95 ms | p99 ms | Errors |",
                "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for run in http_runs:
            if run.error:
                out.append(f"| {run.workers} | – | – | – | – | – | – | failed: {run.error} |")
            for lv in run.levels:
                out.append(f"| {level_cells(lv)}")
        for run in http_runs:
            for lv in run.levels:
                for sample in dict.fromkeys(lv.error_samples):
                    out.append(f"\nError example ({lv.workers} worker(s), {lv.clients} clients): `{sample}`")
        out += ["", "Resident memory (VmRSS from /proc/<pid>/status, summed over the server's process tree):", "",
                "| Workers | RSS idle (after first answer) | RSS after the load | Processes | Per worker after its "
                "first answers | Per worker after the load |",
                "| ---: | ---: | ---: | ---: | --- | --- |"]
        for run in http_runs:
            out.append(f"| {run.workers} | {run.rss_idle_kib / 1024:.0f} MiB | {run.rss_kib / 1024:.0f} MiB | "
                       f"{len(run.rss_per_process)} | "
                       + (", ".join(f"{v / 1024:.0f}" for v in run.worker_rss_idle_kib) + " MiB | " if
                          run.worker_rss_idle_kib else "– | ")
                       + (", ".join(f"{v / 1024:.0f}" for v in run.worker_rss_kib) + " MiB |" if run.worker_rss_kib
                          else "– |"))
        out.append("")
        eight = [lv for run in http_runs for lv in run.levels if lv.clients == 8]
        if eight:
            best = max(eight, key=lambda lv: lv.rps)
            targets.append(("Answers/s at 8 clients, no errors", f"≥ {TARGETS['rps_8_clients']:g}/s, 0 errors",
                            f"{fmt(best.rps, 1)}/s ({best.workers} worker(s)), {best.errors} errors",
                            best.rps >= TARGETS["rps_8_clients"] and best.errors == 0))
    if cold:
        out += ["## 3. Cold start and build", "",
                "| Measure | Value |", "| --- | --- |",
                f"| Launch `noegletal serve` → /healthz 200 | "
                f"{', '.join(f'{s:.2f} s' for s in cold.healthz_s) or '–'} |",
                f"| Launch `noegletal serve` → first answered question | "
                f"{', '.join(f'{s:.2f} s' for s in cold.answer_s) or '–'} |",
                f"| Warehouse build (`build()` into a temp file) | {fmt(cold.build_s)} s "
                f"({fmt(cold.build_size_mb, 1)} MB) |", ""]
        if cold.error:
            out += [f"Cold start failed: {cold.error}", ""]
    if engines:
        out += render_engines(engines, args, info)
    if targets:
        out += ["## Targets", "", "| Target | Bar | Measured | Met |", "| --- | --- | --- | :---: |"]
        out += [f"| {name} | {bar} | {got} | {'yes' if ok else 'NO'} |" for name, bar, got, ok in targets]
        out.append("")
    return "\n".join(out)


@contextmanager
def private_conversations() -> Iterator[Path]:
    """Conversations go to a temp dir (in-process and for the servers), not to the developer's var/."""
    previous = os.environ.get("NOEGLETAL_CONVERSATION_DIR")
    with tempfile.TemporaryDirectory(prefix="noegletal-bench-") as tmp:
        os.environ["NOEGLETAL_CONVERSATION_DIR"] = str(Path(tmp) / "conversations")
        get_settings.cache_clear()
        try:
            yield Path(tmp)
        finally:
            if previous is None:
                os.environ.pop("NOEGLETAL_CONVERSATION_DIR", None)
            else:
                os.environ["NOEGLETAL_CONVERSATION_DIR"] = previous
            get_settings.cache_clear()


def parse_args(argv: list[str]) -> argparse.Namespace:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="noegletal bench", description="Hastighedsmåling af Nøgletal.")
    parser.add_argument("--quick", action="store_true", help="5 s pr. HTTP-niveau, færre spørgsmål")
    parser.add_argument("--workers", default=",".join(sorted({str(settings.workers), "1", "2"})),
                        help="antal uvicorn-workers at måle, kommasepareret (standard 1,2)")
    parser.add_argument("--clients", default="1,8,32", help="samtidige klienter, kommasepareret")
    parser.add_argument("--duration", type=float, default=None, help="sekunder pr. HTTP-niveau (20; --quick: 5)")
    parser.add_argument("--rounds", type=int, default=None, help="målte runder in-process (3; --quick: 1)")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-cold", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile af in-process-kørslen til bench/profile.txt")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help="motorer i afsnit 4 (DuckDB mod PostgreSQL), kommasepareret: duckdb,postgresql")
    parser.add_argument("--skip-engines", action="store_true", help="spring afsnit 4 over")
    parser.add_argument("--only-engines", action="store_true",
                        help="kun afsnit 4; de andre afsnit i --out bevares")
    parser.add_argument("--engine-workers", default="1,2,4", help="workers i afsnit 4 (standard 1,2,4)")
    parser.add_argument("--engine-clients", default="8,32", help="klienter i afsnit 4 (standard 8,32)")
    parser.add_argument("--engine-duration", type=float, default=None,
                        help="sekunder pr. HTTP-niveau i afsnit 4 (10; --quick: 4)")
    parser.add_argument("--out", default=str(BENCH_DIR / "RESULTS.md"))
    args = parser.parse_args(argv)
    if args.duration is None:
        args.duration = 5.0 if args.quick else 20.0
    if args.rounds is None:
        args.rounds = 1 if args.quick else 3
    if args.engine_duration is None:
        args.engine_duration = 4.0 if args.quick else 10.0
    unknown = set(_split(args.engines)) - set(ENGINES)
    if unknown:
        parser.error(f"ukendt motor: {', '.join(sorted(unknown))} (vælg blandt {', '.join(ENGINES)})")
    return args


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    args = parse_args([a for a in (argv or []) if a != "--"])
    info = machine()
    singles, conversations = load_questions(args.quick)
    bodies = [json.dumps({"question": q.q, "conversation_id": None}, ensure_ascii=False).encode() for q in singles]
    args.n_bodies = len(bodies)
    out = Path(args.out)
    with private_conversations() as tmp:
        engines: list[EngineRun] = []

        def measure_engines() -> None:
            if not args.skip_engines:
                engines.extend(run_engines(_split(args.engines), singles, conversations, args.rounds,
                                           [int(w) for w in _split(args.engine_workers)],
                                           [int(c) for c in _split(args.engine_clients)], args.engine_duration,
                                           bodies, tmp, args.skip_http))

        if args.only_engines:
            measure_engines()
            section = "\n".join(render_engines(engines, args, info))
            text = splice_section(out.read_text(encoding="utf-8") if out.is_file() else "", section)
            out.write_text(text, encoding="utf-8")
            print(section)
            print(f"\nSkrevet til {args.out} (afsnit 4; de andre afsnit er bevaret)")
            return 0
        print(f"In-process: {len(singles)} spørgsmål + {sum(map(len, conversations))} samtaletur, "
              f"{args.rounds} runde(r) …", flush=True)
        proc = run_in_process(singles, conversations, args.rounds,
                              BENCH_DIR / "profile.txt" if args.profile else None)
        for mode in MODES:  # cold first
            _, med, p95 = stage_stats([s for s in proc.of(mode) if "execute" in s.timings], "total")
            print(f"  {mode}: svar med SQL, total median {med:.2f} ms (p95 {p95:.2f})", flush=True)
        print("Peer-tilfælde (a) og (c): koldt svar mod DuckDB alene …", flush=True)
        peers = run_peer_cases(50 if args.quick else 200)
        for case in peers:
            print(f"  {case.label}: bare {median(case.bare):.3f} ms, cold {median(case.cold):.3f} ms, "
                  f"new {median(case.new):.3f} ms, ask cold {median(case.ask_cold):.2f} ms", flush=True)
        print("Compile koldt/varmt …", flush=True)
        comp = run_compile(singles, conversations, repeats=3 if args.quick else 10)
        env = dict(os.environ)
        http_runs: list[HttpRun] = []
        if not args.skip_http:
            workers = [int(w) for w in args.workers.split(",") if w.strip()]
            clients = [int(c) for c in args.clients.split(",") if c.strip()]
            http_runs = run_http(workers, clients, args.duration, bodies, env, tmp)
        cold = None
        if not args.skip_cold:
            print("Koldstart og lagerbygning …", flush=True)
            cold = run_cold(1 if args.quick else 3, get_settings().workers, env, tmp)
        measure_engines()
        text = render(info, args, proc, comp, http_runs, cold, engines, peers)
    out.write_text(text, encoding="utf-8")
    print(text)
    print(f"\nSkrevet til {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
