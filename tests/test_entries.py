"""The officer's screens through the Flask test client: New contact, My entries, one entry."""

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from logger.core.models import AuditEvent, Contact, User
from logger.extensions import db
from logger.officer import entries
from tests.factories import arrest_entry, form_token, make_contact, make_user

ZONE = ZoneInfo("America/Chicago")


def local(delta=timedelta(hours=-1)) -> str:
    return (datetime.now(ZONE) + delta).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def ruiz(auth, district):
    auth.login("ofc.ruiz")
    return auth


def mentoring_form(school_id, **changes):
    data = {
        "occurred_at": local(),
        "school_id": str(school_id),
        "location": "cafeteria",
        "setting": "school_grounds",
        "initiated_by": "student",
        "classification": "mentoring",
        "mentoring_type": "informal_counseling",
        "students_involved": "1",
        "actions": ["none"],
        "narrative": "",
    }
    data.update(changes)
    return data


def arrest_form(school_id, **changes):
    data = mentoring_form(
        school_id,
        classification="criminal",
        offense_category="weapons",
        actions=["arrest"],
        initiated_by="school_staff",
        duration_minutes="30",
        outcome_referrals=["juvenile_court"],
        parent_notified="yes",
        principal_notified="no",
    )
    data.update(
        {
            "justification-basis": "Staff reported a knife; the student showed it when asked.",
            "justification-alternatives_tried": ["verbal_deescalation", "school_staff_involved"],
            "justification-why_last_resort": "The student refused to surrender a second blade and "
            "moved toward a classmate.",
            "students-0-grade_band": "high",
            "students-0-perceived_race": ["black"],
            "students-0-perceived_gender": "female",
        }
    )
    data.update(changes)
    return data


def post_contact(client, auth, data):
    return client.post("/entries/new", data={**data, "csrf_token": auth.csrf_token("/entries/new")})


def errors_on(page: str) -> list[str]:
    return re.findall(r'<p class="error" id="([^"]+)-error">', page)


def stored(app):
    with app.app_context():
        return db.session.scalars(db.select(Contact)).all()


def test_new_contact_form_defaults_to_now_and_the_first_school(client, ruiz, district):
    page = client.get("/entries/new").get_data(as_text=True)
    shown = re.search(r'name="occurred_at" type="datetime-local" value="([^"]+)"', page).group(1)
    assert abs(datetime.fromisoformat(shown).replace(tzinfo=ZONE) - datetime.now(ZONE)) < timedelta(
        minutes=2
    )
    assert re.search(rf'<option selected value="{district["lincoln"]}">Lincoln High School', page)
    assert "Adams Middle" not in page  # not Ruiz's school


def test_every_control_has_a_label(client, ruiz):
    page = client.get("/entries/new").get_data(as_text=True)
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', page))
    hidden = set(re.findall(r'<input[^>]*id="([^"]+)"[^>]*type="hidden"', page))
    missing = [i for i in ids if i not in labelled and i not in hidden]
    assert ids and missing == []


def test_mentoring_contact_is_saved_and_listed(app, client, ruiz, district):
    response = post_contact(client, ruiz, mentoring_form(district["lincoln"]))
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Entry saved and sent for review." in page
    assert "Mentoring · Lincoln High School" in page and "Submitted" in page
    [contact] = stored(app)
    with app.app_context():
        contact = db.session.get(Contact, contact.id)
        assert contact.current.content["mentoring_type"] == "informal_counseling"
        assert contact.current.status == "submitted" and contact.current.flags == []
        assert [
            e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))
        ] == [
            "auth.sign_in",
            "contact.submitted",
        ]


def test_arrest_without_justification_is_refused_with_messages_beside_the_fields(
    app, client, ruiz, district
):
    data = arrest_form(district["lincoln"])
    for key in (
        "justification-basis",
        "justification-alternatives_tried",
        "justification-why_last_resort",
    ):
        del data[key]
    data["narrative"] = "Knife found in a backpack after a report from staff."
    response = post_contact(client, ruiz, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert set(errors_on(page)) == {
        "justification-basis",
        "justification-alternatives_tried",
        "justification-why_last_resort",
    }
    assert "Explain why arrest was a last resort (at least 30 characters)." in page
    assert "Knife found in a backpack after a report from staff." in page  # kept
    assert 'value="weapons" selected' in page or '<option selected value="weapons">' in page
    assert stored(app) == []


def test_completed_arrest_is_saved_with_its_flags(app, client, ruiz, district):
    response = post_contact(client, ruiz, arrest_form(district["lincoln"]))
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Criminal · Lincoln High School" in page and "Arrest" in page
    [contact] = stored(app)
    entry_page = client.get(f"/entries/{contact.id}").get_data(as_text=True)
    assert "COPS principle 4" in entry_page
    assert "The student refused to surrender a second blade" in entry_page
    assert "Perceived race" in entry_page and "Black" in entry_page


def test_use_of_force_requires_its_own_details(client, ruiz, district):
    data = arrest_form(district["lincoln"], actions=["arrest", "use_of_force"])
    page = post_contact(client, ruiz, data).get_data(as_text=True)
    assert set(errors_on(page)) == {
        "force_types",
        "justification-injuries",
        "justification-supervisor_notified",
    }
    assert "Explain why arrest and use of force were a last resort" not in page  # that one is given


def test_each_student_must_be_described_when_there_is_enforcement(app, client, ruiz, district):
    page = post_contact(
        client, ruiz, arrest_form(district["lincoln"], students_involved="3")
    ).get_data(as_text=True)
    assert "Describe each student involved (3 needed, 1 described)" in page
    assert page.count('class="student"') == 3  # a block for each student to fill in
    assert stored(app) == []


def test_fields_that_do_not_apply_are_not_stored(app, client, ruiz, district):
    data = mentoring_form(
        district["lincoln"],
        school_rule="defiance",
        offense_category="theft",
        **{"justification-basis": "typed before switching classification"},
    )
    assert post_contact(client, ruiz, data).status_code == 302
    [contact] = stored(app)
    with app.app_context():
        content = db.session.get(Contact, contact.id).current.content
    assert not {"school_rule", "offense_category", "justification"} & set(content)


def test_sending_the_same_form_twice_saves_it_once(app, client, ruiz, district):
    data = mentoring_form(district["lincoln"], entry_id="3f1e6d0a-9c1b-4e59-8a43-5b8e2f0c7d11")
    assert post_contact(client, ruiz, data).status_code == 302
    again = post_contact(client, ruiz, data)
    assert "already saved" in client.get(again.location).get_data(as_text=True)
    assert len(stored(app)) == 1


def test_possible_student_name_is_a_warning_that_can_be_overridden(app, client, ruiz, district):
    data = mentoring_form(district["lincoln"], narrative="Talked with Maria Lopez about class.")
    response = post_contact(client, ruiz, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "may identify a student" in page
    assert "Save anyway" in page and stored(app) == []
    assert post_contact(client, ruiz, {**data, "save_anyway": "Save anyway"}).status_code == 302
    with app.app_context():
        assert db.session.get(Contact, stored(app)[0].id).current.flags == ["possible_pii"]


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"location": "rooftop"}, "location", "Choose where the contact happened from the list."),
        ({"classification": "informal"}, "classification", "Classify the contact"),
        ({"actions": ["none", "arrest"]}, "actions", "“None” cannot be combined"),
        ({"occurred_at": local(timedelta(hours=2))}, "occurred_at", "This time is in the future"),
        ({"occurred_at": "yesterday-ish"}, "occurred_at", "Enter a date and time"),
        ({"students_involved": "0"}, "students_involved", "from 1 to 50"),
        ({"students_involved": "²" + "9" * 5000}, "students_involved", "from 1 to 50"),
        (
            {"narrative": "x" * 4001},
            "narrative",
            "Shorten this to 4000 characters or fewer (it has 4001).",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(
    app, client, ruiz, district, change, field, message
):
    data = mentoring_form(district["lincoln"], **change)
    data.setdefault("narrative", "Kept while the officer fixes the error.")
    if field != "narrative":
        data["narrative"] = "Kept while the officer fixes the error."
    response = post_contact(client, ruiz, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field in errors_on(page) and message in page
    assert data["narrative"][:200] in page
    assert stored(app) == []


def test_school_the_officer_is_not_assigned_to_is_refused(app, client, ruiz, district):
    response = post_contact(client, ruiz, mentoring_form(district["adams"]))
    assert response.status_code == 422
    assert "Choose one of the schools you are assigned to." in response.get_data(as_text=True)
    assert stored(app) == []


def test_html_in_the_narrative_is_stored_as_typed_and_shown_escaped(app, client, ruiz, district):
    script = "<script>alert('x')</script> & <b>bold</b>"
    assert (
        post_contact(
            client, ruiz, mentoring_form(district["lincoln"], narrative=script)
        ).status_code
        == 302
    )
    [contact] = stored(app)
    page = client.get(f"/entries/{contact.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<script>alert" not in page


def test_ten_megabyte_narrative_is_refused_with_413_not_500(app, client, ruiz, district):
    response = post_contact(
        client, ruiz, mentoring_form(district["lincoln"], narrative="x" * 10_000_000)
    )
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert stored(app) == []


@pytest.mark.parametrize("token", [None, "forged"])
def test_contact_post_without_valid_csrf_is_refused_but_keeps_the_typed_entry(
    app, client, ruiz, district, token
):
    data = mentoring_form(district["lincoln"], narrative="Typed during a long shift.")
    if token:
        data["csrf_token"] = token
    response = client.post("/entries/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "security token" in page and "Typed during a long shift." in page
    assert stored(app) == []
    fresh = form_token(page)
    assert client.post("/entries/new", data={**data, "csrf_token": fresh}).status_code == 302


def test_my_entries_lists_newest_contact_first(app, client, ruiz, district):
    with app.app_context():
        officer = db.session.scalar(db.select(User).filter_by(username="ofc.ruiz"))
        for hours, offense in ((30, "theft"), (2, "weapons"), (10, "drugs")):
            make_contact(
                officer,
                arrest_entry(
                    district["lincoln"],
                    offense_category=offense,
                    occurred_at=(datetime.now(ZONE) - timedelta(hours=hours)).isoformat(),
                ),
            )
    page = client.get("/entries").get_data(as_text=True)
    order = re.findall(r'href="/entries/([0-9a-f-]{36})"', page)
    with app.app_context():
        offenses = [
            db.session.get(Contact, uuid.UUID(i)).current.content["offense_category"] for i in order
        ]
    assert offenses == ["weapons", "drugs", "theft"]


def test_officer_never_sees_another_officers_entry_even_by_url(app, client, auth, district):
    with app.app_context():
        chen = db.session.scalar(db.select(User).filter_by(username="ofc.chen"))
        contact = make_contact(chen, arrest_entry(district["adams"]))
        entry_id = contact.id
    auth.login("ofc.ruiz")
    assert client.get(f"/entries/{entry_id}").status_code == 404
    assert str(entry_id) not in client.get("/entries").get_data(as_text=True)


@pytest.mark.parametrize("username", ["sgt.park", "eval.ode", "admin.lee"])
def test_only_officers_create_contacts(app, client, auth, district, username):
    auth.login(username)
    assert client.get("/entries/new").status_code == 403
    response = client.post(
        "/entries/new",
        data={**mentoring_form(district["lincoln"]), "csrf_token": auth.csrf_token("/")},
    )
    assert response.status_code == 403
    assert client.get("/entries").status_code == 403
    assert stored(app) == []


def test_officer_without_a_school_is_told_why_they_cannot_log(client, auth, app, district):
    with app.app_context():
        make_user("ofc.new")
    auth.login("ofc.new")
    assert "You have no assigned school" in client.get("/entries/new").get_data(as_text=True)


def test_unknown_entry_id_is_404_and_malformed_id_is_404(client, ruiz):
    assert client.get("/entries/00000000-0000-4000-8000-000000000000").status_code == 404
    assert client.get("/entries/not-a-uuid").status_code == 404


def test_odd_student_field_names_never_cause_a_server_error(app, client, ruiz, district):
    data = mentoring_form(
        district["lincoln"],
        **{
            "students-²-grade_band": "high",
            "students-99999-grade_band": "high",
            "students--grade_band": "high",
        },
    )
    response = post_contact(client, ruiz, data)
    assert response.status_code in (302, 422)


def test_a_page_number_out_of_range_is_404(client, ruiz):
    assert client.get("/entries?page=99999999999999999999").status_code == 404
    assert client.get("/entries?page=0").status_code == 404
    assert client.get("/entries?page=2").status_code == 404  # no second page yet


def test_reposting_a_used_form_with_other_content_never_overwrites_the_entry(
    app, client, ruiz, district
):
    used = mentoring_form(
        district["lincoln"],
        entry_id="3f1e6d0a-9c1b-4e59-8a43-5b8e2f0c7d11",
        narrative="The first contact.",
    )
    post_contact(client, ruiz, used)
    response = post_contact(client, ruiz, {**used, "narrative": "A different contact."})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "A different contact." in page and "save it as a new entry" in page
    assert "3f1e6d0a-9c1b-4e59-8a43-5b8e2f0c7d11" not in page  # a fresh id for the new entry
    [contact] = stored(app)
    with app.app_context():
        assert (
            db.session.get(Contact, contact.id).current.content["narrative"] == "The first contact."
        )


def test_a_date_before_2000_is_refused(app, client, ruiz, district):
    response = post_contact(
        client, ruiz, mentoring_form(district["lincoln"], occurred_at="0001-01-01T00:00")
    )
    assert response.status_code == 422
    assert "too far in the past" in response.get_data(as_text=True)


def test_an_entry_shows_its_earlier_revisions(app, client, ruiz, district):
    with app.app_context():
        officer = db.session.scalar(db.select(User).filter_by(username="ofc.ruiz"))
        contact = make_contact(officer, arrest_entry(district["lincoln"], narrative="First."))
        entry = arrest_entry(district["lincoln"], narrative="Second, corrected.")
        verdict = entries.check(officer, entry, now=datetime.now(ZONE))
        entries.store(
            officer,
            contact.id,
            verdict,
            received_at=datetime.now(ZONE),
            client_addr=None,
            base_revision=1,
        )
        db.session.commit()
        entry_id = contact.id
    page = client.get(f"/entries/{entry_id}").get_data(as_text=True)
    assert "revision 2" in page and "Second, corrected." in page
    assert "Revision 1" in page and "First." in page
