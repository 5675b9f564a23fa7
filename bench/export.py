"""CSV export throughput and memory (run by hand; not a test).

Fills a fresh SQLite database with approved entries in bulk, then exports them
as CSV through the app (the evaluator's download, streamed by the real view)
in a child process. In the same run it dumps the same revisions table with the
`sqlite3 -csv` command line: the ratio of the two rates is the figure to
compare. Peak memory is shown at two sizes: flat means streaming works.

Peak memory is the child's resident high-water mark (VmHWM) from the POST to
the last byte, reset just before it (Linux: /proc/self/clear_refs). Not
ru_maxrss: a child started by subprocess inherits its parent's peak there (so
it would report the fill's memory), and signing in (scrypt) peaks higher than
any export.

    .venv/bin/python bench/export.py [--sizes 100000 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def fill(path: str, size: int):
    """`size` approved entries and an evaluator in a fresh database at path; returns the app."""
    import review_queue
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from logger import create_app
    from logger.core.models import User
    from logger.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SECRET_KEY": "bench-only-secret-key-not-for-production",
            "SRO_EXPORT_KEY": "bench-export-key",
        }
    )
    with app.app_context():
        upgrade()
        school_id, officer_ids, _ = review_queue.district()
        db.session.add(
            User(
                username="eval.bench",
                role="evaluator",
                password_hash=generate_password_hash(review_queue.PASSWORD),
            )
        )
        db.session.commit()
        review_queue.add_entries(size, school_id, officer_ids, random.Random(3), waiting_share=0)
    return app


def export_in_child(path: str, url: str | None = None, export_format: str = "csv") -> dict:
    """Run the evaluator's download (CSV, JSON Lines or SQLite) in a child process; its
        entries, seconds and peak memory. The database is the SQLite file at path, or the one at
        url when given. Each is saved to a file as a browser saves it, and its entries counted
    from the file after the clock stops (a SQLite download by opening it)."""
    url = url or f"sqlite:///{path}"
    code = f"""
import re, sqlite3, sys, tempfile, time, json
sys.path.insert(0, {str(ROOT)!r})
from logger import create_app
app = create_app({{"SQLALCHEMY_DATABASE_URI": {url!r},
                   "SECRET_KEY": "bench-only-secret-key-not-for-production",
                   "SRO_EXPORT_KEY": "bench-export-key"}}, migrations=False)  # as wsgi.py
client = app.test_client()
def token_of(page):
    return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)
token = token_of(client.get("/login").get_data(as_text=True))
client.post("/login", data={{"username": "eval.bench", "password": "bench password 2026",
                             "csrf_token": token}})
token = token_of(client.get("/export").get_data(as_text=True))
with open("/proc/self/clear_refs", "w") as clear_refs:
    clear_refs.write("5")  # resets the peak resident size: from here on it is the export's
start = time.perf_counter()
response = client.post("/export", data={{"csrf_token": token, "format": {export_format!r}}},
                       buffered=False)
with tempfile.NamedTemporaryFile(suffix=".db") as copy:  # saved, as a browser saves it
    for chunk in response.response:
        copy.write(chunk)
    copy.flush()
    seconds = time.perf_counter() - start
    peak_kib = int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
    if {export_format!r} == "sqlite":
        rows = sqlite3.connect(copy.name).execute("SELECT count(*) FROM entries").fetchone()[0]
    else:
        copy.seek(0)
        rows = sum(line.count(b"\\n") for line in copy) - ({export_format!r} == "csv")
print(json.dumps({{"rows": rows, "seconds": seconds, "peak_mib": peak_kib / 1024}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def sqlite_cli(path: str) -> tuple[int, float]:
    """Rows and seconds for `sqlite3 -csv` dumping the revisions table."""
    start = time.perf_counter()
    out = subprocess.run(
        ["sqlite3", "-csv", path, "SELECT * FROM contact_revisions"],
        capture_output=True,
        check=True,
    )
    return out.stdout.count(b"\n"), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    print(
        f"{'entries':>10} {'app CSV rows/s':>15} {'sqlite3 -csv rows/s':>20} {'ratio':>6} "
        f"{'peak memory':>12}"
    )
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = os.path.join(folder, f"export-{size}.sqlite3")
            fill(path, size)
            app_run = export_in_child(path)
            cli_rows, cli_seconds = sqlite_cli(path)
            app_rate, cli_rate = app_run["rows"] / app_run["seconds"], cli_rows / cli_seconds
            assert app_run["rows"] == size, app_run
            results.append(
                {
                    "entries": size,
                    "app_rows_per_s": round(app_rate),
                    "sqlite3_rows_per_s": round(cli_rate),
                    "peak_mib": round(app_run["peak_mib"], 1),
                }
            )
            print(
                f"{size:>10,} {app_rate:>15,.0f} {cli_rate:>20,.0f} {cli_rate / app_rate:>5.0f}x "
                f"{app_run['peak_mib']:>9.1f} MiB"
            )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
