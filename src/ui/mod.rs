//! The pages and components, mirroring the product's navigation: community level (Projects,
//! Staff, API keys, Community reports) and project level (Management > Users, Feedback, Custom reports).

mod components;
mod frame;
mod pages;
mod widgets;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{path, SsrMode};

use frame::{AppFrame, ProjectFrame};
use pages::*;

/// The HTML document around the application (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <HydrationScripts options />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <script src="/inlet.js" defer></script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Runs only in the browser, once hydrated: tests (and people) can tell the page is live.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/inlet.css" />
        <Title formatter=|text: String| format!("{text} · Inlet") />
        <Router>
            <Routes fallback=|| view! { <NotFoundPage /> }>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=AppFrame ssr=SsrMode::Async>
                    <Route path=path!("/") view=|| view! { <Redirect path="/projects" /> } ssr=SsrMode::Async />
                    <Route path=path!("/projects") view=ProjectsPage ssr=SsrMode::Async />
                    <Route path=path!("/staff") view=StaffPage ssr=SsrMode::Async />
                    <Route path=path!("/api-keys") view=ApiKeysPage ssr=SsrMode::Async />
                    <Route path=path!("/reports") view=ReportsPage ssr=SsrMode::Async />
                    <Route path=path!("/reports/new") view=ReportBuilderPage ssr=SsrMode::Async />
                    <Route path=path!("/reports/:id") view=ReportPage ssr=SsrMode::Async />
                    <Route path=path!("/reports/:id/elements/:element") view=ReportBuilderPage ssr=SsrMode::Async />
                    <Route path=path!("/outbox") view=OutboxPage ssr=SsrMode::Async />
                    <Route path=path!("/outbox/:id") view=OutboxMessagePage ssr=SsrMode::Async />
                    <ParentRoute path=path!("/p/:project") view=ProjectFrame ssr=SsrMode::Async>
                        <Route path=path!("/") view=ProjectHome ssr=SsrMode::Async />
                        <Route path=path!("/users") view=ProjectUsersPage ssr=SsrMode::Async />
                        <Route path=path!("/users/new") view=AddUserPage ssr=SsrMode::Async />
                        <Route path=path!("/users/import") view=ImportUsersPage ssr=SsrMode::Async />
                        <Route path=path!("/users/filters/new") view=FilterPage ssr=SsrMode::Async />
                        <Route path=path!("/users/filters/:id") view=FilterPage ssr=SsrMode::Async />
                        <Route path=path!("/users/views/new") view=ViewPage ssr=SsrMode::Async />
                        <Route path=path!("/users/views/:id") view=ViewPage ssr=SsrMode::Async />
                        <Route path=path!("/u/:user") view=UserSummaryPage ssr=SsrMode::Async />
                        <Route path=path!("/automation") view=UserAutomationPage ssr=SsrMode::Async />
                        <Route path=path!("/automation/new") view=NewListenerPage ssr=SsrMode::Async />
                        <Route path=path!("/automation/:key") view=ListenerDetailPage ssr=SsrMode::Async />
                        <Route path=path!("/automation/:key/edit") view=EditListenerPage ssr=SsrMode::Async />
                        <Route path=path!("/reports") view=ReportsPage ssr=SsrMode::Async />
                        <Route path=path!("/reports/new") view=ReportBuilderPage ssr=SsrMode::Async />
                        <Route path=path!("/reports/:id") view=ReportPage ssr=SsrMode::Async />
                        <Route path=path!("/reports/:id/elements/:element") view=ReportBuilderPage ssr=SsrMode::Async />
                        <Route path=path!("/feedback") view=FeedbackPage ssr=SsrMode::Async />
                        <Route path=path!("/feedback/new") view=NewFeedbackPage ssr=SsrMode::Async />
                        <Route path=path!("/feedback/filters/new") view=FeedbackFilterPage ssr=SsrMode::Async />
                        <Route path=path!("/feedback/filters/:id") view=FeedbackFilterPage ssr=SsrMode::Async />
                        <Route path=path!("/feedback/views/new") view=FeedbackViewPage ssr=SsrMode::Async />
                        <Route path=path!("/feedback/views/:id") view=FeedbackViewPage ssr=SsrMode::Async />
                        <Route path=path!("/feedback/:id") view=TicketPage ssr=SsrMode::Async />
                        <Route path=path!("/team") view=ProjectTeamPage ssr=SsrMode::Async />
                        <Route path=path!("/distributions") view=DistributionsPage ssr=SsrMode::Async />
                        <Route path=path!("/distributions/:id") view=DistributionPage ssr=SsrMode::Async />
                        <Route path=path!("/reports/:id/distributions") view=ReportDistributionsPage ssr=SsrMode::Async />
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
