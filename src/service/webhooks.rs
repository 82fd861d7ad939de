//! Webhook endpoints, managed by administrators. Each gets a secret to verify signatures
//! with; the calls themselves ride the outbox (`outbox::queue_webhooks`).

use app::domain::{Agent, WebhookId};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use redb::ReadableTable;

use super::error::{Result, ServiceError};
use super::txn::{self, Tx};
use super::{Service, new_id, require_admin};
use crate::store::keys;
use crate::store::records::{AuditEvent, AuditKind};
use crate::store::records::{DeliveryState, OutboxItem, WebhookEndpoint};
use crate::store::{decode, encode, tables};

const MAX_ENDPOINTS: usize = 20;

/// HTTPS, or plain HTTP to this machine only (a receiver on the same host); no credentials
/// in the URL.
fn check_url(value: &str) -> Result<String> {
    let bad = |m: &str| ServiceError::invalid("url", m);
    let url = url::Url::parse(value.trim()).map_err(|_| bad("is not a URL"))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err(bad("must have a host")),
    };
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
        let txn = self.store.begin_read()?;
        let mut out = Vec::new();
        for e in txn.open_table(tables::WEBHOOKS)?.iter()? {
            out.push(decode(e?.1.value())?);
        }
        Ok(out)
    }

    /// Adds an endpoint with a fresh secret; every status change from now on is sent to it.
    pub fn add_webhook(&self, caller: &Agent, url: &str) -> Result<WebhookEndpoint> {
        require_admin(caller)?;
        let url = check_url(url)?;
        let now = Self::now();
        let txn = self.store.begin_write()?;
        {
            let table = txn.open_table(tables::WEBHOOKS)?;
            let mut count = 0;
            for e in table.iter()? {
                let ep: WebhookEndpoint = decode(e?.1.value())?;
                if ep.url == url {
                    return Err(ServiceError::invalid(
                        "url",
                        "is already a webhook endpoint",
                    ));
                }
                count += 1;
            }
            if count >= MAX_ENDPOINTS {
                return Err(ServiceError::invalid(
                    "url",
                    format!("at most {MAX_ENDPOINTS} endpoints"),
                ));
            }
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
        txn.open_table(tables::WEBHOOKS)?
            .insert(endpoint.id.to_be_bytes(), encode(&endpoint).as_slice())?;
        let event = AuditEvent::by(
            caller,
            AuditKind::WebhookAdded,
            Some(endpoint.id.to_string()),
            endpoint.url.clone(),
        );
        super::audit::append_in(&txn, &event)?;
        txn.commit()?;
        Ok(endpoint)
    }

    /// Removes an endpoint; its calls still waiting are superseded.
    pub fn remove_webhook(&self, caller: &Agent, id: WebhookId) -> Result<()> {
        require_admin(caller)?;
        let now = Self::now();
        let txn = self.store.begin_write()?;
        let mut tx = Tx::open(&txn)?;
        let removed: WebhookEndpoint = match tx.webhooks.remove(id.to_be_bytes())? {
            Some(v) => decode(v.value())?,
            None => return Err(ServiceError::NotFound("webhook endpoint")),
        };
        let event = AuditEvent::by(
            caller,
            AuditKind::WebhookRemoved,
            Some(id.to_string()),
            removed.url,
        );
        super::audit::append(&mut tx.audit, &event)?;
        let mut lo = [0u8; 48];
        lo[..16].copy_from_slice(&id.to_be_bytes());
        let mut hi = [0xffu8; 48];
        hi[..16].copy_from_slice(&id.to_be_bytes());
        let mut waiting = Vec::new();
        tx.webhook_queue.retain_in(lo..=hi, |k, _| {
            waiting.push(keys::trailing(&k));
            false
        })?;
        for item_id in waiting {
            let Some(mut item) = txn::get::<OutboxItem>(&tx.outbox, item_id)? else {
                continue;
            };
            tx.outbox_due
                .remove(keys::timed(item.next_attempt_at, item_id))?;
            item.state = DeliveryState::Superseded;
            item.finished_at = Some(now);
            item.last_error = Some("the webhook endpoint was removed".into());
            tx.outbox.insert(item_id, encode(&item).as_slice())?;
        }
        tx.close();
        txn.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn endpoints_are_https_or_local_http() {
        assert!(check_url("https://hooks.example.com/beckon").is_ok());
        assert!(check_url("http://127.0.0.1:9000/in").is_ok());
        assert!(check_url("http://localhost/in").is_ok());
        assert!(check_url("http://hooks.example.com/in").is_err());
        assert!(check_url("https://user:pw@hooks.example.com/").is_err());
        assert!(check_url("ftp://hooks.example.com/").is_err());
        assert!(check_url("not a url").is_err());
    }
}
