"""The annual assessment and the public summary with many entries (run by hand; not a test).

Fills a fresh SQLite database with approved entries in bulk (spread over the
last 365 days, so across two school years), then asks for the evaluator's
assessment of the later year — which also reads the earlier one for the
trend, so every entry is read once — through the app; then counts the public
summary's settled quarters (`count-public-summary`'s work) and reads its page,
at two sizes in the same run. Reports the median server time of each page and
the count's time: time per entry should stay about flat (each reads each entry
once; the page itself only reads the kept counts).

    .venv/bin/python bench/assessment.py [--sizes 10000 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import export  # noqa: E402
import review_queue  # noqa: E402

from logger.core import clock  # noqa: E402
from logger.core.clock import SchoolYear  # noqa: E402
from logger.core.models import Setting  # noqa: E402
from logger.evaluation import assessment  # noqa: E402
from logger.extensions import db  # noqa: E402
from logger.public import summary  # noqa: E402


def build(path: str, size: int):
    """export.fill()'s database of `size` approved entries, with the summary published."""
    app = export.fill(path, size)
    with app.app_context():
        db.session.add(Setting(name=summary.SETTING, value={"published": True}))
        db.session.commit()
    return app


def timed_ms(client, path: str, repeat: int) -> tuple[float, float]:
    """Milliseconds for the first GET of path, and the median of `repeat` more."""
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times[0], statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = []
    print(
        f"{'entries':>10} {'assessment ms':>14} {'µs/entry':>9} "
        f"{'public summary count ms':>24} {'page ms':>8}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            app = build(str(Path(folder) / f"assessment-{size}.sqlite3"), size)
            with app.app_context():
                year = SchoolYear.containing(clock.today(), assessment.start_month())
            client = app.test_client()
            page = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)
            client.post(
                "/login",
                data={
                    "username": "eval.bench",
                    "password": review_queue.PASSWORD,
                    "csrf_token": token,
                },
            )
            _, assessment_ms = timed_ms(client, f"/assessment?year={year.first}", args.repeat)
            with app.app_context():
                start = time.perf_counter()
                summary.count_settled(clock.today(), actor=None, client_addr="bench")
                db.session.commit()
                count_ms = (time.perf_counter() - start) * 1000
            _, summary_ms = timed_ms(client, "/public-summary", args.repeat)
            results.append(
                {
                    "entries": size,
                    "assessment_ms": round(assessment_ms),
                    "public_summary_count_ms": round(count_ms),
                    "public_summary_ms": round(summary_ms, 1),
                }
            )
            print(
                f"{size:>10,} {assessment_ms:>14,.0f} {assessment_ms * 1000 / size:>9.1f} "
                f"{count_ms:>24,.0f} {summary_ms:>8,.1f}"
            )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
