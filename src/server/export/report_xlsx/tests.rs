use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};

use super::*;
use crate::server::export::fixtures::sample_report;

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("a workbook calamine can read")
}

fn part(bytes: &[u8], name: &str) -> Option<String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut file = archive.by_name(name).ok()?;
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap();
    Some(text)
}

#[test]
fn one_sheet_per_element_with_typed_cells() {
    let report = sample_report();
    let bytes = report_xlsx(&report).unwrap();
    let mut workbook = open(&bytes);
    let names: Vec<String> = report.elements.iter().map(|e| e.name.clone()).collect();
    assert_eq!(workbook.sheet_names(), sheet_names(names.iter().map(String::as_str)));

    let pie = workbook.worksheet_range("Plan mix").unwrap();
    assert_eq!(pie.get((0, 0)), Some(&Data::String("Plan".into())));
    assert_eq!(pie.get((0, 1)), Some(&Data::String("Users".into())));
    assert_eq!(pie.get((1, 0)), Some(&Data::String(report.elements[1].table.rows[0][0].to_string())));
    assert!(matches!(pie.get((1, 1)), Some(Data::Float(n)) if *n > 0.0), "counts are numbers");
    let last = report.elements[1].table.rows.len();
    assert!(matches!(pie.get((last, 0)), None | Some(Data::Empty)), "no value is a blank cell");

    let seats = workbook.worksheet_range("Seats").unwrap();
    assert_eq!(seats.get((1, 0)), Some(&Data::String("Count".into())));
    assert!(matches!(seats.get((4, 1)), Some(Data::Float(_))), "the mean is a number");

    let crosstab = workbook.worksheet_range("Plan table").unwrap();
    assert_eq!(crosstab.get((0, 1)), Some(&Data::String("true".into())));

    let list = workbook.worksheet_range("Everyone").unwrap();
    assert_eq!(list.height(), 121, "a header and every user");
    assert_eq!(list.get((1, 0)), Some(&Data::String("user000@example.com".into())));
}

#[test]
fn datetimes_are_real_excel_dates() {
    let mut report = sample_report();
    report.elements.retain(|e| e.name == "Seats by range");
    // A distribution of datetimes has datetime min and max.
    let at = chrono::Utc.with_ymd_and_hms(2026, 11, 1, 10, 0, 0).unwrap();
    report.elements[0].table =
        crate::domain::report::distribution("Signed in", crate::domain::fields::FieldType::DateTime, [Cell::DateTime(at)].iter());
    report.elements[0].style = Style::Distribution;
    let bytes = report_xlsx(&report).unwrap();
    let mut workbook = open(&bytes);
    let range = workbook.worksheet_range("Seats by range").unwrap();
    match range.get((2, 1)) {
        Some(Data::DateTime(excel)) => assert_eq!(excel.as_datetime().unwrap(), at.naive_utc()),
        other => panic!("expected an Excel date, got {other:?}"),
    }
}

use chrono::TimeZone;

#[test]
fn chart_styles_get_a_native_chart_of_their_kind() {
    let report = sample_report();
    let bytes = report_xlsx(&report).unwrap();
    // Charts are numbered in sheet order: pie, bar, stacked column, grouped bar, column, line, donut.
    let expected = [
        "<c:pieChart>",
        "<c:barDir val=\"bar\"/>",
        "<c:grouping val=\"stacked\"/>",
        "<c:barDir val=\"bar\"/>",
        "<c:barDir val=\"col\"/>",
        "<c:lineChart>",
        "<c:doughnutChart>",
    ];
    for (i, kind) in expected.iter().enumerate() {
        let xml = part(&bytes, &format!("xl/charts/chart{}.xml", i + 1)).unwrap_or_else(|| panic!("chart {} missing", i + 1));
        assert!(xml.contains(kind), "chart {} is not {kind}", i + 1);
    }
    assert!(part(&bytes, "xl/charts/chart8.xml").is_none(), "tables, numbers, distributions and lists have no chart");
    let pie = part(&bytes, "xl/charts/chart1.xml").unwrap();
    assert!(pie.contains("'Plan mix'!$A$2:$A$"), "the chart reads the sheet's own cells");
    assert!(pie.contains("0072B2"), "the report palette");
    let stacked = part(&bytes, "xl/charts/chart3.xml").unwrap();
    assert_eq!(stacked.matches("<c:ser>").count(), 3, "true, false and (empty); Total is not a series");
}

#[test]
fn sheet_names_follow_excels_rules() {
    let names = sheet_names(
        [
            "Plan mix",
            "plan MIX",
            "A name that is much longer than thirty-one characters",
            "A name that is much longer than thirty-one characters",
            "What? [draft]: a/b",
            "'quoted'",
            "",
            "History",
            "\u{1F4CA} charts \u{1F4C8}\u{1F4C8}\u{1F4C8}\u{1F4C8}\u{1F4C8}\u{1F4C8}\u{1F4C8}\u{1F4C8}\u{1F4C8}\u{1F4C8}\u{1F4C8}",
            "012345678901234567890123456789'xyz",
        ]
        .into_iter(),
    );
    assert_eq!(names[0], "Plan mix");
    assert_eq!(names[1], "plan MIX (2)");
    assert_eq!(names[2], "A name that is much longer than");
    assert_eq!(names[3], "A name that is much longer (2)");
    assert_eq!(names[4], "What   draft   a b");
    assert_eq!(names[5], "quoted");
    assert_eq!(names[6], "Element");
    assert_eq!(names[7], "Element (2)");
    assert!(names.iter().all(|n| n.encode_utf16().count() <= MAX_SHEET_NAME), "Excel counts UTF-16 units");
    assert_eq!(names[9], "012345678901234567890123456789", "no apostrophe left at the end");
    // Every name is one Excel takes.
    let mut workbook = Workbook::new();
    for name in &names {
        workbook.add_worksheet().set_name(name).unwrap();
    }
}

#[test]
fn an_empty_report_is_still_a_workbook() {
    let mut report = sample_report();
    report.elements.clear();
    let bytes = report_xlsx(&report).unwrap();
    assert_eq!(open(&bytes).sheet_names(), vec!["Report"]);
}
