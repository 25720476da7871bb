"""JSON text as ``jsonify`` writes it, and feature collections from already encoded features.

The API's cached features (``places.engine.page_features``) must be byte for byte what
``jsonify`` would have written, so the settings of the app's JSON provider are read here.
"""

from __future__ import annotations

from collections.abc import Callable

from regional_map.formats.geojson import feature_collection


def jsonify_dumps(app) -> Callable[[object], str]:
    """``app.json.dumps`` with the arguments ``jsonify`` adds (compact unless debugging)."""
    provider = app.json
    if (getattr(provider, "compact", None) is None and app.debug) or \
            getattr(provider, "compact", None) is False:
        return lambda obj: provider.dumps(obj, indent=2)
    return lambda obj: provider.dumps(obj, separators=(",", ":"))


def feature_collection_text(dumps: Callable[[dict], str], features: list[str],
                            **members) -> str:
    """``dumps(feature_collection(features, **members))`` from already encoded features."""
    empty = dumps(feature_collection([], **members))
    if not empty.endswith("[]}"):
        raise ValueError("a feature collection must end with its features")
    return empty[:-2] + ",".join(features) + "]}"


def with_property(feature: str, name: str, value_text: str) -> str:
    """An encoded Feature with one more property (``value_text``: its JSON) after the others.

    The features of :func:`regional_map.formats.geojson.place_feature` end with their
    properties, so the text ends with the properties' closing brace, then the feature's.
    """
    body = feature.rstrip()
    if not body.endswith("}") or not body[:-1].rstrip().endswith("}"):
        raise ValueError("a feature must end with its properties")
    properties = body[:-1].rstrip()[:-1].rstrip()
    comma = "" if properties.endswith("{") else ","
    return f'{properties}{comma}"{name}":{value_text}}}}}'
