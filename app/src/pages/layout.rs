//! The portal's frame: who is signed in, the navigation, language and alerts, and (in the
//! browser, `LiveFrame`) the change stream that refreshes the page below. Nobody signed in →
//! the sign-in page.

use leptos::either::*;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};

use super::texts;
use super::widgets::ErrorNote;
use crate::i18n::LANGS;
use crate::live;
use crate::portal::Me;
use crate::portal::api::{Logout, SetLanguage, whoami};

/// The signed-in agent, for the pages inside the frame.
#[derive(Clone)]
pub struct Caller(pub Me);

pub fn caller() -> Option<Me> {
    use_context::<Caller>().map(|c| c.0)
}

#[component]
pub fn Portal() -> impl IntoView {
    let who = super::resource(|| (), |_| whoami());
    view! {
        <Suspense fallback=|| view! { <p class="loading">{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match who.await {
                    Ok(Some(me)) => {
                        provide_context(Caller(me.clone()));
                        EitherOf3::A(view! { <Frame me=me/> })
                    }
                    Ok(None) => EitherOf3::B(view! { <Redirect path="/signin"/> }),
                    Err(e) => EitherOf3::C(view! { <main class="narrow"><ErrorNote error=e/></main> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Frame(me: Me) -> impl IntoView {
    let t = texts();
    let logout = ServerAction::<Logout>::new();
    view! {
        <a class="skip" href="#content">{t.skip_to_content}</a>
        <header class="top">
            <nav aria-label="Main">
                <a href="/" class="brand">{t.app_name}</a>
                <A href="/" exact=true>{t.nav_requests}</A>
                {me.is_admin.then(|| view! {
                    <A href="/admin/agents">{t.nav_agents}</A>
                    <A href="/admin/clients">{t.nav_clients}</A>
                    <A href="/admin/settings">{t.nav_settings}</A>
                    <A href="/admin/mail">{t.nav_mail}</A>
                    <A href="/admin/audit">{t.nav_audit}</A>
                })}
            </nav>
            <div class="me">
                <LiveFrame/>
                <a class="who" href="/account" id="account-link" title=t.nav_account>{t.signed_in_as} " " <strong>{me.name.clone()}</strong></a>
                <ActionForm action=logout attr:class="inline">
                    <button type="submit" class="secondary" id="sign-out">{t.sign_out}</button>
                </ActionForm>
            </div>
        </header>
        <main id="content" tabindex="-1">
            <Outlet/>
        </main>
    }
}

/// The frame's live half: the alerts switch and the language select, and in the browser the
/// change stream (a request turning "waiting" may chime), times in the viewer's zone, the
/// copy buttons, and the page's live regions fetched again when something changes
/// (`enhance`). An island: the rest of the frame is rendered on the server only.
#[cfg_attr(feature = "link-bundle", component)]
#[cfg_attr(not(feature = "link-bundle"), island)]
fn LiveFrame() -> impl IntoView {
    let t = texts();
    let current = use_context::<crate::i18n::Lang>().unwrap_or_else(super::request_lang);
    let alerts = RwSignal::new(false);
    Effect::new(move |started: Option<bool>| {
        if started.is_none() {
            alerts.set(live::alerts_enabled());
            #[cfg(all(feature = "hydrate", not(feature = "link-bundle")))]
            super::enhance::start(current.code(), t);
        }
        true
    });
    let set_lang = ServerAction::<SetLanguage>::new();
    Effect::new(move |_| {
        if set_lang.value().get().is_some_and(|r| r.is_ok()) {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        }
    });
    view! {
        <label class="alerts">
            <input type="checkbox" prop:checked=alerts on:change=move |ev| {
                let on = event_target_checked(&ev);
                alerts.set(on);
                live::set_alerts(on);
            }/>
            " " {t.alerts}
        </label>
        <ActionForm action=set_lang attr:class="inline">
            <label for="lang-select" class="sr-only">{t.language}</label>
            <select id="lang-select" name="lang" on:change=move |ev| {
                set_lang.dispatch(SetLanguage { lang: event_target_value(&ev) });
            }>
                {LANGS.iter().map(|(l, code, name)| view! {
                    <option value=*code selected=*l == current>{*name}</option>
                }).collect_view()}
            </select>
            <noscript><button type="submit" class="secondary">{t.apply}</button></noscript>
        </ActionForm>
    }
}
