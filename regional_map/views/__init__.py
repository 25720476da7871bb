"""Flask blueprints: thin views that parse, call ``queries`` and format."""
