"""Command line: ``regional-map COMMAND`` and the same commands under ``flask --app app``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from regional_map.cli.context import open_store, settings
from regional_map.db import migrations as schema
from regional_map.errors import BadParameter, StoreNotReady
from regional_map.ingest.importer import ImportFailed
from regional_map.ingest.region import effective_region, format_region
from regional_map.places.exports import export_selection
from regional_map.places.geocoding import geocode_places
from regional_map.places.stats import stats
from regional_map.provision import init_store, load_demo, run_import
from regional_map.settings import SETTINGS
from regional_map.web.app import create_app


@click.command("init-db")
def init_db_command() -> None:
    """Create the database, or upgrade an existing one, and load the reference tables.

    Safe to run again: existing places are kept.
    """
    conn = open_store()
    try:
        result = init_store(conn)
    finally:
        conn.close()
    click.echo(f"Database {settings()['DB']} is at schema version {schema.LATEST_VERSION} "
               f"({result['migrations_applied']} migrations applied); "
               f"{result['postcodes']} postcodes, {result['municipalities']} municipalities, "
               f"{result['products']} products.")


def print_report(report, as_json: bool, max_lines: int = 50) -> None:
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    for rejection in report.rejected[:max_lines]:
        click.echo(f"line {rejection.line}: rejected: {rejection.reason}", err=True)
    if len(report.rejected) > max_lines:
        click.echo(f"… and {len(report.rejected) - max_lines} more rejected rows "
                   "(--json lists them all)", err=True)
    for warning in report.warnings[:max_lines]:
        click.echo(f"line {warning.line}: warning: {warning.reason}", err=True)
    if len(report.warnings) > max_lines:
        click.echo(f"… and {len(report.warnings) - max_lines} more warnings", err=True)
    for dup in report.duplicates[:max_lines]:
        click.echo(f"likely duplicate: {dup['name']} ({dup['id']}) ~ {dup['duplicate_name']} "
                   f"({dup['duplicate_of']}), {dup['distance_m']} m", err=True)
    for conflict in report.conflicts[:max_lines]:
        click.echo(f"line {conflict['line']}: conflict: {conflict['id']} {conflict['field']} "
                   f"edited here ({conflict['kept']!r}) kept over the source's "
                   f"{conflict['source']!r}", err=True)
    for gone in report.left_source[:max_lines]:
        click.echo(f"left the source: {gone['name']} ({gone['id']}), now off the map",
                   err=True)
    precision = ", ".join(f"{k}: {v}" for k, v in sorted(report.precision.items()))
    click.echo(f"Import of {report.source_id}: {report.summary()}.")
    if precision:
        click.echo(f"Geocode precision: {precision}.")
    _print_region(report)
    if report.link_proposals:
        click.echo(f"{report.link_proposals} network links proposed: "
                   "see `regional-map link-proposals`.")
    if report.dry_run:
        click.echo("Dry run: nothing was written.")


def _print_region(report) -> None:
    if report.region_set:
        click.echo(f"The store's region is now {format_region(report.region)} (the data's "
                   "extent); the map opens on it and later imports are checked against it.")
    elif report.outside_region:
        click.echo(f"{report.outside_region} rows lie outside the region "
                   f"{format_region(report.region)}; set REGIONAL_MAP_REGION (or 'none') "
                   "to accept them.")


def _print_guesses(report) -> None:
    """What --dry-run shows about a spreadsheet: the mapping used and the first rows."""
    if report.columns:
        click.echo("Columns: " + ", ".join(f"{f} ← {c!r}" for f, c in report.columns.items()))
    for note in report.guesses:
        click.echo(f"Guessed: {note}")
    for number, row in enumerate(report.preview, start=1):
        click.echo(f"Row {number}: " + json.dumps(row, ensure_ascii=False))


def _progress_bar(path: Path, quiet: bool):
    """A progress bar (rows/s, ETA) on standard error; hidden when ``quiet`` or in a pipe."""
    from tqdm import tqdm  # only a terminal import draws it

    return tqdm(desc=f"Importing {path.name}", unit=" rows", disable=quiet or None,
                file=sys.stderr, mininterval=0.5)


def _geocoder_done(stats) -> None:
    click.echo(f"Online geocoder: {stats.found} found, {stats.not_found} not found, "
               f"{stats.failures} failed, {stats.cache_hits} from cache.", err=True)


def import_region(conn) -> tuple[Any, bool]:
    """The region an import checks rows against, and whether it may be set from the data.

    ``REGIONAL_MAP_REGION`` set in the environment wins; otherwise the store's own region
    (set by its first import), else the default, which the first import replaces.
    """
    explicit = bool(os.environ.get("REGIONAL_MAP_REGION"))
    return effective_region(conn, settings()["REGION"], explicit), not explicit


def run_cli_import(conn, path: Path, *, quiet: bool, **options: Any):
    """Run an import with a progress bar; ``ImportFailed`` becomes a click error. A large
    file is read in a second process beside the writer (a command has no other threads)."""

    bar = _progress_bar(path, quiet)

    def on_total(total):
        bar.total = total
        bar.refresh()

    region, from_data = import_region(conn)
    try:
        return run_import(conn, path, settings=settings(), on_geocoder_done=_geocoder_done,
                          progress=lambda done: bar.update(done - bar.n), on_total=on_total,
                          region=region, region_from_data=from_data,
                          read_aside=True, **options)
    except ImportFailed as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        bar.close()


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", help="Name of the source dataset (default: the file's name). "
              "Re-importing the same source updates its places instead of duplicating them.")
@click.option("--licence", help="Licence of the data, e.g. 'CC BY 4.0' (ODbL for OSM is set "
              "automatically).")
@click.option("--attribution", help="Attribution text shown on the map and in exports.")
@click.option("--kind", "default_kind", help="Kind for rows that have none, e.g. farm_shop.")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='JSON file {"field": "column"} for columns with unusual names.')
@click.option("--dry-run", is_flag=True,
              help="Check and report, write nothing; shows the column mapping and first rows.")
@click.option("--strict", is_flag=True, help="Write nothing if any row is rejected or has a "
              "fault in an optional field.")
@click.option("--no-sync", "no_sync", is_flag=True, help="Do not retire the source's places "
              "that the file lacks (for a file that is only part of a source).")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
def import_command(file: Path, source, licence, attribution, default_kind, mapping, dry_run,
                   strict, no_sync, as_json) -> None:
    """Import places from CSV, XLSX, GeoJSON or OSM (overpass turbo GeoJSON, Overpass JSON,
    .osm, .osm.pbf), recognised by their content.

    Every rejected row is reported with its line and reason, every fault in an optional field
    as a warning; the good rows are imported in one transaction. Re-importing a source is a
    sync. Exits with status 1 when rows were rejected, 2 when nothing could be read.
    """
    conn = open_store(upgrade=True)
    try:
        report = run_cli_import(conn, file, source=source, licence=licence,
                                attribution=attribution, default_kind=default_kind,
                                mapping=mapping, dry_run=dry_run, strict=strict,
                                sync=not no_sync, quiet=as_json)
    finally:
        conn.close()
    if dry_run and not as_json:
        _print_guesses(report)
    print_report(report, as_json)
    if report.rejected:
        sys.exit(1)


@click.command("load-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has places.")
def load_demo_command(if_empty: bool) -> None:
    """Build the demo database from the data shipped in data/ (1,703 real OSM places)."""
    conn = open_store()
    try:
        if if_empty and Path(settings()["DB"]).stat().st_size > 0:
            if schema.version(conn) == schema.LATEST_VERSION and conn.execute(
                "SELECT EXISTS (SELECT 1 FROM places)"
            ).fetchone()[0]:
                click.echo("The database already has places; nothing to do.")
                return
        bar = _progress_bar(Path("demo"), quiet=False)
        try:
            report = load_demo(conn, region=settings()["REGION"], settings=settings(),
                               progress=lambda done: bar.update(done - bar.n))
        finally:
            bar.close()
    finally:
        conn.close()
    print_report(report, as_json=False, max_lines=0)


@click.command("geocode")
@click.option("--online/--offline", default=None,
              help="Use the configured online geocoder for places placed only by postcode or "
                   "town (default: when REGIONAL_MAP_GEOCODER is set).")
@click.option("--limit", type=int, default=None, help="At most this many online look-ups.")
def geocode_command(online: bool | None, limit: int | None) -> None:
    """Improve coarse points and report how many places sit at each precision."""

    config = settings()
    conn = open_store()
    try:
        report = geocode_places(conn, config, online=online, limit=limit)
    finally:
        conn.close()
    for line in report.lines():
        click.echo(line)


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["geojson", "csv", "gpkg", "html"]),
              default="geojson", show_default=True,
              help="GeoJSON, CSV, GeoPackage, or a self-contained HTML map (folium).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output).")
@click.option("--q", default="", help="Search text.")
@click.option("--kind", default="", help="Comma-separated kinds.")
@click.option("--product", default="", help="Comma-separated products (code or name).")
@click.option("--category", default="", help="Comma-separated product categories.")
@click.option("--bbox", default="", help="minlon,minlat,maxlon,maxlat")
@click.option("--near", default="", help="lat,lon (with --radius-km, default 25).")
@click.option("--radius-km", "radius_km", default="", help="Radius around --near, in km.")
@click.option("--municipality", default="", help="Comma-separated municipality codes.")
@click.option("--network", default="", help="Network id.")
@click.option("--status", default="", help="Comma-separated statuses, or 'all'.")
@click.option("--organic", default="", help="true or false.")
@click.option("--updated-since", "updated_since", default="", help="ISO 8601 date-time.")
@click.option("--stale", default=None, type=click.Choice(["hide", "include"]),
              help="include: also places not confirmed for a long time (default hide).")
@click.option("--lang", default="en", type=click.Choice(["nl", "fr", "en"]), show_default=True)
def export_command(fmt, output, lang, **filters) -> None:
    """Export a selection of places (the API's filters) with the sources' licences."""

    config = settings()
    if fmt == "gpkg" and not output:
        raise click.UsageError("--format gpkg needs --output FILE")
    conn = open_store()
    try:
        data, count = export_selection(conn, {k: v for k, v in filters.items() if v}, fmt,
                                       config, lang)
    except BadParameter as exc:
        raise click.BadParameter(exc.message) from exc
    finally:
        conn.close()
    if output:
        output.write_bytes(data)
        click.echo(f"Wrote {count} places to {output}.", err=True)
    else:
        sys.stdout.buffer.write(data)


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def stats_command(as_json: bool) -> None:
    """Counts of places by kind, status and geocode precision, and the sources."""

    conn = open_store()
    try:
        result = stats(conn)
    finally:
        conn.close()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    click.echo(f"{result['places']} places, {result['networks']} networks, "
               f"{result['links']} links, {result['products']} products, "
               f"{result['municipalities']} municipalities")
    for title, key in (("By kind", "by_kind"), ("By status", "by_status"),
                       ("By geocode precision", "by_precision")):
        click.echo(f"{title}:")
        for name, count in result[key].items():
            click.echo(f"  {name:<24} {count:>7}")
    click.echo("Sources:")
    for source in result["sources"]:
        click.echo(f"  {source['id']:<20} {source['licence'] or '-':<12} "
                   f"{source['rows_imported']} new, {source['rows_updated']} updated, "
                   f"{source['rows_rejected']} rejected")


@click.command("serve")
@click.option("--host", default=None, help="Address to listen on (REGIONAL_MAP_HOST).")
@click.option("--port", type=int, default=None, help="Port to listen on (REGIONAL_MAP_PORT).")
@click.option("--debug", is_flag=True, help="Reload on code changes and show tracebacks.")
def serve_command(host: str | None, port: int | None, debug: bool) -> None:
    """Serve the map (development server; use gunicorn in production, see README)."""

    config = settings()
    overrides = {"DB": config["DB"]}
    try:
        app = create_app(overrides)
    except StoreNotReady as exc:
        raise click.ClickException(str(exc)) from exc
    host = host or config["HOST"]
    port = port or config["PORT"]
    click.echo(f"Regional Map on http://{host}:{port}/ (database {config['DB']})")
    app.run(host=host, port=port, debug=debug, threaded=True)


@click.command("settings")
def settings_command() -> None:
    """List every setting, its environment variable, current value and meaning."""
    values = settings()
    for setting in SETTINGS:
        click.echo(f"{setting.env}={values[setting.name]!s}\n    {setting.help}")


COMMANDS = (init_db_command, load_demo_command, import_command, geocode_command,
            export_command, stats_command, serve_command, settings_command)
