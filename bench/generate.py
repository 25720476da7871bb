"""A realistic, deterministic-by-seed dataset of N places, built from the real ones.

Every generated row starts from a real OpenStreetMap place of ``data/osm`` (read from a demo
store built once in ``bench/.data``): its position is jittered around the real one, its name
combines the head of one real name with the tail of another, its opening hours are real strings
from ``data/osm/be_nl_opening_hours_strings.txt`` (those the importer accepts), and its
products are a mix from ``data/products.csv`` written in Dutch, French or English. A share of
the rows has no coordinates, only a postcode, so the importer geocodes them from the gazetteer.

The output is a CSV that the real importer reads: ``regional-map import FILE``.
"""

from __future__ import annotations

import csv
import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import opening_hours

from regional_map.resources import resource_dir
from regional_map.settings import DEFAULT_REGION

BENCH_DIR = Path(__file__).resolve().parent
WORK_DIR = BENCH_DIR / ".data"
DATA_DIR = resource_dir("data")
HOURS_FILE = DATA_DIR / "osm" / "be_nl_opening_hours_strings.txt"
PRODUCTS_FILE = DATA_DIR / "products.csv"

COLUMNS = ("id", "name", "kind", "street", "housenumber", "postcode", "city", "country", "lat",
           "lon", "opening_hours", "products", "organic", "payment", "website", "phone",
           "status")
POSTCODE_SHARE = 0.3  # rows placed by the gazetteer from their postcode
JITTER_DEG = 0.04  # standard deviation of the jitter around a real place (about 3-4 km)
# Kinds of the real data, plus the kinds a network adds, so kind filters have something to do.
EXTRA_KINDS = ("pickup_point", "csa_farm", "producer", "cooperative_shop", "processing_hub",
               "restaurant", "shortchain_supermarket", "distribution_hub")
PAYMENTS = ("cash", "bancontact", "cash, bancontact", "pin", "payconiq", "cash, contactless")


@dataclass
class Template:
    name: str
    kind: str
    street: str
    housenumber: str
    postcode: str
    city: str
    country: str
    lat: float
    lon: float
    opening_hours: str
    products: tuple[str, ...]
    organic: int | None
    website: str
    phone: str


def demo_store(path: Path | None = None) -> Path:
    """A store with the shipped demo places (built once, then reused)."""
    from regional_map.db.connection import connect
    from regional_map.provision import load_demo

    path = path or WORK_DIR / "demo.db"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        for leftover in tmp.parent.glob(tmp.name + "*"):
            leftover.unlink()
        conn = connect(tmp)
        load_demo(conn)
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
        tmp.rename(path)
    return path


def load_templates(store: Path) -> tuple[list[Template], list[tuple[str, str, str]]]:
    """The real places (with their product codes) and the gazetteer's postcodes."""
    conn = sqlite3.connect(store)
    conn.row_factory = sqlite3.Row
    products: dict[int, list[str]] = {}
    for num, code in conn.execute(
            "SELECT place_num, product_code FROM place_products ORDER BY 1, 2"):
        products.setdefault(num, []).append(code)
    templates = [
        Template(r["name"], r["kind"], r["street"], r["housenumber"], r["postcode"], r["city"],
                 r["country"], r["lat"], r["lon"], r["opening_hours"],
                 tuple(products.get(r["num"], ())), r["organic"], r["website"], r["phone"])
        for r in conn.execute("SELECT * FROM places ORDER BY id")
    ]
    postcodes = [tuple(r) for r in conn.execute(
        "SELECT country, postcode, place_name FROM postcodes ORDER BY 1, 2, 3")]
    conn.close()
    return templates, postcodes


def valid_hours() -> list[str]:
    """The real opening-hours strings that the importer accepts (OSM syntax)."""
    result = []
    for line in HOURS_FILE.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if text.startswith('"') and text.endswith('"'):
            text = text[1:-1]
        if text and opening_hours.validate(text):
            result.append(text)
    return result


def product_names() -> dict[str, tuple[str, str, str]]:
    with PRODUCTS_FILE.open(encoding="utf-8") as handle:
        return {r["code"]: (r["name_nl"], r["name_fr"], r["name_en"])
                for r in csv.DictReader(handle)}


def _heads_and_tails(templates: list[Template]) -> tuple[list[str], list[str]]:
    heads, tails = [], []
    for t in templates:
        words = t.name.split()
        if len(words) >= 2:
            heads.append(" ".join(words[:-1]))
            tails.append(words[-1])
    return heads, tails


def generate_rows(n: int, seed: int = 1, store: Path | None = None) -> list[dict[str, str]]:
    """``n`` CSV rows, the same for the same ``n`` and ``seed`` (``store``: a demo store)."""
    templates, postcodes = load_templates(store or demo_store())
    hours = valid_hours()
    names = product_names()
    codes = sorted(names)
    heads, tails = _heads_and_tails(templates)
    rng = random.Random(seed)
    minlon, minlat, maxlon, maxlat = DEFAULT_REGION
    rows = []
    for i in range(n):
        t = rng.choice(templates)
        kind = t.kind if rng.random() < 0.85 else rng.choice(EXTRA_KINDS)
        roll = rng.random()
        if roll < 0.4:
            name = t.name
        elif roll < 0.8:
            name = f"{rng.choice(heads)} {rng.choice(tails)}"
        else:
            name = f"{t.name} {rng.choice(tails)}"
        if rng.random() < 0.6:
            picked = list(t.products)
            picked += rng.sample(codes, rng.randint(0 if picked else 1, 4))
        else:
            picked = []
        lang = rng.randrange(3)
        product_text = ", ".join(dict.fromkeys(names[c][lang] for c in picked))
        row = {
            "id": f"g{seed}-{i}", "name": name[:200], "kind": kind, "street": t.street,
            "housenumber": str(rng.randint(1, 250)) if t.street else "",
            "postcode": "", "city": "", "country": t.country, "lat": "", "lon": "",
            "opening_hours": rng.choice(hours) if rng.random() < 0.55 else "",
            "products": product_text,
            "organic": {1: "yes", 0: "no"}.get(t.organic, "yes" if rng.random() < 0.2 else ""),
            "payment": rng.choice(PAYMENTS) if rng.random() < 0.5 else "",
            "website": t.website, "phone": t.phone,
            "status": rng.choices(("active", "temporarily_closed", "closed"),
                                  (0.95, 0.03, 0.02))[0],
        }
        if rng.random() < POSTCODE_SHARE:
            country, postcode, town = rng.choice(postcodes)
            row.update(country=country, postcode=postcode, city=town)
        else:
            lat = min(max(rng.gauss(t.lat, JITTER_DEG), minlat + 0.01), maxlat - 0.01)
            lon = min(max(rng.gauss(t.lon, JITTER_DEG * 1.6), minlon + 0.01), maxlon - 0.01)
            row.update(lat=f"{lat:.6f}", lon=f"{lon:.6f}", postcode=t.postcode, city=t.city)
        rows.append(row)
    return rows


def write_csv(n: int, seed: int = 1, path: Path | None = None,
              store: Path | None = None) -> Path:
    """Write the dataset as CSV (cached: the same ``n`` and ``seed`` give the same file)."""
    path = path or WORK_DIR / f"places_{n}_seed{seed}.csv"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(generate_rows(n, seed, store))
    tmp.rename(path)
    return path


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    print(write_csv(args.n, args.seed, args.output))


if __name__ == "__main__":
    main()
