//! Moving an installation between stores with `beckon migrate-store`, both ways, on a
//! populated store: every record compared, and links, devices and sign-ins work after each
//! move.

use reqwest::StatusCode;
use serde_json::json;

use crate::binary::beckon;
use crate::harness::TestServer;

/// Runs `beckon migrate-store ARGS` on the data directory `dir`; its output.
fn migrate(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    beckon(dir)
        .env("BECKON_DATA_DIR", dir)
        .arg("migrate-store")
        .args(args)
        .output()
        .unwrap()
}

/// What an installation's users see of it: the requests listed, each link's state for its
/// device, and that the agent still signs in.
async fn what_users_see(t: &TestServer, links: &[String]) -> (Vec<String>, Vec<u16>) {
    // Check-ins first: the first one moves an open request to waiting, and a repeat from the
    // same device changes nothing, so the list after them is the same each time.
    let mut states = Vec::new();
    for link in links {
        states.push(t.checkin(link).await.status.as_u16());
    }
    let admin = t.login("admin@example.com", "correct horse").await;
    t.login("dee@example.com", "password123").await;
    let listed = t.get("/api/v1/session-requests?limit=200", &admin).await;
    assert_eq!(listed.status, StatusCode::OK);
    let mut names: Vec<String> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r["recipient_name"], r["status"]))
        .collect();
    names.sort();
    (names, states)
}

#[tokio::test]
async fn an_installation_moves_to_postgresql_and_back_with_its_links_and_sign_ins() {
    // It uses both stores itself, so it runs once, in the embedded store's run.
    if crate::backend::postgres() || !crate::backend::cluster_or_skip() {
        return;
    }
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (_, agent) = t.agent(&admin, "dee@example.com", true, true).await;
    let hook = t
        .post(
            "/api/v1/webhooks",
            &admin,
            json!({"url": "http://127.0.0.1:9/hook"}),
        )
        .await;
    assert_eq!(hook.status, StatusCode::CREATED, "{}", hook.body);
    let mut links = Vec::new();
    for name in ["Open", "Waiting", "Closed"] {
        let r = t
            .create(&agent, json!({"recipient_name": name, "comment": "moved"}))
            .await;
        links.push(r["link"].as_str().unwrap().to_owned());
        if name != "Open" {
            assert_eq!(t.checkin(&links[links.len() - 1]).await.status, 200);
        }
        if name == "Closed" {
            let id = r["id"].as_str().unwrap();
            let path = format!("/api/v1/session-requests/{id}/close");
            assert_eq!(t.post(&path, &agent, json!({})).await.status, 200);
        }
    }
    let before = what_users_see(&t, &links).await;
    assert_eq!(
        before.1,
        [200, 200, 410],
        "open and waiting links work, a closed one is gone"
    );
    let (dir, _keep) = t.stop().await;

    // Into PostgreSQL: the same requests, links and sign-ins, on the same data directory.
    let database = crate::backend::new_database().await;
    let out = migrate(&dir, &["--to", &database]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("every record compared equal"), "{said}");
    assert!(said.contains("3 requests"), "{said}");
    let on_postgres = TestServer::start_in(&dir, |c| {
        c.database_url = Some(beckon::config::Secret(database.clone()))
    })
    .await;
    assert_eq!(what_users_see(&on_postgres, &links).await, before);
    on_postgres.assert_consistent();
    on_postgres.stop().await;

    // A second move into the same database is refused: it is not empty.
    let again = migrate(&dir, &["--to", &database]);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("not empty"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    // And back into a new embedded store, beside the same link key.
    let back = tempfile::tempdir().unwrap();
    std::fs::copy(dir.join("link.key"), back.path().join("link.key")).unwrap();
    let out = migrate(back.path(), &["--from", &database]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let embedded = TestServer::start_in(back.path(), |_| {}).await;
    assert_eq!(what_users_see(&embedded, &links).await, before);
    embedded.assert_consistent();
    embedded.stop().await;
}
