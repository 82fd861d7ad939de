//! Talking to the server: TLS (public roots plus an optional CA file), the HTTP client with
//! the device header, the API's error messages, and this computer's device ID.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// One TLS setup for both the API calls and the socket.
pub fn tls_config(ca: Option<&Path>) -> anyhow::Result<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca {
        use rustls::pki_types::pem::PemObject;
        let pem = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let certs = rustls::pki_types::CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .context("the CA file holds no PEM certificate")?;
        for cert in certs {
            roots.add(cert)?;
        }
    }
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("ring supports the default protocol versions")
    .with_root_certificates(roots)
    .with_no_client_auth())
}

/// The API client; `device` (when known) goes with every call.
pub fn http_client(
    device: Option<&str>,
    tls: rustls::ClientConfig,
) -> anyhow::Result<reqwest::Client> {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(device) = device {
        headers.insert(wire::DEVICE_HEADER, device.parse()?);
    }
    Ok(reqwest::Client::builder()
        .default_headers(headers)
        .user_agent(concat!("beckon-assist/", env!("CARGO_PKG_VERSION")))
        .timeout(Duration::from_secs(30))
        .use_preconfigured_tls(tls)
        .build()?)
}

/// The JSON of a 2xx reply, or the API's error message.
pub async fn answer(r: reqwest::Response) -> anyhow::Result<Value> {
    let ok = r.status().is_success();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    if ok {
        return Ok(body);
    }
    match body["error"]["message"]
        .as_str()
        .or(body["message"].as_str())
    {
        Some(m) => bail!("{m}"),
        None => bail!("the server refused the request"),
    }
}

/// This computer's ID for a link: stable across restarts (so the app may reconnect to a link
/// bound to it), different per link (so links cannot be tied together). The app is the
/// device: the browser on the same computer is another one.
pub fn device_id(token: &str) -> String {
    let machine = std::fs::read_to_string("/etc/machine-id")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default();
    let digest = Sha256::new()
        .chain_update(b"beckon-assist\0")
        .chain_update(machine.trim())
        .chain_update(b"\0")
        .chain_update(user)
        .chain_update(b"\0")
        .chain_update(token)
        .finalize();
    format!("native-{:x}", digest)[..39].to_owned()
}

/// The relay's UDP address from the check-in's `ice_servers` (`turn:HOST:PORT?transport=udp`
/// or `stun:HOST:PORT`), resolved: the share asks it for this computer's public address.
pub async fn stun_server(checkin: &Value) -> Option<std::net::SocketAddr> {
    let url = checkin["ice_servers"]
        .as_array()?
        .iter()
        .filter_map(|s| s["urls"].as_str())
        .find(|u| u.starts_with("stun:") || u.ends_with("?transport=udp"))?;
    let host_port = url.split_once(':')?.1.split('?').next()?;
    tokio::net::lookup_host(host_port).await.ok()?.next()
}

/// This computer's platform, as the check-in reports it.
pub fn platform() -> String {
    format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_device_id_is_stable_per_link_and_well_formed() {
        let a = device_id(&"A".repeat(32));
        assert_eq!(a, device_id(&"A".repeat(32)));
        assert_ne!(a, device_id(&"B".repeat(32)));
        assert_eq!(a.len(), 39);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    }
}
