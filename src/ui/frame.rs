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

/// The frame around every logged-in page. The `Outlet` is rendered synchronously, never
/// inside a `Suspend`: pages create their resources in the same order on the server and in
/// the browser, so hydration always finds what the server rendered. Frame data (who is
/// logged in, their projects) fills small `Suspense` islands instead.
#[component]
pub fn AppFrame() -> impl IntoView {
    let data = Resource::new(|| (), |_| frame());
    provide_context(FrameResource(data));
    let slug = current_project_slug();
    view! {
        <header class="topbar">
            <Suspense fallback=|| view! { <span class="brand">"Inlet"</span> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(frame) => view! { <TopBar frame slug /> }.into_any(),
                        Err(UiError::Unauthenticated) => view! { <Redirect path="/login" /> }.into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Suspense>
        </header>
        <div class="frame">
            <nav class="sidenav" aria-label="Main">
                {move || slug.get().map(|slug| view! { <ProjectNav slug /> })}
                <p class="nav-heading">"Community"</p>
                <ul>
                    <li><A href="/projects">"Projects"</A></li>
                    <CommunityManagerOnly>
                        <li><A href="/staff">"Staff"</A></li>
                        <li><A href="/api-keys">"API keys"</A></li>
                    </CommunityManagerOnly>
                    <li class="nav-group">"Community tools"</li>
                    <li><A href="/reports">"Community reports"</A></li>
                    <CommunityManagerOnly>
                        <li><A href="/outbox">"Outbox"</A></li>
                    </CommunityManagerOnly>
                </ul>
            </nav>
            <main class="content" id="main">
                <Outlet />
            </main>
        </div>
    }
}

#[component]
fn TopBar(frame: FrameData, slug: Memo<Option<String>>) -> impl IntoView {
    let projects = frame.projects.clone();
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
            <li><A href=link("feedback")>"Feedback"</A></li>
            <li><A href=link("reports")>"Custom reports"</A></li>
            <li class="nested"><A href=link("distributions")>"Distributions"</A></li>
            <li><A href=link("team")>"Project team"</A></li>
        </ul>
    }
}

/// Checks the viewer may open the project. The page (the `Outlet`) is rendered beside the
/// check, synchronously; when access is refused the 403 notice hides it (`.refused ~ *`),
/// and the page's own server functions refuse its data anyway.
#[component]
pub fn ProjectFrame() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("project").unwrap_or_default();
    let project = Resource::new(slug, open_project);
    provide_context(ProjectResource(project));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match project.await {
                    Ok(_) => ().into_any(),
                    Err(UiError::Forbidden(_)) => view! { <ForbiddenProject /> }.into_any(),
                    Err(UiError::NotFound(message)) => view! {
                        <section class="panel refused">
                            <p class="status-code">"404"</p>
                            <h1>"Project not found"</h1>
                            <p>{message}</p>
                            <p><a href="/projects">"Back to projects"</a></p>
                        </section>
                    }.into_any(),
                    Err(error) => view! { <div class="refused"><ErrorNote error /></div> }.into_any(),
                }
            })}
        </Suspense>
        <Outlet />
    }
}

#[component]
fn ForbiddenProject() -> impl IntoView {
    view! {
        <section class="panel forbidden refused">
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

/// Renders `children` only for community managers. The frame resource is awaited inside a
/// `Suspense`, so the server render and hydration always agree.
#[component]
pub fn CommunityManagerOnly(children: ChildrenFn) -> impl IntoView {
    let frame = use_context::<FrameResource>().map(|f| f.0);
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let is_manager = match frame {
                    Some(frame) => frame.await.is_ok_and(|data| data.staff.is_community_manager()),
                    None => false,
                };
                is_manager.then(|| children.read_value()())
            })}
        </Suspense>
    }
}

/// The name of the project opened by the enclosing `ProjectFrame`, awaited in a `Suspense`.
#[component]
pub fn ProjectName() -> impl IntoView {
    let project = use_context::<ProjectResource>().map(|p| p.0);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match project {
                    Some(project) => project.await.map(|p| p.project.name).unwrap_or_default(),
                    None => String::new(),
                }
            })}
        </Suspense>
    }
}

/// The `:project` slug of the current route.
pub fn project_slug() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("project").unwrap_or_default()
}
