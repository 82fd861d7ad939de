//! The signed-in agent's own account: a new password (which ends their other sign-ins),
//! two-factor sign-in, and signing out everywhere.

use leptos::either::*;
use leptos::prelude::*;

use super::texts;
use super::widgets::{ErrorNote, done, field_error};
use crate::portal::api::{
    ChangePassword, LogoutEverywhere, TotpBegin, TotpConfirm, TotpDisable, totp_status,
};

#[component]
pub fn Account() -> impl IntoView {
    let t = texts();
    let everywhere = ServerAction::<LogoutEverywhere>::new();
    let me = super::layout::caller();
    let on = super::resource(|| (), |_| totp_status());
    view! {
        <h1>{t.account_title}</h1>
        {me.map(|m| view! { <p class="muted" id="account-who">{m.name} " · " {m.email}</p> })}
        <PasswordForm/>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match on.await {
                    Ok(on) => Either::Left(view! { <TwoFactor on=on/> }),
                    Err(e) => Either::Right(view! { <ErrorNote error=e/> }),
                }
            })}
        </Transition>
        <section class="card" aria-labelledby="everywhere-title">
            <h2 id="everywhere-title">{t.sign_out_everywhere}</h2>
            <p>{t.sign_out_everywhere_note}</p>
            <ActionForm action=everywhere attr:class="inline">
                <button type="submit" class="secondary" id="sign-out-everywhere">{t.sign_out_everywhere}</button>
            </ActionForm>
            {move || everywhere.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
        </section>
    }
}

/// A new password: a plain form; the page comes back saying it changed, or with the error
/// beside its field.
#[component]
fn PasswordForm() -> impl IntoView {
    let t = texts();
    let change = ServerAction::<ChangePassword>::new();
    let error = move || change.value().get().and_then(|r| r.err());
    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">{t.change_password}</h2>
            <ActionForm action=change attr:class="grid-form" attr:id="password-form">
                <label for="current-password">{t.current_password}</label>
                <input id="current-password" name="current_password" type="password" required autocomplete="current-password"/>
                {field_error(error, "current_password")}
                <label for="new-password">{t.new_password}</label>
                <input id="new-password" name="new_password" type="password" required minlength="8" autocomplete="new-password"/>
                {field_error(error, "new_password")}
                <button type="submit" class="primary">{t.change_password}</button>
                {done("password").then(|| view! { <span role="status" id="password-changed">{t.password_changed}</span> })}
            </ActionForm>
        </section>
    }
}

/// On: a form to turn it off (password). Off: Set up → the key and link for the app, and a
/// form for the first code, which turns it on. An island: the key is the answer of a server
/// function, shown once.
#[cfg_attr(feature = "link-bundle", component)]
#[cfg_attr(not(feature = "link-bundle"), island)]
fn TwoFactor(on: bool) -> impl IntoView {
    let t = texts();
    let begin = ServerAction::<TotpBegin>::new();
    let confirm = ServerAction::<TotpConfirm>::new();
    let disable = ServerAction::<TotpDisable>::new();
    // What the server said at render, then what the last confirm or disable did.
    let on = RwSignal::new(on);
    Effect::new(move |_| {
        if confirm.value().get().is_some_and(|r| r.is_ok()) {
            on.set(true);
        }
    });
    Effect::new(move |_| {
        if disable.value().get().is_some_and(|r| r.is_ok()) {
            on.set(false);
        }
    });
    let confirm_error = move || confirm.value().get().and_then(|r| r.err());
    let disable_error = move || disable.value().get().and_then(|r| r.err());
    view! {
        <section class="card" aria-labelledby="totp-title" id="two-factor">
            <h2 id="totp-title">{t.two_factor}</h2>
            {move || if on.get() {
                Either::Left(view! {
                    <p id="totp-on">{t.two_factor_on}</p>
                    <ActionForm action=disable attr:class="grid-form" attr:id="totp-disable-form">
                        <label for="totp-password">{t.password}</label>
                        <input id="totp-password" name="password" type="password" required autocomplete="current-password"/>
                        {field_error(disable_error, "password")}
                        <button type="submit" class="secondary">{t.two_factor_turn_off}</button>
                    </ActionForm>
                })
            } else {
                Either::Right(view! {
                    <p id="totp-off">{t.two_factor_off}</p>
                    {move || match begin.value().get() {
                        Some(Ok(setup)) => Either::Left(view! {
                            <p>{t.two_factor_scan}</p>
                            <p><a href=setup.otpauth_url.clone() id="totp-link">{t.two_factor_link}</a></p>
                            <p>{t.two_factor_key} ": " <code id="totp-key">{setup.secret.clone()}</code></p>
                            <ActionForm action=confirm attr:class="grid-form" attr:id="totp-confirm-form">
                                <label for="totp-first-code">{t.totp_code}</label>
                                <input id="totp-first-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required/>
                                {field_error(confirm_error, "code")}
                                <button type="submit" class="primary">{t.two_factor_turn_on}</button>
                            </ActionForm>
                        }),
                        other => Either::Right(view! {
                            {other.and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
                            <ActionForm action=begin attr:class="inline">
                                <button type="submit" class="secondary" id="totp-setup">{t.two_factor_setup}</button>
                            </ActionForm>
                        }),
                    }}
                })
            }}
        </section>
    }
}
