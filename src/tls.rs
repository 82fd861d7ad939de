//! HTTPS: the certificate (from PEM files, or the quick start's self-signed one), reloading it
//! on SIGHUP, and the plain-HTTP listener that only redirects to HTTPS.
//!
//! rustls speaks TLS 1.2 and 1.3 only; RSA, ECDSA and Ed25519 keys and full chains load from
//! PEM (axum-server's `RustlsConfig`).

use std::path::Path;

use anyhow::Context;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_server::tls_rustls::RustlsConfig;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::config::TlsFiles;

/// Loads the certificate chain and key; the error names the settings and the files.
pub async fn load(files: &TlsFiles) -> anyhow::Result<RustlsConfig> {
    RustlsConfig::from_pem_file(&files.cert, &files.key)
        .await
        .with_context(|| {
            format!(
                "invalid setting BECKON_TLS_CERT/BECKON_TLS_KEY: cannot load {} and {}",
                files.cert.display(),
                files.key.display()
            )
        })
}

/// On each SIGHUP, reads the files again and serves the new certificate to new connections;
/// connections already open keep theirs. A file that does not load leaves the old certificate
/// in place (and says why), so a half-copied renewal never takes the server down.
pub fn reload_on_hangup(config: RustlsConfig, files: TlsFiles, stop: CancellationToken) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hangups) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP: certificate reload is off");
            return;
        };
        loop {
            tokio::select! {
                _ = stop.cancelled() => return,
                got = hangups.recv() => if got.is_none() { return },
            }
            match config.reload_from_pem_file(&files.cert, &files.key).await {
                Ok(()) => tracing::info!(
                    cert = %files.cert.display(),
                    fingerprint = fingerprint_file(&files.cert).unwrap_or_default(),
                    "TLS certificate reloaded"
                ),
                Err(e) => tracing::error!(
                    cert = %files.cert.display(),
                    "TLS certificate not reloaded, the previous one stays in use: {e}"
                ),
            }
        }
    });
    #[cfg(not(unix))]
    let _ = (config, files, stop);
}

/// The quick start's certificate in `DATA_DIR/tls/`: made on first use for `names` (host
/// names and addresses), then reused, so its fingerprint stays the same across restarts.
/// Returns the files and whether they were made now.
pub fn self_signed(data_dir: &Path, names: Vec<String>) -> anyhow::Result<(TlsFiles, bool)> {
    let dir = data_dir.join("tls");
    let files = TlsFiles {
        cert: dir.join("cert.pem"),
        key: dir.join("key.pem"),
    };
    if files.cert.is_file() && files.key.is_file() {
        return Ok((files, false));
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let made = rcgen::generate_simple_self_signed(names).context("generating a certificate")?;
    // The key is readable by its owner only.
    crate::links::write_private(&files.key, made.key_pair.serialize_pem().as_bytes())
        .with_context(|| format!("writing {}", files.key.display()))?;
    std::fs::write(&files.cert, made.cert.pem())
        .with_context(|| format!("writing {}", files.cert.display()))?;
    Ok((files, true))
}

/// SHA-256 of the first certificate in a PEM file, as `AB:CD:…` (what browsers show).
pub fn fingerprint_file(cert: &Path) -> anyhow::Result<String> {
    use rustls::pki_types::{CertificateDer, pem::PemObject};
    let der = CertificateDer::from_pem_file(cert)
        .with_context(|| format!("reading a certificate from {}", cert.display()))?;
    Ok(Sha256::digest(der.as_ref())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":"))
}

/// Serves plain HTTP that answers everything with a permanent redirect to the same path under
/// `public_url`. The request's Host is ignored: this listener cannot be made to send anyone
/// elsewhere.
pub fn serve_redirect(
    listener: TcpListener,
    public_url: Url,
    stop: CancellationToken,
) -> tokio::task::JoinHandle<anyhow::Result<()>> {
    let base = public_url.as_str().trim_end_matches('/').to_owned();
    let app = axum::Router::new().fallback(move |req: Request| {
        let base = base.clone();
        async move { redirect(&base, &req) }
    });
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await
            .context("serving the HTTP redirect")
    })
}

fn redirect(base: &str, req: &Request) -> Response {
    let path = req.uri().path_and_query().map_or("/", |p| p.as_str());
    (
        StatusCode::PERMANENT_REDIRECT,
        [(header::LOCATION, format!("{base}{path}"))],
    )
        .into_response()
}
