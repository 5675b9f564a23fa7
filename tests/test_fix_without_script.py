"""/entries/<id>/edit: a returned, waiting or approved entry fixed or amended on a page that
needs no script, under the same rules as the sync API."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from html import unescape
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from werkzeug.datastructures import MultiDict

from logger import rules
from logger.core.models import Assignment, AuditEvent, Contact, User
from logger.extensions import db
from logger.officer import entries
from logger.officer.forms import ContactForm
from logger.review import workflow
from tests.factories import ASSIGNED_SINCE, arrest_entry, make_contact, make_school, mentoring_entry

ZONE = ZoneInfo("America/Chicago")  # the test app's district
# As the form and the phone write a time: whole minutes, with the district's offset.
OCCURRED = (datetime.now(ZONE) - timedelta(hours=2)).replace(second=0, microsecond=0)
WHEN = OCCURRED.isoformat()


class _Form(HTMLParser):
    """What a browser would send for one form of a page, untouched: (name, value) pairs."""

    def __init__(self, html: str, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.pairs = form_id, False, []
        self._text = self._select = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("type") not in ("submit", "button"):
            if a.get("type") not in ("radio", "checkbox") or "checked" in a:
                self.pairs.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._text = (a["name"], [])
        elif tag == "select":
            self._select = (a["name"], [])
        elif tag == "option" and self._select is not None:
            self._select[1].append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._text is not None:
            self._text[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._text is not None:
            text = re.sub(r"^\r?\n", "", "".join(self._text[1]))  # a browser drops that line break
            self.pairs.append((self._text[0], text))
            self._text = None
        elif tag == "select" and self._select is not None:
            name, options = self._select
            chosen = [value for value, selected in options if selected] or [options[0][0]]
            self.pairs.append((name, chosen[0]))
            self._select = None


def page_form(page: str) -> MultiDict:
    return MultiDict(_Form(page, "edit-entry-form").pairs)


def user(name: str) -> User:
    return db.session.scalar(db.select(User).filter_by(username=name))


@pytest.fixture
def team(app, district):
    """Ruiz and Chen report to sergeant Park."""
    with app.app_context():
        for name in ("ofc.ruiz", "ofc.chen"):
            user(name).supervisor = user("sgt.park")
        db.session.commit()
    return district


def logged(app, name: str, entry: dict) -> str:
    with app.app_context():
        return str(make_contact(user(name), entry).id)


def decide(app, entry_id: str, decision: str, comment: str | None = None) -> None:
    with app.app_context():
        contact = db.session.get(Contact, uuid.UUID(entry_id))
        workflow.decide(
            user("sgt.park"),
            contact.id,
            contact.current_revision,
            decision,
            comment,
            decided_at=datetime.now(UTC),
            client_addr=None,
        )
        db.session.commit()


def revisions(app, entry_id: str) -> list[tuple[int, str, dict, str | None]]:
    with app.app_context():
        contact = db.session.get(Contact, uuid.UUID(entry_id))
        return [(r.number, r.status, r.content, r.amendment_explanation) for r in contact.revisions]


def shown(client, redirect) -> str:
    """The page a redirect leads to, with its flashed message."""
    return client.get(redirect.location).get_data(as_text=True)


def edit_url(entry_id: str) -> str:
    return f"/entries/{entry_id}/edit"


def open_and_post(client, entry_id: str, **changes):
    """Open the edit page, change some fields as a person would, and save."""
    data = page_form(client.get(edit_url(entry_id)).get_data(as_text=True))
    for name, value in changes.items():
        data.setlist(name.replace("__", "-"), value if isinstance(value, list) else [value])
    return client.post(edit_url(entry_id), data=data)


def typed_text(page: str, field_id: str) -> str:
    found = re.search(rf'<textarea[^>]* id="{field_id}"[^>]*>\r?\n?(.*?)</textarea>', page, re.S)
    return unescape(found.group(1))


@pytest.fixture
def returned(app, team):
    entry_id = logged(
        app,
        "ofc.ruiz",
        arrest_entry(team["lincoln"], occurred_at=WHEN, narrative="He ran toward the gym."),
    )
    decide(app, entry_id, "return", "Say what happened before the arrest.")
    return entry_id


@pytest.fixture
def approved(app, team):
    entry_id = logged(
        app,
        "ofc.ruiz",
        mentoring_entry(team["lincoln"], occurred_at=WHEN, narrative="Talked about attendance."),
    )
    decide(app, entry_id, "approve")
    return entry_id


def test_the_form_opens_with_the_stored_entry_and_gives_it_back_unchanged(app, team):
    entry = arrest_entry(
        team["lincoln"],
        occurred_at=WHEN,
        actions=["arrest", "use_of_force"],
        force_types=["takedown"],
    )
    entry["justification"].update(injuries="student_minor", supervisor_notified=False)
    entry["students"].append(
        {
            "grade_band": "middle",
            "perceived_race": ["asian", "white"],
            "perceived_gender": "female",
            "perceived_disability": True,
        }
    )
    entry["students_involved"] = 2
    with app.app_context():
        ruiz = user("ofc.ruiz")
        stored = make_contact(ruiz, entry).current.content
        with app.test_request_context():
            form = ContactForm(data=ContactForm.data_from_entry(stored))
            again = entries.check(ruiz, form.to_entry(), now=datetime.now(UTC))
    assert again.ok and again.entry == stored


def test_a_returned_entry_is_fixed_as_a_new_revision_waiting_for_review(
    app, client, auth, returned
):
    auth.login("ofc.ruiz")
    page = client.get(edit_url(returned)).get_data(as_text=True)
    assert "<h1>Fix entry</h1>" in page
    assert "Returned by your supervisor: “Say what happened before the arrest.”" in page
    assert typed_text(page, "narrative") == "He ran toward the gym."
    assert 'name="base_revision" type="hidden" value="1"' in page
    local = OCCURRED.strftime("%Y-%m-%dT%H:%M")
    assert f'name="occurred_at" type="datetime-local" value="{local}"' in page
    assert 'id="contact-form"' not in page and "contact-form.js" not in page  # no script takes over

    response = open_and_post(client, returned, narrative="He ran toward the gym after a fight.")
    assert response.status_code == 302 and response.location == f"/entries/{returned}"
    (_, old_status, old, _), (number, status, new, _) = revisions(app, returned)
    assert (old_status, number, status) == ("returned", 2, "submitted")
    assert new == {**old, "narrative": "He ran toward the gym after a fight."}
    assert "Entry fixed and sent back for review." in shown(client, response)
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(AuditEvent.action).filter_by(contact_id=uuid.UUID(returned), revision=2)
            )
            == "contact.revised"
        )


def test_a_waiting_entry_can_be_corrected(app, client, auth, team):
    entry_id = logged(app, "ofc.ruiz", mentoring_entry(team["lincoln"], occurred_at=WHEN))
    auth.login("ofc.ruiz")
    assert "<h1>Correct entry</h1>" in client.get(edit_url(entry_id)).get_data(as_text=True)
    response = open_and_post(client, entry_id, location="office")
    assert response.status_code == 302
    assert [(n, s, c["location"]) for n, s, c, _ in revisions(app, entry_id)] == [
        (1, "submitted", "hallway"),
        (2, "submitted", "office"),
    ]


def test_an_approved_entry_is_amended_with_an_explanation_and_stays_the_record(
    app, client, auth, approved
):
    auth.login("ofc.ruiz")
    page = client.get(edit_url(approved)).get_data(as_text=True)
    assert "<h1>Amend approved entry</h1>" in page
    assert rules.AMENDMENT.label in page
    assert f"At least {rules.AMENDMENT.min_length} and at most {rules.AMENDMENT.max_length}" in page
    assert f'maxlength="{rules.AMENDMENT.max_length}"' in page
    assert "The approved version stays the record until your supervisor approves" in page

    response = open_and_post(
        client,
        approved,
        narrative="Talked about attendance and tutoring.",
        amendment_explanation="Left out the tutoring plan.",
    )
    assert response.status_code == 302
    assert [(n, s, e) for n, s, _, e in revisions(app, approved)] == [
        (1, "approved", None),
        (2, "submitted", "Left out the tutoring plan."),
    ]
    assert "The approved version stays the record until your supervisor approves it." in shown(
        client, response
    )


@pytest.mark.parametrize(
    "explanation, message",
    [
        ("", rules.AMENDMENT.messages["required"].format(min=rules.AMENDMENT.min_length)),
        ("Typo.", rules.AMENDMENT.messages["required"].format(min=rules.AMENDMENT.min_length)),
        (
            "x" * (rules.AMENDMENT.max_length + 1),
            rules.AMENDMENT.messages["too_long"].format(
                max=rules.AMENDMENT.max_length, count=rules.AMENDMENT.max_length + 1
            ),
        ),
    ],
)
def test_an_amendment_without_a_good_explanation_is_refused_with_the_rules_message(
    app, client, auth, approved, explanation, message
):
    auth.login("ofc.ruiz")
    response = open_and_post(
        client, approved, narrative="Changed after approval.", amendment_explanation=explanation
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert unescape(message) in unescape(page)
    assert 'id="amendment_explanation-error"' in page
    assert typed_text(page, "narrative") == "Changed after approval."
    assert typed_text(page, "amendment_explanation") == explanation
    assert len(revisions(app, approved)) == 1


def test_a_stale_base_revision_is_a_conflict_that_keeps_what_was_typed(
    app, client, auth, team, returned
):
    auth.login("ofc.ruiz")
    opened = page_form(client.get(edit_url(returned)).get_data(as_text=True))
    with app.app_context():  # meanwhile the phone sends its own fix
        ruiz = user("ofc.ruiz")
        now = datetime.now(UTC)
        fix = arrest_entry(team["lincoln"], occurred_at=WHEN, narrative="Fixed on the phone.")
        entries.store(
            ruiz,
            uuid.UUID(returned),
            entries.check(ruiz, fix, now=now),
            received_at=now,
            client_addr=None,
            base_revision=1,
        )
        db.session.commit()
    opened.setlist("narrative", ["Fixed on the web page."])
    response = client.post(edit_url(returned), data=opened)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert (
        "This entry changed since you opened this page: it is at revision 2 now (submitted)"
    ) in page
    assert typed_text(page, "narrative") == "Fixed on the web page."
    assert 'name="base_revision" type="hidden" value="2"' in page
    number, _, content, _ = revisions(app, returned)[-1]
    assert (number, content["narrative"]) == (2, "Fixed on the phone.")

    again = client.post(edit_url(returned), data=page_form(page))  # saved on purpose, over it
    assert again.status_code == 302
    assert revisions(app, returned)[-1][2]["narrative"] == "Fixed on the web page."


@pytest.mark.parametrize("base", ["", "abc", "-1", "99", "1e3"])
def test_a_missing_or_odd_base_revision_is_a_conflict_not_an_overwrite(
    app, client, auth, returned, base
):
    auth.login("ofc.ruiz")
    data = page_form(client.get(edit_url(returned)).get_data(as_text=True))
    data["base_revision"] = base
    data["narrative"] = "Sent with an odd base."
    response = client.post(edit_url(returned), data=data)
    assert response.status_code == 409
    assert typed_text(response.get_data(as_text=True), "narrative") == "Sent with an odd base."
    assert len(revisions(app, returned)) == 1


def test_bad_input_gets_the_rules_messages_and_keeps_what_was_typed(app, client, auth, returned):
    auth.login("ofc.ruiz")
    response = open_and_post(
        client,
        returned,
        justification__basis="",
        narrative="Still typing.",
        students__0__grade_band="nonsense",
        occurred_at="yesterday-ish",
        **{"students-x-grade_band": "high"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was saved yet." in page
    assert 'id="justification-basis-error"' in page and 'id="occurred_at-error"' in page
    assert typed_text(page, "narrative") == "Still typing."
    assert 'value="yesterday-ish"' in page
    assert len(revisions(app, returned)) == 1


def test_a_school_no_longer_assigned_is_shown_and_refused_not_silently_changed(
    app, client, auth, returned
):
    with app.app_context():
        ruiz = user("ofc.ruiz")
        elsewhere = make_school("WES", "Washington Elementary", "elementary")
        ruiz.assignments = [Assignment(school=elsewhere, starts_on=ASSIGNED_SINCE)]
        db.session.commit()
    auth.login("ofc.ruiz")
    page = client.get(edit_url(returned)).get_data(as_text=True)
    assert re.search(r'<option selected value="\d+">Lincoln High School</option>', page)
    response = open_and_post(client, returned)
    assert response.status_code == 422
    assert "Choose one of the schools you are assigned to." in response.get_data(as_text=True)


def test_another_officers_entry_is_404_and_nothing_changes(app, client, auth, returned):
    auth.login("ofc.chen")
    assert client.get(edit_url(returned)).status_code == 404
    token = auth.csrf_token("/entries/new")
    response = client.post(
        edit_url(returned),
        data={"csrf_token": token, "base_revision": "1", "narrative": "Not mine."},
    )
    assert response.status_code == 404
    assert client.get(edit_url(uuid.uuid4())).status_code == 404
    assert client.get("/entries/not-a-uuid/edit").status_code == 404
    assert len(revisions(app, returned)) == 1


def test_a_supervisor_is_refused_with_403(app, client, auth, returned):
    auth.login("sgt.park")
    assert client.get(edit_url(returned)).status_code == 403


def test_signed_out_is_sent_to_sign_in(client, returned):
    response = client.get(edit_url(returned))
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("token", [None, "forged"])
def test_a_post_without_a_valid_csrf_token_is_refused(app, client, auth, returned, token):
    auth.login("ofc.ruiz")
    data = page_form(client.get(edit_url(returned)).get_data(as_text=True))
    data["narrative"] = "Sent from another site."
    data.pop("csrf_token")
    if token:
        data["csrf_token"] = token
    response = client.post(edit_url(returned), data=data)
    assert response.status_code == 400 and "security token" in response.get_data(as_text=True)
    assert len(revisions(app, returned)) == 1


def test_an_unchanged_approved_entry_sends_nothing(app, client, auth, approved):
    auth.login("ofc.ruiz")
    response = open_and_post(client, approved, amendment_explanation="Checking nothing changed.")
    assert response.status_code == 302
    assert "Nothing was changed, so nothing was sent." in shown(client, response)
    assert len(revisions(app, approved)) == 1


def test_without_script_the_entry_pages_link_to_the_edit_page(
    app, client, auth, returned, approved
):
    auth.login("ofc.ruiz")
    for entry_id, label in ((returned, "Fix and resend"), (approved, "Amend this entry")):
        page = client.get(f"/entries/{entry_id}").get_data(as_text=True)
        # shown unless the page's script finds a working outbox (then it hides the link)
        assert re.search(
            rf'<a [^>]*href="/entries/{entry_id}/edit" data-without-outbox>'
            rf"{label}</a>",
            page,
        )
    listed = client.get("/entries").get_data(as_text=True)
    assert f'href="/entries/{returned}/edit" data-without-outbox>Fix and resend</a>' in listed
