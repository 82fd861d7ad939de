//! Test helpers: start the server in-process on port 0, sign people in, make requests.

use std::path::{Path, PathBuf};
use std::time::Duration;

use app::domain::Status;
use beckon::config::Config;
use beckon::server::Server;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The end user's device in these tests (the native client's header; a browser's cookie).
pub const DEVICE: &str = "harness-device-0001";

/// The bearer token the test servers' `/metrics` wants.
pub const METRICS_TOKEN: &str = "harness-metrics-token-0001";

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next JSON text message on a socket (pings skipped), within five seconds.
pub async fn next_json(ws: &mut Socket) -> Value {
    use futures_util::StreamExt;
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a message in time")
            .expect("the socket is open")
            .expect("a good frame");
        if let tokio_tungstenite::tungstenite::Message::Text(text) = msg {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

/// Sends one JSON message on a socket.
pub async fn send_json(ws: &mut Socket, v: Value) {
    use futures_util::SinkExt;
    ws.send(tokio_tungstenite::tungstenite::Message::Text(
        v.to_string().into(),
    ))
    .await
    .unwrap();
}

pub struct TestServer {
    server: Option<Server>,
    pub base: String,
    pub http: reqwest::Client,
    dir: PathBuf,
    _tmp: Option<tempfile::TempDir>,
}

/// A response's status and JSON body (Null when there is none).
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> TestServer {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let mut s = Self::start_in(&dir, tweak).await;
        s._tmp = Some(tmp);
        s
    }

    pub async fn start_in(dir: &Path, tweak: impl FnOnce(&mut Config)) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = Config::with_data_dir(dir);
        config.public_url = format!("http://{addr}").parse().unwrap();
        // Tests sign in often from one address; the rate-limit tests lower these again.
        config.login_attempts_per_minute = 1000;
        config.link_lookups_per_minute = 10_000;
        // The tests' webhook receivers listen on loopback; one test turns this off again.
        config.allow_internal_webhooks = true;
        config.metrics_token = Some(METRICS_TOKEN.to_owned());
        // Each test server's relay on its own ports.
        config.relay = Some(beckon::config::RelayConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            ..Default::default()
        });
        config.database_url = crate::backend::database_for(dir)
            .await
            .map(beckon::config::Secret);
        tweak(&mut config);
        let server = Server::start(config, listener).await.unwrap();
        TestServer {
            server: Some(server),
            base: format!("http://{addr}"),
            http: reqwest::Client::new(),
            dir: dir.to_path_buf(),
            _tmp: None,
        }
    }

    /// Every record's index entries exist and no index entry is stray.
    pub fn assert_consistent(&self) {
        let problems = self.server().service().store().verify_indexes().unwrap();
        assert!(problems.is_empty(), "store inconsistent: {problems:?}");
    }

    /// How many links are filed by hash (the v1 format's look-up entries).
    pub async fn filed_links(&self) -> u64 {
        if let Some(url) = crate::backend::database_for(&self.dir).await {
            return crate::backend::count(&url, "SELECT count(*) FROM link_tokens").await as u64;
        }
        use redb::ReadableTableMetadata;
        let txn = self.server().service().store().redb().begin_read().unwrap();
        let links = txn
            .open_table(beckon::store::redb::tables::LINK_TOKENS)
            .unwrap();
        links.len().unwrap()
    }

    pub fn server(&self) -> &Server {
        self.server.as_ref().unwrap()
    }

    /// Stops, and gives every byte the store kept (the redb file, or every value of every
    /// PostgreSQL table) with the data directory and its guard.
    pub async fn stop_and_read_store(self) -> (Vec<u8>, PathBuf, Option<tempfile::TempDir>) {
        let database = crate::backend::database_for(&self.dir).await;
        let (dir, keep) = self.stop().await;
        let raw = match database {
            Some(url) => crate::backend::every_value(&url).await,
            None => std::fs::read(dir.join("beckon.redb")).unwrap(),
        };
        (raw, dir, keep)
    }

    /// Stops gracefully and hands back the data directory (kept alive by the returned guard).
    pub async fn stop(mut self) -> (PathBuf, Option<tempfile::TempDir>) {
        self.server.take().unwrap().stop().await.unwrap();
        (self.dir.clone(), self._tmp.take())
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if path.starts_with("/api/v1/assist/") {
            req = req.header("beckon-device", DEVICE);
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert!(status.as_u16() < 500, "{path} answered {status}: {text}");
        Reply { status, body }
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    /// A portal page as the browser of the agent signed in with `token` asks for it (with
    /// the session cookie).
    pub fn portal_get(&self, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.http
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("beckon_session={token}"))
    }

    /// A portal page's HTML as the agent signed in with `token` gets it.
    pub async fn portal_page(&self, path: &str, token: &str) -> String {
        let res = self.portal_get(path, token).send().await.unwrap();
        res.text().await.unwrap()
    }

    /// The served OpenAPI document.
    pub async fn openapi(&self) -> Value {
        let url = format!("{}/api/v1/openapi.json", self.base);
        self.http
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Opens the agents' event stream (`/api/v1/events`) as `token`.
    pub async fn events(&self, token: &str) -> reqwest::Response {
        self.http
            .get(format!("{}/api/v1/events", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// Creates the first admin through the one-time setup link and signs in.
    pub async fn admin(&self) -> String {
        let setup = self
            .server()
            .setup_token()
            .expect("a fresh server offers a setup link");
        let res = self
            .http
            .post(format!("{}/setup/{setup}", self.base))
            .form(&[
                ("email", "admin@example.com"),
                ("name", "Ada Admin"),
                ("password", "correct horse"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        self.login("admin@example.com", "correct horse").await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let r = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": email, "password": password})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body["token"].as_str().unwrap().to_owned()
    }

    /// Creates an agent with the given rights and returns (id, token).
    pub async fn agent(
        &self,
        admin: &str,
        email: &str,
        view: bool,
        edit: bool,
    ) -> (String, String) {
        let r = self
            .post(
                "/api/v1/agents",
                admin,
                json!({"email": email, "name": email, "password": "password123", "role": "agent",
                       "permissions": {"view_session_requests": view, "edit_session_requests": edit}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        (
            r.body["id"].as_str().unwrap().to_owned(),
            self.login(email, "password123").await,
        )
    }

    /// Creates a request; returns its JSON.
    pub async fn create(&self, token: &str, extra: Value) -> Value {
        let mut body = json!({"recipient_name": "Ada Lovelace", "recipient_email": "ada@example.com", "send_email": true});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        let r = self.post("/api/v1/session-requests", token, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body
    }

    /// The end user's call on a link token.
    pub async fn assist(
        &self,
        method: Method,
        link: &str,
        what: &str,
        body: Option<Value>,
    ) -> Reply {
        self.call(
            method,
            &format!("/api/v1/assist/{}/{what}", token_of(link)),
            None,
            body,
        )
        .await
    }

    pub async fn checkin(&self, link: &str) -> Reply {
        self.assist(
            Method::POST,
            link,
            "checkin",
            Some(json!({"client": "web", "platform": "Linux"})),
        )
        .await
    }

    /// The end user's session socket on `link`, from `device`.
    pub async fn end_user_socket(&self, link: &str, device: &str) -> Socket {
        let url = format!(
            "{}/api/v1/assist/{}/ws",
            self.base.replace("http://", "ws://"),
            token_of(link)
        );
        let mut req =
            tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url)
                .unwrap();
        req.headers_mut()
            .insert("beckon-device", device.parse().unwrap());
        tokio_tungstenite::connect_async(req).await.unwrap().0
    }

    /// An agent's session socket on a request (bearer token).
    pub async fn agent_socket(
        &self,
        id: &str,
        token: &str,
    ) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
        let url = format!(
            "{}/api/v1/session-requests/{id}/ws",
            self.base.replace("http://", "ws://")
        );
        let mut req =
            tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url)
                .unwrap();
        req.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        tokio_tungstenite::connect_async(req).await.map(|s| s.0)
    }

    /// Agent connects, end user answers; returns the consent reply.
    pub async fn connect_and_answer(&self, token: &str, req: &Value, decision: &str) -> Reply {
        let id = req["id"].as_str().unwrap();
        let link = req["link"].as_str().unwrap();
        let r = self
            .post(
                &format!("/api/v1/session-requests/{id}/connect"),
                token,
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
        let p = self.assist(Method::GET, link, "prompt", None).await;
        let prompt_id = p.body["prompt"]["id"]
            .as_str()
            .expect("a pending prompt")
            .to_owned();
        self.assist(
            Method::POST,
            link,
            "consent",
            Some(json!({"prompt_id": prompt_id, "decision": decision})),
        )
        .await
    }

    /// Puts a fresh request into `status` through the real API.
    pub async fn request_in(&self, admin: &str, status: Status) -> Value {
        let expires = if status == Status::Expired {
            json!((jiff::Timestamp::now() + jiff::SignedDuration::from_secs(1)).to_string())
        } else {
            Value::Null
        };
        let mut req = self.create(admin, json!({"expires_at": expires})).await;
        let id = req["id"].as_str().unwrap().to_owned();
        let link = req["link"].as_str().unwrap().to_owned();
        let post = |what: &'static str| {
            let path = format!("/api/v1/session-requests/{id}/{what}");
            async move { self.post(&path, admin, json!({})).await }
        };
        match status {
            Status::Open => {}
            Status::Waiting => {
                self.checkin(&link).await;
            }
            Status::Ready | Status::InSession => {
                self.checkin(&link).await;
                self.connect_and_answer(admin, &req, "allow").await;
                if status == Status::InSession {
                    post("start").await;
                }
            }
            Status::Closed => {
                post("close").await;
            }
            Status::Expired => tokio::time::sleep(Duration::from_millis(1100)).await,
        }
        assert_eq!(self.status_of(admin, &id).await, status.as_str());
        req["status"] = json!(status.as_str());
        req
    }

    pub async fn status_of(&self, token: &str, id: &str) -> String {
        let r = self
            .get(&format!("/api/v1/session-requests/{id}"), token)
            .await;
        r.body["status"].as_str().unwrap().to_owned()
    }

    /// The link page's status code, seen from the end user's device.
    pub async fn page_status(&self, link: &str) -> u16 {
        self.http
            .get(link)
            .header("beckon-device", DEVICE)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

/// The kinds of a request's timeline events, oldest first.
pub fn kinds(detail: &Value) -> Vec<String> {
    detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

pub fn token_of(link: &str) -> &str {
    link.rsplit('/').next().unwrap()
}

/// The table row (`<tr …`) of a rendered page that mentions `text`.
pub fn row_of(page: &str, text: &str) -> Option<String> {
    page.split("<tr")
        .find(|r| r.contains(text))
        .map(str::to_owned)
}
