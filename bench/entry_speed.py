"""Entry speed: the taps and typed fields of an officer's typical entries, counted in Chromium.

Starts the app under gunicorn on loopback with a fresh SQLite database, signs an officer in
on a Pixel 7 viewport and performs each typical entry from My entries until "Entry saved"
shows: mentoring from a template, mentoring from scratch, a detention, an arrest with force.
A tap is a click on a chip, button or link (choosing from a drop-down list is two: open,
choose); a typed field is one text written. The time and the school are filled in.

    .venv/bin/python bench/entry_speed.py
"""

from __future__ import annotations

import os
import tempfile
import time

from playwright.sync_api import expect, sync_playwright
from sync_ingest import PASSWORD, served

FACTS = "Staff saw a knife in the student's waistband during a fight report."
WHY = "The student refused to give up the knife and moved toward another student."


class Officer:
    """An officer's phone that counts what the officer does."""

    def __init__(self, page):
        self.page = page
        self.taps = 0
        self.typed = 0

    def tap(self, locator) -> None:
        locator.click()
        self.taps += 1

    def choose(self, group: str, option: str, within=None) -> None:
        self.tap(
            (within or self.page).get_by_role("group", name=group).get_by_label(option, exact=True)
        )

    def pick(self, label: str, value: str) -> None:
        self.page.get_by_label(label).select_option(value)
        self.taps += 2  # open the list, choose

    def minutes(self, field: str, minutes: int) -> None:
        self.tap(
            self.page.locator(f'.quick-picks[data-for="{field}"]').get_by_role(
                "button", name=f"{minutes} min", exact=True
            )
        )

    def write(self, label: str, text: str) -> None:
        self.page.get_by_label(label).fill(text)
        self.typed += 1

    def new_contact(self) -> None:
        self.tap(self.page.get_by_role("link", name="New contact").first)

    def save(self) -> None:
        self.tap(self.page.get_by_role("button", name="Save entry"))
        expect(self.page.get_by_text("Entry saved and sent for review.")).to_be_visible(
            timeout=15000
        )

    def justify_and_describe(self) -> None:
        self.write("Facts that made it necessary", FACTS)
        self.choose("Alternatives tried first", "Verbal de-escalation")
        self.write("Why it was a last resort", WHY)
        student = self.page.locator("fieldset.student").first
        for group, option in (
            ("Grade band", "High"),
            ("Perceived race", "White"),
            ("Perceived gender", "Male"),
        ):
            self.choose(group, option, within=student)


def mentoring_from_a_template(o: Officer) -> None:
    o.new_contact()
    o.tap(o.page.locator("#templates").get_by_role("button", name="Lunch duty check-in"))
    o.save()


def mentoring_from_scratch(o: Officer) -> None:
    o.new_contact()
    o.choose("Where", "Cafeteria")  # the setting follows: on school grounds
    o.choose("Who started the contact", "Student")
    o.choose("Classification", "Mentoring")
    o.choose("Kind of mentoring", "Informal counseling")
    o.choose("Actions taken", "None")
    o.save()


def detention(o: Officer) -> None:
    o.new_contact()
    o.choose("Where", "Hallway")
    o.choose("Who started the contact", "School staff")
    o.choose("Classification", "Disciplinary")
    o.pick("School rule involved", "fighting_no_injury")
    o.write(
        "Why an officer, not school staff, handled this",
        "The principal called me to separate two students still fighting.",
    )
    o.minutes("duration_minutes", 30)
    o.choose("Actions taken", "Detention")
    o.minutes("detention_minutes", 15)
    o.choose("Parent or guardian told", "Yes")
    o.choose("Principal told", "Yes")
    o.justify_and_describe()
    o.save()


def arrest_with_force(o: Officer) -> None:
    o.new_contact()
    o.choose("Where", "Hallway")
    o.choose("Who started the contact", "School staff")
    o.choose("Classification", "Criminal")
    o.pick("Offense", "weapons")
    o.minutes("duration_minutes", 60)
    o.choose("Actions taken", "Arrest")
    o.choose("Actions taken", "Use of force")
    o.choose("Force used", "Takedown")
    o.choose("Referred to", "Juvenile court")
    o.choose("Parent or guardian told", "Yes")
    o.choose("Principal told", "Yes")
    o.choose("Injuries", "None")
    o.choose("Supervisor notified", "Yes")
    o.justify_and_describe()
    o.save()


SCENARIOS = (
    ("mentoring from a template", mentoring_from_a_template),
    ("mentoring from scratch", mentoring_from_scratch),
    ("detention", detention),
    ("arrest with force", arrest_with_force),
)
LUNCH = {
    "name": "Lunch duty check-in",
    "fields": {
        "location": "cafeteria",
        "setting": "school_grounds",
        "initiated_by": "student",
        "classification": "mentoring",
        "mentoring_type": "informal_counseling",
        "actions": ["none"],
    },
}


def keep_template(page) -> None:
    """The officer's template, kept through the API and on the phone."""
    page.evaluate(
        """async (body) => {
        const session = await (await fetch('/api/v1/session')).json();
        await fetch('/api/v1/templates', {method: 'POST', body: JSON.stringify(body),
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': session.csrf_token}});
    }""",
        LUNCH,
    )
    page.goto("/entries")
    page.wait_for_function("""async () => ((await SROOutbox.getMeta('templates:' +
        SROApp.officerId)) || []).length > 0""")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, served(folder) as base, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=["--disable-gpu"],
        )
        page = browser.new_context(**p.devices["Pixel 7"], base_url=base).new_page()
        page.goto("/login")
        page.get_by_label("User name").fill("ofc.bench")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="My entries")).to_be_visible()
        keep_template(page)
        print(f"{'entry':28} {'taps':>5} {'typed':>6} {'seconds (automated)':>20}")
        for name, perform in SCENARIOS:
            page.goto("/entries")
            officer = Officer(page)
            start = time.perf_counter()
            perform(officer)
            print(
                f"{name:28} {officer.taps:>5} {officer.typed:>6} "
                f"{time.perf_counter() - start:>20.1f}"
            )
        browser.close()


if __name__ == "__main__":
    main()
