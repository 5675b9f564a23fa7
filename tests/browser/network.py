"""What a phone downloads: every response the server sends, in bytes as they cross the network.

Counted where they leave the app, so the service worker's own requests are counted with the
page's, and a file the browser took from its cache or its service worker counts nothing.
Shared by tests/browser/test_page_weight.py and bench/page_weight.py.
"""

from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass

import brotli
from playwright.sync_api import BrowserContext, Page

from tests.browser.phone import eventually
from tests.factories import PASSWORD, form_token

DECODERS = {"gzip": gzip.decompress, "br": brotli.decompress, "deflate": zlib.decompress}
# The shell: pages, their styles and scripts, the worker, the manifest and the rules as data.
SHELL = re.compile(
    r"^/(entries(/new|/[0-9a-f-]{36})?|static/.+\.(css|js)|sw\.js|"
    r"manifest\.webmanifest|api/v1/schema)$"
)
STATIC_TEXT = re.compile(r"^/static/.+\.(css|js)$")


@dataclass(frozen=True)
class Sent:
    """One response as it crossed the network: its head's and body's bytes as sent, and the
    body's bytes decoded."""

    method: str
    path: str
    query: str
    dest: str  # Sec-Fetch-Dest: "document", "script", "style"...; "empty" for fetch()
    status: int
    encoding: str
    head: int
    body: int
    decoded: int

    @property
    def by_worker(self) -> bool:
        """Fetched by the service worker keeping the shell (fetch() of a page or a static file),
        not by the page itself."""
        return self.dest == "empty" and not self.path.startswith("/api/")

    @property
    def sent(self) -> int:
        return self.head + self.body


class Wire:
    """WSGI middleware recording every response the app sends."""

    def __init__(self, wsgi_app):
        self.inner = wsgi_app
        self.sent: list[Sent] = []

    def __call__(self, environ, start_response):
        answer = {}

        def start(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        chunks = self.inner(environ, start)
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        headers = answer["headers"]
        encoding = next((v for k, v in headers if k.lower() == "content-encoding"), "")
        head = (
            len(f"HTTP/1.1 {answer['status']}\r\n")
            + sum(len(k) + len(v) + 4 for k, v in headers)
            + 2
        )
        self.sent.append(
            Sent(
                environ["REQUEST_METHOD"],
                environ["PATH_INFO"],
                environ.get("QUERY_STRING", ""),
                environ.get("HTTP_SEC_FETCH_DEST", ""),
                int(answer["status"][:3]),
                encoding,
                head,
                len(body),
                len(DECODERS[encoding](body) if encoding else body),
            )
        )
        return [body]

    def clear(self) -> None:
        self.sent.clear()

    def shell(self) -> list[Sent]:
        """The shell's responses (icons and the officer's own data aside)."""
        return [s for s in self.sent if SHELL.match(s.path)]

    def static_text(self) -> list[Sent]:
        """Responses for static styles and scripts."""
        return [s for s in self.sent if self.is_static_text(s)]

    @staticmethod
    def is_static_text(sent: Sent) -> bool:
        return bool(STATIC_TEXT.match(sent.path))


def sign_in_without_a_page(context: BrowserContext, username: str) -> None:
    """Sign in through the real form, posted by the context's request API: the cookie is the
    browser's, yet no page (and none of the shell) has loaded."""
    token = form_token(context.request.get("/login").text())
    answer = context.request.post(
        "/login",
        form={"username": username, "password": PASSWORD, "csrf_token": token},
        max_redirects=0,
    )
    assert answer.status == 302, answer.text()


def wait_until_installed(page: Page) -> None:
    """Wait until the service worker has kept the shell and the page has kept the rules, then
    until the network is quiet."""
    eventually(
        page,
        "async () => (await navigator.serviceWorker.getRegistration())"
        "?.active?.state === 'activated'",
        timeout_s=30,
    )
    eventually(page, "async () => !!(await SROOutbox.getMeta('schema'))")
    page.wait_for_load_state("networkidle")
