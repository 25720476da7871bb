"""The filter declarations: values never reach the SQL text, and a filter declared once works
everywhere (parser, SQL, the API and its error shape)."""

from __future__ import annotations

import pytest

from regional_map.errors import BadParameter
from regional_map.places.filters import FILTERS, PlaceFilter, parse
from regional_map.places.paths.sql import Query

HOSTILE = "x'); DROP TABLE places; --"


def _hostile_filter() -> PlaceFilter:
    """Every text-valued filter set to text that would break out of a quoted SQL string."""
    return PlaceFilter(
        q=HOSTILE, kinds=(HOSTILE,), products=(HOSTILE,), categories=(HOSTILE,),
        payment=(HOSTILE,), municipalities=(HOSTILE,), network=HOSTILE,
        updated_since=HOSTILE, hide_stale_before=HOSTILE, statuses=(HOSTILE,),
        services=(HOSTILE,), bbox=(1.0, 2.0, 3.0, 4.0), near=(50.0, 4.0), radius_km=5.0,
        organic=True, sells_to_business=False, in_season_month=5)


def test_no_filter_value_reaches_the_sql_text():
    f = _hostile_filter()
    query = Query(f)
    assert HOSTILE not in query.sql and "DROP" not in query.sql
    assert query.sql.count("?") == len(query.params)
    assert HOSTILE in query.params
    # Every declared filter with SQL took part.
    assert all(d.active(f) for d in FILTERS if d.sql is not None and d.name != "bbox")


def test_the_hostile_filter_runs_as_plain_values(demo_conn):
    from regional_map.places import engine

    assert engine.find_places(demo_conn, _hostile_filter()).total == 0
    assert demo_conn.execute("SELECT COUNT(*) FROM places").fetchone()[0] > 1000


def test_a_service_is_read_by_code_or_by_its_name_in_any_language():
    assert parse({"service": "slaughtering"}).services == ("slaughtering",)
    for text in ("abattoir", "slachthuis", "Slaughterhouse"):
        assert "slaughtering" in parse({"service": text}).services
        assert "poultry_slaughter" in parse({"service": text}).services
    with pytest.raises(BadParameter) as error:
        parse({"service": "teleportation"})
    assert error.value.name == "service"


def test_the_service_filter_finds_the_hub_that_offers_it_through_the_api(client):
    body = client.get("/api/places?service=abattoir&stale=include").get_json()
    names = [f["properties"]["name"] for f in body["features"]]
    assert any("Fabrique" in n for n in names), names
    assert body["numberMatched"] == len(names) >= 1
    bad = client.get("/api/places?service=teleportation")
    assert bad.status_code == 400
    assert bad.get_json()["error"]["details"] == {"parameter": "service"}


def test_the_openapi_document_describes_every_declared_parameter(client):
    params = client.get("/api/openapi.json").get_json()["components"]["parameters"]
    for declaration in FILTERS:
        for param in declaration.params:
            assert params[param.name]["description"] == param.description
