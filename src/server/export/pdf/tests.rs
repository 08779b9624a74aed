use std::process::Command;

use super::*;
use crate::server::export::fixtures::sample_report;

/// Runs a poppler tool (poppler-utils; `scripts/ensure-tools test` installs it) on `pdf`.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let folder = std::env::temp_dir().join(format!("inlet-pdf-{}-{tool}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    // pdftotext writes to a file unless told "-"; the other tools write to standard output.
    let to_stdout: &[&str] = if tool == "pdftotext" { &["-"] } else { &[] };
    let output = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(to_stdout)
        .output()
        .unwrap_or_else(|error| panic!("{tool} (from poppler-utils) is needed to check PDFs: {error}"));
    assert!(output.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&output.stderr));
    std::fs::remove_dir_all(&folder).ok();
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn a_report_pdf_holds_its_titles_labels_and_figures_as_text() {
    let report = sample_report();
    let pdf = report_pdf(&report).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = poppler("pdftotext", &["-layout"], &pdf);
    for needle in [
        "Aurora beta: weekly review",
        "Aurora · 2 December 2026, 09:45 Europe/Paris",
        "Beta users",
        "120",
        "Plan mix",
        "enterprise & co",
        "Plan × beta opt-in",
        "Seats by range",
        "Median",
        "Sign-ins per day",
        "2026-11-01",
        "user119@example.com",
        "(empty)",
    ] {
        assert!(text.contains(needle), "{needle:?} not found in:\n{text}");
    }
    // Chart text is text too: the pie's legend and the axes' names.
    assert!(text.contains("Users"));
    let info = poppler("pdfinfo", &[], &pdf);
    assert!(info.contains("Title:           Aurora beta: weekly review"), "{info}");
    assert!(info.contains("595.28 x 841.89 pts (A4)"), "{info}");
}

#[test]
fn charts_are_vectors_not_pictures() {
    let pdf = report_pdf(&sample_report()).unwrap();
    let images = poppler("pdfimages", &["-list"], &pdf);
    assert_eq!(images.lines().count(), 2, "only pdfimages' header, no image:\n{images}");
    let fonts = poppler("pdffonts", &[], &pdf);
    assert!(fonts.contains("DejaVuSans"), "{fonts}");
    assert!(fonts.lines().skip(2).all(|line| line.contains(" yes ")), "every font embedded:\n{fonts}");
}

#[test]
fn one_element_makes_a_one_page_pdf() {
    let report = sample_report().only(1).unwrap();
    let pdf = report_pdf(&report).unwrap();
    let info = poppler("pdfinfo", &[], &pdf);
    assert!(info.contains("Pages:           1"), "{info}");
    let text = poppler("pdftotext", &[], &pdf);
    assert!(text.contains("Plan mix") && !text.contains("Sign-ins per day"));
}

/// Writes the sample report to `$INLET_PDF_SAMPLE` to look at it.
#[test]
fn sample_for_review() {
    let Ok(path) = std::env::var("INLET_PDF_SAMPLE") else { return };
    std::fs::write(path, report_pdf(&sample_report()).unwrap()).unwrap();
}

#[test]
fn accented_greek_and_shaped_scripts_come_out_as_text() {
    let mut report = sample_report().only(1).unwrap();
    report.elements[0].name = "Équipe Ωmega — naïve café".into();
    report.elements[0].table.rows[0][0] = crate::domain::table::Cell::Text("שלום pro".into());
    let pdf = report_pdf(&report).unwrap();
    let text = poppler("pdftotext", &[], &pdf);
    assert!(text.contains("Équipe Ωmega — naïve café"), "{text}");
    assert!(text.contains("שלום") || text.contains("םולש"), "shaped text is text too: {text}");
}
