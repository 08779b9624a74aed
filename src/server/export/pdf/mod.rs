//! Report PDFs: A4 portrait, the report's name, project and date, then each element's title,
//! its chart drawn as vectors from the same SVG the page shows, and its table. Text is real
//! text in an embedded DejaVu Sans (subset), so it can be selected, searched and extracted.
//!
//! Written with krilla (pure Rust; krilla-svg draws the charts through usvg). A report export
//! and a one-element export are the same function (see [`ComputedReport::only`]).

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::TextDirection;
use krilla::Document;
use krilla_svg::{SurfaceExt, SvgSettings};

use crate::domain::report::ComputedReport;
use crate::server::charts::{chart_svg, Theme};

mod fonts;
mod layout;

use layout::{Align, ChartSize, Colour, Item, MARGIN, MUTED, PAGE_HEIGHT, PAGE_WIDTH};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("a chart could not be drawn: {0}")]
    Chart(String),
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// The PDF of `report`, every element in order.
pub fn report_pdf(report: &ComputedReport) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts::fonts();
    let charts = report
        .elements
        .iter()
        .map(|element| match chart_svg(element.style, &element.name, &element.table, Theme::Print) {
            Some(svg) => {
                usvg::Tree::from_str(&svg, &fonts.svg_options).map(Some).map_err(|error| PdfError::Chart(error.to_string()))
            }
            None => Ok(None),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let sizes: Vec<Option<ChartSize>> = charts
        .iter()
        .map(|tree| tree.as_ref().map(|tree| ChartSize { width: tree.size().width(), height: tree.size().height() }))
        .collect();
    let pages = layout::pages(report, &sizes, fonts);

    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(report.name.clone()).creator("Inlet".into()).language("en".into()));
    let count = pages.len();
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or_else(|| PdfError::Write("no A4 page".into()))?;
    for (number, items) in pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for item in items {
            draw(&mut surface, item, &charts, fonts)?;
        }
        let footer = [
            Item::Text {
                x: MARGIN,
                y: PAGE_HEIGHT - 28.0,
                size: 8.0,
                bold: false,
                colour: MUTED,
                align: Align::Left,
                text: fonts.fit(&report.name, 8.0, false, 300.0),
            },
            Item::Text {
                x: PAGE_WIDTH - MARGIN,
                y: PAGE_HEIGHT - 28.0,
                size: 8.0,
                bold: false,
                colour: MUTED,
                align: Align::Right,
                text: format!("Page {} of {count}", number + 1),
            },
        ];
        for item in &footer {
            draw(&mut surface, item, &charts, fonts)?;
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|error| PdfError::Write(format!("{error:?}")))
}

fn fill(colour: Colour) -> Fill {
    Fill { paint: rgb::Color::new(colour.0, colour.1, colour.2).into(), ..Fill::default() }
}

fn draw(surface: &mut Surface<'_>, item: &Item, charts: &[Option<usvg::Tree>], fonts: &fonts::Fonts) -> Result<(), PdfError> {
    match item {
        Item::Text { x, y, size, bold, colour, align, text } => {
            let x = match align {
                Align::Left => *x,
                Align::Right => x - fonts.width(text, *size, *bold),
            };
            surface.set_fill(Some(fill(*colour)));
            let at = Point::from_xy(x, *y);
            match fonts.simple_glyphs(text, *bold) {
                Some(glyphs) => surface.draw_glyphs(at, &glyphs, fonts.font(*bold), text, *size, false),
                None => surface.draw_text(at, fonts.font(*bold), *size, text, false, TextDirection::Auto),
            }
        }
        Item::Rect { x, y, width, height, colour } => {
            let mut path = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) {
                path.push_rect(rect);
            }
            if let Some(path) = path.finish() {
                surface.set_fill(Some(fill(*colour)));
                surface.draw_path(&path);
            }
        }
        Item::Chart { index, x, y, scale } => {
            let Some(Some(tree)) = charts.get(*index) else { return Ok(()) };
            let size = Size::from_wh(tree.size().width() * scale, tree.size().height() * scale)
                .ok_or_else(|| PdfError::Chart("an empty chart".into()))?;
            surface.push_transform(&Transform::from_translate(*x, *y));
            surface.draw_svg(tree, size, SvgSettings::default());
            surface.pop();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
