"""Program records (issue 13): each kind's form, list, CSV and export; bad input refused with
its message and nothing stored; who may read and write; the MOU warning; the figures the
annual assessment reads, against a small district worked by hand."""

from __future__ import annotations

import csv
import html
import io
from datetime import date, timedelta

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import func, select

from logger.admin import program_records
from logger.admin.program_records import RECORD_TYPE, RECORD_TYPES
from logger.core import clock
from logger.core.clock import SchoolYear
from logger.core.models import (
    Assignment,
    AuditEvent,
    CommunityInputSession,
    Mou,
    OfficerSelection,
    OfficerTraining,
    OutreachEvent,
    PracticeActivity,
    StaffTraining,
    User,
)
from logger.evaluation import exports
from logger.evaluation.exports import pseudonym
from logger.extensions import db
from tests.factories import form_token, make_school, make_user

DAY = (date.today() - timedelta(days=10)).isoformat()  # in the past wherever the district is
FUTURE = (date.today() + timedelta(days=3)).isoformat()


def _url(key: str, *rest) -> str:
    return "/admin/program/" + "/".join([RECORD_TYPE[key].table.replace("_", "-"), *rest])


def _valid(key: str, ids: dict) -> dict:
    """A valid form for each kind of record, in the district fixture."""
    return {
        "community_input": {
            "held_on": DAY,
            "audience": "Parents of Lincoln High",
            "attended": "42",
            "summary": "Asked about lunch duty.",
        },
        "mou": {
            "parties": "Lincoln School District\nCity Police Department",
            "signed_on": "2025-07-15",
            "effective_on": "2025-08-01",
            "expires_on": "2027-07-31",
            "review_on": "2026-07-01",
            "reference": "https://district.example/mou-2025.pdf",
        },
        "selection": {
            "officer": str(ids["ruiz"]),
            "selected_on": DAY,
            "staff_on_panel": "yes",
            "qualifications": "Ten years of youth sports coaching.",
        },
        "training": {
            "officer": str(ids["ruiz"]),
            "course": "Crisis intervention",
            "hours": "7.5",
            "completed_on": DAY,
            "topic": "de_escalation",
        },
        "staff_training": {
            "held_on": DAY,
            "school": str(ids["lincoln"]),
            "staff_trained": "25",
            "summary": "What the SRO does, and not.",
        },
        "outreach": {
            "held_on": DAY,
            "school": "",
            "audience": "Family night",
            "attended": "80",
            "summary": "",
        },
        "practice": {
            "held_on": DAY,
            "kind": "conference",
            "officers": [str(ids["ruiz"]), str(ids["chen"])],
            "hours": "",
            "summary": "State SRO conference.",
        },
    }[key]


# A field of each kind to change, and what to change it to.
EDITS = {
    "community_input": ("attended", "43", "attended", 43),
    "mou": ("reference", "file MOU-2025.pdf", "reference", "file MOU-2025.pdf"),
    "selection": ("qualifications", "Coach.", "qualifications", "Coach."),
    "training": ("hours", "8", "hours", 8.0),
    "staff_training": ("staff_trained", "30", "staff_trained", 30),
    "outreach": ("attended", "81", "attended", 81),
    "practice": ("hours", "6.25", "hours", 6.25),
}


@pytest.fixture
def ids(app, district):
    with app.app_context():
        users = {u.username: u.id for u in db.session.scalars(select(User))}
    return {"ruiz": users["ofc.ruiz"], "chen": users["ofc.chen"], **district}


def _signed_in(auth, name: str):
    auth.login(name)
    return auth.client


def _post(client, url: str, data: dict):
    token = form_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def _count(app, kind) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(kind.model))


def _actions(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.action.notlike("auth.%"))
                .order_by(AuditEvent.id)
            )
        )


@pytest.mark.parametrize("key", list(RECORD_TYPE))
def test_an_admin_adds_changes_lists_downloads_and_removes_each_kind(app, auth, ids, key):
    kind, client = RECORD_TYPE[key], _signed_in(auth, "admin.lee")
    response = _post(client, _url(key, "new"), _valid(key, ids))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        record_id = db.session.scalar(select(kind.model.id))
    assert escape(f"Saved {kind.one}.") in client.get(_url(key)).get_data(as_text=True)

    name, value, attribute, stored = EDITS[key]
    response = _post(client, _url(key, str(record_id)), {**_valid(key, ids), name: value})
    assert response.status_code == 302
    with app.app_context():
        assert getattr(db.session.get(kind.model, record_id), attribute) == stored

    listed = client.get(_url(key)).get_data(as_text=True)
    assert _url(key, str(record_id)) in listed
    download = client.get(_url(key) + ".csv")
    assert download.mimetype == "text/csv"
    [row] = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert (row["id"], row[attribute]) == (str(record_id), str(stored))

    assert (
        client.post(
            _url(key, str(record_id), "remove"), data={"csrf_token": form_token(listed)}
        ).status_code
        == 302
    )
    assert _count(app, kind) == 0
    assert _actions(app) == [
        f"{key}.created",
        f"{key}.changed",
        "program_records.exported",
        f"{key}.removed",
    ]
    with app.app_context():
        removed = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == f"{key}.removed")
        ).one()
        assert removed.detail["record"] == record_id  # what it held stays on the trail


BAD = [
    ("mou", {"expires_on": "2025-07-31"}, "expires_on", "before it takes effect"),
    ("mou", {"signed_on": "2027-08-01"}, "signed_on", "after it expires"),
    ("mou", {"review_on": "2028-01-01"}, "review_on", "while it is in force"),
    ("mou", {"parties": ""}, "parties", "Fill in “Parties”."),
    ("mou", {"parties": "  \n  "}, "parties", "Fill in “Parties”."),
    ("mou", {"parties": "Only the district"}, "parties", "at least 2 parties"),
    ("mou", {"signed_on": "15/07/2025"}, "signed_on", "Dates are written like"),
    ("training", {"hours": "-3"}, "hours", "must be more than 0 (it says -3)"),
    ("training", {"hours": "0"}, "hours", "must be more than 0"),
    ("training", {"hours": "lots"}, "hours", "a number of hours like 8 or 1.5"),
    ("training", {"topic": "karate"}, "topic", "Choose the topic from the list"),
    ("training", {"topic": ""}, "topic", "Choose “Topic” from the list."),
    ("training", {"officer": "999999"}, "officer", "Choose the officer from the list."),
    ("training", {"completed_on": FUTURE}, "completed_on", "after today"),
    ("training", {"course": "Crisis\x00intervention"}, "course", "control character"),
    ("training", {"course": "x" * 201}, "course", "Shorten “Course” to 200 characters"),
    ("community_input", {"attended": "-5"}, "attended", "whole number from 0"),
    ("community_input", {"summary": "line\x07bell"}, "summary", "control character"),
    ("community_input", {"audience": "Two\nlines"}, "audience", "on one line"),
    ("community_input", {"summary": "y" * 4001}, "summary", "to 4,000 characters"),
    ("staff_training", {"staff_trained": "0"}, "staff_trained", "from 1 to"),
    ("staff_training", {"school": "abc"}, "school", "Choose the school from the list"),
    ("practice", {"officers": []}, "officers", "Choose the officers who took part"),
    ("practice", {"summary": "", "hours": ""}, "summary", "the hours it took or a summary"),
    ("practice", {"kind": "picnic"}, "kind", "Choose the kind from the list"),
]


@pytest.mark.parametrize(("key", "change", "field", "message"), BAD)
def test_bad_input_is_told_beside_its_field_and_nothing_is_stored(
    app, auth, ids, key, change, field, message
):
    client = _signed_in(auth, "admin.lee")
    response = _post(client, _url(key, "new"), {**_valid(key, ids), **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was saved." in page and f'id="{field}-error"' in page
    assert message in page
    assert _count(app, RECORD_TYPE[key]) == 0
    assert not [action for action in _actions(app) if action.startswith(key)]


def test_a_bad_change_leaves_the_record_as_it_was(app, auth, ids):
    client = _signed_in(auth, "admin.lee")
    _post(client, _url("training", "new"), _valid("training", ids))
    with app.app_context():
        record_id = db.session.scalar(select(OfficerTraining.id))
    response = _post(
        client,
        _url("training", str(record_id)),
        {**_valid("training", ids), "course": "Renamed", "hours": "-1"},
    )
    assert response.status_code == 422
    with app.app_context():
        kept = db.session.get(OfficerTraining, record_id)
        assert (kept.course, kept.hours) == ("Crisis intervention", 7.5)
    assert _actions(app) == ["training.created"]


def test_text_that_may_name_a_student_is_held_until_the_admin_says_it_names_none(app, auth, ids):
    client = _signed_in(auth, "admin.lee")
    named = {
        **_valid("community_input", ids),
        "summary": "Jayden Smith's mother asked why the officer stopped him.",
    }
    held = _post(client, _url("community_input", "new"), named)
    page = held.get_data(as_text=True)
    assert held.status_code == 422 and "This may name a student." in html.unescape(page)
    assert "It names no student" in page
    assert _count(app, RECORD_TYPE["community_input"]) == 0
    saved = _post(client, _url("community_input", "new"), {**named, "names_checked": "yes"})
    assert saved.status_code == 302 and _count(app, RECORD_TYPE["community_input"]) == 1


def test_an_officer_has_one_selection_record(app, auth, ids):
    client = _signed_in(auth, "admin.lee")
    assert _post(client, _url("selection", "new"), _valid("selection", ids)).status_code == 302
    again = _post(client, _url("selection", "new"), _valid("selection", ids))
    assert again.status_code == 422
    assert "ofc.ruiz already has a selection record" in again.get_data(as_text=True)
    assert _count(app, RECORD_TYPE["selection"]) == 1


def test_signed_out_people_are_sent_to_sign_in(client, district):
    for kind in RECORD_TYPES:
        response = client.get(_url(kind.key))
        assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("name", ["ofc.ruiz", "sgt.park"])
def test_officers_and_supervisors_may_not_open_program_records(auth, ids, name):
    client = _signed_in(auth, name)
    assert client.get("/admin/program").status_code == 403
    for kind in RECORD_TYPES:
        for url in (_url(kind.key), _url(kind.key) + ".csv", _url(kind.key, "new")):
            assert client.get(url).status_code == 403, url


def test_an_evaluator_reads_and_downloads_but_writes_nothing(app, auth, ids):
    admin = _signed_in(auth, "admin.lee")
    _post(admin, _url("training", "new"), _valid("training", ids))
    auth.logout()
    client = _signed_in(auth, "eval.ode")
    home = client.get("/admin/program").get_data(as_text=True)
    assert all(_url(kind.key) in home for kind in RECORD_TYPES)
    listed = client.get(_url("training")).get_data(as_text=True)
    with app.app_context():
        record_id = db.session.scalar(select(OfficerTraining.id))
        ruiz = db.session.get(User, ids["ruiz"])
        hidden = pseudonym(ruiz, False)
    assert hidden in listed and "ofc.ruiz" not in listed  # officers by pseudonym
    assert _url("training", "new") not in listed and _url("training", str(record_id)) not in listed
    download = client.get(_url("training") + ".csv").get_data(as_text=True)
    assert hidden in download and "ofc.ruiz" not in download
    token = form_token(home)
    assert client.get(_url("training", "new")).status_code == 403
    assert (
        client.post(
            _url("training", "new"), data={**_valid("training", ids), "csrf_token": token}
        ).status_code
        == 403
    )
    assert (
        client.post(
            _url("training", str(record_id), "remove"), data={"csrf_token": token}
        ).status_code
        == 403
    )
    assert _count(app, RECORD_TYPE["training"]) == 1


def test_a_post_without_its_csrf_token_is_refused(auth, app, ids):
    client = _signed_in(auth, "admin.lee")
    assert client.post(_url("outreach", "new"), data=_valid("outreach", ids)).status_code == 400
    assert _count(app, RECORD_TYPE["outreach"]) == 0


def test_the_navigation_leads_admins_and_evaluators_to_the_records(auth, ids):
    for name in ("admin.lee", "eval.ode"):
        client = _signed_in(auth, name)
        assert 'href="/admin/program"' in client.get("/").get_data(as_text=True)
        auth.logout()


# The MOU warning on the admin's home page.


def _mou(effective: date, expires: date) -> Mou:
    mou = Mou(
        parties="District\nPolice", signed_on=effective, effective_on=effective, expires_on=expires
    )
    db.session.add(mou)
    db.session.commit()
    return mou


@pytest.fixture
def today(app):
    """Today in the district."""
    with app.app_context():
        return clock.today()


def _home(auth) -> str:
    return _signed_in(auth, "admin.lee").get("/").get_data(as_text=True)


def test_the_admin_is_warned_when_no_mou_is_in_force(app, auth, district, today):
    assert "No MOU is in force today" in _home(auth)
    with app.app_context():
        _mou(today - timedelta(days=400), today - timedelta(days=1))  # expired yesterday
    assert "No MOU is in force today" in _home(auth)


@pytest.mark.parametrize(("days_left", "warned"), [(61, False), (60, True), (0, True)])
def test_the_admin_is_warned_60_days_before_the_mou_in_force_ends(
    app, auth, district, today, days_left, warned
):
    ends = today + timedelta(days=days_left)
    with app.app_context():
        _mou(today - timedelta(days=300), ends)
    page = _home(auth)
    assert ("The MOU in force ends on " + ends.isoformat() in page) is warned
    assert 'id="mou"' in page if warned else 'id="mou"' not in page


def test_an_mou_that_follows_without_a_gap_silences_the_warning(app, auth, district, today):
    ends = today + timedelta(days=20)
    with app.app_context():
        _mou(today - timedelta(days=300), ends)
        _mou(ends + timedelta(days=1), ends + timedelta(days=30))
    assert f"ends on {(ends + timedelta(days=30)).isoformat()}, in 50 days" in _home(auth)
    with app.app_context():
        _mou(ends + timedelta(days=31), ends + timedelta(days=800))
    assert 'id="mou"' not in _home(auth)


# Exports.


def test_the_sqlite_export_holds_every_kind_with_its_data_dictionary(app, auth, ids, tmp_path):
    client = _signed_in(auth, "admin.lee")
    for kind in RECORD_TYPES:
        assert _post(client, _url(kind.key, "new"), _valid(kind.key, ids)).status_code == 302
    path = str(tmp_path / "export.db")
    with app.app_context():
        exports.write_sqlite(exports.Choice(), path)
        hidden = pseudonym(db.session.get(User, ids["ruiz"]), False)
    out = sqlite_utils.Database(path)
    described = {(row["table_name"], row["column_name"]) for row in out["data_dictionary"].rows}
    for kind in RECORD_TYPES:
        [row] = list(out[kind.table].rows)
        assert set(row) == {"id", *(spec.name for spec in kind.fields)}
        assert all((kind.table, column) in described for column in row)
    assert list(out["officer_trainings"].rows)[0]["officer"] == hidden
    assert list(out["officer_trainings"].rows)[0]["hours"] == 7.5
    assert list(out["outreach_events"].rows)[0]["school"] is None
    assert list(out["mous"].rows)[0]["parties"] == "Lincoln School District;City Police Department"
    assert list(out["officer_selections"].rows)[0]["community_on_panel"] == "false"


def test_an_admin_s_csv_names_officers_by_pseudonym_unless_asked(app, auth, ids):
    client = _signed_in(auth, "admin.lee")
    assert _post(client, _url("training", "new"), _valid("training", ids)).status_code == 302
    with app.app_context():
        hidden = pseudonym(db.session.get(User, ids["ruiz"]), False)
    [row] = csv.DictReader(io.StringIO(client.get(_url("training") + ".csv").get_data(True)))
    assert row["officer"] == hidden
    assert "names=yes" in client.get(_url("training")).get_data(as_text=True)
    [row] = csv.DictReader(
        io.StringIO(client.get(_url("training") + ".csv?names=yes").get_data(True))
    )
    assert row["officer"] == "ofc.ruiz"
    with app.app_context():
        asked = db.session.scalars(
            select(AuditEvent.detail)
            .where(AuditEvent.action == "program_records.exported")
            .order_by(AuditEvent.id)
        ).all()
    assert [detail["names"] for detail in asked] == [False, True]


def test_a_csv_cell_that_looks_like_a_formula_is_defused(auth, ids):
    client = _signed_in(auth, "admin.lee")
    _post(
        client, _url("outreach", "new"), {**_valid("outreach", ids), "audience": '=HYPERLINK("x")'}
    )
    download = client.get(_url("outreach") + ".csv").get_data(as_text=True)
    assert "'=HYPERLINK" in download


# Any text at all, in any field: a page with a message or a stored record, never a 500.


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(key=st.sampled_from(list(RECORD_TYPE)), data=st.data())
def test_any_text_posted_gets_a_page_with_a_message_or_a_stored_record(app, auth, ids, key, data):
    client = _signed_in(auth, "admin.lee")
    kind = RECORD_TYPE[key]
    name = data.draw(st.sampled_from([spec.name for spec in kind.fields]))
    text = data.draw(st.text(max_size=300))
    before = _count(app, kind)
    response = _post(client, _url(key, "new"), {**_valid(key, ids), name: text})
    assert response.status_code in (302, 422), response.status_code
    if response.status_code == 422:
        assert "Nothing was saved." in response.get_data(as_text=True)
        assert _count(app, kind) == before
    else:
        assert _count(app, kind) == before + 1
        with app.app_context():  # an officer has one selection record: start again
            for record in db.session.scalars(select(OfficerSelection)):
                db.session.delete(record)
            db.session.commit()


# The figures for the annual assessment, worked by hand.

YEAR = SchoolYear(2025, 8)  # 1 Aug 2025 to 31 Jul 2026


def _add(*records) -> None:
    db.session.add_all(records)
    db.session.commit()


def test_program_figures_of_a_small_district(ctx):
    lincoln = make_school("LHS", "Lincoln High School")
    ruiz, chen = make_user("ofc.ruiz", schools=[lincoln]), make_user("ofc.chen", schools=[lincoln])
    gone = make_user("ofc.gone")  # assigned only before the year: not active in it
    gone.assignments.append(
        Assignment(school=lincoln, starts_on=date(2020, 1, 1), ends_on=date(2025, 7, 31))
    )
    db.session.commit()
    _add(
        CommunityInputSession(
            held_on=date(2025, 9, 10), audience="Parents", attended=30, summary="s"
        ),
        CommunityInputSession(
            held_on=date(2026, 3, 2), audience="Students", attended=12, summary="s"
        ),
        CommunityInputSession(
            held_on=date(2025, 7, 31), audience="Before", attended=99, summary="the year before"
        ),
        Mou(
            parties="D\nP",
            signed_on=date(2024, 7, 1),
            effective_on=date(2024, 8, 1),
            expires_on=date(2026, 1, 31),
        ),
        Mou(
            parties="D\nP",
            signed_on=date(2026, 1, 15),
            effective_on=date(2026, 2, 1),
            expires_on=date(2028, 1, 31),
            review_on=date(2027, 1, 15),
            reference="mou.pdf",
        ),
        OfficerSelection(
            officer=ruiz,
            selected_on=date(2019, 5, 1),
            staff_on_panel=True,
            community_on_panel=False,
            qualifications="q",
        ),
        OfficerTraining(
            officer=ruiz,
            completed_on=date(2025, 10, 1),
            course="a",
            hours=7.5,
            topic="de_escalation",
        ),
        OfficerTraining(
            officer=ruiz,
            completed_on=date(2026, 1, 5),
            course="b",
            hours=2.25,
            topic="implicit_bias",
        ),
        OfficerTraining(
            officer=chen, completed_on=date(2026, 7, 31), course="c", hours=4, topic="de_escalation"
        ),
        OfficerTraining(
            officer=chen,
            completed_on=date(2026, 8, 1),
            course="next year",
            hours=40,
            topic="restorative_practices",
        ),
        StaffTraining(held_on=date(2025, 8, 20), school=lincoln, staff_trained=25, summary="s"),
        StaffTraining(held_on=date(2026, 2, 20), staff_trained=10, summary="s"),
        OutreachEvent(held_on=date(2025, 10, 31), audience="Trunk or treat", attended=200),
        OutreachEvent(
            held_on=date(2026, 4, 1),
            school=lincoln,
            audience="Open house",
            attended=45,
            summary="s",
        ),
        PracticeActivity(
            held_on=date(2025, 11, 5), kind="conference", hours=16, officers=[ruiz, chen]
        ),
        PracticeActivity(held_on=date(2026, 5, 5), kind="mentoring", summary="s", officers=[chen]),
    )
    figures = program_records.program_figures(YEAR)
    r, c = pseudonym(ruiz, False), pseudonym(chen, False)

    assert (figures.input_sessions, figures.input_attended) == (2, 42)
    assert figures.mou_all_year is True  # the second takes over the day after the first ends
    assert [(m["effective_on"], m["expires_on"]) for m in figures.mous] == [
        (date(2024, 8, 1), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2028, 1, 31)),
    ]
    assert figures.mous[1]["parties"] == ["D", "P"] and figures.mous[1]["reference"] == "mou.pdf"
    assert figures.officers_active == sorted([r, c])
    assert (figures.selected, figures.not_selected) == ([r], [c])
    assert figures.training_hours == {r: 9.75, c: 4.0}
    assert figures.topic_officers == {
        "adolescent_development": 0,
        "de_escalation": 2,
        "implicit_bias": 1,
        "disabilities_special_education": 0,
        "trauma_informed_practice": 0,
        "student_privacy_search_law": 0,
        "restorative_practices": 0,
    }
    assert (figures.staff_trainings, figures.staff_trained) == (2, 35)
    assert (figures.outreach_events, figures.outreach_attended) == (2, 245)
    assert figures.practice_activities == 2
    assert figures.practice_by_kind == {
        "peer_network_meeting": 0,
        "conference": 1,
        "mentoring": 1,
        "other": 0,
    }
    assert figures.practice_officers == sorted([r, c]) and figures.practice_hours == 16.0


def test_a_gap_between_mous_means_not_in_force_all_year(ctx):
    _add(
        Mou(
            parties="D\nP",
            signed_on=date(2024, 7, 1),
            effective_on=date(2024, 8, 1),
            expires_on=date(2026, 1, 31),
        ),
        Mou(
            parties="D\nP",
            signed_on=date(2026, 2, 1),
            effective_on=date(2026, 2, 2),
            expires_on=date(2028, 1, 31),
        ),
    )
    assert program_records.program_figures(YEAR).mou_all_year is False
    assert program_records.program_figures(SchoolYear(2026, 8)).mou_all_year is True


def test_program_figures_of_an_empty_year(ctx):
    figures = program_records.program_figures(YEAR)
    assert figures.mou_all_year is False and figures.mous == []
    assert figures.input_sessions == figures.outreach_events == figures.practice_activities == 0
    assert set(figures.topic_officers) == set(program_records.TRAINING_TOPICS)
