"""The provisioning commands: each works, and refuses bad input with a one-line reason."""

import pytest

from logger.core.models import AuditEvent, School, User
from logger.extensions import db


@pytest.fixture
def lincoln(runner):
    assert (
        runner.invoke(
            args=["create-school", "lhs", "Lincoln High School", "--level", "high"]
        ).exit_code
        == 0
    )


def invoke(runner, args, password="a sturdy pass phrase", **kwargs):
    return runner.invoke(
        args=args, env={"SRO_LOGGER_PASSWORD": password} if password else {}, **kwargs
    )


def test_create_school(app, runner, lincoln):
    with app.app_context():
        school = db.session.scalar(db.select(School))
        assert (school.code, school.name, school.level) == ("LHS", "Lincoln High School", "high")


def test_create_officer_with_schools_and_supervisor(app, runner, lincoln):
    runner.invoke(args=["create-school", "AMS", "Adams Middle", "--level", "middle"])
    assert invoke(runner, ["create-user", "sgt.park", "--role", "supervisor"]).exit_code == 0
    result = invoke(
        runner,
        [
            "create-user",
            "Ofc.Ruiz",
            "--role",
            "officer",
            "--school",
            "LHS",
            "--school",
            "ams",
            "--supervisor",
            "sgt.park",
        ],
    )
    assert result.exit_code == 0 and "Created officer ofc.ruiz." in result.output
    with app.app_context():
        officer = db.session.scalar(db.select(User).filter_by(username="ofc.ruiz"))
        assert [s.code for s in officer.schools] == ["LHS", "AMS"]
        assert officer.supervisor.username == "sgt.park"
        assert officer.check_password("a sturdy pass phrase")
        assert "a sturdy pass phrase" not in officer.password_hash
        events = db.session.execute(
            db.select(AuditEvent.action, AuditEvent.client_addr).order_by(AuditEvent.id)
        ).all()
        assert (
            events
            == [("school.created", "command line")] * 2 + [("account.created", "command line")] * 2
        )  # every change is on the record


def test_password_is_prompted_when_not_in_the_environment(app, runner):
    result = runner.invoke(
        args=["create-user", "admin.lee", "--role", "admin"],
        input="a sturdy pass phrase\na sturdy pass phrase\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(db.select(User)).check_password("a sturdy pass phrase")


@pytest.mark.parametrize(
    "args, password, reason",
    [
        (
            ["create-user", "ofc.a", "--role", "officer", "--school", "NOPE"],
            "a sturdy pass phrase",
            "unknown school 'NOPE'",
        ),
        (["create-user", "ofc.a", "--role", "officer"], "short", "at least 12 characters"),
        (
            ["create-user", "ofc.a", "--role", "officer"],
            "xx-ofc.a-xx-yy",
            "must not contain the user name",
        ),
        (
            ["create-user", "ofc.a", "--role", "officer", "--supervisor", "nobody"],
            "a sturdy pass phrase",
            "no supervisor named 'nobody'",
        ),
        (
            ["create-user", "eval.a", "--role", "evaluator", "--school", "LHS"],
            "a sturdy pass phrase",
            "only officers have schools",
        ),
        (
            ["create-user", "Bad Name!", "--role", "officer"],
            "a sturdy pass phrase",
            "a user name is",
        ),
        (
            ["create-user", "ofc.a", "--role", "chief"],
            "a sturdy pass phrase",
            "Invalid value for '--role'",
        ),
        (["create-school", "LHS", "Again", "--level", "high"], None, "already exists"),
        (
            ["create-school", "X1", "Somewhere", "--level", "college"],
            None,
            "Invalid value for '--level'",
        ),
        (
            ["create-school", "X" * 33, "Somewhere", "--level", "high"],
            None,
            "at most 32 characters",
        ),
    ],
)
def test_bad_input_exits_non_zero_with_a_reason(app, runner, lincoln, args, password, reason):
    result = invoke(runner, args, password)
    assert result.exit_code != 0
    assert reason in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0
        assert db.session.scalar(db.select(db.func.count(School.id))) == 1


def test_duplicate_user_name_is_refused(app, runner):
    assert invoke(runner, ["create-user", "admin.lee", "--role", "admin"]).exit_code == 0
    result = invoke(runner, ["create-user", "ADMIN.LEE", "--role", "admin"])
    assert result.exit_code == 1 and "a user named admin.lee already exists" in result.output


def test_a_school_named_twice_is_assigned_once(app, runner, lincoln):
    result = invoke(
        runner,
        ["create-user", "ofc.ruiz", "--role", "officer", "--school", "LHS", "--school", "lhs"],
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        officer = db.session.scalar(db.select(User))
        assert [s.code for s in officer.schools] == ["LHS"]
