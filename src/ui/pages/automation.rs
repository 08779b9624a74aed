//! Management › Users › Project users › User automation: external listeners.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::gates::{load_listener_gate, SetListenerFilter, SetListenerSigning};
use crate::api::listeners::{
    list_listeners, load_filter_schema, load_listener_page, CreateListener, DeleteListener, ReplayDelivery, SetListenerEnabled,
};
use crate::domain::fields::FieldType;
use crate::domain::listener::{Delivery, DeliveryQuery, IdentifyBy};
use crate::ui::components::{outcome, ActionOutcome, FieldError, Loaded, When};
use crate::ui::frame::project_slug;
use crate::ui::pages::listener_gate::GatePanels;
use crate::ui::widgets::{failure, CriteriaEditor};

#[component]
pub fn UserAutomationPage() -> impl IntoView {
    let slug = project_slug();
    let listeners = Resource::new(slug, list_listeners);
    view! {
        <Title text="User automation" />
        <header class="page-header">
            <p class="crumbs"><a href=move || format!("/p/{}/users", slug())>"Project users"</a>" › User automation"</p>
            <h1>"User automation"</h1>
            <p class="muted">"External listeners let other systems post data about this project's users."</p>
            <div class="actions">
                <a class="button button-primary" href=move || format!("/p/{}/automation/new", slug())>"Create an external listener"</a>
            </div>
        </header>
        <Loaded resource=listeners loading="Loading listeners…" let:list>
            {if list.is_empty() {
                view! { <p class="empty">"No external listeners yet."</p> }.into_any()
            } else {
                view! {
                    <table class="grid">
                        <thead><tr><th>"Name"</th><th>"Key"</th><th>"Type"</th><th>"Data group"</th>
                            <th class="num">"Fields"</th><th>"State"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|l| view! {
                                <tr>
                                    <td><a href=format!("/p/{}/automation/{}", slug(), l.key)>{l.name}</a></td>
                                    <td><code>{l.key}</code></td>
                                    <td>{l.listener_type.label()}</td>
                                    <td>{l.data_group}</td>
                                    <td class="num">{l.fields.len()}</td>
                                    <td>{if l.enabled { "Enabled" } else { "Disabled" }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </Loaded>
    }
}

#[component]
pub fn NewListenerPage() -> impl IntoView {
    let slug = project_slug();
    let create = ServerAction::<CreateListener>::new();
    let value = outcome(create);
    let (rows, set_rows) = signal(4usize);
    let (kind, set_kind) = signal(String::from("external_data"));
    let schema = Resource::new(slug, load_filter_schema);
    view! {
        <Title text="Create an external listener" />
        <header class="page-header">
            <p class="crumbs"><a href=move || format!("/p/{}/automation", slug())>"User automation"</a>" › Create"</p>
            <h1>"Create an external listener"</h1>
        </header>
        <section class="panel">
            <ActionForm action=create>
                <ActionOutcome value success=|key| format!("Listener {key} created.") />
                <input type="hidden" name="slug" value=slug />
                <div class="form-row">
                    <div class="field">
                        <label for="listener-name">"Name"</label>
                        <input id="listener-name" name="name" required maxlength="120" placeholder="Mobile app" />
                        <p class="help">"For you and your team; senders never see it."</p>
                        <FieldError value field="name" />
                    </div>
                    <div class="field">
                        <label for="listener-key">"Key"</label>
                        <input id="listener-key" name="key" required maxlength="40" placeholder="appdata" pattern="[a-z0-9][a-z0-9_-]+" />
                        <p class="help">"Part of the endpoint URL: a-z, 0-9, '-' and '_'."</p>
                        <FieldError value field="key" />
                    </div>
                </div>
                <div class="form-row">
                    <div class="field">
                        <label for="listener-type">"Listener type"</label>
                        <select id="listener-type" name="listener_type"
                            on:change=move |ev| set_kind.set(event_target_value(&ev))>
                            <option value="external_data">"External Data"</option>
                            <option value="create_feedback">"Create feedback"</option>
                        </select>
                        <p class="help">"Create feedback also opens a feedback ticket from the user with each request."</p>
                    </div>
                </div>
                <fieldset class="fields feedback-mapping" class:hidden-with-js=move || kind.get() != "create_feedback">
                    <legend>"Feedback ticket " <span class="muted">"(Create feedback listeners only)"</span></legend>
                    <div class="form-row">
                        <div class="field">
                            <label for="feedback-title">"Title parameter"</label>
                            <input id="feedback-title" name="feedback_title" maxlength="200" placeholder="title" />
                            <FieldError value field="feedback.title" />
                        </div>
                        <div class="field">
                            <label for="feedback-description">"Description parameter"</label>
                            <input id="feedback-description" name="feedback_description" maxlength="200" placeholder="description" />
                            <FieldError value field="feedback.description" />
                        </div>
                        <div class="field">
                            <label for="feedback-type">"Type parameter"</label>
                            <input id="feedback-type" name="feedback_type_parameter" maxlength="200" placeholder="type" />
                            <FieldError value field="feedback.type_parameter" />
                        </div>
                        <div class="field">
                            <label for="feedback-default-type">"Default type"</label>
                            <input id="feedback-default-type" name="feedback_default_type" maxlength="60" value="Bug" />
                            <FieldError value field="feedback.default_type" />
                        </div>
                    </div>
                    <p class="help">"The title is required in every request; a request that names no type (or has no type parameter) gets the default type. Data fields below are optional for this type."</p>
                </fieldset>
                <div class="form-row">
                    <div class="field">
                        <label for="listener-group">"Data group label"</label>
                        <input id="listener-group" name="data_group" required maxlength="100" placeholder="App data" />
                        <p class="help">"A new data group, or the label of an existing one to add to it."</p>
                        <FieldError value field="data_group" />
                    </div>
                    <div class="field">
                        <label for="listener-identify">"Identify users by"</label>
                        <select id="listener-identify" name="identify_by">
                            <option value="email">"Email"</option>
                            <option value="username">"Username"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="listener-unknown">"Unknown users"</label>
                        <select id="listener-unknown" name="unknown_user">
                            <option value="reject">"Reject (404)"</option>
                            <option value="create">"Create them (email only)"</option>
                        </select>
                        <FieldError value field="unknown_user" />
                    </div>
                </div>
                <fieldset class="fields">
                    <legend>"External data fields"</legend>
                    <FieldError value field="fields" />
                    <table class="grid compact">
                        <thead><tr><th>"Label"</th><th>"Parameter"</th><th>"Type"</th></tr></thead>
                        <tbody>
                            {move || (0..rows.get()).map(|i| view! { <FieldRowInputs index=i value /> }).collect_view()}
                        </tbody>
                    </table>
                    <button type="button" class="button-quiet" on:click=move |_| set_rows.update(|n| *n += 1)>"+ Add field"</button>
                    <p class="help">"The parameter is the member of the posted JSON; a dotted path such as account.plan reaches into nested objects."</p>
                </fieldset>
                <fieldset class="fields">
                    <legend>"Filter " <span class="muted">"(optional: only users matching it are updated)"</span></legend>
                    <Loaded resource=schema loading="Loading fields…" let:schema>
                        <CriteriaEditor schema filter=None errors=failure(value) lead="Update users who match " />
                    </Loaded>
                    <p class="help">"Leave it blank to update every user. To filter on the fields this listener adds, set the filter on its page once it exists."</p>
                </fieldset>
                <button type="submit" class="button-primary" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Creating…" } else { "Submit" }}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn FieldRowInputs(index: usize, value: Signal<Option<Result<String, crate::api::UiError>>>) -> impl IntoView {
    let name = move |part: &str| format!("fields[{index}][{part}]");
    let error_for = move |part: &'static str| {
        move || {
            value.with(|v| match v {
                Some(Err(error)) => error.field(&format!("fields[{index}].{part}")),
                _ => None,
            })
        }
    };
    view! {
        <tr>
            <td>
                <input name=name("label") aria-label=format!("Field {} label", index + 1) maxlength="100" />
                <p class="field-error">{error_for("label")}</p>
            </td>
            <td>
                <input name=name("parameter") aria-label=format!("Field {} parameter", index + 1) maxlength="200" />
                <p class="field-error">{error_for("parameter")}</p>
            </td>
            <td>
                <select name=name("type") aria-label=format!("Field {} type", index + 1)>
                    {FieldType::ALL.into_iter().map(|t| view! { <option value=t.as_str()>{t.label()}</option> }).collect_view()}
                </select>
            </td>
        </tr>
    }
}

#[component]
pub fn ListenerDetailPage() -> impl IntoView {
    let slug = project_slug();
    let params = use_params_map();
    let key = move || params.read().get("key").unwrap_or_default();
    let toggle = ServerAction::<SetListenerEnabled>::new();
    let replay = ServerAction::<ReplayDelivery>::new();
    let set_filter = ServerAction::<SetListenerFilter>::new();
    let delete = ServerAction::<DeleteListener>::new();
    let set_signing = ServerAction::<SetListenerSigning>::new();
    let gate = Resource::new(
        move || (slug(), key(), set_filter.version().get(), set_signing.version().get()),
        |(slug, key, _, _)| load_listener_gate(slug, key),
    );
    let query = use_query_map();
    let shown = move || (query.read().get("outcome"), query.read().get("before"));
    let page = Resource::new(
        move || (slug(), key(), shown(), toggle.version().get(), replay.version().get()),
        |(slug, key, (outcome, before), _, _)| load_listener_page(slug, key, outcome, before),
    );
    view! {
        <Title text="External listener" />
        <Loaded resource=page loading="Loading listener…" let:data>
            {
                let listener = data.listener;
                let curl = curl_example(
                    &data.endpoint_url,
                    listener.identify_by,
                    &listener.fields.iter().map(|f| (f.parameter.as_str(), f.field_type)).collect::<Vec<_>>(),
                );
                let enabled = listener.enabled;
                let listener_key = listener.key.clone();
                view! {
                    <header class="page-header">
                        <p class="crumbs"><a href=format!("/p/{}/automation", slug())>"User automation"</a>" › "{listener.key.clone()}</p>
                        <h1>{listener.name.clone()}</h1>
                        <p class="muted">{format!("{} listener feeding data group “{}”, identifying users by {}.",
                            listener.listener_type.label(), listener.data_group, listener.identify_by.as_str())}</p>
                        {listener.feedback.clone().map(|m| view! {
                            <p class="muted feedback-mapping-summary">{format!(
                                "Each request opens a feedback ticket: title from “{}”{}{}; type “{}” when none is named.",
                                m.title,
                                m.description.map(|d| format!(", description from “{d}”")).unwrap_or_default(),
                                m.type_parameter.map(|t| format!(", type from “{t}”")).unwrap_or_default(),
                                m.default_type,
                            )}</p>
                        })}
                        <div class="actions">
                            <a class="button" href=format!("/p/{}/automation/{}/edit", slug(), listener.key)>"Edit"</a>
                        </div>
                    </header>
                    <section class="panel">
                        <h2>"Endpoint"</h2>
                        <label for="endpoint-url">"Endpoint URL"</label>
                        <div class="copy-row">
                            <input id="endpoint-url" readonly class="mono" value=data.endpoint_url.clone() />
                            <button type="button" data-copy="endpoint-url">"Copy"</button>
                        </div>
                        <p class="help">"Replace VALUE with the user's "{listener.identify_by.as_str()}". Send the API key in the X-Api-Key header."</p>
                        <label for="curl-example">"Example"</label>
                        <pre id="curl-example" class="code">{curl}</pre>
                        <div class="actions">
                            <ActionForm action=toggle>
                                <input type="hidden" name="slug" value=slug() />
                                <input type="hidden" name="key" value=listener.key.clone() />
                                <input type="hidden" name="enabled" value=(!enabled).to_string() />
                                <span class=if enabled { "badge badge-active" } else { "badge" }>{if enabled { "Enabled" } else { "Disabled" }}</span>
                                " "
                                <button type="submit">{if enabled { "Disable" } else { "Enable" }}</button>
                            </ActionForm>
                        </div>
                    </section>
                    <section class="panel">
                        <h2>"Fields"</h2>
                        <table class="grid compact">
                            <thead><tr><th>"Label"</th><th>"Parameter"</th><th>"Type"</th></tr></thead>
                            <tbody>
                                {listener.fields.iter().map(|f| view! {
                                    <tr><td>{f.label.clone()}</td><td><code>{f.parameter.clone()}</code></td><td>{f.field_type.label()}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                    <GatePanels slug=slug() key=listener_key.clone() gate set_filter set_signing />
                    <Deliveries deliveries=data.deliveries query=data.query problem=data.query_problem slug=slug() key=listener_key.clone() replay />
                    <section class="panel">
                        <h2>"Delete this listener"</h2>
                        <p class="muted">"Its deliveries are deleted with it; the data group, its fields and every stored value stay."</p>
                        <ActionForm action=delete>
                            <input type="hidden" name="slug" value=slug() />
                            <input type="hidden" name="key" value=listener_key />
                            <label class="confirm"><input type="checkbox" required />"I understand the deliveries are deleted"</label>
                            " "
                            <button type="submit" class="button-danger">"Delete listener"</button>
                        </ActionForm>
                    </section>
                }.into_any()
            }
        </Loaded>
    }
}

/// A page of deliveries, newest first, each with a Replay button: the payload is sent again
/// to the listener as it is now, and the replay shows up as a new delivery ("replay of #N").
/// Links (plain ones, so they work without JavaScript) keep only the rejected or accepted ones
/// and walk to older pages, from the `query` the page shows (`problem` says why the URL's was
/// set aside).
#[component]
fn Deliveries(
    deliveries: Vec<Delivery>,
    query: DeliveryQuery,
    problem: Option<String>,
    slug: String,
    key: String,
    replay: ServerAction<ReplayDelivery>,
) -> impl IntoView {
    let replayed = outcome(replay);
    let base = format!("/p/{slug}/automation/{key}");
    let link = |outcome: Option<&str>, before: Option<i64>| {
        let mut query: Vec<String> = outcome.map(|o| format!("outcome={o}")).into_iter().collect();
        query.extend(before.map(|id| format!("before={id}")));
        if query.is_empty() {
            base.clone()
        } else {
            format!("{base}?{}", query.join("&"))
        }
    };
    let choices = [(None, "All"), (Some("rejected"), "Rejected"), (Some("accepted"), "Accepted")].map(|(outcome, label)| {
        let current = outcome == query.outcome();
        view! { <a href=link(outcome, None) aria-current=current.then_some("page")>{label}</a> }
    });
    let newer = query.before.is_some().then(|| view! { <a href=link(query.outcome(), None)>"Newest"</a> });
    let older = query.next_before(&deliveries).map(|id| view! { <a href=link(query.outcome(), Some(id))>"Older deliveries"</a> });
    let pager = (newer.is_some() || older.is_some()).then(|| view! { <p class="pager">{newer}" "{older}</p> });
    let empty = match query.outcome() {
        Some("rejected") => "No rejected deliveries.",
        Some("accepted") => "No accepted deliveries.",
        _ => "Nothing received yet.",
    };
    view! {
        <section class="panel">
            <h2>"Deliveries"</h2>
            <nav class="tabs" aria-label="Deliveries shown">{choices}</nav>
            {problem.map(|why| view! { <p class="note note-error" role="alert">{why}" Showing the latest deliveries."</p> })}
            <ActionOutcome value=replayed success=|status| format!("Replayed: the listener answered {status}.") />
            {if deliveries.is_empty() {
                view! { <p class="empty">{empty}</p> }.into_any()
            } else {
                view! {
                    <table class="grid compact deliveries">
                        <thead><tr><th class="num">"#"</th><th>"Received"</th><th>"User"</th><th>"Status"</th><th>"Error"</th><th>"Payload"</th><th></th></tr></thead>
                        <tbody>
                            {deliveries.into_iter().map(|d| {
                                let error = (!d.accepted).then(|| error_message(&d.response));
                                let (slug, key) = (slug.clone(), key.clone());
                                view! {
                                    <tr class:rejected=!d.accepted>
                                        <td class="num">{format!("#{}", d.id)}</td>
                                        <td><When at=d.received_at /></td>
                                        <td>{d.user_ref}</td>
                                        <td><span class=if d.accepted { "badge badge-active" } else { "badge badge-removed" }>{d.status}</span>
                                            {d.replay_of.map(|id| format!(" replay of #{id}"))}</td>
                                        <td>{error}</td>
                                        <td><details><summary>"Payload"</summary><pre class="code">{d.payload}</pre></details></td>
                                        <td>
                                            <ActionForm action=replay>
                                                <input type="hidden" name="slug" value=slug />
                                                <input type="hidden" name="key" value=key />
                                                <input type="hidden" name="delivery" value=d.id.to_string() />
                                                <button type="submit" class="button-quiet" aria-label=format!("Replay delivery #{}", d.id)
                                                    disabled=move || replay.pending().get()>"Replay"</button>
                                            </ActionForm>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {pager}
        </section>
    }
}

/// The message of a recorded error response, with the problem fields listed.
fn error_message(response: &str) -> String {
    let body: serde_json::Value = serde_json::from_str(response).unwrap_or_default();
    let mut message = body["error"]["message"].as_str().unwrap_or("rejected").to_string();
    if let Some(fields) = body["error"]["fields"].as_array() {
        for field in fields {
            message.push_str(&format!(
                "; {}: {}",
                field["parameter"].as_str().unwrap_or("?"),
                field["reason"].as_str().unwrap_or("")
            ));
        }
    }
    message
}

/// A curl command posting a body that fits the listener's fields for an example user, named
/// the way the listener identifies users (an email would be a 404 for a username listener).
fn curl_example(endpoint_url: &str, identify_by: IdentifyBy, fields: &[(&str, FieldType)]) -> String {
    let user = match identify_by {
        IdentifyBy::Email => "ada@example.com",
        IdentifyBy::Username => "ada",
    };
    format!(
        "curl -X POST {} \\\n  -H 'X-Api-Key: YOUR_API_KEY' \\\n  -H 'Content-Type: application/json' \\\n  -d {}",
        shell_quoted(&endpoint_url.replace("VALUE", user)),
        shell_quoted(&example_body(fields)),
    )
}

/// `text` as one shell word in single quotes: a parameter may hold a `'`, which would end the
/// quoting, so each one closes the quotes, adds an escaped quote and opens them again.
fn shell_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A JSON body that fits the listener's fields, for the curl example.
fn example_body(fields: &[(&str, FieldType)]) -> String {
    let mut body = serde_json::Map::new();
    for (parameter, field_type) in fields {
        let example = match field_type {
            FieldType::Boolean => serde_json::json!(true),
            FieldType::Integer => serde_json::json!(42),
            FieldType::DateTime => serde_json::json!("2026-11-29T10:30:00Z"),
            FieldType::String => serde_json::json!("text"),
        };
        insert_path(&mut body, parameter, example);
    }
    serde_json::Value::Object(body).to_string()
}

/// Sets the member a dotted path names, creating the objects on the way. A member already set
/// stays: `validate_mappings` keeps a parameter from reaching inside another, so only a
/// listener saved before that rule has such a pair, and its example then shows the first.
fn insert_path(object: &mut serde_json::Map<String, serde_json::Value>, path: &str, value: serde_json::Value) {
    match path.split_once('.') {
        None => {
            object.entry(path.to_string()).or_insert(value);
        }
        Some((head, rest)) => {
            let inner = object.entry(head.to_string()).or_insert_with(|| serde_json::json!({}));
            if let Some(inner) = inner.as_object_mut() {
                insert_path(inner, rest, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_nest_dotted_parameters() {
        let body = example_body(&[
            ("account.plan", FieldType::String),
            ("account.seats", FieldType::Integer),
            ("beta", FieldType::Boolean),
        ]);
        assert_eq!(body, r#"{"account":{"plan":"text","seats":42},"beta":true}"#);
    }

    #[test]
    fn examples_keep_the_first_of_a_parameter_and_one_inside_it() {
        let outer_first = example_body(&[("account", FieldType::Integer), ("account.plan", FieldType::String)]);
        assert_eq!(outer_first, r#"{"account":42}"#);
        let inner_first = example_body(&[("account.plan", FieldType::String), ("account", FieldType::Integer)]);
        assert_eq!(inner_first, r#"{"account":{"plan":"text"}}"#);
    }

    #[test]
    fn the_curl_example_names_a_user_the_way_the_listener_does() {
        let (url, fields) = ("http://x/listeners/crm/users/VALUE", [("plan", FieldType::String)]);
        let first_line = |curl: String| curl.lines().next().unwrap().to_string();
        assert_eq!(
            first_line(curl_example(url, IdentifyBy::Email, &fields)),
            r"curl -X POST 'http://x/listeners/crm/users/ada@example.com' \"
        );
        let by_username = curl_example(url, IdentifyBy::Username, &fields);
        assert!(by_username.ends_with(r#"-d '{"plan":"text"}'"#), "{by_username}");
        assert_eq!(first_line(by_username), r"curl -X POST 'http://x/listeners/crm/users/ada' \");
    }

    #[test]
    fn the_curl_example_quotes_the_body_for_the_shell() {
        let curl = curl_example("http://x/users/VALUE", IdentifyBy::Email, &[("o'brien", FieldType::Boolean)]);
        assert!(curl.ends_with(r#"-d '{"o'\''brien":true}'"#), "{curl}");
    }

    #[test]
    fn error_messages_list_the_fields() {
        let response = r#"{"error":{"code":"invalid_values","message":"1 value(s) do not fit","fields":[{"parameter":"n","reason":"expected a whole number"}]}}"#;
        assert_eq!(error_message(response), "1 value(s) do not fit; n: expected a whole number");
    }
}
