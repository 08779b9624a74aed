//! Small pieces shared by pages: error notes, field errors, pager, "coming next" panels, dates.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::api::UiError;

/// A date and time as `YYYY-MM-DD HH:MM` UTC, in a `<time>` element the browser localises.
#[component]
pub fn When(at: DateTime<Utc>) -> impl IntoView {
    view! {
        <time datetime=at.to_rfc3339() data-local="">
            {at.format("%Y-%m-%d %H:%M UTC").to_string()}
        </time>
    }
}

/// An error box for a failed load or action.
#[component]
pub fn ErrorNote(error: UiError) -> impl IntoView {
    view! {
        <div class="note note-error" role="alert">
            {error.to_string()}
        </div>
    }
}

/// The result of the last submission of a form: an error box, or a success note.
#[component]
pub fn ActionOutcome<T, F>(value: Signal<Option<Result<T, UiError>>>, success: F) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> String + Send + Sync + 'static,
{
    move || match value.get() {
        None => ().into_any(),
        Some(Ok(done)) => view! { <div class="note note-ok" role="status">{success(done)}</div> }.into_any(),
        Some(Err(UiError::Invalid(_))) => ().into_any(),
        Some(Err(error)) => view! { <ErrorNote error /> }.into_any(),
    }
}

/// The inline error under one form field, when the last submission named that field.
#[component]
pub fn FieldError<T>(value: Signal<Option<Result<T, UiError>>>, field: &'static str) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    move || {
        value.with(|v| match v {
            Some(Err(error)) => error.field(field),
            _ => None,
        })
        .map(|message| view! { <p class="field-error" id=format!("{field}-error")>{message}</p> })
    }
}

/// The last result of a server action, as a plain signal for `ActionOutcome` / `FieldError`.
pub fn outcome<S>(action: ServerAction<S>) -> Signal<Option<Result<S::Output, UiError>>>
where
    S: leptos::server_fn::ServerFn<Error = UiError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get())
}

/// A panel for a page whose feature arrives in a later release.
#[component]
pub fn NotYet(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <section class="panel not-yet">
            <h2>{title}</h2>
            {children()}
        </section>
    }
}

/// Previous / next links that keep the other query parameters.
#[component]
pub fn Pager(page: u32, pages: u32, href: impl Fn(u32) -> String + 'static) -> impl IntoView {
    let previous = (page > 1).then(|| href(page - 1));
    let next = (page < pages).then(|| href(page + 1));
    view! {
        <nav class="pager" aria-label="Pages">
            {match previous {
                Some(link) => view! { <a href=link rel="prev">"Previous"</a> }.into_any(),
                None => view! { <span class="disabled">"Previous"</span> }.into_any(),
            }}
            <span>{format!("Page {page} of {pages}")}</span>
            {match next {
                Some(link) => view! { <a href=link rel="next">"Next"</a> }.into_any(),
                None => view! { <span class="disabled">"Next"</span> }.into_any(),
            }}
        </nav>
    }
}

pub fn plural(count: u64, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}
