//! A small SVG writer: every text and attribute value goes through [`escape`], numbers are
//! written rounded to a tenth, and the root carries the chart's title and accessible label.

use std::fmt::Write;

use super::Theme;

/// Escapes text for SVG content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // XML 1.0 cannot hold most control characters, even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A number as SVG coordinates want it: at most one decimal.
pub fn n(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded == rounded.trunc() {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

/// How text lines up against its x.
#[derive(Clone, Copy)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

pub struct Svg {
    out: String,
}

/// The fonts charts ask for: the page's own, then DejaVu Sans (what the PDF embeds).
pub const FONT_FAMILY: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";

impl Svg {
    /// Starts a chart `width` × `height` with its title (shown as a tooltip, read by screen
    /// readers) and a one-sentence description of what it shows.
    pub fn new(width: f64, height: f64, title: &str, description: &str, theme: Theme) -> Self {
        let mut out = String::with_capacity(4096);
        let color = match theme {
            Theme::Page => String::new(),
            Theme::Print => " color=\"#1c2430\"".to_string(),
        };
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
             role=\"img\" aria-label=\"{label}\" font-family=\"{FONT_FAMILY}\" font-size=\"12\" fill=\"currentColor\"{color}>\
             <title>{title}</title><desc>{description}</desc>",
            w = n(width),
            h = n(height),
            label = escape(&format!("{title}: {description}")),
            title = escape(title),
            description = escape(description),
        );
        Svg { out }
    }

    pub fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    /// A group with a tooltip (`<title>`), for one bar, slice or point with its full label.
    pub fn open_group(&mut self, tooltip: &str) {
        let _ = write!(self.out, "<g><title>{}</title>", escape(tooltip));
    }

    pub fn close_group(&mut self) {
        self.out.push_str("</g>");
    }

    pub fn rect(&mut self, x: f64, y: f64, width: f64, height: f64, fill: &str) {
        let _ = write!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"/>",
            n(x),
            n(y),
            n(width.max(0.0)),
            n(height.max(0.0))
        );
    }

    /// A hairline in the text colour, faint (`opacity` 0.15 for grid lines, 0.5 for axes).
    pub fn rule(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, opacity: f64) {
        let _ = write!(
            self.out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"currentColor\" stroke-opacity=\"{opacity}\" stroke-width=\"1\" shape-rendering=\"crispEdges\"/>",
            n(x1),
            n(y1),
            n(x2),
            n(y2)
        );
    }

    pub fn path(&mut self, d: &str, attributes: &str) {
        let _ = write!(self.out, "<path d=\"{d}\" {attributes}/>");
    }

    /// Text at (x, y) on its baseline. `style` holds extra attributes (`font-weight="600"`).
    pub fn text(&mut self, x: f64, y: f64, anchor: Anchor, style: &str, content: &str) {
        let _ = write!(
            self.out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" {style}>{}</text>",
            n(x),
            n(y),
            anchor.as_str(),
            escape(content)
        );
    }

    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

/// An estimate of the width of `text` at `size` px in a sans-serif font (DejaVu Sans, the
/// widest of the fonts charts ask for, so a label that fits here fits on the page too).
pub fn text_width(text: &str, size: f64) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'I' => 0.3,
            'f' | 't' | 'r' | ' ' | '(' | ')' | '[' | ']' | '-' | '/' => 0.4,
            'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.9,
            '0'..='9' | '–' | '…' => 0.64,
            c if c.is_ascii_uppercase() => 0.72,
            c if c.is_ascii() => 0.6,
            // Wide scripts (CJK) take a full em; most others about a letter.
            c if (c as u32) >= 0x2E80 => 1.0,
            _ => 0.65,
        })
        .sum();
    em * size
}

/// `text` cut with an ellipsis to fit `width` px at `size`.
pub fn fit(text: &str, size: f64, width: f64) -> String {
    if text_width(text, size) <= width {
        return text.to_string();
    }
    let mut kept = String::new();
    for c in text.chars() {
        let candidate = format!("{kept}{c}…");
        if text_width(&candidate, size) > width {
            break;
        }
        kept.push(c);
    }
    format!("{}…", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("<b>\"Tom\" & 'Jerry'</b>\u{1}"), "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt; ");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(n(12.0), "12");
        assert_eq!(n(12.345), "12.3");
        assert_eq!(n(-0.04), "0");
    }

    #[test]
    fn long_labels_are_cut_to_fit() {
        assert_eq!(fit("pro", 12.0, 100.0), "pro");
        let cut = fit("a very long plan name indeed", 12.0, 80.0);
        assert!(cut.ends_with('…') && text_width(&cut, 12.0) <= 80.0, "{cut}");
    }
}
