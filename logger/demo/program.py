"""The demo district's program records (issue 13): for each of its school years, community
input sessions, an MOU in force, officers' selection and training, staff trained, outreach
events and community-of-practice activity. Nothing after `today`.

Records are stored through the same checks as an admin's form (program_records.save()), so
a record refused is a bug in this module and raises. One officer has no selection record and
training leaves some topics uncovered in some years: the assessment has gaps to show.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from logger.admin import program_records
from logger.core.clock import SchoolYear
from logger.core.models import TRAINING_TOPICS, School, User
from logger.extensions import db

PARTIES = "Riverside Unified School District\nRiverside Police Department"
SESSIONS = (  # days into the year, audience, attended, summary
    (
        45,
        "Parents and guardians of every school",
        38,
        "Parents asked when officers step into discipline; the principals explained the referral "
        "steps that come first.",
    ),
    (
        200,
        "Riverside High School student council",
        22,
        "Students asked for officers at games rather than in hallways between classes.",
    ),
)
OUTREACH = (  # days into the year, school code or None, audience, attended
    (30, "MGE", "Bike and pedestrian safety day, grades 3–5", 140),
    (95, None, "Family safety night at the public library", 65),
    (170, "JMS", "Open house for families of incoming sixth graders", 210),
)
COURSES = {
    "adolescent_development": "The adolescent brain and behavior",
    "de_escalation": "Crisis intervention and de-escalation",
    "implicit_bias": "Fair and impartial policing",
    "disabilities_special_education": "Working with students with disabilities",
    "trauma_informed_practice": "Trauma-informed responses in schools",
    "student_privacy_search_law": "FERPA, student privacy and school searches",
    "restorative_practices": "Restorative circles for school officers",
}


def fill(users: list[User], under_way: SchoolYear, years_before: int, today: date) -> None:
    """Add the program records of the years before the one under way, and of that one so far."""
    officers = [user for user in users if user.role == "officer"]
    schools = {school.code: school for school in db.session.scalars(select(School))}
    first = SchoolYear(under_way.first - years_before, under_way.start_month)

    def add(key: str, day: date, **values) -> None:
        if day < today:
            program_records.save(
                program_records.RECORD_TYPE[key],
                None,
                MultiDict(values),
                today=today,
                admin=None,
                client_addr=None,
            )

    add(
        "mou",
        first.first_day,
        parties=PARTIES,
        signed_on=(first.first_day - timedelta(days=20)).isoformat(),
        effective_on=first.first_day.isoformat(),
        expires_on=under_way.previous.last_day.isoformat(),
        review_on=first.following.first_day.isoformat(),
        reference="MOU-2-years.pdf (district office, binder 4)",
    )
    add(
        "mou",
        under_way.first_day,
        parties=PARTIES,
        signed_on=(under_way.first_day - timedelta(days=30)).isoformat(),
        effective_on=under_way.first_day.isoformat(),
        expires_on=under_way.following.last_day.isoformat(),
        review_on=under_way.following.first_day.isoformat(),
        reference="https://riverside.example/board/mou-renewal.pdf",
    )
    for number, officer in enumerate(officers[:-1]):  # the last has no selection record
        selected_on = first.first_day - timedelta(days=60 + 90 * number)
        add(
            "selection",
            selected_on,
            officer=str(officer.id),
            selected_on=selected_on.isoformat(),
            staff_on_panel="yes",
            community_on_panel="yes" if number % 2 == 0 else "",
            qualifications="Years of work with young people; calm under pressure in the "
            "panel's scenarios; completed the district's SRO orientation.",
        )

    for back in range(years_before, -1, -1):
        year = SchoolYear(under_way.first - back, under_way.start_month)
        on = partial(_on, year)
        for days, audience, attended, summary in SESSIONS:
            add(
                "community_input",
                on(days),
                held_on=on(days).isoformat(),
                audience=audience,
                attended=str(attended + 3 * back),
                summary=summary,
            )
        for number, officer in enumerate(officers):
            for offset, days, hours in ((0, 20, "8"), (3, 150, "4.5")):
                topic = TRAINING_TOPICS[(number + back + offset) % len(TRAINING_TOPICS)]
                day = on(days + 7 * number)
                add(
                    "training",
                    day,
                    officer=str(officer.id),
                    course=COURSES[topic],
                    hours=hours,
                    completed_on=day.isoformat(),
                    topic=topic,
                )
        for number, code in enumerate(schools):
            add(
                "staff_training",
                on(10),
                held_on=on(10).isoformat(),
                school=str(schools[code].id),
                staff_trained=str(30 + 15 * number),
                summary="What the SRO does and does not do: discipline stays with staff.",
            )
        for days, code, audience, attended in OUTREACH:
            add(
                "outreach",
                on(days),
                held_on=on(days).isoformat(),
                school=str(schools[code].id) if code else "",
                audience=audience,
                attended=str(attended),
                summary="",
            )
        add(
            "practice",
            on(80),
            held_on=on(80).isoformat(),
            kind="conference",
            officers=[str(officer.id) for officer in officers],
            hours="16",
            summary="State association of school resource officers, annual conference.",
        )
        for days in (60, 180):
            add(
                "practice",
                on(days),
                held_on=on(days).isoformat(),
                kind="peer_network_meeting",
                officers=[str(o.id) for o in officers[:3]],
                hours="2",
                summary="County SRO peer network: cases discussed without names.",
            )
        add(
            "practice",
            on(120),
            held_on=on(120).isoformat(),
            kind="mentoring",
            officers=[str(officers[0].id), str(officers[-1].id)],
            hours="",
            summary="A senior officer mentors the newest one through the first semester.",
        )


def _on(year: SchoolYear, days: int) -> date:
    """The day this many days into the school year."""
    return year.first_day + timedelta(days=days)
