//! Sign in. Works as a plain form post (errors come back in `?error=`) and as a server call.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::texts;
use super::widgets::error_text;
use crate::portal::AppError;
use crate::portal::api::Login;

#[component]
pub fn SignIn() -> impl IntoView {
    let t = texts();
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let error = move || {
        login
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| {
                query
                    .read()
                    .get("error")
                    .map(|code| AppError::new(&code, String::new()))
            })
            .map(|e| error_text(&e))
    };
    view! {
        <main class="narrow signin" id="content">
            <h1>{t.app_name}</h1>
            <ActionForm action=login attr:class="card" attr:aria-labelledby="signin-title">
                <h2 id="signin-title">{t.sign_in}</h2>
                {move || error().map(|e| view! { <p class="error" role="alert" id="signin-error">{e}</p> })}
                <label for="email">{t.email}</label>
                <input id="email" name="email" type="email" autocomplete="username" required autofocus/>
                <label for="password">{t.password}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <label for="totp">{t.totp_code}</label>
                <input id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code" maxlength="6" aria-describedby="totp-hint"/>
                <span class="hint" id="totp-hint">{t.totp_hint}</span>
                <button type="submit" class="primary" disabled=move || login.pending().get()>{t.sign_in}</button>
            </ActionForm>
        </main>
    }
}
