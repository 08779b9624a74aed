//! The user summary (PRODUCT.md §5): every data group of a project — the built-in User
//! account and Participation, then the project's own — with one user's current values, and
//! the history of changes, all as typed cells (`table::Cell`), so the page and the API show a
//! value the way the grid and the exports do.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::fields::{FieldType, FieldValue};
use super::filter::{builtin_fields, builtin_value};
use super::listener::GroupField;
use super::table::Cell;
use super::user::ProjectUser;

/// A user's current value of one of a project's fields, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentValue {
    pub field_id: i64,
    pub value: FieldValue,
    pub updated_at: DateTime<Utc>,
}

/// One field of a data group with the user's value (`Cell::Empty` when they have none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryValue {
    pub field: String,
    pub field_type: FieldType,
    pub value: Cell,
    /// When the value was last stored; `None` when empty, and for built-in fields (their
    /// changes are not recorded).
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryGroup {
    pub data_group: String,
    pub values: Vec<SummaryValue>,
}

/// One recorded change of a value, with the field it changed named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryChange {
    pub data_group: String,
    pub field: String,
    pub old: Cell,
    pub new: Cell,
    pub changed_at: DateTime<Utc>,
    /// The delivery that made the change (`None` once that delivery is deleted).
    pub delivery_id: Option<i64>,
}

/// Every data group of the project with `user`'s values: the built-in groups first, then the
/// project's groups in the order `fields` lists them (by group, then field position). A field
/// without a value is listed, empty: the summary shows what the user lacks too.
pub fn summary_groups(user: &ProjectUser, fields: &[GroupField], values: &[CurrentValue]) -> Vec<SummaryGroup> {
    let builtins = builtin_fields().into_iter().map(|f| {
        let value = Cell::from(builtin_value(user, &f.data_group, &f.field));
        (f.data_group, SummaryValue { field: f.field, field_type: f.field_type, value, updated_at: None })
    });
    let own = fields.iter().map(|f| {
        let current = values.iter().find(|v| v.field_id == f.field_id);
        let value = SummaryValue {
            field: f.label.clone(),
            field_type: f.field_type,
            value: Cell::from(current.map(|v| v.value.clone())),
            updated_at: current.map(|v| v.updated_at),
        };
        (f.data_group.clone(), value)
    });
    let mut groups: Vec<SummaryGroup> = Vec::new();
    for (data_group, value) in builtins.chain(own) {
        match groups.last_mut() {
            Some(group) if group.data_group == data_group => group.values.push(value),
            _ => groups.push(SummaryGroup { data_group, values: vec![value] }),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::project::MembershipStatus;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 10, 0, 0).unwrap()
    }

    fn field(data_group: &str, field_id: i64, label: &str, field_type: FieldType) -> GroupField {
        GroupField { data_group: data_group.into(), field_id, label: label.into(), field_type }
    }

    #[test]
    fn built_in_groups_come_first_then_every_project_field_with_or_without_a_value() {
        let ada = ProjectUser {
            id: 1,
            email: "ada@example.com".into(),
            username: "ada".into(),
            display_name: "Ada Lovelace".into(),
            created_at: at(1),
            status: MembershipStatus::Invited,
            joined_at: at(2),
        };
        let fields = [
            field("App usage", 10, "Sessions", FieldType::Integer),
            field("CRM", 20, "Plan", FieldType::String),
            field("CRM", 21, "Beta opt-in", FieldType::Boolean),
        ];
        let values = [
            CurrentValue { field_id: 21, value: FieldValue::Boolean(false), updated_at: at(5) },
            CurrentValue { field_id: 10, value: FieldValue::Integer(7), updated_at: at(4) },
        ];
        let groups = summary_groups(&ada, &fields, &values);
        let names: Vec<&str> = groups.iter().map(|g| g.data_group.as_str()).collect();
        assert_eq!(names, ["User account", "Participation", "App usage", "CRM"]);
        assert_eq!(groups[0].values[0].value, Cell::Text("ada@example.com".into()));
        assert_eq!(groups[0].values[3].value, Cell::DateTime(at(1)));
        assert_eq!(groups[1].values[0].value, Cell::Text("invited".into()));
        assert_eq!(groups[1].values[1].updated_at, None, "built-in changes are not recorded");
        assert_eq!(groups[2].values[0].value, Cell::Integer(7));
        assert_eq!(groups[2].values[0].updated_at, Some(at(4)));
        let crm = &groups[3].values;
        assert_eq!((crm[0].field.as_str(), &crm[0].value, crm[0].updated_at), ("Plan", &Cell::Empty, None));
        assert_eq!((crm[1].field_type, &crm[1].value), (FieldType::Boolean, &Cell::Boolean(false)));
    }
}
