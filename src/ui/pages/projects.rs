//! Projects: the community's list and creating one.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::api::projects::{list_projects, CreateProject};
use crate::ui::components::{outcome, ActionOutcome, FieldError, Loaded, When};
use crate::ui::frame::{project_slug, CommunityManagerOnly};

#[component]
pub fn ProjectsPage() -> impl IntoView {
    let create = ServerAction::<CreateProject>::new();
    let projects = Resource::new(move || create.version().get(), |_| list_projects());
    let value = outcome(create);

    view! {
        <Title text="Projects" />
        <header class="page-header">
            <h1>"Projects"</h1>
            <p class="muted">"Beta programs in this community."</p>
        </header>
        <Loaded resource=projects loading="Loading projects…" let:list>
            {if list.is_empty() {
                view! { <p class="empty">"No projects yet."</p> }.into_any()
            } else {
                view! {
                    <table class="grid">
                        <thead><tr><th>"Name"</th><th>"Slug"</th><th class="num">"Users"</th><th>"Created"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|p| view! {
                                <tr>
                                    <td><a href=format!("/p/{}/users", p.slug)>{p.name}</a></td>
                                    <td><code>{p.slug}</code></td>
                                    <td class="num">{p.member_count}</td>
                                    <td><When at=p.created_at /></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </Loaded>
        <CommunityManagerOnly>
            <section class="panel">
                <h2>"New project"</h2>
                <ActionForm action=create>
                    <ActionOutcome value success=|p| format!("Project {} created.", p.name) />
                    <div class="form-row">
                        <div class="field">
                            <label for="project-name">"Name"</label>
                            <input id="project-name" name="name" required maxlength="120" placeholder="Aurora beta" />
                            <FieldError value field="name" />
                        </div>
                        <div class="field">
                            <label for="project-slug">"Slug"</label>
                            <input id="project-slug" name="slug" maxlength="48" placeholder="aurora" pattern="[a-z0-9-]*"
                                aria-describedby="slug-help" />
                            <p class="help" id="slug-help">"Used in URLs; leave blank to derive it from the name."</p>
                            <FieldError value field="slug" />
                        </div>
                    </div>
                    <button type="submit" class="button-primary" disabled=move || create.pending().get()>
                        {move || if create.pending().get() { "Creating…" } else { "Create project" }}
                    </button>
                </ActionForm>
            </section>
        </CommunityManagerOnly>
    }
}

#[component]
pub fn ProjectHome() -> impl IntoView {
    let slug = project_slug();
    view! { <Redirect path=format!("/p/{}/users", slug()) /> }
}
