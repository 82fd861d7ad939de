//! The permission matrix: every agent route, for every kind of caller, enforced by the server.

use app::domain::Status;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::TestServer;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    NoView,
    ViewOnly,
    Edit,
    Admin,
}

/// What a caller may do with a route.
#[derive(Clone, Copy, Debug)]
enum Needs {
    SignedIn,
    View,
    Edit,
    Admin,
    /// Reading agents/clients: admins, or agents who may view requests.
    ViewOrAdmin,
}

fn allowed(who: Who, needs: Needs) -> bool {
    match (who, needs) {
        (Who::Anonymous, _) => false,
        (_, Needs::SignedIn) => true,
        (Who::Admin, _) => true,
        (Who::Edit, Needs::View | Needs::Edit | Needs::ViewOrAdmin) => true,
        (Who::ViewOnly, Needs::View | Needs::ViewOrAdmin) => true,
        _ => false,
    }
}

#[tokio::test]
async fn every_route_enforces_its_permission_for_every_kind_of_caller() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (_, no_view) = t.agent(&admin, "none@example.com", false, false).await;
    let (_, view_only) = t.agent(&admin, "view@example.com", true, false).await;
    let (edit_id, edit) = t.agent(&admin, "edit@example.com", false, true).await;

    for who in [
        Who::Anonymous,
        Who::NoView,
        Who::ViewOnly,
        Who::Edit,
        Who::Admin,
    ] {
        let token = match who {
            Who::Anonymous => None,
            Who::NoView => Some(no_view.as_str()),
            Who::ViewOnly => Some(view_only.as_str()),
            Who::Edit => Some(edit.as_str()),
            Who::Admin => Some(admin.as_str()),
        };
        // Fresh targets for each caller, so one caller's success doesn't change another's case.
        let waiting = t.request_in(&admin, Status::Waiting).await;
        let ready = t.request_in(&admin, Status::Ready).await;
        let in_session = t.request_in(&admin, Status::InSession).await;
        let open = t.request_in(&admin, Status::Open).await;
        let closed = t.request_in(&admin, Status::Closed).await;
        let client = t
            .post("/api/v1/clients", &admin, json!({"name": "Desk"}))
            .await
            .body;
        let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
        let unique = format!("{who:?}").to_lowercase();

        // Each caller's own password, "changed" to itself.
        let own = if who == Who::Admin {
            "correct horse"
        } else {
            "password123"
        };
        let cases: Vec<(Method, String, Value, Needs)> = vec![
            (
                Method::GET,
                "/api/v1/me".into(),
                Value::Null,
                Needs::SignedIn,
            ),
            (
                Method::POST,
                "/api/v1/me/password".into(),
                json!({"current_password": own, "new_password": own}),
                Needs::SignedIn,
            ),
            (
                Method::GET,
                "/api/v1/session-requests".into(),
                Value::Null,
                Needs::View,
            ),
            (
                Method::GET,
                format!("/api/v1/session-requests/{}", id(&open)),
                Value::Null,
                Needs::View,
            ),
            (
                Method::GET,
                "/api/v1/events".into(),
                Value::Null,
                Needs::View,
            ),
            (
                Method::POST,
                "/api/v1/session-requests".into(),
                json!({"recipient_name": "X"}),
                Needs::Edit,
            ),
            (
                Method::PATCH,
                format!("/api/v1/session-requests/{}", id(&open)),
                json!({"comment": "c"}),
                Needs::Edit,
            ),
            (
                Method::POST,
                format!("/api/v1/session-requests/{}/connect", id(&waiting)),
                json!({}),
                Needs::Edit,
            ),
            (
                Method::POST,
                format!("/api/v1/session-requests/{}/start", id(&ready)),
                json!({}),
                Needs::Edit,
            ),
            (
                Method::POST,
                format!("/api/v1/session-requests/{}/end", id(&in_session)),
                json!({}),
                Needs::Edit,
            ),
            (
                Method::POST,
                format!("/api/v1/session-requests/{}/resend", id(&open)),
                json!({}),
                Needs::Edit,
            ),
            (
                Method::POST,
                format!("/api/v1/session-requests/{}/close", id(&open)),
                json!({}),
                Needs::Edit,
            ),
            (
                Method::POST,
                format!("/api/v1/session-requests/{}/reopen", id(&closed)),
                json!({}),
                Needs::Edit,
            ),
            (
                Method::GET,
                "/api/v1/agents".into(),
                Value::Null,
                Needs::ViewOrAdmin,
            ),
            (
                Method::POST,
                "/api/v1/agents".into(),
                json!({"email": format!("new-{unique}@example.com"), "name": "N", "password": "password123", "role": "agent"}),
                Needs::Admin,
            ),
            (
                Method::PATCH,
                format!("/api/v1/agents/{edit_id}"),
                json!({"name": "Edith"}),
                Needs::Admin,
            ),
            (
                Method::GET,
                "/api/v1/clients".into(),
                Value::Null,
                Needs::ViewOrAdmin,
            ),
            (
                Method::POST,
                "/api/v1/clients".into(),
                json!({"name": "Team"}),
                Needs::Admin,
            ),
            (
                Method::PATCH,
                format!("/api/v1/clients/{}", id(&client)),
                json!({"name": "Team 2"}),
                Needs::Admin,
            ),
        ];
        for (method, path, body, needs) in cases {
            let expected_ok = allowed(who, needs);
            let status = if path == "/api/v1/events" {
                // A stream: look at the status only.
                let mut req = t.http.get(format!("{}{path}", t.base));
                if let Some(tok) = token {
                    req = req.bearer_auth(tok);
                }
                req.send().await.unwrap().status()
            } else {
                let body = if body.is_null() { None } else { Some(body) };
                t.call(method.clone(), &path, token, body).await.status
            };
            if expected_ok {
                assert!(
                    status.is_success(),
                    "{who:?} {method} {path}: expected success, got {status}"
                );
            } else if who == Who::Anonymous {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{who:?} {method} {path}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{who:?} {method} {path}");
            }
        }
        // Logout works for anyone signed in (last, it ends the token).
        let r = t
            .call(Method::POST, "/api/v1/auth/logout", token, None)
            .await;
        let expected = if who == Who::Anonymous {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::NO_CONTENT
        };
        assert_eq!(r.status, expected, "{who:?} logout");
        if let Some(tok) = token {
            assert_eq!(
                t.call(Method::GET, "/api/v1/me", Some(tok), None)
                    .await
                    .status,
                StatusCode::UNAUTHORIZED
            );
        }
    }
    t.assert_consistent();
}

#[tokio::test]
async fn a_disabled_agent_is_signed_out_and_cannot_sign_in() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (id, token) = t.agent(&admin, "gone@example.com", true, true).await;
    let r = t
        .patch(
            &format!("/api/v1/agents/{id}"),
            &admin,
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        t.get("/api/v1/me", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = t
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "gone@example.com", "password": "password123"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_last_admin_cannot_be_disabled_or_demoted() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let me = t.get("/api/v1/me", &admin).await.body;
    let id = me["id"].as_str().unwrap();
    let r = t
        .patch(
            &format!("/api/v1/agents/{id}"),
            &admin,
            json!({"disabled": true}),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "last_admin"));
    let r = t
        .patch(
            &format!("/api/v1/agents/{id}"),
            &admin,
            json!({"role": "agent"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "last_admin"));
}

#[tokio::test]
async fn cookie_sessions_work_and_cross_site_mutations_are_refused() {
    let t = TestServer::start().await;
    t.admin().await;
    let res = t
        .http
        .post(format!("{}/api/v1/auth/login", t.base))
        .json(&json!({"email": "admin@example.com", "password": "correct horse"}))
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_owned();

    let me = t
        .http
        .get(format!("{}/api/v1/me", t.base))
        .header("cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let cross = t
        .http
        .post(format!("{}/api/v1/session-requests", t.base))
        .header("cookie", &pair)
        .header("origin", "https://evil.example")
        .json(&json!({"recipient_name": "X"}))
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let same = t
        .http
        .post(format!("{}/api/v1/session-requests", t.base))
        .header("cookie", &pair)
        .header("origin", &t.base)
        .json(&json!({"recipient_name": "X"}))
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn login_and_link_lookups_are_rate_limited() {
    let t = TestServer::start_with(|c| {
        c.login_attempts_per_minute = 3;
        c.link_lookups_per_minute = 5;
    })
    .await;
    t.admin().await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let r = t
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": "admin@example.com", "password": "wrong"})),
            )
            .await;
        statuses.push(r.status.as_u16());
    }
    // Three attempts a minute for the account; signing in as admin above used one.
    assert_eq!(statuses[..2], [401, 401]);
    assert_eq!(statuses[2..], [429, 429, 429]);
    // Even the right password waits now: that is what stops guessing.
    let r = t
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "admin@example.com", "password": "correct horse"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "rate_limited");

    let mut link_statuses = Vec::new();
    for i in 0..8 {
        let fake = format!("{}/s/{i:0>32}", t.base);
        link_statuses.push(t.page_status(&fake).await);
    }
    assert_eq!(link_statuses[..5], [404; 5]);
    assert!(
        link_statuses[5..].iter().all(|s| *s == 429),
        "{link_statuses:?}"
    );
}

#[tokio::test]
async fn edit_implies_view_and_agent_sign_ins_get_no_end_user_powers() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (editor_id, editor) = t.agent(&admin, "editor@example.com", false, true).await;
    let (_, viewer) = t.agent(&admin, "viewer@example.com", true, false).await;
    // Edit without view is stored and shown as both: the API and the portal agree.
    let agents = t.get("/api/v1/agents", &admin).await.body;
    let shown = agents
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == editor_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        shown["permissions"]["view_session_requests"], true,
        "{shown}"
    );
    let me = t.get("/api/v1/agents", &admin).await.body;
    let admin_shown = me
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["role"] == "admin")
        .unwrap()
        .clone();
    assert_eq!(
        (
            &admin_shown["permissions"]["view_session_requests"],
            &admin_shown["permissions"]["edit_session_requests"]
        ),
        (&json!(true), &json!(true)),
        "an administrator is shown with every right"
    );
    let req = t.create(&editor, json!({})).await;
    let id = req["id"].as_str().unwrap();
    assert_eq!(
        t.get(&format!("/api/v1/session-requests/{id}"), &editor)
            .await
            .status,
        StatusCode::OK
    );

    // A view-only agent sees the request but not its link (which acts as the end user).
    let seen = t
        .get(&format!("/api/v1/session-requests/{id}"), &viewer)
        .await
        .body;
    assert!(seen["link"].is_null(), "{seen}");
    let listed = t
        .get("/api/v1/session-requests?view=upcoming", &viewer)
        .await
        .body;
    assert_eq!(listed["items"][0]["id"], id, "{listed}");
    assert!(listed["items"][0]["link"].is_null(), "{listed}");
    let page = t
        .http
        .get(format!("{}/requests/{id}", t.base))
        .header("cookie", format!("beckon_session={viewer}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Ada Lovelace"), "the viewer sees the request");
    assert!(
        !page.contains(crate::harness::token_of(req["link"].as_str().unwrap())),
        "the portal shows a viewer no link"
    );

    // Even with the link, an agent's sign-in cannot act as the end user.
    let link = req["link"].as_str().unwrap();
    let declined = t
        .http
        .post(format!(
            "{}/api/v1/assist/{}/decline",
            t.base,
            crate::harness::token_of(link)
        ))
        .bearer_auth(&viewer)
        .header("beckon-device", crate::harness::DEVICE)
        .send()
        .await
        .unwrap();
    assert_eq!(declined.status(), StatusCode::FORBIDDEN);
    let acted = t
        .http
        .post(format!("{}/portal/api/link/act", t.base))
        .header("cookie", format!("beckon_session={viewer}"))
        .header("beckon-device", crate::harness::DEVICE)
        .form(&[
            ("token", crate::harness::token_of(link)),
            ("step", "decline"),
        ])
        .send()
        .await
        .unwrap();
    assert!(!acted.status().is_success(), "{}", acted.status());
    assert_eq!(
        t.status_of(&admin, id).await,
        "open",
        "nothing was declined"
    );
    // Without a sign-in, the end user still can.
    assert_eq!(t.checkin(link).await.status, StatusCode::OK);
}
