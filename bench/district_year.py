"""One district's school year in a state's table: its assessment beside the raw GROUP BY (by hand).

Issue 15 asks that the assessment of a year of a few thousand entries stay under a
second in a table of ten million. A database scale_fill.py filled holds full years
only, so this moves --entries contacts whose every revision is approved (the record),
all of one district (the officers of the supervisor with the most entries that year,
at that district's schools), back by whole years into a school year that holds nothing,
with their revisions' times and their decisions' (the bench database is changed; run it
again and it finds the year already made), runs ANALYZE as autovacuum would, and then times
GET /assessment?year=<that year> as the evaluator (--runs runs, no warm-up; the
year before holds nothing, so there is no trend to read) beside one GROUP BY
school and classification over the same record rows.

    .venv/bin/python bench/district_year.py \
        --database postgresql://postgres@127.0.0.1:5432/wt_scale10 [--entries 5000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scale import IS_RECORD, app_path, raw_ms, sign_in  # noqa: E402
from scale_fill import app_for  # noqa: E402
from sqlalchemy import func, literal_column, select, text  # noqa: E402

from logger.core.models import Contact, ContactRevision, User  # noqa: E402
from logger.evaluation import assessment  # noqa: E402
from logger.extensions import db  # noqa: E402

YEARS_BACK = 6  # far enough back that the year is empty, and the one before it too


def make_the_year(app, how_many: int) -> assessment.SchoolYear:
    """The school year YEARS_BACK before the oldest full one, holding `how_many` entries
    moved from it."""
    with app.app_context():
        years = assessment.available_years(assessment.start_month())
        if _count(years[-1]) <= how_many:  # made by an earlier run
            return years[-1]
        source = years[-1]  # the oldest full year
        start, end = source.bounds()
        in_source = (
            IS_RECORD,
            ContactRevision.occurred_at >= start,
            ContactRevision.occurred_at < end,
        )
        district = db.session.scalar(  # a supervisor's team: one district of the fill
            select(User.supervisor_id)
            .join(ContactRevision, ContactRevision.officer_id == User.id)
            .where(*in_source)
            .group_by(User.supervisor_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        moved = (
            select(Contact.id)
            .where(Contact.current_revision == 1)
            .join(ContactRevision, ContactRevision.contact_id == Contact.id)
            .where(*in_source, ContactRevision.officer_id.in_(_team(district)))
            .limit(how_many)
        )
        ids = list(db.session.scalars(moved))
        shift = {"ids": [str(i) for i in ids], "back": f"{YEARS_BACK} years"}
        for statement in (
            "UPDATE contact_revisions SET occurred_at = occurred_at - CAST(:back AS interval), "
            "received_at = received_at - CAST(:back AS interval) "
            "WHERE contact_id = ANY(CAST(:ids AS uuid[]))",
            "UPDATE review_decisions SET decided_at = decided_at - CAST(:back AS interval) "
            "WHERE contact_id = ANY(CAST(:ids AS uuid[]))",
        ):
            db.session.execute(text(statement), shift)
        db.session.commit()
        db.session.execute(text("ANALYZE contact_revisions"))
        db.session.execute(text("ANALYZE review_decisions"))
        db.session.commit()
        return assessment.available_years(assessment.start_month())[-1]


def _team(supervisor_id: int):
    return select(User.id).where(User.supervisor_id == supervisor_id)


def _count(year: assessment.SchoolYear) -> int:
    start, end = year.bounds()
    return db.session.scalar(
        select(func.count()).where(
            IS_RECORD, ContactRevision.occurred_at >= start, ContactRevision.occurred_at < end
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", required=True, help="a PostgreSQL database scale_fill.py filled"
    )
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = app_for(args.database)
    year = make_the_year(app, args.entries)
    with app.app_context():
        start, end = year.bounds()
        in_year, in_table = _count(year), db.session.scalar(select(func.count(Contact.id)))
    evaluator = sign_in(app, "eval.bench")
    app_ms, statements = app_path(
        app, evaluator, f"/assessment?year={year.first}", args.runs, warm=False
    )
    grouped = (
        select(ContactRevision.school_id, ContactRevision.classification, func.count())
        .where(IS_RECORD, ContactRevision.occurred_at >= start, ContactRevision.occurred_at < end)
        .group_by(*map(literal_column, "12"))
    )
    raw, groups = raw_ms(app, grouped, args.runs)
    print(f"{in_year:,} record entries in {year.label}, {in_table:,} entries in the table")
    print(
        f"  assessment {year.label}  app {app_ms:,.1f} ms  raw {raw:,.1f} ms  "
        f"{app_ms / raw:.1f}x  {statements} statements  ({groups:,} groups)"
    )


if __name__ == "__main__":
    main()
