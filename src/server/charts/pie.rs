//! Pie and donut charts: slices from twelve o'clock clockwise in table order, percentages on
//! the slices big enough to hold them, and a legend with each value's count and share.

use std::f64::consts::PI;

use super::svg::{fit, n, text_width, Anchor, Svg};
use super::{colour, describe, format_value, text_on, ChartData, Theme, NEUTRAL, WIDTH};

/// The most slices drawn; the smallest beyond are folded into "Other".
const MAX_SLICES: usize = 8;
const RADIUS: f64 = 120.0;
const LEGEND_LINE: f64 = 24.0;

pub fn pie(title: &str, data: &ChartData, theme: Theme, donut: bool) -> String {
    let data = data.folded(MAX_SLICES);
    let values: Vec<f64> = data.series.first().map(|s| s.values.clone()).unwrap_or_default();
    let total: f64 = values.iter().sum();
    let height = (RADIUS * 2.0 + 48.0).max(32.0 + LEGEND_LINE * data.categories.len() as f64 + 16.0);
    let (cx, cy) = (24.0 + RADIUS, height / 2.0);
    let inner = if donut { RADIUS * 0.58 } else { 0.0 };
    // Slices are parted by a thin line of the background's colour.
    let parting = match theme {
        Theme::Page => "style=\"stroke:var(--surface,#ffffff)\" stroke-width=\"1.5\"".to_string(),
        Theme::Print => "stroke=\"#ffffff\" stroke-width=\"1.5\"".to_string(),
    };

    let kind = if donut { "Donut chart" } else { "Pie chart" };
    let mut svg = Svg::new(WIDTH, height, title, &describe(kind, &data), theme);
    if total <= 0.0 {
        svg.path(&ring(cx, cy, RADIUS, inner), &format!("fill=\"{NEUTRAL}\" fill-opacity=\"0.35\" fill-rule=\"evenodd\""));
        svg.text(cx, cy + 4.0, Anchor::Middle, "", "No users");
    }

    let mut start = 0.0;
    for (i, (category, value)) in data.categories.iter().zip(&values).enumerate() {
        if *value <= 0.0 || total <= 0.0 {
            continue;
        }
        let sweep = value / total * 2.0 * PI;
        let fill = colour(i, category.neutral);
        let share = value / total * 100.0;
        svg.open_group(&format!("{}: {} ({})", category.label, format_value(*value), percent(share)));
        let d = if sweep >= 2.0 * PI - 1e-9 {
            ring(cx, cy, RADIUS, inner)
        } else {
            slice(cx, cy, RADIUS, inner, start, start + sweep)
        };
        svg.path(&d, &format!("fill=\"{fill}\" fill-rule=\"evenodd\" {parting}"));
        // A slice of at least 6% holds its percentage, placed halfway along its ring.
        if share >= 6.0 {
            let middle = start + sweep / 2.0;
            let r = if donut { (RADIUS + inner) / 2.0 } else { RADIUS * 0.64 };
            let (x, y) = point(cx, cy, r, middle);
            svg.text(
                x,
                y + 4.0,
                Anchor::Middle,
                &format!("font-size=\"11\" font-weight=\"600\" fill=\"{}\"", text_on(fill)),
                &percent(share),
            );
        }
        svg.close_group();
        start += sweep;
    }
    if donut && total > 0.0 {
        svg.text(cx, cy + 6.0, Anchor::Middle, "font-size=\"22\" font-weight=\"600\"", &format_value(total));
        svg.text(cx, cy + 24.0, Anchor::Middle, "font-size=\"11\" fill-opacity=\"0.72\"", data.value_axis());
    }

    // The legend: swatch, label, then count and share right-aligned.
    let left = cx + RADIUS + 48.0;
    let right = WIDTH - 16.0;
    let top = cy - LEGEND_LINE * data.categories.len() as f64 / 2.0 + 16.0;
    svg.text(left, top - 14.0, Anchor::Start, "font-weight=\"600\" font-size=\"11\" fill-opacity=\"0.72\"", &data.category_axis);
    for (i, (category, value)) in data.categories.iter().zip(&values).enumerate() {
        let y = top + LEGEND_LINE * i as f64 + 4.0;
        let figures = format!("{}  ({})", format_value(*value), percent(if total > 0.0 { value / total * 100.0 } else { 0.0 }));
        let room = right - left - 18.0 - text_width(&figures, 12.0) - 12.0;
        svg.rect(left, y - 10.0, 12.0, 12.0, colour(i, category.neutral));
        svg.text(left + 18.0, y, Anchor::Start, "", &fit(&category.label, 12.0, room));
        svg.text(right, y, Anchor::End, "fill-opacity=\"0.72\"", &figures);
    }
    svg.finish()
}

/// A share as people read it: `42%`, `0.4%` under one percent.
fn percent(share: f64) -> String {
    if share > 0.0 && share < 1.0 {
        format!("{share:.1}%")
    } else {
        format!("{}%", share.round() as i64)
    }
}

/// The point at `angle` (radians clockwise from twelve o'clock) on a circle.
fn point(cx: f64, cy: f64, r: f64, angle: f64) -> (f64, f64) {
    (cx + r * angle.sin(), cy - r * angle.cos())
}

/// A slice from `from` to `to`, cut out of a ring when `inner` > 0.
fn slice(cx: f64, cy: f64, r: f64, inner: f64, from: f64, to: f64) -> String {
    let large = if to - from > PI { 1 } else { 0 };
    let (x1, y1) = point(cx, cy, r, from);
    let (x2, y2) = point(cx, cy, r, to);
    if inner <= 0.0 {
        return format!("M{} {}L{} {}A{r} {r} 0 {large} 1 {} {}Z", n(cx), n(cy), n(x1), n(y1), n(x2), n(y2));
    }
    let (x3, y3) = point(cx, cy, inner, to);
    let (x4, y4) = point(cx, cy, inner, from);
    format!(
        "M{} {}A{r} {r} 0 {large} 1 {} {}L{} {}A{inner} {inner} 0 {large} 0 {} {}Z",
        n(x1),
        n(y1),
        n(x2),
        n(y2),
        n(x3),
        n(y3),
        n(x4),
        n(y4)
    )
}

/// A whole disc (or ring): two half arcs each, since one arc cannot close on itself.
fn ring(cx: f64, cy: f64, r: f64, inner: f64) -> String {
    let circle =
        |r: f64| format!("M{} {}A{r} {r} 0 1 1 {} {}A{r} {r} 0 1 1 {} {}Z", n(cx), n(cy - r), n(cx), n(cy + r), n(cx), n(cy - r));
    if inner > 0.0 {
        format!("{}{}", circle(r), circle(inner))
    } else {
        circle(r)
    }
}
