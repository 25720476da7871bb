"""JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of what the API answers."""

from __future__ import annotations

_NULLABLE_STR = {"type": ["string", "null"]}
_LANG_NAMES = {"type": "object", "properties": {"nl": _NULLABLE_STR, "fr": _NULLABLE_STR,
                                                 "en": _NULLABLE_STR}}

PLACE_PROPERTIES = {
    "type": "object",
    "required": ["id", "name", "kind", "kind_label", "status", "products", "licence",
                 "updated_at"],
    "properties": {
        "id": {"type": "string", "description": "Stable, URL-safe public id."},
        "name": {"type": "string"},
        "kind": {"type": "string"},
        "kind_label": {"type": "string", "description": "The kind in the asked language."},
        "description": {"type": "string"},
        "street": {"type": "string"}, "housenumber": {"type": "string"},
        "postcode": {"type": "string"}, "city": {"type": "string"},
        "municipality_code": _NULLABLE_STR,
        "municipality": {"oneOf": [{"type": "null"}, _LANG_NAMES]},
        "country": {"type": "string"},
        "geocode_precision": {"type": "string",
                              "description": "manual, source, address, street, postcode or "
                                             "municipality"},
        "geocode_source": {"type": "string"},
        "opening_hours": {"type": "string", "description": "OpenStreetMap opening_hours syntax"},
        "season_months": {"type": "string", "description": "e.g. 5-10"},
        "organic": {"type": ["boolean", "null"]},
        "payment": {"type": "array", "items": {"type": "string"}},
        "products": {"type": "array", "items": {"type": "string"},
                     "description": "Product codes (see /api/products)"},
        "website": {"type": "string"}, "phone": {"type": "string"}, "email": {"type": "string"},
        "status": {"type": "string", "enum": ["active", "temporarily_closed", "closed"]},
        "closed_on": _NULLABLE_STR, "last_confirmed": _NULLABLE_STR,
        "sells_to_consumers": {"type": "boolean"}, "sells_to_business": {"type": "boolean"},
        "source_id": _NULLABLE_STR, "licence": {"type": "string"},
        "created_at": {"type": "string"}, "updated_at": {"type": "string"},
        "distance_m": {"type": "integer", "description": "With near: metres from the point."},
    },
}

_POINT = {
    "type": "object", "required": ["type", "coordinates"],
    "properties": {"type": {"const": "Point"},
                   "coordinates": {"type": "array", "minItems": 2, "maxItems": 2,
                                   "items": {"type": "number"},
                                   "description": "[longitude, latitude], WGS84"}},
}

_ATTRIBUTION = {
    "type": "array",
    "items": {"type": "object", "required": ["source", "licence", "attribution"],
              "properties": {"source": {"type": "string"}, "licence": {"type": "string"},
                             "attribution": {"type": "string"}}},
}

COMPONENT_SCHEMAS: dict[str, dict] = {
    "Error": {
        "type": "object", "required": ["error"], "additionalProperties": False,
        "properties": {"error": {
            "type": "object", "required": ["status", "message"],
            "properties": {"status": {"type": "integer"}, "message": {"type": "string"},
                           "details": {}},
        }},
    },
    "Link": {
        "type": "object", "required": ["href", "rel"],
        "properties": {"href": {"type": "string"}, "rel": {"type": "string"},
                       "type": {"type": "string"}, "title": {"type": "string"}},
    },
    "PlaceProperties": PLACE_PROPERTIES,
    "PlaceFeature": {
        "type": "object", "required": ["type", "id", "geometry", "properties"],
        "properties": {"type": {"const": "Feature"}, "id": {"type": "string"},
                       "geometry": _POINT,
                       "properties": {"$ref": "#/components/schemas/PlaceProperties"}},
    },
    "PlaceCollection": {
        "type": "object", "required": ["type", "features", "numberReturned"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "numberMatched": {"type": "integer"}, "numberReturned": {"type": "integer"},
            "timeStamp": {"type": "string"},
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
            "attribution": _ATTRIBUTION,
            "features": {"type": "array",
                         "items": {"$ref": "#/components/schemas/PlaceFeature"}},
        },
    },
    "PlaceList": {
        "type": "object", "required": ["numberMatched", "numberReturned", "links", "items"],
        "properties": {
            "numberMatched": {"type": "integer"}, "numberReturned": {"type": "integer"},
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
            "attribution": _ATTRIBUTION,
            "items": {"type": "array", "items": {"allOf": [
                {"$ref": "#/components/schemas/PlaceProperties"},
                {"type": "object", "required": ["lat", "lon"],
                 "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}},
            ]}},
        },
    },
    "ClusterCollection": {
        "type": "object", "required": ["type", "features", "numberMatched"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "numberMatched": {"type": "integer"}, "numberReturned": {"type": "integer"},
            "features": {"type": "array", "items": {
                "type": "object", "required": ["type", "geometry", "properties"],
                "properties": {"geometry": _POINT, "properties": {
                    "type": "object",
                    "properties": {"cluster": {"type": "boolean"}, "count": {"type": "integer"},
                                   "bbox": {"type": "array", "items": {"type": "number"}},
                                   "id": {"type": "string"}, "name": {"type": "string"}},
                }},
            }},
        },
    },
    "Product": {
        "type": "object",
        "required": ["code", "category", "names", "synonyms", "season_months", "places"],
        "properties": {
            "code": {"type": "string"}, "category": {"type": "string"},
            "category_name": {"type": "string"},
            "name": {"type": "string", "description": "The name in the asked language."},
            "names": {"type": "object", "required": ["nl", "fr", "en"],
                      "properties": {"nl": {"type": "string"}, "fr": {"type": "string"},
                                     "en": {"type": "string"}}},
            "synonyms": {"type": "array", "items": {"type": "string"}},
            "season_months": {"type": "array", "items": {"type": "integer", "minimum": 1,
                                                         "maximum": 12}},
            "places": {"type": "integer", "description": "Active places offering it."},
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
        },
    },
    "Source": {
        "type": "object", "required": ["id", "name", "licence", "attribution"],
        "properties": {
            "id": {"type": "string"}, "name": {"type": "string"},
            "licence": {"type": "string"}, "attribution": {"type": "string"},
            "url": {"type": "string"}, "imported_at": _NULLABLE_STR,
            "rows_read": {"type": "integer"}, "rows_imported": {"type": "integer"},
            "rows_updated": {"type": "integer"}, "rows_rejected": {"type": "integer"},
            "places": {"type": "integer", "description": "Places from this source now."},
            "share_alike": {"type": "boolean",
                            "description": "Derived data must keep the licence (ODbL)."},
        },
    },
    "OgcLinks": {
        "type": "object", "required": ["links"],
        "properties": {"title": {"type": "string"}, "description": {"type": "string"},
                       "links": {"type": "array",
                                 "items": {"$ref": "#/components/schemas/Link"}}},
    },
    "Conformance": {
        "type": "object", "required": ["conformsTo"],
        "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
    },
    "Collection": {
        "type": "object", "required": ["id", "links"],
        "properties": {
            "id": {"type": "string"}, "title": {"type": "string"},
            "description": {"type": "string"},
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
            "extent": {"type": "object"}, "itemType": {"type": "string"},
            "crs": {"type": "array", "items": {"type": "string"}},
        },
    },
    "Collections": {
        "type": "object", "required": ["links", "collections"],
        "properties": {
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
            "collections": {"type": "array",
                            "items": {"$ref": "#/components/schemas/Collection"}},
        },
    },
}

ERROR_RESPONSES = {
    "400": {"description": "A parameter cannot be used; details.parameter names it.",
            "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}},
    "404": {"description": "No such resource.",
            "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}},
}
