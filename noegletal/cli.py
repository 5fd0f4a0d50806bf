"""The `noegletal` command: build, update, ask, sql, serve, catalog, eval, bench."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from noegletal.settings import get_settings
from warehouse.errors import DataError


def _build(args: argparse.Namespace) -> int:
    from noegletal.precompute import precompute
    from warehouse.build import build

    settings = get_settings()
    try:
        report = build(settings.data_dir, settings.warehouse_path, progress=print, precompute=precompute)
    except DataError as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    if args.database:
        return _load_postgres(args, settings.warehouse_path)
    return 0


def _update(args: argparse.Namespace) -> int:
    """Fetch Statistics Denmark's tables again (unless --offline), then rebuild the warehouse."""
    from noegletal.precompute import precompute
    from warehouse.build import build
    from warehouse.update import API, UpdateError, update

    settings = get_settings()
    reports: list[object] = []

    def rebuild() -> None:
        reports.append(build(settings.data_dir, settings.warehouse_path, progress=print, precompute=precompute))

    try:
        if args.offline:
            rebuild()
        else:
            api = args.api or os.environ.get("NOEGLETAL_STATBANK_API") or API
            print(f"Henter Danmarks Statistiks tabeller fra {api}")
            result = update(settings.data_dir, rebuild, api=api, progress=print)
            print(result.summary())
    except UpdateError as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return 2
    except DataError as exc:
        print(f"Fejl: de hentede tabeller kunne ikke bygges; de gamle filer er lagt tilbage: {exc}", file=sys.stderr)
        return 2
    for report in reports:
        print(getattr(report, "summary", lambda: "")())
    return 0


def _load_postgres(args: argparse.Namespace, duckdb_path: Path) -> int:
    """The DuckDB build copied into PostgreSQL (new schema, then switched in one transaction)."""
    import psycopg

    from warehouse.pg_build import load_postgres, redact

    settings = get_settings()
    try:
        report = load_postgres(
            duckdb_path, args.database, schema=args.schema or settings.database_schema,
            reader_password=args.reader_password or os.environ.get("NOEGLETAL_READER_PASSWORD"),
            conversation_password=args.conversation_password or os.environ.get("NOEGLETAL_CONVERSATION_PASSWORD"),
            statement_timeout_s=settings.query_timeout_s, progress=print)
    except (DataError, ValueError) as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return 2
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"Fejl: PostgreSQL ({redact(args.database)}): {first}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def _print_table(answer: object) -> None:
    table = getattr(answer, "table", None)
    if table is None:
        return
    headers = [c.label for c in table.columns]
    widths = [max(len(h), *(len(r[i]) for r in table.display)) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    for row in table.display:
        print("  ".join(cell.rjust(w) if table.columns[i].numeric else cell.ljust(w)
                        for i, (cell, w) in enumerate(zip(row, widths, strict=True))))


def _ask(args: argparse.Namespace) -> int:
    from assistant.formatting import danish_date
    from noegletal.wiring import get_assistant

    assistant = get_assistant()
    answer = assistant.ask(args.question, args.conversation)
    if args.json:
        print(answer.model_dump_json(indent=2))
        return 0
    print(answer.text)
    if answer.clarification:
        for option in answer.clarification.options:
            print(f"  • {option}")
    for example in answer.examples:
        print(f"  • {example}")
    for warning in answer.warnings:
        print(f"Bemærk: {warning}")
    print()
    _print_table(answer)
    if answer.metric:
        # Statistics Denmark's tables carry no export date here: name the source without one
        vintage = f" (eksport af {danish_date(answer.metric.vintage)})" if answer.metric.vintage else ""
        print(f"\nKilde: {answer.metric.source}{vintage}")
    return 0


def _sql(args: argparse.Namespace) -> int:
    from noegletal.wiring import get_assistant

    answer = get_assistant().ask(args.question)
    if not answer.sql:
        print(answer.text, file=sys.stderr)
        return 1
    print(answer.sql)
    return 0


def _explain(word: str) -> int:
    """`catalog --explain ORD`: what the parser makes of one word, and why."""
    from intents import Parser, places_from_csv
    from intents.explain import explain
    from semantic_layer.loader import load_catalog

    reference = get_settings().data_dir / "reference" / "kommuner.csv"
    if not reference.exists():
        print(f"Fejl: kommunelisten findes ikke: {reference}", file=sys.stderr)
        return 2
    parser = Parser(load_catalog(), places_from_csv(reference))
    for line in explain(word, parser):
        print(line)
    return 0


def _catalog(args: argparse.Namespace) -> int:
    from semantic_layer.loader import load_catalog, normalize_term

    if args.explain is not None:
        if args.search:
            print("Fejl: brug enten et søgeord eller --explain ORD, ikke begge.", file=sys.stderr)
            return 2
        return _explain(args.explain)
    catalog = load_catalog()
    needle = normalize_term(args.search or "")
    for metric in catalog.metrics:
        terms = " ".join(normalize_term(t) for t in (metric.id, metric.label, metric.short_name, *metric.synonyms))
        if needle and needle not in terms:
            continue
        print(f"{metric.id:45} {metric.theme:18} {metric.label}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from web.server import run

    settings = get_settings()
    run(args.host or settings.host, args.port or settings.port, args.workers or settings.workers)
    return 0


def _eval(args: argparse.Namespace) -> int:
    from bench.evaluate import evaluate

    return evaluate(Path(args.gold))


def _bench(args: argparse.Namespace) -> int:
    from bench.run import main as bench_main

    return bench_main(args.rest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="noegletal", description="Kommunale nøgletal på almindeligt dansk.")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="byg DuckDB-lageret fra de officielle eksporter (og evt. PostgreSQL)")
    build.add_argument("--database", metavar="postgresql://…",
                       help="indlæs også lageret i PostgreSQL (en URL med ret til at oprette skemaer og roller)")
    build.add_argument("--schema", help="skemaet i PostgreSQL (standard: NOEGLETAL_DATABASE_SCHEMA eller noegletal)")
    build.add_argument("--reader-password", help="adgangskode for læserollen noegletal_reader "
                                                 "(eller NOEGLETAL_READER_PASSWORD; ellers uændret/genereret)")
    build.add_argument("--conversation-password", help="adgangskode for samtalerollen noegletal_conversations "
                                                       "(eller NOEGLETAL_CONVERSATION_PASSWORD)")
    build.set_defaults(func=_build)
    upd = sub.add_parser("update", help="hent Danmarks Statistiks tabeller igen fra Statbank-API'et og byg lageret")
    upd.add_argument("--offline", action="store_true", help="hent intet; byg kun lageret af filerne, der ligger her")
    upd.add_argument("--api", metavar="URL", help="Statbank-API'ets adresse (standard: NOEGLETAL_STATBANK_API eller "
                                                   "https://api.statbank.dk/v1)")
    upd.set_defaults(func=_update)
    ask = sub.add_parser("ask", help="stil et spørgsmål")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="skriv svaret som JSON (API-kontrakten)")
    ask.add_argument("--conversation", default=None)
    ask.set_defaults(func=_ask)
    sql = sub.add_parser("sql", help="vis kun SQL'en for et spørgsmål")
    sql.add_argument("question")
    sql.set_defaults(func=_sql)
    cat = sub.add_parser("catalog", help="list og søg i nøgletalskataloget")
    cat.add_argument("search", nargs="?")
    cat.add_argument("--explain", metavar="ORD", help="vis hvad et ord bliver til i parseren, og hvorfor")
    cat.set_defaults(func=_catalog)
    serve = sub.add_parser("serve", help="start chat-serveren")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    serve.set_defaults(func=_serve)
    ev = sub.add_parser("eval", help="kør spørgsmålssættet gennem assistenten")
    ev.add_argument("gold", nargs="?", default=str(get_settings().data_dir.parent / "questions" / "dev.yaml"))
    ev.set_defaults(func=_eval)
    bench = sub.add_parser("bench", help="mål hastighed (se bench/)")
    bench.add_argument("rest", nargs=argparse.REMAINDER)
    bench.set_defaults(func=_bench)
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
