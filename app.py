"""WSGI entry point: ``gunicorn app:app`` or ``flask --app app run``."""

from regional_map.cli import register_flask_commands
from regional_map.web.app import create_app

# The Flask CLI (``flask --app app init-db``) must work before the database exists, so the
# store is only checked when a server imports this module, not when the CLI does.
app = create_app(check=False)
register_flask_commands(app)
