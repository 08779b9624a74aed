//! Files Inlet hands out: CSV and XLSX of the user grid, and PDF, XLSX, CSV and zip of
//! reports (from a [`crate::domain::report::ComputedReport`], never from the store). An export
//! downloaded from a page and the attachment of a distribution email are the same bytes,
//! made by the same code here.

#[cfg(test)]
mod fixtures;
pub mod grid;
pub mod pdf;
pub mod report_csv;
pub mod report_xlsx;
pub mod xlsx;
