"""Bytes an officer's phone downloads per page (run by hand; not a test).

Serves the app from a fresh SQLite database on loopback (a thread, as the browser tests do),
then for each officer page (New contact, My entries, one entry's page) opens a Pixel 7 in
Chromium with an empty cache and no service worker, signs in without loading a page, and loads
the page until the service worker has kept the shell. Every response is counted where it leaves
the app (tests/browser/network.py): headers and body as sent, and the body decoded. Then the
page is reloaded, and reloaded again with the network off.

Columns: first load, shell only (HTML, CSS, scripts, the worker, the manifest, the rules as
JSON; icons and the officer's data aside): "page bodies" the compressed bodies of what the page
asks for (the budget of tests/browser/test_page_weight.py), "decoded" the same bodies
uncompressed, "+ headers" with their response headers (HTTP/1.1, each in full), "+ worker" with
what the service worker fetches to keep the shell. "icons" and "all" (everything the first load
sent) in bytes with headers; "reload" everything a reload sent (the page, the rules, the data),
"static" the bytes of styles and scripts in it, "offline" bytes sent by a reload offline.

    .venv/bin/python bench/page_weight.py [--files]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from logger import create_app  # noqa: E402
from tests.browser.network import Wire, sign_in_without_a_page, wait_until_installed  # noqa: E402
from tests.factories import make_contact, make_school, make_user, mentoring_entry  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def serve(app) -> tuple[str, object]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def kib(n: int) -> str:
    return f"{n / 1024:.1f} KiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", action="store_true", help="list each response")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="page-weight-")
    app = create_app(
        {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3"}
    )
    with app.app_context():
        upgrade()
        school = make_school()
        ruiz = make_user("ofc.ruiz", schools=[school])
        entry = f"/entries/{make_contact(ruiz, mentoring_entry(school.id)).id}"
    wire = Wire(app.wsgi_app)
    app.wsgi_app = wire
    url, server = serve(app)

    pages = {"New contact": "/entries/new", "My entries": "/entries", "an entry": entry}
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--disable-gpu", "--disable-quic"]
        )
        for name, path in pages.items():
            context = browser.new_context(
                **playwright.devices["Pixel 7"], base_url=url, bypass_csp=True
            )
            sign_in_without_a_page(context, "ofc.ruiz")
            page = context.new_page()
            wire.clear()
            page.goto(path)
            wait_until_installed(page)
            first, shell = list(wire.sent), wire.shell()
            wire.clear()
            page.reload()
            page.wait_for_load_state("networkidle")
            again = list(wire.sent)
            context.set_offline(True)
            wire.clear()
            page.reload()
            page.wait_for_load_state("load")
            offline = list(wire.sent)
            context.close()
            rows.append((name, first, shell, again, offline))
        browser.close()
    server.shutdown()

    print(
        f"{'page':12} {'page bodies':>11} {'decoded':>9} {'+ headers':>9} {'+ worker':>9} "
        f"{'icons':>8} {'all':>8} {'reload':>8} {'static':>6} {'offline':>7}"
    )
    for name, first, shell, again, offline in rows:
        own = [s for s in shell if not s.by_worker]
        print(
            f"{name:12} {kib(sum(s.body for s in own)):>11} "
            f"{kib(sum(s.decoded for s in own)):>9} {kib(sum(s.sent for s in own)):>9} "
            f"{kib(sum(s.sent for s in shell)):>9} "
            f"{kib(sum(s.sent for s in first if s.path.endswith('.png'))):>8} "
            f"{kib(sum(s.sent for s in first)):>8} {kib(sum(s.sent for s in again)):>8} "
            f"{sum(s.sent for s in again if Wire.is_static_text(s)):>6} "
            f"{sum(s.sent for s in offline):>7}"
        )
        if args.files:
            for s in first:
                print(
                    f"    {'worker' if s.by_worker else 'page  '} {s.path}"
                    f"{'?' + s.query if s.query else ''} {s.status} {s.encoding or '-'} "
                    f"{s.body} B body + {s.head} B head, {s.decoded} B decoded"
                )
    print(__doc__.split("Columns:")[1].split("\n\n")[0])


if __name__ == "__main__":
    main()
