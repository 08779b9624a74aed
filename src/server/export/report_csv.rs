//! Report tables as CSV: one element's table as a CSV file, and a whole report as a `.zip` of
//! one CSV per element, numbered in report order (`01 Plan mix.csv`).

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::domain::report::ComputedReport;
use crate::domain::table::{Cell, Table};

#[derive(Debug, thiserror::Error)]
pub enum CsvExportError {
    #[error("the CSV could not be written: {0}")]
    Csv(#[from] csv::Error),
    #[error("the zip file could not be written: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("the zip file could not be written: {0}")]
    Io(#[from] std::io::Error),
}

/// The CSV of one table: the column names, then each row's values as
/// [`Cell::to_csv_field`] writes them (nothing for no value).
pub fn table_csv(table: &Table) -> Result<Vec<u8>, CsvExportError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&table.columns)?;
    for row in &table.rows {
        writer.write_record((0..table.columns.len()).map(|i| row.get(i).unwrap_or(&Cell::Empty).to_csv_field()))?;
    }
    writer.into_inner().map_err(|error| CsvExportError::Io(error.into_error()))
}

/// A `.zip` holding one CSV per element of `report`.
pub fn report_zip(report: &ComputedReport) -> Result<Vec<u8>, CsvExportError> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let names = csv_file_names(report.elements.iter().map(|element| element.name.as_str()));
    for (element, name) in report.elements.iter().zip(names) {
        zip.start_file(name, options)?;
        zip.write_all(&table_csv(&element.table)?)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// `01 Plan mix.csv`…: numbered so that they sort in report order and never collide, with
/// characters that file systems refuse replaced by `-`, and names cut to 60 characters.
pub fn csv_file_names<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> Vec<String> {
    let digits = names.len().to_string().len().max(2);
    names
        .enumerate()
        .map(|(i, name)| {
            let cleaned: String =
                name.chars().map(|c| if "/\\:*?\"<>|".contains(c) || c.is_control() { '-' } else { c }).take(60).collect();
            let cleaned = cleaned.trim().trim_start_matches('.');
            let cleaned = if cleaned.is_empty() { "Element" } else { cleaned };
            format!("{:0digits$} {cleaned}.csv", i + 1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::export::fixtures::sample_report;
    use std::io::Read;

    #[test]
    fn a_table_becomes_csv_with_empty_values_as_nothing() {
        let table = Table {
            columns: vec!["Plan".into(), "Users".into()],
            rows: vec![vec![Cell::Text("pro, \"annual\"".into()), Cell::Integer(3)], vec![Cell::Empty, Cell::Integer(1)]],
        };
        let csv = String::from_utf8(table_csv(&table).unwrap()).unwrap();
        assert_eq!(csv, "Plan,Users\n\"pro, \"\"annual\"\"\",3\n,1\n");
    }

    #[test]
    fn a_report_zip_holds_one_parseable_csv_per_element() {
        let report = sample_report();
        let bytes = report_zip(&report).unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), report.elements.len());
        let mut file = archive.by_name("02 Plan mix.csv").unwrap();
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap(), vec!["Plan", "Users"]);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let table = &report.elements[1].table;
        assert_eq!(rows.len(), table.rows.len());
        assert_eq!(&rows[0][0], table.rows[0][0].to_csv_field());
        assert_eq!(&rows.last().unwrap()[0], "", "no value is an empty field");
        let total: i64 = rows.iter().map(|row| row[1].parse::<i64>().unwrap()).sum();
        assert_eq!(total, 120);
    }

    #[test]
    fn file_names_are_numbered_safe_and_unique() {
        let names = csv_file_names(["Plan mix", "Plan mix", "a/b: c?", "", "..hidden"].into_iter());
        assert_eq!(names, vec!["01 Plan mix.csv", "02 Plan mix.csv", "03 a-b- c-.csv", "04 Element.csv", "05 hidden.csv"]);
    }
}
