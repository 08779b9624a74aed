//! Files Inlet hands out: CSV and XLSX of the user grid, and of report elements. An export
//! downloaded from a page and the attachment of a distribution email are the same bytes,
//! made by the same code here.

pub mod grid;
pub mod xlsx;
