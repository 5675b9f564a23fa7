"""Entry templates: what one may hold (the rules), and an officer's templates through the API."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logger import rules
from logger.core.models import AuditEvent, EntryTemplate
from logger.extensions import db
from tests.factories import form_token

LUNCH = {
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
FRESH = (
    "A template never holds a justification, a student description or a narrative: they "
    "are written fresh for each contact."
)


def test_a_template_keeps_its_choices_in_the_rules_order():
    kept, errors = rules.check_template({**LUNCH, "name": "  Lunch duty check-in  "})
    assert errors == {}
    assert kept == {"name": "Lunch duty check-in", "fields": LUNCH["fields"]}


@pytest.mark.parametrize(
    "fields, where",
    [
        ({"justification": {"basis": "x" * 40}}, "fields.justification"),
        ({"students": [{"grade_band": "high"}]}, "fields.students"),
        ({"narrative": "Talked about the game."}, "fields.narrative"),
        ({"involvement_reason": "Asked by the principal to help."}, "fields.involvement_reason"),
    ],
)
def test_a_template_holding_what_is_written_fresh_is_refused(fields, where):
    kept, errors = rules.check_template({"name": "Bad", "fields": {**LUNCH["fields"], **fields}})
    assert errors == {where: [FRESH]}


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "Name the template, like “Lunch duty check-in”."),
        ("   ", "Name the template, like “Lunch duty check-in”."),
        (None, "Name the template, like “Lunch duty check-in”."),
        ("x" * 200, "Shorten the name to 60 characters or fewer (it has 200)."),
        (
            "Lunch\nduty",
            "“Template name” holds a line break or an invisible control character: "
            "write it on one line.",
        ),
    ],
)
def test_a_template_name_must_be_one_short_line(name, message):
    assert rules.check_template({**LUNCH, "name": name})[1] == {"name": [message]}


def test_a_name_of_60_characters_is_kept():
    assert rules.check_template({**LUNCH, "name": "x" * 60})[1] == {}


@pytest.mark.parametrize(
    "fields, errors",
    [
        ({}, {"fields": ["Choose at least one thing for the template to fill in."]}),
        (
            {"location": "rooftop"},
            {"fields.location": ["Choose where the contact happened from the list."]},
        ),
        (
            {"actions": ["none", "arrest"]},
            {"fields.actions": ["“None” cannot be combined with other actions."]},
        ),
        (
            {"occurred_at": "2026-11-28T09:00:00-06:00"},
            {
                "fields.occurred_at": [
                    "A template holds only these choices: Where, Setting, Who started the contact, "
                    "Classification, School rule involved, Offense, Kind of mentoring, Actions "
                    "taken."
                ]
            },
        ),
    ],
)
def test_a_template_s_choices_are_checked_by_the_field_rules(fields, errors):
    assert rules.check_template({"name": "Odd", "fields": fields})[1] == errors


def test_a_kind_that_does_not_fit_the_classification_is_not_kept():
    kept, errors = rules.check_template(
        {"name": "Mixed", "fields": {"classification": "mentoring", "school_rule": "defiance"}}
    )
    assert errors == {} and kept["fields"] == {"classification": "mentoring"}


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=15), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(JSON | st.fixed_dictionaries({"name": JSON, "fields": JSON}))
def test_any_json_as_a_template_gets_messages_never_an_exception(sent):
    kept, errors = rules.check_template(sent)
    assert isinstance(errors, dict)
    if not errors:
        assert set(kept["fields"]) <= set(rules.TEMPLATE_FIELDS) and kept["name"]
    json.dumps(kept)


# --- through the API ---------------------------------------------------------------------


def post(client, body):
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    return client.post(
        "/api/v1/templates",
        data=json.dumps(body),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )


def delete(client, template_id):
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    return client.delete(f"/api/v1/templates/{template_id}", headers={"X-CSRFToken": token})


def names(client) -> list[str]:
    return [t["name"] for t in client.get("/api/v1/templates").get_json()["templates"]]


def test_an_officer_keeps_lists_and_retires_their_templates(app, client, auth, district):
    auth.login("ofc.ruiz")
    created = post(client, LUNCH)
    assert created.status_code == 201
    template = created.get_json()["template"]
    assert template["fields"] == LUNCH["fields"] and template["district"] is False
    assert names(client) == ["Lunch duty check-in"]
    assert post(client, LUNCH).get_json()["errors"] == {
        "name": ["You already have a template named “Lunch duty check-in”: choose another name."]
    }
    assert delete(client, template["id"]).status_code == 204
    assert names(client) == []
    with app.app_context():
        kept = db.session.get(EntryTemplate, template["id"])
        assert kept.deleted_at is not None  # retired, never deleted
        actions = db.session.scalars(
            db.select(AuditEvent.action)
            .where(AuditEvent.action.like("template.%"))
            .order_by(AuditEvent.id)
        ).all()
        assert actions == ["template.created", "template.retired"]


def start_from_shown(client) -> bool:
    """Whether New contact keeps room for its "Start from" buttons from the first paint."""
    page = client.get("/entries/new").get_data(as_text=True)
    section = page[page.index('<section id="templates"') :]
    return "hidden" not in section[: section.index(">")]


def test_new_contact_keeps_room_for_start_buttons_once_there_is_a_start(client, auth, district):
    auth.login("ofc.ruiz")
    assert not start_from_shown(client)  # no template, no previous entry: nothing to offer
    assert post(client, LUNCH).status_code == 201
    assert start_from_shown(client)
    auth.logout()
    auth.login("ofc.chen")
    assert not start_from_shown(client)  # Ruiz's own template is not Chen's


def test_a_bad_template_is_422_with_each_message_and_nothing_is_kept(app, client, auth, district):
    auth.login("ofc.ruiz")
    response = post(
        client, {"name": "", "fields": {**LUNCH["fields"], "students": [{"grade_band": "high"}]}}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "name": ["Name the template, like “Lunch duty check-in”."],
        "fields.students": [FRESH],
    }
    for body in ("not json", b"\xff\xfe", "[1, 2]", json.dumps({"fields": []})):
        token = client.get("/api/v1/session").get_json()["csrf_token"]
        answer = client.post(
            "/api/v1/templates",
            data=body,
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
        assert answer.status_code == 422, body
        assert answer.get_json()["errors"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(EntryTemplate.id))) == 0


def test_another_officer_neither_sees_nor_retires_my_template(app, client, auth, district):
    auth.login("ofc.ruiz")
    template_id = post(client, LUNCH).get_json()["template"]["id"]
    auth.logout()
    auth.login("ofc.chen")
    assert names(client) == []
    assert delete(client, template_id).status_code == 404
    assert post(client, LUNCH).status_code == 201  # the same name is Chen's own


def test_district_templates_are_offered_to_everyone_and_retired_by_no_officer(
    app, client, auth, district
):
    with app.app_context():
        db.session.add(EntryTemplate(name="Arrival duty", fields={"location": "grounds"}))
        db.session.commit()
        district_id = db.session.scalar(db.select(EntryTemplate.id))
    auth.login("ofc.ruiz")
    post(client, LUNCH)
    assert names(client) == ["Arrival duty", "Lunch duty check-in"]
    assert delete(client, district_id).status_code == 404
    assert "Arrival duty" in names(client)


@pytest.mark.parametrize("username", ["sgt.park", "eval.ode", "admin.lee"])
def test_only_officers_use_the_template_api(client, auth, district, username):
    auth.login(username)
    assert client.get("/api/v1/templates").status_code == 403
    assert post(client, LUNCH).status_code == 403


def test_a_template_post_without_the_csrf_token_is_refused(app, client, auth, district):
    auth.login("ofc.ruiz")
    response = client.post(
        "/api/v1/templates", data=json.dumps(LUNCH), content_type="application/json"
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(EntryTemplate.id))) == 0


# --- the district's templates, published by an admin ----------------------------------------


def publish(client, **form):
    token = form_token(client.get("/admin/templates").get_data(as_text=True))
    return client.post("/admin/templates", data={"csrf_token": token, **form})


def test_an_admin_publishes_a_district_template_every_officer_is_offered(
    app, client, auth, district
):
    auth.login("admin.lee")
    response = publish(
        client,
        name="Arrival duty",
        location="grounds",
        setting="school_grounds",
        classification="mentoring",
        mentoring_type="mentoring",
        actions=["none"],
    )
    assert response.status_code == 302
    page = client.get("/admin/templates").get_data(as_text=True)
    assert "Arrival duty" in page and "Where: Grounds" in page
    auth.logout()
    for officer in ("ofc.ruiz", "ofc.chen"):
        auth.login(officer)
        [offered] = client.get("/api/v1/templates").get_json()["templates"]
        assert offered["district"] is True and offered["fields"]["location"] == "grounds"
        auth.logout()


@pytest.mark.parametrize(
    "form, field, message",
    [
        (
            {"name": "", "location": "grounds"},
            "name",
            "Name the template, like “Lunch duty check-in”.",
        ),
        (
            {"name": "x" * 200, "location": "grounds"},
            "name",
            "Shorten the name to 60 characters or fewer (it has 200).",
        ),
        (
            {"name": "Nothing chosen"},
            "actions",
            "Choose at least one thing for the template to fill in.",
        ),
        (
            {"name": "Odd", "location": "rooftop"},
            "location",
            "Choose where the contact happened from the list.",
        ),
    ],
)
def test_a_bad_district_template_is_refused_beside_its_field(
    app, client, auth, district, form, field, message
):
    auth.login("admin.lee")
    response = publish(client, **form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="error" id="{field}-error">{message}</p>' in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(EntryTemplate.id))) == 0


def test_an_admin_retires_a_district_template_and_officers_no_longer_get_it(
    app, client, auth, district
):
    auth.login("admin.lee")
    publish(client, name="Arrival duty", location="grounds")
    with app.app_context():
        template_id = db.session.scalar(db.select(EntryTemplate.id))
    page = client.get("/admin/templates").get_data(as_text=True)
    response = client.post(
        f"/admin/templates/{template_id}/retired", data={"csrf_token": form_token(page)}
    )
    assert response.status_code == 302
    assert "Arrival duty" not in client.get("/admin/templates").get_data(as_text=True)
    assert (
        client.post(
            "/admin/templates/999/retired", data={"csrf_token": form_token(page)}
        ).status_code
        == 404
    )
    auth.logout()
    auth.login("ofc.ruiz")
    assert names(client) == []


@pytest.mark.parametrize("username", ["ofc.ruiz", "sgt.park", "eval.ode"])
def test_only_admins_publish_district_templates(client, auth, district, username):
    auth.login(username)
    assert client.get("/admin/templates").status_code == 403
