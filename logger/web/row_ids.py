"""Row ids in URLs: `<int:...>` matches only a number a database column can hold."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

ROW_ID_MAX = 2**31 - 1  # an INTEGER primary key on PostgreSQL (SQLite's are wider: kept alike)


class RowId(IntegerConverter):
    """A larger number names no row: 404, not the driver's overflow error (a 500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", ROW_ID_MAX)
        super().__init__(url_map, *args, **kwargs)


def register(app: Flask) -> None:
    """Make `<int:...>` a row id in every URL; call before any blueprint is registered."""
    app.url_map.converters["int"] = RowId
