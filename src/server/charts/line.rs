//! Line charts of users over time: one point per bucket, a light area under the line, dates
//! on the horizontal axis as many as fit, and the values on the points when there are few.

use super::axis::ticks;
use super::svg::{n, text_width, Anchor, Svg};
use super::{describe, format_value, ChartData, Theme, PALETTE, WIDTH};

const SMALL: f64 = 11.0;
const MUTED: &str = "fill-opacity=\"0.72\"";
/// Up to this many points, each gets a dot; up to half as many, its value too.
const DOTS: usize = 40;

pub fn line(title: &str, data: &ChartData, theme: Theme) -> String {
    let values: Vec<f64> = data.series.first().map(|s| s.values.clone()).unwrap_or_default();
    let max = values.iter().copied().fold(0.0, f64::max);
    let ticks = ticks(max, 5);
    let top_tick = *ticks.last().unwrap_or(&1.0);
    let tick_width = ticks.iter().map(|t| text_width(&format_value(*t), SMALL)).fold(0.0, f64::max);

    let (left, right, top, plot_height) = (16.0 + 16.0 + tick_width + 8.0, 24.0, 24.0, 220.0);
    let plot_width = WIDTH - left - right;
    let height = top + plot_height + 56.0;
    let count = values.len();
    let x = |i: usize| if count <= 1 { left + plot_width / 2.0 } else { left + plot_width * i as f64 / (count - 1) as f64 };
    let y = |value: f64| top + plot_height - value / top_tick * plot_height;

    let mut svg = Svg::new(WIDTH, height, title, &describe("Line chart", data), theme);
    for tick in &ticks {
        svg.rule(left, y(*tick), left + plot_width, y(*tick), if *tick == 0.0 { 0.5 } else { 0.15 });
        svg.text(left - 6.0, y(*tick) + 4.0, Anchor::End, &format!("font-size=\"{SMALL}\" {MUTED}"), &format_value(*tick));
    }
    svg.raw(&format!(
        "<text x=\"0\" y=\"0\" transform=\"translate(20,{}) rotate(-90)\" text-anchor=\"middle\" font-weight=\"600\" {MUTED}>{}</text>",
        n(top + plot_height / 2.0),
        super::svg::escape(data.value_axis())
    ));
    svg.text(
        left + plot_width / 2.0,
        height - 10.0,
        Anchor::Middle,
        &format!("font-weight=\"600\" {MUTED}"),
        &data.category_axis,
    );

    // Dates along the axis: every k-th, k chosen so that they never touch.
    let widest = data.categories.iter().map(|c| text_width(&c.label, SMALL)).fold(0.0, f64::max) + 16.0;
    let fitting = ((plot_width + widest) / widest).floor().max(1.0) as usize;
    let every = count.div_ceil(fitting).max(1);
    for (i, category) in data.categories.iter().enumerate() {
        if i % every == 0 {
            svg.rule(x(i), top + plot_height, x(i), top + plot_height + 4.0, 0.5);
            svg.text(x(i), top + plot_height + 18.0, Anchor::Middle, &format!("font-size=\"{SMALL}\""), &category.label);
        }
    }

    let colour = PALETTE[0];
    if count > 0 {
        let points: Vec<String> = values.iter().enumerate().map(|(i, v)| format!("{} {}", n(x(i)), n(y(*v)))).collect();
        let line = format!("M{}", points.join("L"));
        let area = format!("{line}L{} {}L{} {}Z", n(x(count - 1)), n(y(0.0)), n(x(0)), n(y(0.0)));
        svg.path(&area, &format!("fill=\"{colour}\" fill-opacity=\"0.14\""));
        svg.path(
            &line,
            &format!(
                "fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.25\" stroke-linejoin=\"round\" stroke-linecap=\"round\""
            ),
        );
    }
    if count <= DOTS {
        for (i, (category, value)) in data.categories.iter().zip(&values).enumerate() {
            svg.open_group(&format!("{}: {}", category.label, format_value(*value)));
            svg.raw(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{colour}\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>",
                n(x(i)),
                n(y(*value))
            ));
            if count <= DOTS / 2 {
                svg.text(
                    x(i),
                    y(*value) - 9.0,
                    Anchor::Middle,
                    &format!("font-size=\"{SMALL}\" font-weight=\"600\""),
                    &format_value(*value),
                );
            }
            svg.close_group();
        }
    }
    svg.finish()
}
