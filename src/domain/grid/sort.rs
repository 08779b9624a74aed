//! The grid's typed sort order: numbers as numbers, times as times, `false` before `true`,
//! text ignoring case in any script; empty values (no value, or an empty text) last whichever
//! the direction. Ties are left to the caller, which breaks them by user. The store sorts in
//! SQL; tests hold its order to this one.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

use crate::domain::table::Cell;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    #[default]
    Asc,
    Desc,
}

impl SortOrder {
    pub fn as_str(&self) -> &'static str {
        match self {
            SortOrder::Asc => "asc",
            SortOrder::Desc => "desc",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "asc" => Some(SortOrder::Asc),
            "desc" => Some(SortOrder::Desc),
            _ => None,
        }
    }

    pub fn reversed(self) -> Self {
        match self {
            SortOrder::Asc => SortOrder::Desc,
            SortOrder::Desc => SortOrder::Asc,
        }
    }
}

/// Sort by the view's column at this index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SortKey {
    pub column: usize,
    #[serde(default)]
    pub order: SortOrder,
}

/// Whether a cell sorts with the empties: no value, or a text with nothing in it (as the
/// filter's `is empty` counts it).
pub fn sorts_as_empty(cell: &Cell) -> bool {
    match cell {
        Cell::Empty => true,
        Cell::Text(text) => text.is_empty(),
        _ => false,
    }
}

/// Orders two cells of one column in `order`, empties last in both directions. Cells of one
/// column share a type; should they not, they order by type so the order stays total.
pub fn compare_cells(a: &Cell, b: &Cell, order: SortOrder) -> Ordering {
    match (sorts_as_empty(a), sorts_as_empty(b)) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => {
            let ascending = ascending(a, b);
            match order {
                SortOrder::Asc => ascending,
                SortOrder::Desc => ascending.reverse(),
            }
        }
    }
}

/// Orders rows by the sort keys in turn (an index past a row's end counts as empty).
pub fn compare_rows(a: &[Cell], b: &[Cell], keys: &[SortKey]) -> Ordering {
    let empty = Cell::Empty;
    keys.iter()
        .map(|key| compare_cells(a.get(key.column).unwrap_or(&empty), b.get(key.column).unwrap_or(&empty), key.order))
        .find(|ordering| ordering.is_ne())
        .unwrap_or(Ordering::Equal)
}

fn ascending(a: &Cell, b: &Cell) -> Ordering {
    match (a, b) {
        (Cell::Boolean(x), Cell::Boolean(y)) => x.cmp(y),
        (Cell::Integer(x), Cell::Integer(y)) => x.cmp(y),
        (Cell::Number(x), Cell::Number(y)) => x.total_cmp(y),
        (Cell::Integer(x), Cell::Number(y)) => (*x as f64).total_cmp(y),
        (Cell::Number(x), Cell::Integer(y)) => x.total_cmp(&(*y as f64)),
        (Cell::DateTime(x), Cell::DateTime(y)) => x.cmp(y),
        (Cell::Text(x), Cell::Text(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        _ => rank(a).cmp(&rank(b)),
    }
}

fn rank(cell: &Cell) -> u8 {
    match cell {
        Cell::Empty => 0,
        Cell::Boolean(_) => 1,
        Cell::Integer(_) | Cell::Number(_) => 2,
        Cell::DateTime(_) => 3,
        Cell::Text(_) => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn sorted(mut cells: Vec<Cell>, order: SortOrder) -> Vec<Cell> {
        cells.sort_by(|a, b| compare_cells(a, b, order));
        cells
    }

    #[test]
    fn numbers_sort_as_numbers_with_empties_last_both_ways() {
        let cells = vec![Cell::Integer(10), Cell::Empty, Cell::Integer(-2), Cell::Integer(9), Cell::Integer(i64::MIN)];
        let ints = |v: &[i64]| v.iter().map(|n| Cell::Integer(*n)).chain([Cell::Empty]).collect::<Vec<_>>();
        assert_eq!(sorted(cells.clone(), SortOrder::Asc), ints(&[i64::MIN, -2, 9, 10]));
        assert_eq!(sorted(cells, SortOrder::Desc), ints(&[10, 9, -2, i64::MIN]));
    }

    #[test]
    fn times_sort_as_times() {
        let at = |y, s| Cell::DateTime(Utc.with_ymd_and_hms(y, 1, 1, 0, 0, s).unwrap());
        let cells = vec![at(2026, 1), Cell::Empty, at(999, 0), at(2026, 0)];
        assert_eq!(sorted(cells.clone(), SortOrder::Asc), vec![at(999, 0), at(2026, 0), at(2026, 1), Cell::Empty]);
        assert_eq!(sorted(cells, SortOrder::Desc), vec![at(2026, 1), at(2026, 0), at(999, 0), Cell::Empty]);
    }

    #[test]
    fn false_sorts_before_true() {
        let cells = vec![Cell::Boolean(true), Cell::Empty, Cell::Boolean(false)];
        assert_eq!(sorted(cells.clone(), SortOrder::Asc), vec![Cell::Boolean(false), Cell::Boolean(true), Cell::Empty]);
        assert_eq!(sorted(cells, SortOrder::Desc), vec![Cell::Boolean(true), Cell::Boolean(false), Cell::Empty]);
    }

    #[test]
    fn text_ignores_case_in_any_script_and_empty_text_is_empty() {
        let text = |s: &str| Cell::Text(s.into());
        let cells = vec![text("b"), text(""), text("Ähre"), text("A"), Cell::Empty, text("äpfel"), text("Z")];
        let asc = sorted(cells.clone(), SortOrder::Asc);
        assert_eq!(asc[..5], [text("A"), text("b"), text("Z"), text("Ähre"), text("äpfel")]);
        assert!(asc[5..].iter().all(sorts_as_empty));
        let desc = sorted(cells, SortOrder::Desc);
        assert_eq!(desc[..5], [text("äpfel"), text("Ähre"), text("Z"), text("b"), text("A")]);
        assert!(desc[5..].iter().all(sorts_as_empty));
        assert_eq!(
            compare_cells(&text("ÉCOLE"), &text("école"), SortOrder::Asc),
            Ordering::Equal,
            "a tie, for the user to break"
        );
    }

    #[test]
    fn rows_sort_by_each_key_in_turn() {
        let row = |plan: &str, seats: Option<i64>| vec![Cell::Text(plan.into()), seats.map_or(Cell::Empty, Cell::Integer)];
        let keys = [SortKey { column: 0, order: SortOrder::Asc }, SortKey { column: 1, order: SortOrder::Desc }];
        let mut rows = vec![row("pro", Some(1)), row("free", Some(3)), row("Pro", None), row("pro", Some(5))];
        rows.sort_by(|a, b| compare_rows(a, b, &keys));
        assert_eq!(rows, vec![row("free", Some(3)), row("pro", Some(5)), row("pro", Some(1)), row("Pro", None)]);
    }

    #[test]
    fn orders_have_stable_names() {
        for order in [SortOrder::Asc, SortOrder::Desc] {
            assert_eq!(SortOrder::parse(order.as_str()), Some(order));
            assert_eq!(serde_json::to_value(order).unwrap(), serde_json::json!(order.as_str()));
            assert_eq!(order.reversed().reversed(), order);
        }
    }
}
