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

    /// The glyphs of `text` for krilla, one per character with the font's own advance, when the
    /// text needs no shaping (Latin, Greek, Cyrillic, punctuation and symbols: no ligature or
    /// mark positioning to do); `None` otherwise, and the caller has krilla shape it. krilla's
    /// shaper parses the font anew for every text, which made a 100k-row list take minutes.
    pub fn simple_glyphs(&self, text: &str, bold: bool) -> Option<Vec<krilla::text::KrillaGlyph>> {
        let simple = |c: char| matches!(c as u32, 0x20..=0x2FF | 0x370..=0x52F | 0x1E00..=0x1FFF | 0x2000..=0x2BFF);
        if !text.chars().all(simple) {
            return None;
        }
        let face = if bold { &self.bold_face } else { &self.regular_face };
        let em = face.units_per_em() as f32;
        let glyphs = text
            .char_indices()
            .map(|(at, c)| {
                let glyph = face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
                let advance = face.glyph_hor_advance(glyph).unwrap_or(0) as f32 / em;
                let id = krilla::text::GlyphId::new(u32::from(glyph.0));
                krilla::text::KrillaGlyph::new(id, advance, 0.0, 0.0, 0.0, at..at + c.len_utf8(), None)
            })
            .collect();
        Some(glyphs)
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
