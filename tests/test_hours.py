"""Opening hours evaluation (regional_map.hours) against real BE/NL OSM strings.

Dates used below (2026): Mon 1 Jun, Wed 3 Jun, Sat 6 Jun; Fri 25 Dec (Christmas);
Tue 21 Jul (Belgian National Day); Mon 27 Apr (Koningsdag); Wed 11 Nov (Armistice,
BE only); DST starts Sun 29 Mar and ends Sun 25 Oct in Europe/Brussels.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from regional_map.hours import opening as hours
from regional_map.hours.opening import DayHours, HoursStatus, describe, is_open, status, week_table

BRUSSELS = ZoneInfo("Europe/Brussels")
STRINGS_FILE = Path(__file__).resolve().parents[1] / "data/osm/be_nl_opening_hours_strings.txt"


@pytest.fixture(scope="module")
def real_strings() -> list[str]:
    return STRINGS_FILE.read_text(encoding="utf-8").splitlines()


def local(*args: int) -> datetime:
    """Aware datetime in Europe/Brussels."""
    return datetime(*args, tzinfo=BRUSSELS)


# ----------------------------------------------------------------- the real data


def test_real_strings_file_has_the_529_distinct_values(real_strings: list[str]) -> None:
    assert len(real_strings) == 529
    assert len(set(real_strings)) == 529


def test_report_how_many_real_strings_parse(real_strings: list[str]) -> None:
    ok, failed = hours.parse_report(real_strings)
    share = len(ok) / len(real_strings)
    print(f"\n{len(ok)} of {len(real_strings)} opening_hours strings parse ({share:.1%});")
    print(f"{len(failed)} do not:")
    for raw in failed:
        print(f"  {raw}")
    assert len(ok) + len(failed) == len(real_strings)
    # Measured 516 / 529 (97.5%); the rest is free text and genuine syntax errors.
    assert len(ok) >= 512
    assert '"op afspraak"' in failed
    assert "by appointment" in failed


def test_every_real_string_evaluates_without_raising(real_strings: list[str]) -> None:
    at = datetime(2026, 6, 3, 12, 30)
    for raw in real_strings:
        result = status(raw, at)
        assert result.state in {"open", "closed", "unknown"}
        assert len(week_table(raw, at.date())) == 7


# ------------------------------------------------------------------- parse


def test_parse_is_cached_per_string() -> None:
    assert hours.parse("Mo-Fr 08:00-18:00") is hours.parse("Mo-Fr 08:00-18:00")


def test_parse_returns_none_for_empty_free_text_and_syntax_errors() -> None:
    for raw in (None, "", "   ", '"op afspraak"', "by appointment", "Weekly, Tuesday Morning"):
        assert hours.parse(raw) is None, raw


def test_parse_accepts_lower_case_country_code() -> None:
    assert hours.parse("Mo-Fr 08:00-18:00; PH off", country="nl") is not None


def test_parse_rejects_unknown_country_code() -> None:
    with pytest.raises(ValueError, match="XX"):
        hours.parse("Mo-Fr 08:00-18:00", country="XX")


def test_parse_keeps_library_warnings_for_lenient_input() -> None:
    parsed = hours.parse("we 13:00-16:00")
    assert parsed is not None
    assert parsed.warnings


# --------------------------------------------------------- unknown is never open


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_missing_hours_are_unknown_and_never_open(raw: str | None) -> None:
    result = status(raw, datetime(2026, 6, 3, 12))
    assert result.state == "unknown"
    assert result.closes_at is None and result.opens_at is None
    assert not is_open(raw, datetime(2026, 6, 3, 12))


def test_free_text_op_afspraak_is_unknown_with_the_text_as_comment() -> None:
    # The library on its own evaluates a lone comment as open.
    result = status('"op afspraak"', datetime(2026, 6, 3, 12))
    assert result.state == "unknown"
    assert result.comment == "op afspraak"
    assert not is_open('"op afspraak"', datetime(2026, 6, 3, 12))


def test_unparseable_string_is_unknown() -> None:
    result = status("May-Nov We Fr 13.00 - 16.00", datetime(2026, 6, 3, 14))
    assert result.state == "unknown"
    assert result.raw == "May-Nov We Fr 13.00 - 16.00"


def test_comment_only_fallback_rule_is_unknown_not_open() -> None:
    raw = 'Sa 09:00-17:00 || "na telefonische afspraak"'
    wednesday = status(raw, datetime(2026, 6, 3, 12))
    assert wednesday.state == "unknown"
    assert wednesday.comment == "na telefonische afspraak"
    assert status(raw, datetime(2026, 6, 6, 12)).state == "open"


def test_comment_only_rule_for_some_days_is_unknown_on_those_days() -> None:
    raw = (
        'Mo-Sa 13:30-17:30; Tu off; Th off; Su "enkel afhalen van een bestelling"; '
        'PH "enkel afhalen van een bestelling"'
    )
    assert status(raw, datetime(2026, 6, 7, 14)).state == "unknown"  # Sunday
    assert status(raw, datetime(2026, 6, 1, 14)).state == "open"  # Monday
    assert status(raw, datetime(2026, 6, 2, 14)).state == "closed"  # Tuesday


def test_comment_after_explicit_open_keeps_the_rule_open() -> None:
    raw = 'Mo 09:00-13:00 open "Brocante"; Sa 09:00-16:00 open "Biologische Boerenmarkt"'
    result = status(raw, datetime(2026, 6, 1, 10))
    assert result.state == "open"
    assert result.comment == "Brocante"
    assert result.closes_at == local(2026, 6, 1, 13, 0)


def test_comment_after_times_without_modifier_is_unknown_like_opening_hours_js() -> None:
    raw = 'Mo-Fr 08:00-12:00 "misschien, bel eerst"'
    during = status(raw, datetime(2026, 6, 3, 10, 0))
    assert during.state == "unknown"
    assert during.comment == "misschien, bel eerst"
    assert status(raw, datetime(2026, 6, 3, 13, 0)).state == "closed"


def test_day_list_with_spaces_is_a_list_not_an_all_day_rule() -> None:
    # Read literally, "Mo, Sa 08:30-12:30" would mean Monday open all day.
    assert status("Mo, Sa 08:30-12:30", datetime(2026, 6, 1, 14)).state == "closed"
    assert status("Mo, Sa 08:30-12:30", datetime(2026, 6, 1, 9)).state == "open"
    raw = "Mo, Tu, Th, Fr 10:00-18:00; Sa 09:00-14:00; We, Su off"
    assert status(raw, datetime(2026, 6, 3, 12)).state == "closed"  # Wednesday


# ----------------------------------------------------------- lunch breaks


def test_lunch_break_at_half_past_twelve_is_closed_and_opens_at_one() -> None:
    result = status("Mo-Fr 08:00-12:00,13:00-18:00", datetime(2026, 6, 3, 12, 30))
    assert result.state == "closed"
    assert result.opens_at == local(2026, 6, 3, 13, 0)


def test_closing_time_itself_is_already_closed() -> None:
    raw = "Mo-Fr 08:00-12:00,13:00-18:00"
    assert status(raw, datetime(2026, 6, 3, 12, 0)).state == "closed"
    just_before = status(raw, datetime(2026, 6, 3, 11, 59))
    assert just_before.state == "open"
    assert just_before.closes_at == local(2026, 6, 3, 12, 0)


def test_opening_time_itself_is_open() -> None:
    result = status("Mo-Fr 08:00-12:00,13:00-18:00", datetime(2026, 6, 3, 13, 0))
    assert result.state == "open"
    assert result.closes_at == local(2026, 6, 3, 18, 0)


def test_friday_evening_opens_monday_morning() -> None:
    result = status("Mo-Fr 08:00-12:00,13:00-18:00", datetime(2026, 6, 5, 18, 30))
    assert result.state == "closed"
    assert result.opens_at == local(2026, 6, 8, 8, 0)


# ------------------------------------------------------------- midnight


def test_span_across_midnight_is_open_after_midnight_on_the_next_day() -> None:
    raw = "Mo-Fr 22:00-02:00"
    tuesday_night = status(raw, datetime(2026, 6, 2, 1, 0))
    assert tuesday_night.state == "open"
    assert tuesday_night.closes_at == local(2026, 6, 2, 2, 0)
    # Friday's span runs into Saturday; Sunday has none to run into Monday.
    assert status(raw, datetime(2026, 6, 6, 1, 0)).state == "open"
    assert status(raw, datetime(2026, 6, 1, 1, 0)).state == "closed"


def test_span_across_midnight_closes_tomorrow() -> None:
    result = status("Mo-Fr 22:00-02:00", datetime(2026, 6, 1, 22, 0))
    assert result.state == "open"
    assert result.closes_at == local(2026, 6, 2, 2, 0)
    assert describe(result, "en") == "Open now, closes tomorrow 02:00"


def test_span_across_midnight_end_is_exclusive() -> None:
    result = status("Mo-Fr 22:00-02:00", datetime(2026, 6, 2, 2, 0))
    assert result.state == "closed"
    assert result.opens_at == local(2026, 6, 2, 22, 0)


def test_span_ending_at_midnight_closes_at_00_00() -> None:
    raw = "Mo-Th 12:00-00:00; Fr-Sa 00:00-01:00, 12:00-00:00; Su 12:00-00:00;PH off"
    monday = status(raw, datetime(2026, 6, 1, 23, 59))
    assert monday.state == "open"
    assert monday.closes_at == local(2026, 6, 2, 0, 0)
    assert describe(monday, "en") == "Open now, closes 00:00"
    assert status(raw, datetime(2026, 6, 2, 0, 0)).state == "closed"


def test_exactly_midnight_is_open_when_a_span_starts_at_00_00() -> None:
    raw = "Mo-Th 12:00-00:00; Fr-Sa 00:00-01:00, 12:00-00:00; Su 12:00-00:00;PH off"
    friday = status(raw, datetime(2026, 6, 5, 0, 0))
    assert friday.state == "open"
    assert friday.closes_at == local(2026, 6, 5, 1, 0)


def test_all_day_every_day_has_no_closing_time() -> None:
    result = status("Mo-Su,PH 00:00-24:00", datetime(2026, 6, 3, 0, 0))
    assert result.state == "open"
    assert result.closes_at is None


def test_24_7_is_open_without_closing_time() -> None:
    result = status("24/7", datetime(2026, 12, 25, 3, 0))
    assert result.state == "open"
    assert result.closes_at is None
    assert describe(result, "en") == "Open now"


def test_all_day_except_sunday_closes_at_midnight_on_saturday() -> None:
    result = status("Mo-Sa 00:00-24:00; PH off", datetime(2026, 6, 6, 12, 0))
    assert result.state == "open"
    assert result.closes_at == local(2026, 6, 7, 0, 0)


# ------------------------------------------------------------- seasons


def test_seasonal_saturday_market_is_closed_in_november_without_next_opening() -> None:
    result = status("Apr-Oct Sa 10:00-14:00", datetime(2026, 11, 7, 12, 0))
    assert result.state == "closed"
    assert result.opens_at is None  # next season is months away
    assert describe(result, "en") == "Closed"


def test_seasonal_saturday_market_is_open_on_a_saturday_in_may() -> None:
    result = status("Apr-Oct Sa 10:00-14:00", datetime(2026, 5, 9, 12, 0))
    assert result.state == "open"
    assert result.closes_at == local(2026, 5, 9, 14, 0)


def test_seasonal_market_is_closed_on_a_weekday_in_season() -> None:
    result = status("Apr-Oct Sa 10:00-14:00", datetime(2026, 5, 6, 12, 0))
    assert result.state == "closed"
    assert result.opens_at == local(2026, 5, 9, 10, 0)


def test_season_start_a_week_ahead_names_weekday_and_date() -> None:
    result = status("Apr-Oct Sa 10:00-14:00", datetime(2026, 3, 28, 12, 0))
    assert result.opens_at == local(2026, 4, 4, 10, 0)
    assert describe(result, "en") == "Opens Saturday 4/4 10:00"
    assert describe(result, "nl") == "Opent zaterdag 4/4 10:00"


# --------------------------------------------------------- public holidays


def test_ph_off_closes_on_christmas_in_belgium() -> None:
    raw = "Tu-Sa 08:00-18:00; PH off"
    christmas = status(raw, datetime(2026, 12, 25, 12, 0), country="BE")
    assert christmas.state == "closed"
    assert christmas.opens_at == local(2026, 12, 26, 8, 0)
    assert status(raw, datetime(2026, 12, 24, 12, 0), country="BE").state == "open"


def test_ph_off_closes_on_belgian_national_day_but_not_in_the_netherlands() -> None:
    raw = "Tu-Sa 08:00-18:00; PH off"
    assert status(raw, datetime(2026, 7, 21, 12, 0), country="BE").state == "closed"
    assert (
        status(raw, datetime(2026, 7, 21, 12, 0), country="NL", tz="Europe/Amsterdam").state
        == "open"
    )


def test_ph_off_closes_on_koningsdag_in_the_netherlands_but_not_in_belgium() -> None:
    raw = "Mo-Fr 07:30-17:00;PH off"
    nl = status(raw, datetime(2026, 4, 27, 12, 0), country="NL", tz="Europe/Amsterdam")
    assert nl.state == "closed"
    assert nl.opens_at == datetime(2026, 4, 28, 7, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert status(raw, datetime(2026, 4, 27, 12, 0), country="BE").state == "open"


def test_armistice_day_is_a_holiday_in_belgium_only() -> None:
    raw = "We 07:30-15:00; Sa 08:00-20:00; PH off"
    assert status(raw, datetime(2026, 11, 11, 12, 0), country="BE").state == "closed"
    assert status(raw, datetime(2026, 11, 11, 12, 0), country="NL").state == "open"


def test_ph_open_rule_opens_on_a_holiday() -> None:
    assert status("PH,Mo-Su 08:00-20:00", datetime(2026, 12, 25, 12, 0)).state == "open"
    sunday_rule = "Mo-Fr 10:00-18:00; Sa 09:00-17:00; Su,PH 10:00-16:00"
    christmas = status(sunday_rule, datetime(2026, 12, 25, 12, 0))
    assert christmas.state == "open"
    assert christmas.closes_at == local(2026, 12, 25, 16, 0)


def test_holidays_fall_back_to_holidays_package_for_countries_the_library_lacks() -> None:
    # Bonaire (BQ, Caribbean Netherlands): no calendar in opening-hours-py.
    tz = "America/Kralendijk"
    raw = "Mo-Su 08:00-18:00; PH off"
    parsed = hours.parse(raw, country="BQ", tz=tz)
    assert parsed is not None and "PH" not in parsed.expression
    assert status(raw, datetime(2026, 12, 25, 12, 0), country="BQ", tz=tz).state == "closed"
    assert status(raw, datetime(2026, 12, 23, 12, 0), country="BQ", tz=tz).state == "open"
    sunday_rule = status(
        "Mo-Fr 08:00-18:00; Su,PH 10:00-12:00", datetime(2026, 12, 25, 11), "BQ", tz
    )
    assert sunday_rule.state == "open"
    assert sunday_rule.closes_at == datetime(2026, 12, 25, 12, 0, tzinfo=ZoneInfo(tz))


def test_unsupported_ph_rule_in_fallback_country_is_unknown_on_holidays_only() -> None:
    tz = "America/Kralendijk"
    raw = "Mo-Su 08:00-18:00; Dec PH off"  # PH behind a month: not rewritten
    assert status(raw, datetime(2026, 12, 25, 12, 0), "BQ", tz).state == "unknown"
    assert status(raw, datetime(2026, 12, 23, 12, 0), "BQ", tz).state == "open"


# ------------------------------------------------------------ sunrise/sunset


def test_sunrise_sunset_uses_real_sun_times_for_belgium() -> None:
    # Brussels, 3 Dec 2026: sunrise ~08:25, sunset ~16:40 (not the library's 07:00/19:00).
    before_sunrise = status("sunrise-sunset", datetime(2026, 12, 3, 8, 0))
    assert before_sunrise.state == "closed"
    assert before_sunrise.opens_at is not None
    assert abs(before_sunrise.opens_at - local(2026, 12, 3, 8, 25)) < timedelta(minutes=10)
    midday = status("sunrise-sunset", datetime(2026, 12, 3, 12, 0))
    assert midday.state == "open"
    assert midday.closes_at is not None
    assert abs(midday.closes_at - local(2026, 12, 3, 16, 40)) < timedelta(minutes=10)
    assert status("sunrise-sunset", datetime(2026, 12, 3, 18, 0)).state == "closed"


def test_sunrise_sunset_works_for_the_netherlands() -> None:
    # Midsummer sunset in the middle of NL is ~22:05.
    assert status("sunrise-sunset", datetime(2026, 6, 21, 21, 30), country="NL").state == "open"
    assert status("sunrise-sunset", datetime(2026, 6, 21, 22, 30), country="NL").state == "closed"


def test_sunrise_sunset_is_unknown_where_no_reference_point_is_known() -> None:
    assert status(
        "sunrise-sunset", datetime(2026, 6, 21, 12), "BQ", "America/Kralendijk"
    ).state == ("unknown")


# -------------------------------------------------------------------- DST


def test_dst_start_day_span_across_the_missing_hour() -> None:
    # 29 Mar 2026: clocks jump 02:00 -> 03:00; 01:00-04:00 lasts two real hours.
    raw = "Su 01:00-04:00"
    result = status(raw, datetime(2026, 3, 29, 1, 30))
    assert result.state == "open"
    assert result.closes_at == local(2026, 3, 29, 4, 0)
    assert result.closes_at.utcoffset() == timedelta(hours=2)
    # Same-tzinfo subtraction in Python is wall-clock; compare real elapsed time in UTC.
    elapsed = result.closes_at.astimezone(UTC) - result.at.astimezone(UTC)
    assert elapsed == timedelta(hours=1, minutes=30)


def test_dst_start_day_non_existent_naive_time_is_shifted_forward() -> None:
    # 02:30 does not exist; PEP 495 reads it as 01:30 UTC = 03:30 CEST.
    result = status("Su 03:00-05:00", datetime(2026, 3, 29, 2, 30))
    assert result.at == local(2026, 3, 29, 3, 30)
    assert result.state == "open"


def test_dst_start_day_regular_hours_open_at_local_wall_time() -> None:
    result = status("Mo-Su 08:00-18:00", datetime(2026, 3, 29, 7, 0))
    assert result.state == "closed"
    assert result.opens_at == local(2026, 3, 29, 8, 0)
    assert result.opens_at.utcoffset() == timedelta(hours=2)


def test_dst_end_day_both_occurrences_of_the_repeated_hour_are_open() -> None:
    # 25 Oct 2026: 02:00-03:00 happens twice (CEST, then CET).
    raw = "Su 01:00-04:00"
    first = status(raw, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))  # 02:30 CEST
    second = status(raw, datetime(2026, 10, 25, 1, 30, tzinfo=UTC))  # 02:30 CET
    assert first.state == second.state == "open"
    assert first.closes_at == second.closes_at == local(2026, 10, 25, 4, 0)
    assert first.closes_at.utcoffset() == timedelta(hours=1)


def test_dst_end_day_ambiguous_naive_time_means_the_first_occurrence() -> None:
    result = status("Su 01:00-04:00", datetime(2026, 10, 25, 2, 30))
    assert result.at.utcoffset() == timedelta(hours=2)


def test_dst_end_day_regular_hours_close_at_local_wall_time() -> None:
    result = status("Mo-Su 08:00-18:00", datetime(2026, 10, 25, 12, 0))
    assert result.closes_at == local(2026, 10, 25, 18, 0)
    assert result.closes_at.utcoffset() == timedelta(hours=1)


# ------------------------------------------------------------- naive / aware


def test_naive_and_aware_times_for_the_same_instant_agree() -> None:
    raw = "Mo-Fr 08:00-12:00,13:00-18:00"
    naive = status(raw, datetime(2026, 6, 3, 11, 30))
    same_instants = [
        datetime(2026, 6, 3, 9, 30, tzinfo=UTC),
        datetime(2026, 6, 3, 9, 30, tzinfo=ZoneInfo("UTC")),
        datetime(2026, 6, 3, 5, 30, tzinfo=ZoneInfo("America/New_York")),
        datetime(2026, 6, 3, 14, 30, tzinfo=timezone(timedelta(hours=5))),
    ]
    for at in same_instants:
        aware = status(raw, at)
        assert aware == naive, at
    assert naive.state == "open"
    assert naive.closes_at == local(2026, 6, 3, 12, 0)


def test_aware_time_is_converted_to_the_place_zone() -> None:
    # 16:30 UTC is 18:30 in Brussels: already closed.
    result = status("Mo-Fr 08:00-18:00", datetime(2026, 6, 3, 16, 30, tzinfo=UTC))
    assert result.state == "closed"
    assert result.at == local(2026, 6, 3, 18, 30)
    assert result.opens_at == local(2026, 6, 4, 8, 0)


def test_naive_time_is_read_in_the_given_zone() -> None:
    raw = "Mo-Fr 08:00-18:00"
    at = datetime(2026, 6, 3, 7, 30)
    assert status(raw, at, tz="Europe/Brussels").state == "closed"
    assert status(raw, at, tz="America/Kralendijk").at.utcoffset() == timedelta(hours=-4)


def test_status_defaults_to_now() -> None:
    result = status("24/7")
    assert result.state == "open"
    assert abs(result.at - datetime.now(UTC)) < timedelta(minutes=1)


# ---------------------------------------------------------------- describe


def _at(*args: int) -> datetime:
    return local(*args)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Open now, closes 18:00"),
        ("nl", "Nu open, sluit om 18:00"),
        ("fr", "Ouvert, ferme à 18:00"),
    ],
)
def test_describe_open_with_closing_time(lang: str, expected: str) -> None:
    st = HoursStatus("open", "x", _at(2026, 6, 3, 12), closes_at=_at(2026, 6, 3, 18))
    assert describe(st, lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Opens Saturday 08:00"),
        ("nl", "Opent zaterdag 08:00"),
        ("fr", "Ouvre samedi 08:00"),
    ],
)
def test_describe_opens_on_a_later_weekday(lang: str, expected: str) -> None:
    st = HoursStatus("closed", "x", _at(2026, 6, 3, 19), opens_at=_at(2026, 6, 6, 8))
    assert describe(st, lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Opens tomorrow 08:00"),
        ("nl", "Opent morgen 08:00"),
        ("fr", "Ouvre demain 08:00"),
    ],
)
def test_describe_opens_tomorrow(lang: str, expected: str) -> None:
    st = HoursStatus("closed", "x", _at(2026, 6, 3, 19), opens_at=_at(2026, 6, 4, 8))
    assert describe(st, lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Opens today 13:00"),
        ("nl", "Opent vandaag 13:00"),
        ("fr", "Ouvre aujourd’hui 13:00"),
    ],
)
def test_describe_opens_later_today(lang: str, expected: str) -> None:
    st = status("Mo-Fr 08:00-12:00,13:00-18:00", datetime(2026, 6, 3, 12, 30))
    assert describe(st, lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "Hours unknown"), ("nl", "Openingsuren onbekend"), ("fr", "Horaires inconnus")],
)
def test_describe_unknown(lang: str, expected: str) -> None:
    assert describe(status('"op afspraak"', datetime(2026, 6, 3, 12)), lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"), [("en", "Closed"), ("nl", "Gesloten"), ("fr", "Fermé")]
)
def test_describe_closed_without_next_opening(lang: str, expected: str) -> None:
    assert describe(status("Apr-Oct Sa 10:00-14:00", datetime(2026, 11, 7, 12)), lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"), [("en", "Open now"), ("nl", "Nu open"), ("fr", "Ouvert")]
)
def test_describe_open_without_closing_time(lang: str, expected: str) -> None:
    assert describe(status("24/7", datetime(2026, 6, 3, 12)), lang) == expected


def test_describe_closing_on_a_later_day_names_it() -> None:
    st = HoursStatus("open", "x", _at(2026, 6, 3, 12), closes_at=_at(2026, 6, 5, 18))
    assert describe(st, "en") == "Open now, closes Friday 18:00"
    assert describe(st, "nl") == "Nu open, sluit vrijdag om 18:00"
    assert describe(st, "fr") == "Ouvert, ferme vendredi à 18:00"


def test_describe_accepts_region_tags_and_falls_back_to_english() -> None:
    st = HoursStatus("closed", "x", _at(2026, 6, 3, 19), opens_at=_at(2026, 6, 6, 8))
    assert describe(st, "nl-BE") == "Opent zaterdag 08:00"
    assert describe(st, "fr_BE") == "Ouvre samedi 08:00"
    assert describe(st, "de") == "Opens Saturday 08:00"


def test_message_catalogue_has_the_same_keys_in_every_language() -> None:
    keys = {lang: set(messages) for lang, messages in hours.MESSAGES.items()}
    assert keys["nl"] == keys["fr"] == keys["en"]


# --------------------------------------------------------------- week table


def test_week_table_covers_monday_to_sunday_of_the_given_week() -> None:
    table = week_table("Mo-Fr 08:00-12:00,13:00-18:00; Sa 09:00-12:00", date(2026, 6, 3))
    assert [d.day for d in table] == [date(2026, 6, 1) + timedelta(days=i) for i in range(7)]
    assert [d.weekday for d in table] == list(range(7))
    assert table[0].intervals == ((time(8), time(12)), (time(13), time(18)))
    assert table[0].label == "08:00–12:00, 13:00–18:00"
    assert table[5].intervals == ((time(9), time(12)),)
    assert table[6].intervals == ()
    assert table[6].is_closed


def test_week_table_splits_spans_at_midnight() -> None:
    table = week_table("Mo-Fr 22:00-02:00", date(2026, 6, 1))
    assert table[0].intervals == ((time(22), time(0)),)
    assert table[0].label == "22:00–24:00"
    assert table[1].intervals == ((time(0), time(2)), (time(22), time(0)))
    assert table[5].intervals == ((time(0), time(2)),)  # Friday night into Saturday
    assert table[6].intervals == ()


def test_week_table_flags_christmas_and_shows_it_closed_in_belgium() -> None:
    table = week_table("Tu-Sa 08:00-18:00; PH off", date(2026, 12, 25), lang="nl")
    christmas = table[4]
    assert christmas.day == date(2026, 12, 25)
    assert christmas.holiday == "Kerstmis"
    assert christmas.intervals == ()
    assert table[3].holiday is None and table[3].intervals == ((time(8), time(18)),)
    assert week_table("Tu-Sa 08:00-18:00; PH off", date(2026, 12, 25), lang="fr")[4].holiday == (
        "Noël"
    )


def test_week_table_flags_koningsdag_in_the_netherlands() -> None:
    raw = "Mo-Fr 07:30-17:00;PH off"
    table = week_table(raw, date(2026, 4, 27), "NL", "Europe/Amsterdam", lang="nl")
    assert table[0].holiday == "Koningsdag"
    assert table[0].intervals == ()
    assert table[1].intervals == ((time(7, 30), time(17)),)
    assert week_table(raw, date(2026, 4, 27), "BE")[0].holiday is None


def test_week_table_flags_only_days_the_ph_rules_apply_to() -> None:
    # Good Friday is in the `holidays` package for NL but not a PH day off for
    # opening-hours-py, so the table neither flags it nor closes the shop.
    table = week_table("Mo-Fr 07:30-17:00;PH off", date(2026, 4, 3), "NL", "Europe/Amsterdam")
    assert table[4].day == date(2026, 4, 3)
    assert table[4].holiday is None
    assert table[4].intervals == ((time(7, 30), time(17)),)
    assert table[0].holiday is None


def test_week_table_marks_comment_only_days_unknown_with_the_comment() -> None:
    raw = 'Mo-Sa 13:30-17:30; Tu off; Th off; Su "enkel afhalen"'
    sunday = week_table(raw, date(2026, 6, 3))[6]
    assert sunday.unknown
    assert sunday.comments == ("enkel afhalen",)
    assert not sunday.is_closed


def test_week_table_for_unparseable_hours_is_seven_unknown_days() -> None:
    table = week_table("by appointment", date(2026, 12, 25))
    assert len(table) == 7
    assert all(day.unknown and not day.intervals for day in table)
    assert table[4].holiday == "Christmas Day"


def test_week_table_on_dst_days_uses_wall_clock_times() -> None:
    spring = week_table("Mo-Su 08:00-18:00", date(2026, 3, 29))
    assert spring[6].day == date(2026, 3, 29)
    assert spring[6].intervals == ((time(8), time(18)),)
    autumn = week_table("24/7", date(2026, 10, 25))
    assert all(day.intervals == ((time(0), time(0)),) for day in autumn)
    assert autumn[6].label == "00:00–24:00"


def test_week_table_accepts_a_datetime() -> None:
    table = week_table("24/7", datetime(2026, 6, 3, 12))  # type: ignore[arg-type]
    assert table[0].day == date(2026, 6, 1)


def test_day_hours_defaults_describe_a_closed_day() -> None:
    assert DayHours(date(2026, 6, 1)).is_closed
