"""One search for everything: places, networks, municipalities, products and services."""
