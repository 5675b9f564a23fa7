"""Text is sent compressed when the browser takes it."""

import gzip
import json
import re

import brotli
import pytest

from tests.factories import make_school, make_user


@pytest.fixture
def officer(app):
    with app.app_context():
        make_user("ofc.ruiz", schools=[make_school()])


def without_token(body: bytes) -> bytes:
    """A page without its fields' values: the CSRF token is signed afresh for every page."""
    return re.sub(rb'value="[^"]*"', b"", body)


@pytest.mark.parametrize("path", ["/login", "/static/app.css", "/static/officer.js",
                                  "/static/contact-form/entry.js", "/manifest.webmanifest",
                                  "/sw.js"])
def test_text_is_gzip_encoded_when_the_browser_accepts_it(client, path):
    plain = client.get(path)
    packed = client.get(path, headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert without_token(gzip.decompress(packed.get_data())) == without_token(plain.get_data())
    assert len(packed.get_data()) < len(plain.get_data())
    # Compression leaves the security headers as they were.
    assert packed.headers["Content-Security-Policy"] == plain.headers["Content-Security-Policy"]
    assert packed.headers["X-Content-Type-Options"] == "nosniff"


def test_brotli_when_the_browser_prefers_it_and_json_too(client, auth, officer):
    auth.login("ofc.ruiz")
    page = client.get("/entries/new", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert page.headers["Content-Encoding"] == "br"
    assert b"New contact" in brotli.decompress(page.get_data())
    assert page.headers["Cache-Control"] == "no-store"  # a signed-in page is still never kept
    schema = client.get("/api/v1/schema", headers={"Accept-Encoding": "gzip"})
    assert schema.headers["Content-Encoding"] == "gzip"
    assert "fields" in json.loads(gzip.decompress(schema.get_data()))
