//! When a distribution sends: daily, weekly on chosen weekdays or monthly on a day, at a local
//! time of day in an IANA time zone, from a start date to an optional end date.
//!
//! Rules a reader relies on (each has a test below):
//! - The time is wall-clock time in the zone: 08:00 Europe/Berlin is 08:00 local in winter and
//!   in summer, so the UTC instant moves by an hour across a DST change.
//! - A time that does not exist that day (in the spring-forward gap, e.g. 02:30 in Berlin on the
//!   last Sunday of March) runs at the first instant after the gap: the moment the clocks jump
//!   (03:00 local). The run is neither skipped nor moved to the next day.
//! - A time that happens twice (in the autumn overlap, e.g. 02:30 on the last Sunday of
//!   October) runs once, at its first occurrence (the summer-time one).
//! - Monthly on day 29–31 runs on the month's last day in shorter months (the 31st → 30 April,
//!   28 or 29 February): readers of a "month-end" report expect one every month, not a skipped
//!   month. `last` is always the month's last day.
//! - Start and end dates are local dates in the schedule's zone and both are inclusive.
//! - After downtime, [`Schedule::latest_due_slot`] gives the one latest missed slot, so a
//!   distribution whose runs were missed sends once, not once per missed slot.

use chrono::{DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::ValidationError;

/// How often a schedule runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frequency {
    Daily,
    /// On each of these weekdays (never empty).
    Weekly(WeekdaySet),
    Monthly(DayOfMonth),
}

/// Which day of the month a monthly schedule runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayOfMonth {
    /// 1–31; past the month's end it runs on the month's last day.
    Day(u8),
    Last,
}

/// A non-empty set of weekdays, Monday first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekdaySet(u8);

impl WeekdaySet {
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    pub fn days(self) -> impl Iterator<Item = Weekday> {
        (0..7u8).filter(move |i| self.0 & (1 << i) != 0).map(|i| Weekday::try_from(i).expect("0..7 is a weekday"))
    }
}

/// A checked schedule. Build it with [`Schedule::parse`] from the API shape ([`ScheduleSpec`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub frequency: Frequency,
    pub time: NaiveTime,
    pub time_zone: Tz,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

/// `day_of_month` as the API takes it: a number or `"last"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DayOfMonthSpec {
    Number(i64),
    Text(String),
}

/// A schedule as the API and the store spell it. Every field is optional here so that a missing
/// one is reported by name with the others, not as a JSON error.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScheduleSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekdays: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_of_month: Option<DayOfMonthSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(default)]
    pub end_date: Option<String>,
}

const WEEKDAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn parse_weekday(text: &str) -> Option<Weekday> {
    let lower = text.trim().to_ascii_lowercase();
    (0..7u8).map(|i| Weekday::try_from(i).expect("0..7 is a weekday")).find(|day| {
        let i = day.num_days_from_monday() as usize;
        lower == WEEKDAY_NAMES[i] || lower == FULL_WEEKDAY_NAMES[i]
    })
}

const FULL_WEEKDAY_NAMES: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

fn parse_date(field: &str, text: &str) -> Result<NaiveDate, ValidationError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| ValidationError::new(field, format!("'{}' is not a date (YYYY-MM-DD)", text.trim())))
}

fn parse_time(text: &str) -> Result<NaiveTime, ValidationError> {
    let text = text.trim();
    let invalid = || ValidationError::new("time", format!("'{text}' is not a time of day (HH:MM, 00:00–23:59)"));
    let (hours, minutes) = text.split_once(':').ok_or_else(invalid)?;
    if hours.is_empty() || hours.len() > 2 || minutes.len() != 2 {
        return Err(invalid());
    }
    let hours: u32 = hours.parse().map_err(|_| invalid())?;
    let minutes: u32 = minutes.parse().map_err(|_| invalid())?;
    NaiveTime::from_hms_opt(hours, minutes, 0).ok_or_else(invalid)
}

fn parse_time_zone(text: &str) -> Result<Tz, ValidationError> {
    text.trim().parse::<Tz>().map_err(|_| {
        ValidationError::new("time_zone", format!("'{}' is not an IANA time zone (such as Europe/Berlin)", text.trim()))
    })
}

fn required<'a>(field: &str, value: &'a Option<String>, errors: &mut Vec<ValidationError>) -> Option<&'a str> {
    match value.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => Some(text),
        _ => {
            errors.push(ValidationError::new(field, "is required"));
            None
        }
    }
}

fn keep<T>(result: Result<T, ValidationError>, errors: &mut Vec<ValidationError>) -> Option<T> {
    result.map_err(|error| errors.push(error)).ok()
}

impl Schedule {
    /// Checks every field of the API shape and names each bad one. Fields that the frequency
    /// does not use (`weekdays` for a daily schedule…) are ignored.
    pub fn parse(spec: &ScheduleSpec) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let frequency = match required("frequency", &spec.frequency, &mut errors) {
            Some(text) => keep(Self::parse_frequency(text, spec), &mut errors),
            None => None,
        };
        let time = required("time", &spec.time, &mut errors).and_then(|t| keep(parse_time(t), &mut errors));
        let time_zone = required("time_zone", &spec.time_zone, &mut errors).and_then(|t| keep(parse_time_zone(t), &mut errors));
        let start_date =
            required("start_date", &spec.start_date, &mut errors).and_then(|t| keep(parse_date("start_date", t), &mut errors));
        let end_date = match spec.end_date.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(text) => keep(parse_date("end_date", text).map(Some), &mut errors),
        };
        if let (Some(start), Some(Some(end))) = (start_date, end_date) {
            if end < start {
                errors.push(ValidationError::new("end_date", format!("{end} is before the start date {start}")));
            }
        }
        match (frequency, time, time_zone, start_date, end_date) {
            (Some(frequency), Some(time), Some(time_zone), Some(start_date), Some(end_date)) if errors.is_empty() => {
                Ok(Self { frequency, time, time_zone, start_date, end_date })
            }
            _ => Err(errors),
        }
    }

    fn parse_frequency(text: &str, spec: &ScheduleSpec) -> Result<Frequency, ValidationError> {
        match text.to_ascii_lowercase().as_str() {
            "daily" => Ok(Frequency::Daily),
            "weekly" => {
                let names = spec.weekdays.as_deref().unwrap_or_default();
                if names.is_empty() {
                    return Err(ValidationError::new("weekdays", "choose at least one weekday for a weekly schedule"));
                }
                let mut bits = 0u8;
                for name in names {
                    let day = parse_weekday(name).ok_or_else(|| {
                        ValidationError::new(
                            "weekdays",
                            format!("'{}' is not a weekday (mon, tue, wed, thu, fri, sat, sun)", name.trim()),
                        )
                    })?;
                    bits |= 1 << day.num_days_from_monday();
                }
                Ok(Frequency::Weekly(WeekdaySet(bits)))
            }
            "monthly" => {
                let invalid = |shown: String| {
                    ValidationError::new("day_of_month", format!("{shown} is not a day of the month (1–31 or \"last\")"))
                };
                match &spec.day_of_month {
                    None => Err(ValidationError::new("day_of_month", "is required for a monthly schedule (1–31 or \"last\")")),
                    Some(DayOfMonthSpec::Number(n)) if (1..=31).contains(n) => Ok(Frequency::Monthly(DayOfMonth::Day(*n as u8))),
                    Some(DayOfMonthSpec::Number(n)) => Err(invalid(n.to_string())),
                    Some(DayOfMonthSpec::Text(t)) if t.trim().eq_ignore_ascii_case("last") => {
                        Ok(Frequency::Monthly(DayOfMonth::Last))
                    }
                    Some(DayOfMonthSpec::Text(t)) => match t.trim().parse::<i64>() {
                        Ok(n) if (1..=31).contains(&n) => Ok(Frequency::Monthly(DayOfMonth::Day(n as u8))),
                        _ => Err(invalid(format!("'{}'", t.trim()))),
                    },
                }
            }
            _ => Err(ValidationError::new("frequency", format!("'{text}' is not a frequency (daily, weekly or monthly)"))),
        }
    }

    /// The schedule in the API shape, canonical (lower-case weekdays Monday first, `HH:MM`):
    /// what the store keeps and the API returns. `Schedule::parse(&s.spec()) == Ok(s)`.
    pub fn spec(&self) -> ScheduleSpec {
        let (frequency, weekdays, day_of_month) = match &self.frequency {
            Frequency::Daily => ("daily", None, None),
            Frequency::Weekly(days) => (
                "weekly",
                Some(days.days().map(|d| WEEKDAY_NAMES[d.num_days_from_monday() as usize].to_string()).collect()),
                None,
            ),
            Frequency::Monthly(DayOfMonth::Day(n)) => ("monthly", None, Some(DayOfMonthSpec::Number(i64::from(*n)))),
            Frequency::Monthly(DayOfMonth::Last) => ("monthly", None, Some(DayOfMonthSpec::Text("last".into()))),
        };
        ScheduleSpec {
            frequency: Some(frequency.into()),
            weekdays,
            day_of_month,
            time: Some(self.time.format("%H:%M").to_string()),
            time_zone: Some(self.time_zone.name().to_string()),
            start_date: Some(self.start_date.to_string()),
            end_date: self.end_date.map(|d| d.to_string()),
        }
    }

    /// Whether the schedule has a slot on this local date (ignoring start and end dates).
    fn runs_on(&self, date: NaiveDate) -> bool {
        match &self.frequency {
            Frequency::Daily => true,
            Frequency::Weekly(days) => days.contains(date.weekday()),
            Frequency::Monthly(day) => {
                let last = last_day_of_month(date);
                let wanted = match day {
                    DayOfMonth::Day(n) => u32::from(*n).min(last),
                    DayOfMonth::Last => last,
                };
                date.day() == wanted
            }
        }
    }

    /// The instant of this local date's slot, following the DST rules in the module docs.
    fn slot_on(&self, date: NaiveDate) -> DateTime<Utc> {
        resolve_local(&self.time_zone, date.and_time(self.time))
    }

    /// The first slot strictly after `after`, or `None` when the schedule has ended by then.
    pub fn next_run_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        // The local date of `after`, less a day: a slot pushed past a DST gap can land on the
        // instant after, and zones are never more than a day from UTC.
        let local_date = after.with_timezone(&self.time_zone).date_naive();
        let mut date = local_date.checked_sub_days(Days::new(1))?.max(self.start_date);
        // Every frequency has a slot at least every 31 days; the bound only stops a loop that
        // can't happen.
        for _ in 0..400 {
            if self.end_date.is_some_and(|end| date > end) {
                return None;
            }
            if self.runs_on(date) {
                let slot = self.slot_on(date);
                if slot > after {
                    return Some(slot);
                }
            }
            date = date.succ_opt()?;
        }
        None
    }

    /// The latest slot in `(since, now]`: after downtime the one run to send, so that missed
    /// slots collapse into one. `None` when no slot fell in that window.
    pub fn latest_due_slot(&self, since: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if now <= since {
            return None;
        }
        // Slots are never more than 31 days apart while the schedule runs, so the latest one
        // is within the last 32 days unless the schedule ended or had not started by then.
        let recent = since.max(now - TimeDelta::days(32));
        self.last_slot_between(recent, now).or_else(|| if recent > since { self.last_slot_between(since, now) } else { None })
    }

    fn last_slot_between(&self, since: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut latest = None;
        let mut cursor = since;
        while let Some(slot) = self.next_run_after(cursor).filter(|slot| *slot <= now) {
            latest = Some(slot);
            cursor = slot;
        }
        latest
    }
}

fn last_day_of_month(date: NaiveDate) -> u32 {
    let (year, month) = if date.month() == 12 { (date.year() + 1, 1) } else { (date.year(), date.month() + 1) };
    NaiveDate::from_ymd_opt(year, month, 1).and_then(|first| first.pred_opt()).map_or(28, |last| last.day())
}

/// A local wall-clock time as an instant: the earlier one in an overlap, and in a gap the first
/// instant after it (found a minute at a time: zone transitions fall on whole minutes, and a
/// gap is at most a day long, as when Samoa skipped 30 December 2011).
fn resolve_local(zone: &Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut candidate = local;
    for _ in 0..=(2 * 24 * 60) {
        match zone.from_local_datetime(&candidate) {
            LocalResult::Single(at) => return at.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            LocalResult::None => candidate += TimeDelta::minutes(1),
        }
    }
    // No zone has a gap of two days; read the time as UTC rather than fail.
    Utc.from_utc_datetime(&local)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: serde_json::Value) -> ScheduleSpec {
        serde_json::from_value(json).expect("spec shape")
    }

    fn schedule(json: serde_json::Value) -> Schedule {
        Schedule::parse(&spec(json)).expect("valid schedule")
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("rfc3339").with_timezone(&Utc)
    }

    fn fields(errors: Vec<ValidationError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    /// The next `n` slots after `from`.
    fn slots(s: &Schedule, from: &str, n: usize) -> Vec<String> {
        let mut at = utc(from);
        let mut out = Vec::new();
        for _ in 0..n {
            match s.next_run_after(at) {
                Some(next) => {
                    out.push(next.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
                    at = next;
                }
                None => break,
            }
        }
        out
    }

    #[test]
    fn berlin_eight_oclock_stays_eight_local_across_both_changes() {
        let s = schedule(
            serde_json::json!({"frequency":"daily","time":"08:00","time_zone":"Europe/Berlin","start_date":"2026-03-27"}),
        );
        // Summer time starts on Sunday 29 March 2026: 08:00 CET is 07:00Z, 08:00 CEST is 06:00Z.
        assert_eq!(
            slots(&s, "2026-03-27T00:00:00Z", 4),
            ["2026-03-27T07:00:00Z", "2026-03-28T07:00:00Z", "2026-03-29T06:00:00Z", "2026-03-30T06:00:00Z"]
        );
        // It ends on Sunday 25 October 2026.
        assert_eq!(
            slots(&s, "2026-10-24T00:00:00Z", 3),
            ["2026-10-24T06:00:00Z", "2026-10-25T07:00:00Z", "2026-10-26T07:00:00Z"]
        );
    }

    #[test]
    fn a_time_in_the_spring_gap_runs_when_the_clocks_jump() {
        let s = schedule(
            serde_json::json!({"frequency":"daily","time":"02:30","time_zone":"Europe/Berlin","start_date":"2026-03-28"}),
        );
        // 02:30 does not exist on 29 March: at 02:00 CET (01:00Z) clocks jump to 03:00 CEST.
        assert_eq!(
            slots(&s, "2026-03-28T00:00:00Z", 3),
            ["2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"]
        );
        // New York's gap is 02:00–03:00 on 8 March 2026 (EST -5 → EDT -4).
        let ny = schedule(
            serde_json::json!({"frequency":"daily","time":"02:15","time_zone":"America/New_York","start_date":"2026-03-08"}),
        );
        assert_eq!(slots(&ny, "2026-03-07T00:00:00Z", 1), ["2026-03-08T07:00:00Z"]);
    }

    #[test]
    fn a_time_in_the_autumn_overlap_runs_once_at_its_first_occurrence() {
        let s = schedule(
            serde_json::json!({"frequency":"daily","time":"02:30","time_zone":"Europe/Berlin","start_date":"2026-10-24"}),
        );
        // 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET) on 25 October: only the first.
        assert_eq!(
            slots(&s, "2026-10-24T12:00:00Z", 3),
            ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z", "2026-10-27T01:30:00Z"]
        );
        // Asking from between the two occurrences does not give the second one.
        assert_eq!(s.next_run_after(utc("2026-10-25T00:30:00Z")), Some(utc("2026-10-26T01:30:00Z")));
    }

    #[test]
    fn the_31st_runs_on_the_last_day_of_shorter_months() {
        let s = schedule(
            serde_json::json!({"frequency":"monthly","day_of_month":31,"time":"09:00","time_zone":"UTC","start_date":"2026-01-01"}),
        );
        assert_eq!(
            slots(&s, "2026-01-01T00:00:00Z", 5),
            [
                "2026-01-31T09:00:00Z",
                "2026-02-28T09:00:00Z",
                "2026-03-31T09:00:00Z",
                "2026-04-30T09:00:00Z",
                "2026-05-31T09:00:00Z"
            ]
        );
        // The 30th in a leap February.
        let s30 = schedule(
            serde_json::json!({"frequency":"monthly","day_of_month":"30","time":"09:00","time_zone":"UTC","start_date":"2028-01-31"}),
        );
        assert_eq!(slots(&s30, "2028-01-31T00:00:00Z", 2), ["2028-02-29T09:00:00Z", "2028-03-30T09:00:00Z"]);
    }

    #[test]
    fn last_is_the_last_day_of_every_month_and_day_15_is_the_15th() {
        let last = schedule(
            serde_json::json!({"frequency":"monthly","day_of_month":"last","time":"18:00","time_zone":"Asia/Tokyo","start_date":"2027-12-01"}),
        );
        assert_eq!(
            slots(&last, "2027-12-01T00:00:00Z", 3),
            ["2027-12-31T09:00:00Z", "2028-01-31T09:00:00Z", "2028-02-29T09:00:00Z"]
        );
        let mid = schedule(
            serde_json::json!({"frequency":"monthly","day_of_month":15,"time":"00:00","time_zone":"UTC","start_date":"2026-01-16"}),
        );
        assert_eq!(slots(&mid, "2026-01-01T00:00:00Z", 2), ["2026-02-15T00:00:00Z", "2026-03-15T00:00:00Z"]);
    }

    #[test]
    fn weekly_runs_on_each_chosen_weekday_only() {
        let s = schedule(
            serde_json::json!({"frequency":"weekly","weekdays":["fri","Mon","wednesday"],"time":"08:00","time_zone":"Europe/Berlin","start_date":"2026-11-30"}),
        );
        // 30 Nov 2026 is a Monday.
        assert_eq!(
            slots(&s, "2026-11-29T00:00:00Z", 4),
            ["2026-11-30T07:00:00Z", "2026-12-02T07:00:00Z", "2026-12-04T07:00:00Z", "2026-12-07T07:00:00Z"]
        );
        assert_eq!(s.spec().weekdays, Some(vec!["mon".to_string(), "wed".into(), "fri".into()]));
    }

    #[test]
    fn start_and_end_dates_are_inclusive_local_dates() {
        let s = schedule(
            serde_json::json!({"frequency":"daily","time":"23:30","time_zone":"America/Los_Angeles","start_date":"2026-12-01","end_date":"2026-12-03"}),
        );
        // 23:30 in Los Angeles (UTC-8) is 07:30Z the next UTC day: local dates count, not UTC ones.
        assert_eq!(
            slots(&s, "2026-01-01T00:00:00Z", 10),
            ["2026-12-02T07:30:00Z", "2026-12-03T07:30:00Z", "2026-12-04T07:30:00Z"]
        );
        assert_eq!(s.next_run_after(utc("2026-12-04T07:30:00Z")), None);
    }

    #[test]
    fn next_run_is_strictly_after_the_instant() {
        let s = schedule(serde_json::json!({"frequency":"daily","time":"08:00","time_zone":"UTC","start_date":"2026-01-01"}));
        assert_eq!(s.next_run_after(utc("2026-06-01T08:00:00Z")), Some(utc("2026-06-02T08:00:00Z")));
        assert_eq!(s.next_run_after(utc("2026-06-01T07:59:59Z")), Some(utc("2026-06-01T08:00:00Z")));
    }

    #[test]
    fn missed_slots_collapse_into_the_latest_one() {
        let s = schedule(
            serde_json::json!({"frequency":"daily","time":"08:00","time_zone":"Europe/Berlin","start_date":"2026-01-01"}),
        );
        // Down from Monday to Thursday noon: four slots missed, one run (Thursday's) is due.
        assert_eq!(
            s.latest_due_slot(utc("2026-11-30T06:00:00Z"), utc("2026-12-03T11:00:00Z")),
            Some(utc("2026-12-03T07:00:00Z"))
        );
        // Nothing due between two slots.
        assert_eq!(s.latest_due_slot(utc("2026-12-03T07:00:00Z"), utc("2026-12-03T20:00:00Z")), None);
        // A slot exactly at `now` is due; one exactly at `since` was already handled.
        assert_eq!(
            s.latest_due_slot(utc("2026-12-02T07:00:00Z"), utc("2026-12-03T07:00:00Z")),
            Some(utc("2026-12-03T07:00:00Z"))
        );
        // Down for a year: still one.
        assert_eq!(
            s.latest_due_slot(utc("2025-12-01T00:00:00Z"), utc("2026-12-03T11:00:00Z")),
            Some(utc("2026-12-03T07:00:00Z"))
        );
    }

    #[test]
    fn missed_slots_of_an_ended_schedule_give_its_last_slot() {
        let s = schedule(
            serde_json::json!({"frequency":"weekly","weekdays":["mon"],"time":"08:00","time_zone":"UTC","start_date":"2026-01-01","end_date":"2026-03-31"}),
        );
        // 30 March 2026 is the last Monday before the end date; the window runs to December.
        assert_eq!(
            s.latest_due_slot(utc("2026-02-01T00:00:00Z"), utc("2026-12-01T00:00:00Z")),
            Some(utc("2026-03-30T08:00:00Z"))
        );
        assert_eq!(s.latest_due_slot(utc("2026-03-30T08:00:00Z"), utc("2026-12-01T00:00:00Z")), None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = Schedule::parse(&spec(serde_json::json!({
            "frequency":"weekly","weekdays":["mon","funday"],"time":"25:00",
            "time_zone":"Europe/Berlinn","start_date":"2026-02-30","end_date":"soon"
        })))
        .unwrap_err();
        assert_eq!(fields(errors.clone()), ["weekdays", "time", "time_zone", "start_date", "end_date"]);
        assert!(errors[0].message.contains("'funday'"), "{errors:?}");
        assert!(errors[2].message.contains("Europe/Berlinn"), "{errors:?}");

        let missing = Schedule::parse(&ScheduleSpec::default()).unwrap_err();
        assert_eq!(fields(missing), ["frequency", "time", "time_zone", "start_date"]);

        let monthly = |day: serde_json::Value| {
            Schedule::parse(&spec(
                serde_json::json!({"frequency":"monthly","day_of_month":day,"time":"8:00","time_zone":"UTC","start_date":"2026-01-01"}),
            ))
        };
        assert_eq!(fields(monthly(serde_json::json!(0)).unwrap_err()), ["day_of_month"]);
        assert_eq!(fields(monthly(serde_json::json!(32)).unwrap_err()), ["day_of_month"]);
        assert_eq!(fields(monthly(serde_json::json!("first")).unwrap_err()), ["day_of_month"]);
        assert_eq!(fields(monthly(serde_json::Value::Null).unwrap_err()), ["day_of_month"]);
        assert!(monthly(serde_json::json!(31)).is_ok());

        let weekly_without_days = Schedule::parse(&spec(
            serde_json::json!({"frequency":"weekly","weekdays":[],"time":"08:00","time_zone":"UTC","start_date":"2026-01-01"}),
        ));
        assert_eq!(fields(weekly_without_days.unwrap_err()), ["weekdays"]);

        let bad_frequency = Schedule::parse(&spec(
            serde_json::json!({"frequency":"hourly","time":"08:00","time_zone":"UTC","start_date":"2026-01-01"}),
        ));
        assert_eq!(fields(bad_frequency.unwrap_err()), ["frequency"]);

        let ends_before_start = Schedule::parse(&spec(
            serde_json::json!({"frequency":"daily","time":"08:00","time_zone":"UTC","start_date":"2026-05-01","end_date":"2026-04-30"}),
        ));
        assert_eq!(fields(ends_before_start.unwrap_err()), ["end_date"]);
    }

    #[test]
    fn times_and_weekdays_are_read_strictly() {
        for bad in ["8", "08:0", "08:000", "24:00", "-1:00", "08:60", "8h00", ""] {
            let result = Schedule::parse(&spec(
                serde_json::json!({"frequency":"daily","time":bad,"time_zone":"UTC","start_date":"2026-01-01"}),
            ));
            assert_eq!(fields(result.unwrap_err()), ["time"], "{bad:?}");
        }
        assert_eq!(parse_weekday("monkey"), None);
        assert_eq!(parse_weekday("Thursday"), Some(Weekday::Thu));
        assert_eq!(parse_weekday(" sun "), Some(Weekday::Sun));
    }

    #[test]
    fn the_canonical_spec_parses_back_to_the_same_schedule() {
        for json in [
            serde_json::json!({"frequency":"daily","time":"7:05","time_zone":"Europe/Berlin","start_date":"2026-01-01","end_date":"2026-12-31"}),
            serde_json::json!({"frequency":"WEEKLY","weekdays":["sun","sat"],"time":"23:59","time_zone":"Pacific/Auckland","start_date":"2026-01-01"}),
            serde_json::json!({"frequency":"monthly","day_of_month":"last","time":"00:00","time_zone":"UTC","start_date":"2026-01-01"}),
            serde_json::json!({"frequency":"monthly","day_of_month":29,"time":"12:00","time_zone":"America/Sao_Paulo","start_date":"2026-01-01"}),
        ] {
            let s = schedule(json);
            let round = serde_json::from_value::<ScheduleSpec>(serde_json::to_value(s.spec()).unwrap()).unwrap();
            assert_eq!(Schedule::parse(&round), Ok(s));
        }
        assert_eq!(
            schedule(serde_json::json!({"frequency":"daily","time":"7:05","time_zone":"UTC","start_date":"2026-01-01"}))
                .spec()
                .time
                .as_deref(),
            Some("07:05")
        );
    }
}
