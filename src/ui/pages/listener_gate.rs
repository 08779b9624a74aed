//! The listener page's panels for who may be updated (the filter gate) and who may send
//! (signed requests). Both work as plain forms with JavaScript off.

use leptos::prelude::*;

use crate::api::gates::{GateView, SetListenerFilter, SetListenerSigning};
use crate::api::UiError;
use crate::ui::components::{outcome, ActionOutcome, Loaded};
use crate::ui::widgets::{failure, CriteriaEditor};

#[component]
pub fn GatePanels(
    slug: String,
    key: String,
    gate: Resource<Result<GateView, UiError>>,
    set_filter: ServerAction<SetListenerFilter>,
    set_signing: ServerAction<SetListenerSigning>,
) -> impl IntoView {
    view! {
        <Loaded resource=gate loading="Loading filter and signing…" let:view>
            <FilterPanel slug=slug.clone() key=key.clone() view=view.clone() action=set_filter />
            <SigningPanel slug=slug.clone() key=key.clone() view action=set_signing />
        </Loaded>
    }
}

#[component]
fn FilterPanel(slug: String, key: String, view: GateView, action: ServerAction<SetListenerFilter>) -> impl IntoView {
    let value = outcome(action);
    let errors = failure(value);
    view! {
        <section class="panel">
            <h2>"Filter"</h2>
            <p>{match view.description {
                Some(text) => view! { "Only users matching " <strong>{text}</strong> " are updated; others get 422." }.into_any(),
                None if view.broken.is_none() => "No filter: every user of the project can be updated.".into_any(),
                None => ().into_any(),
            }}</p>
            {view.broken.map(|why| view! {
                <p class="note note-error" role="alert">"The filter no longer fits the project's fields (" {why}
                    "). Deliveries get 409 until it is fixed; replay them afterwards."</p>
            })}
            <ActionForm action>
                <ActionOutcome value success=|message| message />
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="key" value=key />
                <CriteriaEditor schema=view.schema filter=view.filter errors lead="Update users who match " />
                <p class="help">"Text comparisons ignore case. Leave every field blank to remove the filter."</p>
                <button type="submit" disabled=move || action.pending().get()>"Save filter"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn SigningPanel(slug: String, key: String, view: GateView, action: ServerAction<SetListenerSigning>) -> impl IntoView {
    let value = outcome(action);
    let form = move |require: bool, label: &'static str, class: &'static str| {
        let (slug, key) = (slug.clone(), key.clone());
        view! {
            <ActionForm action>
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="key" value=key />
                <input type="hidden" name="require" value=require.to_string() />
                <button type="submit" class=class disabled=move || action.pending().get()>{label}</button>
            </ActionForm>
        }
    };
    view! {
        <section class="panel">
            <h2>"Signed requests"</h2>
            <ActionOutcome value success=|required| if required { "A new signing secret is in force.".to_string() } else { "Requests no longer need a signature.".to_string() } />
            {match view.signing_secret {
                Some(secret) => view! {
                    <p>"Requests must be signed: send the Unix time in " <code>"X-Inlet-Timestamp"</code> " and "
                        <code>"X-Inlet-Signature: sha256=<hex>"</code> ", the HMAC-SHA256 under this secret of the timestamp, a dot and the exact body."</p>
                    <details>
                        <summary>"Show signing secret"</summary>
                        <div class="copy-row">
                            <input id="signing-secret" readonly class="mono" value=secret aria-label="Signing secret" />
                            <button type="button" data-copy="signing-secret">"Copy"</button>
                        </div>
                    </details>
                    <pre class="code">{SIGNED_EXAMPLE}</pre>
                    <div class="actions">
                        {form(true, "New secret", "")}
                        {form(false, "Stop requiring signatures", "button-danger")}
                    </div>
                }.into_any(),
                None if view.can_sign => view! {
                    <p>"Anyone holding an API key can post to this listener. Require signatures so that only a sender holding its secret can, and captured requests cannot be replayed."</p>
                    {form(true, "Require signed requests", "")}
                }.into_any(),
                None => view! {
                    <p class="muted">"Signed requests need INLET_SECRET_KEY on the server (64 hex digits, e.g. from openssl rand -hex 32)."</p>
                }.into_any(),
            }}
        </section>
    }
}

const SIGNED_EXAMPLE: &str = "body='{\"sessions\": 12}'; ts=$(date +%s)
sig=$(printf '%s.%s' \"$ts\" \"$body\" | openssl dgst -sha256 -hmac \"$SECRET\" | sed 's/^.* //')
curl -X POST \"$ENDPOINT\" -H \"X-Api-Key: $KEY\" -H 'Content-Type: application/json' \\
  -H \"X-Inlet-Timestamp: $ts\" -H \"X-Inlet-Signature: sha256=$sig\" -d \"$body\"";
