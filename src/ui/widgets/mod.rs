//! Reusable editors and tables that take their fields and rows from outside: the criteria
//! editor (saved filters, listener gates), the column picker (views) and the data grid. The
//! user grid uses them today; the feedback grid reuses them as they are.

mod builders;
mod columns;
mod criteria;
mod grid;

pub use builders::{FilterBuilder, ViewBuilder};
pub use columns::ColumnPicker;
pub use grid::{DataGrid, GridLine};

pub use criteria::{group_names, CriteriaEditor};

use leptos::prelude::*;

use crate::api::UiError;

/// The error of the last submission, if it failed: what editors show beside their inputs.
pub fn failure<T>(value: Signal<Option<Result<T, UiError>>>) -> Signal<Option<UiError>>
where
    T: Clone + Send + Sync + 'static,
{
    Signal::derive(move || value.with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())))
}
