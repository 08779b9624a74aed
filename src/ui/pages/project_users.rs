//! Management › Users › Project users: adding one user; CSV import. (The grid is `users_grid`.)

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::users::{recent_imports, AddUser, ImportEntry};
use crate::ui::components::{outcome, ActionOutcome, FieldError, Loaded, When};
use crate::ui::frame::project_slug;

#[component]
pub fn AddUserPage() -> impl IntoView {
    let slug = project_slug();
    let add = ServerAction::<AddUser>::new();
    let value = outcome(add);
    view! {
        <Title text="Add user" />
        <header class="page-header">
            <p class="crumbs"><a href=move || format!("/p/{}/users", slug())>"Project users"</a>" › Add user"</p>
            <h1>"Add user"</h1>
        </header>
        <section class="panel narrow">
            <ActionForm action=add>
                <ActionOutcome value success=|u| format!("{} ({}) is now in the project.", u.display_name, u.email) />
                <input type="hidden" name="slug" value=slug />
                <div class="field">
                    <label for="user-email">"Email"</label>
                    <input id="user-email" name="email" type="email" required />
                    <FieldError value field="email" />
                </div>
                <div class="field">
                    <label for="user-username">"Username"</label>
                    <input id="user-username" name="username" required minlength="2" maxlength="64" />
                    <FieldError value field="username" />
                </div>
                <div class="field">
                    <label for="user-name">"Display name"</label>
                    <input id="user-name" name="display_name" required maxlength="200" />
                    <FieldError value field="name" />
                </div>
                <button type="submit" class="button-primary" disabled=move || add.pending().get()>
                    {move || if add.pending().get() { "Adding…" } else { "Add user" }}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ImportUsersPage() -> impl IntoView {
    let slug = project_slug();
    let query = use_query_map();
    let shown_import = move || query.with(|q| q.get("import")).and_then(|id| id.parse::<i64>().ok());
    let upload_error = move || query.with(|q| q.get("error"));
    let imports = Resource::new(move || (slug(), shown_import()), |(slug, _)| recent_imports(slug));
    let (pending, set_pending) = signal(false);

    view! {
        <Title text="Import users" />
        <header class="page-header">
            <p class="crumbs"><a href=move || format!("/p/{}/users", slug())>"Project users"</a>" › Import"</p>
            <h1>"Import users"</h1>
        </header>
        <section class="panel narrow">
            <p>
                "Upload a CSV file whose first line is the header "<code>"email,username,name"</code>". "
                "Known emails are updated, new ones are added; rows with problems are listed by line and skipped."
            </p>
            {move || upload_error().map(|message| view! { <div class="note note-error" role="alert">{message}</div> })}
            <form method="post" enctype="multipart/form-data" action=move || format!("/p/{}/users/import", slug())
                on:submit=move |_| set_pending.set(true)>
                <div class="field">
                    <label for="csv-file">"CSV file"</label>
                    <input id="csv-file" name="file" type="file" accept=".csv,text/csv" required />
                </div>
                <button type="submit" class="button-primary" disabled=pending>
                    {move || if pending.get() { "Importing…" } else { "Import" }}
                </button>
            </form>
        </section>
        <Loaded resource=imports loading="Loading imports…" let:list>
            {
                let shown = shown_import().and_then(|id| list.iter().find(|e| e.report.id == id).cloned());
                view! {
                    {shown.map(|entry| view! { <ImportResult entry /> })}
                    <ImportHistory list />
                }.into_any()
            }
        </Loaded>
    }
}

#[component]
fn ImportResult(entry: ImportEntry) -> impl IntoView {
    let report = entry.report;
    let summary = format!("Imported: {} created, {} updated, {} rejected", report.created, report.updated, report.rejected.len());
    let has_rejected = !report.rejected.is_empty();
    view! {
        <section class="panel" aria-live="polite">
            <h2>"Import result"</h2>
            <p class="note note-ok" role="status">{summary}</p>
            {has_rejected.then(|| view! {
                <table class="grid compact">
                    <caption>"Rejected rows"</caption>
                    <thead><tr><th>"Line"</th><th>"Reason"</th></tr></thead>
                    <tbody>
                        {report.rejected.iter().map(|row| view! {
                            <tr><td>{format!("Line {}", row.line)}</td><td>{row.reason.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}

#[component]
fn ImportHistory(list: Vec<ImportEntry>) -> impl IntoView {
    (!list.is_empty()).then(|| {
        view! {
            <section class="panel">
                <h2>"Recent imports"</h2>
                <table class="grid compact">
                    <thead><tr><th>"When"</th><th>"Source"</th><th class="num">"Rows"</th><th class="num">"Created"</th>
                        <th class="num">"Updated"</th><th class="num">"Rejected"</th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|e| view! {
                            <tr>
                                <td><When at=e.at /></td>
                                <td>{e.source}</td>
                                <td class="num">{e.report.total_rows}</td>
                                <td class="num">{e.report.created}</td>
                                <td class="num">{e.report.updated}</td>
                                <td class="num">{e.report.rejected.len()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }
    })
}
