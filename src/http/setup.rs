//! First run: with no admin, `serve` prints a one-time link; opening it shows a form that
//! creates the first admin. The link's token is the only credential, and it dies on use.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::AppState;

#[derive(Debug, Deserialize)]
pub struct SetupForm {
    email: String,
    name: String,
    password: String,
}

fn token_matches(st: &AppState, token: &str) -> bool {
    let guard = st.setup.lock().unwrap_or_else(|p| p.into_inner());
    guard
        .as_deref()
        .is_some_and(|t| bool::from(t.as_bytes().ct_eq(token.as_bytes())))
}

/// Takes the token if `token` is it: of several posts at once, exactly one holds it while
/// it creates the administrator (and gives it back if that fails).
fn take_token(st: &AppState, token: &str) -> Option<String> {
    let mut guard = st.setup.lock().unwrap_or_else(|p| p.into_inner());
    let matches = guard
        .as_deref()
        .is_some_and(|t| bool::from(t.as_bytes().ct_eq(token.as_bytes())));
    if matches { guard.take() } else { None }
}

fn page(status: StatusCode, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"referrer\" content=\"no-referrer\"><title>Beckon setup</title><link rel=\"stylesheet\" href=\"/assets/beckon.css\"></head><body><main>{body}</main></body></html>"
    );
    (status, Html(html)).into_response()
}

pub async fn form(State(st): State<AppState>, Path(token): Path<String>) -> Response {
    if !token_matches(&st, &token) {
        return page(
            StatusCode::NOT_FOUND,
            "<h1>This setup link is not valid</h1><p>It was already used, or the server was restarted. Restart <code>beckon serve</code> with no admin to get a new one, or run <code>beckon admin create</code>.</p>",
        );
    }
    page(
        StatusCode::OK,
        "<h1>Create the first administrator</h1>\
         <form method=\"post\">\
         <label>Name <input name=\"name\" required maxlength=\"200\" autocomplete=\"name\"></label>\
         <label>Email <input name=\"email\" type=\"email\" required autocomplete=\"email\"></label>\
         <label>Password <input name=\"password\" type=\"password\" required minlength=\"8\" autocomplete=\"new-password\"></label>\
         <button type=\"submit\">Create administrator</button></form>",
    )
}

pub async fn submit(
    State(st): State<AppState>,
    Path(token): Path<String>,
    Form(f): Form<SetupForm>,
) -> Response {
    let Some(taken) = take_token(&st, &token) else {
        return page(
            StatusCode::NOT_FOUND,
            "<h1>This setup link is not valid</h1>",
        );
    };
    match st
        .svc
        .run(move |s| s.create_admin_unchecked(&f.email, &f.name, &f.password))
        .await
    {
        Ok(_) => {
            tracing::info!("first administrator created through the setup link");
            page(
                StatusCode::CREATED,
                "<h1>Administrator created</h1><p>You can now sign in.</p>",
            )
        }
        Err(e) => {
            // Not used up: the operator may try again with a corrected form.
            *st.setup.lock().unwrap_or_else(|p| p.into_inner()) = Some(taken);
            let msg = html_escape::encode_text(&e.to_string()).into_owned();
            page(
                StatusCode::BAD_REQUEST,
                &format!(
                    "<h1>Could not create the administrator</h1><p>{msg}</p><p><a href=\"\">Try again</a></p>"
                ),
            )
        }
    }
}
