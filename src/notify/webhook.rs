//! Webhook calls: a POST of the event's JSON to the endpoint, signed so the receiver can tell
//! it came from us and is fresh. `Beckon-Signature: t=<unix seconds>,v1=<hex>` where `v1` is
//! HMAC-SHA256 over `<t>.<body>` with the endpoint's secret (the scheme of Stripe and others,
//! so receivers can reuse their code). Anything but a 2xx answer is a failure to retry.

use std::time::Duration;

use app::domain::MailId;
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use sha2::Sha256;

use crate::store::records::WebhookEndpoint;

const TIMEOUT: Duration = Duration::from_secs(10);

/// `t=…,v1=…` for `body` sent at `at`.
pub fn signature(secret: &str, at: Timestamp, body: &str) -> String {
    let t = at.as_second();
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{t}.").as_bytes());
    mac.update(body.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={t},v1={hex}")
}

#[derive(Debug, Clone)]
pub struct WebhookClient {
    http: reqwest::Client,
    allow_internal: bool,
}

/// Resolves a receiver's name to its public addresses only (unless internal receivers are
/// allowed): a name that points inside the network is refused when it is called, whatever
/// it pointed to when the endpoint was added.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let found: Vec<std::net::SocketAddr> = tokio::net::lookup_host((name.as_str(), 0))
                .await?
                .filter(|a| crate::service::public_address(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!(
                    "{} has no public address (allow_internal_webhooks allows others)",
                    name.as_str()
                )
                .into());
            }
            Ok(Box::new(found.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

impl WebhookClient {
    /// `allow_internal`: the operator lets webhooks reach addresses inside the network.
    pub fn new(allow_internal: bool) -> Result<WebhookClient, String> {
        let mut builder = reqwest::Client::builder();
        if !allow_internal {
            builder = builder.dns_resolver(std::sync::Arc::new(PublicOnly));
        }
        let http = builder
            .timeout(TIMEOUT)
            // A redirect could carry the signed body somewhere the admin did not choose.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Beckon/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the webhook client: {e}"))?;
        Ok(WebhookClient {
            http,
            allow_internal,
        })
    }

    /// Delivers one call; `Err` holds what to show operators.
    pub async fn post(
        &self,
        endpoint: &WebhookEndpoint,
        delivery: MailId,
        body: &str,
        now: Timestamp,
    ) -> Result<(), String> {
        // An address written in the URL is not resolved: check it here (an endpoint added
        // while internal receivers were allowed stays refused after they no longer are).
        let literal = url::Url::parse(&endpoint.url)
            .ok()
            .and_then(|u| match u.host() {
                Some(url::Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
                Some(url::Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
                _ => None,
            });
        if let Some(ip) = literal
            && !self.allow_internal
            && !crate::service::public_address(ip)
        {
            return Err(format!(
                "refused: {ip} is inside the network (allow_internal_webhooks allows it)"
            ));
        }
        let res = self
            .http
            .post(&endpoint.url)
            .header("content-type", "application/json")
            .header("beckon-delivery", delivery.to_string())
            .header("beckon-signature", signature(&endpoint.secret, now, body))
            .body(body.to_owned())
            .send()
            .await
            .map_err(|e| format!("no answer: {}", without_url(&e)))?;
        if res.status().is_success() {
            Ok(())
        } else {
            Err(format!("answered {}", res.status()))
        }
    }
}

/// reqwest errors name the URL, which may carry a token of the receiver's; keep it out.
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_request() {
        "request failed"
    } else {
        "failed"
    };
    match std::error::Error::source(e) {
        Some(src) => format!("{kind}: {src}"),
        None => kind.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_of_time_dot_body() {
        let at = Timestamp::from_second(1_700_000_000).unwrap();
        let sig = signature("whsec_test", at, "{\"a\":1}");
        assert!(sig.starts_with("t=1700000000,v1="), "{sig}");
        assert_eq!(sig.len(), "t=1700000000,v1=".len() + 64);
        assert_ne!(sig, signature("whsec_other", at, "{\"a\":1}"));
        assert_ne!(sig, signature("whsec_test", at, "{\"a\":2}"));
    }
}
