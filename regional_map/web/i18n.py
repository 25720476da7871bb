"""Interface languages (nl, fr, en) through Flask-Babel catalogues.

English is the source language; ``regional_map/translations/{nl,fr}`` hold the catalogues.
The compiled ``.mo`` files are committed next to their ``.po`` sources (a test checks they are
in step), so a plain ``pip install`` serves every language without a build step.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel, gettext, lazy_gettext, ngettext

from regional_map.resources import translations_dir
from regional_map.web.context import current_language

TRANSLATIONS = translations_dir()

__all__ = ["gettext", "lazy_gettext", "ngettext", "init_i18n", "TRANSLATIONS"]


def init_i18n(app: Flask) -> None:

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    Babel(app, locale_selector=current_language)
