//! Calendar slots in a report's time zone: the ranges datetimes are grouped into and the
//! day / week / month buckets of a line. A slot is numbered so that consecutive slots have
//! consecutive numbers, which makes "every bucket from the first to the last" a range.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use chrono_tz::Tz;

/// A length of calendar time. Weeks start on Monday; months and years are calendar ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeStep {
    Minutes(i64),
    Hours(i64),
    Days(i64),
    Weeks(i64),
    Months(i64),
    Years(i64),
}

/// The steps datetime ranges are chosen from, shortest first: each divides the next unit
/// evenly, so ranges start on round times (06:00, Mondays, quarters, decades).
pub const RANGE_STEPS: [TimeStep; 28] = [
    TimeStep::Minutes(1),
    TimeStep::Minutes(5),
    TimeStep::Minutes(10),
    TimeStep::Minutes(15),
    TimeStep::Minutes(30),
    TimeStep::Hours(1),
    TimeStep::Hours(2),
    TimeStep::Hours(3),
    TimeStep::Hours(6),
    TimeStep::Hours(12),
    TimeStep::Days(1),
    TimeStep::Weeks(1),
    TimeStep::Weeks(2),
    TimeStep::Months(1),
    TimeStep::Months(2),
    TimeStep::Months(3),
    TimeStep::Months(6),
    TimeStep::Years(1),
    TimeStep::Years(2),
    TimeStep::Years(5),
    TimeStep::Years(10),
    TimeStep::Years(20),
    TimeStep::Years(50),
    TimeStep::Years(100),
    TimeStep::Years(200),
    TimeStep::Years(500),
    TimeStep::Years(1000),
    TimeStep::Years(10000),
];

/// 1970-01-05, the first Monday after the epoch: weeks are counted from it.
const MONDAY_OFFSET_DAYS: i64 = 4;

/// The wall-clock time of `at` in `zone`.
pub fn local(at: &DateTime<Utc>, zone: Tz) -> NaiveDateTime {
    at.with_timezone(&zone).naive_local()
}

impl TimeStep {
    /// The number of the slot holding the local time `at`.
    pub fn slot(&self, at: NaiveDateTime) -> i64 {
        let minutes = at.and_utc().timestamp().div_euclid(60);
        let days = minutes.div_euclid(24 * 60);
        match *self {
            TimeStep::Minutes(n) => minutes.div_euclid(n),
            TimeStep::Hours(n) => minutes.div_euclid(60 * n),
            TimeStep::Days(n) => days.div_euclid(n),
            TimeStep::Weeks(n) => (days - MONDAY_OFFSET_DAYS).div_euclid(7 * n),
            TimeStep::Months(n) => (i64::from(at.year()) * 12 + i64::from(at.month0())).div_euclid(n),
            TimeStep::Years(n) => i64::from(at.year()).div_euclid(n),
        }
    }

    /// The local time slot `slot` starts at (`None` past the calendar's end).
    pub fn start(&self, slot: i64) -> Option<NaiveDateTime> {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?.and_hms_opt(0, 0, 0)?;
        let after = |minutes: i64| epoch.checked_add_signed(TimeDelta::try_minutes(minutes)?);
        match *self {
            TimeStep::Minutes(n) => after(slot.checked_mul(n)?),
            TimeStep::Hours(n) => after(slot.checked_mul(n * 60)?),
            TimeStep::Days(n) => after(slot.checked_mul(n * 24 * 60)?),
            TimeStep::Weeks(n) => after((slot.checked_mul(7 * n)? + MONDAY_OFFSET_DAYS).checked_mul(24 * 60)?),
            TimeStep::Months(n) => {
                let month = slot.checked_mul(n)?;
                let year = i32::try_from(month.div_euclid(12)).ok()?;
                NaiveDate::from_ymd_opt(year, month.rem_euclid(12) as u32 + 1, 1)?.and_hms_opt(0, 0, 0)
            }
            TimeStep::Years(n) => NaiveDate::from_ymd_opt(i32::try_from(slot.checked_mul(n)?).ok()?, 1, 1)?.and_hms_opt(0, 0, 0),
        }
    }

    /// The label of a range of one slot: its first and last moment at the step's precision,
    /// joined by an en dash (`2026-11-02–2026-11-08`), or one moment when the slot is one unit
    /// long (`2026-11-02`, `2026-11`, `2026`).
    pub fn range_label(&self, slot: i64) -> String {
        let Some(start) = self.start(slot) else { return String::new() };
        // The last moment shown is the next slot's start less one unit of the precision shown.
        let next = self.start(slot + 1);
        match *self {
            TimeStep::Minutes(_) | TimeStep::Hours(_) => {
                let last = next.map(|next| next - TimeDelta::minutes(1));
                match last {
                    Some(last) if *self == TimeStep::Minutes(1) || last == start => start.format("%Y-%m-%d %H:%M").to_string(),
                    Some(last) if last.date() == start.date() => {
                        format!("{}–{}", start.format("%Y-%m-%d %H:%M"), last.format("%H:%M"))
                    }
                    Some(last) => format!("{}–{}", start.format("%Y-%m-%d %H:%M"), last.format("%Y-%m-%d %H:%M")),
                    None => start.format("%Y-%m-%d %H:%M").to_string(),
                }
            }
            TimeStep::Days(1) => start.format("%Y-%m-%d").to_string(),
            TimeStep::Days(_) | TimeStep::Weeks(_) => match next {
                Some(next) => format!("{}–{}", start.format("%Y-%m-%d"), (next - TimeDelta::days(1)).format("%Y-%m-%d")),
                None => start.format("%Y-%m-%d").to_string(),
            },
            TimeStep::Months(1) => start.format("%Y-%m").to_string(),
            TimeStep::Months(n) => {
                let last = TimeStep::Months(1).start(slot * n + n - 1);
                match last {
                    Some(last) => format!("{}–{}", start.format("%Y-%m"), last.format("%Y-%m")),
                    None => start.format("%Y-%m").to_string(),
                }
            }
            TimeStep::Years(1) => start.format("%Y").to_string(),
            TimeStep::Years(n) => format!("{}–{}", start.year(), i64::from(start.year()) + n - 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn weeks_start_on_monday() {
        let week = TimeStep::Weeks(1);
        // 2026-11-02 is a Monday, 2026-11-08 the Sunday after it.
        assert_eq!(week.slot(at(2026, 11, 2, 0, 0)), week.slot(at(2026, 11, 8, 23, 59)));
        assert_eq!(week.slot(at(2026, 11, 9, 0, 0)), week.slot(at(2026, 11, 8, 23, 59)) + 1);
        assert_eq!(week.start(week.slot(at(2026, 11, 5, 12, 0))), Some(at(2026, 11, 2, 0, 0)));
        assert_eq!(week.range_label(week.slot(at(2026, 11, 5, 12, 0))), "2026-11-02–2026-11-08");
        // Before the epoch too.
        assert_eq!(week.start(week.slot(at(1969, 12, 31, 0, 0))), Some(at(1969, 12, 29, 0, 0)));
    }

    #[test]
    fn months_end_where_the_calendar_ends_them() {
        let month = TimeStep::Months(1);
        assert_eq!(month.slot(at(2026, 2, 28, 23, 59)) + 1, month.slot(at(2026, 3, 1, 0, 0)));
        assert_eq!(month.slot(at(2024, 2, 29, 12, 0)), month.slot(at(2024, 2, 1, 0, 0)));
        assert_eq!(month.slot(at(2026, 12, 31, 23, 59)) + 1, month.slot(at(2027, 1, 1, 0, 0)));
        assert_eq!(month.range_label(month.slot(at(2026, 12, 31, 0, 0))), "2026-12");
        let quarter = TimeStep::Months(3);
        assert_eq!(quarter.range_label(quarter.slot(at(2026, 11, 15, 0, 0))), "2026-10–2026-12");
    }

    #[test]
    fn range_labels_show_first_and_last_moment() {
        let hours = TimeStep::Hours(6);
        assert_eq!(hours.range_label(hours.slot(at(2026, 11, 1, 7, 30))), "2026-11-01 06:00–11:59");
        let day = TimeStep::Days(1);
        assert_eq!(day.range_label(day.slot(at(2026, 11, 1, 7, 30))), "2026-11-01");
        let decade = TimeStep::Years(10);
        assert_eq!(decade.range_label(decade.slot(at(2026, 1, 1, 0, 0))), "2020–2029");
        assert_eq!(TimeStep::Years(1).range_label(2026), "2026");
    }

    #[test]
    fn local_time_follows_the_zone() {
        let utc = Utc.with_ymd_and_hms(2026, 11, 1, 23, 30, 0).unwrap();
        assert_eq!(local(&utc, chrono_tz::Europe::Paris), at(2026, 11, 2, 0, 30));
        assert_eq!(local(&utc, chrono_tz::America::New_York), at(2026, 11, 1, 18, 30));
    }
}
