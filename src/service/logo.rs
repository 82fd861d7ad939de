//! The organisation's logo: uploaded by an administrator, shown on every link page beside
//! the organisation's name and the server's host, so an end user can tell a real request
//! from a scammer's look-alike page.
//!
//! One stored record (`MetaReads::logo_record`), held in memory with the settings. Only
//! PNG, JPEG and WebP are taken, recognised by their bytes (never by a declared type), within
//! size and dimension bounds: no SVG, whose scripts would run on our origin if opened
//! directly.

use std::sync::Arc;

use app::domain::Agent;
use sha2::{Digest, Sha256};

use super::error::{Result, ServiceError};
use super::{Service, require_admin};
use crate::store::records::{AuditEvent, AuditKind, LogoRecord};

/// Larger than any sensible logo; keeps each link page's extra download small.
pub const MAX_BYTES: usize = 256 * 1024;
const MAX_SIDE: usize = 2048;
const MIN_SIDE: usize = 16;

/// The logo in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub content_type: &'static str,
    pub bytes: Arc<[u8]>,
    pub width: u32,
    pub height: u32,
    /// A hash of the bytes: the HTTP validator, and the version in the page's `<img>` URL.
    pub etag: String,
}

impl Logo {
    /// The logo these bytes make, if they are one we take (`check`): its type and size are
    /// read from the bytes, so nothing stored beside them can disagree.
    fn new(bytes: Vec<u8>) -> std::result::Result<Logo, Refused> {
        let (content_type, width, height) = check(&bytes)?;
        let etag = format!("{:x}", Sha256::digest(&bytes))[..16].to_owned();
        Ok(Logo {
            content_type,
            bytes: bytes.into(),
            width,
            height,
            etag,
        })
    }
}

/// Why an image is not taken as the logo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    TooBig,
    NotImage,
    Dimensions,
}

impl Refused {
    /// A short name, for the portal's form to word in the admin's language.
    pub fn code(self) -> &'static str {
        match self {
            Refused::TooBig => "too_big",
            Refused::NotImage => "not_image",
            Refused::Dimensions => "dimensions",
        }
    }

    fn message(self) -> String {
        match self {
            Refused::TooBig => format!("must be at most {} KB", MAX_BYTES / 1024),
            Refused::NotImage => "must be a PNG, JPEG or WebP image".into(),
            Refused::Dimensions => {
                format!("must be between {MIN_SIDE} and {MAX_SIDE} pixels wide and high")
            }
        }
    }
}

impl From<Refused> for ServiceError {
    fn from(r: Refused) -> Self {
        ServiceError::invalid("logo", r.message())
    }
}

/// The image's type and size, if it is a logo we take.
pub fn check(bytes: &[u8]) -> std::result::Result<(&'static str, u32, u32), Refused> {
    if bytes.len() > MAX_BYTES {
        return Err(Refused::TooBig);
    }
    let content_type = match imagesize::image_type(bytes).map_err(|_| Refused::NotImage)? {
        imagesize::ImageType::Png => "image/png",
        imagesize::ImageType::Jpeg => "image/jpeg",
        imagesize::ImageType::Webp => "image/webp",
        _ => return Err(Refused::NotImage),
    };
    let size = imagesize::blob_size(bytes).map_err(|_| Refused::NotImage)?;
    let fits = |side: usize| (MIN_SIDE..=MAX_SIDE).contains(&side);
    if !fits(size.width) || !fits(size.height) {
        return Err(Refused::Dimensions);
    }
    Ok((content_type, size.width as u32, size.height as u32))
}

impl Service {
    /// The stored logo (at start-up); one that no longer passes the checks is not shown.
    pub(super) fn load_logo(&self) -> Result<()> {
        let Some(rec) = self.store.read()?.logo_record()? else {
            return Ok(());
        };
        *self.logo_slot() = Logo::new(rec.bytes).ok().map(Arc::new);
        Ok(())
    }

    /// Sets the organisation's logo (administrators only).
    pub fn set_logo(&self, caller: &Agent, bytes: Vec<u8>) -> Result<Arc<Logo>> {
        require_admin(caller)?;
        let logo = Arc::new(Logo::new(bytes)?);
        let rec = LogoRecord {
            bytes: logo.bytes.to_vec(),
            updated_at: Self::now(),
        };
        let detail = format!(
            "logo = {}, {}×{}, {} bytes",
            logo.content_type,
            logo.width,
            logo.height,
            logo.bytes.len()
        );
        self.save_logo(caller, Some(&rec), detail)?;
        *self.logo_slot() = Some(Arc::clone(&logo));
        Ok(logo)
    }

    /// The logo link pages show, if an administrator uploaded one.
    pub fn logo(&self) -> Option<Arc<Logo>> {
        self.logo
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn logo_slot(&self) -> std::sync::RwLockWriteGuard<'_, Option<Arc<Logo>>> {
        self.logo
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Removes the logo (administrators only); link pages show the name alone again.
    pub fn remove_logo(&self, caller: &Agent) -> Result<()> {
        require_admin(caller)?;
        self.save_logo(caller, None, "logo removed".into())?;
        *self.logo_slot() = None;
        Ok(())
    }

    fn save_logo(&self, caller: &Agent, rec: Option<&LogoRecord>, detail: String) -> Result<()> {
        self.store.transact(|tx| {
            match rec {
                Some(rec) => tx.put_logo_record(rec)?,
                None => tx.remove_logo_record()?,
            }
            let event = AuditEvent::by(caller, AuditKind::SettingsChanged, None, detail);
            tx.append_audit(&event)
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bounded_png_jpeg_and_webp_are_taken() {
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>";
        assert_eq!(check(svg), Err(Refused::NotImage));
        assert_eq!(
            check(b"GIF89a\x10\x00\x10\x00\x00\x00\x00"),
            Err(Refused::NotImage)
        );
        assert_eq!(check(&[0u8; 64]), Err(Refused::NotImage));
        assert_eq!(check(&vec![0u8; MAX_BYTES + 1]), Err(Refused::TooBig));
    }

    #[test]
    fn a_png_is_taken_with_its_type_and_size_and_a_tiny_one_is_not() {
        let png = |w: u32, h: u32| {
            let mut out = Vec::new();
            let mut enc = png::Encoder::new(&mut out, w, h);
            enc.set_color(png::ColorType::Grayscale);
            let mut writer = enc.write_header().unwrap();
            writer
                .write_image_data(&vec![128; (w * h) as usize])
                .unwrap();
            writer.finish().unwrap();
            out
        };
        assert_eq!(check(&png(20, 30)), Ok(("image/png", 20, 30)));
        assert_eq!(check(&png(20, 15)), Err(Refused::Dimensions));
    }
}
