//! The fonts report PDFs embed (DejaVu Sans, regular and bold, vendored under `assets/fonts`
//! with their licence), and text measured in them, so that layout knows what fits.

use std::sync::{Arc, OnceLock};

pub static REGULAR: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");
pub static BOLD: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans-Bold.ttf");

/// The family charts name last in their font list; usvg finds the embedded fonts by it.
pub const FAMILY: &str = "DejaVu Sans";

pub struct Fonts {
    pub regular: krilla::text::Font,
    pub bold: krilla::text::Font,
    regular_face: ttf_parser::Face<'static>,
    bold_face: ttf_parser::Face<'static>,
    /// For charts: a font database holding only the embedded fonts (no system fonts, so a
    /// PDF comes out the same on every machine).
    pub svg_options: usvg::Options<'static>,
}

/// Loaded once per process: parsing the fonts is the slow part of a small PDF.
pub fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let font =
            |bytes: &'static [u8]| krilla::text::Font::new(bytes.into(), 0).expect("the vendored DejaVu Sans is a valid font");
        let face = |bytes: &'static [u8]| ttf_parser::Face::parse(bytes, 0).expect("the vendored DejaVu Sans is a valid font");
        let mut database = usvg::fontdb::Database::new();
        database.load_font_data(REGULAR.to_vec());
        database.load_font_data(BOLD.to_vec());
        database.set_sans_serif_family(FAMILY);
        let svg_options = usvg::Options { font_family: FAMILY.into(), fontdb: Arc::new(database), ..usvg::Options::default() };
        Fonts { regular: font(REGULAR), bold: font(BOLD), regular_face: face(REGULAR), bold_face: face(BOLD), svg_options }
    })
}

impl Fonts {
    pub fn font(&self, bold: bool) -> krilla::text::Font {
        if bold {
            self.bold.clone()
        } else {
            self.regular.clone()
        }
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold_face } else { &self.regular_face };
        let units: u32 = text
            .chars()
            .map(|c| {
                face.glyph_index(c).and_then(|glyph| face.glyph_hor_advance(glyph)).unwrap_or(face.units_per_em() / 2) as u32
            })
            .sum();
        units as f32 * size / face.units_per_em() as f32
    }

    /// `text` cut with an ellipsis to fit `width` points.
    pub fn fit(&self, text: &str, size: f32, bold: bool, width: f32) -> String {
        if self.width(text, size, bold) <= width {
            return text.to_string();
        }
        let room = width - self.width("…", size, bold);
        let mut used = 0.0;
        let mut kept = String::new();
        for c in text.chars() {
            let advance = self.width(c.encode_utf8(&mut [0; 4]), size, bold);
            if used + advance > room {
                break;
            }
            used += advance;
            kept.push(c);
        }
        format!("{}…", kept.trim_end())
    }
}
