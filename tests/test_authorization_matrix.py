"""Who may do what, everywhere: every route of the app, with every method, asked by every kind
of actor, answers as one table says (issue 14).

A route in the app's URL map with no row in MATRIX fails the test, so a new route cannot ship
without someone writing down who may use it. Posts carry a valid CSRF token, so the answers
are about authorization; a second test posts without one. The answers for someone allowed
in are what the app gives an empty or minimal form (422, 400...), so most allowed writes
change nothing; after one that may have, the district is built again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from flask import url_for
from sqlalchemy import select

from logger.admin.program_records import RECORD_TYPES
from logger.auth import setup_links
from logger.auth.scopes import entries_visible_to, templates_kept_by
from logger.core import clock
from logger.core.models import Contact, EntryTemplate, User
from logger.extensions import db
from logger.officer import entry_templates
from logger.public import feedback, summary
from logger.review import workflow
from tests.factories import (
    Auth,
    empty_database,
    form_token,
    make_contact,
    make_program_records,
    make_school,
    make_user,
    mentoring_entry,
)

# Who asks, and as whom they sign in: officer A1 owns the district's things; A2 is another
# officer on A1's team; supervisor A supervises both; supervisor B supervises B1 only.
ACTORS = {
    "anonymous": None,
    "owner": "ofc.a1",
    "officer": "ofc.a2",
    "supervisor": "sgt.a",
    "other_supervisor": "sgt.b",
    "evaluator": "eval.ode",
    "admin": "admin.lee",
}
STATE_CHANGING = ("POST", "DELETE", "PUT", "PATCH")
TEMPLATE = {
    "name": "Lunch duty check-in",
    "fields": {
        "location": "cafeteria",
        "setting": "school_grounds",
        "initiated_by": "officer",
        "classification": "mentoring",
        "mentoring_type": "mentoring",
        "actions": ["none"],
    },
}


@dataclass
class Row:
    """One route and method: the answer each actor gets (in ACTORS' order), on each of the
    district's things named in `on` (route parameter -> key of build_district()), posting
    `data` (its values formatted with the district's keys)."""

    method: str
    endpoint: str
    answers: str
    on: list[dict] = field(default_factory=lambda: [{}])
    data: dict = field(default_factory=dict)

    def expected(self) -> dict[str, int]:
        codes = [int(code) for code in self.answers.split()]
        assert len(codes) == len(ACTORS), f"{self.endpoint}: one answer per actor"
        return dict(zip(ACTORS, codes, strict=True))


EACH_ENTRY = [{"entry_id": "submitted"}, {"entry_id": "returned"}, {"entry_id": "approved"}]
ACCOUNT = [{"user_id": "owner"}]


def _program_rows(kind) -> list[Row]:
    """The five routes every kind of program record gets (program_views._route)."""
    record = [{"record_id": kind.key}]
    return [
        Row("GET", f"program.{kind.key}", "302 403 403 403 403 200 200"),
        Row("GET", f"program.{kind.key}_csv", "302 403 403 403 403 200 200"),
        Row("GET", f"program.{kind.key}_new", "302 403 403 403 403 403 200"),
        Row("POST", f"program.{kind.key}_new", "302 403 403 403 403 403 422"),
        Row("GET", f"program.{kind.key}_edit", "302 403 403 403 403 403 200", record),
        Row("POST", f"program.{kind.key}_edit", "302 403 403 403 403 403 422", record),
        Row("POST", f"program.{kind.key}_remove", "302 403 403 403 403 403 302", record),
    ]


# A table: one row a route, its answers aligned by actor (the formatter leaves it be).
# fmt: off
MATRIX = [
    #                                            anon owner ofcr supA supB eval admin
    # Open to anyone.
    Row("GET", "auth.login",                      "200 302 302 302 302 302 302"),
    Row("POST", "auth.login",                     "400 302 302 302 302 302 302"),
    Row("GET", "auth.setup",                      "200 200 200 200 200 200 200",
        [{"token": "setup_token"}]),
    Row("POST", "auth.setup",                     "422 422 422 422 422 422 422",
        [{"token": "setup_token"}]),
    Row("GET", "feedback.give",                   "200 200 200 200 200 200 200"),
    Row("POST", "feedback.give",                  "422 422 422 422 422 422 422"),
    Row("GET", "feedback.thanks",                 "200 200 200 200 200 200 200"),
    Row("GET", "transparency.summary",            "200 200 200 200 200 200 200"),
    Row("GET", "transparency.summary_csv",        "200 200 200 200 200 200 200"),
    Row("GET", "shell.service_worker",            "200 200 200 200 200 200 200"),
    Row("GET", "shell.manifest",                  "200 200 200 200 200 200 200"),
    Row("GET", "api.openapi_document",            "200 200 200 200 200 200 200"),
    Row("GET", "static",                          "200 200 200 200 200 200 200",
        [{"filename": "stylesheet"}]),
    # Anyone signed in.
    Row("POST", "auth.logout",                    "302 302 302 302 302 302 302"),
    Row("GET", "home.index",                      "302 302 302 200 200 200 200"),
    Row("GET", "auth.change_password",            "302 200 200 200 200 200 200"),
    Row("POST", "auth.change_password",           "302 422 422 422 422 422 422"),
    Row("GET", "api.session_info",                "401 200 200 200 200 200 200"),
    Row("GET", "api.schema",                      "401 200 200 200 200 200 200"),
    # Officers: their own entries and templates, and no one else's.
    Row("GET", "entries.my_entries",              "302 200 200 403 403 403 403"),
    Row("GET", "entries.new_contact",             "302 200 200 403 403 403 403"),
    Row("POST", "entries.new_contact",            "302 422 422 403 403 403 403"),
    Row("GET", "entries.show_entry",              "302 200 404 403 403 403 403", EACH_ENTRY),
    Row("GET", "entries.edit_entry",              "302 200 404 403 403 403 403", EACH_ENTRY),
    Row("POST", "entries.edit_entry",             "302 422 404 403 403 403 403", EACH_ENTRY),
    Row("GET", "api.entries",                     "401 200 200 403 403 403 403"),
    Row("POST", "api.sync",                       "401 400 400 403 403 403 403"),
    Row("GET", "api.templates",                   "401 200 200 403 403 403 403"),
    Row("POST", "api.create_template",            "401 422 422 403 403 403 403"),
    Row("DELETE", "api.retire_template",          "401 204 404 403 403 403 403",
        [{"template_id": "own_template"}]),
    # Supervisors: the entries of the officers they supervise, and no one else's.
    Row("GET", "review.queue",                    "302 403 403 200 200 403 403"),
    Row("GET", "review.entry",                    "302 403 403 200 404 403 403", EACH_ENTRY),
    Row("POST", "review.decide",                  "302 403 403 302 404 403 403",
        [{"entry_id": "submitted"}], {"decision": "approve", "revision": "1"}),
    Row("POST", "review.bulk_approve",            "302 403 403 302 404 403 403",
        data={"entry": "{submitted}:1"}),
    # Evaluators and admins: the record, read and exported.
    Row("GET", "exports.export",                  "302 403 403 403 403 200 200"),
    Row("POST", "exports.export",                 "302 403 403 403 403 422 422"),
    Row("GET", "assessment.report",               "302 403 403 403 403 200 200"),
    Row("GET", "enrollment.by_school",            "302 403 403 403 403 200 200"),
    Row("GET", "program.index",                   "302 403 403 403 403 200 200"),
    *(row for kind in RECORD_TYPES for row in _program_rows(kind)),
    # Admins only.
    Row("GET", "accounts.accounts",               "302 403 403 403 403 403 200"),
    Row("GET", "accounts.new_account",            "302 403 403 403 403 403 200"),
    Row("POST", "accounts.new_account",           "302 403 403 403 403 403 422"),
    Row("GET", "accounts.account",                "302 403 403 403 403 403 200", ACCOUNT),
    Row("POST", "accounts.account",               "302 403 403 403 403 403 422", ACCOUNT),
    Row("POST", "accounts.set_active",            "302 403 403 403 403 403 400", ACCOUNT),
    Row("POST", "accounts.new_setup_link",        "302 403 403 403 403 403 200", ACCOUNT),
    Row("POST", "accounts.assign",                "302 403 403 403 403 403 422", ACCOUNT),
    Row("POST", "accounts.end_assignment",        "302 403 403 403 403 403 302",
        [{"user_id": "owner", "assignment_id": "assignment"}]),
    Row("GET", "schools.schools",                 "302 403 403 403 403 403 200"),
    Row("GET", "schools.new_school",              "302 403 403 403 403 403 200"),
    Row("POST", "schools.new_school",             "302 403 403 403 403 403 422"),
    Row("GET", "schools.school",                  "302 403 403 403 403 403 200",
        [{"school_id": "school"}]),
    Row("POST", "schools.school",                 "302 403 403 403 403 403 422",
        [{"school_id": "school"}]),
    Row("POST", "schools.retire_school",          "302 403 403 403 403 403 400",
        [{"school_id": "school"}]),
    Row("GET", "settings.district_settings",      "302 403 403 403 403 403 200"),
    Row("POST", "settings.district_settings",     "302 403 403 403 403 403 422"),
    Row("GET", "roster.roster_upload",            "302 403 403 403 403 403 200"),
    Row("POST", "roster.roster_upload",           "302 403 403 403 403 403 422"),
    Row("POST", "roster.roster_import",           "302 403 403 403 403 403 422"),
    Row("GET", "enrollment.upload",               "302 403 403 403 403 403 200"),
    Row("POST", "enrollment.upload",              "302 403 403 403 403 403 422"),
    Row("POST", "enrollment.import_checked",      "302 403 403 403 403 403 422"),
    Row("GET", "district_templates.templates",    "302 403 403 403 403 403 200"),
    Row("POST", "district_templates.templates",   "302 403 403 403 403 403 422"),
    Row("POST", "district_templates.retire_template", "302 403 403 403 403 403 302",
        [{"template_id": "district_template"}]),
    Row("GET", "entry_times.seconds_per_entry",   "302 403 403 403 403 403 200"),
    Row("GET", "audit.trail",                     "302 403 403 403 403 403 200"),
    Row("GET", "feedback.queue",                  "302 403 403 403 403 403 200"),
    Row("GET", "feedback.item",                   "302 403 403 403 403 403 200",
        [{"feedback_id": "feedback"}]),
    Row("POST", "feedback.answer",                "302 403 403 403 403 403 422",
        [{"feedback_id": "feedback"}]),
    Row("POST", "feedback.resolve",               "302 403 403 403 403 403 302",
        [{"feedback_id": "feedback"}]),
    Row("GET", "transparency.publishing",         "302 403 403 403 403 403 200"),
    Row("POST", "transparency.publishing",        "302 403 403 403 403 403 400"),
    Row("POST", "transparency.count_quarters",    "302 403 403 403 403 403 302"),
]
# fmt: on


def _methods(rule) -> set[str]:
    return rule.methods - {"HEAD", "OPTIONS"}  # Flask's own, for every GET and every route


def test_every_route_and_method_has_one_row(app):
    rows = [(row.method, row.endpoint) for row in MATRIX]
    routes = {
        (method, rule.endpoint) for rule in app.url_map.iter_rules() for method in _methods(rule)
    }
    missing = sorted(routes - set(rows))
    assert not missing, "routes with no row in MATRIX (say who may use them): " + ", ".join(
        f"{method} {endpoint}" for method, endpoint in missing
    )
    assert set(rows) <= routes, f"rows for no route: {sorted(set(rows) - routes)}"
    assert len(rows) == len(set(rows)), "a route has two rows"


def build_district(app) -> dict:
    """Two teams: supervisor A with officers A1 and A2 at Lincoln, supervisor B with officer
    B1 at Adams; an evaluator, an admin, a newcomer with an unused setup link. A1 owns an
    entry waiting for review, one returned and one approved, and a template; the district
    has a template, one program record of each kind, public feedback and a published
    summary. The keys of what rows are instantiated on."""
    with app.app_context():
        lincoln, adams = (
            make_school("LHS", "Lincoln High School"),
            make_school("AMS", "Adams Middle", "middle"),
        )
        sup_a, sup_b = make_user("sgt.a", role="supervisor"), make_user("sgt.b", role="supervisor")
        a1 = make_user("ofc.a1", schools=[lincoln], supervisor=sup_a)
        make_user("ofc.a2", schools=[lincoln], supervisor=sup_a)
        b1 = make_user("ofc.b1", schools=[adams], supervisor=sup_b)
        make_user("eval.ode", role="evaluator")
        admin = make_user("admin.lee", role="admin")
        newcomer = make_user("ofc.newcomer")
        now = clock.utcnow()
        submitted, returned, approved = (
            make_contact(a1, mentoring_entry(lincoln.id)) for _ in range(3)
        )
        make_contact(b1, mentoring_entry(adams.id))
        for contact, decision in ((returned, "return"), (approved, "approve")):
            workflow.decide(
                sup_a,
                contact.id,
                1,
                decision,
                "Say who asked you to help.",
                decided_at=now,
                client_addr=None,
            )
        own, _ = entry_templates.create(a1, TEMPLATE, actor=a1, now=now, client_addr=None)
        district, _ = entry_templates.create(None, TEMPLATE, actor=admin, now=now, client_addr=None)
        item = feedback.receive(
            feedback.Checked(
                values={
                    "category": "concern",
                    "text": "The officer was kind to my son.",
                    "reply_to": "a@example.org",
                },
                stamp="",
                school=adams,
            ),
            None,
            now,
        )
        token = setup_links.issue(newcomer, "setup", admin, None)
        summary.set_published(admin, True, None)
        db.session.commit()
        return {
            "submitted": submitted.id,
            "returned": returned.id,
            "approved": approved.id,
            "owner": a1.id,
            "assignment": a1.assignments[0].id,
            "school": adams.id,
            "own_template": own.id,
            "district_template": district.id,
            "feedback": item.id,
            "setup_token": token,
            "stylesheet": "app.css",
            **make_program_records(a1, adams),
        }


def fresh_district(app) -> dict:
    """The district built again on an empty database."""
    with app.app_context():
        empty_database()
    return build_district(app)


class Actor:
    """A test client signed in as one actor (or not at all), and the district it asks about."""

    def __init__(self, app, name: str, district: dict):
        self.app, self.name, self.district = app, name, district
        self.client = app.test_client()
        if ACTORS[name]:
            assert Auth(self.client).login(ACTORS[name]).status_code == 302
            self.token = self.client.get("/api/v1/session").get_json()["csrf_token"]
        else:
            self.token = form_token(self.client.get("/login").get_data(as_text=True))

    def ask(self, row: Row, on: dict, *, token: bool = True):
        """Send the row's request on one of the district's things, with or without the
        session's CSRF token."""
        with self.app.test_request_context():
            url = url_for(row.endpoint, **{name: self.district[key] for name, key in on.items()})
        data = {name: value.format(**self.district) for name, value in row.data.items()}
        headers = {"X-CSRFToken": self.token} if token else {}
        if row.endpoint.startswith("api."):
            body = {"json": {}} if row.method in STATE_CHANGING and row.method != "DELETE" else {}
            return self.client.open(url, method=row.method, headers=headers, **body)
        if token and row.method in STATE_CHANGING:
            data["csrf_token"] = self.token
        return self.client.open(url, method=row.method, data=data, headers=headers)


def let_through(name: str, status: int) -> bool:
    """Whether an answer came from the view: not refused, nor sent to sign in."""
    return status not in (401, 403, 404) and not (name == "anonymous" and status == 302)


@pytest.mark.parametrize("name", ACTORS)
def test_each_actor_gets_the_answers_the_matrix_gives(app, name):
    actor, wrong = Actor(app, name, build_district(app)), []
    for row in MATRIX:
        expected = row.expected()[name]
        for on in row.on:
            status = actor.ask(row, on).status_code
            if status != expected:
                wrong.append(f"{row.method} {row.endpoint} {on}: {status}, not {expected}")
            if row.method in STATE_CHANGING and status < 400 and let_through(name, status):
                actor = Actor(app, name, fresh_district(app))  # it may have written
    assert not wrong, f"{name}:\n" + "\n".join(wrong)


def _allowed_actor(row: Row) -> str:
    """The first actor the row lets through to the view."""
    return next(name for name, code in row.expected().items() if let_through(name, code))


def _snapshot() -> dict:
    """Every row of every table: what must not change."""
    return {
        table.name: db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        for table in db.metadata.sorted_tables
    }


def test_every_state_changing_route_refuses_a_missing_csrf_token(app):
    district = build_district(app)
    actors = {name: Actor(app, name, district) for name in ACTORS}
    with app.app_context():
        before = _snapshot()
    wrong = []
    for row in (row for row in MATRIX if row.method in STATE_CHANGING):
        name = _allowed_actor(row)
        for on in row.on:
            status = actors[name].ask(row, on, token=False).status_code
            if status != 400:
                wrong.append(f"{row.method} {row.endpoint} as {name}: {status}, not 400")
    assert not wrong, "\n".join(wrong)
    with app.app_context():
        assert _snapshot() == before, "a post without a CSRF token changed something"


def test_the_scopes_give_each_role_the_entries_and_templates_it_may_reach(app):
    district = build_district(app)
    with app.app_context():

        def visible(username: str) -> set:
            user = db.session.scalar(select(User).where(User.username == username))
            return set(db.session.scalars(select(Contact.id).where(entries_visible_to(user))))

        def kept(username: str) -> set:
            user = db.session.scalar(select(User).where(User.username == username))
            return set(db.session.scalars(select(EntryTemplate.id).where(templates_kept_by(user))))

        own = {district[key] for key in ("submitted", "returned", "approved")}
        every = set(db.session.scalars(select(Contact.id)))
        assert visible("ofc.a1") == own and visible("ofc.a2") == set()
        assert visible("sgt.a") == own and visible("sgt.b") == every - own
        assert visible("eval.ode") == visible("admin.lee") == every
        assert kept("ofc.a1") == {district["own_template"]} and kept("ofc.a2") == set()
        assert kept("admin.lee") == {district["district_template"]}
        assert kept("sgt.a") == kept("eval.ode") == set()
