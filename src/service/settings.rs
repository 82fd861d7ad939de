//! Settings an administrator changes at run time: the organisation name end users see, and
//! the default and maximum expiry of requests. The config file gives the starting values;
//! a change made in the portal is stored (one record, `MetaReads::settings_record`) and
//! wins from then on, across restarts, until changed again.

use std::sync::Arc;
use std::time::Duration;

use app::domain::Agent;

use super::error::{Result, ServiceError};
use super::{Service, Settings, input, require_admin};
use crate::store::records::SettingsRecord;
use crate::store::records::{AuditEvent, AuditKind};

const ORGANISATION_MAX: usize = 100;
const SHORTEST: Duration = Duration::from_secs(3600);
const LONGEST: Duration = Duration::from_secs(365 * 86_400);

/// What an administrator changes; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct SettingsPatch {
    pub organisation: Option<String>,
    pub default_expiry: Option<Duration>,
    pub max_expiry: Option<Duration>,
}

fn apply(base: &Settings, rec: &SettingsRecord) -> Settings {
    let mut s = base.clone();
    if let Some(o) = &rec.organisation {
        s.organisation = o.clone();
    }
    if let Some(d) = rec.default_expiry_secs {
        s.default_expiry = Duration::from_secs(d);
    }
    if let Some(m) = rec.max_expiry_secs {
        s.max_expiry = Duration::from_secs(m);
    }
    s.default_expiry = s.default_expiry.min(s.max_expiry);
    s
}

fn check_span(field: &str, d: Duration) -> Result<u64> {
    if (SHORTEST..=LONGEST).contains(&d) {
        Ok(d.as_secs())
    } else {
        Err(ServiceError::invalid(
            field,
            "must be between 1 hour and 365 days",
        ))
    }
}

impl Service {
    /// Applies the stored changes over the config file's values (at start-up).
    pub(super) fn load_settings(&self) -> Result<()> {
        let Some(rec) = self.store.read()?.settings_record()? else {
            return Ok(());
        };
        self.swap_settings(apply(&self.base_settings, &rec));
        Ok(())
    }

    fn swap_settings(&self, s: Settings) {
        *self
            .settings
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(s);
    }

    /// The settings in force, for the administrators who may change them.
    pub fn settings_for_admin(&self, caller: &Agent) -> Result<Arc<Settings>> {
        require_admin(caller)?;
        Ok(self.settings())
    }

    pub fn update_settings(&self, caller: &Agent, patch: SettingsPatch) -> Result<Arc<Settings>> {
        require_admin(caller)?;
        let (next, _) = self.store.transact(|tx| {
            let mut rec = tx.settings_record()?.unwrap_or_default();
            if let Some(o) = &patch.organisation {
                rec.organisation = Some(input::line("organisation", o, ORGANISATION_MAX)?);
            }
            if let Some(m) = patch.max_expiry {
                rec.max_expiry_secs = Some(check_span("max_expiry", m)?);
            }
            if let Some(d) = patch.default_expiry {
                rec.default_expiry_secs = Some(check_span("default_expiry", d)?);
            }
            let next = apply(&self.base_settings, &rec);
            let asked_default = patch
                .default_expiry
                .or(rec.default_expiry_secs.map(Duration::from_secs));
            if asked_default.is_some_and(|d| d > next.max_expiry) {
                return Err(ServiceError::invalid(
                    "default_expiry",
                    "must not be longer than the maximum expiry",
                ));
            }
            rec.updated_at = Some(Self::now());
            tx.put_settings_record(&rec)?;
            let mut changed = Vec::new();
            if let Some(o) = &rec
                .organisation
                .as_ref()
                .filter(|_| patch.organisation.is_some())
            {
                changed.push(format!("organisation = {o}"));
            }
            if let Some(m) = patch.max_expiry {
                changed.push(format!("max_expiry = {}s", m.as_secs()));
            }
            if let Some(d) = patch.default_expiry {
                changed.push(format!("default_expiry = {}s", d.as_secs()));
            }
            let event =
                AuditEvent::by(caller, AuditKind::SettingsChanged, None, changed.join("; "));
            tx.append_audit(&event)?;
            Ok(next)
        })?;
        self.swap_settings(next);
        Ok(self.settings())
    }
}
