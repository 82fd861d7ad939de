//! HTTPS with rustls from PEM files: the API answers over TLS and cookies become Secure.

use beckon::config::{Config, TlsFiles};
use beckon::server::Server;
use serde_json::{Value, json};

#[tokio::test]
async fn serves_https_from_pem_files_with_secure_cookies() {
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut config = Config::with_data_dir(dir.path().join("data"));
    config.tls = Some(TlsFiles {
        cert: cert_path,
        key: key_path,
    });
    config.public_url = format!("https://localhost:{port}").parse().unwrap();
    let server = Server::start(config, listener).await.unwrap();
    server
        .service()
        .create_admin_unchecked("tls@example.com", "T", "password123")
        .unwrap();

    let http = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap())
        .resolve("localhost", ([127, 0, 0, 1], port).into())
        .build()
        .unwrap();
    let base = format!("https://localhost:{port}");
    assert_eq!(
        http.get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let res = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "tls@example.com", "password": "password123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("Secure"), "{cookie}");
    let body: Value = res.json().await.unwrap();
    let token = body["token"].as_str().unwrap();
    let req: Value = http
        .post(format!("{base}/api/v1/session-requests"))
        .bearer_auth(token)
        .json(&json!({"recipient_name": "Ada"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        req["link"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{base}/s/"))
    );
    // Plain HTTP to the TLS port is not served.
    assert!(
        reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
            .await
            .is_err()
    );
    server.stop().await.unwrap();
}
