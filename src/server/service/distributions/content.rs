//! What a distribution's email says: the report computed now, summarised element by element
//! (a headline figure, or a small table), a link to it in Inlet, and its PDF and XLSX exports
//! attached — the very files its export downloads give, made by the same function.

use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{report_link, DistributionContent};
use crate::domain::report::{ComputedElement, ComputedReport, Style};
use crate::domain::table::Cell;
use crate::server::mail::{Attachment, ElementSummary, MailContent, ReportEmail, SummaryTable};
use crate::server::service::reports::{self, ReportFormat};
use crate::server::store::{DistributionRecord, Store};

/// The most rows of an element's table the email shows (the attachments have them all).
pub const SUMMARY_ROWS: usize = 8;

/// The report's summary and exports, computed for each run.
pub struct ReportContent {
    pub store: Store,
    /// `INLET_BASE_URL`, for the link to the report.
    pub base_url: String,
}

#[async_trait]
impl DistributionContent for ReportContent {
    async fn content(&self, distribution: &DistributionRecord, scheduled_for: DateTime<Utc>) -> anyhow::Result<MailContent> {
        let report =
            reports::compute_report(&self.store, distribution.report_id).await.context("Failed to compute the report")?;
        let mut attachments = Vec::new();
        for format in [ReportFormat::Pdf, ReportFormat::Xlsx] {
            let file = reports::export_file(&report, format).context("Failed to export the report")?;
            attachments.push(Attachment {
                file_name: file.file_name,
                content_type: file.content_type.to_string(),
                bytes: file.bytes,
            });
        }
        let (slug, _) = self.store.distribution_project(distribution.id).await?.context("the distribution's project is gone")?;
        Ok(MailContent {
            subject: distribution.subject.clone(),
            body: summary(
                &report,
                &distribution.message,
                scheduled_for,
                &report_link(&self.base_url, &slug, distribution.report_id),
            ),
            attachments,
        })
    }
}

/// The email body for `report`: its elements summarised, dated `for_date` in its time zone.
pub fn summary(report: &ComputedReport, message: &str, for_date: DateTime<Utc>, link: &str) -> ReportEmail {
    ReportEmail {
        report_title: report.name.clone(),
        project_name: report.project.clone(),
        date: for_date.with_timezone(&report.time_zone).format("%A %-d %B %Y").to_string(),
        message: message.to_string(),
        elements: report.elements.iter().map(element_summary).collect(),
        link: link.to_string(),
    }
}

/// A number element shows its figure; every other one its first rows.
fn element_summary(element: &ComputedElement) -> ElementSummary {
    let table = &element.table;
    if element.style == Style::Number {
        let figure = table.rows.first().and_then(|row| row.get(1)).map(headline).unwrap_or_else(|| "0".into());
        return ElementSummary { name: element.name.clone(), headline: Some(figure), table: None };
    }
    let shown = table.rows.len().min(SUMMARY_ROWS);
    let mut rows: Vec<Vec<String>> =
        table.rows[..shown].iter().map(|row| row.iter().map(ToString::to_string).collect()).collect();
    if table.rows.len() > shown {
        let mut more = vec![String::new(); table.columns.len().max(1)];
        more[0] = format!("… {} more rows in the attachments", table.rows.len() - shown);
        rows.push(more);
    }
    ElementSummary {
        name: element.name.clone(),
        headline: None,
        table: Some(SummaryTable { columns: table.columns.clone(), rows }),
    }
}

/// A figure as people read it: whole numbers with thousands separators ("1,204").
fn headline(cell: &Cell) -> String {
    match cell {
        Cell::Integer(n) => {
            let digits = n.unsigned_abs().to_string();
            let mut grouped = String::new();
            for (i, digit) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    grouped.push(',');
                }
                grouped.push(digit);
            }
            if *n < 0 {
                format!("-{grouped}")
            } else {
                grouped
            }
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::table::Table;

    fn element(name: &str, style: Style, columns: &[&str], rows: Vec<Vec<Cell>>) -> ComputedElement {
        ComputedElement {
            name: name.into(),
            style,
            table: Table { columns: columns.iter().map(|c| c.to_string()).collect(), rows },
        }
    }

    #[test]
    fn numbers_are_headlines_and_other_elements_small_tables() {
        let report = ComputedReport {
            name: "Weekly beta health".into(),
            project: "Aurora beta".into(),
            computed_at: Utc::now(),
            time_zone: chrono_tz::Europe::Berlin,
            elements: vec![
                element(
                    "Active testers",
                    Style::Number,
                    &["Active testers", "Users"],
                    vec![vec![Cell::Text("Active testers".into()), Cell::Integer(1204)]],
                ),
                element(
                    "Plans",
                    Style::Bar,
                    &["Plan", "Users"],
                    (0..10).map(|n| vec![Cell::Text(format!("plan {n}")), Cell::Integer(n)]).collect(),
                ),
            ],
        };
        // 23:30 UTC on Sunday 6 December is already Monday in Berlin.
        let at = DateTime::parse_from_rfc3339("2026-12-06T23:30:00Z").unwrap().with_timezone(&Utc);
        let email = summary(&report, "Hi", at, &report_link("http://inlet.test/", "aurora", 7));
        assert_eq!(email.date, "Monday 7 December 2026");
        assert_eq!(email.link, "http://inlet.test/p/aurora/reports/7");
        assert_eq!(email.elements[0].headline.as_deref(), Some("1,204"));
        let table = email.elements[1].table.as_ref().unwrap();
        assert_eq!(table.rows.len(), SUMMARY_ROWS + 1);
        assert_eq!(table.rows[SUMMARY_ROWS][0], "… 2 more rows in the attachments");
        assert_eq!(headline(&Cell::Integer(-1_234_567)), "-1,234,567");
        assert_eq!(headline(&Cell::Integer(999)), "999");
    }
}
