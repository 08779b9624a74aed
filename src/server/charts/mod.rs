//! Report charts as SVG, drawn from an element's typed table: bars, columns (stacked for two
//! fields), grouped bars, pies, donuts and lines. The report page inlines them and the PDF
//! export draws the same SVG as vector graphics, so a chart looks the same on screen and paper.
//!
//! Pure string building, but it lives with the server: only server-rendered pages and exports
//! draw charts, and keeping it out of `domain` keeps it out of the browser's wasm.
//!
//! Colours: the Okabe–Ito palette (distinguishable with every common colour-vision
//! deficiency, and mid-toned so it reads on light and dark pages). Text, axes and grid lines
//! use `currentColor`, so a chart takes the page's text colour in light and dark mode.

use crate::domain::report::{Style, TOTAL};
use crate::domain::table::{Cell, Table};

mod axis;
mod bars;
mod line;
mod pie;
pub mod svg;

/// Where a chart will be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Inline in a page: text follows the page's colour (light or dark).
    Page,
    /// On paper (PDF): dark text on white.
    Print,
}

/// Okabe–Ito, black left out (it vanishes on a dark page), blue first.
pub const PALETTE: [&str; 7] = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442"];
/// No value, and "Other": a neutral grey that the palette's hues never resemble.
pub const NEUTRAL: &str = "#8C8C8C";

/// The width every chart is drawn at (the page scales it to its column).
pub const WIDTH: f64 = 640.0;

/// The chart of an element, or `None` for styles shown as a table or a figure.
pub fn chart_svg(style: Style, title: &str, table: &Table, theme: Theme) -> Option<String> {
    let data = ChartData::from_table(table);
    match style {
        Style::Bar => Some(bars::horizontal(title, &data, theme)),
        Style::Column => Some(bars::vertical(title, &data, theme)),
        Style::Pie => Some(pie::pie(title, &data.first_series(), theme, false)),
        Style::Donut => Some(pie::pie(title, &data.first_series(), theme, true)),
        Style::Line => Some(line::line(title, &data, theme)),
        Style::Number | Style::Table | Style::Distribution | Style::List => None,
    }
}

/// A chart's view of a table: categories down the first column, one series per count column
/// (a cross-tab's "Total" left out: the stacks and groups show it).
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    pub category_axis: String,
    pub categories: Vec<Category>,
    pub series: Vec<Series>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub label: String,
    /// No value ("(empty)") or several grouped as "Other": drawn in grey.
    pub neutral: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
    pub neutral: bool,
}

impl ChartData {
    pub fn from_table(table: &Table) -> Self {
        let mut value_columns: Vec<usize> = (1..table.columns.len()).collect();
        if value_columns.len() > 1 && table.columns.last().map(String::as_str) == Some(TOTAL) {
            value_columns.pop();
        }
        let categories = table
            .rows
            .iter()
            .map(|row| {
                let cell = row.first().unwrap_or(&Cell::Empty);
                Category { label: cell.to_string(), neutral: cell.is_empty() }
            })
            .collect();
        let series = value_columns
            .into_iter()
            .map(|column| Series {
                name: table.columns[column].clone(),
                values: table.column(column).map(|cell| cell.as_f64().unwrap_or(0.0)).collect(),
                neutral: table.columns[column] == Cell::Empty.to_string(),
            })
            .collect();
        ChartData { category_axis: table.columns.first().cloned().unwrap_or_default(), categories, series }
    }

    /// Only the first series (pies show one).
    pub fn first_series(&self) -> ChartData {
        ChartData {
            category_axis: self.category_axis.clone(),
            categories: self.categories.clone(),
            series: self.series.iter().take(1).cloned().collect(),
        }
    }

    /// The name of the value axis: the count column's name for one series, else "Users".
    pub fn value_axis(&self) -> &str {
        match self.series.as_slice() {
            [one] => &one.name,
            _ => crate::domain::report::USERS,
        }
    }

    /// At most `max` categories: the first `max - 1` kept, the rest summed into one grey
    /// "Other (n)". Tables list the biggest first, so the small ones are folded.
    pub fn folded(&self, max: usize) -> ChartData {
        if self.categories.len() <= max {
            return self.clone();
        }
        let keep = max - 1;
        let rest = self.categories.len() - keep;
        let mut categories = self.categories[..keep].to_vec();
        categories.push(Category { label: format!("Other ({rest} values)"), neutral: true });
        let series = self
            .series
            .iter()
            .map(|series| {
                let mut values = series.values[..keep].to_vec();
                values.push(series.values[keep..].iter().sum());
                Series { values, ..series.clone() }
            })
            .collect();
        ChartData { category_axis: self.category_axis.clone(), categories, series }
    }

    /// At most `max` series (for legends and stacks): the rest summed into one grey "Other".
    pub fn folded_series(&self, max: usize) -> ChartData {
        if self.series.len() <= max {
            return self.clone();
        }
        let keep = max - 1;
        let mut series = self.series[..keep].to_vec();
        let values = (0..self.categories.len()).map(|i| self.series[keep..].iter().map(|s| s.values[i]).sum()).collect();
        series.push(Series { name: format!("Other ({} values)", self.series.len() - keep), values, neutral: true });
        ChartData { category_axis: self.category_axis.clone(), categories: self.categories.clone(), series }
    }
}

/// The colour of the `index`th of the categories or series: the palette in order, grey for
/// no value and for "Other".
pub fn colour(index: usize, neutral: bool) -> &'static str {
    if neutral {
        NEUTRAL
    } else {
        PALETTE[index % PALETTE.len()]
    }
}

/// Black or white text, whichever reads better on `background` (`#RRGGBB`).
pub fn text_on(background: &str) -> &'static str {
    let channel = |i: usize| {
        let value = u8::from_str_radix(background.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0) as f64 / 255.0;
        if value <= 0.03928 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    // The luminance at which black and white contrast equally.
    if luminance > 0.179 {
        "#111111"
    } else {
        "#ffffff"
    }
}

/// A count as people read it: `1,234`, fractions to two places.
pub fn format_value(x: f64) -> String {
    if x.fract() != 0.0 {
        return Cell::Number(x).to_string();
    }
    let digits = format!("{}", x.abs() as i64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// The one-sentence description of a chart for screen readers: its values, the first few.
fn describe(kind: &str, data: &ChartData) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (i, category) in data.categories.iter().enumerate().take(12) {
        let values: Vec<String> = data.series.iter().map(|s| format_value(s.values[i])).collect();
        parts.push(format!("{} {}", category.label, values.join(" / ")));
    }
    if data.categories.len() > 12 {
        parts.push(format!("and {} more", data.categories.len() - 12));
    }
    format!("{kind} of {} by {}: {}", data.value_axis(), data.category_axis, parts.join(", "))
}

#[cfg(test)]
mod tests;
