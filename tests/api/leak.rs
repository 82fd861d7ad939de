//! What a copy of the database gives away (README, Security): no password, no sign-in token
//! and no link token can be read from it, so a stolen `beckon.redb` signs nobody in and opens
//! no link. Checked on the file's raw bytes (redb stores pages uncompressed).

use serde_json::json;

use crate::harness::TestServer;

#[tokio::test]
async fn a_copy_of_the_database_holds_no_password_sign_in_token_or_link() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (_, agent) = t.agent(&admin, "dee@example.com", true, true).await;
    let mut links = Vec::new();
    for _ in 0..3 {
        let r = t.create(&agent, json!({"send_email": false})).await;
        links.push(
            r["link"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned(),
        );
    }
    // A bound link, a sign-in in use, a password changed: all of it written.
    assert_eq!(
        t.checkin(&format!("{}/s/{}", t.base, links[0]))
            .await
            .status,
        200
    );
    let pw = json!({"current_password": "password123", "new_password": "second secret pw"});
    assert_eq!(t.post("/api/v1/me/password", &agent, pw).await.status, 204);
    let (raw, dir, _keep) = t.stop_and_read_store().await;
    let found = |needle: &str| raw.windows(needle.len()).any(|w| w == needle.as_bytes());
    for secret in [
        "correct horse",
        "password123",
        "second secret pw",
        admin.as_str(),
        agent.as_str(),
    ] {
        assert!(!found(secret), "`{secret}` is readable in the database");
    }
    for link in &links {
        assert!(
            !found(link),
            "link token {link} is readable in the database"
        );
    }
    // Passwords are argon2id hashes; the link key lives beside the database, not in it.
    assert!(found("$argon2id$"));
    let key = std::fs::read(dir.join("link.key")).unwrap();
    assert_eq!(key.len(), 32);
    assert!(
        !raw.windows(32).any(|w| w == key.as_slice()),
        "the link key is in the database"
    );
}
