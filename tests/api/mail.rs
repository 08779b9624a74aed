//! Distribution email against a real SMTP server (the test sink) and the outbox folder: what
//! arrives is parsed back as MIME and checked part by part.

use inlet::domain::Email;
use inlet::server::mail::{
    outbox, Attachment, Delivered, ElementSummary, MailContent, MailError, Mailer, ReportEmail, SmtpUrl, SummaryTable,
};
use mail_parser::{MessageParser, MimeHeaders};

use crate::smtp_sink::SmtpSink;

/// Bytes that survive only a byte-exact transfer encoding: every byte value, and lines that
/// start with a dot (SMTP's end-of-data marker).
pub fn binary_bytes() -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..=255u8).collect();
    bytes.extend_from_slice(b"\r\n.\r\n..\n.");
    bytes
}

pub fn sample_content(subject: &str) -> MailContent {
    MailContent {
        subject: subject.into(),
        body: ReportEmail {
            report_title: "Weekly beta health".into(),
            project_name: "Aurora beta".into(),
            date: "Monday 7 December 2026".into(),
            message: "Numbers for the team <all of you>.".into(),
            elements: vec![
                ElementSummary { name: "Active testers".into(), headline: Some("1,204".into()), table: None },
                ElementSummary {
                    name: "Devices".into(),
                    headline: None,
                    table: Some(SummaryTable {
                        columns: vec!["Device".into(), "Users".into()],
                        rows: vec![vec!["Pixel <9>".into(), "310".into()], vec!["iPhone 17".into(), "512".into()]],
                    }),
                },
            ],
            link: "http://inlet.test/projects/aurora/reports/7".into(),
        },
        attachments: vec![
            Attachment {
                file_name: "weekly-beta-health.pdf".into(),
                content_type: "application/pdf".into(),
                bytes: b"%PDF-1.7\n%fake\n".to_vec(),
            },
            Attachment {
                file_name: "weekly-beta-health.xlsx".into(),
                content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into(),
                bytes: binary_bytes(),
            },
        ],
    }
}

fn emails(addresses: &[&str]) -> Vec<Email> {
    addresses.iter().map(|a| Email::parse(a).expect("valid email")).collect()
}

fn smtp_mailer(sink: &SmtpSink) -> Mailer {
    let url = SmtpUrl::parse(&sink.url()).expect("sink URL");
    Mailer::new("Inlet Reports <reports@inlet.test>".parse().unwrap(), Some(&url), std::env::temp_dir()).expect("mailer")
}

/// Checks a received report email part by part.
pub fn assert_is_sample_report(raw: &[u8], subject: &str) {
    let message = MessageParser::default().parse(raw).expect("MIME that parses");
    assert_eq!(message.subject(), Some(subject));
    let text = message.body_text(0).expect("a text part");
    assert!(text.contains("Weekly beta health") && text.contains("Active testers") && text.contains("1,204"), "{text}");
    assert!(text.contains("Pixel <9> | 310"), "the table's rows in the text part: {text}");
    assert!(text.contains("Open the report in Inlet: http://inlet.test/projects/aurora/reports/7"), "{text}");
    let html = message.body_html(0).expect("an HTML part");
    assert!(html.contains("Pixel &#60;9&#62;") || html.contains("Pixel &lt;9&gt;"), "values are escaped in HTML: {html}");
    assert!(!html.contains("<all of you>"), "the message is escaped: {html}");
    assert!(html.contains(r#"href="http://inlet.test/projects/aurora/reports/7""#), "{html}");
    assert!(html.contains("style=\""), "inline CSS: {html}");
    let attachments: Vec<_> = message.attachments().collect();
    assert_eq!(attachments.len(), 2);
    assert_eq!(attachments[0].attachment_name(), Some("weekly-beta-health.pdf"));
    assert_eq!(attachments[0].contents(), b"%PDF-1.7\n%fake\n");
    assert_eq!(attachments[1].attachment_name(), Some("weekly-beta-health.xlsx"));
    assert_eq!(
        attachments[1].content_type().and_then(|t| t.subtype()),
        Some("vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert_eq!(attachments[1].contents(), binary_bytes().as_slice(), "attachments arrive byte for byte");
}

#[tokio::test]
async fn a_report_email_reaches_a_real_smtp_server_with_text_html_and_attachments() {
    let sink = SmtpSink::start().await;
    let mailer = smtp_mailer(&sink);
    let message =
        mailer.compose(&emails(&["Ann@Example.com", "bob@example.com"]), &sample_content("Aurora: weekly health")).unwrap();

    assert_eq!(mailer.send(&message).await.expect("sent"), Delivered::Sent);

    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].mail_from, "reports@inlet.test");
    assert_eq!(received[0].rcpt_to, ["ann@example.com", "bob@example.com"]);
    let parsed = MessageParser::default().parse(&received[0].data).unwrap();
    let to: Vec<_> = parsed.to().unwrap().iter().filter_map(|a| a.address()).collect();
    assert_eq!(to, ["ann@example.com", "bob@example.com"]);
    assert_eq!(parsed.from().unwrap().first().unwrap().name(), Some("Inlet Reports"));
    assert_is_sample_report(&received[0].data, "Aurora: weekly health");
}

#[tokio::test]
async fn a_refused_recipient_is_permanent_and_a_server_that_is_down_is_transient() {
    let sink = SmtpSink::start().await;
    let mailer = smtp_mailer(&sink);
    sink.refuse("gone@example.com");
    let refused = mailer.send(&mailer.compose(&emails(&["gone@example.com"]), &sample_content("x")).unwrap()).await.unwrap_err();
    assert!(matches!(refused, MailError::Refused(_)) && !refused.is_transient(), "{refused:?}");
    assert!(refused.to_string().contains("No such user"), "the server's reason is kept: {refused}");

    sink.set_down(true);
    let message = mailer.compose(&emails(&["ann@example.com"]), &sample_content("y")).unwrap();
    let down = mailer.send(&message).await.unwrap_err();
    assert!(matches!(down, MailError::Unavailable(_)) && down.is_transient(), "{down:?}");
    assert_eq!(sink.turned_away(), 1);

    let nothing_listening = Mailer::new(
        "Inlet <inlet@localhost>".parse().unwrap(),
        Some(&SmtpUrl::parse("smtp://127.0.0.1:9").unwrap()),
        std::env::temp_dir(),
    )
    .unwrap();
    assert!(nothing_listening.send(&message).await.unwrap_err().is_transient());

    sink.set_down(false);
    assert_eq!(mailer.send(&message).await.unwrap(), Delivered::Sent);
    assert_eq!(sink.received().len(), 1, "only the message sent while up arrived");
}

#[tokio::test]
async fn without_smtp_each_message_is_an_eml_file_the_outbox_lists_and_opens() {
    let dir = std::env::temp_dir().join(format!("inlet-outbox-test-{}", rand::random::<u64>()));
    let mailer = Mailer::new("Inlet <inlet@localhost>".parse().unwrap(), None, &dir).unwrap();
    assert!(mailer.writes_to_outbox());
    assert!(outbox::list(&dir).await.unwrap().is_empty(), "a missing folder is an empty outbox");

    let first = mailer.compose(&emails(&["ann@example.com"]), &sample_content("First")).unwrap();
    let Delivered::Written(path) = mailer.send(&first).await.unwrap() else { panic!("written to the outbox") };
    assert!(path.starts_with(&dir) && path.extension().is_some_and(|e| e == "eml"));
    assert_is_sample_report(&std::fs::read(&path).unwrap(), "First");
    let second = mailer.compose(&emails(&["bob@example.com", "cy@example.com"]), &sample_content("Second")).unwrap();
    mailer.send(&second).await.unwrap();

    let listed = outbox::list(&dir).await.unwrap();
    let subjects: Vec<_> = listed.iter().map(|e| e.subject.as_str()).collect();
    assert_eq!(subjects, ["Second", "First"], "newest first");
    assert_eq!(listed[0].to, "bob@example.com, cy@example.com");
    assert!(listed[0].date.is_some());

    let opened = outbox::read(&dir, &listed[1].id).await.unwrap().expect("the message");
    assert_eq!(opened.from, "Inlet <inlet@localhost>");
    assert!(opened.html.as_deref().is_some_and(|h| h.contains("Active testers")));
    let names: Vec<_> = opened.attachments.iter().map(|a| a.file_name.as_str()).collect();
    assert_eq!(names, ["weekly-beta-health.pdf", "weekly-beta-health.xlsx"]);
    let (name, content_type, bytes) = outbox::attachment(&dir, &listed[1].id, 1).await.unwrap().unwrap();
    assert_eq!((name.as_str(), bytes), ("weekly-beta-health.xlsx", binary_bytes()));
    assert!(content_type.ends_with("spreadsheetml.sheet"));

    for bad in ["../etc/passwd", ".hidden", "", "nope"] {
        assert_eq!(outbox::read(&dir, bad).await.unwrap(), None, "{bad:?}");
    }
    assert_eq!(outbox::attachment(&dir, &listed[1].id, 2).await.unwrap(), None);
    std::fs::remove_dir_all(&dir).unwrap();
}
