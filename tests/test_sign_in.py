"""Sign-in throttling per account (not per address), password strength, and hostile input
at the sign-in door: none of it can lock out the innocent, reveal an account, or give a 500."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from logger import demo, rules
from logger.admin import district
from logger.auth import accounts
from logger.core import clock
from logger.core.models import AuditEvent, SignInFailure
from logger.extensions import db
from tests.factories import PASSWORD, form_token, make_school, make_user

WRONG = "wrong password!"
FAILED = "That user name and password do not match an active account."
THROTTLED = "Too many failed sign-ins with this user name."


@pytest.fixture
def officers(app):
    with app.app_context():
        lincoln = make_school()
        make_user("ofc.ruiz", schools=[lincoln])
        make_user("ofc.chen", schools=[lincoln])


class FrozenClock:
    """The time the sign-in throttle reads; moves only when told."""

    def __init__(self):
        self.now = datetime.now(UTC)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def frozen_clock(monkeypatch):
    frozen = FrozenClock()
    monkeypatch.setattr(clock, "utcnow", lambda: frozen.now)
    return frozen


def csrf_token(client, addr: str) -> str:
    page = client.get("/login", environ_base={"REMOTE_ADDR": addr}).get_data(as_text=True)
    return form_token(page)


def sign_in(
    app,
    username: str,
    password: str = PASSWORD,
    *,
    addr: str = "10.0.0.5",
    next_: str | None = None,
):
    """One sign-in through the form, from a fresh browser at this address."""
    client = app.test_client()
    data = {"username": username, "password": password, "csrf_token": csrf_token(client, addr)}
    query = {"next": next_} if next_ is not None else None
    return client.post("/login", query_string=query, data=data, environ_base={"REMOTE_ADDR": addr})


def flashed(response) -> str:
    return " ".join(
        re.findall(r'<p class="flash[^"]*"[^>]*>([^<]*)</p>', response.get_data(as_text=True))
    )


def events(app, action: str) -> list[dict]:
    with app.app_context():
        return [
            event.detail
            for event in db.session.scalars(
                db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        ]


def failure_rows(app) -> list[tuple[str, str | None]]:
    with app.app_context():
        return [
            tuple(row)
            for row in db.session.execute(
                db.select(SignInFailure.account, SignInFailure.client_addr).order_by(
                    SignInFailure.id
                )
            )
        ]


def age_failures(app, seconds: float) -> None:
    """Move every recorded failure this far into the past."""
    with app.app_context():
        for failure in db.session.scalars(db.select(SignInFailure)):
            failure.at -= timedelta(seconds=seconds)
        db.session.commit()


# --- throttling -------------------------------------------------------------------------------


def test_guessing_at_one_account_does_not_stop_other_accounts_behind_the_same_address(
    app, officers, frozen_clock
):
    statuses = [sign_in(app, "ofc.ruiz", WRONG, addr="10.0.0.5").status_code for _ in range(25)]
    assert statuses[: accounts.FAILURES_TO_LOCK_ACCOUNT_AT_ADDRESS] == [401] * 5
    assert set(statuses[5:]) == {429}  # this address is locked for this account
    assert sign_in(app, "ofc.chen", addr="10.0.0.5").status_code == 302  # the school's NAT is not


def test_guessing_from_one_address_cannot_lock_the_officer_out_elsewhere(
    app, officers, frozen_clock
):
    for _ in range(25):
        sign_in(app, "ofc.ruiz", WRONG, addr="10.0.0.5")
    assert len(failure_rows(app)) == accounts.FAILURES_TO_LOCK_ACCOUNT_AT_ADDRESS
    assert sign_in(app, "ofc.ruiz", addr="10.9.9.9").status_code == 429  # a short delay only
    frozen_clock.advance(accounts.FIRST_DELAY_SECONDS)
    assert sign_in(app, "ofc.ruiz", addr="10.9.9.9").status_code == 302


def test_an_address_locked_for_an_account_is_refused_even_the_right_password(
    app, officers, frozen_clock
):
    for _ in range(accounts.FAILURES_TO_LOCK_ACCOUNT_AT_ADDRESS):
        assert sign_in(app, "ofc.ruiz", WRONG, addr="10.0.0.5").status_code == 401
    frozen_clock.advance(5 * 60)  # long past the per-account delay
    response = sign_in(app, "ofc.ruiz", addr="10.0.0.5")
    assert response.status_code == 429 and THROTTLED in flashed(response)
    assert int(response.headers["Retry-After"]) == 10 * 60
    assert "Wait 10 minutes" in flashed(response)


def _guess_from_many_addresses(app, username: str, frozen_clock, attempts: int = 30):
    """An attacker with a new address for every attempt, who waits out each short delay and
    otherwise tries again a second later."""
    responses = []
    for number in range(attempts):
        response = sign_in(app, username, WRONG, addr=f"10.1.0.{number}")
        responses.append(response)
        wait = int(response.headers.get("Retry-After", 1))
        frozen_clock.advance(wait if wait <= accounts.MAX_DELAY_SECONDS else 1)
    return responses


def test_guessing_one_account_from_many_addresses_is_slowed_then_locked(
    app, officers, frozen_clock
):
    responses = _guess_from_many_addresses(app, "ofc.ruiz", frozen_clock)
    statuses = [response.status_code for response in responses]
    assert statuses.count(401) == accounts.FAILURES_TO_LOCK_ACCOUNT  # only ten passwords tried
    assert statuses[:7] == [401] * 5 + [429, 401]  # slowed from the fifth failure
    assert set(statuses[-10:]) == {429}
    assert all(
        0 < int(response.headers["Retry-After"]) <= 15 * 60
        for response in responses
        if response.status_code == 429
    )

    legit = sign_in(app, "ofc.ruiz", addr="10.2.0.1")  # the officer is locked out for the window
    assert legit.status_code == 429 and THROTTLED in flashed(legit)
    assert sign_in(app, "ofc.chen", addr="10.1.0.3").status_code == 302  # other accounts are not
    assert len(failure_rows(app)) == accounts.FAILURES_TO_LOCK_ACCOUNT  # refusals write nothing


def test_a_locked_account_is_only_slowed_at_an_address_it_signed_in_from_lately(
    app, officers, frozen_clock
):
    assert sign_in(app, "ofc.ruiz", addr="10.7.0.1").status_code == 302  # the officer's school
    _guess_from_many_addresses(app, "ofc.ruiz", frozen_clock)
    assert sign_in(app, "ofc.ruiz", addr="10.2.0.1").status_code == 429  # locked elsewhere
    at_school = sign_in(app, "ofc.ruiz", addr="10.7.0.1")
    assert at_school.status_code == 429  # slowed here too ...
    assert int(at_school.headers["Retry-After"]) <= accounts.MAX_DELAY_SECONDS  # ... not locked
    frozen_clock.advance(accounts.MAX_DELAY_SECONDS)
    assert sign_in(app, "ofc.ruiz", addr="10.7.0.1").status_code == 302
    assert sign_in(app, "ofc.ruiz", addr="10.2.0.1").status_code == 429


def test_a_lock_ends_when_its_window_has_passed(app, officers, frozen_clock):
    _guess_from_many_addresses(app, "ofc.ruiz", frozen_clock)
    assert sign_in(app, "ofc.ruiz", addr="10.2.0.1").status_code == 429
    frozen_clock.advance(15 * 60)
    assert sign_in(app, "ofc.ruiz", addr="10.2.0.1").status_code == 302


def test_failures_older_than_the_window_count_for_nothing_and_are_pruned(
    app, officers, frozen_clock
):
    _guess_from_many_addresses(app, "ofc.ruiz", frozen_clock)
    assert sign_in(app, "ofc.ruiz", addr="10.2.0.1").status_code == 429
    age_failures(app, accounts.SIGN_IN_WINDOW.total_seconds() + 1)
    assert sign_in(app, "ofc.chen", WRONG, addr="10.2.0.1").status_code == 401
    assert failure_rows(app) == [("ofc.chen", "10.2.0.1")]  # the old ones went with that write
    assert sign_in(app, "ofc.ruiz", addr="10.2.0.1").status_code == 302


def _attempts_seen_by(app, username: str, frozen_clock) -> list[tuple]:
    seen = []
    for response in _guess_from_many_addresses(app, username, frozen_clock, attempts=16):
        seen.append((response.status_code, flashed(response), response.headers.get("Retry-After")))
    right_password = sign_in(app, username, PASSWORD, addr="10.3.0.1")
    seen.append(
        (
            right_password.status_code,
            flashed(right_password),
            right_password.headers.get("Retry-After"),
        )
    )
    frozen_clock.advance(15 * 60)
    after = sign_in(app, username, WRONG, addr="10.3.0.1")
    seen.append((after.status_code, flashed(after), after.headers.get("Retry-After")))
    return seen


def test_an_unknown_user_name_is_counted_and_refused_exactly_like_a_known_one(
    app, officers, frozen_clock
):
    known = _attempts_seen_by(app, "ofc.ruiz", frozen_clock)
    unknown = _attempts_seen_by(app, "nobody.here", frozen_clock)
    assert any(status == 429 for status, *_ in known)
    assert unknown == known
    assert [e["username"] for e in events(app, "auth.sign_in_locked")] == [
        "ofc.ruiz",
        "nobody.here",
    ]


def test_a_lock_is_audited_once_when_it_starts(app, officers, frozen_clock):
    _guess_from_many_addresses(app, "ofc.ruiz", frozen_clock)
    locks = events(app, "auth.sign_in_locked")
    assert len(locks) == 1
    assert locks[0]["username"] == "ofc.ruiz" and locks[0]["scope"] == "account"
    assert locks[0]["failures"] == accounts.FAILURES_TO_LOCK_ACCOUNT
    for _ in range(accounts.FAILURES_TO_LOCK_ACCOUNT_AT_ADDRESS):
        sign_in(app, "ofc.chen", WRONG, addr="10.0.0.7")
    assert events(app, "auth.sign_in_locked")[-1]["scope"] == "account_at_address"
    with app.app_context():
        lock = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert lock.action == "auth.sign_in_locked" and lock.client_addr == "10.0.0.7"


def test_a_successful_sign_in_clears_the_failures_of_its_address_only(app, officers):
    for addr in ("10.0.0.5", "10.0.0.5", "10.0.0.6"):
        assert sign_in(app, "ofc.ruiz", WRONG, addr=addr).status_code == 401
    assert sign_in(app, "ofc.ruiz", addr="10.0.0.5").status_code == 302
    assert failure_rows(app) == [("ofc.ruiz", "10.0.0.6")]


def test_every_spelling_of_a_user_name_counts_for_the_same_account(app, officers, frozen_clock):
    for spelling in ("ofc.ruiz", "OFC.Ruiz", " ofc.ruiz ", "Ofc.RUIZ", "ofc.ruiZ"):
        assert sign_in(app, spelling, WRONG, addr="10.0.0.5").status_code == 401
    frozen_clock.advance(60)
    assert sign_in(app, "ofc.ruiz", addr="10.0.0.5").status_code == 429


# --- passwords --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, why",
    [
        ("password1234", "This is a very common password."),
        ("qwertyuiop12", "This is similar to a commonly used password."),
        ("abcabcabcabc", "Repeats like"),
    ],
)
def test_a_guessable_password_is_refused_saying_why(password, why):
    problem = accounts.password_problem("ofc.ruiz", password)
    assert problem.startswith("the password is too easy to guess: ") and why in problem


@pytest.mark.parametrize(
    "username, password",
    [
        ("ofc.ruiz", PASSWORD),
        ("ofc.a", "a sturdy pass phrase"),
        ("ofc.bench", "bench password 2026"),
        *[(username, demo.DEMO_PASSWORD) for username, *_ in demo.ACCOUNTS],
    ],
)
def test_the_passwords_in_use_are_strong_enough(username, password):
    assert accounts.password_problem(username, password) is None


def test_a_very_long_password_is_judged_on_its_start():
    assert accounts.password_problem("ofc.ruiz", "a sturdy pass phrase " * 500) is None


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop12"])
def test_create_user_refuses_a_guessable_password_in_one_line(app, runner, password):
    result = runner.invoke(
        args=["create-user", "ofc.a", "--role", "officer"], env={"SRO_LOGGER_PASSWORD": password}
    )
    assert result.exit_code != 0
    assert result.output.strip().count("\n") == 0
    assert "the password is too easy to guess: This is" in result.output


# --- where to go after signing in -------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/review\r\nSet-Cookie:x",
        "/review\nx",
        "//evil.com",
        "http://x",
        "/\x00",
        "/review\x00",
        "/a\tb",
        "/\t/evil.com",
        "/ /evil.com",
        "/\\evil.com",
        "",
        "review",
    ],
)
def test_a_next_that_is_not_a_plain_local_path_goes_home(app, officers, target):
    client = app.test_client()
    token = csrf_token(client, "10.0.0.5")
    query = "next=" + quote(target.encode("utf-8", "surrogatepass"))
    response = client.post(
        "/login",
        query_string=query,
        data={"username": "ofc.ruiz", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302 and response.location == "/"


def test_a_next_with_a_line_break_signs_in_and_goes_home(app, officers):
    client = app.test_client()
    token = csrf_token(client, "10.0.0.5")
    response = client.post(
        "/login?next=/review%0d%0aSet-Cookie:x",
        data={"username": "ofc.ruiz", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302 and response.location == "/"
    assert not any(cookie.startswith("x") for cookie in response.headers.getlist("Set-Cookie"))


def test_a_plain_local_next_is_followed(app, officers):
    assert sign_in(app, "ofc.ruiz", next_="/review?x=1").location == "/review?x=1"


# --- hostile user names -----------------------------------------------------------------------


def post_raw(client, username: str, password: str, next_: str = "", addr: str = "10.0.0.5"):
    """Post the form as a client that sends any bytes, even text that is not valid Unicode."""

    def encode(value: str) -> str:
        return quote(value.encode("utf-8", "surrogatepass"), safe="")

    body = (
        f"csrf_token={encode(csrf_token(client, addr))}&username={encode(username)}"
        f"&password={encode(password)}"
    )
    return client.post(
        "/login",
        query_string="next=" + encode(next_),
        data=body.encode(),
        content_type="application/x-www-form-urlencoded",
        environ_base={"REMOTE_ADDR": addr},
    )


@pytest.mark.parametrize(
    "username",
    ["ofc.ruiz\x00", "\x00", "ofc\x1bruiz", "\x1b[31m", "\ud800", "ofc.ruiz\ud800", "ofc.\r\nruiz"],
)
def test_a_hostile_user_name_is_just_a_failed_sign_in(app, officers, username):
    response = post_raw(app.test_client(), username, PASSWORD)
    assert response.status_code == 401 and FAILED in flashed(response)
    for account, _ in failure_rows(app):
        assert rules.is_clean_text(account)
    assert all(
        rules.is_clean_text(detail["username"]) for detail in events(app, "auth.sign_in_failed")
    )


def test_unreadable_user_names_are_recorded_as_a_placeholder_and_throttled(
    app, officers, frozen_clock
):
    with app.app_context():
        for username in ("a\x00", "b\x1b", "\ud800", "c\x7f", "d\x00"):
            assert accounts.sign_in(username, PASSWORD, "10.0.0.5") == accounts.SignInAttempt()
            db.session.commit()
        assert accounts.sign_in("e\x00", PASSWORD, "10.0.0.5").wait_seconds > 0
    assert failure_rows(app) == [(accounts.UNREADABLE_NAME, "10.0.0.5")] * 5
    assert {d["username"] for d in events(app, "auth.sign_in_failed")} == {accounts.UNREADABLE_NAME}


@pytest.mark.parametrize("username", ["ofc\x00a", "ofc\x1ba", "ofc\ud800", "ofc.a\nofc.b"])
def test_a_user_name_that_is_not_clean_text_cannot_be_created(ctx, username):
    with pytest.raises(district.AccountError, match="User name"):
        district.create_user(username, "a sturdy pass phrase", "officer")


@pytest.mark.parametrize(
    "code, name, label",
    [
        ("L\x00", "Lincoln High School", "School code"),
        ("\ud800", "Lincoln", "School code"),
        ("LHS", "Lincoln\nHigh", "School name"),
        ("LHS", "Lincoln \x1b", "School name"),
        ("LHS", "Lincoln \udcff", "School name"),
    ],
)
def test_a_school_that_is_not_clean_text_cannot_be_created(ctx, code, name, label):
    with pytest.raises(district.AccountError, match=label):
        district.create_school(code, name, "high")


def test_create_school_refuses_a_two_line_name_in_one_line(app, runner):
    result = runner.invoke(args=["create-school", "LHS", "Lincoln\nHigh", "--level", "high"])
    assert result.exit_code != 0 and result.output.strip().count("\n") == 0
    assert "School name" in result.output


# Any text: surrogates, control characters, line breaks, NUL, often with the characters that
# matter here. The database is emptied only after the test, so each example signs in from a
# fresh browser and asks nothing of the last.
ANY_TEXT = st.text(
    alphabet=st.characters(codec=None) | st.sampled_from("\r\n\t\x00\\/ :"), max_size=80
)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(username=ANY_TEXT, next_=ANY_TEXT | st.builds("/".__add__, ANY_TEXT))
@example(username="ofc.ruiz\x00", next_="/review\r\nSet-Cookie:x")
@example(username="\ud800\x1b", next_="/\ud800\x00")
def test_no_user_name_or_next_makes_sign_in_fail_with_an_error(app, officers, username, next_):
    failed = post_raw(app.test_client(), username, WRONG, next_)
    assert failed.status_code in (400, 401, 429)
    signed_in = post_raw(app.test_client(), "ofc.ruiz", PASSWORD, next_, addr="10.4.0.1")
    assert signed_in.status_code == 302
    location = signed_in.location
    assert location.startswith("/") and not location.startswith("//")
    assert not re.search(r"[\s\\]", location)


def _sign_in_over_http(base_url: str, username: str, password: str) -> int:
    """One sign-in through the real form, in its own cookie jar: the answer's status."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    token = form_token(opener.open(f"{base_url}/login", timeout=30).read().decode())
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrf_token": token}
    ).encode()
    try:
        return opener.open(f"{base_url}/login", body, timeout=60).status
    except urllib.error.HTTPError as answer:
        return answer.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 after signing in is the answer itself


def test_parallel_sign_ins_all_get_an_answer_and_the_throttle_holds(app, live_server):
    """Passwords are checked outside the write lock: sign-ins at once never fail for a busy
    database, and twenty wrong guesses at once still count no more than the throttle allows."""
    with app.app_context():
        school = make_school()
        names = [f"ofc.p{n:02d}" for n in range(12)]
        for name in names:
            make_user(name, schools=[school])
    with ThreadPoolExecutor(max_workers=12) as pool:
        right = list(
            pool.map(lambda name: _sign_in_over_http(live_server.url, name, PASSWORD), names)
        )
        wrong = list(
            pool.map(lambda _: _sign_in_over_http(live_server.url, "ofc.p00", "x" * 12), range(20))
        )
    assert right == [302] * 12
    assert sorted(set(wrong)) == [401, 429] and wrong.count(401) == accounts.FAILURES_BEFORE_DELAY
    with app.app_context():
        assert (
            db.session.scalar(db.select(db.func.count(SignInFailure.id)))
            == accounts.FAILURES_BEFORE_DELAY
        )
