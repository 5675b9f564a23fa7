"""Evaluation exports: the same rows in every format, de-identified, audited, for the right
roles."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
import sqlite_utils
from sqlalchemy import event, select

from logger import rules
from logger.core.models import AuditEvent, School, User
from logger.evaluation import data_dictionary, exports
from logger.extensions import db
from logger.review import workflow
from tests.factories import (
    arrest_entry,
    form_token,
    make_contact,
    make_school,
    make_user,
    mentoring_entry,
)


@pytest.fixture
def record(app):
    """Three approved entries (one arrest, two mentoring, with narratives) and one waiting."""
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        park = make_user("sgt.park", "supervisor")
        ruiz = make_user("ofc.ruiz", schools=[lincoln], supervisor=park)
        make_user("eval.ode", "evaluator")
        make_user("admin.lee", "admin")
        made = [
            make_contact(ruiz, arrest_entry(lincoln.id, narrative="Knife in the gym.")),
            make_contact(ruiz, mentoring_entry(lincoln.id, narrative="Talked about grades.")),
            make_contact(ruiz, mentoring_entry(lincoln.id, students_involved=2)),
        ]
        for contact in made:
            comment = "Justified." if contact.current.flags else None
            workflow.decide(
                park,
                contact.id,
                1,
                "approve",
                comment,
                decided_at=datetime.now(UTC),
                client_addr=None,
            )
        waiting = make_contact(ruiz, mentoring_entry(lincoln.id))
        db.session.commit()
        return {
            "approved": sorted(str(c.id) for c in made),
            "waiting": str(waiting.id),
            "ruiz": ruiz.id,
            "lincoln": lincoln.id,
        }


def download(client, auth, username, **form):
    auth.login(username)
    token = form_token(client.get("/export").get_data(as_text=True))
    return client.post("/export", data={"csrf_token": token, **form})


def test_the_three_formats_hold_the_same_rows(app, client, auth, record, tmp_path):
    as_csv = list(
        csv.DictReader(
            io.StringIO(download(client, auth, "eval.ode", format="csv").get_data(as_text=True))
        )
    )
    as_jsonl = [
        json.loads(line)
        for line in download(client, auth, "eval.ode", format="jsonl")
        .get_data(as_text=True)
        .splitlines()
    ]
    (tmp_path / "x.db").write_bytes(download(client, auth, "eval.ode", format="sqlite").data)
    as_sqlite = list(sqlite_utils.Database(tmp_path / "x.db")["entries"].rows)
    assert sorted(r["entry_id"] for r in as_csv) == record["approved"]
    with app.app_context():
        from_jsonl = [{k: str(v) for k, v in data_dictionary.flat(row).items()} for row in as_jsonl]
    assert [{k: str(v) for k, v in r.items()} for r in as_csv] == from_jsonl
    assert [{k: "" if v is None else str(v) for k, v in r.items()} for r in as_sqlite] == from_jsonl
    arrest = next(r for r in as_csv if r["actions"] == "arrest")
    assert arrest["flags"] == "arrest" and arrest["approved_at"] and arrest["justification_basis"]


def test_entries_stream_from_one_query_however_many_batches(app, record, monkeypatch):
    """Batches of one: still one streamed query (server-side on PostgreSQL), none per batch."""
    monkeypatch.setattr(exports, "BATCH", 1)
    executed = []

    def note(conn, cursor, statement, parameters, context, executemany):
        executed.append((statement, context.execution_options.get("stream_results"), cursor))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", note)
        try:
            assert len(list(exports.rows(exports.Choice()))) == 3
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
        server_side = db.engine.dialect.name == "postgresql"
    [(statement, streamed, cursor)] = [e for e in executed if "revision_flags" in e[0]]
    assert "contact_revisions" in statement and streamed
    assert bool(getattr(cursor, "name", None)) == server_side  # psycopg's named cursor


def test_students_come_as_their_own_rows_keyed_by_entry(client, auth, record):
    rows = list(
        csv.DictReader(
            io.StringIO(
                download(client, auth, "eval.ode", format="students.csv").get_data(as_text=True)
            )
        )
    )
    assert [(r["student_number"], r["grade_band"], r["perceived_race"]) for r in rows] == [
        ("1", "high", "white")
    ]
    assert rows[0]["entry_id"] in record["approved"]


def test_officers_appear_under_a_stable_pseudonym_never_their_name(app, client, auth, record):
    first = download(client, auth, "eval.ode", format="csv").get_data(as_text=True)
    again = download(client, auth, "eval.ode", format="csv").get_data(as_text=True)
    officers = {r["officer"] for r in csv.DictReader(io.StringIO(first))}
    assert officers == {r["officer"] for r in csv.DictReader(io.StringIO(again))}
    [name] = officers
    assert name.startswith("person-") and "ruiz" not in first
    with app.app_context():
        ruiz = db.session.get(User, record["ruiz"])
        app.config["SRO_EXPORT_KEY"], kept = "another key", app.config["SRO_EXPORT_KEY"]
        try:
            assert exports.pseudonym(ruiz, names=False) != name  # the key, not the id, makes it
        finally:
            app.config["SRO_EXPORT_KEY"] = kept


def test_only_an_admin_may_export_names_and_only_on_purpose(client, auth, record):
    assert "ofc.ruiz" not in download(client, auth, "eval.ode", format="csv", names="yes").get_data(
        as_text=True
    )
    auth.logout()
    assert "ofc.ruiz" not in download(client, auth, "admin.lee", format="csv").get_data(
        as_text=True
    )
    assert "ofc.ruiz" in download(client, auth, "admin.lee", format="csv", names="yes").get_data(
        as_text=True
    )


def test_narratives_only_when_asked(client, auth, record):
    assert "Knife in the gym." not in download(client, auth, "eval.ode", format="jsonl").get_data(
        as_text=True
    )
    assert "Knife in the gym." in download(
        client, auth, "eval.ode", format="jsonl", narratives="yes"
    ).get_data(as_text=True)


def test_every_json_line_holds_every_field_in_the_data_dictionary_s_order(client, auth, record):
    """An evaluator's script reads the same keys from every line, whatever each entry recorded;
    a field an entry did not record (or a narrative left empty) is null, not missing."""
    header = ["entry_id", "revision", "status", "pending_revision", "approved_at", "officer"]
    header += ["school", "received_at", "flags", "dictionary_version"]
    recorded = [name for name in data_dictionary.RECORDED_FIELDS if name != "narrative"]
    for narratives, narrative in (("no", []), ("yes", ["narrative"])):
        keys = (*header, *recorded, *narrative, *rules.CRDC_COLUMNS)
        lines = [
            json.loads(line)
            for line in download(client, auth, "eval.ode", format="jsonl", narratives=narratives)
            .get_data(as_text=True)
            .splitlines()
        ]
        assert len(lines) == 3
        assert {tuple(line) for line in lines} == {keys}
    mentoring = [line for line in lines if line["classification"] == "mentoring"]
    assert {line["force_types"] for line in mentoring} == {None}  # not recorded: null
    assert sorted(line["narrative"] for line in mentoring if line["narrative"]) == [
        "Talked about grades."
    ]
    assert None in {line["narrative"] for line in mentoring}


def test_filters_choose_the_entries(client, auth, record):
    waiting = download(client, auth, "eval.ode", format="csv", status="submitted").get_data(
        as_text=True
    )
    assert record["waiting"] in waiting and record["approved"][0] not in waiting
    assert (
        download(client, auth, "eval.ode", format="csv", classification="criminal")
        .get_data(as_text=True)
        .count("\n")
        == 2
    )  # header and the arrest
    assert (
        download(client, auth, "eval.ode", format="csv", date_to="2001-01-01")
        .get_data(as_text=True)
        .count("\n")
        == 1
    )


def test_an_officer_is_chosen_by_pseudonym_and_filters_the_entries(app, client, auth, record):
    with app.app_context():
        chen = make_user("ofc.chen", schools=[db.session.get(School, record["lincoln"])])
        make_contact(chen, mentoring_entry(record["lincoln"]))
        chen_name = exports.pseudonym(chen, names=False)
    auth.login("eval.ode")
    page = client.get("/export").get_data(as_text=True)
    assert chen_name in page and "ofc.chen" not in page and "ofc.ruiz" not in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                download(
                    client,
                    auth,
                    "eval.ode",
                    format="csv",
                    status="all",
                    officer_id=str(record["ruiz"]),
                ).get_data(as_text=True)
            )
        )
    )
    assert sorted(r["entry_id"] for r in rows) == sorted([*record["approved"], record["waiting"]])


@pytest.mark.parametrize(
    "form, message",
    [
        ({"format": "xlsx"}, "Choose a format"),
        ({"format": "csv", "date_from": "soon"}, "Dates are written"),
        ({"format": "csv", "status": "lost"}, "Choose which entries"),
        ({"format": "csv", "school_id": "99999999999999999999"}, "Choose a school"),
        ({"format": "csv", "school_id": "424242"}, "Choose a school"),
        ({"format": "csv", "officer_id": "424242"}, "Choose an officer"),
        ({"format": "csv", "officer_id": "x"}, "Choose an officer"),
    ],
)
def test_bad_choices_are_explained(client, auth, record, form, message):
    response = download(client, auth, "eval.ode", **form)
    assert response.status_code == 422 and message in response.get_data(as_text=True)


@pytest.mark.parametrize("export_format", ["csv", "crdc"])
@pytest.mark.parametrize("username", ["ofc.ruiz", "sgt.park"])
def test_officers_and_supervisors_cannot_export(client, auth, record, username, export_format):
    auth.login(username)
    assert client.get("/export").status_code == 403
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    assert (
        client.post("/export", data={"csrf_token": token, "format": export_format}).status_code
        == 403
    )


def test_every_export_is_an_audit_event_with_its_filters(app, client, auth, record):
    download(client, auth, "eval.ode", format="jsonl", classification="mentoring", narratives="yes")
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="export"))
        assert event.actor.username == "eval.ode"
        assert event.detail == {
            "format": "jsonl",
            "status": "approved",
            "classification": "mentoring",
            "narratives": True,
        }


def test_the_sqlite_export_documents_every_column(client, auth, record, tmp_path):
    (tmp_path / "x.db").write_bytes(download(client, auth, "eval.ode", format="sqlite").data)
    database = sqlite_utils.Database(tmp_path / "x.db")
    described = {(r["table_name"], r["column_name"]) for r in database["data_dictionary"].rows}
    for table in ("entries", "actions", "students", "reviews"):
        for column in database[table].columns:
            assert (table, column.name) in described, (table, column.name)
    assert database["actions"].foreign_keys and database["reviews"].count == 3


def test_the_command_line_writes_the_same_exports(app, runner, record, tmp_path):
    result = runner.invoke(args=["export", "--format", "csv", "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(open(tmp_path / "out.csv")))
    assert sorted(r["entry_id"] for r in rows) == record["approved"]
    assert (tmp_path / "out-students.csv").exists()
    bad = runner.invoke(args=["export", "--format", "csv", "--from", "someday", "-o", "x.csv"])
    assert bad.exit_code != 0 and "write dates like" in bad.output
    for option, value, message in (
        ("--school", "ZZZ", "no school has the code 'ZZZ'"),
        ("--officer", "eval.ode", "no officer is called 'eval.ode'"),
    ):
        bad = runner.invoke(args=["export", "--format", "csv", option, value, "-o", "x.csv"])
        assert bad.exit_code != 0 and message in bad.output
    chosen = runner.invoke(
        args=[
            "export",
            "--format",
            "jsonl",
            "--school",
            "LHS",
            "--officer",
            "ofc.ruiz",
            "--classification",
            "criminal",
            "-o",
            str(tmp_path / "arrests.jsonl"),
        ]
    )
    assert chosen.exit_code == 0, chosen.output
    assert len((tmp_path / "arrests.jsonl").read_text().splitlines()) == 1  # the arrest
    with app.app_context():
        assert (
            db.session.scalar(db.select(AuditEvent).filter_by(action="export")).client_addr
            == "command line"
        )


def test_exports_stream_in_batches_without_losing_rows(client, auth, record, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 2)  # four entries: three batches
    rows = list(
        csv.DictReader(
            io.StringIO(
                download(client, auth, "eval.ode", format="csv", status="all").get_data(
                    as_text=True
                )
            )
        )
    )
    assert sorted(r["entry_id"] for r in rows) == sorted([*record["approved"], record["waiting"]])


def test_crdc_columns_are_derived_from_the_facts_and_empty_under_v1(
    app, client, auth, record, tmp_path
):
    with app.app_context():  # the same arrest, logged before the upgrade to v2
        old = make_contact(
            db.session.get(User, record["ruiz"]), arrest_entry(record["lincoln"]), version=1
        )
        workflow.decide(
            db.session.scalar(select(User).filter_by(username="sgt.park")),
            old.id,
            1,
            "approve",
            "Justified.",
            decided_at=datetime.now(UTC),
            client_addr=None,
        )
        db.session.commit()
        old_id = str(old.id)
    unknown = (*rules.CRDC_COLUMNS, *exports.V2_FIELDS)
    rows = {
        row["entry_id"]: row
        for row in csv.DictReader(
            io.StringIO(download(client, auth, "eval.ode", format="csv").get_data(as_text=True))
        )
    }
    v1 = rows.pop(old_id)
    assert v1["dictionary_version"] == "1" and v1["actions"] == "arrest"
    assert {v1[name] for name in unknown} == {""}  # v1 cannot say: nothing guessed
    [v2] = [row for row in rows.values() if row["actions"] == "arrest"]
    assert v2["dictionary_version"] == "2"
    assert [v2[name] for name in rules.CRDC_COLUMNS] == [
        "true",
        "true",
        "false",
        "false",
        "false",
    ]  # at school, staff called
    assert [v2[name] for name in exports.V2_FIELDS] == [
        "school_grounds",
        "30",
        "",
        "",
        "",
        "",
        "",
        "",
        "juvenile_court",
        "true",
        "true",
    ]
    as_jsonl = {
        json.loads(line)["entry_id"]: json.loads(line)
        for line in download(client, auth, "eval.ode", format="jsonl")
        .get_data(as_text=True)
        .splitlines()
    }
    assert {as_jsonl[old_id][name] for name in unknown} == {None}
    (tmp_path / "x.db").write_bytes(download(client, auth, "eval.ode", format="sqlite").data)
    entries = sqlite_utils.Database(tmp_path / "x.db")["entries"]
    assert {entries.get(old_id)[name] for name in unknown} == {None}
    assert entries.get(v2["entry_id"])["duration_minutes"] == 30


def test_students_carry_perceived_limited_english_where_recorded(app, client, auth, record):
    with app.app_context():
        ruiz = db.session.get(User, record["ruiz"])
        students = [
            {
                "grade_band": "middle",
                "perceived_race": ["asian"],
                "perceived_gender": "female",
                "perceived_disability": True,
                "perceived_limited_english": True,
            }
        ]
        make_contact(ruiz, arrest_entry(record["lincoln"], students=students), version=1)
        make_contact(ruiz, arrest_entry(record["lincoln"], students=students))
    rows = list(
        csv.DictReader(
            io.StringIO(
                download(client, auth, "eval.ode", format="students.csv", status="all").get_data(
                    as_text=True
                )
            )
        )
    )
    assert sorted((r["grade_band"], r["perceived_limited_english"]) for r in rows) == [
        ("high", ""),
        ("middle", ""),
        ("middle", "true"),
    ]  # not recorded, v1, recorded
