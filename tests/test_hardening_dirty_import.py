"""A dirty import: every bad row reported with its line and reason, every good row imported.

``tests/fixtures/dirty_import.csv`` (made by ``make_dirty_import.py`` beside it) has a BOM,
semicolons, CRLF line ends and a blank line, and one fault per bad row.
"""

from __future__ import annotations

from pathlib import Path

from regional_map.ingest.importer import import_file
from regional_map.settings import DEFAULT_REGION

DIRTY = Path(__file__).parent / "fixtures" / "dirty_import.csv"

REJECTED = {
    9: "missing name",
    10: "outside the configured region",
    11: "unknown postcode 0001",
    13: "duplicate of line 3",
    14: "row has 4 fields, the header has 14",
    15: "holds 97 KB, more than 10 KB",
    16: "spreadsheet formula",
    17: "unknown kind 'ruimteschip'",
    18: "unparseable coordinates lat='noord'",
    19: "no coordinates, postcode or town",
    22: "unparseable coordinates lat='nan'",
}
WARNED = {
    # Faults in optional fields keep the row (issue 15); --strict still refuses the file.
    12: "invalid opening hours",
    20: "season 'dertien' is not a month list",
    21: "unknown status 'verdwenen'",
    4: "latitude and longitude were swapped",
    5: "read as Latin-1",
    6: "is not an http(s) address",
    7: "name contains HTML markup",
}


def test_the_dirty_fixture_has_at_least_fifteen_kinds_of_fault():
    data = DIRTY.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"51,0543" in data
    assert len(REJECTED) + len(WARNED) + 3 >= 15  # + BOM, decimal commas, blank line


def test_every_bad_row_is_reported_with_its_line_and_reason(empty_conn):
    report = import_file(empty_conn, DIRTY, source="dirty", region=DEFAULT_REGION)
    rejected = {r.line: r.reason for r in report.rejected}
    assert set(rejected) == set(REJECTED), rejected
    for line, reason in REJECTED.items():
        assert reason in rejected[line], (line, rejected[line])
    warnings = {}
    for warning in report.warnings:
        warnings.setdefault(warning.line, []).append(warning.reason)
    for line, reason in WARNED.items():
        assert any(reason in w for w in warnings.get(line, [])), (line, warnings.get(line))


def test_every_good_row_of_the_dirty_file_is_imported_cleanly(empty_conn):
    report = import_file(empty_conn, DIRTY, source="dirty", region=DEFAULT_REGION)
    assert (report.read, report.created) == (21, 10)
    rows = {r["name"]: r for r in empty_conn.execute("SELECT * FROM places")}
    assert set(rows) == {"Hoeve Goed Een", "Hoeve Goed Twee", "Hoeve Verwisseld",
                         "Ferme Café Latin", "Hoeve Spaties", "<img src=x onerror=alert(1)>",
                         "Hoeve Zonder Punt", "Hoeve Slechte Uren", "Hoeve Seizoen",
                         "Hoeve Status"}
    assert rows["Hoeve Slechte Uren"]["opening_hours"] == "elke dag behalve soms"  # kept
    assert (rows["Hoeve Goed Een"]["lat"], rows["Hoeve Goed Een"]["lon"]) == (51.0543, 3.7174)
    assert (rows["Hoeve Verwisseld"]["lat"], rows["Hoeve Verwisseld"]["lon"]) == (50.8798,
                                                                                  4.7005)
    assert rows["Hoeve Spaties"]["website"] == "" and rows["Hoeve Spaties"]["email"] == ""
    assert rows["Hoeve Zonder Punt"]["geocode_precision"] == "postcode"
    assert not any(name.startswith("=") for name in rows)


def test_a_strict_dirty_import_writes_nothing(empty_conn):
    report = import_file(empty_conn, DIRTY, source="dirty", region=DEFAULT_REGION, strict=True)
    assert report.rejected and report.dry_run
    assert empty_conn.execute("SELECT COUNT(*) FROM places").fetchone()[0] == 0
    assert empty_conn.execute("SELECT COUNT(*) FROM changes").fetchone()[0] == 0
