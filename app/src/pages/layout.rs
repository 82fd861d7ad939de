//! The portal's frame: who is signed in, the navigation, language and alerts. In the
//! browser `enhance` makes it live (the change stream that refreshes the page below, the
//! alerts switch, the language select). Nobody signed in → the sign-in page.

use leptos::either::*;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};

use super::texts;
use super::widgets::ErrorNote;
use crate::i18n::LANGS;
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
    let set_lang = ServerAction::<SetLanguage>::new();
    let current = use_context::<crate::i18n::Lang>().unwrap_or_default();
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
                // Made live in the browser by `enhance` (no view code in the bundle).
                <label class="alerts">
                    <input type="checkbox" id="alerts-toggle"/>
                    " " {t.alerts}
                </label>
                <ActionForm action=set_lang attr:class="inline" attr:id="lang-form">
                    <label for="lang-select" class="sr-only">{t.language}</label>
                    <select id="lang-select" name="lang">
                        {LANGS.iter().map(|(l, code, name)| view! {
                            <option value=*code selected=*l == current>{*name}</option>
                        }).collect_view()}
                    </select>
                    <noscript><button type="submit" class="secondary">{t.apply}</button></noscript>
                </ActionForm>
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
