//! Management › Project team: the staff assigned to a project.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::staff::{project_team, AddTeamMember, RemoveTeamMember};
use crate::ui::components::{outcome, ActionOutcome, Loaded};
use crate::ui::frame::project_slug;

#[component]
pub fn ProjectTeamPage() -> impl IntoView {
    let slug = project_slug();
    let add = ServerAction::<AddTeamMember>::new();
    let remove = ServerAction::<RemoveTeamMember>::new();
    let team = Resource::new(move || (slug(), add.version().get(), remove.version().get()), |(slug, _, _)| project_team(slug));
    let added = outcome(add);
    view! {
        <Title text="Project team" />
        <header class="page-header">
            <p class="crumbs">"Management"</p>
            <h1>"Project team"</h1>
            <p class="muted">"Project managers on the team can open this project; distributions can be sent to the whole team."</p>
        </header>
        <ActionOutcome value=added success=|s| format!("{} joined the team.", s.name) />
        <Loaded resource=team loading="Loading team…" let:team>
            {
                let can_manage = team.can_manage;
                view! {
                    <table class="grid">
                        <thead><tr><th>"Name"</th><th>"Email"</th><th>"Role"</th><th></th></tr></thead>
                        <tbody>
                            {team.members.into_iter().map(|m| view! {
                                <tr>
                                    <td>{m.name}</td><td>{m.email}</td><td>{m.role.label()}</td>
                                    <td>{can_manage.then(|| view! {
                                        <ActionForm action=remove>
                                            <input type="hidden" name="slug" value=slug() />
                                            <input type="hidden" name="staff_id" value=m.id />
                                            <button type="submit" class="button-quiet">"Remove"</button>
                                        </ActionForm>
                                    })}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    {(can_manage && !team.candidates.is_empty()).then(|| view! {
                        <section class="panel">
                            <h2>"Add to the team"</h2>
                            <ActionForm action=add>
                                <input type="hidden" name="slug" value=slug() />
                                <label for="team-candidate">"Staff member"</label>
                                <select id="team-candidate" name="staff_id">
                                    {team.candidates.into_iter().map(|c| view! {
                                        <option value=c.id>{format!("{} ({})", c.name, c.email)}</option>
                                    }).collect_view()}
                                </select>
                                <button type="submit" class="button-primary">"Add to team"</button>
                            </ActionForm>
                        </section>
                    })}
                }.into_any()
            }
        </Loaded>
    }
}
