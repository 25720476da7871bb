"""Product and opening-hours words of the region's other languages, for OSM tag values.

The product vocabulary (``data/products.csv``) knows Dutch, French and English. OSM mappers
in Germany and East Belgium write ``vending=Milch;Eier`` or ``produce=Kartoffeln``; these
words are translated to the vocabulary's English names before matching, so a German machine
gets the same product codes as a Flemish one.
"""

from __future__ import annotations

import re

from regional_map.text import fold

# German (folded) → an English name the vocabulary knows.
GERMAN_PRODUCTS = {
    "milch": "milk", "rohmilch": "raw milk", "eier": "eggs", "ei": "eggs",
    "kartoffeln": "potatoes", "kartoffel": "potatoes", "honig": "honey", "kase": "cheese",
    "fleisch": "meat", "wurst": "sausages", "wurstwaren": "sausages", "gemuse": "vegetables",
    "obst": "fruit", "apfel": "apples", "aepfel": "apples", "birnen": "pears",
    "erdbeeren": "strawberries", "spargel": "asparagus", "brot": "bread", "nudeln": "pasta",
    "joghurt": "yoghurt", "butter": "butter", "quark": "quark", "sahne": "cream",
    "rindfleisch": "beef", "schweinefleisch": "pork", "gefluegel": "poultry",
    "geflugel": "poultry", "huhner": "chicken", "wein": "wine", "saft": "juice",
    "apfelsaft": "apple juice", "marmelade": "jam", "konfiture": "jam", "blumen": "flowers",
    "zwiebeln": "onions", "mohren": "carrots", "moehren": "carrots", "karotten": "carrots",
    "kohl": "cabbage", "salat": "lettuce", "tomaten": "tomatoes", "kirschen": "cherries",
    "pflaumen": "plums", "zwetschgen": "plums", "heidelbeeren": "blueberries",
    "himbeeren": "raspberries", "kurbis": "pumpkin", "kuerbis": "pumpkin", "mehl": "flour",
    "getreide": "grain", "wild": "game", "fisch": "fish", "forelle": "trout",
    "speiseeis": "ice cream", "eis": "ice cream", "hofladen": "", "regional": "",
    "regionale produkte": "", "lebensmittel": "",
}


def translate_words(text: str) -> str:
    """``"Milch;Eier"`` → ``"milk;eggs"``; words not in the table are left as they are."""
    if not text:
        return ""
    parts = re.split(r"([;,/&+|])", text)
    out = []
    for part in parts:
        folded = fold(part).replace("_", " ").strip()
        if folded in GERMAN_PRODUCTS:
            out.append(GERMAN_PRODUCTS[folded])
        else:
            out.append(part)
    return "".join(out)
