//! Upgrades from real files: the store fixtures under `tests/fixtures/store-schema-N/` were
//! written by the binary of an earlier schema version (`tests/fixtures/make-store-fixture.py`,
//! run with that version's build), not synthesised by this one. Each opens here, migrates to
//! the current schema with every index matching its records, keeps its sign-in and requests,
//! and its links still open.

use std::path::Path;

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::TestServer;

async fn upgrades(fixture: &str) {
    if crate::backend::postgres() {
        // The fixtures are embedded stores written by older builds; a PostgreSQL store's
        // migrations run from an empty database in every test of this run.
        return;
    }
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(from.join("manifest.json")).unwrap()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    for f in ["beckon.redb", "link.key"] {
        std::fs::copy(from.join(f), data.join(f)).unwrap();
    }
    let t = TestServer::start_in(&data, |_| {}).await;
    assert_eq!(
        t.server().service().store().schema_version().unwrap(),
        beckon::store::SCHEMA_VERSION,
        "{fixture} migrated to the current schema"
    );
    t.assert_consistent();
    let admin = t
        .login(
            manifest["admin"]["email"].as_str().unwrap(),
            manifest["admin"]["password"].as_str().unwrap(),
        )
        .await;
    for r in manifest["requests"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        let got = t
            .get(&format!("/api/v1/session-requests/{id}"), &admin)
            .await;
        assert_eq!(got.status, StatusCode::OK, "{fixture}: {id}");
        assert_eq!(got.body["recipient_name"], r["recipient_name"]);
        assert_eq!(got.body["status"], r["status"], "{fixture}: {id}");
        // The link mailed before the upgrade still opens (from the device it is bound to).
        let link = format!("{}/s/{}", t.base, r["link_token"].as_str().unwrap());
        let page = t
            .http
            .get(&link)
            .header("beckon-device", manifest["device"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .status();
        let want = if r["status"] == "closed" {
            StatusCode::GONE
        } else {
            StatusCode::OK
        };
        assert_eq!(page, want, "{fixture}: the old link of {id}");
        // Its app download files a join code, in a table older stores did not have (the
        // page itself does so only once the request is due, which these fixtures reach
        // as the calendar moves on).
        let app = t
            .http
            .get(format!("{link}/app/linux-x86_64"))
            .header("beckon-device", manifest["device"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(app, want, "{fixture}: the app download of {id}");
    }
    // A search finds what the old build stored (the word index was built by a migration).
    let found = t
        .get("/api/v1/session-requests?view=upcoming&q=grace", &admin)
        .await;
    assert_eq!(found.body["items"][0]["recipient_name"], "Grace Hopper");
}

#[tokio::test]
async fn a_store_written_at_schema_3_opens_migrated_with_its_sign_in_requests_and_links() {
    upgrades("store-schema-3").await;
}

#[tokio::test]
async fn a_store_written_at_schema_9_opens_migrated_with_its_sign_in_requests_and_links() {
    upgrades("store-schema-9").await;
}
