"""Rules of the management API that JSON Schema cannot state, for scripts/api-contract.

Schemathesis generates request bodies from /api/v1/openapi.json; everything a schema can say
(patterns, formats, enums, lengths, additionalProperties: false) is said there, so a body that
fits is accepted. What is left is listed here, each rule once, and each is also written in the
operation's 422 description in the document:

- a listener's fields: labels unique ignoring case, parameters unique, no parameter inside
  another (`account` and `account.plan`) -- relations between array items;
- a filter's criteria name fields of the project -- the state, not the shape;
- unknown_user "create" needs identify_by "email" -- a relation between members;
- PATCH: key, identify_by and data_group are accepted only unchanged, field_id must be one of
  the listener's mappings, and a new mapping (no field_id) needs a type -- the state again.

The hooks bring a generated body within these rules (rather than discarding it, which would
starve the generator); they never make a body leave its schema. Schemathesis's coverage phase
does not run hooks, so scripts/api-contract skips that phase for these two operations only.
"""

import schemathesis

# What scripts/api-contract seeds; the operations' path parameters point at them.
SEEDED = {"key": "appdata", "identify_by": "email", "data_group": "App data"}
VALID_CRITERION = {"data_group": "User account", "field": "Email", "qualifier": "contains", "value": "@"}


def _distinct_fields(fields):
    """Keeps the first of each label (ignoring case) and parameter, and drops a parameter that
    reaches inside, or holds, one kept before."""
    kept, labels, parameters = [], set(), []
    for field in fields:
        if not isinstance(field, dict):
            kept.append(field)  # a negative case: left for the server to refuse
            continue
        label = str(field.get("label", "")).strip().lower()
        parameter = str(field.get("parameter", "")).strip()
        nested = any(parameter.startswith(p + ".") or p.startswith(parameter + ".") for p in parameters)
        if label in labels or parameter in parameters or nested:
            continue
        labels.add(label)
        parameters.append(parameter)
        kept.append(field)
    return kept


def _known_filter(body):
    gate = body.get("filter")
    if isinstance(gate, dict) and isinstance(gate.get("criteria"), list) and gate["criteria"]:
        gate["criteria"] = [dict(VALID_CRITERION)]


@schemathesis.hook("map_body").apply_to(operation_id="createListener")
def listener_within_rules(ctx, body):
    if isinstance(body, dict):
        if isinstance(body.get("fields"), list):
            body["fields"] = _distinct_fields(body["fields"])
        if body.get("unknown_user") == "create":
            body["identify_by"] = "email"
        _known_filter(body)
    return body


@schemathesis.hook("map_body").apply_to(operation_id="updateListener")
def patch_within_rules(ctx, body):
    if isinstance(body, dict):
        for member, value in SEEDED.items():
            if body.get(member) is not None:
                body[member] = value
        if isinstance(body.get("fields"), list):
            for field in filter(lambda f: isinstance(f, dict), body["fields"]):
                field.pop("field_id", None)
                if field.get("type") is None:
                    field["type"] = "string"
            body["fields"] = _distinct_fields(body["fields"])
        _known_filter(body)
    return body
