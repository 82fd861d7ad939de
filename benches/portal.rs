//! Portal benchmark: what a browser downloads for the Session Requests page (first visit,
//! signed in, 50 requests listed) and for the end user's page, each asset as sent on the wire
//! (bundles are served gzipped) and unpacked, against the portal issue's 250 KB gzip budget
//! for the WASM; and how fast the server renders the list page, against a bare axum handler
//! in the same process.
//!
//! Run: `cargo bench --bench portal` (BENCH_QUICK=1 for a short smoke run).

mod common;

use beckon::service::NewRequest;

const WASM_BUDGET_GZIP: usize = 250 * 1024;

fn quick() -> bool {
    std::env::var_os("BENCH_QUICK").is_some()
}

fn new_request(i: usize) -> NewRequest {
    serde_json::from_value(serde_json::json!({
        "recipient_name": format!("Person {i}"),
        "recipient_email": format!("person{i}@example.com"),
        "send_email": true,
        "comment": "printer driver",
        "assignee": {"type": "me"},
    }))
    .unwrap()
}

/// A browser-like GET: returns (bytes on the wire, unpacked bytes).
async fn fetch(client: &reqwest::Client, url: &str, cookie: &str) -> (usize, usize) {
    let res = client
        .get(url)
        .header("cookie", cookie)
        .header("accept", "text/html,*/*")
        .header("accept-encoding", "gzip, deflate, br")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{url}: {}", res.status());
    let gzipped = res
        .headers()
        .get("content-encoding")
        .is_some_and(|v| v == "gzip");
    let body = res.bytes().await.unwrap();
    let unpacked = if gzipped {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_end(&mut out)
            .unwrap();
        out.len()
    } else {
        body.len()
    };
    (body.len(), unpacked)
}

/// Prints what a first visit downloads, asset by asset; returns the WASM bundle's bytes on
/// the wire.
async fn first_visit(
    client: &reqwest::Client,
    title: &str,
    assets: &[(&str, String)],
    cookie: &str,
) -> usize {
    println!("First visit to {title}:\n");
    println!("| what | on the wire | unpacked |");
    println!("|---|---:|---:|");
    let (mut total, mut wasm) = (0, 0);
    for (name, url) in assets {
        let (wire, unpacked) = fetch(client, url, cookie).await;
        total += wire;
        if *name == "WASM bundle" {
            wasm = wire;
        }
        println!("| {name} | {} | {} |", kb(wire), kb(unpacked));
    }
    println!("| **first load** | **{}** | |\n", kb(total));
    wasm
}

fn kb(n: usize) -> String {
    format!("{:.1} KB", n as f64 / 1024.0)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let pages = if quick() { 200 } else { 4_000 };
    rt.block_on(async {
        let common::BenchServer {
            server,
            svc,
            addr,
            token,
            admin,
        } = common::start(dir.path()).await;
        let mut last = None;
        for i in 0..60 {
            last = Some(svc.create_request(&admin, new_request(i)).unwrap());
        }
        let last = last.unwrap();
        let end_user_link = svc.link(last.id, last.link_generation);
        let cookie = format!("beckon_session={token}");
        let base = format!("http://{addr}");
        let page = format!("{base}/?view=upcoming");
        let client = reqwest::Client::new();

        let wasm_wire = first_visit(
            &client,
            "the Session Requests page (signed in, 50 rows)",
            &[
                ("page HTML (SSR)", page.clone()),
                ("styles", format!("{base}/assets/beckon.css")),
                ("icon", format!("{base}/assets/icon.svg")),
                ("JS glue", format!("{base}/pkg/beckon.js")),
                ("WASM bundle", format!("{base}/pkg/beckon_bg.wasm")),
            ],
            &cookie,
        )
        .await;
        let link_wasm_wire = first_visit(
            &client,
            "the end user's page (`/s/TOKEN`, its own bundle)",
            &[
                ("page HTML (SSR)", end_user_link.clone()),
                ("styles", format!("{base}/assets/beckon.css")),
                ("JS glue", format!("{base}/pkg/link.js")),
                ("WASM bundle", format!("{base}/pkg/link_bg.wasm")),
            ],
            "",
        )
        .await;
        println!();
        for (which, wire) in [("portal", wasm_wire), ("end user's page", link_wasm_wire)] {
            println!(
                "WASM gzip, {which}: {} against a budget of {}: {:.2}× the budget.",
                kb(wire),
                kb(WASM_BUDGET_GZIP),
                wire as f64 / WASM_BUDGET_GZIP as f64
            );
        }
        println!();

        let (bare_url, bare_task) = common::bare_handler().await;
        let (mut ssr, mut bare_rate) = (0.0, 0.0);
        let browser = [
            ("cookie", cookie.as_str()),
            ("accept", "text/html,*/*"),
            ("accept-encoding", "gzip, deflate, br"),
        ];
        for _ in 0..2 {
            bare_rate += common::load(&bare_url, &browser, 8, pages / 2).await;
            ssr += common::load(&page, &browser, 8, pages / 2).await;
        }
        println!("| figure | value | baseline (same run) | baseline | ratio |");
        println!("|---|---:|---|---:|---:|");
        println!(
            "| SSR Session Requests page (50 rows), 8 connections | {:.0} pages/s | bare axum handler | {:.0} req/s | {:.2}× |",
            ssr / 2.0,
            bare_rate / 2.0,
            ssr / bare_rate
        );
        bare_task.abort();
        server.stop().await.unwrap();
    });
}
