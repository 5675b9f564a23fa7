"""Tables read out of a page: what a person (or a screen reader) finds in each cell."""

from __future__ import annotations

from html.parser import HTMLParser


class _Tables(HTMLParser):
    """The rows of every table with an id, as lists of cell texts."""

    def __init__(self, html: str):
        super().__init__()
        self.tables, self._current, self._row, self._cell = {}, None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id"):
            self._current = self.tables.setdefault(dict(attrs)["id"], [])
        elif tag == "tr" and self._current is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._current.append(self._row)
            self._row = None
        elif tag == "table":
            self._current = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables_in(html: str) -> dict[str, list[list[str]]]:
    """The rows of every table with an id, each a list of its cells' text."""
    return _Tables(html).tables
