"""GET /api/v1/openapi.json: a valid OpenAPI 3.1 description of the whole /api/v1, written from
the wire and the rules; Schemathesis fuzzes the live API against it, signed in as an officer."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from logger import rules
from logger.core.models import ContactRevision, EntryTemplate, User
from logger.extensions import db
from logger.officer import entries
from logger.review import workflow
from sync import openapi, wire
from tests.factories import (
    PASSWORD,
    Api,
    envelope,
    form_token,
    make_school,
    make_user,
    mentoring_entry,
)

SCHEMA = schemathesis.openapi.from_dict(openapi.document())
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture
def lincoln(app):
    """Officer Ruiz assigned to Lincoln, supervised by Park (neither signed in); Lincoln's id."""
    with app.app_context():
        school = make_school()
        make_user("ofc.ruiz", schools=[school], supervisor=make_user("sgt.park", "supervisor"))
        return school.id


@pytest.fixture
def ruiz(client, auth, lincoln):
    """Officer Ruiz signed in on `client`."""
    auth.login("ofc.ruiz")
    return Api(client)


def served(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_document_is_public_and_valid_openapi_3_1(app, client):
    document = served(client)
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document == openapi.document(app.config["SESSION_COOKIE_NAME"])


def test_it_describes_every_api_route_and_method_and_no_other(app, client):
    routes = {
        (re.sub(r"<\w+:(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    described = {
        (path, method)
        for path, operations in served(client)["paths"].items()
        for method in operations
    }
    assert described == routes


def test_writes_need_the_session_and_the_csrf_header_reads_the_session(client):
    document = served(client)
    schemes = document["components"]["securitySchemes"]
    assert (schemes["csrf"]["in"], schemes["csrf"]["name"]) == ("header", "X-CSRFToken")
    assert (schemes["session"]["in"], schemes["session"]["name"]) == ("cookie", "session")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            security = operation.get("security", document["security"])
            if path.endswith("openapi.json"):
                assert security == []
            else:
                expected = [{"session": []}] if method == "get" else [{"session": [], "csrf": []}]
                assert security == expected, (path, method)
                assert "401" in operation["responses"]


def flattened(schema: dict, prefix: str = "") -> dict[str, dict]:
    """The document's contact properties by dotted name (justification.basis)."""
    found = {}
    for name, prop in schema["properties"].items():
        if "properties" in prop:
            found.update(flattened(prop, f"{prefix}{name}."))
        else:
            found[f"{prefix}{name}"] = prop
    return found


def test_the_contact_fields_are_the_fields_the_rules_serve(client, ruiz):
    """Drift check: the served OpenAPI contact against the served rules (/api/v1/schema)."""
    schemas = served(client)["components"]["schemas"]
    described = client.get("/api/v1/schema").get_json()
    contact = flattened(schemas["Contact"])
    assert sorted(contact) == sorted(
        [f["name"] for f in described["fields"]] + [rules.VERSION_FIELD]
    )  # served JSON sorts its keys
    student = schemas["Student"]["properties"]
    assert sorted(student) == sorted(f["name"] for f in described["student_fields"])
    for field, prop in [
        *((f, contact[f["name"]]) for f in described["fields"]),
        *((f, student[f["name"]]) for f in described["student_fields"]),
    ]:
        choices = [c["value"] for c in field.get("choices", [])]
        if field["type"] == "choice":
            assert [v for v in prop["enum"] if v is not None] == choices, field["name"]
        if field["type"] == "choices":
            assert prop["items"]["enum"] == choices, field["name"]
        for limit, keyword in (
            ("min", "minimum"),
            ("max", "maximum"),
            ("min_length", "minLength"),
            ("max_length", "maxLength"),
        ):
            if limit in field and field["type"] != "students":
                assert prop[keyword] == field[limit], (field["name"], limit)
        assert prop["title"] == field["label"]
        assert prop.get("x-applies-when") == field.get("applies_when"), field["name"]
        if field["required"] is not True or "applies_when" in field:
            required = field["required"] if field["required"] is not True else field["applies_when"]
            assert prop.get("x-required-when") == (required or None), field["name"]
    always = [
        f["name"] for f in described["fields"] if f["required"] is True and "applies_when" not in f
    ]
    assert schemas["Contact"]["required"] == always


def test_the_envelope_and_result_are_the_parser_s(client):
    schemas = served(client)["components"]["schemas"]
    assert sorted(schemas["Envelope"]["properties"]) == sorted(m.name for m in wire.ENVELOPE)
    assert schemas["SyncRequest"]["properties"]["entries"]["maxItems"] == wire.MAX_BATCH
    assert schemas["SyncResult"]["properties"]["status"]["enum"] == list(wire.STATUSES)
    assert schemas["TemplateRequest"]["properties"]["name"]["maxLength"] == rules.NAME_MAX
    assert sorted(schemas["Template"]["properties"]["fields"]["properties"]) == sorted(
        rules.TEMPLATE_FIELDS
    )


def conforms(document: dict, path: str, method: str, response) -> None:
    """The response's status is described for this operation, and its body matches."""
    described = document["paths"][path][method]["responses"]
    assert str(response.status_code) in described, (path, method, response.status_code)
    content = described[str(response.status_code)].get("content")
    if content is None:
        assert response.get_data() == b""
        return
    schema = {**document, **content["application/json"]["schema"]}  # its $refs resolve here
    Draft202012Validator(schema).validate(response.get_json())


def test_answers_along_an_officer_s_day_match_the_document(app, client, ruiz, lincoln):
    """Each kind of answer the fuzzing may rarely reach: accepted, duplicate, a returned entry
    with its review, a template kept, listed and retired, and the errors."""
    document, token = served(client), ruiz.token()
    sent = envelope(mentoring_entry(lincoln), timing={"seconds": 40, "template_used": False})
    ruiz.sync(sent)
    with app.app_context():
        park = db.session.scalar(db.select(User).filter_by(username="sgt.park"))
        workflow.decide(
            park,
            uuid.UUID(sent["id"]),
            1,
            "return",
            "Say more.",
            decided_at=datetime.now(UTC),
            client_addr=None,
        )
        db.session.commit()
    lunch = {"name": "Lunch", "fields": {"location": "cafeteria", "actions": ["none"]}}
    calls = [
        ("/api/v1/session", "GET", {}),
        ("/api/v1/schema", "GET", {}),
        ("/api/v1/sync", "POST", {"json": {"entries": [sent, envelope({}), {"id": True}, "x"]}}),
        ("/api/v1/sync", "POST", {"json": {"entries": [sent] * 101}}),
        ("/api/v1/sync", "POST", {"data": "{", "content_type": "application/json"}),
        ("/api/v1/entries", "GET", {}),
        ("/api/v1/entries", "GET", {"query_string": "since=1"}),
        ("/api/v1/templates", "POST", {"json": lunch}),
        ("/api/v1/templates", "POST", {"json": {"name": "", "fields": {"narrative": "x"}}}),
        ("/api/v1/templates", "GET", {}),
    ]
    for path, method, kwargs in calls:
        response = client.open(path, method=method, headers={"X-CSRFToken": token}, **kwargs)
        conforms(document, path, method.lower(), response)
    kept = client.get("/api/v1/templates").get_json()["templates"][0]["id"]
    for template_id in (kept, kept, 10**30):
        response = client.delete(f"/api/v1/templates/{template_id}", headers={"X-CSRFToken": token})
        conforms(document, "/api/v1/templates/{template_id}", "delete", response)
    conforms(document, "/api/v1/sync", "post", client.post("/api/v1/sync", json={"entries": []}))
    client.post(
        "/logout", data={"csrf_token": form_token(client.get("/entries").get_data(as_text=True))}
    )
    conforms(document, "/api/v1/session", "get", client.get("/api/v1/session"))


# --- Schemathesis against the live server ---------------------------------------------------


@pytest.fixture
def officer_session(live_server, lincoln) -> requests.Session:
    """The auth hook: a session signed in as officer Ruiz through /login, which sends the
    session cookie with every request and the X-CSRFToken header the API gave it."""
    session = requests.Session()
    page = session.get(f"{live_server.url}/login").text
    session.post(
        f"{live_server.url}/login",
        allow_redirects=False,
        data={"username": "ofc.ruiz", "password": PASSWORD, "csrf_token": form_token(page)},
    )
    reply = session.get(f"{live_server.url}/api/v1/session")
    assert reply.status_code == 200, reply.text
    session.headers["X-CSRFToken"] = reply.json()["csrf_token"]
    return session


def within_the_officer_s_reach(body: object, school_id: int) -> None:
    """Point each generated school id at the officer's school and each well-formed time at the
    last hour, so fuzzed entries get past those two rules to the rest (and some are stored);
    malformed values are sent as generated."""
    sent = body.get("entries") if isinstance(body, dict) else None
    for item in sent if isinstance(sent, list) else []:
        contact = item.get("contact") if isinstance(item, dict) else None
        if not isinstance(contact, dict):
            continue
        if type(contact.get("school_id")) is int:
            contact["school_id"] = school_id
        if rules.parse_datetime(contact.get("occurred_at")) is not None:
            contact["occurred_at"] = (datetime.now(UTC) - timedelta(hours=1)).isoformat()


def nothing_invalid_stored(app) -> None:
    """Every stored revision passes the rules of its dictionary version as of when it was
    received, and every kept template passes the template rules."""
    with app.app_context():
        for revision in db.session.scalars(db.select(ContactRevision)):
            verdict = entries.check(
                revision.contact.officer,
                revision.content,
                now=revision.received_at,
                version=revision.dictionary_version,
            )
            assert verdict.ok and verdict.entry == revision.content, verdict.errors
        for template in db.session.scalars(db.select(EntryTemplate)):
            kept, errors = rules.check_template({"name": template.name, "fields": template.fields})
            assert not errors and kept["fields"] == template.fields, errors
        db.session.remove()


@SCHEMA.parametrize()
@FUZZ
def test_the_live_api_keeps_its_contract(case, app, live_server, lincoln, officer_session):
    """No 5xx; every status and body as described; nothing invalid stored."""
    within_the_officer_s_reach(case.body, lincoln)
    response = case.call(base_url=live_server.url, session=officer_session)
    case.validate_response(response, checks=CHECKS)
    if case.method != "GET":
        nothing_invalid_stored(app)
