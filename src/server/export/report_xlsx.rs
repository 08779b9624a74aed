//! Report workbooks: one sheet per element, named after it (Excel's rules: 31 characters, no
//! `[]:*?/\`, unique ignoring case), its table from A1 with typed cells, and for chart styles a
//! native Excel chart beside the table, drawn from the sheet's own cells (so it follows edits).

use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartFormat, ChartLine, ChartPoint, ChartSolidFill, ChartType, ColNum, RowNum, Workbook, Worksheet,
    XlsxError,
};

use super::xlsx::{write_cell, CellFormats};
use crate::domain::report::{ComputedElement, ComputedReport, Style, TOTAL};
use crate::domain::table::Cell;
use crate::server::charts::{colour, PALETTE};

/// The longest sheet name Excel accepts, in characters.
pub const MAX_SHEET_NAME: usize = 31;

/// The workbook of `report`, one sheet per element, in order.
pub fn report_xlsx(report: &ComputedReport) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let formats = CellFormats::default();
    let names = sheet_names(report.elements.iter().map(|element| element.name.as_str()));
    for (element, name) in report.elements.iter().zip(&names) {
        // A list can be every user: its rows stream to disk instead of staying in memory.
        let sheet =
            if element.style == Style::List { workbook.add_worksheet_with_constant_memory()? } else { workbook.add_worksheet() };
        sheet.set_name(name)?;
        write_table(sheet, element, &formats)?;
        if let Some(chart) = chart(element, name) {
            let beside = element.table.columns.len() as ColNum + 1;
            sheet.insert_chart(1, beside, &chart)?;
        }
    }
    if report.elements.is_empty() {
        workbook.add_worksheet().set_name("Report")?.write_string(0, 0, "This report has no elements yet.")?;
    }
    workbook.save_to_buffer()
}

fn write_table(sheet: &mut Worksheet, element: &ComputedElement, formats: &CellFormats) -> Result<(), XlsxError> {
    let table = &element.table;
    for (col, name) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, col as ColNum, name, &formats.header)?;
        // Wide enough for the header and the first rows, within reason.
        let widest = table.rows.iter().take(200).map(|row| row.get(col).map_or(0, display_width)).max().unwrap_or(0);
        sheet.set_column_width(col as ColNum, (widest.max(name.chars().count()) as f64 + 2.0).clamp(8.0, 60.0))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (r, row) in table.rows.iter().enumerate() {
        for (col, cell) in row.iter().enumerate() {
            write_cell(sheet, r as RowNum + 1, col as ColNum, cell, formats)?;
        }
    }
    Ok(())
}

fn display_width(cell: &Cell) -> usize {
    match cell {
        // Excel shows a time as `yyyy-mm-dd hh:mm:ss UTC`.
        Cell::DateTime(_) => 23,
        other => other.to_string().chars().count(),
    }
}

/// The native chart of a chart style: bars (grouped), columns (stacked for two fields), pie,
/// doughnut or line, over the table's rows, one series per count column ("Total" left out).
fn chart(element: &ComputedElement, sheet: &str) -> Option<Chart> {
    let table = &element.table;
    let two_fields = table.columns.len() > 2 && table.columns.last().map(String::as_str) == Some(TOTAL);
    let kind = match (element.style, two_fields) {
        (Style::Bar, _) => ChartType::Bar,
        (Style::Column, false) => ChartType::Column,
        (Style::Column, true) => ChartType::ColumnStacked,
        (Style::Pie, _) => ChartType::Pie,
        (Style::Donut, _) => ChartType::Doughnut,
        (Style::Line, _) => ChartType::Line,
        _ => return None,
    };
    if table.rows.is_empty() {
        return None;
    }
    let last_row = table.rows.len() as RowNum;
    let value_columns = if two_fields { 1..table.columns.len() - 1 } else { 1..2 };
    let series_count = value_columns.len();

    let mut chart = Chart::new(kind);
    chart.title().set_name(&element.name);
    chart.set_width(640).set_height(400);
    for (s, col) in value_columns.enumerate() {
        let col = col as ColNum;
        let series = chart.add_series();
        series.set_name((sheet, 0, col)).set_categories((sheet, 1, 0, last_row, 0)).set_values((sheet, 1, col, last_row, col));
        // The page's and the PDF's colours: Okabe–Ito, grey for no value.
        let neutral = table.columns[col as usize] == Cell::Empty.to_string();
        match element.style {
            Style::Pie | Style::Donut => {
                let points: Vec<ChartPoint> = table
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(i, row)| ChartPoint::new().set_format(ChartSolidFill::new().set_color(colour(i, row[0].is_empty()))))
                    .collect();
                series.set_points(&points);
                series.set_data_label(ChartDataLabel::new().show_percentage());
            }
            Style::Line => {
                series.set_format(ChartFormat::new().set_line(ChartLine::new().set_color(PALETTE[0]).set_width(2.25)));
            }
            _ if series_count == 1 => {
                series.set_format(ChartSolidFill::new().set_color(PALETTE[0]));
                let points: Vec<ChartPoint> = table
                    .rows
                    .iter()
                    .map(|row| ChartPoint::new().set_format(ChartSolidFill::new().set_color(colour(0, row[0].is_empty()))))
                    .collect();
                series.set_points(&points);
                series.set_data_label(ChartDataLabel::new().show_value());
            }
            _ => {
                series.set_format(ChartSolidFill::new().set_color(colour(s, neutral)));
            }
        }
    }
    match element.style {
        // Excel draws a bar chart's first category at the bottom; the table reads top down.
        Style::Bar => {
            chart.x_axis().set_reverse();
        }
        Style::Donut => {
            chart.set_hole_size(58);
        }
        _ => {}
    }
    if series_count == 1 && !matches!(element.style, Style::Pie | Style::Donut) {
        chart.legend().set_hidden();
    }
    if matches!(element.style, Style::Bar | Style::Column | Style::Line) {
        chart.x_axis().set_name(&table.columns[0]);
        chart.y_axis().set_name(if two_fields { crate::domain::report::USERS } else { &table.columns[1] });
    }
    Some(chart)
}

/// Sheet names for elements named `names`: characters Excel refuses replaced by a space,
/// leading and trailing apostrophes dropped (Excel refuses them there), cut to 31 characters,
/// and made unique ignoring case by a ` (2)`, ` (3)`… suffix within the 31.
pub fn sheet_names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for name in names {
        let cleaned: String = name.chars().map(|c| if "[]:*?/\\".contains(c) || c.is_control() { ' ' } else { c }).collect();
        let cleaned = cleaned.trim().trim_matches('\'').trim();
        // "History" is reserved by Excel.
        let base = if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") {
            "Element".to_string()
        } else {
            cleaned.to_string()
        };
        let mut candidate = within_limit(&base, MAX_SHEET_NAME);
        let mut n = 2;
        while taken.contains(&candidate.to_lowercase()) {
            let suffix = format!(" ({n})");
            let room = MAX_SHEET_NAME - suffix.encode_utf16().count();
            candidate = format!("{}{suffix}", within_limit(&base, room));
            n += 1;
        }
        taken.push(candidate.to_lowercase());
        out.push(candidate);
    }
    out
}

/// The longest start of `name` that Excel takes as a sheet name of at most `limit`
/// characters, as Excel counts them (UTF-16 units: a character beyond the Basic Multilingual
/// Plane counts twice), without trailing spaces or apostrophes.
fn within_limit(name: &str, limit: usize) -> String {
    let mut used = 0;
    let kept: String = name
        .chars()
        .take_while(|c| {
            used += c.len_utf16();
            used <= limit
        })
        .collect();
    kept.trim_end().trim_end_matches('\'').trim_end().to_string()
}

#[cfg(test)]
mod tests;
