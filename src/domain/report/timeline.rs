//! A line element's data: users per day, week (from Monday) or month of a datetime field, in
//! the report's time zone, every bucket from the first to the last included (empty ones as 0).

use chrono_tz::Tz;
use std::collections::HashMap;

use super::grouping::USERS;
use super::slots::{local, TimeStep};
use super::style::Bucket;
use crate::domain::table::{Cell, Table};

/// The most points a line has: ten years of days. Values further apart than that are counted
/// by the next longer bucket (week, then month), so an outlier cannot make a million rows.
pub const MAX_POINTS: i64 = 3_660;

fn step(bucket: Bucket) -> TimeStep {
    match bucket {
        Bucket::Day => TimeStep::Days(1),
        Bucket::Week => TimeStep::Weeks(1),
        Bucket::Month => TimeStep::Months(1),
    }
}

/// `[<field>, "Users"]`: one row per bucket start (`YYYY-MM-DD`) with its number of users.
/// Users without a value are not counted.
pub fn line<'a>(field: &str, values: impl Iterator<Item = &'a Cell>, bucket: Bucket, zone: Tz) -> Table {
    let times: Vec<_> =
        values.filter_map(|cell| if let Cell::DateTime(at) = cell { Some(local(at, zone)) } else { None }).collect();
    let mut table = Table::with_columns([field, USERS]);
    let (Some(min), Some(max)) = (times.iter().min(), times.iter().max()) else { return table };
    let buckets = [Bucket::Day, Bucket::Week, Bucket::Month];
    let step = buckets[buckets.iter().position(|b| *b == bucket).unwrap_or(0)..]
        .iter()
        .map(|b| step(*b))
        .find(|step| step.slot(*max) - step.slot(*min) < MAX_POINTS)
        .unwrap_or(TimeStep::Months(1));

    let mut counts: HashMap<i64, i64> = HashMap::new();
    for at in &times {
        *counts.entry(step.slot(*at)).or_insert(0) += 1;
    }
    for slot in step.slot(*min)..=step.slot(*max) {
        let Some(start) = step.start(slot) else { continue };
        table
            .rows
            .push(vec![Cell::Text(start.format("%Y-%m-%d").to_string()), Cell::Integer(counts.get(&slot).copied().unwrap_or(0))]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use chrono_tz::UTC;

    fn at(y: i32, m: u32, d: u32, h: u32) -> Cell {
        Cell::DateTime(Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap())
    }

    fn points(table: &Table) -> Vec<(String, i64)> {
        table.rows.iter().map(|row| (row[0].to_string(), row[1].as_f64().unwrap() as i64)).collect()
    }

    #[test]
    fn days_in_order_with_empty_days_as_zero() {
        let values = [at(2026, 11, 3, 9), Cell::Empty, at(2026, 11, 1, 9), at(2026, 11, 3, 18)];
        let table = line("Signed in", values.iter(), Bucket::Day, UTC);
        assert_eq!(table.columns, vec!["Signed in", "Users"]);
        assert_eq!(points(&table), vec![("2026-11-01".into(), 1), ("2026-11-02".into(), 0), ("2026-11-03".into(), 2)]);
    }

    #[test]
    fn weeks_start_on_monday() {
        // Sunday 2026-11-08 and Monday 2026-11-09 fall in two weeks; Monday 11-02 starts the first.
        let values = [at(2026, 11, 8, 12), at(2026, 11, 9, 12), at(2026, 11, 4, 12)];
        let table = line("Signed in", values.iter(), Bucket::Week, UTC);
        assert_eq!(points(&table), vec![("2026-11-02".into(), 2), ("2026-11-09".into(), 1)]);
    }

    #[test]
    fn months_end_on_their_last_day() {
        let values = [at(2026, 1, 31, 23), at(2026, 2, 1, 0), at(2026, 2, 28, 23), at(2026, 4, 30, 12)];
        let table = line("Signed in", values.iter(), Bucket::Month, UTC);
        assert_eq!(
            points(&table),
            vec![("2026-01-01".into(), 1), ("2026-02-01".into(), 2), ("2026-03-01".into(), 0), ("2026-04-01".into(), 1)]
        );
    }

    #[test]
    fn buckets_follow_the_report_time_zone() {
        // 23:30 UTC on Oct 31 is Nov 1 in Paris, and still Oct 31 in New York.
        let late = Cell::DateTime(Utc.with_ymd_and_hms(2026, 10, 31, 23, 30, 0).unwrap());
        let paris = line("Signed in", [late.clone()].iter(), Bucket::Month, chrono_tz::Europe::Paris);
        assert_eq!(points(&paris), vec![("2026-11-01".into(), 1)]);
        let new_york = line("Signed in", [late.clone()].iter(), Bucket::Day, chrono_tz::America::New_York);
        assert_eq!(points(&new_york), vec![("2026-10-31".into(), 1)]);
        // Across a daylight-saving change (Paris, 2026-10-25) days stay calendar days.
        let values = [at(2026, 10, 24, 22), at(2026, 10, 25, 23)];
        let table = line("Signed in", values.iter(), Bucket::Day, chrono_tz::Europe::Paris);
        assert_eq!(points(&table), vec![("2026-10-25".into(), 1), ("2026-10-26".into(), 1)]);
    }

    #[test]
    fn no_value_makes_no_point_and_far_apart_values_stay_bounded() {
        assert!(line("Signed in", [Cell::Empty].iter(), Bucket::Day, UTC).rows.is_empty());
        let values = [at(1, 1, 1, 0), at(9999, 12, 31, 0)];
        let table = line("Signed in", values.iter(), Bucket::Day, UTC);
        assert_eq!(table.rows.len(), 9999 * 12);
        assert_eq!(table.rows[0][0], Cell::Text("0001-01-01".into()));
        assert_eq!(table.rows.iter().map(|row| row[1].as_f64().unwrap()).sum::<f64>(), 2.0);
    }
}
