//! The viewer's time zone (PRODUCT.md §10: "dates show in the viewer's time zone").
//!
//! The browser names its zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`) in the
//! `inlet_tz` cookie (`public/inlet.js` sets it); pages read it while they render, on the
//! server, and format times there, so the server's HTML and the hydrated page agree and a
//! page reads the same with JavaScript off. Without the cookie (JavaScript off, or a first
//! visit) times are in UTC, and the page says so. The zone database is `chrono-tz`'s,
//! compiled in: the server needs no system zone files.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::table::Cell;

/// The cookie in which the browser names its time zone.
pub const COOKIE: &str = "inlet_tz";

/// A time zone to show times in: a known IANA zone, or UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ViewerZone(Option<Tz>);

impl ViewerZone {
    /// The zone a cookie names; anything that is not an IANA zone name means UTC.
    pub fn named(name: Option<&str>) -> Self {
        Self(name.and_then(|name| name.trim().parse::<Tz>().ok()))
    }

    /// The zone's IANA name, or `UTC`.
    pub fn name(&self) -> &'static str {
        self.0.map_or("UTC", |zone| zone.name())
    }

    /// A time as people read it in this zone: `2026-11-01 11:00 CET`.
    pub fn time(&self, at: &DateTime<Utc>) -> String {
        const FORMAT: &str = "%Y-%m-%d %H:%M %Z";
        match self.0 {
            Some(zone) => at.with_timezone(&zone).format(FORMAT).to_string(),
            None => at.format(FORMAT).to_string(),
        }
    }

    /// A value as a page shows it: `yes`/`no`, numbers as written, times in this zone, text
    /// as it is, and `—` for no value.
    pub fn cell(&self, cell: &Cell) -> String {
        match cell {
            Cell::Empty => "—".into(),
            Cell::Boolean(true) => "yes".into(),
            Cell::Boolean(false) => "no".into(),
            Cell::DateTime(at) => self.time(at),
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_show_in_the_named_zone_with_its_abbreviation() {
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 10, 0, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 15, 10, 0, 0).unwrap();
        let paris = ViewerZone::named(Some("Europe/Paris"));
        assert_eq!(paris.name(), "Europe/Paris");
        assert_eq!(paris.time(&winter), "2026-01-15 11:00 CET");
        assert_eq!(paris.time(&summer), "2026-07-15 12:00 CEST");
        let new_york = ViewerZone::named(Some("America/New_York"));
        assert_eq!(new_york.time(&winter), "2026-01-15 05:00 EST");
    }

    #[test]
    fn an_unknown_or_missing_zone_means_utc() {
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 23, 30, 0).unwrap();
        for name in [None, Some(""), Some("Mars/Olympus_Mons"), Some("<script>")] {
            let zone = ViewerZone::named(name);
            assert_eq!((zone.name(), zone.time(&at).as_str()), ("UTC", "2026-11-01 23:30 UTC"), "{name:?}");
        }
    }

    #[test]
    fn values_read_by_type() {
        let tokyo = ViewerZone::named(Some("Asia/Tokyo"));
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 20, 0, 0).unwrap();
        assert_eq!(tokyo.cell(&Cell::DateTime(at)), "2026-11-02 05:00 JST");
        assert_eq!(tokyo.cell(&Cell::Boolean(true)), "yes");
        assert_eq!(tokyo.cell(&Cell::Boolean(false)), "no");
        assert_eq!(tokyo.cell(&Cell::Integer(-12)), "-12");
        assert_eq!(tokyo.cell(&Cell::Text("Pro".into())), "Pro");
        assert_eq!(tokyo.cell(&Cell::Empty), "—");
    }
}
