//! Bar charts (horizontal; grouped for two fields) and column charts (vertical; stacked for
//! two fields), with a value axis in round steps, grid lines, value labels where they fit and
//! a legend when there are several series.

use super::axis::ticks;
use super::svg::{fit, n, text_width, Anchor, Svg};
use super::{colour, describe, format_value, text_on, ChartData, Theme, WIDTH};

/// The most bars or columns drawn; the smallest beyond are folded into "Other".
const MAX_CATEGORIES: usize = 30;
/// The most series (legend entries) drawn; the rest are folded into "Other".
const MAX_SERIES: usize = 7;
const FONT: f64 = 12.0;
const SMALL: f64 = 11.0;
const MUTED: &str = "fill-opacity=\"0.72\"";

/// Horizontal bars, one group of bars per category when there are several series.
pub fn horizontal(title: &str, data: &ChartData, theme: Theme) -> String {
    let data = data.folded(MAX_CATEGORIES).folded_series(MAX_SERIES);
    let series = data.series.len().max(1);
    let thickness = if series == 1 { 20.0 } else { 12.0 };
    let band = thickness * series as f64 + if series == 1 { 10.0 } else { 12.0 };

    let label_width = data.categories.iter().map(|c| text_width(&c.label, FONT)).fold(40.0, f64::max).min(190.0);
    let left = 16.0 + label_width + 10.0;
    let right = 56.0;
    let legend_height = if series > 1 { legend_height(&data, WIDTH - 32.0) } else { 0.0 };
    let top = 28.0 + legend_height;
    let plot_width = WIDTH - left - right;
    let plot_height = band * data.categories.len().max(1) as f64;
    let height = top + plot_height + 48.0;

    let max = data.series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0, f64::max);
    let ticks = ticks(max, 5);
    let top_tick = *ticks.last().unwrap_or(&1.0);
    let x = |value: f64| left + value / top_tick * plot_width;

    let kind = if series > 1 { "Grouped bar chart" } else { "Bar chart" };
    let mut svg = Svg::new(WIDTH, height, title, &describe(kind, &data), theme);
    if series > 1 {
        legend(&mut svg, &data, 16.0, 16.0, WIDTH - 32.0);
    }
    // The category axis' name over the labels; the value axis' name under the ticks.
    svg.text(
        left - 10.0,
        top - 10.0,
        Anchor::End,
        &format!("font-weight=\"600\" {MUTED}"),
        &fit(&data.category_axis, SMALL, label_width),
    );
    for tick in &ticks {
        svg.rule(x(*tick), top, x(*tick), top + plot_height, if *tick == 0.0 { 0.5 } else { 0.15 });
        svg.text(
            x(*tick),
            top + plot_height + 16.0,
            Anchor::Middle,
            &format!("font-size=\"{SMALL}\" {MUTED}"),
            &format_value(*tick),
        );
    }
    svg.text(left + plot_width / 2.0, height - 10.0, Anchor::Middle, &format!("font-weight=\"600\" {MUTED}"), data.value_axis());

    for (i, category) in data.categories.iter().enumerate() {
        let band_top = top + band * i as f64;
        svg.text(left - 10.0, band_top + band / 2.0 + 4.0, Anchor::End, "", &fit(&category.label, FONT, label_width));
        for (s, values) in data.series.iter().enumerate() {
            let value = values.values[i];
            // In a group, a pair no user has is left out rather than labelled 0.
            if series > 1 && value <= 0.0 {
                continue;
            }
            let fill = if series == 1 { colour(0, category.neutral) } else { colour(s, values.neutral) };
            let y = band_top + (band - thickness * series as f64) / 2.0 + thickness * s as f64;
            let tooltip = if series == 1 {
                format!("{}: {}", category.label, format_value(value))
            } else {
                format!("{} · {}: {}", category.label, values.name, format_value(value))
            };
            svg.open_group(&tooltip);
            svg.rect(left, y, x(value) - left, thickness - 1.0, fill);
            let label = format_value(value);
            let label_size = if series == 1 { FONT } else { SMALL };
            let inside = x(value) + 4.0 + text_width(&label, label_size) > WIDTH - 4.0;
            let baseline = y + thickness / 2.0 + label_size * 0.35;
            if inside {
                svg.text(
                    x(value) - 4.0,
                    baseline,
                    Anchor::End,
                    &format!("font-size=\"{label_size}\" fill=\"{}\"", text_on(fill)),
                    &label,
                );
            } else {
                svg.text(x(value) + 4.0, baseline, Anchor::Start, &format!("font-size=\"{label_size}\""), &label);
            }
            svg.close_group();
        }
    }
    svg.finish()
}

/// Vertical columns, stacked when there are several series, with each stack's total on top.
pub fn vertical(title: &str, data: &ChartData, theme: Theme) -> String {
    let data = data.folded(MAX_CATEGORIES).folded_series(MAX_SERIES);
    let series = data.series.len().max(1);
    let count = data.categories.len().max(1);
    let totals: Vec<f64> = (0..data.categories.len()).map(|i| data.series.iter().map(|s| s.values[i]).sum()).collect();
    let max = totals.iter().copied().fold(0.0, f64::max);
    let ticks = ticks(max, 5);
    let top_tick = *ticks.last().unwrap_or(&1.0);

    let tick_width = ticks.iter().map(|t| text_width(&format_value(*t), SMALL)).fold(0.0, f64::max);
    let left = 16.0 + 16.0 + tick_width + 8.0;
    let right = 16.0;
    let plot_width = WIDTH - left - right;
    let slot = plot_width / count as f64;
    // Labels that do not fit under their column are turned 40°, and cut to 16 characters' room.
    let widest = data.categories.iter().map(|c| text_width(&c.label, SMALL)).fold(0.0, f64::max);
    let turned = widest > slot - 4.0;
    let label_room = if turned { widest.min(120.0) * 0.64 + 16.0 } else { 20.0 };
    let legend_height = if series > 1 { legend_height(&data, WIDTH - 32.0) } else { 0.0 };
    let top = 24.0 + legend_height;
    let plot_height = 240.0;
    let height = top + plot_height + label_room + 36.0;
    let y = |value: f64| top + plot_height - value / top_tick * plot_height;

    let kind = if series > 1 { "Stacked column chart" } else { "Column chart" };
    let mut svg = Svg::new(WIDTH, height, title, &describe(kind, &data), theme);
    if series > 1 {
        legend(&mut svg, &data, 16.0, 16.0, WIDTH - 32.0);
    }
    for tick in &ticks {
        svg.rule(left, y(*tick), left + plot_width, y(*tick), if *tick == 0.0 { 0.5 } else { 0.15 });
        svg.text(left - 6.0, y(*tick) + 4.0, Anchor::End, &format!("font-size=\"{SMALL}\" {MUTED}"), &format_value(*tick));
    }
    let axis_middle = top + plot_height / 2.0;
    svg.raw(&format!(
        "<text x=\"0\" y=\"0\" transform=\"translate({},{}) rotate(-90)\" text-anchor=\"middle\" font-weight=\"600\" {MUTED}>{}</text>",
        n(20.0),
        n(axis_middle),
        super::svg::escape(data.value_axis())
    ));
    svg.text(
        left + plot_width / 2.0,
        height - 10.0,
        Anchor::Middle,
        &format!("font-weight=\"600\" {MUTED}"),
        &data.category_axis,
    );

    let column = (slot * 0.64).min(72.0);
    for (i, category) in data.categories.iter().enumerate() {
        let middle = left + slot * (i as f64 + 0.5);
        let x = middle - column / 2.0;
        let mut base = 0.0;
        for (s, values) in data.series.iter().enumerate() {
            let value = values.values[i];
            if value <= 0.0 {
                continue;
            }
            let fill = if series == 1 { colour(0, category.neutral) } else { colour(s, values.neutral) };
            let tooltip = if series == 1 {
                format!("{}: {}", category.label, format_value(value))
            } else {
                format!("{} · {}: {}", category.label, values.name, format_value(value))
            };
            svg.open_group(&tooltip);
            svg.rect(x, y(base + value), column, y(base) - y(base + value), fill);
            let label = format_value(value);
            let segment = y(base) - y(base + value);
            if series > 1 && segment >= 16.0 && text_width(&label, SMALL) <= column - 4.0 {
                svg.text(
                    middle,
                    y(base + value) + segment / 2.0 + 4.0,
                    Anchor::Middle,
                    &format!("font-size=\"{SMALL}\" fill=\"{}\"", text_on(fill)),
                    &label,
                );
            }
            svg.close_group();
            base += value;
        }
        let total = format_value(totals[i]);
        if text_width(&total, FONT) <= slot - 2.0 {
            svg.text(middle, y(totals[i]) - 6.0, Anchor::Middle, "font-weight=\"600\"", &total);
        }
        if turned {
            let label = fit(&category.label, SMALL, 120.0);
            svg.raw(&format!(
                "<text x=\"0\" y=\"0\" transform=\"translate({},{}) rotate(-40)\" text-anchor=\"end\" font-size=\"{SMALL}\">{}</text>",
                n(middle + 4.0),
                n(top + plot_height + 14.0),
                super::svg::escape(&label)
            ));
        } else {
            svg.text(middle, top + plot_height + 16.0, Anchor::Middle, &format!("font-size=\"{SMALL}\""), &category.label);
        }
    }
    svg.finish()
}

const SWATCH: f64 = 10.0;
const LEGEND_LINE: f64 = 18.0;

fn legend_entries(data: &ChartData) -> impl Iterator<Item = (usize, String, f64)> + '_ {
    data.series.iter().enumerate().map(|(i, s)| {
        let label = fit(&s.name, SMALL, 180.0);
        let width = SWATCH + 6.0 + text_width(&label, SMALL) + 16.0;
        (i, label, width)
    })
}

/// The height of the legend when wrapped into lines `width` wide.
fn legend_height(data: &ChartData, width: f64) -> f64 {
    let mut lines = 1;
    let mut x = 0.0;
    for (_, _, entry) in legend_entries(data) {
        if x + entry > width && x > 0.0 {
            lines += 1;
            x = 0.0;
        }
        x += entry;
    }
    lines as f64 * LEGEND_LINE + 4.0
}

/// A swatch and name per series, wrapped into lines from (`left`, `top`).
fn legend(svg: &mut Svg, data: &ChartData, left: f64, top: f64, width: f64) {
    let (mut x, mut line) = (0.0, 0.0);
    for (i, label, entry) in legend_entries(data) {
        if x + entry > width && x > 0.0 {
            line += 1.0;
            x = 0.0;
        }
        let y = top + line * LEGEND_LINE;
        svg.rect(left + x, y - SWATCH + 1.0, SWATCH, SWATCH, colour(i, data.series[i].neutral));
        svg.text(left + x + SWATCH + 6.0, y, Anchor::Start, &format!("font-size=\"{SMALL}\""), &label);
        x += entry;
    }
}
