//! Webhook endpoints, managed by administrators. Each gets a secret to verify signatures
//! with; the calls themselves ride the outbox (`outbox::queue_webhooks`).

use app::domain::{Agent, WebhookId};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::{Result, ServiceError};
use super::{Service, new_id, require_admin};
use crate::store::records::{AuditEvent, AuditKind};
use crate::store::records::{DeliveryState, WebhookEndpoint};

const MAX_ENDPOINTS: usize = 20;

/// Whether an address is on the public internet. Webhooks go only there unless the operator
/// allows internal receivers (`allow_internal_webhooks`): a signed POST from the server must
/// not become a way to reach its own network (cloud metadata at 169.254.169.254, an admin
/// port on localhost, a neighbour's service).
pub fn public_address(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || a == 0
                // Shared address space (carrier-grade NAT), 100.64.0.0/10.
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => public_address(IpAddr::V4(v4)),
            None => {
                let first = v6.segments()[0];
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    // Unique local fc00::/7 and link-local fe80::/10.
                    || (first & 0xfe00) == 0xfc00
                    || (first & 0xffc0) == 0xfe80)
            }
        },
    }
}

/// HTTPS, or plain HTTP to this machine only (a receiver on the same host, when internal
/// receivers are allowed); no credentials in the URL; no internal address unless allowed.
fn check_url(value: &str, allow_internal: bool) -> Result<String> {
    let bad = |m: &str| ServiceError::invalid("url", m);
    let url = url::Url::parse(value.trim()).map_err(|_| bad("is not a URL"))?;
    let (loopback, public) = match url.host() {
        Some(url::Host::Domain(d)) => {
            let local = d.eq_ignore_ascii_case("localhost")
                || d.to_ascii_lowercase().ends_with(".localhost");
            // A name's addresses are checked when it is called (they may change).
            (local, !local)
        }
        Some(url::Host::Ipv4(ip)) => (ip.is_loopback(), public_address(ip.into())),
        Some(url::Host::Ipv6(ip)) => (ip.is_loopback(), public_address(ip.into())),
        None => return Err(bad("must have a host")),
    };
    if !public && !allow_internal {
        return Err(bad(
            "must be on the public internet (the operator's setting allow_internal_webhooks allows addresses inside the network)",
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(bad("must be an https:// URL (http:// only to localhost)")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry credentials"));
    }
    Ok(url.to_string())
}

impl Service {
    pub fn list_webhooks(&self, caller: &Agent) -> Result<Vec<WebhookEndpoint>> {
        require_admin(caller)?;
        Ok(self.store.read()?.webhook_endpoints()?)
    }

    /// Adds an endpoint with a fresh secret; every status change from now on is sent to it.
    pub fn add_webhook(&self, caller: &Agent, url: &str) -> Result<WebhookEndpoint> {
        require_admin(caller)?;
        let url = check_url(url, self.allow_internal_webhooks)?;
        let now = Self::now();
        let (endpoint, _) = self.store.transact(|tx| {
            let existing = tx.webhook_endpoints()?;
            if existing.iter().any(|ep| ep.url == url) {
                return Err(ServiceError::invalid(
                    "url",
                    "is already a webhook endpoint",
                ));
            }
            if existing.len() >= MAX_ENDPOINTS {
                return Err(ServiceError::invalid(
                    "url",
                    format!("at most {MAX_ENDPOINTS} endpoints"),
                ));
            }
            let endpoint = WebhookEndpoint {
                id: new_id(now),
                url,
                secret: format!(
                    "whsec_{}",
                    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
                ),
                created_by: caller.id,
                created_at: now,
            };
            tx.put_webhook_endpoint(&endpoint)?;
            let event = AuditEvent::by(
                caller,
                AuditKind::WebhookAdded,
                Some(endpoint.id.to_string()),
                endpoint.url.clone(),
            );
            tx.append_audit(&event)?;
            Ok(endpoint)
        })?;
        Ok(endpoint)
    }

    /// Removes an endpoint; its calls still waiting are superseded.
    pub fn remove_webhook(&self, caller: &Agent, id: WebhookId) -> Result<()> {
        require_admin(caller)?;
        let now = Self::now();
        self.store.transact(|tx| {
            let Some((removed, waiting)) = tx.remove_webhook_endpoint(id)? else {
                return Err(ServiceError::NotFound("webhook endpoint"));
            };
            let event = AuditEvent::by(
                caller,
                AuditKind::WebhookRemoved,
                Some(id.to_string()),
                removed.url,
            );
            tx.append_audit(&event)?;
            for mut item in waiting {
                item.state = DeliveryState::Superseded;
                item.finished_at = Some(now);
                item.last_error = Some("the webhook endpoint was removed".into());
                tx.put_outbox_item(&item)?;
            }
            Ok(())
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{check_url, public_address};

    #[test]
    fn endpoints_are_https_or_local_http() {
        let check = |u| check_url(u, true);
        assert!(check("https://hooks.example.com/beckon").is_ok());
        assert!(check("http://127.0.0.1:9000/in").is_ok());
        assert!(check("http://localhost/in").is_ok());
        assert!(check("http://hooks.example.com/in").is_err());
        assert!(check("https://user:pw@hooks.example.com/").is_err());
        assert!(check("ftp://hooks.example.com/").is_err());
        assert!(check("not a url").is_err());
    }

    #[test]
    fn internal_receivers_need_the_operators_permission() {
        for url in [
            "http://127.0.0.1:9000/in",
            "http://localhost/in",
            "https://10.0.0.5/in",
            "https://169.254.169.254/latest/meta-data",
            "https://[fd00::1]/in",
            "https://[fe80::1]/in",
            "https://[::ffff:192.168.1.1]/in",
            "https://100.64.0.1/in",
            "https://api.localhost/in",
        ] {
            assert!(check_url(url, false).is_err(), "{url}");
            assert!(check_url(url, true).is_ok(), "{url}");
        }
        assert!(check_url("https://93.184.215.14/in", false).is_ok());
        assert!(check_url("https://hooks.example.com/in", false).is_ok());
        assert!(public_address("2606:4700::1111".parse().unwrap()));
        assert!(!public_address("::1".parse().unwrap()));
    }
}
