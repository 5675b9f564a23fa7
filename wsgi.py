"""The WSGI entry point for gunicorn: gunicorn wsgi:app."""

from logger import create_app

app = create_app(migrations=False)  # `flask db upgrade` runs them
