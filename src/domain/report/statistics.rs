//! A distribution element's data: count, minimum, maximum, mean and median of an integer or
//! datetime field. Users without a value are not counted.

use chrono::DateTime;

use crate::domain::fields::FieldType;
use crate::domain::table::{Cell, Table};

pub const STATISTIC: &str = "Statistic";

/// `["Statistic", <field>]` with the rows Count, Min, Max, Mean, Median. An integer field gives
/// integer extremes and a fractional mean and median (`Number`: the median of an even count is
/// the mean of the middle two); a datetime field gives datetimes (to the microsecond). With no
/// value, Count is 0 and the rest are empty.
pub fn distribution<'a>(field: &str, field_type: FieldType, values: impl Iterator<Item = &'a Cell>) -> Table {
    // Datetimes as microseconds since the epoch; i128 so that sums of i64s cannot overflow.
    let mut numbers: Vec<i128> = values
        .filter_map(|cell| match cell {
            Cell::Integer(n) => Some(i128::from(*n)),
            Cell::DateTime(at) => Some(i128::from(at.timestamp_micros())),
            _ => None,
        })
        .collect();
    numbers.sort_unstable();

    let exact = |n: i128| match field_type {
        FieldType::DateTime => micros_cell(n as f64),
        _ => Cell::Integer(n as i64),
    };
    let fractional = |x: f64| match field_type {
        FieldType::DateTime => micros_cell(x),
        _ => Cell::Number(x),
    };
    let (min, max, mean, median) = match (numbers.first(), numbers.last()) {
        (Some(&min), Some(&max)) => {
            let n = numbers.len();
            let mean = numbers.iter().sum::<i128>() as f64 / n as f64;
            let median = if n % 2 == 1 { numbers[n / 2] as f64 } else { (numbers[n / 2 - 1] + numbers[n / 2]) as f64 / 2.0 };
            (exact(min), exact(max), fractional(mean), fractional(median))
        }
        _ => (Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty),
    };

    let mut table = Table::with_columns([STATISTIC, field]);
    for (name, cell) in
        [("Count", Cell::Integer(numbers.len() as i64)), ("Min", min), ("Max", max), ("Mean", mean), ("Median", median)]
    {
        table.rows.push(vec![Cell::Text(name.into()), cell]);
    }
    table
}

fn micros_cell(micros: f64) -> Cell {
    DateTime::from_timestamp_micros(micros.round() as i64).map_or(Cell::Empty, Cell::DateTime)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn column(table: &Table) -> Vec<Cell> {
        table.rows.iter().map(|row| row[1].clone()).collect()
    }

    #[test]
    fn statistics_of_integers_skip_empty_values() {
        let values = [Cell::Integer(4), Cell::Empty, Cell::Integer(1), Cell::Integer(10), Cell::Empty];
        let table = distribution("Seats", FieldType::Integer, values.iter());
        assert_eq!(table.columns, vec!["Statistic", "Seats"]);
        let names: Vec<String> = table.rows.iter().map(|row| row[0].to_string()).collect();
        assert_eq!(names, ["Count", "Min", "Max", "Mean", "Median"]);
        assert_eq!(
            column(&table),
            vec![Cell::Integer(3), Cell::Integer(1), Cell::Integer(10), Cell::Number(5.0), Cell::Number(4.0)]
        );
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        let values = [Cell::Integer(7), Cell::Integer(1), Cell::Integer(2), Cell::Integer(100)];
        let table = distribution("Seats", FieldType::Integer, values.iter());
        assert_eq!(table.rows[4][1], Cell::Number(4.5));
        assert_eq!(table.rows[3][1], Cell::Number(27.5));
    }

    #[test]
    fn no_value_counts_zero_and_leaves_the_rest_empty() {
        let table = distribution("Seats", FieldType::Integer, [Cell::Empty].iter());
        assert_eq!(column(&table), vec![Cell::Integer(0), Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]);
    }

    #[test]
    fn extreme_integers_do_not_overflow() {
        let values = [Cell::Integer(i64::MAX), Cell::Integer(i64::MAX)];
        let table = distribution("Big", FieldType::Integer, values.iter());
        assert_eq!(table.rows[3][1], Cell::Number(i64::MAX as f64));
    }

    #[test]
    fn statistics_of_datetimes_are_datetimes() {
        let at = |d: u32, h: u32| Cell::DateTime(Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap());
        let values = [at(1, 0), at(3, 0), Cell::Empty, at(2, 0), at(4, 0)];
        let table = distribution("Signed in", FieldType::DateTime, values.iter());
        assert_eq!(column(&table), vec![Cell::Integer(4), at(1, 0), at(4, 0), at(2, 12), at(2, 12)]);
    }
}
