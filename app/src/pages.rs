//! The Leptos pages. For now: the portal's shell with a first page (so the hydrate bundle
//! exists and is served from day one) and the end user's link page, rendered on the server.
//! Pages never reach storage directly: the server hands them plain view data.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    StaticSegment,
    components::{Route, Router, Routes},
};
use serde::{Deserialize, Serialize};

/// The HTML document around the hydrated portal.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href="/assets/beckon.css"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The portal application (routes grow with the portal issue).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Beckon"/>
        <Router>
            <main>
                <Routes fallback=|| view! { <p>"Page not found."</p> }>
                    <Route path=StaticSegment("") view=HomePage/>
                </Routes>
            </main>
        </Router>
    }
}

/// The portal's landing page: says whether the interactive bundle is running.
#[component]
fn HomePage() -> impl IntoView {
    let hydrated = RwSignal::new(false);
    // Effects run only in the browser, so this flips once the WASM bundle has hydrated.
    Effect::new(move |_| hydrated.set(true));
    view! {
        <h1>"Beckon"</h1>
        <p>"Remote-support session requests. The agent portal is being built; use the REST API under /api/v1."</p>
        <p id="hydration" data-hydrated=move || hydrated.get().to_string()>
            {move || if hydrated.get() { "Interactive." } else { "Loading…" }}
        </p>
    }
}

/// What the end user's link page shows, as decided by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkPage {
    /// A live request: who asks for help and when.
    Active {
        language: String,
        organisation: String,
        agent_name: Option<String>,
        recipient_name: String,
        schedule: Option<String>,
        status: String,
    },
    /// No such link (or it was replaced by a reopen).
    Unknown,
    /// The request is closed or expired.
    Finished,
}

/// Renders the link page as a complete HTML document (server only; no hydration yet).
#[cfg(feature = "ssr")]
pub fn render_link_page(page: LinkPage) -> String {
    // The texts are English until the notifier's translations arrive; say so truthfully.
    let lang = "en";
    let owner = Owner::new();
    owner.with(|| {
        view! {
            <!DOCTYPE html>
            <html lang=lang>
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width, initial-scale=1"/>
                    <meta name="referrer" content="no-referrer"/>
                    <meta name="robots" content="noindex"/>
                    <title>"Remote support request"</title>
                    <link rel="stylesheet" href="/assets/beckon.css"/>
                </head>
                <body class="link-page">
                    <main>
                        <LinkPageBody page=page/>
                    </main>
                </body>
            </html>
        }
        .to_html()
    })
}

#[component]
fn LinkPageBody(page: LinkPage) -> impl IntoView {
    match page {
        LinkPage::Active {
            organisation,
            agent_name,
            recipient_name,
            schedule,
            status,
            ..
        } => {
            let who = match agent_name {
                Some(agent) => format!("{agent} from {organisation}"),
                None => organisation,
            };
            let status_attr = status.clone();
            view! {
                <h1>"Remote support request"</h1>
                <p class="greeting">"Hello " {recipient_name} ","</p>
                <p class="asker">{who} " would like to help you through a remote support session."</p>
                {schedule.map(|s| view! { <p class="schedule">"Planned for " {s}</p> })}
                <p class="status" data-status=status_attr>"Status: " {status}</p>
                <p class="note">"Only continue if you asked for help. Support staff will never ask you for payment or passwords."</p>
            }
            .into_any()
        }
        LinkPage::Unknown => view! {
            <h1>"This link is not valid"</h1>
            <p>"Please check the link in your email, or ask your support contact for a new one."</p>
        }
        .into_any(),
        LinkPage::Finished => view! {
            <h1>"This support request has ended"</h1>
            <p>"The request was closed or has expired. If you still need help, ask your support contact for a new link."</p>
        }
        .into_any(),
    }
}
