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
    // Under TLS the cookie is a `__Host-` one, and lasts no longer than the sign-in (7 days).
    assert!(cookie.starts_with("__Host-beckon_session="), "{cookie}");
    assert!(
        cookie.contains("Max-Age=604800")
            && cookie.contains("Path=/")
            && !cookie.contains("Domain"),
        "{cookie}"
    );
    let me = http
        .get(format!("{base}/api/v1/me"))
        .header("cookie", cookie.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200, "the __Host- cookie signs in");
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

/// A client that trusts exactly one certificate (PEM) and sends `localhost` to `port`.
fn trusting(pem: &[u8], port: u16) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(pem).unwrap())
        .resolve("localhost", ([127, 0, 0, 1], port).into())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The real binary: `serve --self-signed` makes a certificate, prints its fingerprint and
/// serves HTTPS with HSTS; the redirect listener sends plain HTTP there; SIGHUP swaps the
/// certificate for new connections without dropping open ones, and a broken file on SIGHUP
/// leaves the working certificate in place.
#[tokio::test]
async fn self_signed_quick_start_redirects_and_reloads_its_certificate_on_sighup() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    let (port, plain) = (crate::binary::free_port(), crate::binary::free_port());
    let mut child = crate::binary::beckon(dir.path())
        .args(["serve", "--self-signed"])
        .env("BECKON_LISTEN", format!("127.0.0.1:{port}"))
        // Its relay on a port of its own (tests run side by side).
        .env("BECKON_RELAY_LISTEN", "127.0.0.1:0")
        .env("BECKON_REDIRECT_LISTEN", format!("127.0.0.1:{plain}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _guard = KillOnDrop(child.id());
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let printed = loop {
        let line = lines.next().expect("the fingerprint line").unwrap();
        if let Some((_, fp)) = line.split_once("SHA-256 fingerprint ") {
            break fp.trim().to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});

    let tls_dir = dir.path().join("beckon-data/tls");
    let cert_a = std::fs::read(tls_dir.join("cert.pem")).unwrap();
    {
        use rustls::pki_types::{CertificateDer, pem::PemObject};
        use sha2::Digest;
        let der = CertificateDer::from_pem_slice(&cert_a).unwrap();
        let hex: Vec<String> = sha2::Sha256::digest(der.as_ref())
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert_eq!(printed, hex.join(":"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(tls_dir.join("key.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the key is private: {mode:o}");
    }

    let base = format!("https://localhost:{port}");
    let old = trusting(&cert_a, port);
    let mut up = None;
    for _ in 0..200 {
        if let Ok(res) = old.get(format!("{base}/healthz")).send().await {
            up = Some(res);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let res = up.expect("HTTPS came up");
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );

    // Plain HTTP answers with the same path on HTTPS, whatever Host it was sent.
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("http://127.0.0.1:{plain}/s/abc?x=1"))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 308);
    assert_eq!(
        res.headers()["location"],
        format!("https://127.0.0.1:{port}/s/abc?x=1").as_str()
    );

    // A renewed certificate, then SIGHUP.
    let renewed = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    std::fs::write(tls_dir.join("key.pem"), renewed.key_pair.serialize_pem()).unwrap();
    std::fs::write(tls_dir.join("cert.pem"), renewed.cert.pem()).unwrap();
    hangup(child.id());
    let new = trusting(renewed.cert.pem().as_bytes(), port);
    let mut reloaded = false;
    for _ in 0..100 {
        if new.get(format!("{base}/healthz")).send().await.is_ok() {
            reloaded = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(reloaded, "new connections get the renewed certificate");
    // The connection opened before the reload is still served: the old client trusts only
    // the old certificate, so this can only succeed on that connection.
    let res = old.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        trusting(&cert_a, port)
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_err(),
        "a new connection no longer gets the old certificate"
    );

    // A broken file on SIGHUP: the renewed certificate stays in use.
    std::fs::write(
        tls_dir.join("cert.pem"),
        "-----BEGIN CERTIFICATE-----\nnope\n",
    )
    .unwrap();
    hangup(child.id());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let fresh = trusting(renewed.cert.pem().as_bytes(), port);
    assert_eq!(
        fresh
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    crate::binary::sigterm(&child);
    assert!(child.wait().unwrap().success());
}

fn hangup(pid: u32) {
    std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .unwrap();
}

struct KillOnDrop(u32);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &self.0.to_string()])
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// An RSA key with a full chain (leaf + intermediate, from `tests/fixtures/tls`, made once
/// with openssl): a client that trusts only the root gets the whole chain, over TLS 1.2 and
/// over TLS 1.3.
#[tokio::test]
async fn an_rsa_key_with_its_full_chain_over_tls_1_2_and_1_3() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut config = Config::with_data_dir(dir.path().join("data"));
    config.tls = Some(TlsFiles {
        cert: fixtures.join("rsa-chain.pem"),
        key: fixtures.join("rsa-key.pem"),
    });
    config.public_url = format!("https://localhost:{port}").parse().unwrap();
    let server = Server::start(config, listener).await.unwrap();
    let root = std::fs::read(fixtures.join("rsa-root.pem")).unwrap();
    for version in [
        reqwest::tls::Version::TLS_1_2,
        reqwest::tls::Version::TLS_1_3,
    ] {
        let http = reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(reqwest::Certificate::from_pem(&root).unwrap())
            .min_tls_version(version)
            .max_tls_version(version)
            .resolve("localhost", ([127, 0, 0, 1], port).into())
            .build()
            .unwrap();
        let res = http
            .get(format!("https://localhost:{port}/healthz"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{version:?}: {e:?}"));
        assert_eq!(res.status(), 200, "{version:?}");
    }
    server.stop().await.unwrap();
}
