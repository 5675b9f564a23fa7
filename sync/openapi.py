"""The OpenAPI 3.1 description of /api/v1, served at GET /api/v1/openapi.json.

Written from the definitions the server itself works with, never a second copy: the
sync request and result from sync/wire.py's Members; the contact, its students, the
amendment explanation and the templates from logger/rules' field specs (the same specs
/api/v1/schema serves); statuses, roles, flags and limits from their own modules.
JSON Schema does not say everything the rules check (an assigned school, a time not in
the future, one description per student): the rules stay the authority, and a contact
they refuse is an `invalid` result, not a refused request.
"""

from __future__ import annotations

from logger import rules
from logger.core.models import ROLES
from logger.core.models import STATUSES as REVISION_STATUSES
from logger.web.row_ids import ROW_ID_MAX

from . import wire
from .wire import Member, ref

TITLE = "SRO Field Log sync API"
API_VERSION = "1"
CSRF_HEADER = "X-CSRFToken"
JSON = "application/json"
READ = [{"session": []}]
WRITE = [{"session": [], "csrf": []}]


def document(session_cookie: str = "session") -> dict:
    """The whole description (JSON-serialisable); `session_cookie` names the sign-in cookie."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": API_VERSION,
            "description": 'The JSON API of the offline client (DESIGN.md, "Contracts"). '
            "Sign in at /login; send the session cookie with every request "
            f"and the token from GET /api/v1/session as {CSRF_HEADER} with "
            "every write.",
        },
        "security": READ,
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": session_cookie,
                    "description": "The session cookie set by signing in at /login.",
                },
                "csrf": {
                    "type": "apiKey",
                    "in": "header",
                    "name": CSRF_HEADER,
                    "description": "csrf_token from GET /api/v1/session; every write.",
                },
            },
        },
    }


# --- paths --------------------------------------------------------------------------------


def _paths() -> dict:
    paths = {
        "/api/v1/session": {
            "get": _operation(
                "session",
                "The signed-in user, their schools and a CSRF token for the next write.",
                {200: _json("Session")},
                roles=ROLES,
            )
        },
        "/api/v1/schema": {
            "get": _operation(
                "schema",
                "The rules of an entry as data: the client validates with them offline.",
                {200: _json("Rules")},
                roles=ROLES,
            )
        },
        "/api/v1/sync": {
            "post": _operation(
                "sync",
                "Store a batch of entries from the outbox, each exactly once: one result "
                "per entry, in order; one bad entry never fails the others.",
                {
                    200: _json("SyncResponse"),
                    400: _error(
                        "Not JSON, not a batch, or no valid CSRF token.",
                        "bad_request",
                        "csrf_failed",
                    ),
                    413: _error(
                        f"More than {wire.MAX_BATCH} entries, or a body over the size limit.",
                        "too_large",
                    ),
                    503: _error("Busy: nothing was stored; send the batch again.", "busy"),
                },
                body="SyncRequest",
            )
        },
        "/api/v1/entries": {
            "get": _operation(
                "entries",
                "The officer's entries changed since the cursor, and every returned one.",
                {
                    200: _json("EntryPage"),
                    400: _error("A cursor this server did not give out.", "bad_request"),
                },
                parameters=[
                    {
                        "name": "since",
                        "in": "query",
                        "required": False,
                        "description": "The cursor of the previous page; leave it out to "
                        "start from the beginning.",
                        "schema": {"type": "string", "pattern": f"^{wire.CURSOR.pattern}$"},
                    }
                ],
            )
        },
        "/api/v1/templates": {
            "get": _operation(
                "templates",
                "The templates the officer may use, theirs and the district's.",
                {200: _json("TemplateList")},
            ),
            "post": _operation(
                "create_template",
                "Keep the choices sent as one of the officer's templates.",
                {
                    201: _json("CreatedTemplate"),
                    400: _error("No valid CSRF token.", "csrf_failed"),
                    413: _error("A body over the size limit.", "too_large"),
                    422: _json("Invalid", "What is wrong with the template, field by field."),
                },
                body="TemplateRequest",
            ),
        },
        "/api/v1/templates/{template_id}": {
            "delete": _operation(
                "retire_template",
                "Stop offering one of the officer's own templates.",
                {
                    204: {"description": "Retired."},
                    400: _error("No valid CSRF token.", "csrf_failed"),
                    404: _error("No template of this officer's by that id.", "not_found"),
                },
                parameters=[
                    {
                        "name": "template_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 0, "maximum": ROW_ID_MAX},
                    }
                ],
            )
        },
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This description.",
                "security": [],
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {JSON: {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }
    for operations in paths.values():
        for method, operation in operations.items():
            if method != "get":  # a write: the CSRF header too
                operation["security"] = WRITE
    return paths


def _operation(
    operation_id: str,
    summary: str,
    responses: dict,
    *,
    roles=("officer",),
    body: str | None = None,
    parameters: list | None = None,
) -> dict:
    """An operation signed in as one of `roles` (a write also needs the CSRF header)."""
    answers = {**responses, 401: _error("Not signed in.", "login_required")}
    if set(roles) != set(ROLES):
        answers[403] = _error(f"Signed in, but not as {' or '.join(roles)}.", "forbidden")
    operation = {
        "operationId": operation_id,
        "summary": summary,
        "description": f"For: {', '.join(roles)}.",
        "responses": {str(code): answers[code] for code in sorted(answers)},
    }
    if body:
        operation["requestBody"] = {"required": True, "content": {JSON: {"schema": ref(body)}}}
    if parameters:
        operation["parameters"] = parameters
    return operation


def _json(schema: str, description: str = "OK") -> dict:
    return {"description": description, "content": {JSON: {"schema": ref(schema)}}}


def _error(description: str, *slugs: str) -> dict:
    return {
        "description": description,
        "content": {
            JSON: {
                "schema": {
                    "allOf": [ref("Error"), {"properties": {"error": {"enum": list(slugs)}}}]
                }
            }
        },
    }


# --- schemas ------------------------------------------------------------------------------


def _object(members: tuple[Member, ...], **extra) -> dict:
    """The JSON Schema of a wire object declared as Members."""
    return {
        "type": "object",
        "properties": {m.name: m.schema for m in members},
        "required": [m.name for m in members if m.required],
        **extra,
    }


def _schemas() -> dict:
    text_list = {"type": "array", "items": {"type": "string"}}
    return {
        "Error": {
            "type": "object",
            "required": ["error", "message"],
            "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
        },
        "Errors": {
            "type": "object",
            "additionalProperties": {**text_list, "minItems": 1},
            "description": "Field (a dotted path) → the messages the HTML form shows.",
        },
        "Invalid": {
            "type": "object",
            "required": ["error", "errors"],
            "properties": {"error": {"const": "invalid"}, "errors": ref("Errors")},
        },
        "SyncRequest": _object(wire.BATCH),
        "Envelope": _object(wire.ENVELOPE),
        "SyncResult": _object(wire.RESULT, additionalProperties=False),
        "SyncResponse": {
            "type": "object",
            "required": ["results"],
            "properties": {
                "results": {
                    "type": "array",
                    "maxItems": wire.MAX_BATCH,
                    "items": ref("SyncResult"),
                    "description": "One result per entry sent, in order.",
                }
            },
        },
        "Contact": contact_schema(),
        "Student": _fields_object(rules.fields_for(rules.CURRENT_VERSION, rules.STUDENT_FIELDS)),
        "AmendmentExplanation": _nullable(field_schema(rules.AMENDMENT)),
        "Timing": {
            "type": ["object", "null"],
            "required": ["seconds", "template_used"],
            "description": "How long a new entry took on the phone: durations only.",
            "properties": {
                "seconds": {
                    "type": "integer",
                    "minimum": rules.MIN_SECONDS,
                    "maximum": rules.MAX_SECONDS,
                },
                "template_used": {"type": "boolean"},
            },
        },
        "Session": _session_schema(),
        "Rules": _rules_schema(),
        "EntryPage": {
            "type": "object",
            "required": ["officer_id", "entries", "cursor", "more"],
            "properties": {
                "officer_id": {"type": "integer"},
                "entries": {"type": "array", "items": ref("Entry")},
                "cursor": {"type": "string", "pattern": f"^{wire.CURSOR.pattern}$"},
                "more": {"type": "boolean"},
            },
        },
        "Entry": _entry_schema(),
        "TemplateRequest": {
            "type": "object",
            "required": ["name", "fields"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": rules.NAME_MAX},
                "fields": _template_fields(minProperties=1),
            },
        },
        "Template": {
            "type": "object",
            "required": ["id", "name", "fields", "district"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "fields": _template_fields(),
                "district": {"type": "boolean"},
            },
            "additionalProperties": False,
        },
        "TemplateList": {
            "type": "object",
            "required": ["templates"],
            "properties": {"templates": {"type": "array", "items": ref("Template")}},
        },
        "CreatedTemplate": {
            "type": "object",
            "required": ["template"],
            "properties": {"template": ref("Template")},
        },
    }


def contact_schema(version: int = rules.CURRENT_VERSION) -> dict:
    """The JSON Schema of a contact, from the rules' field specs of a dictionary version."""
    schema = _fields_object(rules.fields_for(version))
    schema["properties"][rules.VERSION_FIELD] = {
        "enum": [*rules.DICTIONARY_VERSIONS, None],
        "description": "The data dictionary version the client checked the entry with.",
    }
    schema["properties"]["students"]["items"] = ref("Student")
    schema["description"] = (
        "An entry's fields, as the rules of GET /api/v1/schema describe "
        'them. A field that does not apply is dropped; a blank (null, "", '
        "[]) counts as not given."
    )
    return schema


def _fields_object(specs) -> dict:
    """An object of fields from their specs, nested by dotted name. When a field applies or is
    required depends on other fields: x-applies-when and x-required-when carry the rules'
    conditions as GET /api/v1/schema states them (as if/then, twenty conditions would make a
    schema no generator can expand)."""
    schema = {"type": "object", "properties": {}, "required": []}
    for spec in specs:
        *parents, leaf = spec.name.split(".")
        place = schema
        for part in parents:
            place = place["properties"].setdefault(
                part, {"type": ["object", "null"], "properties": {}}
            )
        if spec.required is True and spec.applies_when is None:
            place.setdefault("required", []).append(leaf)
            place["properties"][leaf] = _given(spec)
            continue
        place["properties"][leaf] = _nullable(field_schema(spec))
        for keyword, condition in (
            ("x-applies-when", spec.applies_when),
            ("x-required-when", spec.required),
        ):
            if isinstance(condition, dict):
                place["properties"][leaf][keyword] = condition
        if spec.required is True:
            place["properties"][leaf]["x-required-when"] = spec.applies_when
    return schema


def field_schema(spec: rules.Field) -> dict:
    """The JSON Schema of one field's value (not yet allowing a blank)."""
    schema = {"title": spec.label, **({"description": spec.hint} if spec.hint else {})}
    if spec.type == "choice":
        schema["enum"] = list(spec.choices)
    elif spec.type == "choices":
        schema.update(type="array", items={"enum": list(spec.choices)})
        if spec.exclusive:
            schema.update(
                {
                    "if": {"contains": {"const": spec.exclusive}},
                    "then": {"items": {"const": spec.exclusive}},
                }
            )
    elif spec.type == "text":
        schema.update(type="string", maxLength=spec.max_length)
        if spec.min_length:
            schema["minLength"] = spec.min_length
    elif spec.type == "integer":
        schema.update(type="integer", minimum=spec.min, maximum=spec.max)
    elif spec.type == "school":
        schema.update(
            type="integer",
            description="One of the officer's assigned schools (GET /api/v1/session).",
        )
    elif spec.type == "datetime":
        schema.update(type="string", format="date-time")
    elif spec.type == "students":
        schema.update(
            type="array",
            maxItems=spec.max,
            description=(f"One description per student counted in {spec.count_field}."),
        )
    else:
        schema["type"] = spec.type  # boolean
    return schema


def _nullable(schema: dict) -> dict:
    """A value that may also be left blank (null)."""
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], None]}
    return {**schema, "type": [schema["type"], "null"]}


def _given(spec: rules.Field) -> dict:
    """A field's value that is not blank."""
    schema = field_schema(spec)
    if spec.type in ("choices", "students"):
        schema["minItems"] = 1
    elif spec.type == "text":
        schema.update(pattern=r"\S", minLength=spec.min_length or 1)
    return schema


def _template_fields(**extra) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        **extra,
        "properties": {
            name: field_schema(rules.FIELDS_BY_NAME[name]) for name in rules.TEMPLATE_FIELDS
        },
    }


def _session_schema() -> dict:
    school = {
        "type": "object",
        "required": ["id", "code", "name", "level"],
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "name": {"type": "string"},
            "level": {"type": "string"},
        },
    }
    return {
        "type": "object",
        "required": ["user", "schools", "csrf_token"],
        "properties": {
            "user": {
                "type": "object",
                "required": ["id", "username", "role"],
                "properties": {
                    "id": {"type": "integer"},
                    "username": {"type": "string"},
                    "role": {"enum": list(ROLES)},
                },
            },
            "schools": {"type": "array", "items": school},
            "csrf_token": {"type": "string", "minLength": 1},
        },
    }


def _rules_schema() -> dict:
    """rules.describe(): its parts named; each field spec as Field.to_json() writes it."""
    kinds = sorted({spec.type for spec in (*rules.FIELDS, *rules.STUDENT_FIELDS, rules.AMENDMENT)})
    spec = {
        "type": "object",
        "required": ["name", "type", "label", "required", "messages"],
        "properties": {
            "name": {"type": "string"},
            "type": {"enum": kinds},
            "label": {"type": "string"},
            "required": {"type": ["boolean", "object"]},
            "messages": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
    parts = set(rules.describe())
    return {
        "type": "object",
        "required": sorted(parts),
        "properties": {
            **{part: {} for part in parts},
            "version": {"const": rules.SPEC_VERSION},
            "fields": {"type": "array", "items": spec},
            "student_fields": {"type": "array", "items": spec},
            "amendment": spec,
        },
    }


def _entry_schema() -> dict:
    review = {
        "type": ["object", "null"],
        "required": ["decision", "revision", "comment", "decided_at"],
        "properties": {
            "decision": {"enum": list(rules.DECISIONS)},
            "revision": {"type": "integer", "minimum": 1},
            "comment": {"type": ["string", "null"]},
            "decided_at": {"type": "string", "format": "date-time"},
        },
    }
    return {
        "type": "object",
        "required": [
            "id",
            "revision",
            "status",
            "dictionary_version",
            "received_at",
            "flags",
            "contact",
            "review",
        ],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "revision": {"type": "integer", "minimum": 1},
            "status": {"enum": list(REVISION_STATUSES)},
            "dictionary_version": {"enum": list(rules.DICTIONARY_VERSIONS)},
            "received_at": {"type": "string", "format": "date-time"},
            "flags": {"type": "array", "items": {"enum": list(rules.FLAGS)}},
            "contact": {
                "type": "object",
                "description": "As stored, under the rules of its dictionary_version.",
            },
            "review": review,
        },
    }
