//! The application frame: top bar (community, project switcher, who is logged in) and the
//! left navigation, plus the project frame that checks access before any project page.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::{use_location, use_params_map};

use crate::api::projects::{open_project, ProjectAccess};
use crate::api::session::{frame, FrameData};
use crate::api::UiError;
use crate::ui::components::ErrorNote;

/// The project slug in the current URL, if the viewer is inside a project.
fn current_project_slug() -> Memo<Option<String>> {
    let location = use_location();
    Memo::new(move |_| {
        let path = location.pathname.get();
        path.strip_prefix("/p/").and_then(|rest| rest.split('/').next()).filter(|s| !s.is_empty()).map(str::to_string)
    })
}

#[component]
pub fn AppFrame() -> impl IntoView {
    let data = Resource::new(|| (), |_| frame());
    // Provided here, synchronously, so every page under the frame sees the same resource on
    // the server and in the browser (context provided inside a Suspend is not reliable).
    provide_context(FrameResource(data));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(frame) => view! { <Framed frame /> }.into_any(),
                    Err(UiError::Unauthenticated) => view! { <Redirect path="/login" /> }.into_any(),
                    Err(error) => view! { <main class="content"><ErrorNote error /></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Framed(frame: FrameData) -> impl IntoView {
    let slug = current_project_slug();
    let projects = frame.projects.clone();
    let is_manager = frame.staff.is_community_manager();
    let current_name = move || {
        slug.get()
            .and_then(|s| projects.iter().find(|p| p.slug == s).map(|p| p.name.clone()))
            .unwrap_or_else(|| "Choose a project".to_string())
    };
    let switcher_links = frame
        .projects
        .iter()
        .map(|p| view! { <li><a href=format!("/p/{}/users", p.slug)>{p.name.clone()}</a></li> })
        .collect_view();

    view! {
        <header class="topbar">
            <a class="brand" href="/projects">
                <span class="logo" aria-hidden="true">"◆"</span>
                {frame.community_name.clone()}
            </a>
            <details class="switcher">
                <summary>{current_name}</summary>
                <ul>
                    {switcher_links}
                    <li class="all"><a href="/projects">"All projects"</a></li>
                </ul>
            </details>
            <div class="who">
                <span class="who-name">{frame.staff.name.clone()}</span>
                <span class="who-role">{frame.staff.role.label()}</span>
                <form method="post" action="/logout">
                    <button type="submit" class="button-quiet">"Log out"</button>
                </form>
            </div>
        </header>
        <div class="frame">
            <nav class="sidenav" aria-label="Main">
                {move || slug.get().map(|slug| view! { <ProjectNav slug /> })}
                <p class="nav-heading">"Community"</p>
                <ul>
                    <li><A href="/projects">"Projects"</A></li>
                    {is_manager.then(|| view! {
                        <li><A href="/staff">"Staff"</A></li>
                        <li><A href="/api-keys">"API keys"</A></li>
                    })}
                    <li class="nav-group">"Community tools"</li>
                    <li><A href="/reports">"Community reports"</A></li>
                </ul>
            </nav>
            <main class="content" id="main">
                <Outlet />
            </main>
        </div>
    }
}

#[component]
fn ProjectNav(slug: String) -> impl IntoView {
    let link = move |tail: &str| format!("/p/{slug}/{tail}");
    view! {
        <p class="nav-heading">"Management"</p>
        <ul>
            <li class="nav-group">"Users"</li>
            <li><A href=link("users")>"Project users"</A></li>
            <li class="nested"><A href=link("automation")>"User automation"</A></li>
            <li><A href=link("reports")>"Custom reports"</A></li>
            <li><A href=link("team")>"Project team"</A></li>
        </ul>
    }
}

/// Checks the viewer may open the project, then shows the project page (or a 403/404 page).
#[component]
pub fn ProjectFrame() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("project").unwrap_or_default();
    let project = Resource::new(slug, open_project);
    provide_context(ProjectResource(project));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match project.await {
                    Ok(_) => view! { <Outlet /> }.into_any(),
                    Err(UiError::Forbidden(_)) => view! { <ForbiddenProject /> }.into_any(),
                    Err(UiError::NotFound(message)) => view! {
                        <section class="panel">
                            <h1>"Project not found"</h1>
                            <p>{message}</p>
                            <p><a href="/projects">"Back to projects"</a></p>
                        </section>
                    }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ForbiddenProject() -> impl IntoView {
    view! {
        <section class="panel forbidden">
            <p class="status-code">"403"</p>
            <h1>"No access to this project"</h1>
            <p>"You are not on this project's team. Ask a community manager to add you to it."</p>
            <p><a href="/projects">"Back to your projects"</a></p>
        </section>
    }
}

#[derive(Clone, Copy)]
struct FrameResource(Resource<Result<FrameData, UiError>>);

#[derive(Clone, Copy)]
struct ProjectResource(Resource<Result<ProjectAccess, UiError>>);

/// Whether the viewer is a community manager (false until the frame has loaded).
pub fn viewer_is_community_manager() -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    let frame = use_context::<FrameResource>().map(|f| f.0);
    move || {
        frame.and_then(|f| f.get()).and_then(Result::ok).is_some_and(|data| data.staff.is_community_manager())
    }
}

/// The name of the project opened by the enclosing `ProjectFrame` (empty until loaded).
pub fn project_name() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let project = use_context::<ProjectResource>().map(|p| p.0);
    move || project.and_then(|p| p.get()).and_then(Result::ok).map(|p| p.project.name).unwrap_or_default()
}

/// The `:project` slug of the current route.
pub fn project_slug() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("project").unwrap_or_default()
}
