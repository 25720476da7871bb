"""Where the shipped files are: ``data/``, ``templates/`` and ``static/``, in a checkout or a wheel.

In a checkout they sit beside the package (the project's top level); a built wheel carries them
inside the package as ``regional_map/_bundled/<name>`` (see ``pyproject.toml``). One function
finds them in both, so no module guesses paths of its own.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED = ("data", "templates", "static")


def checkout_dir() -> Path | None:
    """The project folder when running from a source checkout (editable install), else None."""
    top = PACKAGE_DIR.parent
    if (top / "pyproject.toml").is_file() and (top / "data").is_dir():
        return top
    return None


@cache
def resource_dir(name: str) -> Path:
    """The folder of shipped ``name`` (one of :data:`BUNDLED`); FileNotFoundError if absent."""
    if name not in BUNDLED:
        raise ValueError(f"unknown resource folder {name!r}; known: {', '.join(BUNDLED)}")
    # The bundled copy first: beside an installed package lies site-packages, whose own
    # ``data`` folder (if any) is somebody else's.
    candidates = [PACKAGE_DIR / "_bundled" / name]
    top = checkout_dir()
    if top is not None:
        candidates.append(top / name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Regional Map's {name}/ folder is missing (looked in "
                            + ", ".join(str(c) for c in candidates) + ")")


def translations_dir() -> Path:
    """The compiled interface catalogues (package data, in a checkout and a wheel alike)."""
    return PACKAGE_DIR / "translations"


def default_data_home() -> Path:
    """Where the user's database and caches go by default: ``data/`` in a checkout, else the
    platform's user data folder (``~/.local/share/regional-map`` on Linux)."""
    top = checkout_dir()
    if top is not None:
        return top / "data"
    from platformdirs import user_data_path

    return user_data_path("regional-map", appauthor=False)
