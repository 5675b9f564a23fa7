"""Every page each role can open, found from the app's own routes, for the tests that walk the
whole app on a phone (sideways scroll, accessibility).

A new GET route is walked without anyone remembering to add it here: routes are read from
app.url_map, and who may open one from the roles its view lets through (`role_required`). A
route with a path parameter needs one line in INSTANCES saying which of the district's things
to open; without it the walk fails rather than skipping the route.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from flask import url_for
from playwright.sync_api import Browser, Page

from logger.admin.program_records import RECORD_TYPES
from logger.auth import setup_links
from logger.core import clock
from logger.core.models import User
from logger.extensions import db
from logger.officer import entries
from logger.public import feedback, summary
from logger.review import workflow
from tests.factories import (
    PASSWORD,
    arrest_entry,
    make_contact,
    make_program_records,
    make_school,
    make_user,
    mentoring_entry,
)

WIDTH, HEIGHT = 360, 740

ROLES = {
    "officer": "ofc.ruiz",
    "supervisor": "sgt.park",
    "evaluator": "eval.ode",
    "admin": "admin.lee",
}

# Not pages: the sync API, the service worker and manifest, static files, downloads.
SKIPPED_PREFIXES = ("api.", "shell.", "static")
SKIPPED = {
    "transparency.summary_csv",
    *(f"program.{kind.key}_csv" for kind in RECORD_TYPES),
}  # program records' CSV

# For each route with path parameters, which of the district's things to open (keys of the
# dict make_district returns), once each.
INSTANCES = {
    "entries.show_entry": [{"entry_id": "returned"}, {"entry_id": "waiting"}],
    "entries.edit_entry": [{"entry_id": "returned"}],
    "review.entry": [{"entry_id": "waiting"}],
    "accounts.account": [{"user_id": "officer"}],
    "schools.school": [{"school_id": "school"}],
    "auth.setup": [{"token": "setup_token"}],
    **{f"program.{kind.key}_edit": [{"record_id": kind.key}] for kind in RECORD_TYPES},
    "feedback.item": [{"feedback_id": "feedback"}],
}

LONG_WORD = "Hallway-check-in-after-lunch-with-the-whole-eighth-grade-and-both-counselors"


def _approve(supervisor: User, contact, comment: str | None, at: datetime) -> None:
    workflow.decide(
        supervisor,
        contact.id,
        contact.current_revision,
        "approve",
        comment,
        decided_at=at,
        client_addr=None,
    )
    db.session.commit()


def make_district(app) -> dict:
    """Two schools (one with a long name); officer Ruiz, supervised by Park, with entries
    approved, returned, and waiting (one in its second revision, one with a long word); an
    evaluator, an admin, an unused setup link, a published public summary and an answered piece
    of public feedback."""
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        franklin = make_school(
            "BFSTM", "Benjamin Franklin Science and Technology Magnet High School"
        )
        park = make_user("sgt.park", role="supervisor")
        ruiz = make_user("ofc.ruiz", schools=[lincoln], supervisor=park)
        make_user("ofc.chen", schools=[franklin], supervisor=park)
        make_user("eval.ode", role="evaluator")
        admin = make_user("admin.lee", role="admin")
        newcomer = make_user("ofc.newcomer.with.a.long.user.name")
        now = clock.utcnow()

        long_ago = now - timedelta(days=200)
        old = make_contact(
            ruiz,
            mentoring_entry(lincoln.id, occurred_at=long_ago.isoformat()),
            received_at=long_ago + timedelta(hours=1),
        )
        _approve(park, old, None, long_ago + timedelta(hours=5))
        _approve(park, make_contact(ruiz, arrest_entry(lincoln.id)), "Justified.", now)

        returned = make_contact(ruiz, arrest_entry(lincoln.id))
        workflow.decide(
            park,
            returned.id,
            1,
            "return",
            "Say which staff member saw the knife.",
            decided_at=now,
            client_addr=None,
        )
        db.session.commit()

        waiting = make_contact(ruiz, arrest_entry(lincoln.id, actions=["arrest", "search"]))
        workflow.decide(
            park,
            waiting.id,
            1,
            "return",
            "Add what the search found.",
            decided_at=now,
            client_addr=None,
        )
        fixed = arrest_entry(
            lincoln.id,
            actions=["arrest", "search"],
            narrative="The search found a second knife in the backpack.",
        )
        verdict = entries.check(ruiz, fixed, now=now)
        assert verdict.ok, verdict.errors
        entries.save(ruiz, waiting.id, verdict, received_at=now, client_addr=None, base_revision=1)
        db.session.commit()

        make_contact(ruiz, mentoring_entry(lincoln.id, narrative=LONG_WORD))

        token = setup_links.issue(newcomer, "setup", admin, None)
        summary.set_published(admin, True, None)
        summary.count_settled(clock.today(), admin, None)
        concern = feedback.receive(
            feedback.Checked(  # public feedback, answered once
                values={"category": "concern", "text": LONG_WORD, "reply_to": "a@example.org"},
                stamp="",
                school=franklin,
            ),
            None,
            now,
        )
        feedback.record_answer(concern, LONG_WORD, "email", admin=admin, client_addr=None, now=now)
        db.session.commit()
        return {
            "returned": returned.id,
            "waiting": waiting.id,
            "officer": ruiz.id,
            "school": franklin.id,
            "setup_token": token,
            "feedback": concern.id,
            **make_program_records(ruiz, franklin, LONG_WORD),
        }


def _allowed(view, role: str | None) -> bool:
    roles = getattr(view, "allowed_roles", None)
    return roles is None or role in roles


def page_urls(app, district: dict, role: str | None) -> list[str]:
    """The address of every page this role (None: signed out) may open, one per route
    without parameters and one per instance of a route with them."""
    urls = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
            endpoint = rule.endpoint
            if (
                "GET" not in rule.methods
                or endpoint in SKIPPED
                or endpoint.startswith(SKIPPED_PREFIXES)
                or not _allowed(app.view_functions[endpoint], role)
            ):
                continue
            if not rule.arguments:
                urls.append(url_for(endpoint))
                continue
            assert endpoint in INSTANCES, (
                f"{rule.rule} takes parameters: add an instance of it to INSTANCES "
                f"in tests/browser/pages.py, or to SKIPPED if it is not a page"
            )
            for names in INSTANCES[endpoint]:
                urls.append(url_for(endpoint, **{arg: district[key] for arg, key in names.items()}))
    return urls


def phone_page(browser: Browser, base_url: str, **options) -> Page:
    """A page in a new context the size of a small phone (360 × 740 CSS pixels)."""
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        base_url=base_url,
        bypass_csp=True,
        **options,
    )
    return context.new_page()


def sign_in(page: Page, role: str) -> None:
    """Sign in through the real form as the district's user with this role."""
    page.goto("/login")
    page.get_by_label("User name").fill(ROLES[role])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def walk(page: Page, app, district: dict, role: str | None) -> Iterator[str]:
    """Open each page this role may open (signed in already, unless role is None) and
    yield its address while it is shown; fail if a page it may open does not open."""
    if role is None:
        page.context.clear_cookies()
    seen = set()
    for url in page_urls(app, district, role):
        response = page.goto(url)
        page.wait_for_load_state("load")
        if role is None and "/login" in page.url and url != "/login":
            continue  # a page behind sign-in: the sign-in page is walked once, by itself
        assert response is not None and response.ok, (
            f"{role or 'signed out'}: {url} answered {response and response.status}"
        )
        if page.url in seen:
            continue
        seen.add(page.url)
        yield url
