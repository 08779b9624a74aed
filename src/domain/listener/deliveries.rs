//! Which of a listener's deliveries to list: newest first, a page at a time, optionally only
//! the accepted or only the rejected ones, so that every rejected delivery can be found and
//! replayed once the listener is fixed, not only the latest few.

use serde::{Deserialize, Serialize};

use super::Delivery;
use crate::domain::ValidationError;

/// How a delivery's outcome is spelled, in the API, query strings and the database.
pub fn outcome_name(accepted: bool) -> &'static str {
    if accepted {
        "accepted"
    } else {
        "rejected"
    }
}

/// The most deliveries one page may hold.
pub const MAX_DELIVERY_PAGE: u32 = 500;
/// A page's size when none is asked for.
pub const DEFAULT_DELIVERY_PAGE: u32 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryQuery {
    /// Only the accepted (`true`) or only the rejected (`false`) ones.
    pub accepted: Option<bool>,
    /// Only deliveries older than this id: the previous page's `next_before`.
    pub before: Option<i64>,
    /// 1 to `MAX_DELIVERY_PAGE`.
    pub limit: u32,
}

impl DeliveryQuery {
    /// The latest `limit` deliveries, whatever their outcome.
    pub fn latest(limit: u32) -> Self {
        Self { accepted: None, before: None, limit: limit.clamp(1, MAX_DELIVERY_PAGE) }
    }

    /// Reads the query string's `outcome` (accepted or rejected), `before` (a delivery id) and
    /// `limit`, reporting every problem at once.
    pub fn parse(outcome: Option<&str>, before: Option<&str>, limit: Option<&str>) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let accepted = match outcome.map(str::trim) {
            None => None,
            Some("accepted") => Some(true),
            Some("rejected") => Some(false),
            Some(other) => {
                errors.push(ValidationError::new("outcome", format!("'{other}' is not accepted or rejected")));
                None
            }
        };
        let before = before.and_then(|raw| match raw.trim().parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.push(ValidationError::new("before", format!("'{raw}' is not a delivery id (a positive integer)")));
                None
            }
        });
        let limit = match limit.map(|raw| (raw, raw.trim().parse::<u32>())) {
            None => DEFAULT_DELIVERY_PAGE,
            Some((_, Ok(limit))) if (1..=MAX_DELIVERY_PAGE).contains(&limit) => limit,
            Some((raw, _)) => {
                errors.push(ValidationError::new("limit", format!("'{raw}' is not a number from 1 to {MAX_DELIVERY_PAGE}")));
                DEFAULT_DELIVERY_PAGE
            }
        };
        if errors.is_empty() {
            Ok(Self { accepted, before, limit })
        } else {
            Err(errors)
        }
    }

    /// The stored outcome asked for, as the query string and the database spell it.
    pub fn outcome(&self) -> Option<&'static str> {
        self.accepted.map(outcome_name)
    }

    /// Where the next page starts: the oldest id of a full page (`None` after the last page).
    pub fn next_before(&self, page: &[Delivery]) -> Option<i64> {
        if page.len() < self.limit as usize {
            return None;
        }
        page.last().map(|delivery| delivery.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: Vec<ValidationError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn an_empty_query_is_the_latest_page_of_every_outcome() {
        assert_eq!(DeliveryQuery::parse(None, None, None), Ok(DeliveryQuery::latest(DEFAULT_DELIVERY_PAGE)));
        let rejected = DeliveryQuery::parse(Some("rejected"), Some(" 42"), Some("500")).unwrap();
        assert_eq!(rejected, DeliveryQuery { accepted: Some(false), before: Some(42), limit: 500 });
        assert_eq!(DeliveryQuery::parse(Some("accepted"), None, Some("1")).unwrap().accepted, Some(true));
        for outcome in ["accepted", "rejected"] {
            assert_eq!(DeliveryQuery::parse(Some(outcome), None, None).unwrap().outcome(), Some(outcome), "spelled back alike");
        }
    }

    #[test]
    fn every_bad_parameter_is_reported_at_once() {
        let errors = DeliveryQuery::parse(Some("failed"), Some("-3"), Some("501")).unwrap_err();
        assert_eq!(fields(errors), ["outcome", "before", "limit"]);
        for (before, limit) in [("x", "0"), ("0", "ten")] {
            assert_eq!(fields(DeliveryQuery::parse(None, Some(before), Some(limit)).unwrap_err()), ["before", "limit"]);
        }
    }

    #[test]
    fn only_a_full_page_points_to_the_next() {
        let delivery = |id| Delivery { id, ..Default::default() };
        let query = DeliveryQuery::latest(2);
        assert_eq!(query.next_before(&[delivery(9), delivery(7)]), Some(7));
        assert_eq!(query.next_before(&[delivery(9)]), None);
        assert_eq!(query.next_before(&[]), None);
        assert_eq!(DeliveryQuery::latest(0).limit, 1, "a page holds at least one");
    }
}
