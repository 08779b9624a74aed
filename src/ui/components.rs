//! Small pieces shared by pages: loading a page's data, error notes, field errors, pager,
//! dates.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use std::sync::Arc;

use crate::api::UiError;

/// A date and time: rendered as UTC by the server (which cannot know the viewer's zone), then
/// shown in the viewer's own time zone once the page is live. The change goes through a
/// signal, so hydration never meets a DOM it did not render.
#[component]
pub fn When(at: DateTime<Utc>) -> impl IntoView {
    let utc = at.format("%Y-%m-%d %H:%M UTC").to_string();
    let (text, set_text) = signal(utc.clone());
    Effect::new(move |_| {
        if let Some(local) = local_time(at) {
            set_text.set(local);
        }
    });
    view! { <time datetime=at.to_rfc3339() title=utc>{text}</time> }
}

#[cfg(feature = "hydrate")]
fn local_time(at: DateTime<Utc>) -> Option<String> {
    use wasm_bindgen::JsValue;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into()).ok()?;
    js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into()).ok()?;
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &options).format();
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    format.call1(&JsValue::NULL, &date).ok()?.as_string()
}

#[cfg(not(feature = "hydrate"))]
fn local_time(_at: DateTime<Utc>) -> Option<String> {
    None
}

/// What a page loads, shown the one way every page shows it: `loading` (a short line such as
/// "Loading users…") while the resource loads, the view `children` makes of the value once it
/// has, or an [`ErrorNote`] when loading failed. The value's view is given with `let:`:
///
/// ```ignore
/// let users = Resource::new(move || (slug(), page()), |(slug, page)| list_users(slug, page));
/// view! {
///     <Loaded resource=users loading="Loading users…" let:page>
///         <p class="count">{page.total}" users"</p>
///     </Loaded>
/// }
/// ```
///
/// The view is built again whenever the resource loads again (its inputs changed), so
/// `children` is called with an owned value each time and must be `Fn`: clone inside it what
/// it moves out. It renders inside a `Suspense`, so the server's HTML (with JavaScript off
/// too) already holds the loaded view. Pages with no loading text pass none.
#[component]
pub fn Loaded<T, V, F>(
    /// The page's data, as a server function returns it.
    resource: Resource<Result<T, UiError>>,
    /// Shown while loading; nothing when left out.
    #[prop(optional)]
    loading: Option<&'static str>,
    /// The view of the loaded value.
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
{
    let children = Arc::new(children);
    view! {
        <Suspense fallback=move || loading.map(|text| view! { <p class="loading">{text}</p> })>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => children(value).into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
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
        value
            .with(|v| match v {
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
