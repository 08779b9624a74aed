//! The feedback grid's fields: a built-in data group `Ticket` (Type, Title, Status, Created,
//! Updated, Comments) beside every field the user grid offers about the submitter, so the
//! same filters and views run over tickets ("bugs from testers on the Pro plan").

use super::super::fields::FieldType;
use super::super::filter::SchemaField;
use super::super::filter::USER_ACCOUNT;
use super::super::grid::{View, ViewColumn};
use super::super::listener::{project_schema, GroupField};

/// The built-in data group of a ticket's own fields.
pub const TICKET: &str = "Ticket";

/// The ticket's own fields, as filters and views name them.
pub fn ticket_fields() -> Vec<SchemaField> {
    let field = |name: &str, field_type| SchemaField { data_group: TICKET.into(), field: name.into(), field_type };
    vec![
        field("Type", FieldType::String),
        field("Title", FieldType::String),
        field("Status", FieldType::String),
        field("Created", FieldType::DateTime),
        field("Updated", FieldType::DateTime),
        field("Comments", FieldType::Integer),
    ]
}

/// What a feedback filter or view may name: the ticket's fields, then the submitter's (the
/// built-in groups and the project's own), in the order the builders list them.
pub fn ticket_schema(project_fields: &[GroupField]) -> Vec<SchemaField> {
    let mut schema = ticket_fields();
    schema.extend(project_schema(project_fields));
    schema
}

/// What the feedback grid shows when no view is chosen.
pub fn default_ticket_view() -> View {
    let columns = [(TICKET, "Type"), (TICKET, "Title"), (TICKET, "Status"), (USER_ACCOUNT, "Email"), (TICKET, "Created")];
    View { columns: columns.into_iter().map(|(group, field)| ViewColumn::new(group, field)).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::filter::{Combine, Criterion, Filter, Qualifier, Test};
    use crate::domain::grid::data_groups;

    fn plan() -> Vec<GroupField> {
        vec![GroupField { data_group: "App data".into(), field_id: 7, label: "Plan".into(), field_type: FieldType::String }]
    }

    #[test]
    fn ticket_fields_come_first_then_the_submitters() {
        let groups: Vec<String> = data_groups(&ticket_schema(&plan())).into_iter().map(|(group, _)| group).collect();
        assert_eq!(groups, [TICKET, "User account", "Participation", "App data"]);
    }

    #[test]
    fn one_filter_names_ticket_and_submitter_fields() {
        let filter = Filter {
            combine: Combine::All,
            criteria: vec![
                Criterion {
                    data_group: "ticket".into(),
                    field: "type".into(),
                    qualifier: Qualifier::Is,
                    value: Some("Bug".into()),
                },
                Criterion {
                    data_group: "App data".into(),
                    field: "Plan".into(),
                    qualifier: Qualifier::Is,
                    value: Some("Pro".into()),
                },
            ],
        };
        let checked = filter.check(&ticket_schema(&plan())).unwrap();
        assert_eq!(checked.criteria()[0].data_group, TICKET);
        assert_eq!(checked.criteria()[0].test, Test::TextIs("Bug".into()));
    }

    #[test]
    fn the_default_view_resolves() {
        let columns = default_ticket_view().resolve(&ticket_schema(&[]), "view.columns").unwrap();
        assert_eq!(columns.len(), 5);
    }
}
