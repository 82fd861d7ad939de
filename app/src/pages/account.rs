//! The signed-in agent's own account: a new password (which ends their other sign-ins) and
//! signing out everywhere.

use leptos::prelude::*;

use super::texts;
use super::widgets::{ErrorNote, field_error};
use crate::portal::api::{ChangePassword, LogoutEverywhere};

#[component]
pub fn Account() -> impl IntoView {
    let t = texts();
    let change = ServerAction::<ChangePassword>::new();
    let everywhere = ServerAction::<LogoutEverywhere>::new();
    let error = move || change.value().get().and_then(|r| r.err());
    let me = super::layout::caller();
    view! {
        <h1>{t.account_title}</h1>
        {me.map(|m| view! { <p class="muted" id="account-who">{m.name} " · " {m.email}</p> })}
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
                {move || change.value().get().and_then(|r| r.ok()).map(|_| view! { <span role="status" id="password-changed">{t.password_changed}</span> })}
            </ActionForm>
        </section>
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
