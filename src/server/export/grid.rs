//! The user grid as files: CSV (RFC 4180, UTF-8, times in RFC 3339 UTC) and XLSX (one sheet,
//! bold frozen header with an autofilter, typed cells). Both take the rows a batch at a time,
//! so the whole result is never held: CSV hands back each batch's bytes to send at once, and
//! the XLSX sheet is written in rust_xlsxwriter's constant-memory mode (finished rows go to a
//! temporary file, not the heap).

use chrono::NaiveDate;
use rust_xlsxwriter::{Workbook, XlsxError};

use super::xlsx::{write_cell, CellFormats};
use crate::domain::fields::FieldType;
use crate::domain::grid::{GridColumn, GridRow};
use crate::domain::project::Project;
use crate::domain::table::Cell;

/// `<project>-users-<YYYY-MM-DD>.<extension>`: what the download is saved as.
pub fn file_name(project: &Project, today: NaiveDate, extension: &str) -> String {
    format!("{}-users-{today}.{extension}", project.slug)
}

/// A CSV file being written a batch at a time: the header, then the rows.
pub struct CsvFile;

impl CsvFile {
    fn writer() -> csv::Writer<Vec<u8>> {
        csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new())
    }

    /// The header row: the columns' labels.
    pub fn header(columns: &[GridColumn]) -> csv::Result<Vec<u8>> {
        let mut writer = Self::writer();
        writer.write_record(columns.iter().map(|c| c.label.as_str()))?;
        writer.into_inner().map_err(|e| e.into_error().into())
    }

    /// The lines of these rows.
    pub fn rows(rows: &[GridRow]) -> csv::Result<Vec<u8>> {
        let mut writer = Self::writer();
        for row in rows {
            writer.write_record(row.values.iter().map(Cell::to_csv_field))?;
        }
        writer.into_inner().map_err(|e| e.into_error().into())
    }
}

/// An XLSX workbook being written, one constant-memory sheet.
pub struct XlsxFile {
    workbook: Workbook,
    formats: CellFormats,
    columns: u16,
    next_row: u32,
}

/// Characters of width per column type; text columns take their header's width, within
/// bounds, since their values' lengths are unknown until the end (and a constant-memory
/// sheet cannot be measured afterwards).
fn column_width(column: &GridColumn) -> f64 {
    let header = column.label.chars().count() as f64 + 2.0;
    let by_type: f64 = match column.field_type {
        FieldType::Boolean => 8.0,
        FieldType::Integer => 12.0,
        FieldType::DateTime => 24.0,
        FieldType::String => 22.0,
    };
    header.max(by_type).min(50.0)
}

impl XlsxFile {
    pub fn new(columns: &[GridColumn]) -> Result<Self, XlsxError> {
        let mut workbook = Workbook::new();
        let formats = CellFormats::default();
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name("Users")?;
        for (index, column) in columns.iter().enumerate() {
            let index = index as u16;
            sheet.set_column_width(index, column_width(column))?;
            sheet.write_string_with_format(0, index, &column.label, &formats.header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(Self { workbook, formats, columns: columns.len() as u16, next_row: 1 })
    }

    pub fn write(&mut self, rows: &[GridRow]) -> Result<(), XlsxError> {
        let sheet = self.workbook.worksheet_from_index(0)?;
        for row in rows {
            for (col, cell) in row.values.iter().enumerate() {
                write_cell(sheet, self.next_row, col as u16, cell, &self.formats)?;
            }
            self.next_row += 1;
        }
        Ok(())
    }

    /// Adds the autofilter over every row written and returns the file's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, XlsxError> {
        let last_row = self.next_row - 1;
        let sheet = self.workbook.worksheet_from_index(0)?;
        sheet.autofilter(0, 0, last_row, self.columns.saturating_sub(1))?;
        self.workbook.save_to_buffer()
    }

    pub fn rows_written(&self) -> u32 {
        self.next_row - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn columns() -> Vec<GridColumn> {
        let column = |field: &str, field_type| GridColumn {
            data_group: "CRM".into(),
            field: field.into(),
            field_type,
            label: field.into(),
        };
        vec![column("Plan", FieldType::String), column("Seats", FieldType::Integer), column("Renewal", FieldType::DateTime)]
    }

    #[test]
    fn csv_is_rfc_4180_with_a_header_and_typed_text() {
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 10, 0, 0).unwrap();
        let row = GridRow {
            user_id: 1,
            user: "a@b.c".into(),
            ticket_id: None,
            values: vec![Cell::Text("pro, \"gold\"".into()), Cell::Integer(5), Cell::DateTime(at)],
        };
        let empty =
            GridRow { user_id: 2, user: "d@e.f".into(), ticket_id: None, values: vec![Cell::Empty, Cell::Empty, Cell::Empty] };
        assert_eq!(CsvFile::header(&columns()).unwrap(), b"Plan,Seats,Renewal\r\n");
        let rows = CsvFile::rows(&[row, empty]).unwrap();
        assert_eq!(String::from_utf8(rows).unwrap(), "\"pro, \"\"gold\"\"\",5,2026-11-01T10:00:00Z\r\n,,\r\n");
    }

    #[test]
    fn file_names_carry_the_project_and_the_day() {
        let project = Project { id: 1, slug: "aurora".into(), name: "Aurora".into(), created_at: Utc::now(), member_count: 0 };
        assert_eq!(file_name(&project, NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(), "xlsx"), "aurora-users-2026-12-02.xlsx");
    }
}
