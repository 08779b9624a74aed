//! The user grid's choices as the page's URL carries them (`?filter=3&view=2&sort=1&order=desc&
//! page=2&per_page=100`, or `q=` for a quick search), so a link reproduces the grid and plain
//! GET forms drive it without JavaScript. The page, its server function and the browser's
//! export download read the same parameters the same way.

use serde::{Deserialize, Serialize};

use super::filter::{Combine, Criterion, Filter, Qualifier, USER_ACCOUNT};
use super::grid::{Choice, GridRequest, SortKey, SortOrder, DEFAULT_PER_PAGE, PAGE_SIZES};
use super::url::encode_component;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GridParams {
    /// A saved filter's id; none: everyone (or the quick search).
    pub filter: Option<i64>,
    /// A saved view's id; none: the default view.
    pub view: Option<i64>,
    /// A quick search in email, username and display name, used when no filter is chosen.
    pub search: Option<String>,
    pub sort: Option<SortKey>,
    pub page: u32,
    pub per_page: u32,
}

impl GridParams {
    /// Reads the parameters leniently: a value that does not parse is left at its default, so
    /// a hand-edited link still shows a grid.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let number = |name: &str| get(name).and_then(|v| v.trim().parse::<i64>().ok());
        let order = get("order").and_then(|o| SortOrder::parse(&o)).unwrap_or_default();
        let sort = number("sort").and_then(|c| usize::try_from(c).ok()).map(|column| SortKey { column, order });
        let per_page = number("per_page").and_then(|n| u32::try_from(n).ok()).filter(|n| PAGE_SIZES.contains(n));
        Self {
            filter: number("filter"),
            view: number("view"),
            search: get("q").map(|q| q.trim().to_string()).filter(|q| !q.is_empty()),
            sort,
            page: number("page").and_then(|p| u32::try_from(p).ok()).filter(|p| *p >= 1).unwrap_or(1),
            per_page: per_page.unwrap_or(DEFAULT_PER_PAGE),
        }
    }

    /// The query string (with its `?`, empty when everything is at its default), leaving out
    /// defaults so links stay short.
    pub fn query_string(&self) -> String {
        let mut pairs: Vec<String> = Vec::new();
        if let Some(id) = self.filter {
            pairs.push(format!("filter={id}"));
        } else if let Some(search) = &self.search {
            pairs.push(format!("q={}", encode_component(search)));
        }
        if let Some(id) = self.view {
            pairs.push(format!("view={id}"));
        }
        if let Some(key) = self.sort {
            pairs.push(format!("sort={}&order={}", key.column, key.order.as_str()));
        }
        if self.page > 1 {
            pairs.push(format!("page={}", self.page));
        }
        if self.per_page != DEFAULT_PER_PAGE {
            pairs.push(format!("per_page={}", self.per_page));
        }
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }

    /// The same grid at another page.
    pub fn at_page(&self, page: u32) -> Self {
        Self { page, ..self.clone() }
    }

    /// The grid sorted by `column`: ascending first, then the other way on a second click.
    /// Back to the first page, since the rows there change.
    pub fn sorted_by(&self, column: usize) -> Self {
        let order = match self.sort {
            Some(key) if key.column == column => key.order.reversed(),
            _ => SortOrder::Asc,
        };
        Self { sort: Some(SortKey { column, order }), page: 1, ..self.clone() }
    }

    /// What the grid service runs. The quick search is a filter of its own: any of email,
    /// username and display name contains the words.
    pub fn request(&self) -> GridRequest {
        let filter = match (self.filter, &self.search) {
            (Some(id), _) => Some(Choice::Saved(id)),
            (None, Some(search)) => Some(Choice::Inline(search_filter(search))),
            (None, None) => None,
        };
        GridRequest {
            filter,
            view: self.view.map(Choice::Saved),
            sort: self.sort.into_iter().collect(),
            page: self.page,
            per_page: self.per_page,
        }
    }
}

fn search_filter(search: &str) -> Filter {
    let contains = |data_group: &str, field: &str| Criterion {
        data_group: data_group.into(),
        field: field.into(),
        qualifier: Qualifier::Contains,
        value: Some(search.into()),
    };
    Filter {
        combine: Combine::Any,
        criteria: vec![
            contains(USER_ACCOUNT, "Email"),
            contains(USER_ACCOUNT, "Username"),
            contains(USER_ACCOUNT, "Display name"),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(query: &[(&str, &str)]) -> GridParams {
        let map: HashMap<String, String> = query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        GridParams::from_query(|name| map.get(name).cloned())
    }

    #[test]
    fn a_link_reproduces_the_grid() {
        let params =
            parse(&[("filter", "3"), ("view", "7"), ("sort", "2"), ("order", "desc"), ("page", "4"), ("per_page", "100")]);
        assert_eq!(params.query_string(), "?filter=3&view=7&sort=2&order=desc&page=4&per_page=100");
        let request = params.request();
        assert_eq!(request.filter, Some(Choice::Saved(3)));
        assert_eq!(request.view, Some(Choice::Saved(7)));
        assert_eq!(request.sort, vec![SortKey { column: 2, order: SortOrder::Desc }]);
        assert_eq!((request.page, request.per_page), (4, 100));
    }

    #[test]
    fn defaults_are_left_out_and_bad_values_fall_back() {
        assert_eq!(parse(&[]).query_string(), "");
        let params = parse(&[("page", "0"), ("per_page", "37"), ("sort", "x"), ("filter", "one"), ("q", "  ")]);
        assert_eq!(params, GridParams { page: 1, per_page: DEFAULT_PER_PAGE, ..Default::default() });
        assert_eq!(parse(&[("page", "1"), ("per_page", "50")]).query_string(), "");
    }

    #[test]
    fn sorting_goes_back_to_page_one_and_a_second_click_reverses() {
        let params = parse(&[("page", "3")]);
        let once = params.sorted_by(1);
        assert_eq!(once.sort, Some(SortKey { column: 1, order: SortOrder::Asc }));
        assert_eq!(once.page, 1);
        assert_eq!(once.sorted_by(1).sort, Some(SortKey { column: 1, order: SortOrder::Desc }));
        assert_eq!(once.sorted_by(0).sort, Some(SortKey { column: 0, order: SortOrder::Asc }));
    }

    #[test]
    fn a_quick_search_is_an_any_filter_unless_a_saved_filter_is_chosen() {
        let search = parse(&[("q", " grace ")]);
        assert_eq!(search.query_string(), "?q=grace");
        let Some(Choice::Inline(filter)) = search.request().filter else { panic!("inline filter expected") };
        assert_eq!(filter.combine, Combine::Any);
        assert_eq!(filter.criteria.len(), 3);
        assert!(filter.criteria.iter().all(|c| c.qualifier == Qualifier::Contains && c.value == Some("grace".into())));
        let both = parse(&[("q", "grace"), ("filter", "2")]);
        assert_eq!(both.request().filter, Some(Choice::Saved(2)));
        assert_eq!(both.query_string(), "?filter=2");
    }
}
