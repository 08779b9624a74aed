//! What a batch of deliveries changes, worked out in memory once the users' stored values
//! are read; shared by both backends' writers.

use chrono::{DateTime, Utc};
use std::collections::HashMap;

use super::{DeliveryForRecord, Recorded};
use crate::domain::fields::{FieldType, FieldValue};

pub(in crate::server::store) type Columns = (Option<bool>, Option<i64>, Option<String>, Option<DateTime<Utc>>);

pub(in crate::server::store) fn typed(field_type: FieldType, (b, i, t, at): Columns) -> Option<FieldValue> {
    match field_type {
        FieldType::Boolean => b.map(FieldValue::Boolean),
        FieldType::Integer => i.map(FieldValue::Integer),
        FieldType::String => t.map(FieldValue::String),
        FieldType::DateTime => at.map(FieldValue::DateTime),
    }
}

pub(super) fn columns(value: &FieldValue) -> Columns {
    match value {
        FieldValue::Boolean(b) => (Some(*b), None, None, None),
        FieldValue::Integer(i) => (None, Some(*i), None, None),
        FieldValue::String(t) => (None, None, Some(t.clone()), None),
        FieldValue::DateTime(at) => (None, None, None, Some(*at)),
    }
}

/// A stored value: user, field and the typed columns.
pub(super) type StoredValue = (i64, i64, Option<bool>, Option<i64>, Option<String>, Option<DateTime<Utc>>);

/// One value that differs from what was stored before it.
pub(super) struct Change {
    pub user_id: i64,
    pub field_id: i64,
    pub old: Option<FieldValue>,
    pub new: Option<FieldValue>,
    pub delivery_id: i64,
}

/// What a batch writes: every change in delivery order (for the history), the last value of
/// each (user, field) it touched (set, or cleared), and how many values each delivery changed.
#[derive(Default)]
pub(super) struct Plan {
    pub history: Vec<Change>,
    pub set: Vec<(i64, i64, FieldValue)>,
    pub cleared: Vec<(i64, i64)>,
    changed: Vec<usize>,
}

impl Plan {
    /// What each delivery's recording did, in batch order (`None`: its idempotency key was
    /// taken, so it was not inserted).
    pub fn recorded(&self, delivery_ids: &[Option<i64>]) -> Vec<Recorded> {
        delivery_ids
            .iter()
            .zip(&self.changed)
            .map(|(id, changed)| match id {
                Some(delivery_id) => Recorded::Stored { delivery_id: *delivery_id, changed: *changed, ticket_id: None },
                None => Recorded::DuplicateIdempotencyKey,
            })
            .collect()
    }
}

/// Puts the ids of the tickets a batch opened (by batch index) into what it recorded.
pub(super) fn with_tickets(mut recorded: Vec<Recorded>, tickets: &[Option<i64>]) -> Vec<Recorded> {
    for (recorded, opened) in recorded.iter_mut().zip(tickets) {
        if let Recorded::Stored { ticket_id, .. } = recorded {
            *ticket_id = *opened;
        }
    }
    recorded
}

/// The users whose values a batch may change, ascending and once each: the order in which
/// a writer reads (and on PostgreSQL locks) them.
pub(super) fn users_to_read(batch: &[DeliveryForRecord]) -> Vec<i64> {
    let mut users: Vec<i64> = batch.iter().filter(|d| d.accepted && !d.values.is_empty()).filter_map(|d| d.user_id).collect();
    users.sort_unstable();
    users.dedup();
    users
}

/// Walks the batch's accepted deliveries in order against the users' stored values, each
/// change becoming the "old" of the next one for the same user and field.
pub(super) fn plan_changes(batch: &[DeliveryForRecord], delivery_ids: &[Option<i64>], stored: Vec<StoredValue>) -> Plan {
    let raw: HashMap<(i64, i64), Columns> =
        stored.into_iter().map(|(user, field, b, i, t, at)| ((user, field), (b, i, t, at))).collect();
    let mut latest: HashMap<(i64, i64), Option<FieldValue>> = HashMap::new();
    let mut order: Vec<(i64, i64)> = Vec::new();
    let mut plan = Plan::default();
    for (delivery, id) in batch.iter().zip(delivery_ids) {
        let (Some(delivery_id), Some(user_id), true) = (*id, delivery.user_id, delivery.accepted) else {
            plan.changed.push(0);
            continue;
        };
        let mut changed = 0;
        for (field_id, field_type, new) in &delivery.values {
            let key = (user_id, *field_id);
            let old = match latest.get(&key) {
                Some(value) => value.clone(),
                None => raw.get(&key).cloned().and_then(|columns| typed(*field_type, columns)),
            };
            if old == *new {
                continue;
            }
            changed += 1;
            if !latest.contains_key(&key) {
                order.push(key);
            }
            latest.insert(key, new.clone());
            plan.history.push(Change { user_id, field_id: *field_id, old, new: new.clone(), delivery_id });
        }
        plan.changed.push(changed);
    }
    for key in order {
        match latest.remove(&key) {
            Some(Some(value)) => plan.set.push((key.0, key.1, value)),
            Some(None) => plan.cleared.push(key),
            None => {}
        }
    }
    plan
}

pub(super) fn as_json(value: &FieldValue) -> String {
    serde_json::to_string(value).expect("values serialise")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::store::ValueChange;

    fn accepted(user_id: i64, values: Vec<ValueChange>) -> DeliveryForRecord {
        DeliveryForRecord { user_id: Some(user_id), accepted: true, values, ..Default::default() }
    }

    fn int(n: i64) -> Option<FieldValue> {
        Some(FieldValue::Integer(n))
    }

    #[test]
    fn a_batch_chains_changes_per_user_and_field_in_delivery_order() {
        let first = accepted(7, vec![(1, FieldType::Integer, int(2)), (2, FieldType::Integer, int(5))]);
        let same = accepted(7, vec![(2, FieldType::Integer, int(5))]);
        let rejected = DeliveryForRecord { user_id: Some(7), ..Default::default() };
        let second = accepted(7, vec![(1, FieldType::Integer, int(3)), (2, FieldType::Integer, None)]);
        let other = accepted(8, vec![(1, FieldType::Integer, int(1))]);
        let batch = [first, same, rejected, second, other];
        let stored = vec![(7, 1, None, Some(1), None, None), (8, 1, None, Some(1), None, None)];
        let plan = plan_changes(&batch, &[Some(10), Some(11), Some(12), Some(13), None], stored);

        let history: Vec<_> =
            plan.history.iter().map(|c| (c.user_id, c.field_id, c.old.clone(), c.new.clone(), c.delivery_id)).collect();
        assert_eq!(
            history,
            [(7, 1, int(1), int(2), 10), (7, 2, None, int(5), 10), (7, 1, int(2), int(3), 13), (7, 2, int(5), None, 13)],
            "each change starts where the one before it left; equal values and unrecorded deliveries change nothing"
        );
        assert_eq!(plan.changed, [2, 0, 0, 2, 0]);
        assert_eq!(plan.set, [(7, 1, FieldValue::Integer(3))], "only the last value of each field is written");
        assert_eq!(plan.cleared, [(7, 2)]);
    }
}
