//! Community tools > Outbox: community managers list the outbox's messages (newest first),
//! preview one in a sandboxed frame and download its attachments; nobody else can.

use inlet::domain::Email;
use inlet::server::mail::Mailer;
use reqwest::StatusCode;

use crate::helpers::{spawn_app_with, TestApp};
use crate::mail::{binary_bytes, sample_content};

async fn app_with_outbox() -> (TestApp, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("inlet-outbox-page-{}", rand::random::<u64>()));
    let app = spawn_app_with(|settings| settings.outbox_dir = dir.clone()).await;
    (app, dir)
}

async fn write_message(dir: &std::path::Path, to: &str, subject: &str) {
    let mailer = Mailer::new("Inlet <inlet@localhost>".parse().unwrap(), None, dir).unwrap();
    let message = mailer.compose(&[Email::parse(to).unwrap()], &sample_content(subject)).unwrap();
    mailer.send(&message).await.unwrap();
}

fn message_links(body: &str) -> Vec<String> {
    body.match_indices("href=\"/outbox/").map(|(at, _)| body[at + 6..].split('"').next().unwrap().to_string()).collect()
}

#[tokio::test]
async fn community_managers_list_preview_and_download_outbox_messages() {
    let (app, dir) = app_with_outbox().await;
    app.login_as_admin().await;
    let empty = app.get_page("/outbox").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("The outbox is empty."), "{}", empty.body);

    write_message(&dir, "ann@example.com", "Aurora weekly: first").await;
    write_message(&dir, "bob@example.com", "Aurora weekly: second").await;
    // A message whose HTML tries to run script in Inlet's origin.
    std::fs::write(
        dir.join("20000101T000000.000000Z-00000000.eml"),
        "From: x@example.com\r\nTo: eve@example.com\r\nSubject: Hostile\r\nDate: Sat, 1 Jan 2000 00:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<p>hi</p><script>alert('owned')</script>\r\n",
    )
    .unwrap();

    let page = app.get_page("/outbox").await;
    assert_eq!(page.status, StatusCode::OK);
    let second = page.body.find("Aurora weekly: second").expect("second listed");
    let first = page.body.find("Aurora weekly: first").expect("first listed");
    let hostile = page.body.find("Hostile").expect("hostile listed");
    assert!(second < first && first < hostile, "newest first");
    assert!(page.body.contains("bob@example.com") && page.body.contains("ann@example.com"));
    assert!(page.body.contains(r#"href="/outbox""#), "the navigation links the Outbox page");
    let links = message_links(&page.body);
    assert_eq!(links.len(), 3, "{links:?}");

    let preview = app.get_page(&links[0]).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.body.contains("Aurora weekly: second") && preview.body.contains("Inlet &lt;inlet@localhost&gt;"),
        "{}",
        preview.body
    );
    assert!(preview.body.contains(r#"sandbox="""#), "the body is in a sandboxed frame");
    assert!(preview.body.contains("srcdoc=\"") && preview.body.contains("Active testers"), "{}", preview.body);
    assert!(preview.body.contains("weekly-beta-health.pdf") && preview.body.contains("weekly-beta-health.xlsx"));
    let download = format!("{}/attachments/1", links[0]);
    assert!(preview.body.contains(&format!(r#"href="{download}""#)), "{}", preview.body);

    let file = app.client.get(app.url(&download)).send().await.unwrap();
    assert_eq!(file.status(), StatusCode::OK);
    assert!(file.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"weekly-beta-health.xlsx\""));
    assert_eq!(file.headers()["x-content-type-options"], "nosniff");
    assert_eq!(file.bytes().await.unwrap().as_ref(), binary_bytes().as_slice(), "the attachment's bytes");
    let missing = app.client.get(app.url(&format!("{}/attachments/9", links[0]))).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let hostile = app.get_page(&links[2]).await;
    assert_eq!(hostile.status, StatusCode::OK);
    assert!(!hostile.body.contains("<script>alert('owned')"), "the message's HTML never reaches the page as markup");
    assert!(hostile.body.contains("&lt;script&gt;"), "it is only the sandboxed frame's srcdoc: {}", hostile.body);

    let traversal = app.client.get(app.url("/outbox/..%2F..%2Fetc%2Fpasswd/attachments/0")).send().await.unwrap();
    assert_eq!(traversal.status(), StatusCode::NOT_FOUND);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn only_community_managers_see_the_outbox() {
    let (app, dir) = app_with_outbox().await;
    write_message(&dir, "ann@example.com", "Private numbers").await;
    let id = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name()
        .to_string_lossy()
        .trim_end_matches(".eml")
        .to_string();

    let anonymous = app.client.get(app.url(&format!("/outbox/{id}/attachments/0"))).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER, "to the login page");
    assert!(crate::helpers::location(&anonymous).starts_with("/login"));
    let page = app.get_page("/outbox").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "to the login page");

    app.login_as_project_manager().await;
    for path in ["/outbox".to_string(), format!("/outbox/{id}")] {
        let page = app.get_page(&path).await;
        assert!(!page.body.contains("Private numbers") && !page.body.contains("ann@example.com"), "{path}: {}", page.body);
        assert!(page.body.contains("only community managers"), "{path}: {}", page.body);
    }
    assert!(!app.get_page("/projects").await.body.contains(r#"href="/outbox""#), "no Outbox link for project managers");
    let download = app.client.get(app.url(&format!("/outbox/{id}/attachments/0"))).send().await.unwrap();
    assert_eq!(download.status(), StatusCode::FORBIDDEN);
    std::fs::remove_dir_all(&dir).unwrap();
}
