"""Rules of the management API that JSON Schema cannot state, for scripts/api-contract.

Schemathesis generates request bodies from /api/v1/openapi.json; everything a schema can say
(patterns, formats, enums, lengths, additionalProperties: false) is said there, so a body that
fits is accepted. What is left is listed here, each rule once, and each is also written in the
operation's 422 description in the document:

- a listener's fields: labels unique ignoring case, parameters unique, no parameter inside
  another (`account` and `account.plan`) -- relations between array items;
- a filter's criteria name fields of the project -- the state, not the shape;
- a listener's data group is not a built-in one (User account, Participation, Ticket, any case);
- unknown_user "create" needs identify_by "email" -- a relation between members;
- PATCH: key, identify_by and data_group are accepted only unchanged, field_id must be one of
  the listener's mappings, and a new mapping (no field_id) needs a type -- the state again;
- a view's columns name fields of the project, each once ignoring case -- the state, and a
  relation between array items;
- the grid's sort names columns of its view, each once -- a relation between members;
- a report's time zone is an IANA name -- a list no pattern holds;
- a report element's style fits its data (one field for a pie, a date for a line, none for a
  number), a project figure takes no fields, the values figure no filter, and a community
  element names only the fields every project has, with its filter written out and is not
  over feedback -- relations between members, and the state;
- a distribution's schedule names weekdays when weekly and a day when monthly, ends no earlier
  than it starts, names teams of projects that exist and has one recipient at least --
  relations between members, and the state;
- a project's team names staff that exist -- the state;
- feedback names a type the project has (not retired) and a submitter who is one of its users
  -- the state; a listener of type create_feedback has a `feedback` mapping, an
  external_data one has none and at least one field, and no ticket parameter is also a
  field's -- relations between members.

The hooks bring a generated body within these rules (rather than discarding it, which would
starve the generator); they never make a body leave its schema. Schemathesis's coverage phase
does not run hooks, so scripts/api-contract skips that phase for these operations only.
"""

import schemathesis

# What scripts/api-contract seeds; the operations' path parameters point at them.
SEEDED = {"key": "appdata", "identify_by": "email", "data_group": "App data"}
BUILT_IN_GROUPS = {"user account", "participation", "ticket"}
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


# Fields the seeded project always has: the built-in ones ("App data" is renamed by PATCH).
KNOWN_COLUMNS = [
    {"data_group": "User account", "field": "Email"},
    {"data_group": "User account", "field": "Username"},
    {"data_group": "User account", "field": "Display name"},
    {"data_group": "User account", "field": "Created"},
    {"data_group": "Participation", "field": "Status"},
    {"data_group": "Participation", "field": "Joined"},
]
# The default view (no view) and the seeded view 1 both have five columns.
SEEDED_VIEW_COLUMNS = 5


def _known_columns(columns):
    """As many known columns, each once, as the body asked for (at least one)."""
    return [dict(c) for c in KNOWN_COLUMNS[: max(1, min(len(columns), len(KNOWN_COLUMNS)))]]


def _known_view_and_sort(body):
    """A written-out view takes known columns; the sort keeps the keys that name a column of
    the view, each once."""
    view = body.get("view")
    columns = SEEDED_VIEW_COLUMNS
    if isinstance(view, dict) and isinstance(view.get("columns"), list):
        view["columns"] = _known_columns(view["columns"])
        columns = len(view["columns"])
    sort = body.get("sort")
    if isinstance(sort, list):
        kept, seen = [], set()
        for key in sort:
            column = key.get("column") if isinstance(key, dict) else None
            if isinstance(column, int) and 0 <= column < columns and column not in seen:
                seen.add(column)
                kept.append(key)
        body["sort"] = kept


def _criteria_known(body):
    if isinstance(body.get("criteria"), list) and body["criteria"]:
        body["criteria"] = [dict(VALID_CRITERION)]


@schemathesis.hook("map_body").apply_to(operation_id=["createFilter", "updateFilter"])
def saved_filter_within_rules(ctx, body):
    if isinstance(body, dict):
        _criteria_known(body)
    return body


@schemathesis.hook("map_body").apply_to(operation_id=["createView", "updateView"])
def saved_view_within_rules(ctx, body):
    if isinstance(body, dict) and isinstance(body.get("columns"), list):
        body["columns"] = _known_columns(body["columns"])
    return body


@schemathesis.hook("map_body").apply_to(
    operation_id=["queryGrid", "exportGridCsv", "exportGridXlsx", "queryFeedbackGrid", "exportFeedbackGridCsv", "exportFeedbackGridXlsx"]
)
def grid_within_rules(ctx, body):
    if isinstance(body, dict):
        _known_filter(body)
        _known_view_and_sort(body)
    return body


# What scripts/api-contract seeds for feedback: a type that is never retired, and a user.
FEEDBACK_TYPE = "Idea"
FEEDBACK_SUBMITTER = "ada"


@schemathesis.hook("map_body").apply_to(operation_id="createFeedback")
def feedback_within_rules(ctx, body):
    if isinstance(body, dict):
        if "type" in body:
            body["type"] = FEEDBACK_TYPE
        if "submitter" in body:
            body["submitter"] = FEEDBACK_SUBMITTER
    return body


@schemathesis.hook("map_body").apply_to(operation_id="updateFeedback")
def feedback_patch_within_rules(ctx, body):
    if isinstance(body, dict) and body.get("type") is not None:
        body["type"] = FEEDBACK_TYPE
    return body


@schemathesis.hook("map_query").apply_to(operation_id="listFeedback")
def feedback_list_within_rules(ctx, query):
    if isinstance(query, dict):
        if "filter" in query:
            query["filter"] = "1"  # the seeded saved filter
        if "type" in query:
            query["type"] = FEEDBACK_TYPE
    return query


def _listener_type_within_rules(body):
    """create_feedback has a ticket mapping whose parameters are not the fields'; external_data
    has none, and at least one field."""
    if body.get("type") == "create_feedback":
        mapping = body.get("feedback")
        if not isinstance(mapping, dict):
            mapping = body["feedback"] = {"title": "title", "default_type": "Bug"}
        mapping["default_type"] = "Bug"
        taken = {str(f.get("parameter", "")).strip() for f in body.get("fields", []) if isinstance(f, dict)}
        for member in ["title", "description", "type_parameter"]:
            parameter = mapping.get(member)
            nested = parameter is not None and any(
                p == parameter or p.startswith(str(parameter) + ".") or str(parameter).startswith(p + ".") for p in taken
            )
            if nested and member == "title":
                mapping["title"] = "ticket_title_" + str(len(taken))
                while mapping["title"] in taken:
                    mapping["title"] += "_"
            elif nested:
                mapping.pop(member)
            if mapping.get(member) is not None:
                taken.add(str(mapping[member]).strip())
    else:
        body.pop("feedback", None)
        if not body.get("fields"):
            body["fields"] = [{"label": "Plan", "parameter": "plan", "type": "string"}]


@schemathesis.hook("map_body").apply_to(operation_id="createListener")
def listener_within_rules(ctx, body):
    if isinstance(body, dict):
        if isinstance(body.get("fields"), list):
            body["fields"] = _distinct_fields(body["fields"])
        _listener_type_within_rules(body)
        if body.get("unknown_user") == "create":
            body["identify_by"] = "email"
        if str(body.get("data_group", "")).strip().lower() in BUILT_IN_GROUPS:
            body["data_group"] = SEEDED["data_group"]
        _known_filter(body)
    return body


@schemathesis.hook("map_body").apply_to(operation_id="updateListener")
def patch_within_rules(ctx, body):
    if isinstance(body, dict):
        body.pop("feedback", None)  # path.key is the seeded external_data listener
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


@schemathesis.hook("map_body").apply_to(
    operation_id=["createReport", "updateReport", "createCommunityReport", "updateCommunityReport"]
)
def report_within_rules(ctx, body):
    if isinstance(body, dict) and body.get("time_zone") is not None:
        body["time_zone"] = "Europe/Berlin"
    return body


# For each style, built-in fields that fit it (every project has them, the community too).
FITTING_DATA = {
    "number": [],
    "list": [{"data_group": "User account", "field": "Email"}],
    "table": [{"data_group": "Participation", "field": "Status"}],
    "bar": [{"data_group": "Participation", "field": "Status"}],
    "column": [{"data_group": "Participation", "field": "Status"}, {"data_group": "User account", "field": "Username"}],
    "pie": [{"data_group": "Participation", "field": "Status"}],
    "donut": [{"data_group": "Participation", "field": "Status"}],
    "line": [{"data_group": "Participation", "field": "Joined"}],
    "distribution": [{"data_group": "User account", "field": "Created"}],
}


def _element_within_rules(body, community, whole):
    """Makes style, source, data and filter agree. A PATCH (`whole` false) that touches any of
    them is given all of them, so the element as a whole fits whatever it was before."""
    members = ("style", "source", "data", "figure", "filter")
    if not whole and all(body.get(m) is None for m in members):
        return body
    style = body.get("style") or "table"
    if style not in FITTING_DATA:
        return body  # a negative case (a style that is no style): left for the server to refuse
    body["style"] = style
    if body.get("source") == "project" and style == "number":
        if community and body.get("figure") == "values_last_7_days":
            body["figure"] = "users"
        body["data"] = []
    elif body.get("source") == "feedback" and not community:
        # The ticket schema holds every built-in field too; saved filter 1 (users') picks the
        # submitters.
        body["data"] = [dict(field) for field in FITTING_DATA[style]]
    else:
        body["source"] = "users"
        body["data"] = [dict(field) for field in FITTING_DATA[style]]
    if body.get("figure") == "values_last_7_days":
        body["filter"] = None
    elif isinstance(body.get("filter"), int):
        body["filter"] = None if community else 1
    elif isinstance(body.get("filter"), dict):
        _criteria_known(body["filter"])
    return body


@schemathesis.hook("map_body").apply_to(operation_id="addReportElement")
def new_element_within_rules(ctx, body):
    if isinstance(body, dict):
        _element_within_rules(body, community=False, whole=True)
    return body


@schemathesis.hook("map_body").apply_to(operation_id="addCommunityReportElement")
def new_community_element_within_rules(ctx, body):
    if isinstance(body, dict):
        _element_within_rules(body, community=True, whole=True)
    return body


@schemathesis.hook("map_body").apply_to(operation_id="updateReportElement")
def element_patch_within_rules(ctx, body):
    if isinstance(body, dict):
        _element_within_rules(body, community=False, whole=False)
    return body


@schemathesis.hook("map_body").apply_to(operation_id="updateCommunityReportElement")
def community_element_patch_within_rules(ctx, body):
    if isinstance(body, dict):
        _element_within_rules(body, community=True, whole=False)
    return body


# Distributions: what scripts/api-contract seeds for them.
SEEDED_STAFF = "pm@example.com"
SEEDED_ADDRESS = "ada@example.com"


@schemathesis.hook("map_body").apply_to(operation_id="setTeam")
def team_of_seeded_staff(ctx, body):
    """A team names staff that exist: the seeded project manager."""
    if isinstance(body, dict) and isinstance(body.get("staff"), list) and body["staff"]:
        body["staff"] = [SEEDED_STAFF]
    return body


def _schedule_within_rules(body):
    """A weekly schedule names its weekdays, a monthly one its day; the end is not before the
    start; teams are projects that exist (the seeded one)."""
    if body.get("frequency") == "weekly" and not body.get("weekdays"):
        body["weekdays"] = ["mon"]
    if body.get("frequency") == "monthly" and body.get("day_of_month") is None:
        body["day_of_month"] = 1
    start, end = body.get("start_date"), body.get("end_date")
    if isinstance(end, str):
        if not isinstance(start, str) or end < start:
            body["start_date"] = end
    if isinstance(body.get("teams"), list) and body["teams"]:
        body["teams"] = ["contract"]
    if isinstance(body.get("emails"), list) and not body["emails"] and not body.get("teams"):
        body["emails"] = [SEEDED_ADDRESS]


@schemathesis.hook("map_body").apply_to(operation_id="createDistribution")
def distribution_within_rules(ctx, body):
    if isinstance(body, dict):
        if not body.get("emails") and not body.get("teams"):
            body["emails"] = [SEEDED_ADDRESS]
        _schedule_within_rules(body)
    return body


@schemathesis.hook("map_body").apply_to(operation_id="updateDistribution")
def distribution_change_within_rules(ctx, body):
    """As when creating one; the seeded distribution is weekly from 2027-01-04 with no end,
    to the seeded address."""
    if isinstance(body, dict):
        if body.get("frequency") is None and body.get("weekdays") == []:
            body["weekdays"] = ["mon"]
        _schedule_within_rules(body)
    return body
