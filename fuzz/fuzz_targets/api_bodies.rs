//! JSON bodies (and link tokens in paths) sent to the real server over loopback, signed in as
//! an administrator: whatever the bytes, the answer is never a 5xx and the server never
//! panics. The first byte picks the route; the rest is the body.
#![no_main]

use std::sync::OnceLock;

use beckon::config::Config;
use beckon::server::Server;
use libfuzzer_sys::fuzz_target;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

struct Target {
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
    base: String,
    token: String,
    request: String,
    link: String,
    agent: String,
    client: String,
    _server: Server,
    _dir: tempfile::TempDir,
}

fn target() -> &'static Target {
    static T: OnceLock<Target> = OnceLock::new();
    T.get_or_init(|| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (server, base) = rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let mut config = Config::with_data_dir(dir.path());
            config.public_url = format!("http://{addr}").parse().unwrap();
            config.login_attempts_per_minute = 1_000_000;
            config.link_lookups_per_minute = 1_000_000;
            (Server::start(config, listener).await.unwrap(), format!("http://{addr}"))
        });
        server
            .service()
            .create_admin_unchecked("fuzz@example.com", "Fuzz", "fuzz password")
            .unwrap();
        let http = reqwest::Client::new();
        let post = |path: &str, token: Option<&str>, body: Value| {
            let mut req = http.post(format!("{base}{path}")).json(&body);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            rt.block_on(async { req.send().await.unwrap().json::<Value>().await.unwrap() })
        };
        let login = json!({"email": "fuzz@example.com", "password": "fuzz password"});
        let token = post("/api/v1/auth/login", None, login)["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let created = post("/api/v1/session-requests", Some(&token), json!({"recipient_name": "F"}));
        let link = created["link"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
        let agent = post(
            "/api/v1/agents",
            Some(&token),
            json!({"email": "a@example.com", "name": "A", "password": "password123", "role": "agent"}),
        )["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let client = post("/api/v1/clients", Some(&token), json!({"name": "C"}))["id"]
            .as_str()
            .unwrap()
            .to_owned();
        Target {
            rt,
            http,
            base,
            token,
            request: created["id"].as_str().unwrap().to_owned(),
            link,
            agent,
            client,
            _server: server,
            _dir: dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let t = target();
    let (method, path) = match which % 14 {
        0 => ("POST", "/api/v1/session-requests".to_owned()),
        1 => ("PATCH", format!("/api/v1/session-requests/{}", t.request)),
        2 => (
            "POST",
            format!("/api/v1/session-requests/{}/reopen", t.request),
        ),
        3 => ("POST", "/api/v1/agents".to_owned()),
        4 => ("PATCH", format!("/api/v1/agents/{}", t.agent)),
        5 => ("POST", "/api/v1/clients".to_owned()),
        6 => ("PATCH", format!("/api/v1/clients/{}", t.client)),
        7 => ("PATCH", "/api/v1/settings".to_owned()),
        8 => ("POST", "/api/v1/auth/login".to_owned()),
        9 => ("POST", format!("/api/v1/assist/{}/checkin", t.link)),
        10 => ("POST", format!("/api/v1/assist/{}/consent", t.link)),
        11 => ("POST", "/api/v1/webhooks".to_owned()),
        // The body as a link token, in the page's path and the API's.
        12 => {
            let token =
                utf8_percent_encode(&String::from_utf8_lossy(body), NON_ALPHANUMERIC).to_string();
            ("GET", format!("/s/{token}"))
        }
        _ => {
            let token =
                utf8_percent_encode(&String::from_utf8_lossy(body), NON_ALPHANUMERIC).to_string();
            ("POST", format!("/api/v1/assist/{token}/checkin"))
        }
    };
    let status = t.rt.block_on(async {
        let req = t
            .http
            .request(method.parse().unwrap(), format!("{}{path}", t.base))
            .bearer_auth(&t.token)
            .header("beckon-device", "fuzz-device-0123456789")
            .header("content-type", "application/json")
            .body(body.to_vec());
        req.send().await.unwrap().status()
    });
    assert!(status.as_u16() < 500, "{method} {path} answered {status}");
});
