"""Roster import (issue 10, item 7): schools and accounts from CSV, in the browser (upload,
preview every row, confirm) and on the command line; a file with any bad row imports nothing."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from logger.core.models import AuditEvent, School, User
from logger.extensions import db
from tests.factories import Auth, make_school, make_user, sign_in_as_someone

SCHOOLS = "code,name,level\nLHS,Lincoln High School,high\nAMS,Adams Middle,middle\n"
USERS = (
    "username,role,schools,supervisor\n"
    "sgt.park,supervisor,,\n"
    "ofc.ruiz,officer,LHS;AMS,sgt.park\n"
    "eval.ode,evaluator,,\n"
)


def upload(admin: Auth, kind: str, content: bytes | str):
    data = content.encode() if isinstance(content, str) else content
    return admin.client.post(
        "/admin/roster",
        data={
            "csrf_token": admin.csrf_token("/admin/roster"),
            "kind": kind,
            "file": (io.BytesIO(data), "roster.csv"),
        },
        content_type="multipart/form-data",
    )


def confirm(admin: Auth, page: str):
    kind = re.search(r'name="kind" value="([^"]+)"', page).group(1)
    content = re.search(r'name="content" value="([^"]*)"', page).group(1)
    content = content.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
    return admin.client.post(
        "/admin/roster/import",
        data={"csrf_token": admin.csrf_token("/admin/roster"), "kind": kind, "content": content},
    )


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_schools_are_previewed_then_imported(app, admin):
    preview = upload(admin, "schools", SCHOOLS)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and page.count("<td>Ready</td>") == 2
    assert count(app, School) == 0  # a preview keeps nothing
    done = confirm(admin, page)
    assert done.status_code == 200 and "Imported 2 schools" in done.get_data(as_text=True)
    with app.app_context():
        assert [s.code for s in db.session.scalars(select(School).order_by(School.code))] == [
            "AMS",
            "LHS",
        ]
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "school.created")
            )
            == 2
        )


def test_accounts_are_imported_with_schools_supervisors_and_setup_links(app, admin):
    with app.app_context():
        make_school("LHS", "Lincoln High School")
        make_school("AMS", "Adams Middle", "middle")
    done = confirm(admin, upload(admin, "users", USERS).get_data(as_text=True))
    page = done.get_data(as_text=True)
    assert "Imported 3 users" in page
    links = re.findall(r'value="https?://[^"]+/setup/[^"]+"', page)
    assert len(links) == 3
    with app.app_context():
        ruiz = db.session.scalar(select(User).filter_by(username="ofc.ruiz"))
        assert sorted(s.code for s in ruiz.schools) == ["AMS", "LHS"]
        assert ruiz.supervisor.username == "sgt.park"


@pytest.mark.parametrize(
    "content, lines",
    [
        (
            "code,name,level\nLHS,Lincoln,high\nLHS,Lincoln again,high\nCES,Cedar,college\n",
            {3: "already exists", 4: "Unknown level"},
        ),
        (
            "code,name,level\n,No code,high\nBAD\x07,Bell,high\n",
            {2: "needs a code", 3: "control character"},
        ),
    ],
)
def test_a_file_with_any_bad_row_imports_nothing_and_names_each_bad_line(
    app, admin, content, lines
):
    response = upload(admin, "schools", content)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "cannot be imported, so nothing was" in page
    for line, message in lines.items():
        assert re.search(rf"<td>{line}</td>.*?{message}", page), (line, message)
    assert "Import " not in page  # no confirm button
    forced = admin.client.post(
        "/admin/roster/import",
        data={
            "csrf_token": admin.csrf_token("/admin/roster"),
            "kind": "schools",
            "content": content,
        },
    )
    assert forced.status_code == 422
    assert count(app, School) == 0


@pytest.mark.parametrize(
    "content, message",
    [
        (b"code,name\nLHS,Lincoln\n", "Missing: level"),
        ("code,name,level\nÉCO,École,high\n".encode("latin-1"), "not UTF-8 text"),
        (b"code,name,level\n", "no rows after its first line"),
        (b"", "Missing: code, name, level"),
        (b"code,name,level\nLHS,Lin\x00coln,high\n", "control character"),
        (b"code,name,level\nLHS," + b"x" * 140_000 + b",high\n", "Line 2 is not readable CSV"),
        (
            (
                "code,name,level\n" + "".join(f"S{n},School {n},high\n" for n in range(10_000))
            ).encode(),
            "at most 5,000 rows",
        ),
    ],
)
def test_an_unreadable_file_says_why(app, admin, content, message):
    response = upload(admin, "schools", content)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert count(app, School) == 0


def test_users_that_break_the_rules_are_named(app, admin):
    with app.app_context():
        make_school("LHS", "Lincoln High School")
        make_user("ofc.chen")
    content = (
        "username,role,schools,supervisor\n"
        "ofc.chen,officer,LHS,\n"
        "ofc.new,officer,XYZ,\n"
        "ofc.two,officer,LHS,ofc.chen\n"
        "eval.x,evaluator,LHS,\n"
    )
    page = upload(admin, "users", content).get_data(as_text=True)
    for line, message in {
        2: "already exists",
        3: "Unknown school",
        4: "No supervisor named",
        5: "Only officers have schools",
    }.items():
        assert re.search(rf"<td>{line}</td>.*?{message}", page), (line, message)
    assert count(app, User) == 2


def test_the_command_line_imports_whole_files_and_deactivates(app, runner, tmp_path):
    (tmp_path / "schools.csv").write_text(SCHOOLS)
    (tmp_path / "users.csv").write_text(USERS)
    result = runner.invoke(args=["import-schools", str(tmp_path / "schools.csv")])
    assert result.exit_code == 0 and "Imported 2 schools." in result.output
    result = runner.invoke(args=["import-users", str(tmp_path / "users.csv")])
    assert result.exit_code == 0 and len(re.findall(r"/setup/\S+", result.output)) == 3
    result = runner.invoke(args=["import-users", str(tmp_path / "users.csv")])
    assert result.exit_code == 1
    assert (
        "nothing was imported" in result.output and "line 2: A user named sgt.park" in result.output
    )
    result = runner.invoke(args=["deactivate-user", "OFC.RUIZ"])
    assert result.exit_code == 0 and "Deactivated ofc.ruiz." in result.output
    with app.app_context():
        assert not db.session.scalar(select(User).filter_by(username="ofc.ruiz")).active
    assert runner.invoke(args=["deactivate-user", "nobody"]).exit_code == 1
    assert runner.invoke(args=["import-schools", str(tmp_path / "missing.csv")]).exit_code == 1


@pytest.mark.parametrize("role", ["officer", "supervisor", "evaluator"])
def test_only_admins_import(app, admin, role):
    sign_in_as_someone(app, admin, role)
    assert admin.client.get("/admin/roster").status_code == 403
    assert upload(admin, "schools", SCHOOLS).status_code == 403
    assert count(app, School) == 0


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    content=st.binary(max_size=300)
    | st.text(max_size=200).map(
        lambda text: ("code,name,level\n" + text).encode("utf-8", "surrogatepass")
    )
)
def test_any_file_is_previewed_or_refused_never_a_server_error(app, admin, content):
    response = upload(admin, "schools", content)
    assert response.status_code in (200, 422)
    assert count(app, School) == 0
