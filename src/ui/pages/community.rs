//! Community level: staff accounts and API keys (community reports: `reports.rs`).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::keys::{list_api_keys, take_new_api_key, CreateApiKey, NewApiKey, RevokeApiKey};
use crate::api::staff::{list_staff, CreateStaff};
use crate::ui::components::{outcome, ActionOutcome, FieldError, Loaded, When};

#[component]
pub fn StaffPage() -> impl IntoView {
    let create = ServerAction::<CreateStaff>::new();
    let staff = Resource::new(move || create.version().get(), |_| list_staff());
    let value = outcome(create);
    view! {
        <Title text="Staff" />
        <header class="page-header">
            <h1>"Staff"</h1>
            <p class="muted">"Community managers see everything; project managers see the projects whose team they are on."</p>
        </header>
        <Loaded resource=staff loading="Loading staff…" let:list>
            <table class="grid">
                <thead><tr><th>"Name"</th><th>"Email"</th><th>"Role"</th></tr></thead>
                <tbody>
                    {list.into_iter().map(|s| view! {
                        <tr><td>{s.name}</td><td>{s.email}</td><td>{s.role.label()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </Loaded>
        <section class="panel">
            <h2>"Add a staff member"</h2>
            <ActionForm action=create>
                <ActionOutcome value success=|s| format!("{} can now log in as {}.", s.name, s.email) />
                <div class="form-row">
                    <div class="field">
                        <label for="staff-email">"Email"</label>
                        <input id="staff-email" name="email" type="email" required />
                        <FieldError value field="email" />
                    </div>
                    <div class="field">
                        <label for="staff-name">"Name"</label>
                        <input id="staff-name" name="name" required />
                        <FieldError value field="name" />
                    </div>
                </div>
                <div class="form-row">
                    <div class="field">
                        <label for="staff-role">"Role"</label>
                        <select id="staff-role" name="role">
                            <option value="project_manager">"Project manager"</option>
                            <option value="community_manager">"Community manager"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="staff-password">"Initial password"</label>
                        <input id="staff-password" name="password" type="password" required minlength="10"
                            autocomplete="new-password" />
                        <FieldError value field="password" />
                    </div>
                </div>
                <button type="submit" class="button-primary">"Add staff member"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = Resource::new(move || (create.version().get(), revoke.version().get()), |_| list_api_keys());
    let value = outcome(create);
    // With JavaScript off the form's answer is a redirect back here, and the new key comes
    // with it (once) instead of in the action's value.
    let created_without_script = Resource::new(|| (), |_| take_new_api_key());
    view! {
        <Title text="API keys" />
        <header class="page-header">
            <h1>"API keys"</h1>
            <p class="muted">"Keys let other systems call Inlet's HTTP API. One key can serve many integrations."</p>
            // A plain link: the reference is a page of the server's own, outside the app's router.
            <p>
                <a href="/api/docs" rel="external">"API reference"</a>
                " — every operation, its rules and its errors (OpenAPI document: "
                <a href="/api/v1/openapi.json" rel="external">"/api/v1/openapi.json"</a>
                ")."
            </p>
        </header>
        {move || value.get().and_then(Result::ok).map(|key| view! { <NewKeyNote key /> })}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                created_without_script.await.ok().flatten().map(|key| view! { <NewKeyNote key /> })
            })}
        </Suspense>
        <Loaded resource=keys loading="Loading keys…" let:list>
            {if list.is_empty() {
                view! { <p class="empty">"No API keys yet."</p> }.into_any()
            } else {
                view! {
                    <table class="grid">
                        <thead><tr><th>"Name"</th><th>"Description"</th><th>"Prefix"</th><th>"Allowed from"</th>
                            <th>"Created"</th><th>"Last used"</th><th class="num">"Requests"</th><th>"Status"</th><th></th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|k| {
                                let revoked = k.revoked_at.is_some();
                                view! {
                                    <tr class:revoked=revoked>
                                        <td>{k.name}</td>
                                        <td class="muted">{k.description}</td>
                                        <td><code>{format!("inlet_{}_…", k.prefix)}</code></td>
                                        <td>{if k.allowed_addresses.is_empty() {
                                            view! { <span class="muted">"anywhere"</span> }.into_any()
                                        } else {
                                            view! { <code>{k.allowed_addresses.to_string()}</code> }.into_any()
                                        }}</td>
                                        <td><When at=k.created_at />" "<span class="muted">{k.created_by.unwrap_or_else(|| "command line".into())}</span></td>
                                        <td>{match k.last_used_at { Some(at) => view! { <When at /> }.into_any(), None => "never".into_any() }}</td>
                                        <td class="num">{k.request_count}</td>
                                        <td>{if revoked { "Revoked" } else { "Active" }}</td>
                                        <td>{(!revoked).then(|| view! {
                                            <ActionForm action=revoke>
                                                <input type="hidden" name="id" value=k.id />
                                                <button type="submit" class="button-danger">"Revoke"</button>
                                            </ActionForm>
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </Loaded>
        <section class="panel">
            <h2>"Create an API key"</h2>
            <ActionForm action=create>
                <ActionOutcome value success=|_| String::new() />
                <div class="form-row">
                    <div class="field">
                        <label for="key-name">"Key name"</label>
                        <input id="key-name" name="name" required maxlength="100" placeholder="CRM sync" />
                        <FieldError value field="name" />
                    </div>
                    <div class="field">
                        <label for="key-description">"Description"</label>
                        <input id="key-description" name="description" maxlength="500" />
                        <FieldError value field="description" />
                    </div>
                </div>
                <div class="field">
                    <label for="key-addresses">"Allowed addresses " <span class="muted">"(optional)"</span></label>
                    <input id="key-addresses" name="allowed_addresses" maxlength="4000" class="mono"
                        placeholder="203.0.113.7, 10.0.0.0/8, 2001:db8::/32" aria-describedby="key-addresses-help" />
                    <p id="key-addresses-help" class="hint">"Addresses or CIDR ranges the key may be used from. Empty: anywhere."</p>
                    <FieldError value field="allowed_addresses" />
                </div>
                <button type="submit" class="button-primary">"Create key"</button>
            </ActionForm>
        </section>
    }
}

/// A key just created: its secret, shown this once.
#[component]
fn NewKeyNote(key: NewApiKey) -> impl IntoView {
    view! {
        <div class="note note-ok secret" role="status">
            <p><strong>{format!("Key “{}” created.", key.name)}</strong>" Copy it now: it is stored only as a hash and will not be shown again."</p>
            <label for="new-key">"New API key"</label>
            <input id="new-key" readonly value=key.secret class="mono" />
        </div>
    }
}
