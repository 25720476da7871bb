"""Which source column holds which field: common nl/fr/en names, or an explicit mapping file."""

from __future__ import annotations

import json
from pathlib import Path

from regional_map.text import fold

# Canonical field → the column names (folded) that mean it, in Dutch, French and English.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "source_ref": ("id", "ref", "source id", "source_id", "osm id", "osm_id", "code", "nummer",
                   "identifiant"),
    "name": ("name", "naam", "nom", "benaming", "title", "titel", "titre", "bedrijfsnaam",
             "bedrijf", "entreprise"),
    "kind": ("kind", "type", "soort", "categorie", "category", "catégorie", "genre", "sort"),
    "description": ("description", "beschrijving", "omschrijving", "info", "notes"),
    "street": ("street", "straat", "rue", "straatnaam", "addr street", "adres straat"),
    "housenumber": ("housenumber", "house number", "huisnummer", "nr", "nummer huis", "numero",
                    "no", "addr housenumber", "number"),
    "address": ("address", "adres", "adresse", "street address", "straat en nummer"),
    "postcode": ("postcode", "post code", "postal code", "postal_code", "zip", "zip code",
                 "zipcode", "code postal", "cp", "postnummer", "addr postcode", "pc"),
    "city": ("city", "gemeente", "commune", "stad", "plaats", "woonplaats", "ville",
             "localite", "town", "municipality", "deelgemeente", "addr city"),
    "country": ("country", "land", "pays", "addr country"),
    "lat": ("lat", "latitude", "breedtegraad", "y", "lat wgs84", "wgs84 lat"),
    "lon": ("lon", "lng", "long", "longitude", "lengtegraad", "x", "lon wgs84", "wgs84 lon"),
    "opening_hours": ("opening hours", "opening_hours", "openingsuren", "openingstijden",
                      "heures d ouverture", "horaires", "horaire", "open"),
    "products": ("products", "producten", "produits", "product", "produce", "aanbod", "offre",
                 "assortiment"),
    "season_months": ("season", "seizoen", "saison", "season months", "maanden"),
    "organic": ("organic", "bio", "biologisch", "biologique", "organic certified"),
    "payment": ("payment", "betaling", "betaalmiddelen", "paiement", "payment methods"),
    "website": ("website", "web", "site", "site web", "url", "webpagina", "contact website"),
    "phone": ("phone", "telefoon", "tel", "telephone", "téléphone", "gsm", "contact phone"),
    "email": ("email", "e mail", "mail", "courriel", "contact email"),
    "status": ("status", "statut", "toestand"),
    "closed_on": ("closed on", "closed_on", "gesloten sinds", "ferme depuis", "closing date"),
    "last_confirmed": ("last confirmed", "last_confirmed", "check date", "check_date",
                       "gecontroleerd", "verifie le"),
    "sells_to_business": ("sells to business", "sells_to_business", "b2b", "levert aan bedrijven",
                          "horeca", "professionnels", "wholesale", "groothandel",
                          "vente aux professionnels", "grossiste"),
}
# German, more English and the names open-data portals use (csv exports of directories).
MORE_ALIASES: dict[str, tuple[str, ...]] = {
    "source_ref": ("objectid", "object id", "fid", "gml id", "record id", "uuid", "kennung"),
    "name": ("bezeichnung", "betrieb", "betriebsname", "hofname", "name des betriebs",
             "market name", "marktname", "nom du marche", "business name", "shop name",
             "organisation", "organization", "denomination", "libelle", "naam markt",
             "title en", "label"),
    "kind": ("art", "typ", "kategorie", "betriebsart", "type of place", "soort plaats"),
    "description": ("beschreibung", "bemerkungen", "remarks", "comments", "details",
                    "opmerkingen", "remarques"),
    "street": ("strasse", "strassenname", "street name", "voie", "nom de rue", "straat naam"),
    "housenumber": ("hausnummer", "hnr", "house no", "huisnr"),
    "address": ("anschrift", "full address", "adresse complete", "location address",
                "address line", "adresse postale", "volledig adres", "location"),
    "postcode": ("plz", "postleitzahl", "codepostal", "code_postal", "postal", "post code",
                 "zip postal code", "postnr"),
    "city": ("ort", "stadt", "gemeinde", "municipality name", "localite", "town city",
             "city name", "commune name", "place", "locality", "gemeentenaam", "nom commune",
             "ortsname"),
    "country": ("staat", "country code", "landcode", "code pays"),
    "lat": ("breitengrad", "latitude wgs84", "y wgs84", "geo lat", "lat wgs84", "point y",
            "latitude dd", "coord y", "geo point lat"),
    "lon": ("laengengrad", "langengrad", "geo lon", "long wgs84", "point x", "longitude dd",
            "coord x", "geo point lon", "lon wgs84"),
    "opening_hours": ("oeffnungszeiten", "offnungszeiten", "hours", "market hours",
                      "marktzeiten", "uren", "heures", "days and hours", "openingsuren markt",
                      "horaire d ouverture", "market day", "marktdag", "jour de marche"),
    "products": ("produkte", "angebot", "sortiment", "products sold", "what is sold",
                 "producten aanbod", "gamme"),
    "organic": ("okologisch", "oekologisch", "biologisch gecertificeerd", "bio zertifiziert",
                "certified organic"),
    "payment": ("zahlung", "zahlungsmittel", "betaalwijze", "moyens de paiement"),
    "website": ("webseite", "homepage", "internet", "site internet", "link", "web address",
                "internetadresse", "www"),
    "phone": ("telefon", "telefonnummer", "phone number", "tel nr", "telefoonnummer",
              "numero de telephone", "mobile", "mobiel"),
    "email": ("e mail address", "email address", "mail address", "e mailadres", "emailadres",
              "adresse e mail"),
}
for _field, _aliases in MORE_ALIASES.items():
    COLUMN_ALIASES[_field] = COLUMN_ALIASES[_field] + _aliases
_ALIAS_TO_FIELD = {fold(alias).replace("_", " "): field
                   for field, aliases in COLUMN_ALIASES.items() for alias in aliases}
# A header with one of these words names the place ("Market name", "Naam van de hoeve").
_NAME_WORDS = {"name", "naam", "nom", "bezeichnung", "benaming"}


def alias_field(column: str) -> str | None:
    """The field a column's name stands for: a known name, or a name with a name word."""
    folded = fold(column).replace("_", " ").replace("-", " ").replace("/", " ")
    folded = " ".join(folded.split())
    field = _ALIAS_TO_FIELD.get(folded)
    if field is None and _NAME_WORDS & set(folded.split()):
        field = "name"
    return field
FIELDS = tuple(COLUMN_ALIASES)


class MappingError(ValueError):
    """The mapping file is unreadable or names a field or column that does not exist."""


def recognise_columns(columns: list[str], mapping: dict[str, str] | None = None
                      ) -> dict[str, str]:
    """Return ``{field: source column}`` for the columns this file has.

    An explicit ``mapping`` (``{field: column}``) wins; other columns are matched by their
    folded name. The first column to claim a field keeps it.
    """
    result: dict[str, str] = {}
    if mapping:
        for field, column in mapping.items():
            if field not in COLUMN_ALIASES:
                raise MappingError(f"unknown field {field!r} in mapping; known: "
                                   f"{', '.join(FIELDS)}")
            if column not in columns:
                raise MappingError(f"mapping names column {column!r}, which the file lacks")
            result[field] = column
    mapped = set(result.values())
    for column in columns:
        if column in mapped:
            continue
        field = alias_field(column)
        if field and field not in result:
            result[field] = column
    return result


def load_mapping(path: str | Path) -> dict[str, str]:
    """Read a mapping file: a JSON object ``{"field": "source column", …}``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise MappingError(f"cannot read mapping file {path}: {exc}") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise MappingError("a mapping file is a JSON object of field → column name")
    return data
