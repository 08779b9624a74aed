//! Counting users by value: one field's counts and two fields' cross-tab. Values group exactly
//! as stored (`"pro"` and `"Pro"` are two groups), except integers with many distinct values
//! and datetimes, which group into at most [`MAX_RANGES`] equal ranges.

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use std::collections::{HashMap, HashSet};

use super::slots::{local, TimeStep, RANGE_STEPS};
use crate::domain::fields::FieldType;
use crate::domain::table::{Cell, Table};

/// Integers with more distinct values than this are grouped into ranges.
pub const MAX_DISTINCT_INTEGERS: usize = 20;
/// The most ranges integers or datetimes are grouped into.
pub const MAX_RANGES: usize = 12;
/// The name of the count column of a one-field table.
pub const USERS: &str = "Users";
/// The name of the count column when a feedback element counts tickets.
pub const TICKETS: &str = "Tickets";
/// The name of a cross-tab's last column.
pub const TOTAL: &str = "Total";

/// The group a value counts in: the value itself, a range (by its index), or no value.
/// Text borrows from the users' values, so counting 100k users copies no string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group<'a> {
    Boolean(bool),
    Integer(i64),
    DateTime(DateTime<Utc>),
    Text(&'a str),
    Range(usize),
    Empty,
}

/// How one field's values are grouped, decided from all of them.
#[derive(Debug, Clone, PartialEq)]
pub enum Grouping {
    Exact,
    /// `count` ranges of `width` integers, the first starting at `first`.
    Integers {
        first: i128,
        width: i128,
        count: usize,
    },
    /// `count` consecutive calendar slots of `step` in `zone`, the first numbered `first`.
    Times {
        step: TimeStep,
        first: i64,
        count: usize,
        zone: Tz,
    },
}

impl Grouping {
    /// The grouping for a field of `field_type` holding `values`.
    pub fn of<'a>(field_type: FieldType, values: impl Iterator<Item = &'a Cell>, zone: Tz) -> Self {
        match field_type {
            FieldType::Integer => integer_ranges(values).unwrap_or(Grouping::Exact),
            FieldType::DateTime => time_ranges(values, zone).unwrap_or(Grouping::Exact),
            FieldType::Boolean | FieldType::String => Grouping::Exact,
        }
    }

    fn is_ranged(&self) -> bool {
        !matches!(self, Grouping::Exact)
    }

    /// The group `cell` counts in.
    pub fn group<'a>(&self, cell: &'a Cell) -> Group<'a> {
        match (self, cell) {
            (_, Cell::Empty) => Group::Empty,
            (Grouping::Integers { first, width, .. }, Cell::Integer(n)) => {
                Group::Range(((i128::from(*n) - first) / width) as usize)
            }
            (Grouping::Times { step, first, zone, .. }, Cell::DateTime(at)) => {
                Group::Range((step.slot(local(at, *zone)) - first) as usize)
            }
            (_, Cell::Boolean(b)) => Group::Boolean(*b),
            (_, Cell::Integer(n)) => Group::Integer(*n),
            (_, Cell::DateTime(at)) => Group::DateTime(*at),
            (_, Cell::Text(text)) => Group::Text(text),
            // Fractional numbers are never stored; grouping one exactly would need a hashable float.
            (_, Cell::Number(_)) => Group::Empty,
        }
    }

    /// The cell a table shows for `group`: the value, a range's label, or empty.
    pub fn label(&self, group: Group<'_>) -> Cell {
        match (self, group) {
            (_, Group::Empty) => Cell::Empty,
            (_, Group::Boolean(b)) => Cell::Boolean(b),
            (_, Group::Integer(n)) => Cell::Integer(n),
            (_, Group::DateTime(at)) => Cell::DateTime(at),
            (_, Group::Text(text)) => Cell::Text(text.to_string()),
            (Grouping::Integers { first, width, .. }, Group::Range(index)) => {
                let start = first + width * index as i128;
                Cell::Text(format!("{start}–{}", start + width - 1))
            }
            (Grouping::Times { step, first, .. }, Group::Range(index)) => Cell::Text(step.range_label(first + index as i64)),
            (Grouping::Exact, Group::Range(index)) => Cell::Integer(index as i64),
        }
    }

    /// The groups in the order a table lists them: ranges in their own order (every range,
    /// counted or not, so a histogram has no holes); values by count descending, then value;
    /// no value last.
    pub fn ordered<'a>(&self, counts: &HashMap<Group<'a>, i64>) -> Vec<Group<'a>> {
        let mut groups: Vec<Group<'a>> = match self {
            Grouping::Integers { count, .. } | Grouping::Times { count, .. } => (0..*count).map(Group::Range).collect(),
            Grouping::Exact => {
                let mut values: Vec<(Group<'a>, i64)> =
                    counts.iter().filter(|(group, _)| **group != Group::Empty).map(|(group, n)| (*group, *n)).collect();
                values.sort_by(|(a, n), (b, m)| m.cmp(n).then_with(|| a.cmp(b)));
                values.into_iter().map(|(group, _)| group).collect()
            }
        };
        debug_assert!(self.is_ranged() || !groups.contains(&Group::Empty));
        if counts.contains_key(&Group::Empty) {
            groups.push(Group::Empty);
        }
        groups
    }
}

/// Ranges of round width (1, 2, 5 × 10ⁿ) starting on a multiple of it, the narrowest that
/// makes at most [`MAX_RANGES`] of them; `None` when the values are few enough to show as they are.
fn integer_ranges<'a>(values: impl Iterator<Item = &'a Cell>) -> Option<Grouping> {
    let mut distinct = HashSet::new();
    let (mut min, mut max) = (i64::MAX, i64::MIN);
    for cell in values {
        if let Cell::Integer(n) = cell {
            if distinct.len() <= MAX_DISTINCT_INTEGERS {
                distinct.insert(*n);
            }
            min = min.min(*n);
            max = max.max(*n);
        }
    }
    if distinct.len() <= MAX_DISTINCT_INTEGERS {
        return None;
    }
    let (min, max) = (i128::from(min), i128::from(max));
    let mut magnitude: i128 = 1;
    loop {
        for factor in [1, 2, 5] {
            let width = factor * magnitude;
            let first = min.div_euclid(width) * width;
            let count = max.div_euclid(width) - min.div_euclid(width) + 1;
            if count <= MAX_RANGES as i128 {
                return Some(Grouping::Integers { first, width, count: count as usize });
            }
        }
        magnitude *= 10;
    }
}

/// The shortest round calendar step that puts every datetime into at most [`MAX_RANGES`]
/// slots; `None` when there is no datetime.
fn time_ranges<'a>(values: impl Iterator<Item = &'a Cell>, zone: Tz) -> Option<Grouping> {
    let (mut min, mut max): (Option<NaiveDateTime>, Option<NaiveDateTime>) = (None, None);
    for cell in values {
        if let Cell::DateTime(at) = cell {
            let at = local(at, zone);
            min = Some(min.map_or(at, |min| min.min(at)));
            max = Some(max.map_or(at, |max| max.max(at)));
        }
    }
    let (min, max) = (min?, max?);
    let step = RANGE_STEPS.into_iter().find(|step| step.slot(max) - step.slot(min) < MAX_RANGES as i64)?;
    let first = step.slot(min);
    Some(Grouping::Times { step, first, count: (step.slot(max) - first + 1) as usize, zone })
}

fn count<'a>(grouping: &Grouping, values: impl Iterator<Item = &'a Cell>) -> HashMap<Group<'a>, i64> {
    let mut counts = HashMap::new();
    for cell in values {
        *counts.entry(grouping.group(cell)).or_insert(0) += 1;
    }
    counts
}

/// `[<field>, "Users"]`: one row per value (or range) with its number of users.
pub fn counts(field: &str, field_type: FieldType, values: &[&Cell], zone: Tz) -> Table {
    let grouping = Grouping::of(field_type, values.iter().copied(), zone);
    let counts = count(&grouping, values.iter().copied());
    let mut table = Table::with_columns([field, USERS]);
    for group in grouping.ordered(&counts) {
        let n = counts.get(&group).copied().unwrap_or(0);
        table.rows.push(vec![grouping.label(group), Cell::Integer(n)]);
    }
    table
}

/// `[<field 1>, <each value of field 2>…, "Total"]`: one row per value of the first field,
/// counting users by the second field's value. Both fields group as in [`counts`].
pub fn cross_tab(fields: [(&str, FieldType); 2], pairs: &[(&Cell, &Cell)], zone: Tz) -> Table {
    let [(first_name, first_type), (_, second_type)] = fields;
    let rows = Grouping::of(first_type, pairs.iter().map(|(a, _)| *a), zone);
    let columns = Grouping::of(second_type, pairs.iter().map(|(_, b)| *b), zone);
    let row_groups = rows.ordered(&count(&rows, pairs.iter().map(|(a, _)| *a)));
    let column_groups = columns.ordered(&count(&columns, pairs.iter().map(|(_, b)| *b)));
    let row_index: HashMap<Group, usize> = row_groups.iter().enumerate().map(|(i, g)| (*g, i)).collect();
    let column_index: HashMap<Group, usize> = column_groups.iter().enumerate().map(|(i, g)| (*g, i)).collect();

    let mut grid = vec![vec![0_i64; column_groups.len()]; row_groups.len()];
    for (a, b) in pairs {
        grid[row_index[&rows.group(a)]][column_index[&columns.group(b)]] += 1;
    }

    let mut names = vec![first_name.to_string()];
    names.extend(column_groups.iter().map(|group| columns.label(*group).to_string()));
    names.push(TOTAL.into());
    let mut table = Table { columns: names, rows: Vec::with_capacity(row_groups.len()) };
    for (group, counts) in row_groups.iter().zip(grid) {
        let mut row = Vec::with_capacity(counts.len() + 2);
        row.push(rows.label(*group));
        let total = counts.iter().sum();
        row.extend(counts.into_iter().map(Cell::Integer));
        row.push(Cell::Integer(total));
        table.rows.push(row);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::UTC;

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    fn rows_of(table: &Table) -> Vec<(String, i64)> {
        table.rows.iter().map(|row| (row[0].to_string(), row[1].as_f64().unwrap() as i64)).collect()
    }

    #[test]
    fn counts_by_count_then_value_with_empty_last() {
        let values =
            [text("pro"), Cell::Empty, text("basic"), text("Pro"), text("pro"), text("basic"), text("team"), Cell::Empty];
        let refs: Vec<&Cell> = values.iter().collect();
        let table = counts("Plan", FieldType::String, &refs, UTC);
        assert_eq!(table.columns, vec!["Plan", "Users"]);
        // "Pro" and "pro" are two groups; ties (basic, pro: 2) order by value, "Pro" < "team".
        assert_eq!(table.rows[0], vec![text("basic"), Cell::Integer(2)]);
        assert_eq!(
            rows_of(&table),
            vec![("basic".into(), 2), ("pro".into(), 2), ("Pro".into(), 1), ("team".into(), 1), ("(empty)".into(), 2)]
        );
        assert_eq!(table.rows.last().unwrap()[0], Cell::Empty);
    }

    #[test]
    fn booleans_and_few_integers_count_as_they_are() {
        let values = [Cell::Boolean(true), Cell::Boolean(false), Cell::Boolean(true)];
        let refs: Vec<&Cell> = values.iter().collect();
        assert_eq!(counts("Beta", FieldType::Boolean, &refs, UTC).rows[0], vec![Cell::Boolean(true), Cell::Integer(2)]);

        let values: Vec<Cell> = (1..=20).map(Cell::Integer).chain([Cell::Integer(20)]).collect();
        let refs: Vec<&Cell> = values.iter().collect();
        let table = counts("Seats", FieldType::Integer, &refs, UTC);
        assert_eq!(table.rows.len(), 20, "20 distinct integers are not grouped");
        assert_eq!(table.rows[0], vec![Cell::Integer(20), Cell::Integer(2)]);
        assert_eq!(table.rows[1], vec![Cell::Integer(1), Cell::Integer(1)]);
    }

    #[test]
    fn many_integers_group_into_at_most_twelve_round_ranges() {
        // 21 distinct values, 3 to 118: ranges of 10 starting at 0.
        let values: Vec<Cell> = (0..20).map(|i| Cell::Integer(3 + i * 5)).chain([Cell::Integer(118), Cell::Empty]).collect();
        let refs: Vec<&Cell> = values.iter().collect();
        let table = counts("Seats", FieldType::Integer, &refs, UTC);
        assert_eq!(table.rows.len(), 12 + 1);
        assert_eq!(table.rows[0], vec![text("0–9"), Cell::Integer(2)]);
        assert_eq!(table.rows[1], vec![text("10–19"), Cell::Integer(2)]);
        assert_eq!(table.rows[11], vec![text("110–119"), Cell::Integer(1)]);
        assert_eq!(table.rows[12], vec![Cell::Empty, Cell::Integer(1)]);
        let total: i64 = table.rows.iter().map(|row| row[1].as_f64().unwrap() as i64).sum();
        assert_eq!(total, values.len() as i64);
    }

    #[test]
    fn integer_ranges_keep_empty_ranges_and_handle_negatives_and_extremes() {
        let mut values: Vec<Cell> = (0..21).map(|i| Cell::Integer(-50 + i)).collect();
        values.push(Cell::Integer(49));
        let refs: Vec<&Cell> = values.iter().collect();
        let table = counts("Delta", FieldType::Integer, &refs, UTC);
        assert_eq!(table.rows.first().unwrap()[0], text("-50–-41"));
        assert_eq!(table.rows.last().unwrap()[0], text("40–49"));
        assert!(table.rows.iter().any(|row| row[1] == Cell::Integer(0)), "empty ranges are kept");

        let mut values: Vec<Cell> = (0..21).map(Cell::Integer).collect();
        values.extend([Cell::Integer(i64::MIN), Cell::Integer(i64::MAX)]);
        let refs: Vec<&Cell> = values.iter().collect();
        let table = counts("Huge", FieldType::Integer, &refs, UTC);
        assert!(table.rows.len() <= MAX_RANGES);
        let total: i64 = table.rows.iter().map(|row| row[1].as_f64().unwrap() as i64).sum();
        assert_eq!(total, 23);
    }

    #[test]
    fn datetimes_group_into_calendar_ranges_in_the_report_zone() {
        let at = |d: u32, h: u32| Cell::DateTime(Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap());
        // Eight days: one range per day (half days would make sixteen).
        let values = [at(1, 10), at(1, 23), at(3, 8), at(8, 12)];
        let refs: Vec<&Cell> = values.iter().collect();
        let table = counts("Signed in", FieldType::DateTime, &refs, UTC);
        assert_eq!(
            rows_of(&table),
            vec![
                ("2026-11-01".into(), 2),
                ("2026-11-02".into(), 0),
                ("2026-11-03".into(), 1),
                ("2026-11-04".into(), 0),
                ("2026-11-05".into(), 0),
                ("2026-11-06".into(), 0),
                ("2026-11-07".into(), 0),
                ("2026-11-08".into(), 1)
            ]
        );
        // In Paris 23:00 UTC is the next day.
        let table = counts("Signed in", FieldType::DateTime, &refs, chrono_tz::Europe::Paris);
        assert_eq!(rows_of(&table)[..2], [("2026-11-01".into(), 1), ("2026-11-02".into(), 1)]);
        // Within a day: hour ranges.
        let values = [at(1, 1), at(1, 13)];
        let refs: Vec<&Cell> = values.iter().collect();
        let table = counts("Signed in", FieldType::DateTime, &refs, UTC);
        assert_eq!(table.rows[0][0], text("2026-11-01 00:00–01:59"));
        assert_eq!(table.rows.len(), 7);

        // Ten weeks: weekly ranges from Monday.
        let values = [at(2, 0), at(30, 0), Cell::DateTime(Utc.with_ymd_and_hms(2027, 1, 5, 0, 0, 0).unwrap())];
        let refs: Vec<&Cell> = values.iter().collect();
        let table = counts("Signed in", FieldType::DateTime, &refs, UTC);
        assert!(table.rows.len() <= MAX_RANGES);
        assert_eq!(table.rows[0][0], text("2026-11-02–2026-11-08"));
        // Years apart: half years, then years.
        let values = [at(2, 0), Cell::DateTime(Utc.with_ymd_and_hms(2031, 6, 1, 0, 0, 0).unwrap())];
        let refs: Vec<&Cell> = values.iter().collect();
        let table = counts("Signed in", FieldType::DateTime, &refs, UTC);
        assert_eq!(table.rows[0][0], text("2026-07–2026-12"));
        assert_eq!(table.rows.len(), 10);
        let values = [at(2, 0), Cell::DateTime(Utc.with_ymd_and_hms(2035, 6, 1, 0, 0, 0).unwrap())];
        let refs: Vec<&Cell> = values.iter().collect();
        let table = counts("Signed in", FieldType::DateTime, &refs, UTC);
        assert_eq!(table.rows[0][0], text("2026"));
        assert_eq!(table.rows.len(), 10);
    }

    #[test]
    fn a_cross_tab_counts_pairs_with_a_total_column() {
        let pairs_owned = [
            (text("pro"), Cell::Boolean(true)),
            (text("pro"), Cell::Boolean(false)),
            (text("pro"), Cell::Boolean(true)),
            (text("basic"), Cell::Boolean(true)),
            (Cell::Empty, Cell::Empty),
        ];
        let pairs: Vec<(&Cell, &Cell)> = pairs_owned.iter().map(|(a, b)| (a, b)).collect();
        let table = cross_tab([("Plan", FieldType::String), ("Beta", FieldType::Boolean)], &pairs, UTC);
        assert_eq!(table.columns, vec!["Plan", "true", "false", "(empty)", "Total"]);
        assert_eq!(
            table.rows,
            vec![
                vec![text("pro"), Cell::Integer(2), Cell::Integer(1), Cell::Integer(0), Cell::Integer(3)],
                vec![text("basic"), Cell::Integer(1), Cell::Integer(0), Cell::Integer(0), Cell::Integer(1)],
                vec![Cell::Empty, Cell::Integer(0), Cell::Integer(0), Cell::Integer(1), Cell::Integer(1)],
            ]
        );
    }
}
