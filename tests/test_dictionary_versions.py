"""Versioned rules through the app: entries stored under v1 stay valid, viewable, reviewable and
exportable; correcting or amending one is checked under v2 and the form names what is newly
asked; every bad v2 input gets its message in the form and `invalid` from the sync API."""

import csv
import io
import uuid

import pytest

from logger import rules
from logger.core.models import Contact
from logger.extensions import db
from tests.factories import (
    Api,
    arrest_entry,
    envelope,
    form_token,
    make_contact,
)
from tests.test_entries import arrest_form, errors_on, mentoring_form, post_contact
from tests.test_fix_without_script import decide, open_and_post, page_form, revisions, user

V2_ONLY = (
    "setting",
    "duration_minutes",
    "outcome_referrals",
    "parent_notified",
    "principal_notified",
)


def as_before_the_upgrade(entry: dict) -> dict:
    """An entry as it was written under v1: none of the v2 facts."""
    return {name: value for name, value in entry.items() if name not in V2_ONLY}


@pytest.fixture
def team(app, district):
    with app.app_context():
        user("ofc.ruiz").supervisor = user("sgt.park")
        db.session.commit()
    return district


@pytest.fixture
def v1_arrest(app, team) -> str:
    """An arrest stored under data dictionary v1, before the upgrade, waiting for review."""
    with app.app_context():
        entry = as_before_the_upgrade(arrest_entry(team["lincoln"], narrative="Before v2."))
        return str(make_contact(user("ofc.ruiz"), entry, version=1).id)


def test_a_v1_entry_is_stored_as_v1_and_a_new_one_as_v2(app, team, v1_arrest):
    with app.app_context():
        new = make_contact(user("ofc.ruiz"), arrest_entry(team["lincoln"]))
        old = db.session.get(Contact, uuid.UUID(v1_arrest))
        assert (old.current.dictionary_version, new.current.dictionary_version) == (1, 2)
        assert "setting" not in old.current.content and new.current.content["setting"]


def test_a_v1_entry_is_shown_reviewed_and_exported_as_it_was(app, client, auth, v1_arrest):
    auth.login("ofc.ruiz")
    page = client.get(f"/entries/{v1_arrest}").get_data(as_text=True)
    assert "Before v2." in page and "Setting" not in page
    auth.logout()

    auth.login("sgt.park")
    review = client.get(f"/review/{v1_arrest}").get_data(as_text=True)
    assert "Before v2." in review
    response = client.post(
        f"/review/{v1_arrest}/decision",
        data={
            "csrf_token": form_token(review),
            "decision": "approve",
            "comment": "Justified by the facts.",
            "revision": 1,
        },
    )
    assert response.status_code == 302
    auth.logout()

    auth.login("eval.ode")
    token = form_token(client.get("/export").get_data(as_text=True))
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.post("/export", data={"csrf_token": token, "format": "csv"}).get_data(
                    as_text=True
                )
            )
        )
    )
    [row] = [r for r in rows if r["entry_id"] == v1_arrest]
    assert row["dictionary_version"] == "1" and row["setting"] == ""
    assert row["crdc_school_related_arrest"] == ""  # unknown under v1, never a guess


def test_correcting_a_v1_entry_names_what_v2_asks_and_saves_it_as_v2(app, client, auth, v1_arrest):
    auth.login("ofc.ruiz")
    page = client.get(f"/entries/{v1_arrest}/edit").get_data(as_text=True)
    assert "recorded under version 1 of the data dictionary" in page
    for label in (
        "Setting",
        "How long the contact lasted",
        "Referred to",
        "Parent or guardian told",
        "Principal told",
    ):
        assert f">{label}</a></li>" in page

    refused = open_and_post(client, v1_arrest, narrative="Before v2, corrected.")
    assert refused.status_code == 422
    assert set(errors_on(refused.get_data(as_text=True))) >= {
        "setting",
        "duration_minutes",
        "outcome_referrals",
        "parent_notified",
        "principal_notified",
    }
    assert [n for n, *_ in revisions(app, v1_arrest)] == [1]  # nothing changed

    saved = open_and_post(
        client,
        v1_arrest,
        narrative="Before v2, corrected.",
        setting="school_grounds",
        duration_minutes="20",
        outcome_referrals=["diversion_program"],
        parent_notified="yes",
        principal_notified="yes",
    )
    assert saved.status_code == 302
    with app.app_context():
        contact = db.session.get(Contact, uuid.UUID(v1_arrest))
        assert [r.dictionary_version for r in contact.revisions] == [1, 2]
        assert contact.current.content["outcome_referrals"] == ["diversion_program"]


def test_an_amendment_of_an_approved_v1_entry_is_checked_under_v2(app, client, auth, v1_arrest):
    decide(app, v1_arrest, "approve", "Justified by the facts.")
    auth.login("ofc.ruiz")
    data = page_form(client.get(f"/entries/{v1_arrest}/edit").get_data(as_text=True))
    data["amendment_explanation"] = "The arrest happened in the gym, not the hallway."
    data.setlist("location", ["athletic_event"])
    refused = client.post(f"/entries/{v1_arrest}/edit", data=data)
    assert refused.status_code == 422 and "setting" in errors_on(refused.get_data(as_text=True))
    with app.app_context():
        record = db.session.get(Contact, uuid.UUID(v1_arrest)).record
        assert record.dictionary_version == 1 and record.content["location"] == "hallway"


def test_an_entry_waiting_on_a_phone_across_the_upgrade_is_invalid_naming_the_new_fields(
    app, client, auth, team
):
    auth.login("ofc.ruiz")
    waited = {**as_before_the_upgrade(arrest_entry(team["lincoln"])), "dictionary_version": 1}
    [result] = Api(client).sync(envelope(waited))
    assert result["status"] == "invalid"
    assert set(result["errors"]) == set(V2_ONLY)
    assert result["errors"]["setting"] == [rules.FIELDS_BY_NAME["setting"].messages["required"]]
    completed = {**arrest_entry(team["lincoln"]), "dictionary_version": 2}
    [again] = Api(client).sync(envelope(completed, result["id"]))
    assert again["status"] == "accepted"


# Each bad v2 input, as the sync API sends it and as the form posts it.
BAD = [
    (
        "duration_minutes",
        0,
        "0",
        "Enter how many minutes the contact lasted as a whole number from 1 to 720.",
    ),
    (
        "duration_minutes",
        -5,
        "-5",
        "Enter how many minutes the contact lasted as a whole number from 1 to 720.",
    ),
    (
        "duration_minutes",
        721,
        "721",
        "Enter how many minutes the contact lasted as a whole number from 1 to 720.",
    ),
    (
        "duration_minutes",
        "ten",
        "ten",
        "Enter how many minutes the contact lasted as a whole number from 1 to 720.",
    ),
    (
        "search_found",
        ["nothing", "drugs"],
        ["nothing", "drugs"],
        "“Nothing found” cannot be combined with something found.",
    ),
    ("restraint_types", [], [], "Choose each kind of restraint used."),
    ("setting", None, [], rules.FIELDS_BY_NAME["setting"].messages["required"]),
    (
        "parent_notified",
        None,
        [],
        "Say whether a parent or guardian was told of the search, restraint and arrest.",
    ),
    ("dictionary_version", 7, "7", rules.UNKNOWN_VERSION.format(versions="1 and 2")),
]
ACTIONS = ["search", "restraint", "arrest"]


def _api_entry(school_id: int, name: str, value) -> dict:
    entry = arrest_entry(school_id, actions=ACTIONS)
    entry["justification"]["injuries"] = "none"
    if value is None:
        entry.pop(name, None)
    else:
        entry[name] = value
    return entry


@pytest.mark.parametrize("name, sent, typed, message", BAD, ids=[f"{b[0]}={b[2]}" for b in BAD])
def test_bad_v2_input_is_invalid_from_the_sync_api(
    app, client, auth, team, name, sent, typed, message
):
    auth.login("ofc.ruiz")
    [result] = Api(client).sync(envelope(_api_entry(team["lincoln"], name, sent)))
    assert result["status"] == "invalid"
    assert result["errors"] == {name: [message]}


@pytest.mark.parametrize("name, sent, typed, message", BAD, ids=[f"{b[0]}={b[2]}" for b in BAD])
def test_bad_v2_input_gets_its_message_in_the_form(
    app, client, auth, team, name, sent, typed, message
):
    auth.login("ofc.ruiz")
    data = arrest_form(
        team["lincoln"],
        actions=ACTIONS,
        setting="school_grounds",
        search_basis="consent",
        search_found=["nothing"],
        restraint_types=["physical"],
        restraint_minutes="3",
        restraint_prone="no",
        **{"justification-injuries": "none"},
    )
    data[name] = typed
    response = post_contact(client, auth, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "Nothing was saved yet." in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Contact.id))) == 0


def test_a_complete_v2_entry_from_the_form_is_stored_with_every_fact(app, client, auth, team):
    auth.login("ofc.ruiz")
    data = arrest_form(
        team["lincoln"],
        actions=ACTIONS,
        setting="school_transportation",
        location="bus_area",
        search_basis="consent",
        search_found=["weapon"],
        restraint_types=["physical", "seclusion"],
        restraint_minutes="12",
        restraint_prone="yes",
        **{"justification-injuries": "none", "students-0-perceived_limited_english": "y"},
    )
    assert post_contact(client, auth, data).status_code == 302
    with app.app_context():
        [contact] = db.session.scalars(db.select(Contact)).all()
        content = contact.current.content
    assert contact.current.dictionary_version == 2
    assert {
        k: content[k]
        for k in (
            "setting",
            "search_found",
            "restraint_types",
            "restraint_minutes",
            "restraint_prone",
        )
    } == {
        "setting": "school_transportation",
        "search_found": ["weapon"],
        "restraint_types": ["physical", "seclusion"],
        "restraint_minutes": 12,
        "restraint_prone": True,
    }
    assert content["students"][0]["perceived_limited_english"] is True
    assert rules.crdc(content)["crdc_seclusion"] is True


def test_a_mentoring_contact_needs_no_length_and_an_unticked_english_box_records_nothing(
    app, client, auth, team
):
    auth.login("ofc.ruiz")
    data = mentoring_form(
        team["lincoln"],
        **{
            "students-0-grade_band": "middle",
            "students-0-perceived_race": ["asian"],
            "students-0-perceived_gender": "female",
        },
    )
    assert post_contact(client, auth, data).status_code == 302
    with app.app_context():
        [contact] = db.session.scalars(db.select(Contact)).all()
        content = contact.current.content
    assert "duration_minutes" not in content
    assert content["students"] == [
        {
            "grade_band": "middle",
            "perceived_race": ["asian"],
            "perceived_gender": "female",
            "perceived_disability": False,
        }
    ]
