//! A report with one element of every style, for the export tests (and to look at the files).

use chrono::{TimeZone, Utc};

use crate::domain::fields::FieldType;
use crate::domain::filter::SchemaField;
use crate::domain::report::{compute, Bucket, ComputedElement, ComputedReport, ElementSpec, Source, Style};
use crate::domain::table::Cell;

fn field(name: &str, field_type: FieldType) -> SchemaField {
    SchemaField { data_group: "Account".into(), field: name.into(), field_type }
}

/// 120 users of the Aurora beta: plan, beta opt-in, seats, last sign-in.
fn users() -> Vec<[Cell; 5]> {
    let plans = ["pro", "basic", "team", "pro", "basic", "enterprise & co", "pro"];
    (0..120)
        .map(|i: i64| {
            let plan = if i % 17 == 0 { Cell::Empty } else { Cell::Text(plans[i as usize % plans.len()].into()) };
            let beta = if i % 11 == 0 { Cell::Empty } else { Cell::Boolean(i % 3 != 0) };
            let seats = Cell::Integer((i * 37) % 90 + 1);
            let day = 1 + (i * 7 % 30) as u32;
            let signed_in = Cell::DateTime(Utc.with_ymd_and_hms(2026, 11, day, (i % 24) as u32, 0, 0).unwrap());
            [Cell::Text(format!("user{i:03}@example.com")), plan, beta, seats, signed_in]
        })
        .collect()
}

fn element(name: &str, style: Style, fields: &[(&str, FieldType, usize)], bucket: Bucket) -> ComputedElement {
    let spec = ElementSpec {
        name: name.into(),
        source: Source::Users,
        style,
        fields: fields.iter().map(|(n, t, _)| field(n, *t)).collect(),
        bucket,
    };
    spec.check().expect("the fixture's styles fit");
    let rows: Vec<Vec<Cell>> = users()
        .into_iter()
        .map(|user| {
            let values = fields.iter().map(|(_, _, column)| user[*column].clone());
            if style == Style::List {
                std::iter::once(user[0].clone()).chain(values).collect()
            } else {
                values.collect()
            }
        })
        .collect();
    ComputedElement { name: name.into(), style, table: compute(&spec, &rows, chrono_tz::Europe::Paris) }
}

pub fn sample_report() -> ComputedReport {
    use FieldType::*;
    let plan = ("Plan", String, 1);
    let beta = ("Beta opt-in", Boolean, 2);
    let seats = ("Seats", Integer, 3);
    let signed_in = ("Last sign-in", DateTime, 4);
    ComputedReport {
        name: "Aurora beta: weekly review".into(),
        project: "Aurora".into(),
        computed_at: Utc.with_ymd_and_hms(2026, 12, 2, 8, 45, 0).unwrap(),
        time_zone: chrono_tz::Europe::Paris,
        elements: vec![
            element("Beta users", Style::Number, &[], Bucket::Day),
            element("Plan mix", Style::Pie, &[plan], Bucket::Day),
            element("Plans by count", Style::Bar, &[plan], Bucket::Day),
            element("Plan × beta opt-in", Style::Column, &[plan, beta], Bucket::Day),
            element("Plan × beta opt-in (grouped)", Style::Bar, &[plan, beta], Bucket::Day),
            element("Seats", Style::Distribution, &[seats], Bucket::Day),
            element("Seats by range", Style::Column, &[seats], Bucket::Day),
            element("Sign-ins per day", Style::Line, &[signed_in], Bucket::Day),
            element("Beta opt-in share", Style::Donut, &[beta], Bucket::Day),
            element("Plan table", Style::Table, &[plan, beta], Bucket::Day),
            element("Everyone", Style::List, &[plan, seats], Bucket::Day),
        ],
    }
}
