//! The feedback grid's choices as the page's URL carries them: the user grid's (`filter`,
//! `view`, `q`, `sort`, `order`, `page`, `per_page`, see [`GridParams`]) plus the type entry
//! (`type=Bug`) and a status (`status=new`), so a link reproduces the grid and plain GET forms
//! drive it without JavaScript.

use serde::{Deserialize, Serialize};

use super::super::grid_params::GridParams;
use super::super::url::encode_component;
use super::TicketStatus;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FeedbackParams {
    pub grid: GridParams,
    /// The type entry (a type's name); none: All.
    pub type_name: Option<String>,
    pub status: Option<TicketStatus>,
}

impl FeedbackParams {
    /// Reads the parameters leniently, as [`GridParams::from_query`] does.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            type_name: get("type").map(|t| t.trim().to_string()).filter(|t| !t.is_empty()),
            status: get("status").and_then(|s| TicketStatus::parse(&s)),
            grid: GridParams::from_query(get),
        }
    }

    /// The query string (with its `?`, empty when everything is at its default).
    pub fn query_string(&self) -> String {
        let mut query = self.grid.query_string();
        let mut add = |pair: String| {
            query.push(if query.is_empty() { '?' } else { '&' });
            query.push_str(&pair);
        };
        if let Some(name) = &self.type_name {
            add(format!("type={}", encode_component(name)));
        }
        if let Some(status) = self.status {
            add(format!("status={}", status.as_str()));
        }
        query
    }

    pub fn at_page(&self, page: u32) -> Self {
        Self { grid: self.grid.at_page(page), ..self.clone() }
    }

    pub fn sorted_by(&self, column: usize) -> Self {
        Self { grid: self.grid.sorted_by(column), ..self.clone() }
    }

    /// The same grid for another type entry (`None`: All), from its first page.
    pub fn of_type(&self, type_name: Option<&str>) -> Self {
        Self { type_name: type_name.map(str::to_string), grid: self.grid.at_page(1), ..self.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(query: &[(&str, &str)]) -> FeedbackParams {
        let map: HashMap<String, String> = query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        FeedbackParams::from_query(|name| map.get(name).cloned())
    }

    #[test]
    fn a_link_reproduces_the_feedback_grid() {
        let params = parse(&[("type", "Feature request"), ("status", "in_progress"), ("filter", "2"), ("page", "3")]);
        assert_eq!(params.query_string(), "?filter=2&page=3&type=Feature%20request&status=in_progress");
        assert_eq!(parse(&[("status", "done")]).status, None);
        assert_eq!(parse(&[]).query_string(), "");
        assert_eq!(params.of_type(None).query_string(), "?filter=2&status=in_progress");
    }
}
