"""What an officer does on a phone, as steps the browser tests share."""

import json

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

ARREST_BASIS = "Staff saw a knife in the student's waistband during a fight report."
ARREST_WHY = "The student refused to give up the knife and moved toward another student."


def choose(scope, group: str, option: str) -> None:
    """Tap one chip of a group of choices."""
    scope.get_by_role("group", name=group).get_by_label(option, exact=True).check()


def tap_minutes(page: Page, field: str, minutes: int) -> None:
    """One tap on a usual number of minutes beside a minutes field (by its name)."""
    page.locator(f'.quick-picks[data-for="{field}"]').get_by_role(
        "button", name=f"{minutes} min", exact=True
    ).click()


def sign_in(page: Page, username: str) -> None:
    """Sign in through the real form and land on My entries."""
    page.goto("/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My entries")).to_be_visible()


def eventually(page: Page, script: str, timeout_s: float = 10) -> None:
    """Wait, with Playwright's own waiting, until an async check in the page comes true.

    wait_for_function does not await a promise, so the page runs the check in the
    background, again each time it answers, and the wait reads its latest answer.
    """
    page.wait_for_function(
        f"""() => {{
        const checks = (window.__eventually ||= {{}});
        const check = (checks[{json.dumps(script)}] ||= {{answer: false, running: false}});
        if (!check.running) {{
            check.running = true;
            Promise.resolve().then({script})
                .then((answer) => {{ check.answer = !!answer; }}, () => {{ check.answer = false; }})
                .finally(() => {{ check.running = false; }});
        }}
        return check.answer;
    }}""",
        polling=100,
        timeout=timeout_s * 1000,
    )


def wait_for_offline_shell(page: Page) -> None:
    """Wait until the service worker controls the page and the shell's pages and the rules
    are cached, so that a test may go offline at once.

    The worker claims the pages open when it activates; a page whose load began
    just before that is not claimed, so it is reloaded, as the officer's next
    visit would be.
    """
    eventually(
        page,
        "async () => (await navigator.serviceWorker.getRegistration())"
        "?.active?.state === 'activated'",
        timeout_s=30,
    )
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("navigator.serviceWorker.controller?.state === 'activated'")
    eventually(page, "async () => !!(await SROOutbox.getMeta('schema'))")
    eventually(
        page,
        "async () => { const pages = await caches.open('sro-pages');"
        " return !!(await pages.match('/entries/new')) && !!(await pages.match('/entries')); }",
    )


def settle(page: Page) -> None:
    """Wait for the page's sync run (and its last request) to finish."""
    page.evaluate("SROApp.syncNow()")


def open_new_contact(page: Page, fresh: bool = False) -> None:
    """Open New contact and wait until its script has put any kept draft in the form; fresh:
    discard such a draft, as the officer would, and start over."""
    page.goto("/entries/new")
    expect(page.locator("#contact-form[data-ready]")).to_be_attached()
    if fresh and page.locator("#draft-note").is_visible():
        page.get_by_role("button", name="Discard it and start over").click()
        expect(page.locator("#draft-note")).to_have_count(0)
        expect(page.locator("#contact-form[data-ready]")).to_be_attached()


def fill_mentoring(page: Page) -> None:
    """The five taps of a mentoring contact on an open New contact form."""
    choose(page, "Where", "Hallway")
    choose(page, "Who started the contact", "Student")
    choose(page, "Classification", "Mentoring")
    choose(page, "Kind of mentoring", "Informal counseling")
    choose(page, "Actions taken", "None")


def log_mentoring(page: Page, narrative: str = "") -> None:
    """New contact → a mentoring contact → Save."""
    page.goto("/entries/new")
    fill_mentoring(page)
    if narrative:
        page.get_by_label("Narrative", exact=True).fill(narrative)
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_role("heading", name="My entries")).to_be_visible()


def log_arrest(page: Page) -> None:
    """New contact → an arrest with its full justification and its v2 facts → Save (the
    setting follows the hallway)."""
    page.goto("/entries/new")
    choose(page, "Where", "Hallway")
    choose(page, "Who started the contact", "School staff")
    choose(page, "Classification", "Criminal")
    page.get_by_label("Offense").select_option("weapons")
    choose(page, "Actions taken", "Arrest")
    complete_arrest(page)
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_role("heading", name="My entries")).to_be_visible()


def complete_arrest(page: Page) -> None:
    """Everything an arrest asks once it is ticked: how long, the referral, who was told, the
    justification and the student."""
    tap_minutes(page, "duration_minutes", 30)
    choose(page, "Referred to", "Juvenile court")
    choose(page, "Parent or guardian told", "Yes")
    choose(page, "Principal told", "Yes")
    justify_last_resort(page)
    describe_first_student(page, "White", "Male")


def justify_last_resort(page: Page) -> None:
    """The justification of a last-resort action: the facts, what was tried, why."""
    page.get_by_label("Facts that made it necessary").fill(ARREST_BASIS)
    choose(page, "Alternatives tried first", "Verbal de-escalation")
    page.get_by_label("Why it was a last resort").fill(ARREST_WHY)


def describe_first_student(page: Page, race: str, gender: str):
    """The first student as perceived, in high school; returns the student's block."""
    student = page.locator("fieldset.student").first
    choose(student, "Grade band", "High")
    choose(student, "Perceived race", race)
    choose(student, "Perceived gender", gender)
    return student


def waiting_text(page: Page):
    """The status strip's count of entries waiting to be sent."""
    return page.locator("[data-strip=waiting]")
