"""Text is sent compressed when the browser takes it; static files named by their content are
kept for a year, any other static URL is checked again; the service worker keeps what the pages
ask for."""

import gzip
import json
import re

import brotli
import pytest
from flask import url_for

from logger.web.static_files import IMMUTABLE
from tests.factories import make_school, make_user


@pytest.fixture
def officer(app):
    with app.app_context():
        make_user("ofc.ruiz", schools=[make_school()])


def without_token(body: bytes) -> bytes:
    """A page without its fields' values: the CSRF token is signed afresh for every page."""
    return re.sub(rb'value="[^"]*"', b"", body)


def static_url(app, filename: str, **query) -> str:
    with app.test_request_context():
        return url_for("static", filename=filename, **query)


@pytest.mark.parametrize(
    "path",
    [
        "/login",
        "/static/app.css",
        "/static/officer.js",
        "/static/contact-form/entry.js",
        "/manifest.webmanifest",
        "/sw.js",
    ],
)
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


def test_a_versioned_static_url_is_immutable_and_any_other_is_checked_again(app, client):
    versioned = static_url(app, "app.css")
    assert re.fullmatch(r"/static/app\.css\?v=[0-9a-f]{10}", versioned)
    response = client.get(versioned)
    assert response.headers["Cache-Control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert "Cookie" not in response.headers["Vary"]  # one copy for everyone who signs in
    for other in ("/static/app.css", "/static/app.css?v=0123456789"):
        answer = client.get(other)
        assert answer.status_code == 200
        assert "immutable" not in answer.headers["Cache-Control"]
        assert answer.headers["Cache-Control"] == "no-cache"
    again = client.get(versioned, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == IMMUTABLE


def test_the_service_worker_keeps_the_urls_the_pages_ask_for(app, client, auth, officer):
    auth.login("ofc.ruiz")
    worker = client.get("/sw.js").get_data(as_text=True)
    kept = json.loads(re.search(r"const SHELL_FILES = (\[.*?\]);", worker).group(1))
    for page in ("/entries/new", "/entries"):
        html = client.get(page).get_data(as_text=True)
        asked = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
        assert asked and set(asked) <= set(kept), page
    # A module imported by a relative URL is kept by that plain URL, every other file versioned.
    assert "/static/page.js" in kept and "/static/contact-form/entry.js" in kept
    assert static_url(app, "contact-form.js") in kept
    assert all(
        "?v=" in url
        for url in kept
        if not url.startswith(("/static/page.js", "/static/contact-form/"))
    )


def test_the_service_worker_costs_a_304_when_it_has_not_changed(client):
    first = client.get("/sw.js")
    again = client.get("/sw.js", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "no-cache"
