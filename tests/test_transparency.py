"""The public summary: off until an admin publishes it, and no small count ever leaks."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from logger.core import clock
from logger.core.models import AuditEvent, School, Setting, User
from logger.evaluation import crdc_figures
from logger.extensions import db
from logger.public import summary
from logger.public.summary import Quarter
from logger.review import workflow
from tests.factories import arrest_entry, make_contact, make_school, make_user, mentoring_entry
from tests.html_tables import tables_in

ZONE = ZoneInfo("America/Chicago")
CLASSES = ("disciplinary", "criminal", "mentoring")
COUNTED = (
    "disciplinary",
    "criminal",
    "mentoring",
    "citation",
    "search",
    "detention",
    "restraint",
    "arrest",
    "use_of_force",
    *summary.FACTS,
)
SUBSETS = {
    crdc_figures.ARREST: "arrest",
    crdc_figures.PRONE: "restraint",
    crdc_figures.FOUND: "search",
}  # a contact counted here is counted there too


def _disciplinary(school_id: int, **changes) -> dict:
    return mentoring_entry(
        school_id,
        classification="disciplinary",
        mentoring_type=None,
        school_rule="defiance",
        actions=["verbal_warning"],
        involvement_reason="The assistant principal asked for help.",
        duration_minutes=10,
        **changes,
    )


def _citation(school_id: int, **changes) -> dict:
    return arrest_entry(school_id, actions=["citation"], offense_category="theft", **changes)


@pytest.fixture
def quarter(app):
    """2026 Q1 at three schools, approved; the true counts, with what they would give away:

    Adams:   mentoring 12, disciplinary 3, criminal 1 (an arrest)
    Lincoln: mentoring 10, criminal 10 (9 arrests, 1 citation)
    Cedar:   mentoring 4, criminal 2 (arrests)

    Exact totals would reveal Cedar's 4 mentoring contacts (26 - 12 - 10), Adams's 3
    disciplinary contacts (the only ones) and Lincoln's one citation.
    """
    with app.app_context():
        park = make_user("sgt.park", role="supervisor")
        plan = {
            ("AMS", "Adams Middle"): [mentoring_entry] * 12 + [_disciplinary] * 3 + [arrest_entry],
            ("LHS", "Lincoln High School"): [mentoring_entry] * 10
            + [arrest_entry] * 9
            + [_citation],
            ("CES", "Cedar Elementary"): [mentoring_entry] * 4 + [arrest_entry] * 2,
        }
        moment = datetime(2026, 2, 2, 10, tzinfo=ZONE)
        for (code, name), builders in plan.items():
            school = make_school(code, name)
            officer = make_user(f"ofc.{code.lower()}", schools=[school], supervisor=park)
            for builder in builders:
                moment += timedelta(hours=1)
                contact = make_contact(
                    officer,
                    builder(school.id, occurred_at=moment.isoformat()),
                    received_at=moment + timedelta(minutes=5),
                )
                workflow.decide(
                    park,
                    contact.id,
                    1,
                    "approve",
                    "Checked.",
                    decided_at=moment + timedelta(hours=2),
                    client_addr=None,
                )
        # Not counted: one waiting for review in Q1, one approved in the quarter under way.
        lincoln = db.session.scalar(select(School).filter_by(code="LHS"))
        officer = db.session.scalar(select(User).filter_by(username="ofc.lhs"))
        make_contact(
            officer,
            mentoring_entry(lincoln.id, occurred_at=moment.isoformat()),
            received_at=moment + timedelta(minutes=5),
        )
        now = datetime.now(ZONE)
        recent = make_contact(officer, mentoring_entry(lincoln.id), received_at=now)
        workflow.decide(park, recent.id, 1, "approve", None, decided_at=now, client_addr=None)
        db.session.commit()
        make_user("admin.lee", role="admin")


def _publish(client, auth, choice="yes"):
    auth.login("admin.lee")
    response = client.post(
        "/public-summary/publishing",
        data={"published": choice, "csrf_token": auth.csrf_token("/public-summary/publishing")},
    )
    auth.logout()
    return response


def _published_rows(client) -> list[dict]:
    response = client.get("/public-summary.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _first_quarter(rows: list[dict]) -> list[dict]:
    return [row for row in rows if row["quarter"] == "2026-Q1"]


def test_the_summary_is_off_until_an_admin_publishes_it(app, quarter, client, auth):
    for path in ("/public-summary", "/public-summary.csv"):
        response = client.get(path)
        assert response.status_code == 404
        assert "has not published a public summary" in response.get_data(as_text=True)
    assert "public summary" not in client.get("/login").get_data(as_text=True)

    assert _publish(client, auth).status_code == 302

    assert client.get("/public-summary").status_code == 200  # signed out: anyone
    assert "public summary of the SRO program" in client.get("/login").get_data(as_text=True)
    assert _publish(client, auth, "no").status_code == 302
    assert client.get("/public-summary").status_code == 404
    assert client.get("/public-summary.csv").status_code == 404
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert [a for a in actions if a.startswith("public_summary")] == [
        "public_summary.published",
        "public_summary.counted",
        "public_summary.year_counted",
        "public_summary.withdrawn",
    ]


@pytest.mark.parametrize("role", ["officer", "supervisor", "evaluator"])
def test_only_an_admin_may_publish(app, client, auth, role):
    with app.app_context():
        make_user("someone", role=role)
    auth.login("someone")
    assert client.get("/public-summary/publishing").status_code == 403
    response = client.post(
        "/public-summary/publishing", data={"published": "yes", "csrf_token": auth.csrf_token("/")}
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Setting, summary.SETTING) is None


def test_publishing_needs_a_csrf_token_and_a_clear_choice(app, client, auth):
    with app.app_context():
        make_user("admin.lee", role="admin")
    auth.login("admin.lee")
    assert client.post("/public-summary/publishing", data={"published": "yes"}).status_code == 400
    token = auth.csrf_token("/public-summary/publishing")
    assert (
        client.post(
            "/public-summary/publishing", data={"published": "maybe", "csrf_token": token}
        ).status_code
        == 400
    )
    with app.app_context():
        assert not summary.is_published()


def test_signed_out_visitors_cannot_reach_the_switch(app, client):
    response = client.post("/public-summary/publishing", data={"published": "yes"})
    assert response.status_code in (302, 400)
    with app.app_context():
        assert not summary.is_published()


def test_the_admin_previews_exactly_what_the_public_would_see(quarter, client, auth):
    auth.login("admin.lee")
    preview = tables_in(client.get("/public-summary/publishing").get_data(as_text=True))
    auth.logout()
    _publish(client, auth)
    public = tables_in(client.get("/public-summary").get_data(as_text=True))
    assert preview == public and public


def test_counts_from_1_to_9_appear_nowhere_public(quarter, client, auth):
    _publish(client, auth)
    page = client.get("/public-summary").get_data(as_text=True)
    rows = _published_rows(client)

    rate_label = summary.measure_label(summary.HIT_RATE)
    cells, rates = [], [row[summary.HIT_RATE] for row in rows]
    quarters = [table for id, table in tables_in(page).items() if id.startswith("quarter-")]
    for table in quarters:  # the program's figures: tests/test_public_program_summary.py
        for row in table[1:]:
            for heading, cell in zip(table[0][1:], row[1:], strict=True):
                (rates if heading == rate_label else cells).append(cell)
    cells += [row[measure] for row in rows for measure in (*COUNTED, "all_contacts")]
    assert cells and rates
    for cell in cells:
        assert re.fullmatch(r"0|[1-9]\d+|<10|(0|[1-9]\d+)\+", cell), cell
    for cell in rates:  # a share of two exact counts, or none
        assert re.fullmatch(r"—|\d+\.\d%", cell), cell


def test_cells_show_the_counts_and_suppress_the_small_ones(quarter, client, auth):
    _publish(client, auth)
    by_school = {row["school"]: row for row in _first_quarter(_published_rows(client))}

    assert {k: by_school["Adams Middle"][k] for k in (*CLASSES, "arrest", "all_contacts")} == {
        "disciplinary": "<10",
        "criminal": "<10",
        "mentoring": "12",
        "arrest": "<10",
        "all_contacts": "12+",
    }
    assert {
        k: by_school["Lincoln High School"][k] for k in (*CLASSES, "all_contacts", "citation")
    } == {
        "disciplinary": "0",
        "criminal": "10",
        "mentoring": "10",
        "all_contacts": "20",
        "citation": "<10",
    }
    district = by_school["All schools"]
    assert district["mentoring"] == "22+"  # an exact 26 would give Cedar's 4 away
    assert district["arrest"] == "0+" and district["disciplinary"] == "0+"
    assert district["use_of_force"] == "0" and district["all_contacts"] == "32+"


def test_only_approved_contacts_of_quarters_that_ended_are_counted(quarter, client, auth):
    _publish(client, auth)
    rows = _published_rows(client)
    assert {row["quarter"] for row in rows} == {"2026-Q1"}  # not the quarter under way
    lincoln = next(row for row in rows if row["school"] == "Lincoln High School")
    assert lincoln["mentoring"] == "10"  # the entry waiting for review is left out


def test_no_officer_narrative_or_student_appears(quarter, client, auth):
    _publish(client, auth)
    public = client.get("/public-summary").get_data(as_text=True) + client.get(
        "/public-summary.csv"
    ).get_data(as_text=True)
    for secret in ("ofc.", "sgt.park", "person-", "knife", "perceived", "white", "grade"):
        assert secret not in public.lower(), secret


def _approve_mentoring(app, code: str, moments: list[datetime]) -> None:
    with app.app_context():
        school = db.session.scalar(select(School).filter_by(code=code))
        officer = db.session.scalar(select(User).filter_by(username=f"ofc.{code.lower()}"))
        park = db.session.scalar(select(User).filter_by(username="sgt.park"))
        for moment in moments:
            contact = make_contact(
                officer,
                mentoring_entry(school.id, occurred_at=moment.isoformat()),
                received_at=moment,
            )
            workflow.decide(
                park, contact.id, 1, "approve", None, decided_at=moment, client_addr=None
            )
        db.session.commit()


def test_a_quarter_stays_as_first_published_so_corrections_cannot_be_compared(
    app, quarter, client, auth
):
    _publish(client, auth)
    cedar = next(r for r in _published_rows(client) if r["school"] == "Cedar Elementary")
    assert cedar["mentoring"] == "<10"  # 4

    # Six late approvals at Cedar in Q1 (10 in all), one contact at Lincoln in Q2.
    _approve_mentoring(
        app, "CES", [datetime(2026, 3, 2 + day, 10, tzinfo=ZONE) for day in range(6)]
    )
    _approve_mentoring(app, "LHS", [datetime(2026, 5, 4, 10, tzinfo=ZONE)])

    rows = _published_rows(client)
    assert [(r["quarter"], r["mentoring"]) for r in rows if r["school"] == "Cedar Elementary"] == [
        ("2026-Q1", "<10")
    ]  # 4 then 10 would have told that the hidden count was 4
    assert {r["quarter"] for r in rows} == {"2026-Q1"}  # Q2 was counted, empty, when first shown


def test_a_quarter_appears_once_it_has_settled_and_been_counted(
    app, quarter, client, auth, monkeypatch
):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 4, 30))
    _publish(client, auth)
    assert _published_rows(client) == []  # Q1 ended 30 days ago tomorrow
    assert "No quarter with approved contacts has ended more than 30 days ago yet." in client.get(
        "/public-summary"
    ).get_data(as_text=True)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 5, 1))
    assert _published_rows(client) == []  # settled, but reading the summary never counts it

    monkeypatch.setattr(clock, "today", lambda: date(2026, 5, 1))
    result = app.test_cli_runner().invoke(args=["count-public-summary"])
    assert result.exit_code == 0, result.output
    assert (
        result.output.strip()
        == "The public summary holds 1 quarter with contacts, the latest 2026 Q1 (January–March)."
    )
    assert {row["quarter"] for row in _published_rows(client)} == {"2026-Q1"}
    with app.app_context():
        counted = db.session.scalar(select(AuditEvent).filter_by(action="public_summary.counted"))
        assert counted.client_addr == "command line"
        assert counted.detail == {"quarters": ["2026-Q1"], "counted_before": "2026-04-01"}


def _stored_quarters(app):
    with app.app_context():
        stored = db.session.get(Setting, summary.QUARTERS)
        return None if stored is None else (stored.value, stored.changed_at)


def test_reading_the_summary_never_writes(app, quarter, client, auth, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 4, 30))
    _publish(client, auth)
    before = _stored_quarters(app)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 7, 1))  # Q1 settled
    assert client.get("/public-summary").status_code == 200
    assert client.get("/public-summary.csv").status_code == 200
    auth.login("admin.lee")
    preview = client.get("/public-summary/publishing").get_data(as_text=True)
    assert "2026 Q1" in preview and "Count settled quarters" in preview  # shown, not kept
    assert _stored_quarters(app) == before


def test_the_admin_counts_settled_quarters_from_the_preview(
    app, quarter, client, auth, monkeypatch
):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 4, 30))
    _publish(client, auth)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 5, 1))
    auth.login("admin.lee")
    token = auth.csrf_token("/public-summary/publishing")
    assert client.post("/public-summary/count").status_code == 400  # no CSRF token
    response = client.post("/public-summary/count", data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get("/public-summary/publishing").get_data(as_text=True)
    assert "The quarters that have settled are counted" in page
    assert "Count settled quarters" not in page  # nothing waits now
    auth.logout()
    assert {row["quarter"] for row in _published_rows(client)} == {"2026-Q1"}
    with app.app_context():
        counted = db.session.scalar(
            select(AuditEvent)
            .filter_by(action="public_summary.counted")
            .order_by(AuditEvent.at.desc())
        )
        assert counted.actor.username == "admin.lee"


@pytest.mark.parametrize("role", ["officer", "supervisor", "evaluator"])
def test_only_an_admin_may_count_quarters(app, client, auth, role):
    with app.app_context():
        make_user("someone", role=role)
    auth.login("someone")
    token = auth.csrf_token("/")
    assert client.post("/public-summary/count", data={"csrf_token": token}).status_code == 403
    assert _stored_quarters(app) is None


def _attack(rows: list[dict], action_bounds: bool = True) -> dict[tuple[str, str], set[int]]:
    """Every value each '<10' cell could hold, given everything published beside it.

    What an outsider knows: each hidden count is 1 to 9; each exact total is the sum of
    its cells; "10+" is at least 10; no school counts more contacts with an action
    than it has contacts, nor more of a CRDC count than of what it is part of (SUBSETS). Cells
    linked by these are solved together by trying every
    value from 1 to 9 for each hidden one.
    """
    schools, district = rows[:-1], rows[-1]
    known = {
        (r["school"], m): int(r[m]) for r in schools for m in COUNTED if r[m] not in ("<10", "10+")
    }
    at_least = {(r["school"], m) for r in schools for m in COUNTED if r[m] == "10+"}
    hidden = [(r["school"], m) for r in schools for m in COUNTED if r[m] == "<10"]
    equations = [([(r["school"], m) for m in CLASSES], r["all_contacts"]) for r in schools]
    equations += [([(r["school"], m) for r in schools], district[m]) for m in COUNTED]
    equations.append(
        ([(r["school"], m) for r in schools for m in CLASSES], district["all_contacts"])
    )
    equations = [(cells, total) for cells, total in equations if not total.endswith("+")]
    # An action count is at most the school's contacts ("10+" counts as 10 here).
    bounds = [
        ((r["school"], action), [(r["school"], m) for m in CLASSES])
        for r in schools
        for action in COUNTED
        if action not in CLASSES and action_bounds
    ]
    bounds += [
        ((r["school"], part), [(r["school"], whole)])
        for r in schools
        for part, whole in SUBSETS.items()
        if action_bounds
    ]
    links = [cells for cells, _ in equations] + [[cell, *contacts] for cell, contacts in bounds]
    groups = {cell: {cell} for cell in hidden}
    for cells in links:
        linked = set().union(*(groups[c] for c in cells if c in groups))
        for cell in linked:
            groups[cell] = linked
    possible = {}
    for group in {frozenset(g) for g in groups.values()}:
        order = sorted(group)
        relevant_equations = [(cells, total) for cells, total in equations if set(cells) & group]
        relevant_bounds = [
            (cell, contacts) for cell, contacts in bounds if ({cell, *contacts} & group)
        ]
        seen = {cell: set() for cell in order}
        for values in itertools.product(range(1, 10), repeat=len(order)):
            guess = {
                **known,
                **{cell: 10 for cell in at_least},
                **dict(zip(order, values, strict=True)),
            }
            if all(
                _holds(sum(guess[c] for c in cells), total) for cells, total in relevant_equations
            ) and all(
                guess[cell] <= sum(guess[c] for c in contacts) for cell, contacts in relevant_bounds
            ):
                for cell, value in zip(order, values, strict=True):
                    seen[cell].add(value)
        possible.update(seen)
    return possible


def _holds(value: int, total: str) -> bool:
    return 1 <= value <= 9 if total == "<10" else value == int(total)


def _naive(rows: list[dict], true_totals: dict[str, int]) -> list[dict]:
    """The same cells with exact totals: what publishing without adjusting would give away."""
    *schools, district = [dict(row) for row in rows]
    district.update({measure: str(value) for measure, value in true_totals.items()})
    for row in schools:
        if row["all_contacts"].endswith("+"):
            row["all_contacts"] = {"Adams Middle": "16", "Cedar Elementary": "6"}[row["school"]]
    return [*schools, district]


def test_no_suppressed_count_can_be_recovered_from_the_totals(quarter, client, auth):
    _publish(client, auth)
    rows = _first_quarter(_published_rows(client))

    possible = _attack(rows)

    # The hidden cells of the quarter: 8 classifications and actions, and 5 CRDC counts
    # (referrals and school-related arrests at Adams and Cedar, arrests at Lincoln).
    assert len(possible) == 13
    assert all(values == set(range(1, 10)) for values in possible.values()), possible
    # Subtraction alone, from exact totals, pins the hidden counts down: it is a real attack.
    naive = _attack(
        _naive(
            rows,
            {
                "mentoring": 26,
                "disciplinary": 3,
                "criminal": 13,
                "arrest": 12,
                "citation": 1,
                "all_contacts": 42,
            },
        ),
        action_bounds=False,
    )
    assert naive[("Cedar Elementary", "mentoring")] == {4}
    assert naive[("Adams Middle", "disciplinary")] == {3}
    assert naive[("Lincoln High School", "citation")] == {1}


def _published(schools: dict[str, dict[str, int]]) -> list[dict]:
    """A quarter built from counts, as the CSV would give it."""
    table = summary.quarter_table(
        Quarter(2026, 1), [(name, Counter(counts)) for name, counts in schools.items()]
    )
    return [{"school": name, **{k: str(v) for k, v in row.items()}} for name, row in table.rows]


def test_action_counts_do_not_give_hidden_contacts_away():
    """Two hidden classification counts and 18 arrests would say: 9 and 9."""
    rows = _published(
        {
            "Adams Middle": {"disciplinary": 9, "criminal": 9, "arrest": 18},
            "Lincoln High School": {"mentoring": 40, "arrest": 12},
        }
    )
    assert rows[0]["arrest"] == "10+" and rows[1]["arrest"] == "12"
    assert rows[2]["arrest"] == "22+"
    possible = _attack(rows)
    assert possible[("Adams Middle", "disciplinary")] == set(range(1, 10))


def test_totals_and_action_bounds_together_give_nothing_away():
    """A review found that exact column totals plus "an action needs a contact" pinned these."""
    rows = _published(
        {
            "A": {"criminal": 5, "arrest": 5},
            "B": {"criminal": 5, "search": 5},
            "C": {"criminal": 50, "arrest": 9},
            "E": {"criminal": 50, "search": 9},
        }
    )
    possible = _attack(rows)
    assert len(possible) == 6
    assert all(values == set(range(1, 10)) for values in possible.values()), possible


@pytest.mark.parametrize(
    "values, total",
    [
        ([0, 0, 0], 0),
        ([12, 10, 0], 22),
        (["<10", 0, 0], "0+"),
        ([12, 10, "<10"], "22+"),
        (["10+", 12, "<10"], "22+"),
    ],
)
def test_a_total_is_exact_only_when_everything_in_it_is_shown(values, total):
    assert summary.adjusted(values) == total


@pytest.mark.parametrize("count, published", [(0, 0), (1, "<10"), (9, "<10"), (10, 10)])
def test_counts_of_1_to_9_are_shown_as_under_10(count, published):
    assert summary.shown(count) == published


def test_quarters_turn_at_midnight_in_the_district(ctx):
    school = make_school()
    park = make_user("sgt.park", role="supervisor")
    officer = make_user("ofc.ruiz", schools=[school], supervisor=park)
    for moment in (
        datetime(2026, 3, 31, 23, 59, tzinfo=ZONE),
        datetime(2026, 4, 1, 0, 0, tzinfo=ZONE),
    ):
        contact = make_contact(
            officer, mentoring_entry(school.id, occurred_at=moment.isoformat()), received_at=moment
        )
        workflow.decide(park, contact.id, 1, "approve", None, decided_at=moment, client_addr=None)
    db.session.commit()

    counted = summary.counts(None, date(2026, 7, 1))

    assert {
        quarter: by_school[school.id]["mentoring"] for quarter, by_school in counted.items()
    } == {Quarter(2026, 1): 1, Quarter(2026, 2): 1}
    assert summary.counts(date(2026, 4, 1), date(2026, 7, 1)).keys() == {Quarter(2026, 2)}


REFERRAL, ARREST, PRONE, FOUND = (
    crdc_figures.REFERRAL,
    crdc_figures.ARREST,
    crdc_figures.PRONE,
    crdc_figures.FOUND,
)


def test_crdc_counts_are_published_and_suppressed_like_the_others(quarter, client, auth):
    _publish(client, auth)
    by_school = {row["school"]: row for row in _first_quarter(_published_rows(client))}

    # Lincoln: 9 arrests and a citation, all started by staff at school: 10 referrals, 9
    # school-related arrests. Adams and Cedar: one and two arrests, each both.
    assert {k: by_school["Lincoln High School"][k] for k in (REFERRAL, ARREST, PRONE, FOUND)} == {
        REFERRAL: "10",
        ARREST: "<10",
        PRONE: "0",
        FOUND: "0",
    }
    assert {
        by_school[school][measure]
        for school in ("Adams Middle", "Cedar Elementary")
        for measure in (REFERRAL, ARREST)
    } == {"<10"}
    district = by_school["All schools"]
    assert (district[REFERRAL], district[ARREST], district[PRONE]) == ("10+", "0+", "0")
    assert {row[summary.HIT_RATE] for row in by_school.values()} == {"—"}  # no searches


def test_a_hit_rate_is_shown_only_where_both_its_counts_are():
    rows = {
        row["school"]: row
        for row in _published(
            {
                "A": {
                    "mentoring": 30,
                    "criminal": 20,
                    "search": 20,
                    FOUND: 12,
                    "arrest": 15,
                    ARREST: 12,
                    REFERRAL: 18,
                },
                "B": {"criminal": 9, "disciplinary": 9, "search": 18, FOUND: 11, ARREST: 10},
                "C": {"mentoring": 40, summary.UNDER_V1: 3, "search": 12, FOUND: 5},
                "D": {"criminal": 10, "search": 10, FOUND: 3},
            }
        )
    }

    assert {k: rows["A"][k] for k in ("search", FOUND, ARREST, REFERRAL, summary.HIT_RATE)} == {
        "search": "20",
        FOUND: "12",
        ARREST: "12",
        REFERRAL: "18",
        summary.HIT_RATE: "60.0%",
    }
    # Hidden contacts: 18 found would say 9 and 9.
    assert {k: rows["B"][k] for k in ("search", FOUND, ARREST, summary.HIT_RATE)} == {
        "search": "10+",
        FOUND: "10+",
        ARREST: "10+",
        summary.HIT_RATE: "—",
    }
    # Entries recorded under v1 were never asked: the school's quarter has no v2 counts.
    assert {rows["C"][k] for k in (*summary.FACTS, summary.HIT_RATE)} == {"not recorded", "—"}
    assert rows["C"]["search"] == "12"
    # 30.0% of 10 searches would give the hidden 3 away.
    assert (rows["D"][FOUND], rows["D"][summary.HIT_RATE]) == ("<10", "—")
    district = rows[summary.ALL_SCHOOLS]
    assert (district["search"], district[FOUND], district[summary.HIT_RATE]) == ("52+", "22+", "—")
    assert district[REFERRAL] == "18+"  # C's is not recorded


def test_a_school_quarter_with_entries_from_v1_has_its_v2_counts_not_recorded(ctx):
    school = make_school()
    park = make_user("sgt.park", role="supervisor")
    officer = make_user("ofc.ruiz", schools=[school], supervisor=park)
    moment = datetime(2026, 2, 2, 10, tzinfo=ZONE)
    for version in (1, 2):
        contact = make_contact(
            officer,
            arrest_entry(school.id, occurred_at=moment.isoformat()),
            received_at=moment,
            version=version,
        )
        workflow.decide(
            park, contact.id, 1, "approve", "Checked.", decided_at=moment, client_addr=None
        )
    db.session.commit()

    cell = summary.counts(None, date(2026, 4, 1))[Quarter(2026, 1)][school.id]

    assert (cell["arrest"], cell[ARREST], cell[summary.UNDER_V1]) == (2, 1, 1)
    assert summary.school_row(cell)[ARREST] == "not recorded"


def test_a_quarter_counted_before_the_v2_counts_still_shows(app, client):
    """Stored quarters keep what they held; measures added since are "not recorded"."""
    with app.app_context():
        db.session.add(Setting(name=summary.SETTING, value={"published": True}))
        old_row = {**dict.fromkeys(summary.MEASURES, 0), "mentoring": 12, "all_contacts": 12}
        db.session.add(
            Setting(
                name=summary.QUARTERS,
                value={
                    "format": summary.FORMAT,
                    "counted_before": summary.settled_before(clock.today()).first_day.isoformat(),
                    "quarters": {
                        "2025-Q3": {
                            "quarter": [2025, 3],
                            "rows": [
                                ["Lincoln High School", old_row],
                                [summary.ALL_SCHOOLS, old_row],
                            ],
                        }
                    },
                },
            )
        )
        db.session.commit()

    page = client.get("/public-summary")
    assert page.status_code == 200
    tables = tables_in(page.get_data(as_text=True))
    assert tables["quarter-2025-3"][1][:4] == ["Lincoln High School", "0", "0", "12"]
    assert tables["quarter-2025-3-v2"][1] == ["Lincoln High School", *["not recorded"] * 5]
    [lincoln, _] = _published_rows(client)
    assert (lincoln["mentoring"], lincoln[ARREST], lincoln[summary.HIT_RATE]) == (
        "12",
        "not recorded",
        "not recorded",
    )
