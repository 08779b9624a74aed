//! The user summary: account, participation, every data group's current values, and the
//! history of changes.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::listeners::load_user_summary;
use crate::ui::components::{ErrorNote, When};
use crate::ui::frame::project_slug;

#[component]
pub fn UserSummaryPage() -> impl IntoView {
    let slug = project_slug();
    let params = use_params_map();
    let user = move || params.read().get("user").unwrap_or_default();
    let summary = Resource::new(move || (slug(), user()), |(slug, user)| load_user_summary(slug, user));
    view! {
        <Title text="User summary" />
        <Suspense fallback=|| view! { <p class="loading">"Loading user…"</p> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(summary) => {
                        let user = summary.user;
                        view! {
                            <header class="page-header">
                                <p class="crumbs"><a href=format!("/p/{}/users", slug())>"Project users"</a>" › User summary"</p>
                                <h1>{user.display_name.clone()}</h1>
                                <p class="muted">{format!("{} · @{}", user.email, user.username)}</p>
                            </header>
                            <section class="panel">
                                <h2>"User account"</h2>
                                <dl class="facts">
                                    <dt>"Email"</dt><dd>{user.email.clone()}</dd>
                                    <dt>"Username"</dt><dd>{user.username.clone()}</dd>
                                    <dt>"Display name"</dt><dd>{user.display_name.clone()}</dd>
                                    <dt>"Created"</dt><dd><When at=user.created_at /></dd>
                                </dl>
                                <h2>"Participation"</h2>
                                <dl class="facts">
                                    <dt>"Status"</dt><dd>{user.status.label()}</dd>
                                    <dt>"Joined"</dt><dd><When at=user.joined_at /></dd>
                                </dl>
                            </section>
                            {summary.groups.into_iter().map(|group| view! {
                                <section class="panel data-group">
                                    <h2>{group.data_group}</h2>
                                    <dl class="facts">
                                        {group.values.into_iter().map(|row| view! {
                                            <dt>{row.label}</dt>
                                            <dd>{row.value.unwrap_or_else(|| "—".into())}</dd>
                                        }).collect_view()}
                                    </dl>
                                </section>
                            }).collect_view()}
                            <section class="panel">
                                <h2>"History of changes"</h2>
                                {if summary.history.is_empty() {
                                    view! { <p class="empty">"No changes recorded."</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="grid compact">
                                            <thead><tr><th>"When"</th><th>"Field"</th><th>"Old"</th><th>"New"</th><th>"Delivery"</th></tr></thead>
                                            <tbody>
                                                {summary.history.into_iter().map(|change| view! {
                                                    <tr>
                                                        <td><When at=change.changed_at /></td>
                                                        <td>{change.label}</td>
                                                        <td>{change.old_value.unwrap_or_else(|| "—".into())}</td>
                                                        <td>{change.new_value.unwrap_or_else(|| "—".into())}</td>
                                                        <td>{change.delivery_id.map(|id| format!("#{id}"))}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }.into_any()
                                }}
                            </section>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
