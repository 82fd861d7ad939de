//! Join codes: the short code a link page shows, and its app download carries in its file
//! name, so the assist app finds its request without the end user typing a link.
//!
//! A code is a MAC of the request and its link generation (`LinkKey::join_codes`), filed in
//! `JOIN_CODES` when the link page (or the download) first needs it. Redeeming it gives the
//! link, nothing more: the link's own checks (device binding, expiry) still apply. It dies
//! with the link: a reopen (new generation) or removal forgets it, and a finished request's
//! code redeems to nothing.

use app::domain::SessionRequest;
use wire::JoinCode;

use super::error::{Result, ServiceError};
use super::{Device, Service};
use crate::links::LinkKey;
use crate::store::Tx;

/// Removes the join codes of a request's current link (before a reopen gives it a new one).
pub(super) fn forget_join_codes(
    tx: &mut Tx<'_>,
    links: &LinkKey,
    rec: &SessionRequest,
) -> Result<()> {
    for code in links.join_codes(rec.id, rec.link_generation) {
        if tx.join_code(code.bits())? == Some(rec.id) {
            tx.remove_join_code(code.bits())?;
        }
    }
    Ok(())
}

impl Service {
    /// The join code of a live link, filed on first use. Only for the link's holder (the
    /// device it is bound to, or any device while it is unbound), like the page itself.
    pub fn join_code(&self, token: &str, device: &Device) -> Result<JoinCode> {
        let rec = self.resolve_live(token, device)?;
        let codes = self.links.join_codes(rec.id, rec.link_generation);
        let id = rec.id;
        {
            let mut read = self.store.read()?;
            for code in codes {
                match read.join_code(code.bits())? {
                    Some(v) if v == id => return Ok(code),
                    Some(_) => continue,
                    None => break,
                }
            }
        }
        let (code, _) = self.store.write(move |tx| {
            for code in codes {
                match tx.join_code(code.bits())? {
                    Some(other) if other != id => continue,
                    Some(_) => return Ok(code),
                    None => {
                        tx.put_join_code(code.bits(), id)?;
                        return Ok(code);
                    }
                }
            }
            Err(ServiceError::Internal(
                "every join code of this link is taken".into(),
            ))
        })?;
        Ok(code)
    }

    /// The link a join code stands for, while its request is live.
    pub fn redeem_join_code(&self, code: JoinCode) -> Result<String> {
        const UNKNOWN: ServiceError = ServiceError::NotFound("join code");
        let mut read = self.store.read()?;
        let Some(id) = read.join_code(code.bits())? else {
            return Err(UNKNOWN);
        };
        let rec: SessionRequest = read.request(id)?.ok_or(UNKNOWN)?;
        let current = self.links.join_codes(rec.id, rec.link_generation);
        if !current.contains(&code) {
            return Err(UNKNOWN);
        }
        if rec.status_at(Self::now()).is_terminal() {
            return Err(ServiceError::LinkGone);
        }
        Ok(self.link(id, rec.link_generation))
    }
}
