"""Spreadsheets with foreign headers import without --mapping: names, then values, decide.

Four files written here, as their publishers write them: a German farm-shop list from East
Belgium, an English national market directory with x/y columns, a French open-data export
and a Dutch list whose columns only their values explain.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from regional_map.ingest.importer import import_file
from regional_map.places.engine import find_places
from regional_map.places.filters import PlaceFilter
from regional_map.settings import DEFAULT_REGION

PROJECT = Path(__file__).resolve().parents[2]

GERMAN = ("Betriebsname;Straße;Hausnummer;PLZ;Ort;Öffnungszeiten;Telefon;Webseite;Eier;Milch;"
          "Honig\n"
          "Hof Kettenis;Aachener Straße;12;4701;Eupen;Fr 14:00-18:00;087 55 12 34;"
          "hof-kettenis.be;ja;ja;nein\n"
          "Imkerei Walhorn;Dorfstraße;3;4711;Lontzen;nach Vereinbarung;087 11 22 33;;nein;nein;"
          "ja\n")
ENGLISH = ("Market name,Address,Town,Postcode,x,y,Market day,Contact\n"
           "Ghent Friday Market,Vrijdagmarkt,Gent,9000,3.7257,51.0571,Fr 07:00-13:00,"
           "markets@example.org\n"
           "Bruges Wednesday Market,Markt,Brugge,8000,3.2247,51.2085,We 08:00-13:30,\n"
           "Ostend Market,Wapenplein,Oostende,8400,2.9186,51.2300,Th 08:00-13:00,\n")
FRENCH = ("Dénomination;Adresse complète;Commune;Courriel;Site internet;Catégorie;"
          "Produits\n"
          "Ferme du Bois;Rue du Bois 4, 5000 Namur;Namur;info@ferme.example;"
          "https://ferme.example;magasin à la ferme;œufs, pommes de terre\n"
          "La Cabane;Chaussée de Liège 210, 4500 Huy;Huy;pas-un-mail;;point de retrait;"
          "légumes\n")
# Only the values say what "Cijfers", "N", "O" and "Meer info" hold.
DUTCH_VALUES = ("Naam;Cijfers;N;O;Meer info;Aardappelen;Eieren\n"
                "Automaat Hoeve Ter Beke;9800;50.9870;3.5260;https://terbeke.example;x;\n"
                "Eierautomaat Lindenhof;8500;50.8280;3.2650;www.lindenhof.example;;x\n"
                "Automaat De Kouter;9070;51.0140;3.8050;;x;x\n")


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def _places(conn):
    return {p["name"]: p for p in find_places(conn, PlaceFilter(limit=100)).items}


def test_a_german_farm_shop_list_imports_with_products_from_yes_no_columns(empty_conn,
                                                                           tmp_path):
    report = import_file(empty_conn, _write(tmp_path, "hofladen_ostbelgien.csv", GERMAN),
                         region=DEFAULT_REGION)
    assert (report.created, report.rejected) == (2, [])
    assert report.columns["name"] == "Betriebsname" and report.columns["postcode"] == "PLZ"
    assert report.kind_guessed == "farm_shop"
    assert report.product_flags == {"Eier": "eggs", "Milch": "milk", "Honig": "honey"}
    places = _places(empty_conn)
    assert places["Hof Kettenis"]["products"] == ["eggs", "milk"]
    assert places["Hof Kettenis"]["website"] == "https://hof-kettenis.be"
    # Free-text hours keep the row, the text, and a warning with the line.
    assert places["Imkerei Walhorn"]["opening_hours"] == "nach Vereinbarung"
    assert any(w.line == 3 and "opening hours" in w.reason for w in report.warnings)


def test_a_national_market_directory_with_x_y_columns_imports_without_a_mapping(empty_conn,
                                                                               tmp_path):
    report = import_file(empty_conn, _write(tmp_path, "markets.csv", ENGLISH),
                         region=DEFAULT_REGION)
    assert (report.created, report.rejected) == (3, [])
    assert (report.columns["lon"], report.columns["lat"]) == ("x", "y")
    assert report.columns["opening_hours"] == "Market day"
    assert report.columns["email"] == "Contact"
    places = _places(empty_conn)
    ghent = places["Ghent Friday Market"]
    assert ghent["kind"] == "farmers_market" and ghent["geocode_precision"] == "source"
    assert (ghent["lon"], ghent["lat"]) == (3.7257, 51.0571)


def test_a_french_open_data_export_with_accented_headers(empty_conn, tmp_path):
    report = import_file(empty_conn, _write(tmp_path, "export.csv", FRENCH, "cp1252"),
                         region=DEFAULT_REGION)
    assert report.created == 2 and not report.rejected
    places = _places(empty_conn)
    assert places["Ferme du Bois"]["kind"] == "farm_shop"
    assert places["Ferme du Bois"]["products"] == ["eggs", "potatoes"]
    assert places["Ferme du Bois"]["postcode"] == "5000"
    assert places["La Cabane"]["kind"] == "pickup_point"
    assert any("pas-un-mail" in w.reason for w in report.warnings)


def test_columns_are_recognised_by_their_values_when_their_names_say_nothing(empty_conn,
                                                                            tmp_path):
    report = import_file(empty_conn, _write(tmp_path, "automaten.csv", DUTCH_VALUES),
                         region=DEFAULT_REGION)
    assert (report.created, report.rejected) == (3, [])
    assert report.columns["postcode"] == "Cijfers"
    assert (report.columns["lat"], report.columns["lon"]) == ("N", "O")
    assert report.columns["website"] == "Meer info"
    assert report.kind_guessed == "vending_machine"
    kouter = _places(empty_conn)["Automaat De Kouter"]
    assert kouter["products"] == ["eggs", "potatoes"] and kouter["lat"] == 51.014


def test_dry_run_prints_the_guessed_mapping_and_a_preview_and_mapping_overrides(tmp_path):
    path = _write(tmp_path, "markets.csv", ENGLISH)
    env = {**os.environ, "REGIONAL_MAP_DB": str(tmp_path / "rm.db")}
    result = subprocess.run([sys.executable, "-m", "regional_map", "import", str(path),
                             "--dry-run"], capture_output=True, text=True, env=env,
                            cwd=PROJECT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "lon ← 'x'" in result.stdout and "lat ← 'y'" in result.stdout
    assert 'Row 1: {"name": "Ghent Friday Market"' in result.stdout
    assert "Dry run: nothing was written." in result.stdout
    mapping = _write(tmp_path, "mapping.json", json.dumps({"name": "Town"}))
    result = subprocess.run([sys.executable, "-m", "regional_map", "import", str(path),
                             "--dry-run", "--json", "--mapping", str(mapping)],
                            capture_output=True, text=True, env=env, cwd=PROJECT, timeout=120)
    report = json.loads(result.stdout)
    assert report["columns"]["name"] == "Town"
    assert report["preview"][0]["name"] == "Gent"
