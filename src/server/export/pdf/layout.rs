//! Where everything goes on A4 portrait pages: the report's heading, then each element as a
//! block (title, chart or figure, table). A block that fits on a page is never split: it moves
//! to the next page whole. A block taller than a page flows over pages by table rows, the
//! table's header repeated on each.

use crate::domain::report::{ComputedElement, ComputedReport, Style};
use crate::domain::table::Cell;
use crate::server::charts::format_value;

use super::fonts::Fonts;

pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
pub const MARGIN: f32 = 48.0;
pub const TOP: f32 = 48.0;
/// Where content ends; the footer sits below.
pub const BOTTOM: f32 = PAGE_HEIGHT - 56.0;
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

const TABLE_SIZE: f32 = 8.5;
const ROW_HEIGHT: f32 = 15.0;
const CELL_PADDING: f32 = 6.0;
const GAP_AFTER_ELEMENT: f32 = 26.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Colour(pub u8, pub u8, pub u8);

pub const INK: Colour = Colour(0x1c, 0x24, 0x30);
pub const MUTED: Colour = Colour(0x5d, 0x68, 0x78);
pub const STRIPE: Colour = Colour(0xf3, 0xf5, 0xf8);
pub const ACCENT: Colour = Colour(0x00, 0x72, 0xB2);

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Right,
}

/// One thing drawn on a page. `y` is from the top; a text's `y` is its baseline.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: Colour,
        align: Align,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        colour: Colour,
    },
    /// The `index`th chart, scaled by `scale`, its top-left corner at (x, y).
    Chart {
        index: usize,
        x: f32,
        y: f32,
        scale: f32,
    },
}

impl Item {
    fn shifted(&self, dy: f32) -> Item {
        let mut item = self.clone();
        match &mut item {
            Item::Text { y, .. } | Item::Rect { y, .. } | Item::Chart { y, .. } => *y += dy,
        }
        item
    }
}

/// A run of items that stays together, its items placed from its own top at 0.
#[derive(Debug, Clone, Default)]
struct Piece {
    height: f32,
    items: Vec<Item>,
}

/// An element: pieces that may go on separate pages only when the whole does not fit on one.
struct Block {
    /// The title, the chart or figure, the table's header and first row: never split.
    head: Piece,
    /// The remaining table rows.
    rows: Vec<Piece>,
    /// The table's header, repeated atop each page a long table continues on.
    header: Option<Piece>,
}

impl Block {
    fn height(&self) -> f32 {
        self.head.height + self.rows.iter().map(|row| row.height).sum::<f32>()
    }
}

/// A chart as the layout needs it: its size in SVG pixels.
pub struct ChartSize {
    pub width: f32,
    pub height: f32,
}

/// The pages of `report`, each a list of items. `charts[i]` is the chart of the `i`th element
/// that has one, in element order.
pub fn pages(report: &ComputedReport, charts: &[Option<ChartSize>], fonts: &Fonts) -> Vec<Vec<Item>> {
    let mut pages: Vec<Vec<Item>> = vec![Vec::new()];
    let heading = heading(report, fonts);
    let mut y = TOP;
    place(&mut pages, &heading, &mut y);

    for (index, element) in report.elements.iter().enumerate() {
        let block = block(element, index, charts.get(index).and_then(Option::as_ref), fonts);
        let room = BOTTOM - y;
        let fresh = pages.last().is_some_and(|page| page.is_empty()) || y <= TOP;
        // A block that does not fit here moves to a new page, whole if it fits on one; one taller
        // than a page starts here if its head (title, chart, header, first row) does.
        let moves = block.height() > room && (block.height() <= BOTTOM - TOP || block.head.height > room);
        if moves && !fresh {
            new_page(&mut pages, &mut y);
        }
        place(&mut pages, &block.head, &mut y);
        for row in &block.rows {
            if y + row.height > BOTTOM {
                new_page(&mut pages, &mut y);
                if let Some(header) = &block.header {
                    place(&mut pages, header, &mut y);
                }
            }
            place(&mut pages, row, &mut y);
        }
        y += GAP_AFTER_ELEMENT;
    }
    pages
}

fn new_page(pages: &mut Vec<Vec<Item>>, y: &mut f32) {
    pages.push(Vec::new());
    *y = TOP;
}

fn place(pages: &mut [Vec<Item>], piece: &Piece, y: &mut f32) {
    let page = pages.last_mut().expect("there is always a page");
    page.extend(piece.items.iter().map(|item| item.shifted(*y)));
    *y += piece.height;
}

fn text(x: f32, y: f32, size: f32, bold: bool, colour: Colour, text: impl Into<String>) -> Item {
    Item::Text { x, y, size, bold, colour, align: Align::Left, text: text.into() }
}

/// The report's name, its project and when its data was computed, over a rule.
fn heading(report: &ComputedReport, fonts: &Fonts) -> Piece {
    let name = fonts.fit(&report.name, 20.0, true, CONTENT_WIDTH);
    let line = fonts.fit(&format!("{} · {}", report.project, report.computed_at_label()), 10.0, false, CONTENT_WIDTH);
    Piece {
        height: 62.0,
        items: vec![
            text(MARGIN, 20.0, 20.0, true, INK, name),
            text(MARGIN, 38.0, 10.0, false, MUTED, line),
            Item::Rect { x: MARGIN, y: 48.0, width: CONTENT_WIDTH, height: 1.5, colour: ACCENT },
        ],
    }
}

fn block(element: &ComputedElement, index: usize, chart: Option<&ChartSize>, fonts: &Fonts) -> Block {
    let mut head = Piece::default();
    let title = fonts.fit(&element.name, 13.0, true, CONTENT_WIDTH);
    head.items.push(text(MARGIN, 13.0, 13.0, true, INK, title));
    head.height = 24.0;

    if let Some(chart) = chart {
        let scale = (CONTENT_WIDTH / chart.width).min(1.0);
        head.items.push(Item::Chart { index, x: MARGIN, y: head.height, scale });
        head.height += chart.height * scale + 10.0;
    }
    if element.style == Style::Number {
        let figure = element.table.rows.first().and_then(|row| row.get(1)).and_then(Cell::as_f64).unwrap_or(0.0);
        head.items.push(text(MARGIN, head.height + 30.0, 32.0, true, ACCENT, format_value(figure)));
        head.items.push(text(
            MARGIN,
            head.height + 46.0,
            9.0,
            false,
            MUTED,
            element.table.columns.get(1).cloned().unwrap_or_default(),
        ));
        head.height += 54.0;
        return Block { head, rows: Vec::new(), header: None };
    }

    let table = TableLayout::new(&element.table.columns, &element.table.rows, fonts);
    let header = table.header(fonts);
    let mut rows = element.table.rows.iter().enumerate().map(|(i, row)| table.row(row, i, fonts));
    append(&mut head, &header);
    if let Some(first) = rows.next() {
        append(&mut head, &first);
    } else {
        append(
            &mut head,
            &Piece { height: ROW_HEIGHT, items: vec![text(MARGIN + CELL_PADDING, 11.0, TABLE_SIZE, false, MUTED, "No users")] },
        );
    }
    Block { head, rows: rows.collect(), header: Some(header) }
}

fn append(piece: &mut Piece, next: &Piece) {
    piece.items.extend(next.items.iter().map(|item| item.shifted(piece.height)));
    piece.height += next.height;
}

/// Column widths and alignment of one table.
struct TableLayout<'a> {
    columns: &'a [String],
    widths: Vec<f32>,
    align: Vec<Align>,
}

/// Rows measured to size columns: enough to be representative, few enough to stay fast
/// on a 100k-row list.
const MEASURED_ROWS: usize = 500;

impl<'a> TableLayout<'a> {
    fn new(columns: &'a [String], rows: &[Vec<Cell>], fonts: &Fonts) -> Self {
        let count = columns.len().max(1);
        let mut natural: Vec<f32> = columns.iter().map(|c| fonts.width(c, TABLE_SIZE, true) + 2.0 * CELL_PADDING).collect();
        let mut numeric = vec![false; count];
        for row in rows.iter().take(MEASURED_ROWS) {
            for (i, cell) in row.iter().enumerate().take(count) {
                natural[i] = natural[i].max(fonts.width(&cell.to_string(), TABLE_SIZE, false) + 2.0 * CELL_PADDING);
                numeric[i] |= matches!(cell, Cell::Integer(_) | Cell::Number(_));
            }
        }
        let total: f32 = natural.iter().sum();
        let widths = if total <= CONTENT_WIDTH {
            // The spare room goes to the first column (the labels), so figures line up at the right.
            let mut widths = natural;
            widths[0] += CONTENT_WIDTH - total;
            widths
        } else {
            // Columns wider than an equal share give up room in proportion to their excess.
            let fair = CONTENT_WIDTH / count as f32;
            let narrow: f32 = natural.iter().filter(|w| **w <= fair).sum();
            let wide: f32 = natural.iter().filter(|w| **w > fair).sum();
            let factor = (CONTENT_WIDTH - narrow) / wide;
            natural.iter().map(|w| if *w <= fair { *w } else { w * factor }).collect()
        };
        let align = numeric.into_iter().map(|n| if n { Align::Right } else { Align::Left }).collect();
        TableLayout { columns, widths, align }
    }

    fn cells(&self, texts: impl Iterator<Item = (String, bool, Colour)>, fonts: &Fonts) -> Vec<Item> {
        let mut x = MARGIN;
        let mut items = Vec::new();
        for ((content, bold, colour), (width, align)) in texts.zip(self.widths.iter().zip(&self.align)) {
            let fitted = fonts.fit(&content, TABLE_SIZE, bold, width - 2.0 * CELL_PADDING);
            let at = match align {
                Align::Left => x + CELL_PADDING,
                Align::Right => x + width - CELL_PADDING,
            };
            items.push(Item::Text { x: at, y: 10.5, size: TABLE_SIZE, bold, colour, align: *align, text: fitted });
            x += width;
        }
        items
    }

    fn header(&self, fonts: &Fonts) -> Piece {
        let mut items = self.cells(self.columns.iter().map(|c| (c.clone(), true, INK)), fonts);
        items.push(Item::Rect { x: MARGIN, y: ROW_HEIGHT + 1.0, width: CONTENT_WIDTH, height: 0.8, colour: INK });
        Piece { height: ROW_HEIGHT + 3.0, items }
    }

    fn row(&self, row: &[Cell], index: usize, fonts: &Fonts) -> Piece {
        let mut items = Vec::new();
        if index % 2 == 1 {
            items.push(Item::Rect { x: MARGIN, y: 0.0, width: CONTENT_WIDTH, height: ROW_HEIGHT, colour: STRIPE });
        }
        let cells = (0..self.columns.len()).map(|i| {
            let cell = row.get(i).unwrap_or(&Cell::Empty);
            (cell.to_string(), false, if cell.is_empty() { MUTED } else { INK })
        });
        items.extend(self.cells(cells, fonts));
        Piece { height: ROW_HEIGHT, items }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::table::Table;
    use chrono::TimeZone;

    fn report(elements: Vec<ComputedElement>) -> ComputedReport {
        ComputedReport {
            name: "Aurora beta".into(),
            project: "Aurora".into(),
            computed_at: chrono::Utc.with_ymd_and_hms(2026, 12, 2, 9, 45, 0).unwrap(),
            time_zone: chrono_tz::UTC,
            elements,
        }
    }

    fn table_of(rows: usize) -> ComputedElement {
        let rows = (0..rows).map(|i| vec![Cell::Text(format!("user{i}@example.com")), Cell::Integer(i as i64)]).collect();
        ComputedElement {
            name: "List".into(),
            style: Style::List,
            table: Table { columns: vec!["Email".into(), "Seats".into()], rows },
        }
    }

    fn pages_holding(pages: &[Vec<Item>], needle: &str) -> Vec<usize> {
        pages
            .iter()
            .enumerate()
            .filter(|(_, items)| items.iter().any(|item| matches!(item, Item::Text { text, .. } if text == needle)))
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn an_element_that_does_not_fit_moves_whole_to_the_next_page() {
        let fonts = super::super::fonts::fonts();
        // 30 rows fill most of page one; the second 30-row table cannot fit below it.
        let mut first = table_of(30);
        first.name = "First".into();
        let mut second = table_of(30);
        second.name = "Second".into();
        let pages = pages(&report(vec![first, second]), &[None, None], fonts);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages_holding(&pages, "First"), vec![0]);
        assert_eq!(pages_holding(&pages, "Second"), vec![1]);
        assert_eq!(pages_holding(&pages, "user29@example.com"), vec![0, 1]);
    }

    #[test]
    fn a_table_taller_than_a_page_flows_with_its_header_repeated() {
        let fonts = super::super::fonts::fonts();
        let pages = pages(&report(vec![table_of(120)]), &[None], fonts);
        assert_eq!(pages.len(), 3);
        assert_eq!(pages_holding(&pages, "Email"), vec![0, 1, 2], "the header on every page");
        for page in &pages {
            for item in page {
                if let Item::Text { y, .. } = item {
                    assert!(*y <= BOTTOM, "nothing below the bottom margin");
                }
            }
        }
        assert_eq!(pages_holding(&pages, "user119@example.com"), vec![2]);
    }

    #[test]
    fn wide_tables_shrink_to_the_page_and_cut_long_text() {
        let fonts = super::super::fonts::fonts();
        let columns: Vec<String> = (0..6).map(|i| format!("A rather long column name {i}")).collect();
        let rows = vec![columns.iter().map(|c| Cell::Text(c.repeat(3))).collect()];
        let layout = TableLayout::new(&columns, &rows, fonts);
        let total: f32 = layout.widths.iter().sum();
        assert!((total - CONTENT_WIDTH).abs() < 0.5, "{total}");
        let row = layout.row(&rows[0], 0, fonts);
        assert!(row.items.iter().all(|item| matches!(item, Item::Text { text, .. } if text.ends_with('…'))));
    }
}
