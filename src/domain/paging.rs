//! Paging for every list: sizes are capped so no request can ask for the whole table.

use serde::{Deserialize, Serialize};

use super::ValidationError;

pub const DEFAULT_PER_PAGE: u32 = 50;
pub const MAX_PER_PAGE: u32 = 200;
/// The highest page number a request may ask for (far past any real list's end).
pub const MAX_PAGE: u32 = 1_000_000;

/// A 1-based page number and a page size, both clamped to sensible bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Self {
        Self { page: page.unwrap_or(1).max(1), per_page: per_page.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE) }
    }

    /// Reads `page` and `per_page` as a query string gives them: a value that is not a whole
    /// number in range (page 1 to `MAX_PAGE`, per_page 1 to `MAX_PER_PAGE`) is refused, named
    /// by its parameter, rather than quietly replaced.
    pub fn parse(page: Option<&str>, per_page: Option<&str>) -> Result<Self, Vec<ValidationError>> {
        let number = |name: &str, raw: Option<&str>, default: u32, max: u32| match raw {
            None => Ok(default),
            Some(raw) => match raw.trim().parse::<u32>() {
                Ok(value) if (1..=max).contains(&value) => Ok(value),
                _ => Err(ValidationError::new(name, format!("'{raw}' is not a whole number from 1 to {max}"))),
            },
        };
        match (number("page", page, 1, MAX_PAGE), number("per_page", per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE)) {
            (Ok(page), Ok(per_page)) => Ok(Self { page, per_page }),
            (page, per_page) => Err([page.err(), per_page.err()].into_iter().flatten().collect()),
        }
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(None, None)
    }
}

/// One page of a list, with what a pager needs to draw itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u32 {
        (self.total.div_ceil(u64::from(self.per_page.max(1)))).max(1) as u32
    }

    pub fn has_previous(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_requests_are_clamped() {
        assert_eq!(PageRequest::new(Some(0), Some(0)), PageRequest { page: 1, per_page: 1 });
        assert_eq!(PageRequest::new(None, Some(10_000)).per_page, MAX_PER_PAGE);
        assert_eq!(PageRequest::new(Some(3), Some(20)).offset(), 40);
    }

    #[test]
    fn query_values_out_of_range_are_refused_by_name() {
        assert_eq!(PageRequest::parse(None, None), Ok(PageRequest { page: 1, per_page: DEFAULT_PER_PAGE }));
        assert_eq!(PageRequest::parse(Some("3"), Some("200")), Ok(PageRequest { page: 3, per_page: 200 }));
        let fields = |page, per_page| -> Vec<String> {
            PageRequest::parse(page, per_page).unwrap_err().into_iter().map(|e| e.field).collect()
        };
        assert_eq!(fields(None, Some("999")), ["per_page"]);
        assert_eq!(fields(Some("0"), Some("0")), ["page", "per_page"]);
        assert_eq!(fields(Some("x"), Some("-1")), ["page", "per_page"]);
        assert_eq!(fields(Some("1000001"), None), ["page"]);
    }

    #[test]
    fn pager_knows_its_neighbours() {
        let page = Page::<()> { items: vec![], total: 101, page: 2, per_page: 50 };
        assert_eq!(page.pages(), 3);
        assert!(page.has_previous() && page.has_next());
        let empty = Page::<()> { items: vec![], total: 0, page: 1, per_page: 50 };
        assert_eq!(empty.pages(), 1);
        assert!(!empty.has_next());
    }
}
