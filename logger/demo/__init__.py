"""A demo district: three schools, nine accounts and school years of believable contacts.

Everything here is invented. Contacts are drawn from the scenario tables below
(each says how many times a year it happens), placed on school days of the two
school years before the one under way and of that one up to `today`, and
stored through the same rules and the same `entries.save()` as an officer's
entries. The year under way is written under data dictionary v2, with the facts
the CRDC counts come from (logger/demo/facts.py); the earlier years were written
under v1 and stay as v1 stored them, so both are there to see. In the earliest
year, before the program took the COPS principles to heart, officers were drawn
into school discipline twice as often, so the annual assessment has a trend to
show. An entry the rules refuse or warn about is a bug in this module, so it
raises.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from logger import rules
from logger.admin import district
from logger.core import settings
from logger.core.clock import SchoolYear, district_zone, utcnow
from logger.core.models import Contact, School, User
from logger.demo import enrollment as demo_enrollment
from logger.demo import feedback, program, review
from logger.demo.facts import (
    COURT,
    COURT_AND_EVALUATION,
    COURT_OR_DIVERSION,
    HANDCUFFS,
    HELD_AND_CUFFED,
    Facts,
    add_v2_facts,
    weighted,
)
from logger.extensions import db
from logger.officer import entries
from logger.public import summary

# Printed by `demo`, for the demo's accounts only: never a real one (bandit B105).
DEMO_PASSWORD = "fieldlog-demo-2026"  # nosec B105

SCHOOLS = (  # code, name, level
    ("MGE", "Maple Grove Elementary School", "elementary"),
    ("JMS", "Jefferson Middle School", "middle"),
    ("RHS", "Riverside High School", "high"),
)
ACCOUNTS = (  # username, role, assigned schools, supervisor (created in this order)
    ("admin.ortiz", "admin", (), None),
    ("eval.chen", "evaluator", (), None),
    ("sgt.morales", "supervisor", (), None),
    ("sgt.brooks", "supervisor", (), None),
    ("ofc.garcia", "officer", ("MGE", "JMS"), "sgt.morales"),
    ("ofc.nguyen", "officer", ("JMS",), "sgt.morales"),
    ("ofc.walker", "officer", ("JMS", "RHS"), "sgt.brooks"),
    ("ofc.johnson", "officer", ("RHS",), "sgt.brooks"),
    ("ofc.patel", "officer", ("RHS",), "sgt.brooks"),
)

ALL_LEVELS = ("elementary", "middle", "high")
OLDER = ("middle", "high")
HIGH = ("high",)
MIDDLE = ("middle",)

BREAKS = (  # first and last (month, day) off; a span may run over New Year
    ((6, 13), (8, 14)),  # summer
    ((12, 20), (1, 4)),  # winter
    ((3, 16), (3, 20)),  # spring
)
SCHOOL_HOURS = ((time(7, 15), time(16, 0)),)
TIME_WINDOWS = {  # location: the spans of a school day when contacts there happen
    "bus_area": ((time(7, 15), time(7, 55)), (time(14, 45), time(15, 35))),
    "parking_lot": (
        (time(7, 15), time(8, 0)),
        (time(11, 0), time(12, 45)),
        (time(14, 45), time(16, 0)),
    ),
    "cafeteria": ((time(10, 45), time(13, 0)),),
    "athletic_event": ((time(17, 30), time(20, 45)),),  # evening games
}
NORMAL_DELAY_MINUTES = (2, 180)  # from the contact to the entry reaching the server
LATE_DELAY_HOURS = (26, 70)
LATE_SHARE = 0.03
DESCRIBED_UP_TO = 4  # students are described in entries with this many or fewer

KIND_FIELDS = {
    "mentoring": "mentoring_type",
    "disciplinary": "school_rule",
    "criminal": "offense_category",
}

RACE_WEIGHTS = {
    "white": 38,
    "hispanic_latino": 28,
    "black": 18,
    "asian": 8,
    "middle_eastern_south_asian": 4,
    "native_american": 2,
    "pacific_islander": 2,
}
SECOND_RACE_SHARE = 0.06
GENDER_WEIGHTS = {
    "male": 50,
    "female": 46,
    "nonconforming": 2,
    "transgender_man": 1,
    "transgender_woman": 1,
}
DISABILITY_SHARE = 0.12

WORDS = {  # pieces that fill {placeholders} in stories and justifications
    "item": (
        "phone",
        "pair of wireless earbuds",
        "school laptop",
        "wallet",
        "calculator",
        "pair of sneakers",
        "hoodie",
    ),
    "place": ("stairwell", "courtyard", "hallway by the gym", "library", "locker room"),
    "restroom": (
        "boys' restroom",
        "girls' restroom",
        "restroom by the gym",
        "restroom near the cafeteria",
    ),
    "period": ("lunch", "first period", "the passing period", "second period"),
    "sport": ("football", "basketball", "volleyball", "soccer", "wrestling", "baseball"),
    "club": ("running club", "chess club", "robotics team", "cooking club", "homework club"),
    "skill": (
        "setting goals for the week",
        "asking teachers for help",
        "keeping a planner",
        "handling frustration without walking out",
        "making up missing work",
    ),
    "term": ("quarter", "semester", "grading period"),
    "worry": (
        "their child's phone use late at night",
        "a group chat that turned mean",
        "their child walking home alone",
        "older kids pressuring their child to vape",
        "their child skipping classes",
        "a neighborhood dispute spilling into school",
    ),
    "drill": ("lockdown", "fire evacuation", "severe weather", "reunification"),
    "bus_topic": (
        "staying seated and keeping the aisle clear",
        "what to do if a fight starts",
        "waiting behind the curb line",
        "reporting bullying on the bus",
    ),
}
LEVEL_WORDS = {
    "elementary": {
        "grade": ("third-grade", "fourth-grade", "fifth-grade"),
        "topic": (
            "bike and pedestrian safety",
            "what to do if a stranger approaches",
            "how to call for help in an emergency",
            "telling an adult about bullying",
            "being kind online",
        ),
    },
    "middle": {
        "grade": ("sixth-grade", "seventh-grade", "eighth-grade"),
        "topic": (
            "online safety and sharing photos",
            "what is really in vape cartridges",
            "how to report bullying anonymously",
            "what to do if you see a weapon",
            "group chats and cyberbullying",
        ),
    },
    "high": {
        "grade": ("ninth-grade", "tenth-grade", "eleventh-grade", "twelfth-grade"),
        "topic": (
            "fentanyl and counterfeit pills",
            "healthy dating relationships",
            "sharing images and the law",
            "safe driving and the student lot",
            "what happens after an arrest",
        ),
    },
}
GROUP_WORDS = {1: "a student", 2: "two students", 3: "three students"}

OUTCOMES = {  # a closing sentence for each action that is not an enforcement action
    "verbal_warning": (
        "Gave a verbal warning.",
        "Warned about what happens if it continues.",
        "Talked about expectations and left it at a warning.",
    ),
    "referral_school_admin": (
        "Referred to the assistant principal for any school consequence.",
        "Handed off to the assistant principal.",
        "The dean will follow up on school discipline.",
    ),
    "referral_counselor": (
        "Referred to the counselor for follow-up.",
        "Walked over to the counselor's office together.",
        "Asked the counselor to check in this week.",
    ),
    "parent_contacted": (
        "Called a parent to let them know.",
        "Left a message for a guardian and followed up by email.",
        "Talked with a parent by phone.",
    ),
}

INVOLVEMENT_REASONS = (  # why an officer, not school staff, handled a discipline matter
    "The officer was the nearest adult when it started and no staff member was in sight.",
    "Staff radioed for help and the officer arrived before an administrator could.",
    "The assistant principal was in a meeting and asked the officer to step in until free.",
    "The officer saw it first while walking the building and dealt with it on the spot.",
    "A teacher asked for help because the student would not respond to staff.",
)


@dataclass(frozen=True)
class Justification:
    """Why enforcement was needed, as the officer wrote it at the time."""

    basis: str
    alternatives_tried: tuple[str, ...]
    why_last_resort: str | None = None
    injuries: str | None = None
    supervisor_notified: bool | None = None


@dataclass(frozen=True)
class Scenario:
    """A kind of contact: how often it happens in the demo year, where, and how it is told."""

    count: int
    classification: str
    kind: str  # its mentoring type, school rule or offense category
    stories: tuple[str, ...]  # narratives, with {placeholders} from WORDS and LEVEL_WORDS
    locations: tuple[str, ...]
    levels: tuple[str, ...] = ALL_LEVELS
    initiated_by: tuple[str, ...] = ("officer", "school_staff")
    students: tuple[int, int] = (1, 1)  # fewest and most students involved
    actions: tuple[tuple[str, ...], ...] = (("none",),)  # the action sets it may end with
    force_types: tuple[str, ...] = ()
    justification: Justification | None = None
    involvement_reasons: tuple[str, ...] = INVOLVEMENT_REASONS
    facts: Facts = Facts()  # its data dictionary v2 facts, where the story tells them


MENTORING = (
    Scenario(
        70,
        "mentoring",
        "informal_counseling",
        (
            (
                "Checked in with {who} who seemed upset after {period}; talked through a "
                "falling-out "
                "with friends."
            ),
            (
                "Talked with {who} who came by the office worried about stress at home and trouble "
                "sleeping."
            ),
            "Talked with {who} about handling conflict with a classmate without it turning "
            "physical.",
            (
                "Followed up with {who} who has been missing first period; talked about getting to "
                "school on time."
            ),
            "Talked with {who} about a rumor going around on social media and how to report it.",
        ),
        ("hallway", "office", "cafeteria", "grounds"),
        initiated_by=("student", "officer", "school_staff"),
        students=(1, 2),
        actions=(("none",), ("none",), ("referral_counselor",), ("parent_contacted",)),
    ),
    Scenario(
        55,
        "mentoring",
        "mentoring",
        (
            "Lunch group with {who} from the mentoring program; talked about goals for the {term}.",
            "Met with {who} from the mentoring program and worked on {skill}.",
            "Shot hoops with {who} at recess and talked about staying on track in class.",
            "Weekly check-in with {who}; looked at grades together and worked on {skill}.",
        ),
        ("cafeteria", "office", "grounds"),
        students=(1, 5),
    ),
    Scenario(
        35,
        "mentoring",
        "class_presentation",
        (
            "Presented to {grade} students on {topic}; answered questions for about ten minutes.",
            "Taught a lesson on {topic} to {grade} students with the teacher present.",
            "Co-taught a {grade} health lesson on {topic}.",
        ),
        ("classroom",),
        students=(18, 32),
    ),
    Scenario(
        40,
        "mentoring",
        "family_engagement",
        (
            (
                "Met with a parent at pickup who was worried about {worry}; shared resources and "
                "the "
                "counselor's contact."
            ),
            "A grandparent came in about {worry}; explained how the school and the officer can "
            "help.",
            "Joined a family meeting with the counselor about {worry}.",
            "Talked with a parent at the front office about {worry}.",
        ),
        ("office", "parking_lot"),
        initiated_by=("parent_guardian", "school_staff", "officer"),
        actions=(("none",), ("none",), ("referral_counselor",)),
    ),
    Scenario(
        35,
        "mentoring",
        "extracurricular",
        (
            (
                "Worked the {sport} game; talked with students in the stands and walked the lot "
                "after."
            ),
            "Attended the {sport} game; no incidents, chatted with students at the concession "
            "stand.",
            "Stood with the student section at the {sport} game and helped with dismissal after.",
        ),
        ("athletic_event",),
        levels=OLDER,
        students=(10, 40),
    ),
    Scenario(
        20,
        "mentoring",
        "extracurricular",
        (
            "Helped run the after-school {club}.",
            "Joined the {club} for the afternoon and talked with students about the job.",
        ),
        ("classroom", "grounds"),
        students=(5, 20),
    ),
    Scenario(
        45,
        "mentoring",
        "safety_education",
        (
            "Ran a {drill} drill with staff and students; reviewed afterwards what went well.",
            "Talked with students in the bus line about {bus_topic}.",
            "Walked the route to the crosswalk with {who} and reviewed how to cross safely.",
        ),
        ("bus_area", "grounds", "hallway"),
        students=(2, 30),
    ),
)

DISCIPLINE = (
    Scenario(
        13,
        "disciplinary",
        "attendance",
        (
            "Found {who} out of class during {period} and walked them back to the attendance "
            "office.",
            "Staff asked for help finding {who} who left class and did not come back.",
            "Saw {who} leaving the building during class time and brought them back inside.",
        ),
        ("hallway", "parking_lot", "grounds"),
        levels=OLDER,
        students=(1, 3),
        actions=(
            ("verbal_warning", "referral_school_admin"),
            ("referral_school_admin",),
            ("referral_school_admin", "parent_contacted"),
        ),
    ),
    Scenario(
        12,
        "disciplinary",
        "disruption",
        (
            (
                "Loud argument between {who} that was stopping lunch; separated them and let staff "
                "take "
                "it from there."
            ),
            "Helped a teacher settle {who} who were shouting across the room during a lesson.",
            "Broke up a crowd around {who} arguing and got everyone moving to class.",
        ),
        ("cafeteria", "classroom", "hallway"),
        students=(2, 4),
        actions=(("verbal_warning",), ("verbal_warning", "referral_school_admin")),
    ),
    Scenario(
        10,
        "disciplinary",
        "defiance",
        (
            (
                "A student refused a teacher's direction to go back to class; talked with the "
                "student "
                "until they went."
            ),
            (
                "A student would not give up a hallway pass that was not theirs; talked it through "
                "and "
                "walked them to class."
            ),
            (
                "A student kept walking away from staff in the hallway; caught up and talked "
                "calmly "
                "until they went back."
            ),
        ),
        ("hallway",),
        actions=(
            ("verbal_warning",),
            ("referral_school_admin",),
            ("verbal_warning", "parent_contacted"),
        ),
    ),
    Scenario(
        3,
        "disciplinary",
        "dress_code",
        (
            (
                "Staff asked the officer to talk to a student about a shirt with a drug reference; "
                "the "
                "student changed into a school shirt."
            ),
        ),
        ("office",),
        levels=OLDER,
        actions=(("referral_school_admin",),),
    ),
    Scenario(
        7,
        "disciplinary",
        "device_use",
        (
            (
                "A student kept using a phone in class after warnings; the teacher asked the "
                "officer to "
                "hold it until the end of the day."
            ),
            (
                "A student was filming other students in the hallway without permission; asked "
                "them to "
                "delete it and stop."
            ),
        ),
        ("classroom", "hallway"),
        levels=OLDER,
        actions=(("verbal_warning",), ("verbal_warning", "referral_school_admin")),
    ),
    Scenario(
        13,
        "disciplinary",
        "tobacco_vaping",
        (
            (
                "Found {who} vaping in the {restroom}; took the device and handed it to the "
                "assistant "
                "principal."
            ),
            "Smelled vapor coming from the {restroom} and found {who} inside with a vape.",
        ),
        ("other",),
        levels=OLDER,
        students=(1, 3),
        actions=(("referral_school_admin",), ("referral_school_admin", "parent_contacted")),
    ),
    Scenario(
        10,
        "disciplinary",
        "fighting_no_injury",
        (
            "Pushing match between {who} in the {place}; separated them, no one was hurt.",
            "Two students squared up in the {place}; stepped between them before any punches.",
        ),
        ("hallway", "grounds"),
        students=(2, 2),
        actions=(
            ("verbal_warning", "referral_school_admin"),
            ("referral_school_admin", "parent_contacted"),
        ),
    ),
    Scenario(
        2,
        "disciplinary",
        "other",
        ("Students throwing food across the cafeteria; stopped it and had them help clean up.",),
        ("cafeteria",),
        students=(3, 6),
        actions=(("verbal_warning",),),
    ),
    Scenario(
        2,
        "disciplinary",
        "tobacco_vaping",
        (
            (
                "Third vaping incident this semester for this student, found in the {restroom}. "
                "Cited "
                "at the assistant principal's request."
            ),
        ),
        ("other",),
        levels=HIGH,
        actions=(("citation", "referral_school_admin", "parent_contacted"),),
        justification=Justification(
            "Third time this semester the student was found vaping in the {restroom}; state law "
            "makes possession of a vape by a minor a citable offense.",
            ("school_staff_involved", "parent_contacted"),
        ),
        involvement_reasons=(
            (
                "The assistant principal asked for a citation because school "
                "consequences had not changed the behavior."
            ),
        ),
        facts=Facts(
            outcome_referrals=(
                ("diversion_program",),
                ("diversion_program",),
                ("juvenile_court",),
                ("none",),
            )
        ),
    ),
    Scenario(
        1,
        "disciplinary",
        "fighting_no_injury",
        (
            (
                "Two students kept going after each other after being separated in the {place}; "
                "held "
                "them in separate offices until the assistant principal arrived."
            ),
        ),
        ("hallway",),
        levels=MIDDLE,
        students=(2, 2),
        actions=(("detention", "parent_contacted"),),
        justification=Justification(
            "Both students tried to restart the fight twice after being separated in the "
            "{place}, pushing past a teacher to reach each other.",
            ("verbal_deescalation", "time_and_distance"),
            why_last_resort="Words and distance had not stopped them and no administrator was "
            "free to supervise them apart.",
        ),
        involvement_reasons=(
            ("No administrator was free and the students kept trying to restart the fight."),
        ),
    ),
    Scenario(
        1,
        "disciplinary",
        "defiance",
        (
            (
                "A student refused for over twenty minutes to leave a classroom after shouting at "
                "the "
                "teacher. Cited for disorderly conduct and removed from class."
            ),
        ),
        ("classroom",),
        levels=HIGH,
        actions=(("citation", "parent_contacted"),),
        justification=Justification(
            "The student refused for over twenty minutes to leave the room, shouting and "
            "stopping the lesson, after the teacher and an administrator asked them to go.",
            ("verbal_deescalation", "school_staff_involved"),
        ),
        involvement_reasons=(
            (
                "The teacher and an administrator could not get the student to "
                "leave and asked the officer to remove them."
            ),
        ),
    ),
    Scenario(
        1,
        "disciplinary",
        "tobacco_vaping",
        (
            (
                "Checked a student's backpack for a vape at the assistant principal's request; "
                "found "
                "one and gave it to the assistant principal."
            ),
        ),
        ("office",),
        levels=MIDDLE,
        actions=(("search", "referral_school_admin"),),
        justification=Justification(
            "The assistant principal saw the student pass a vape to classmates in the "
            "{restroom}, and the student said it was in the backpack.",
            ("school_staff_involved",),
        ),
        involvement_reasons=(
            (
                "The assistant principal asked the officer to do the bag check "
                "instead of school staff."
            ),
        ),
        facts=Facts(
            search_basis=("school_policy", "reasonable_suspicion"),
            search_found=("other_contraband",),
        ),
    ),
)

CRIME_REPORTS = (
    Scenario(
        24,
        "criminal",
        "theft",
        (
            (
                "Took a report of a stolen {item} from an unlocked locker; reviewed camera footage "
                "with "
                "the assistant principal."
            ),
            "A student reported their {item} missing after {period}; report taken, no suspect yet.",
            (
                "A {item} taken from the locker room during gym class; took the report and checked "
                "with the coach."
            ),
            (
                "A missing {item} was traced to a classmate who returned it after a talk with the "
                "officer and the dean."
            ),
        ),
        ("hallway", "classroom", "office"),
        initiated_by=("student", "school_staff", "parent_guardian"),
        actions=(
            ("referral_school_admin",),
            ("parent_contacted",),
            ("referral_school_admin", "parent_contacted"),
        ),
    ),
    Scenario(
        14,
        "criminal",
        "vandalism",
        (
            (
                "Graffiti found in the {restroom}; photographed it and worked with custodians and "
                "the "
                "assistant principal to find out who did it."
            ),
            (
                "Scratched words on a bathroom mirror; {who} admitted it and the school arranged "
                "repayment."
            ),
            "A broken window in the {place}; reviewed footage with staff and talked with {who}.",
        ),
        ("other", "grounds"),
        students=(1, 2),
        actions=(("referral_school_admin",), ("referral_school_admin", "parent_contacted")),
    ),
    Scenario(
        14,
        "criminal",
        "drugs",
        (
            (
                "Staff found a vape cartridge believed to hold THC in the {place}; no owner found, "
                "logged and destroyed per policy."
            ),
            (
                "A student turned in a small bag of what looked like marijuana found in the "
                "{place}; "
                "taken for disposal."
            ),
            (
                "Talked with {who} sent by a teacher for smelling of marijuana; nothing found, "
                "prevention program offered."
            ),
        ),
        ("hallway", "grounds", "office"),
        levels=OLDER,
        initiated_by=("school_staff", "student"),
        actions=(("referral_counselor",), ("referral_school_admin", "parent_contacted")),
    ),
    Scenario(
        12,
        "criminal",
        "threat",
        (
            (
                "Followed up on a group chat message about a fight after school; talked with {who} "
                "and "
                "the family, no credible threat found."
            ),
            (
                "A student said in anger they would hurt a classmate; talked it through with the "
                "student and the counselor, threat team notified."
            ),
            (
                "A note with a threat was found in the {restroom}; worked with the principal to "
                "find "
                "the writer, no plan or means found."
            ),
        ),
        ("office", "classroom"),
        initiated_by=("school_staff", "student", "parent_guardian"),
        actions=(
            ("referral_counselor", "parent_contacted"),
            ("referral_school_admin", "referral_counselor"),
        ),
    ),
    Scenario(
        12,
        "criminal",
        "assault",
        (
            (
                "A student reported being shoved into a locker; minor bruise, talked with both "
                "students together with the assistant principal."
            ),
            (
                "A student was kicked during recess; the nurse checked the student and the officer "
                "talked with both families."
            ),
            (
                "Two students traded slaps in the {place}; no injuries beyond a red cheek, handled "
                "with "
                "the dean."
            ),
        ),
        ("hallway", "grounds"),
        initiated_by=("student", "school_staff"),
        students=(1, 2),
        actions=(
            ("referral_school_admin", "parent_contacted"),
            ("verbal_warning", "referral_school_admin"),
        ),
    ),
    Scenario(
        5,
        "criminal",
        "trespass",
        (
            (
                "A former student came onto campus at lunch to see friends; gave a trespass "
                "warning "
                "and walked them off the grounds."
            ),
            (
                "A suspended student was waiting by the gym doors after school; reminded them of "
                "the "
                "suspension terms and asked them to leave."
            ),
        ),
        ("parking_lot", "grounds"),
        levels=HIGH,
        actions=(("verbal_warning",),),
    ),
    Scenario(
        3,
        "criminal",
        "alcohol",
        (
            (
                "Empty beer cans seen in a student's car during a parking lot patrol; talked with "
                "the "
                "student about it."
            ),
            (
                "A student came to school hung over and told the nurse about drinking the night "
                "before; "
                "talked with the student and the nurse."
            ),
        ),
        ("parking_lot", "office"),
        levels=HIGH,
        actions=(("parent_contacted",), ("referral_counselor", "parent_contacted")),
    ),
    Scenario(
        3,
        "criminal",
        "other",
        (
            (
                "The fire alarm was pulled as a prank; reviewed the hallway camera with the "
                "assistant "
                "principal and identified {who}."
            ),
        ),
        ("hallway",),
        levels=OLDER,
        students=(1, 2),
        actions=(("referral_school_admin", "parent_contacted"),),
    ),
)

CITATIONS_AND_SEARCHES = (
    Scenario(
        3,
        "criminal",
        "theft",
        (
            (
                "A {item} stolen from a classmate's backpack turned up in the student's locker; "
                "the "
                "student admitted taking it and it was returned. Cited for theft."
            ),
        ),
        ("hallway",),
        levels=OLDER,
        initiated_by=("student", "parent_guardian"),
        actions=(("citation", "parent_contacted"),),
        justification=Justification(
            "Camera footage showed the student taking the {item} from a classmate's backpack, "
            "and the victim's family asked to press charges.",
            ("school_staff_involved", "parent_contacted"),
        ),
        facts=Facts(outcome_referrals=COURT_OR_DIVERSION),
    ),
    Scenario(
        2,
        "criminal",
        "vandalism",
        (
            (
                "A student spray-painted the back wall of the gym; caught on camera and admitted "
                "it. "
                "Cited for criminal mischief."
            ),
        ),
        ("grounds",),
        levels=HIGH,
        actions=(("citation", "parent_contacted"),),
        justification=Justification(
            "The student was seen on camera spray-painting the gym wall, admitted it, and the "
            "repair will cost the school several hundred dollars.",
            ("school_staff_involved", "parent_contacted"),
        ),
        facts=Facts(outcome_referrals=COURT_OR_DIVERSION),
    ),
    Scenario(
        2,
        "criminal",
        "alcohol",
        (
            (
                "A student came back from lunch smelling of alcohol; a bottle was found in the "
                "backpack. Cited for minor in possession and released to a parent."
            ),
        ),
        ("office",),
        levels=HIGH,
        initiated_by=("school_staff",),
        actions=(("search", "citation", "parent_contacted"),),
        justification=Justification(
            "The student smelled strongly of alcohol, was unsteady, and told the nurse there "
            "was more in the backpack.",
            ("school_staff_involved", "parent_contacted"),
        ),
        facts=Facts(
            search_found=("alcohol",),
            outcome_referrals=(("diversion_program",), ("juvenile_court",)),
        ),
    ),
    Scenario(
        3,
        "criminal",
        "drugs",
        (
            (
                "A teacher smelled marijuana on a student, who handed over a small bag. Cited and "
                "referred to the juvenile diversion program."
            ),
        ),
        ("office",),
        levels=HIGH,
        initiated_by=("school_staff",),
        actions=(("search", "citation", "referral_counselor"),),
        justification=Justification(
            "A teacher smelled marijuana on the student, who admitted having some and handed a "
            "small bag over from a jacket pocket; the jacket was then checked for more.",
            ("school_staff_involved",),
        ),
        facts=Facts(
            search_basis=("consent", "reasonable_suspicion"),
            search_found=("drugs",),
            outcome_referrals=(("diversion_program",),),
        ),
    ),
    Scenario(
        2,
        "criminal",
        "trespass",
        (
            (
                "A student under long-term suspension came onto campus again despite a written "
                "trespass warning. Cited for trespass."
            ),
        ),
        ("parking_lot",),
        levels=HIGH,
        actions=(("citation", "parent_contacted"),),
        justification=Justification(
            "The student had a written trespass warning for the suspension and came back onto "
            "campus twice this week despite it.",
            ("verbal_deescalation", "parent_contacted"),
        ),
        facts=Facts(outcome_referrals=(("juvenile_court",), ("none",))),
    ),
    Scenario(
        2,
        "criminal",
        "assault",
        (
            (
                "Fight in the {place}: one student punched another, who had a bloody nose. Cited "
                "for "
                "assault at the victim's family's request."
            ),
        ),
        ("hallway", "grounds"),
        levels=OLDER,
        students=(2, 2),
        actions=(("citation", "parent_contacted"),),
        justification=Justification(
            "The student threw several punches at a classmate who was backing away, leaving the "
            "classmate with a bloody nose; the victim's family asked for a citation.",
            ("school_staff_involved", "parent_contacted"),
        ),
        facts=Facts(outcome_referrals=COURT_OR_DIVERSION),
    ),
    Scenario(
        3,
        "criminal",
        "weapons",
        (
            (
                "Students reported a classmate showing a knife in the {place}. Searched the "
                "backpack "
                "with an administrator and found a small pocketknife."
            ),
        ),
        ("office",),
        levels=OLDER,
        initiated_by=("student",),
        actions=(("search", "referral_school_admin", "parent_contacted"),),
        justification=Justification(
            "Two students separately reported seeing a knife in the student's backpack in the "
            "{place} minutes earlier.",
            ("school_staff_involved",),
        ),
        facts=Facts(search_found=("weapon",)),
    ),
    Scenario(
        2,
        "criminal",
        "drugs",
        (
            (
                "A tip said a student had pills to sell. Searched the locker with the assistant "
                "principal present and found nothing."
            ),
        ),
        ("hallway",),
        levels=HIGH,
        initiated_by=("school_staff",),
        actions=(("search", "referral_school_admin"),),
        justification=Justification(
            "A tip through the school's reporting app named the student and the locker and "
            "described pills packaged for sale.",
            ("school_staff_involved",),
        ),
    ),
    Scenario(
        4,
        "criminal",
        "drugs",
        (
            (
                "A teacher smelled marijuana on {who} coming back from {period}. Checked the "
                "backpack "
                "and jacket with the assistant principal present and found nothing."
            ),
        ),
        ("office",),
        levels=OLDER,
        initiated_by=("school_staff",),
        actions=(
            ("search", "referral_counselor"),
            ("search", "referral_counselor", "parent_contacted"),
        ),
        justification=Justification(
            "A teacher smelled marijuana on the student coming back from {period}, and the "
            "student's eyes were red and glassy.",
            ("school_staff_involved",),
        ),
        facts=Facts(search_basis=("reasonable_suspicion", "consent")),
    ),
    Scenario(
        3,
        "criminal",
        "weapons",
        (
            (
                "A post on social media said {who} had a knife at school. Checked the backpack and "
                "locker with an administrator and found nothing; the post was a joke between "
                "friends."
            ),
        ),
        ("office", "hallway"),
        levels=OLDER,
        initiated_by=("school_staff", "student", "parent_guardian"),
        actions=(("search", "referral_school_admin"), ("search", "parent_contacted")),
        justification=Justification(
            "A screenshot of a post saying the student had a knife in the {place} was shown to "
            "the assistant principal that morning.",
            ("school_staff_involved",),
        ),
    ),
    Scenario(
        3,
        "criminal",
        "theft",
        (
            (
                "A classmate said {who} took their {item} during {period}. With the dean present "
                "the "
                "student agreed to open the backpack; nothing was found, and the {item} turned up "
                "in "
                "the lost and found."
            ),
        ),
        ("classroom", "hallway"),
        levels=OLDER,
        initiated_by=("student", "school_staff"),
        actions=(("search", "referral_school_admin"),),
        justification=Justification(
            "A classmate said they saw the student pick up the {item} from a desk during "
            "{period} and put it in a bag.",
            ("school_staff_involved",),
        ),
        facts=Facts(search_basis=("consent",)),
    ),
)

DETENTIONS = (
    Scenario(
        2,
        "criminal",
        "threat",
        (
            (
                "A student told classmates they would bring a gun to school tomorrow. Held the "
                "student "
                "in the office, checked the backpack and met with the family; no weapon found, the "
                "threat team took over."
            ),
        ),
        ("office",),
        levels=MIDDLE,
        initiated_by=("student", "school_staff"),
        actions=(("search", "detention", "referral_counselor", "parent_contacted"),),
        justification=Justification(
            "Several classmates reported the student saying they would bring a gun to school "
            "tomorrow, and there are firearms in the student's home.",
            ("counselor_involved", "school_staff_involved"),
            why_last_resort="The threat named a day and a weapon the student could reach, so "
            "the student stayed in the office until the family and the threat "
            "team met.",
        ),
    ),
    Scenario(
        1,
        "criminal",
        "trespass",
        (
            (
                "A teenager nobody knew came in through a side door and would not say why. Held in "
                "the "
                "office until a guardian came, then released with a trespass warning."
            ),
        ),
        ("hallway",),
        levels=HIGH,
        initiated_by=("school_staff",),
        actions=(("detention", "parent_contacted"),),
        justification=Justification(
            "A teenager nobody knew came in through a propped side door during class, would "
            "not give a name and kept trying classroom doors.",
            ("verbal_deescalation",),
            why_last_resort="The teenager would neither identify themselves nor leave and kept "
            "heading for occupied classrooms.",
        ),
    ),
    Scenario(
        2,
        "criminal",
        "assault",
        (
            (
                "Fight in the {place} left one student with a cut lip. Held both students in "
                "separate "
                "rooms until their parents arrived."
            ),
        ),
        ("hallway", "grounds"),
        levels=HIGH,
        students=(2, 2),
        actions=(("detention", "referral_school_admin", "parent_contacted"),),
        justification=Justification(
            "Two students traded punches in the {place}, one was bleeding from the lip, and "
            "both kept shouting threats after they were separated.",
            ("verbal_deescalation", "time_and_distance", "school_staff_involved"),
            why_last_resort="Both kept trying to get past staff to each other; holding them "
            "apart until their parents came was the only way to stop a second "
            "fight.",
        ),
    ),
    Scenario(
        1,
        "criminal",
        "drugs",
        (
            (
                "A drowsy student had a bag of unmarked pills. Stayed with the student and the "
                "nurse "
                "until a parent arrived; referred to the counselor."
            ),
        ),
        ("office",),
        levels=MIDDLE,
        initiated_by=("school_staff",),
        actions=(("search", "detention", "referral_counselor", "parent_contacted"),),
        justification=Justification(
            "The student was drowsy and slurring and had a bag of unmarked pills that a friend "
            "had handed over at lunch.",
            ("school_staff_involved", "parent_contacted"),
            why_last_resort="The student needed medical watching and could not be let go "
            "alone; staying with the nurse was the least restrictive safe "
            "option.",
        ),
        facts=Facts(search_found=("drugs",)),
    ),
    Scenario(
        1,
        "criminal",
        "theft",
        (
            (
                "A student's phone tracked to a classmate's bag, and the classmate tried to leave "
                "the "
                "building. Held briefly at the door; the phone was in the bag and was returned."
            ),
        ),
        ("hallway",),
        levels=HIGH,
        initiated_by=("student",),
        actions=(("search", "detention", "referral_school_admin"),),
        justification=Justification(
            "The victim's phone location showed it in the student's bag, and the student headed "
            "for the exit when staff asked about it.",
            ("verbal_deescalation", "school_staff_involved"),
            why_last_resort="The student was leaving campus with the phone and did not stop "
            "when staff asked; a short hold was the only way to recover it.",
        ),
        facts=Facts(search_basis=("probable_cause",), search_found=("stolen_property",)),
    ),
    Scenario(
        1,
        "criminal",
        "assault",
        (
            (
                "A student in crisis hit and kicked an aide and kept going after staff in the "
                "hallway. "
                "The officer held the student's arms until the kicking stopped; the student then "
                "stayed "
                "alone in the calm-down room, watched through the window, until the crisis "
                "counselor "
                "and a parent arrived."
            ),
        ),
        ("classroom", "hallway"),
        levels=("elementary", "middle"),
        initiated_by=("school_staff",),
        actions=(("restraint", "use_of_force", "referral_counselor", "parent_contacted"),),
        force_types=("physical_control",),
        justification=Justification(
            "The student hit and kicked an aide, then ran at staff and classmates in the hallway "
            "after the class had been moved out of the room.",
            ("verbal_deescalation", "school_staff_involved"),
            why_last_resort="Holding the student's arms stopped the kicking only while the "
            "officer held on, the crisis counselor was twenty minutes away, and "
            "in the calm-down room the student could not reach anyone.",
            injuries="none",
            supervisor_notified=True,
        ),
        facts=Facts(
            restraint_types=(("physical", "seclusion"),),
            restraint_minutes=(10, 30),
            every_year=True,
        ),
    ),
)

ARRESTS = (
    Scenario(
        1,
        "criminal",
        "weapons",
        (
            (
                "A student reported a classmate showing a handgun in a car in the student lot. "
                "Found a "
                "loaded pistol under the driver's seat; the student was handcuffed and arrested "
                "without "
                "incident."
            ),
        ),
        ("parking_lot",),
        levels=HIGH,
        initiated_by=("student",),
        actions=(("search", "restraint", "arrest", "parent_contacted"),),
        justification=Justification(
            "A student reported seeing a handgun in the classmate's car that morning, and the "
            "classmate admitted it was under the driver's seat.",
            ("none_feasible",),
            why_last_resort="A loaded gun on campus is a felony and an immediate danger; the "
            "student was taken into custody and the gun secured at once.",
            injuries="none",
        ),
        facts=Facts(
            search_basis=("probable_cause",),
            search_found=("weapon",),
            restraint_types=HANDCUFFS,
            restraint_minutes=(5, 25),
            outcome_referrals=(("juvenile_court",), ("adult_court",)),
        ),
    ),
    Scenario(
        1,
        "criminal",
        "weapons",
        (
            (
                "A student pulled a folding knife during an argument in a crowded hallway and "
                "would not "
                "drop it. After commands and space did not work, the officer controlled the "
                "student's "
                "arm and took the knife; arrested."
            ),
        ),
        ("hallway",),
        levels=HIGH,
        students=(2, 2),
        actions=(("restraint", "arrest", "use_of_force"),),
        force_types=("physical_control",),
        justification=Justification(
            "The student held an open folding knife toward another student in a crowded hallway "
            "and ignored repeated commands to drop it.",
            ("verbal_deescalation", "time_and_distance"),
            why_last_resort="Commands and distance did not work and other students were within "
            "reach of the blade; waiting risked someone being cut.",
            injuries="none",
            supervisor_notified=True,
        ),
        facts=Facts(
            restraint_types=HELD_AND_CUFFED,
            restraint_minutes=(3, 15),
            outcome_referrals=COURT,
            every_year=True,
        ),
    ),
    Scenario(
        1,
        "criminal",
        "assault",
        (
            (
                "A student kept punching a classmate who was down on the cafeteria floor. The "
                "officer "
                "pulled the student off and took them to the ground when they swung at staff. The "
                "classmate went to urgent care for stitches."
            ),
        ),
        ("cafeteria",),
        levels=HIGH,
        students=(2, 2),
        actions=(("restraint", "arrest", "use_of_force"),),
        force_types=("physical_control", "takedown"),
        justification=Justification(
            "The student kept punching a classmate who was on the floor and not fighting back, "
            "and swung at two staff members who tried to step in.",
            ("verbal_deescalation", "school_staff_involved"),
            why_last_resort="The attack on a defenseless student did not stop for commands or "
            "staff, and the student then turned on the staff.",
            injuries="student_minor",
            supervisor_notified=True,
        ),
        facts=Facts(
            restraint_types=HELD_AND_CUFFED,
            restraint_minutes=(3, 15),
            prone_share=0.3,
            outcome_referrals=COURT,
        ),
    ),
    Scenario(
        1,
        "criminal",
        "assault",
        (
            (
                "Fight in the stands at the {sport} game. A student hit a visiting fan with a "
                "water "
                "bottle and then fought the officer who separated them; the student and the "
                "officer "
                "had minor injuries."
            ),
        ),
        ("athletic_event",),
        levels=HIGH,
        initiated_by=("officer", "other"),
        actions=(("restraint", "arrest", "use_of_force"),),
        force_types=("physical_control", "takedown"),
        justification=Justification(
            "The student struck a visiting fan in the head with a full water bottle and kept "
            "swinging at people in the crowded stands.",
            ("verbal_deescalation",),
            why_last_resort="The student attacked the officer when separated and the crowd was "
            "closing in; control and arrest were needed to end the fight.",
            injuries="multiple",
            supervisor_notified=True,
        ),
        facts=Facts(
            restraint_types=HELD_AND_CUFFED,
            restraint_minutes=(3, 15),
            prone_share=0.3,
            outcome_referrals=COURT_OR_DIVERSION,
        ),
    ),
    Scenario(
        1,
        "criminal",
        "drugs",
        (
            (
                "Tip about pills being sold in the parking lot. Found a bag of pills believed to "
                "be "
                "counterfeit and laced with fentanyl, and cash, in the student's car; arrested."
            ),
        ),
        ("parking_lot",),
        levels=HIGH,
        initiated_by=("student", "school_staff"),
        actions=(("search", "restraint", "arrest"),),
        justification=Justification(
            "Two students named the classmate as the seller of pills that sent a student to the "
            "hospital last week, and staff saw small bags handed out in the lot.",
            ("school_staff_involved",),
            why_last_resort="Pills believed to hold fentanyl had already hurt a student; selling "
            "them is a felony that school discipline cannot address.",
            injuries="none",
        ),
        facts=Facts(
            search_basis=("probable_cause",),
            search_found=("drugs",),
            restraint_types=HANDCUFFS,
            restraint_minutes=(5, 25),
            outcome_referrals=(("juvenile_court",), ("adult_court",)),
        ),
    ),
    Scenario(
        1,
        "criminal",
        "drugs",
        (
            (
                "A student was selling THC vape cartridges from a backpack in the {restroom}. The "
                "bag "
                "was searched with the assistant principal; the student was arrested and released "
                "to a "
                "parent."
            ),
        ),
        ("other",),
        levels=HIGH,
        initiated_by=("school_staff",),
        actions=(("search", "arrest", "parent_contacted"),),
        justification=Justification(
            "Staff saw the student trade vape cartridges for cash in the {restroom}; the bag "
            "held a dozen more cartridges.",
            ("school_staff_involved", "parent_contacted"),
            why_last_resort="The student kept selling to younger students after a warning and "
            "an offer of diversion, and the amount is a distribution charge.",
        ),
        facts=Facts(search_found=("drugs",), outcome_referrals=COURT_OR_DIVERSION),
    ),
    Scenario(
        1,
        "criminal",
        "threat",
        (
            (
                "A student posted a picture of a rifle with a message naming the school. Checked "
                "the "
                "locker and met with the family; the student was arrested and the family secured "
                "the "
                "rifle."
            ),
        ),
        ("office",),
        levels=HIGH,
        initiated_by=("parent_guardian", "student"),
        actions=(("search", "arrest", "parent_contacted"),),
        justification=Justification(
            "The student posted a picture of a rifle with a message naming the school and the "
            "next morning's assembly, and told a classmate it was not a joke.",
            ("counselor_involved", "parent_contacted"),
            why_last_resort="The threat named a time and place and the student could reach the "
            "rifle at home; nothing short of custody made the school safe.",
        ),
        facts=Facts(outcome_referrals=COURT_AND_EVALUATION),
    ),
    Scenario(
        1,
        "criminal",
        "threat",
        (
            (
                "A student wrote a list of classmates to hurt with a drawing of a gun and showed "
                "it "
                "around. Threat team met; the student was arrested at the request of juvenile "
                "intake."
            ),
        ),
        ("office",),
        levels=MIDDLE,
        initiated_by=("school_staff",),
        actions=(("arrest", "referral_counselor", "parent_contacted"),),
        justification=Justification(
            "The student wrote a list of classmates to hurt next to a drawing of a gun and told "
            "two of them they were next.",
            ("counselor_involved", "parent_contacted", "school_staff_involved"),
            why_last_resort="The threat team found the threat credible, the family could not "
            "assure supervision, and juvenile intake asked for custody.",
        ),
        facts=Facts(outcome_referrals=COURT_AND_EVALUATION),
    ),
    Scenario(
        1,
        "criminal",
        "theft",
        (
            (
                "A car in the student lot came back as reported stolen overnight. The student who "
                "drove it was arrested at lunch while getting into it."
            ),
        ),
        ("parking_lot",),
        levels=HIGH,
        actions=(("restraint", "arrest"),),
        justification=Justification(
            "The car the student drove to school was reported stolen overnight, and the student "
            "had the keys and was about to drive off.",
            ("none_feasible",),
            why_last_resort="The student was getting into a stolen car and about to leave; the "
            "arrest was made before the car could leave the lot.",
            injuries="none",
        ),
        facts=Facts(restraint_types=HANDCUFFS, restraint_minutes=(5, 25), outcome_referrals=COURT),
    ),
    Scenario(
        1,
        "criminal",
        "assault",
        (
            (
                "A student threw a chair that hit a teacher, then kicked and punched staff. The "
                "officer "
                "held the student's arms until the student calmed down; the officer's hand was "
                "scratched."
            ),
        ),
        ("classroom",),
        levels=MIDDLE,
        initiated_by=("school_staff",),
        actions=(("restraint", "arrest", "use_of_force", "parent_contacted"),),
        force_types=("physical_control",),
        justification=Justification(
            "The student threw a chair that hit a teacher, then kicked and punched two staff "
            "members who tried to calm things down.",
            ("verbal_deescalation", "time_and_distance", "counselor_involved"),
            why_last_resort="The student kept attacking staff after the room was cleared and a "
            "counselor tried to talk them down; the teacher needed medical care.",
            injuries="officer",
            supervisor_notified=True,
        ),
        facts=Facts(
            restraint_minutes=(2, 10),
            outcome_referrals=(
                ("juvenile_court", "mental_health_evaluation"),
                ("diversion_program", "mental_health_evaluation"),
            ),
        ),
    ),
    Scenario(
        1,
        "criminal",
        "vandalism",
        (
            (
                "A fire set in the paper towel dispenser of the {restroom} emptied the building. "
                "The "
                "student admitted it and was arrested at the fire marshal's request."
            ),
        ),
        ("other",),
        levels=HIGH,
        initiated_by=("school_staff",),
        actions=(("arrest", "parent_contacted"),),
        justification=Justification(
            "The student was seen on camera leaving the {restroom} just before the smoke, and "
            "admitted lighting the paper towel dispenser.",
            ("school_staff_involved", "parent_contacted"),
            why_last_resort="Setting a fire in an occupied building is arson and the fire "
            "marshal asked for the arrest; released to a parent after booking.",
        ),
        facts=Facts(outcome_referrals=COURT),
    ),
    Scenario(
        1,
        "criminal",
        "weapons",
        (
            (
                "Students reported a gun in a backpack. The search found a realistic airsoft "
                "pistol "
                "with the orange tip removed; the student had pointed it at a classmate on the bus."
            ),
        ),
        ("office",),
        levels=MIDDLE,
        initiated_by=("student",),
        actions=(("search", "arrest", "parent_contacted"),),
        justification=Justification(
            "Several students reported a gun in the student's backpack, and one said the "
            "student had pointed it at a classmate on the bus that morning.",
            ("school_staff_involved",),
            why_last_resort="Pointing a realistic replica gun at a classmate is a crime under "
            "state law and frightened a whole bus of children.",
        ),
        facts=Facts(search_found=("weapon",), outcome_referrals=COURT),
    ),
)

SCENARIOS = MENTORING + DISCIPLINE + CRIME_REPORTS + CITATIONS_AND_SEARCHES + DETENTIONS + ARRESTS


YEARS_BEFORE = 2  # full school years before the one under way
BEFORE_REFORM_DISCIPLINE = 2  # the earliest year: disciplinary contacts twice as common
EARLIER_YEARS_VERSION = rules.DICTIONARY_VERSIONS[0]  # before the district moved to v2


def database_is_empty() -> bool:
    """Whether the database has no users, schools or contacts yet."""
    return all(
        db.session.scalar(select(model).limit(1)) is None for model in (User, School, Contact)
    )


def load(*, today: date | None = None, seed: int = 2026) -> list[tuple[str, str, str]]:
    """Add the demo district and its school years of contacts; return (username, role, password)."""
    zone = district_zone()
    today = today or utcnow().astimezone(zone).date()
    # Seeded on purpose, so a demo is the same each time; nothing secret (bandit B311).
    rng = random.Random(seed)  # nosec B311
    under_way = SchoolYear.containing(today, settings.current()["school_year_start_month"])
    first_day = SchoolYear(under_way.first - YEARS_BEFORE, under_way.start_month).first_day
    for code, name, level in SCHOOLS:
        district.create_school(code, name, level)
    demo_enrollment.add(SCHOOLS, range(under_way.first - YEARS_BEFORE, under_way.first + 1))
    users = [
        district.create_user(
            username,
            DEMO_PASSWORD,
            role,
            school_codes=schools,
            supervisor_name=supervisor,
            starts_on=first_day,
        )
        for username, role, schools, supervisor in ACCOUNTS
    ]
    db.session.flush()  # schools and assignments get their ids
    posts = [
        (officer, school)
        for officer in users
        if officer.role == "officer"
        for school in officer.schools_on(first_day)
    ]
    cutoff = datetime.combine(today, time(), zone)  # entries reach the server before today
    for back in range(YEARS_BEFORE, -1, -1):
        year = SchoolYear(under_way.first - back, under_way.start_month)
        whole_year = _school_days(year.first_day, year.following.first_day)
        days = _school_days(year.first_day, min(year.following.first_day, today))
        version = rules.CURRENT_VERSION if back == 0 else EARLIER_YEARS_VERSION
        for scenario in _deck(len(days) / len(whole_year), back == YEARS_BEFORE, back == 0, rng):
            officer, school = _post_for(scenario, posts, rng)
            _log_contact(officer, scenario, school, rng.choice(days), cutoff, zone, version, rng)
    db.session.flush()
    review.review_the_year(cutoff, rng)
    program.fill(users, under_way, YEARS_BEFORE, today)  # program records (issue 13)
    feedback.receive_the_years(under_way, YEARS_BEFORE, cutoff, rng)
    _publish_the_summary(next(user for user in users if user.role == "admin"), first_day, today)
    return [(user.username, user.role, DEMO_PASSWORD) for user in users]


def _publish_the_summary(admin: User, since: date, today: date) -> None:
    """The district has published its public summary since the demo's first school year
    (principle 7, read from the audit trail); its settled quarters are counted today."""
    summary.set_published(admin, True, None, at=datetime.combine(since, time(), district_zone()))
    summary.count_settled(today, admin, None)


def _deck(share: float, before_reform: bool, under_way: bool, rng: random.Random) -> list[Scenario]:
    """A year's contacts in random order: `share` of a whole year's, more discipline before reform.

    Fractional counts round up with that probability, so rare contacts still happen; in the
    year under way, once it has school days, those marked `every_year` happen at least once.
    """
    deck = []
    for scenario in SCENARIOS:
        expected = (
            scenario.count
            * share
            * (
                BEFORE_REFORM_DISCIPLINE
                if before_reform and scenario.classification == "disciplinary"
                else 1
            )
        )
        count = int(expected) + (rng.random() < expected % 1)
        if under_way and share and scenario.facts.every_year:
            count = max(count, 1)
        deck += [scenario] * count
    rng.shuffle(deck)
    return deck


def _school_days(first: date, end: date) -> list[date]:
    """The weekdays from `first` up to (not including) `end` when school is in session."""
    days = (first + timedelta(days=n) for n in range((end - first).days))
    return [
        day
        for day in days
        if day.weekday() < 5 and not _on_break(day) and not _thanksgiving_break(day)
    ]


def _on_break(day: date) -> bool:
    """Whether the day falls in one of the BREAKS."""
    key = (day.month, day.day)
    return any(
        first <= key <= last if first <= last else key >= first or key <= last
        for first, last in BREAKS
    )


def _thanksgiving_break(day: date) -> bool:
    """The fourth Thursday of November and the Friday after it."""
    thursday = day - timedelta(days=day.weekday() - 3)
    return day.month == 11 and day.weekday() in (3, 4) and 22 <= thursday.day <= 28


def _post_for(scenario: Scenario, posts: list[tuple[User, School]], rng: random.Random):
    """An officer and one of their schools where this kind of contact happens.

    Officers with two schools split their time, so each officer logs about as much.
    """
    fitting = [(officer, school) for officer, school in posts if school.level in scenario.levels]
    weights = [1 / len(officer.schools) for officer, _ in fitting]
    return rng.choices(fitting, weights)[0]


def _log_contact(
    officer: User,
    scenario: Scenario,
    school: School,
    day: date,
    cutoff: datetime,
    zone: ZoneInfo,
    version: int,
    rng: random.Random,
) -> None:
    """Build one entry, check it with the rules of a dictionary version and save it as
    received from the phone."""
    entry = _entry(scenario, school, day, zone, rng)
    if version >= 2:
        add_v2_facts(entry, scenario.facts, rng)
    occurred_at = datetime.fromisoformat(entry["occurred_at"])
    late_fits = occurred_at + timedelta(hours=LATE_DELAY_HOURS[1]) < cutoff
    received_at = _received_at(occurred_at, late_fits and rng.random() < LATE_SHARE, cutoff, rng)
    verdict = entries.check(officer, entry, now=received_at, version=version)
    if not verdict.ok or verdict.warnings:
        raise RuntimeError(
            f"the demo made an entry the rules refuse or warn about: "
            f"{verdict.errors or verdict.warnings} in {entry}"
        )
    entry_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    entries.save(officer, entry_id, verdict, received_at=received_at, client_addr=None)


def _received_at(
    occurred_at: datetime, late: bool, cutoff: datetime, rng: random.Random
) -> datetime:
    """When the entry reached the server: soon after, or a day or more later; never after cutoff."""
    if late:
        delay = timedelta(hours=rng.uniform(*LATE_DELAY_HOURS))
    else:
        delay = timedelta(minutes=rng.randint(*NORMAL_DELAY_MINUTES))
    return min(occurred_at + delay, cutoff)


def _entry(
    scenario: Scenario, school: School, day: date, zone: ZoneInfo, rng: random.Random
) -> dict:
    """The entry as the officer's phone would send it."""
    location = rng.choice(scenario.locations)
    involved = rng.randint(*scenario.students)
    actions = list(rng.choice(scenario.actions))
    words = _words(school.level, involved, rng)
    entry = {
        "occurred_at": _moment(day, location, zone, rng).isoformat(),
        "school_id": school.id,
        "location": location,
        "initiated_by": rng.choice(scenario.initiated_by),
        "classification": scenario.classification,
        KIND_FIELDS[scenario.classification]: scenario.kind,
        "students_involved": involved,
        "actions": actions,
        "narrative": _narrative(scenario, actions, words, rng),
    }
    if scenario.classification == "disciplinary":
        entry["involvement_reason"] = rng.choice(scenario.involvement_reasons)
    if scenario.force_types:
        entry["force_types"] = list(scenario.force_types)
    if scenario.justification:
        entry["justification"] = _justification(scenario.justification, words)
    if involved <= DESCRIBED_UP_TO:
        entry["students"] = [_student(school.level, rng) for _ in range(involved)]
    return entry


def _moment(day: date, location: str, zone: ZoneInfo, rng: random.Random) -> datetime:
    """A time on that day, in the district's zone, when contacts at that location happen."""
    start, end = rng.choice(TIME_WINDOWS.get(location, SCHOOL_HOURS))
    minute = rng.randint(start.hour * 60 + start.minute, end.hour * 60 + end.minute)
    return datetime.combine(day, time(minute // 60, minute % 60), zone)


def _words(level: str, involved: int, rng: random.Random) -> dict[str, str]:
    """One choice for every placeholder, so all texts of an entry tell the same story."""
    tables = {**WORDS, **LEVEL_WORDS[level]}
    words = {name: rng.choice(options) for name, options in tables.items()}
    words["who"] = GROUP_WORDS.get(involved, "a group of students")
    return words


def _narrative(
    scenario: Scenario, actions: list[str], words: dict[str, str], rng: random.Random
) -> str:
    """The story, then a closing sentence for each action that is not enforcement."""
    closing = [rng.choice(OUTCOMES[action]) for action in actions if action in OUTCOMES]
    return " ".join([rng.choice(scenario.stories).format(**words), *closing])


def _justification(justification: Justification, words: dict[str, str]) -> dict:
    """The justification fields of the entry: those this scenario sets."""
    fields = {
        "basis": justification.basis.format(**words),
        "alternatives_tried": list(justification.alternatives_tried),
        "why_last_resort": justification.why_last_resort,
        "injuries": justification.injuries,
        "supervisor_notified": justification.supervisor_notified,
    }
    return {name: value for name, value in fields.items() if value is not None}


def _student(level: str, rng: random.Random) -> dict:
    """How the officer perceived one student; never a name, birth date or number."""
    races = [weighted(RACE_WEIGHTS, rng)]
    if rng.random() < SECOND_RACE_SHARE:
        races.append(
            weighted(
                {race: weight for race, weight in RACE_WEIGHTS.items() if race != races[0]}, rng
            )
        )
    return {
        "grade_band": level,
        "perceived_race": races,
        "perceived_gender": weighted(GENDER_WEIGHTS, rng),
        "perceived_disability": rng.random() < DISABILITY_SHARE,
    }
