"""Commands of networks and links: ``import-links``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from regional_map.cli.context import open_store
from regional_map.networks.link_import import LinkImportFailed, import_links


@click.command("import-links")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--network", help="Network id: fills an empty 'to' column, and makes a file "
              "without a 'to' column this network's member list (place[,role]).")
@click.option("--source", help="Source dataset id recorded on the links.")
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
def import_links_command(file: Path, network: str | None, source: str | None, dry_run: bool,
                         as_json: bool) -> None:
    """Import links (from,type,to[,schedule][,note]) or a network's member list from CSV/XLSX.

    Ends are place:ID, network:ID or a bare id. Rows naming an unknown place, network, type
    or role are reported with their line; the rest is imported in one transaction. Exits with
    status 1 when rows were rejected.
    """

    conn = open_store(upgrade=True)
    try:
        report = import_links(conn, file, network=network, source_id=source, dry_run=dry_run)
    except LinkImportFailed as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        conn.close()
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for problem in report.rejected:
            click.echo(f"line {problem.line}: rejected: {problem.reason}", err=True)
        kind = "member list" if report.mode == "members" else "links"
        click.echo(f"Import of {kind} from {file.name}: {report.summary()}.")
        if dry_run:
            click.echo("Dry run: nothing was written.")
    if report.rejected:
        sys.exit(1)


COMMANDS = (import_links_command,)
