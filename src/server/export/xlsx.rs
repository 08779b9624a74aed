//! Typed cells in XLSX worksheets: numbers as numbers, booleans as booleans, times as real
//! Excel dates with a date-time format, no value as an empty cell. Every XLSX Inlet writes
//! (grid exports, report sheets) puts its cells through [`write_cell`].

use rust_xlsxwriter::{ColNum, Format, RowNum, Worksheet, XlsxError};

use crate::domain::table::Cell;

/// The formats cells need. Made once per workbook and shared by its sheets.
pub struct CellFormats {
    pub header: Format,
    pub datetime: Format,
    pub number: Format,
}

impl Default for CellFormats {
    fn default() -> Self {
        Self {
            header: Format::new().set_bold(),
            // Times are stored in UTC; the format says so, since Excel has no time zones.
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss \"UTC\""),
            number: Format::new().set_num_format("0.00"),
        }
    }
}

/// Writes one cell. `Empty` writes nothing, so the cell stays blank (not an empty string).
pub fn write_cell(sheet: &mut Worksheet, row: RowNum, col: ColNum, cell: &Cell, formats: &CellFormats) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Boolean(b) => {
            sheet.write_boolean(row, col, *b)?;
        }
        // Excel holds numbers as doubles: integers beyond 2^53 lose their last digits there,
        // as they would in any spreadsheet.
        Cell::Integer(n) => {
            sheet.write_number(row, col, *n as f64)?;
        }
        Cell::Number(x) => {
            sheet.write_number_with_format(row, col, *x, &formats.number)?;
        }
        Cell::DateTime(at) => {
            sheet.write_datetime_with_format(row, col, &at.naive_utc(), &formats.datetime)?;
        }
        Cell::Text(text) => {
            sheet.write_string(row, col, text)?;
        }
    }
    Ok(())
}
