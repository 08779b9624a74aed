//! The login page (a plain form posting to `/login`) and the not-found page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || {
        query.with(|q| match q.get("error").as_deref() {
            Some("credentials") => Some("Email or password is incorrect.".to_string()),
            Some("rate_limited") => {
                Some(format!("Too many failed attempts. Try again in {} minutes.", q.get("retry").unwrap_or_else(|| "15".into())))
            }
            Some("unavailable") => Some("Login is unavailable right now. Please try again.".to_string()),
            _ => None,
        })
    };
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    view! {
        <Title text="Log in" />
        <main class="login">
            <form class="login-card" method="post" action="/login">
                <h1><span class="logo" aria-hidden="true">"◆"</span>" Inlet"</h1>
                <p class="muted">"Log in to manage your community."</p>
                {move || error().map(|message| view! { <div class="note note-error" role="alert">{message}</div> })}
                <input type="hidden" name="next" value=next />
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username" required autofocus />
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required />
                <button type="submit" class="button-primary">"Log in"</button>
            </form>
        </main>
    }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <main class="login">
            <section class="login-card">
                <p class="status-code">"404"</p>
                <h1>"Page not found"</h1>
                <p><a href="/projects">"Go to your projects"</a></p>
            </section>
        </main>
    }
}
