//! Community tools > Outbox: distribution email written to the outbox folder (no SMTP server
//! configured), newest first, and one message previewed. The HTML body is shown in a sandboxed
//! iframe (`srcdoc`, no scripts, no same-origin access), so a message cannot act in Inlet.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::outbox::{list_outbox, open_outbox_message, OutboxListing, OutboxPreview};
use crate::domain::url::encode_component;
use crate::ui::components::{ErrorNote, Loaded, When};

#[component]
pub fn OutboxPage() -> impl IntoView {
    let listing = Resource::new(|| (), |_| list_outbox());
    view! {
        <Title text="Outbox" />
        <header class="page-header">
            <p class="crumbs">"Community tools"</p>
            <h1>"Outbox"</h1>
            <p class="muted">"Distribution email written here instead of sent, because no SMTP server is configured (INLET_SMTP_URL)."</p>
        </header>
        <Loaded resource=listing loading="Loading the outbox…" let:listing>
            <OutboxTable listing />
        </Loaded>
    }
}

#[component]
fn OutboxTable(listing: OutboxListing) -> impl IntoView {
    let note = listing.smtp_configured.then(|| {
        view! { <p class="note">"An SMTP server is configured: new email is sent, and only messages written before are listed here."</p> }
    });
    let folder = view! { <p class="hint">"Folder: "<code>{listing.folder}</code></p> };
    if listing.messages.is_empty() {
        return view! { {note} <p class="empty">"The outbox is empty."</p> {folder} }.into_any();
    }
    view! {
        {note}
        <table class="grid outbox">
            <thead><tr><th>"Date"</th><th>"To"</th><th>"Subject"</th></tr></thead>
            <tbody>
                {listing.messages.into_iter().map(|m| view! {
                    <tr>
                        <td>{match m.date { Some(at) => view! { <When at /> }.into_any(), None => "—".into_any() }}</td>
                        <td>{m.to}</td>
                        <td><a href=format!("/outbox/{}", encode_component(&m.id))>{m.subject}</a></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {folder}
    }
    .into_any()
}

#[component]
pub fn OutboxMessagePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let message = Resource::new(id, open_outbox_message);
    view! {
        <Title text="Outbox message" />
        <Suspense fallback=|| view! { <p class="loading">"Opening the message…"</p> }>
            {move || Suspend::new(async move {
                match message.await {
                    Ok(preview) => view! { <MessagePreview preview /> }.into_any(),
                    Err(error) => view! {
                        <header class="page-header"><p class="crumbs"><a href="/outbox">"Outbox"</a></p></header>
                        <ErrorNote error />
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MessagePreview(preview: OutboxPreview) -> impl IntoView {
    let id = encode_component(&preview.item.id);
    let body = match (preview.html, preview.text) {
        (Some(html), _) => view! {
            <iframe class="mail-preview" title="Message body" sandbox="" referrerpolicy="no-referrer" srcdoc=html></iframe>
        }
        .into_any(),
        (None, Some(text)) => view! { <pre class="mail-preview-text">{text}</pre> }.into_any(),
        (None, None) => view! { <p class="empty">"This message has no body."</p> }.into_any(),
    };
    view! {
        <header class="page-header">
            <p class="crumbs"><a href="/outbox">"Outbox"</a>" › Message"</p>
            <h1>{preview.item.subject}</h1>
        </header>
        <dl class="mail-headers">
            <dt>"From"</dt><dd>{preview.from}</dd>
            <dt>"To"</dt><dd>{preview.item.to}</dd>
            <dt>"Date"</dt><dd>{match preview.item.date { Some(at) => view! { <When at /> }.into_any(), None => "—".into_any() }}</dd>
        </dl>
        {(!preview.attachments.is_empty()).then(|| view! {
            <section class="panel">
                <h2>"Attachments"</h2>
                <ul class="attachments">
                    {preview.attachments.into_iter().map(|a| view! {
                        <li>
                            <a href=format!("/outbox/{id}/attachments/{}", a.index) download=a.file_name.clone()>{a.file_name.clone()}</a>
                            " "<span class="muted">{format!("{} · {} KB", a.content_type, a.size.div_ceil(1024))}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {body}
    }
}
