"""The product vocabulary: data files, lookups in three languages, OSM tags and seasons."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import pytest

from regional_map.places.vocab import (
    IGNORED_WORDS,
    LANGUAGES,
    Vocabulary,
    format_months,
    load_vocabulary,
    parse_months,
)
from regional_map.resources import resource_dir
from regional_map.text import fold

DATA_DIR = resource_dir("data")
PRODUCTS_CSV = DATA_DIR / "products.csv"
CATEGORIES_CSV = DATA_DIR / "product_categories.csv"
OSM_SAMPLE = DATA_DIR / "osm" / "be_nl_shortchain_osm.geojson"
OSM_PRODUCT_KEYS = ("vending", "produce", "product", "products")

# Words that, as a whole term, would turn ordinary sentences into product mentions.
FUNCTION_WORDS = {
    "a", "an", "the", "of", "in", "on", "with", "or", "and", "also", "more", "other", "many",
    "de", "het", "een", "van", "met", "en", "ook", "meer", "le", "la", "les", "des",
    "du", "un", "une", "et", "ou", "avec", "au", "aux", "bio", "organic", "local", "farm",
}


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return load_vocabulary()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --- the data files -----------------------------------------------------------------------

def test_the_vocabulary_has_at_least_75_products_and_the_17_categories(vocab):
    assert len(vocab.products) >= 75
    assert set(vocab.categories) == {
        "vegetables", "fruit", "potatoes", "dairy", "cheese", "eggs", "meat", "poultry", "fish",
        "bread", "grains", "honey", "drinks", "preserves", "flowers_plants", "herbs", "other",
    }


def test_every_product_has_three_names_a_known_category_and_valid_season():
    categories = {row["code"] for row in _rows(CATEGORIES_CSV)}
    for row in _rows(PRODUCTS_CSV):
        assert row["code"] == row["code"].strip().lower() and " " not in row["code"], row
        assert row["category"] in categories, row
        for lang in LANGUAGES:
            assert row[f"name_{lang}"].strip(), (row["code"], lang)
        months = parse_months(row["season_months"])
        assert months, f"{row['code']} is never in season"


def test_season_months_are_written_in_their_compact_form():
    for row in _rows(PRODUCTS_CSV):
        assert row["season_months"] == format_months(parse_months(row["season_months"])), row


def test_every_category_has_three_names_and_a_generic_product_with_its_code(vocab):
    for code, category in vocab.categories.items():
        assert all(category.names[lang] for lang in LANGUAGES), code
        assert code in vocab.products, f"no generic product for category {code}"
        assert vocab.products[code].category == code
        assert vocab.products[code].is_generic


def test_a_generic_entry_is_in_season_whenever_a_product_of_its_category_is(vocab):
    for category in vocab.categories:
        generic = set(vocab.products[category].season_months)
        for code in vocab.codes_in_category(category):
            assert set(vocab.products[code].season_months) <= generic, (category, code)


def test_no_synonym_belongs_to_two_products():
    owner: dict[str, str] = {}
    clashes = []
    for row in _rows(PRODUCTS_CSV):
        terms = [row[f"name_{lang}"] for lang in LANGUAGES] + row["synonyms"].split("|")
        for term in {fold(t) for t in terms if fold(t)}:
            if owner.setdefault(term, row["code"]) != row["code"]:
                clashes.append((term, owner[term], row["code"]))
    assert clashes == []


def test_no_product_term_is_a_common_function_word(vocab):
    terms = {t for p in vocab.products.values() for t in p.terms()}
    assert terms & FUNCTION_WORDS == set()


def test_synonyms_contain_no_word_that_match_splits_on():
    # "kant en klaar" could never be matched whole: match() cuts text on en/et/and.
    for row in _rows(PRODUCTS_CSV):
        for synonym in row["synonyms"].split("|"):
            words = set(fold(synonym).split())
            assert not words & {"and", "en", "et"}, (row["code"], synonym)
            assert not set(synonym) & set(";,/&+():"), (row["code"], synonym)


def test_the_everyday_short_chain_assortment_is_there(vocab):
    everyday = {
        "leek", "potatoes", "carrots", "onions", "cabbage", "red_cabbage", "lettuce",
        "tomatoes", "cucumbers", "courgette", "pumpkin", "asparagus", "chicory",
        "brussels_sprouts", "beetroot", "celeriac", "spinach", "beans", "peas", "mushrooms",
        "apples", "pears", "strawberries", "cherries", "plums", "raspberries", "blueberries",
        "redcurrants", "grapes", "rhubarb", "milk", "butter", "yoghurt", "cream", "buttermilk",
        "ice_cream", "hard_cheese", "goat_cheese", "eggs", "beef", "pork", "lamb", "veal",
        "sausages", "chicken", "duck", "turkey", "foie_gras", "trout", "bread", "flour",
        "beer", "wine", "apple_juice", "cider", "syrup", "jam", "honey", "christmas_trees",
        "cut_flowers", "plants", "herbs",
    }
    assert everyday - set(vocab.products) == set()


# --- lookup -------------------------------------------------------------------------------

@pytest.mark.parametrize("term", ["prei", "poireau", "leek", "Prei", "POIREAU", "preien",
                                  "poireaux", "leeks"])
def test_leek_is_found_by_its_dutch_french_and_english_names(vocab, term):
    assert vocab.lookup(term) == "leek"


@pytest.mark.parametrize("term", ["œufs", "Œufs", "oeufs", "eieren", "eggs", "egg", "ei"])
def test_eggs_are_found_as_oeufs_eieren_and_eggs(vocab, term):
    assert vocab.lookup(term) == "eggs"


@pytest.mark.parametrize("term, code", [
    ("asperges", "asparagus"), ("witloof", "chicory"), ("chicon", "chicory"),
    ("Belgian endive", "chicory"), ("spruitjes", "brussels_sprouts"),
    ("choux de Bruxelles", "brussels_sprouts"), ("stroop", "syrup"),
    ("sirop de Liège", "syrup"), ("appelstroop", "syrup"), ("aardappelen", "potatoes"),
    ("pommes de terre", "potatoes"), ("patato", "potatoes"), ("appels", "apples"),
    ("pommes", "apples"), ("fruit_juice", "fruit_juice"), ("strawberry", "strawberries"),
    ("maquée", "quark"), ("kerstbomen", "christmas_trees"), ("sapins de Noël", "christmas_trees"),
    ("fromage de chèvre", "goat_cheese"), ("geitenkaas", "goat_cheese"),
    ("karnemelk", "buttermilk"),
    ("ijs", "ice_cream"), ("foie gras", "foie_gras"), ("forel", "trout"), ("bière", "beer"),
    ("Légumes", "vegetables"), ("legumes", "vegetables"), ("diary", "dairy"),
])
def test_names_synonyms_and_osm_values_find_their_product(vocab, term, code):
    assert vocab.lookup(term) == code


@pytest.mark.parametrize("term, code", [
    ("lapins", "rabbit"), ("ducks", "duck"), ("eenden", "duck"), ("kalkoenen", "turkey"),
    ("chicons", "chicory"), ("choux", "cabbage"), ("paprika's", "sweet_peppers"),
    ("cherries", "cherries"), ("tomatoes", "tomatoes"), ("poulets", "chicken"),
])
def test_lookup_tolerates_simple_plural_forms(vocab, term, code):
    assert vocab.lookup(term) == code


@pytest.mark.parametrize("term", ["", "   ", "xyzzy", "food and more", "es", "s"])
def test_lookup_of_unknown_or_empty_text_is_none(vocab, term):
    assert vocab.lookup(term) is None


def test_lookup_accepts_a_product_code(vocab):
    assert vocab.lookup("brussels_sprouts") == "brussels_sprouts"
    assert vocab.lookup("other") == "other"


def test_product_names_are_given_per_language_with_english_as_fallback(vocab):
    leek = vocab.products["leek"]
    assert (leek.name("nl"), leek.name("fr"), leek.name("en")) == ("Prei", "Poireau", "Leek")
    assert leek.name("de") == "Leek"
    assert vocab.categories["dairy"].name("nl") == "Zuivel"


# --- match --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, codes", [
    ("food;aardappelen;aardbeien;bread", ["potatoes", "strawberries", "bread"]),
    ("eggs, appels, pears", ["eggs", "apples", "pears"]),
    ("fruit & vegetables", ["fruit", "vegetables"]),
    ("meat; farm_products", ["meat"]),
    ("Eieren en aardappelen", ["eggs", "potatoes"]),
    ("fruits et légumes", ["fruit", "vegetables"]),
    ("milk and butter", ["milk", "butter"]),
    ("prei/wortelen+selder", ["leek", "carrots", "celery"]),
    ("milk,custard(nl:vla),butter", ["milk", "custard", "butter"]),
    ("tomato,_pepper,_cucumber", ["tomatoes", "sweet_peppers", "cucumbers"]),
])
def test_match_splits_free_text_on_separators_and_conjunctions(vocab, text, codes):
    assert vocab.match(text) == codes


@pytest.mark.parametrize("text, codes", [
    ("pommes de terre;pommes", ["potatoes", "apples"]),
    ("goat cheese (also with herbs)", ["goat_cheese", "herbs"]),
    ("fruit juices", ["fruit_juice"]),
    ("potatoes, brussels sprouts", ["potatoes", "brussels_sprouts"]),
    ("potato_chips", ["crisps"]),
    ("a wide variety of vegetables and fruits (many homegrown)", ["vegetables", "fruit"]),
])
def test_match_prefers_the_longest_known_phrase(vocab, text, codes):
    assert vocab.match(text) == codes


def test_match_ignores_generic_vending_words(vocab):
    assert vocab.match("food;drinks;snacks;sweets;water;coffee;farm_products") == []
    assert all(vocab.match(word) == [] for word in IGNORED_WORDS)
    # ...but a farm's prepared meals are a product.
    assert vocab.match("food;meals") == ["ready_meals"]


def test_match_returns_each_code_once_in_order_of_appearance(vocab):
    assert vocab.match("eggs;eier;eieren;milk;oeufs") == ["eggs", "milk"]


@pytest.mark.parametrize("text", ["", None, ";;;", "bicycle_tube", "feminine_hygiene"])
def test_match_of_text_without_products_is_empty(vocab, text):
    assert vocab.match(text) == []


# Beginnings of food words in the three languages, written independently of the vocabulary
# so that the test measures its coverage instead of restating it.
FOOD_STEMS = (
    "egg", "milk", "dairy", "diary", "butter", "chees", "yog", "cream", "ice", "custard",
    "meat", "beef", "pork", "lamb", "sausage", "chicken", "turkey", "rabbit", "poultry", "fish",
    "seafood", "bread", "flour", "honey", "jam", "juice", "syrup", "cider", "beer", "wine",
    "fruit", "berr", "apple", "pear", "plum", "prune", "cherr", "grape", "strawberr", "nut",
    "walnut", "vegetab", "potat", "patat", "onion", "carrot", "cabbage", "tomat", "cucumber",
    "pepper", "paprika", "pumpkin", "bean", "asparag", "endive", "leek", "beet", "mushroom",
    "herb", "chutney", "soup", "cake", "cookie", "foie", "meal", "pizza",
    "eier", "melk", "zuivel", "boter", "kaas", "vlees", "kip", "brood", "honing", "sap",
    "appel", "peer", "peren", "aardbei", "aardappel", "groent", "prei", "noten", "confitu",
    "oeuf", "lait", "beurre", "fromage", "viande", "poulet", "farine", "miel", "pomme",
    "poire", "fraise", "legum", "poireau", "glace", "maquee",
)


def _has_food_word(value: str) -> bool:
    return any(word.startswith(FOOD_STEMS) for word in fold(value).split())


def test_vending_tags_of_the_real_osm_sample_map_to_products(vocab):
    features = json.loads(OSM_SAMPLE.read_text(encoding="utf-8"))["features"]
    values = {
        value
        for feature in features
        for key in OSM_PRODUCT_KEYS
        if (value := (feature.get("properties") or {}).get(key))
    }
    food_values = sorted(v for v in values if _has_food_word(v))
    unmatched = [v for v in food_values if not vocab.match(v)]
    rate = 1 - len(unmatched) / len(food_values)
    print(f"\n{len(food_values)} distinct food values, {rate:.1%} matched; "
          f"unmatched: {unmatched}")
    assert len(food_values) >= 100
    assert rate >= 0.9, unmatched


# --- search -------------------------------------------------------------------------------

@pytest.mark.parametrize("term", ["groenten", "Groenten", "légumes", "vegetables", "groente"])
def test_searching_a_vegetable_category_word_gives_every_vegetable(vocab, term):
    codes = vocab.search_codes(term)
    assert codes[0] == "vegetables"
    assert {"leek", "carrots", "chicory", "asparagus"} <= set(codes)
    assert codes == vocab.codes_in_category("vegetables")


def test_searching_zuivel_gives_dairy_products(vocab):
    codes = vocab.search_codes("zuivel")
    assert {"dairy", "milk", "butter", "yoghurt", "buttermilk"} <= set(codes)
    assert all(vocab.products[c].category == "dairy" for c in codes)


@pytest.mark.parametrize("term", ["prei", "poireau", "leek", "Poireaux"])
def test_searching_a_product_name_gives_that_product(vocab, term):
    assert vocab.search_codes(term) == ["leek"]


@pytest.mark.parametrize("term", ["œufs", "eieren", "eggs"])
def test_searching_eggs_in_any_language_includes_eggs(vocab, term):
    assert "eggs" in vocab.search_codes(term)


def test_searching_several_words_reads_them_as_free_text(vocab):
    assert vocab.search_codes("prei en wortelen") == ["leek", "carrots"]


@pytest.mark.parametrize("term", ["", "xyzzy", "food"])
def test_searching_an_unknown_word_gives_nothing(vocab, term):
    assert vocab.search_codes(term) == []


# --- seasons ------------------------------------------------------------------------------

def test_in_season_follows_the_local_season(vocab):
    assert vocab.in_season("asparagus", 5)
    assert not vocab.in_season("asparagus", 10)
    assert vocab.in_season("brussels_sprouts", 1)
    assert not vocab.in_season("brussels_sprouts", 7)
    assert all(vocab.in_season("eggs", m) for m in range(1, 13))


def test_in_season_rejects_bad_months_and_unknown_products(vocab):
    with pytest.raises(ValueError):
        vocab.in_season("leek", 13)
    with pytest.raises(ValueError):
        vocab.in_season("leek", 0)
    with pytest.raises(KeyError):
        vocab.in_season("unobtainium", 5)


@pytest.mark.parametrize("text, months", [
    ("1-12", tuple(range(1, 13))),
    ("5-6", (5, 6)),
    ("6-9", (6, 7, 8, 9)),
    ("11-12,1-3", (1, 2, 3, 11, 12)),
    ("11-3", (1, 2, 3, 11, 12)),
    ("12-1", (1, 12)),
    (" 6 - 9 , 4 ", (4, 6, 7, 8, 9)),
    ("7,5,5-6", (5, 6, 7)),
    ("8", (8,)),
    ("", ()),
])
def test_parse_months_reads_ranges_lists_and_wrap_around(text, months):
    assert parse_months(text) == months


@pytest.mark.parametrize("text", ["0", "13", "1-13", "0-3", "a-b", "1--3", "1,,3", "5-",
                                  ",", "1-3;5", "jan-mar", "1-3,", "-4", "1 2"])
def test_parse_months_rejects_bad_input(text):
    with pytest.raises(ValueError):
        parse_months(text)


@pytest.mark.parametrize("months, text", [
    (range(1, 13), "1-12"),
    ((5, 6), "5-6"),
    ((1, 2, 3, 11, 12), "11-12,1-3"),
    ((12, 1), "12,1"),
    ((3, 4, 9, 10, 11), "3-4,9-11"),
    ((7,), "7"),
    ((), ""),
])
def test_format_months_writes_the_compact_form(months, text):
    assert format_months(months) == text


def test_format_months_is_the_inverse_of_parse_months_for_every_month_set():
    for size in range(13):
        for months in itertools.combinations(range(1, 13), size):
            assert parse_months(format_months(months)) == months


def test_format_months_rejects_months_outside_the_year():
    with pytest.raises(ValueError):
        format_months((0, 5))


# --- loading ------------------------------------------------------------------------------

def test_load_vocabulary_is_cached(vocab):
    assert load_vocabulary() is vocab


def _write_data(directory: Path, product_rows: list[str]) -> Path:
    (directory / "product_categories.csv").write_text(
        "code,name_nl,name_fr,name_en\nfruit,Fruit,Fruits,Fruit\n", encoding="utf-8")
    (directory / "products.csv").write_text(
        "code,category,name_nl,name_fr,name_en,synonyms,season_months\n"
        + "".join(row + "\n" for row in product_rows), encoding="utf-8")
    return directory


def test_load_vocabulary_reads_another_data_directory(tmp_path):
    vocab = load_vocabulary(_write_data(tmp_path, [
        "fruit,fruit,Fruit,Fruits,Fruit,,1-12",
        'apples,fruit,Appels,Pommes,Apples,appel,"8-12,1-6"',
    ]))
    assert vocab.lookup("appel") == "apples"
    assert vocab.products["apples"].season_months == (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12)


@pytest.mark.parametrize("rows, message", [
    (["apples,fruit,Appels,Pommes,Apples,peer,8-12", "pears,fruit,Peren,Poires,Pears,peer,8-12"],
     "peer"),
    (["apples,vegetables,Appels,Pommes,Apples,,8-12"], "unknown category"),
    (["apples,fruit,Appels,,Apples,,8-12"], "name"),
    (["apples,fruit,Appels,Pommes,Apples,,8-13"], "line 2|products.csv:2"),
    (["apples,fruit,Appels,Pommes,Apples,,8-12", "apples,fruit,A,B,C,,8-12"], "repeated"),
])
def test_load_vocabulary_rejects_inconsistent_files(tmp_path, rows, message):
    with pytest.raises(ValueError, match=message):
        load_vocabulary(_write_data(tmp_path, rows))
