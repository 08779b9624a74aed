use super::*;
use crate::domain::fields::FieldType;
use crate::domain::report::{counts, cross_tab, line as line_table, Bucket};
use chrono::{TimeZone, Utc};

fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

fn count(svg: &str, needle: &str) -> usize {
    svg.matches(needle).count()
}

pub(crate) fn plan_mix() -> Table {
    let values: Vec<Cell> = [("pro", 42), ("basic", 31), ("team", 12), ("enterprise", 5)]
        .iter()
        .flat_map(|(plan, n)| std::iter::repeat_n(text(plan), *n))
        .chain(std::iter::repeat_n(Cell::Empty, 3))
        .collect();
    let refs: Vec<&Cell> = values.iter().collect();
    counts("Plan", FieldType::String, &refs, chrono_tz::UTC)
}

pub(crate) fn plan_by_beta() -> Table {
    let pairs: Vec<(Cell, Cell)> =
        [("pro", true, 30), ("pro", false, 12), ("basic", true, 9), ("basic", false, 22), ("team", true, 7)]
            .iter()
            .flat_map(|(plan, beta, n)| std::iter::repeat_n((text(plan), Cell::Boolean(*beta)), *n))
            .chain([(text("team"), Cell::Empty)])
            .collect();
    let refs: Vec<(&Cell, &Cell)> = pairs.iter().map(|(a, b)| (a, b)).collect();
    cross_tab([("Plan", FieldType::String), ("Beta opt-in", FieldType::Boolean)], &refs, chrono_tz::UTC)
}

pub(crate) fn sign_ins() -> Table {
    let values: Vec<Cell> = (0..30u32)
        .flat_map(|day| {
            let n = 3 + (day * 7 % 11) as usize;
            std::iter::repeat_n(Cell::DateTime(Utc.with_ymd_and_hms(2026, 11, 1 + day % 30, 12, 0, 0).unwrap()), n)
        })
        .collect();
    line_table("Signed in", values.iter(), Bucket::Day, chrono_tz::UTC)
}

fn seats() -> Table {
    let values: Vec<Cell> = (0..300).map(|i| Cell::Integer((i * i) % 97 + i / 10)).collect();
    let refs: Vec<&Cell> = values.iter().collect();
    counts("Seats", FieldType::Integer, &refs, chrono_tz::UTC)
}

fn long_labels() -> Table {
    let rows = [
        "Customer success & onboarding team",
        "Research and development (Berlin)",
        "Sales",
        "<Marketing>",
        "Finance and legal affairs department",
    ]
    .iter()
    .enumerate()
    .map(|(i, label)| vec![text(label), Cell::Integer(1200 - 200 * i as i64)])
    .collect();
    Table { columns: vec!["Department".into(), "Users".into()], rows }
}

#[test]
fn integer_ranges_chart_in_range_order() {
    let svg = chart_svg(Style::Column, "Seats", &seats(), Theme::Page).unwrap();
    let first = svg.find(">0–19<").expect("first range");
    let second = svg.find(">20–39<").expect("second range");
    assert!(first < second);
}

#[test]
fn a_bar_chart_has_a_bar_and_a_label_per_value() {
    let svg = chart_svg(Style::Bar, "Plan mix", &plan_mix(), Theme::Page).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.ends_with("</svg>"));
    assert_eq!(count(&svg, "<rect"), 5, "one bar per row");
    for label in ["pro", "basic", "team", "enterprise", "(empty)", ">42<", ">31<", ">3<"] {
        assert!(svg.contains(label), "{label} missing");
    }
    assert!(svg.contains("<title>Plan mix</title>"));
    assert!(svg.contains("aria-label=\"Plan mix: Bar chart of Users by Plan: pro 42, basic 31"), "{svg}");
    assert!(svg.contains(&format!("fill=\"{NEUTRAL}\"")), "no value is grey");
    assert!(svg.contains("fill=\"currentColor\""), "text follows the page colour");
    assert!(!svg.contains("color=\"#"), "the page theme sets no colour of its own");
}

#[test]
fn column_charts_stack_two_fields_with_a_legend() {
    let svg = chart_svg(Style::Column, "Plan × beta", &plan_by_beta(), Theme::Print).unwrap();
    // Legend: one swatch per value of the second field; stacks: one segment per non-zero count.
    assert_eq!(count(&svg, "<rect"), 3 + 5 + 1);
    for label in ["true", "false", "(empty)", "Plan", ">42<", ">31<", ">8<"] {
        assert!(svg.contains(label), "{label} missing");
    }
    assert!(!svg.contains(">Total<"), "the total column is not a series");
    assert!(svg.contains("color=\"#1c2430\""), "print sets dark text");
}

#[test]
fn grouped_bars_draw_every_pair() {
    let svg = chart_svg(Style::Bar, "Plan × beta", &plan_by_beta(), Theme::Page).unwrap();
    assert_eq!(count(&svg, "<rect"), 3 + 6, "legend swatches, then a bar per pair some user has");
    assert!(!svg.contains(">0</text></g>"), "no bar labelled 0 in a group");
    assert!(svg.contains("Grouped bar chart"));
}

#[test]
fn pies_and_donuts_have_a_slice_and_legend_entry_per_value() {
    let table = plan_mix();
    let pie = chart_svg(Style::Pie, "Plan mix", &table, Theme::Page).unwrap();
    assert_eq!(count(&pie, "<path"), 5);
    assert_eq!(count(&pie, "<rect"), 5, "legend swatches");
    assert!(pie.contains(">45%<"), "pro is 42 of 93");
    assert!(pie.contains("42  (45%)"));
    let donut = chart_svg(Style::Donut, "Plan mix", &table, Theme::Page).unwrap();
    assert!(donut.contains(">93<"), "the donut's hole shows the total");
}

#[test]
fn a_pie_of_one_value_is_a_whole_disc_and_of_nothing_a_grey_ring() {
    let table = Table { columns: vec!["Plan".into(), "Users".into()], rows: vec![vec![text("pro"), Cell::Integer(4)]] };
    let pie = chart_svg(Style::Pie, "Plans", &table, Theme::Page).unwrap();
    assert!(pie.contains(">100%<"));
    let empty = Table::with_columns(["Plan", "Users"]);
    assert!(chart_svg(Style::Donut, "Plans", &empty, Theme::Page).unwrap().contains("No users"));
}

#[test]
fn many_slices_fold_into_other() {
    let rows = (0..12).map(|i| vec![text(&format!("v{i}")), Cell::Integer(20 - i)]).collect();
    let table = Table { columns: vec!["Value".into(), "Users".into()], rows };
    let pie = chart_svg(Style::Pie, "Values", &table, Theme::Page).unwrap();
    assert_eq!(count(&pie, "<path"), 8);
    assert!(pie.contains("Other (5 values)"));
}

#[test]
fn a_line_has_a_point_per_bucket_and_round_ticks() {
    let table = sign_ins();
    let svg = chart_svg(Style::Line, "Sign-ins", &table, Theme::Page).unwrap();
    assert_eq!(count(&svg, "<circle"), 30);
    assert!(svg.contains(">2026-11-01<"));
    assert!(svg.contains(">0<") && svg.contains(">5<") && svg.contains(">15<"), "ticks from 0 to 15 in steps of 5");
    let many = Table {
        columns: vec!["Day".into(), "Users".into()],
        rows: (0..400).map(|i| vec![text(&format!("d{i}")), Cell::Integer(i)]).collect(),
    };
    let svg = chart_svg(Style::Line, "Long", &many, Theme::Page).unwrap();
    assert_eq!(count(&svg, "<circle"), 0, "no dots when points are dense");
}

#[test]
fn text_from_users_is_escaped() {
    let table = Table {
        columns: vec!["<Plan> & \"tier\"".into(), "Users".into()],
        rows: vec![vec![text("<script>alert(1)</script>"), Cell::Integer(2)], vec![text("a&b"), Cell::Integer(1)]],
    };
    for style in [Style::Bar, Style::Column, Style::Pie, Style::Donut, Style::Line] {
        let svg = chart_svg(style, "R&D <report>", &table, Theme::Page).unwrap();
        assert!(!svg.contains("<script>"), "{style}");
        assert!(svg.contains("&lt;script&gt;") || svg.contains("&lt;scr"), "{style}");
        assert!(svg.contains("R&amp;D &lt;report&gt;"), "{style}");
        assert!(!svg.contains("a&b"), "{style}");
    }
}

#[test]
fn tables_figures_and_lists_have_no_chart() {
    for style in [Style::Table, Style::Number, Style::Distribution, Style::List] {
        assert!(chart_svg(style, "x", &plan_mix(), Theme::Page).is_none());
    }
}

#[test]
fn colours_are_the_palette_and_text_contrasts() {
    assert_eq!(colour(0, false), "#0072B2");
    assert_eq!(colour(7, false), "#0072B2");
    assert_eq!(colour(3, true), NEUTRAL);
    assert_eq!(text_on("#0072B2"), "#ffffff");
    assert_eq!(text_on("#F0E442"), "#111111");
    assert_eq!(format_value(1234567.0), "1,234,567");
    assert_eq!(format_value(2.5), "2.5");
}

/// Writes every kind of chart to `$INLET_CHART_SAMPLES` (a folder) to look at them.
#[test]
fn samples_for_review() {
    let Ok(folder) = std::env::var("INLET_CHART_SAMPLES") else { return };
    std::fs::create_dir_all(&folder).unwrap();
    let samples = [
        (Style::Bar, "Plan mix", plan_mix()),
        (Style::Column, "Plan mix", plan_mix()),
        (Style::Pie, "Plan mix", plan_mix()),
        (Style::Donut, "Plan mix", plan_mix()),
        (Style::Bar, "Plan by beta opt-in", plan_by_beta()),
        (Style::Column, "Plan by beta opt-in", plan_by_beta()),
        (Style::Line, "Sign-ins per day", sign_ins()),
        (Style::Column, "Seats", seats()),
        (Style::Column, "Long labels", long_labels()),
        (Style::Bar, "Long labels", long_labels()),
    ];
    for (i, (style, title, table)) in samples.iter().enumerate() {
        let svg = chart_svg(*style, title, table, Theme::Print).unwrap();
        std::fs::write(format!("{folder}/{i}-{style}.svg"), svg).unwrap();
    }
}
