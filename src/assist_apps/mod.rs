//! The assist apps this server hands out, one per platform: the ones built with it
//! (embedded by `build.rs`), or the operator's own file for a platform (a Windows app
//! signed with their certificate, `assist_app_windows`).
//!
//! Every app carries this server's address in its slot (`wire::slot`), so the copy a link
//! page hands out joins this server. A built-in app gets it written as it is sent (the
//! embedded bytes are never copied); an operator's file must already carry it
//! (`beckon assist-app` writes it before signing), else the server refuses to start.
//!
//! The facts a link page shows (size, SHA-256, publisher) are worked out once, on first
//! use, off the async threads: hashing 15 MB at every start would slow every start.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};
use wire::Platform;
use wire::slot::SLOT_LEN;

mod built {
    include!(concat!(env!("OUT_DIR"), "/assist_apps.rs"));
}

mod signature;
pub mod visitor;

pub struct App {
    pub platform: Platform,
    source: Source,
    facts: OnceLock<Facts>,
}

enum Source {
    /// Embedded; the slot at `at` is sent as `slot`.
    Built {
        bytes: &'static [u8],
        at: usize,
        slot: Box<[u8; SLOT_LEN]>,
    },
    /// The operator's file, read for each download.
    File(PathBuf),
}

/// What the link page says about an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub size: u64,
    pub sha256: String,
    /// The code-signing certificate's subject (a signed Windows app).
    pub publisher: Option<String>,
}

pub struct Apps {
    apps: Vec<Arc<App>>,
    missing: Vec<(Platform, String)>,
}

impl Apps {
    /// The apps for a server at `public_url`, with the operator's files where set.
    pub fn load(public_url: &str, files: &[(Platform, PathBuf)]) -> anyhow::Result<Apps> {
        let mut apps = Vec::new();
        let mut missing = Vec::new();
        for platform in Platform::ALL {
            if let Some((_, path)) = files.iter().find(|(p, _)| *p == platform) {
                check_file(path, public_url)?;
                apps.push(Arc::new(App::new(platform, Source::File(path.clone()))));
                continue;
            }
            match built::BUILT.iter().find(|(p, ..)| *p == platform.as_str()) {
                Some((_, bytes, at)) => {
                    apps.push(Arc::new(App::new(platform, built(bytes, *at, public_url)?)))
                }
                None => {
                    let why = built::MISSING
                        .iter()
                        .find(|(p, _)| *p == platform.as_str())
                        .map_or("not built", |(_, why)| why);
                    missing.push((platform, why.to_owned()));
                }
            }
        }
        Ok(Apps { apps, missing })
    }

    pub fn get(&self, platform: Platform) -> Option<Arc<App>> {
        self.apps.iter().find(|a| a.platform == platform).cloned()
    }

    pub fn platforms(&self) -> impl Iterator<Item = Platform> + '_ {
        self.apps.iter().map(|a| a.platform)
    }

    /// Says at start-up which platforms this server can hand the app out for.
    pub fn log(&self) {
        for app in &self.apps {
            let from = match &app.source {
                Source::Built { .. } => "built in".to_owned(),
                Source::File(path) => format!("from {}", path.display()),
            };
            tracing::info!(
                platform = app.platform.as_str(),
                "the assist app is handed out ({from})"
            );
        }
        for (platform, why) in &self.missing {
            tracing::warn!(
                platform = platform.as_str(),
                "the assist app is not available for this platform: {why}; its users get the browser"
            );
        }
    }
}

impl App {
    fn new(platform: Platform, source: Source) -> App {
        App {
            platform,
            source,
            facts: OnceLock::new(),
        }
    }

    /// Size, checksum and publisher, worked out on first use (on a blocking thread).
    pub async fn facts(self: &Arc<Self>) -> Option<Facts> {
        if let Some(f) = self.facts.get() {
            return Some(f.clone());
        }
        let app = self.clone();
        tokio::task::spawn_blocking(move || app.facts_now().cloned())
            .await
            .ok()
            .flatten()
    }

    fn facts_now(&self) -> Option<&Facts> {
        if let Some(f) = self.facts.get() {
            return Some(f);
        }
        let facts = match &self.source {
            Source::Built { bytes, at, slot } => {
                let hash = Sha256::new()
                    .chain_update(&bytes[..*at])
                    .chain_update(&slot[..])
                    .chain_update(&bytes[at + SLOT_LEN..])
                    .finalize();
                Facts {
                    size: bytes.len() as u64,
                    sha256: format!("{hash:x}"),
                    publisher: None,
                }
            }
            Source::File(path) => {
                let bytes = std::fs::read(path)
                    .inspect_err(|e| tracing::error!("cannot read {}: {e}", path.display()))
                    .ok()?;
                Facts {
                    size: bytes.len() as u64,
                    sha256: format!("{:x}", Sha256::digest(&bytes)),
                    publisher: signature::publisher(&bytes),
                }
            }
        };
        Some(self.facts.get_or_init(|| facts))
    }

    /// The file, as sent.
    pub async fn body(&self) -> std::io::Result<(axum::body::Body, u64)> {
        use axum::body::{Body, Bytes};
        match &self.source {
            Source::Built { bytes, at, slot } => {
                let parts: [Result<Bytes, std::io::Error>; 3] = [
                    Ok(Bytes::from_static(&bytes[..*at])),
                    Ok(Bytes::copy_from_slice(&slot[..])),
                    Ok(Bytes::from_static(&bytes[at + SLOT_LEN..])),
                ];
                Ok((
                    Body::from_stream(futures_util::stream::iter(parts)),
                    bytes.len() as u64,
                ))
            }
            Source::File(path) => {
                let file = tokio::fs::File::open(path).await?;
                let len = file.metadata().await?.len();
                Ok((
                    Body::from_stream(tokio_util::io::ReaderStream::new(file)),
                    len,
                ))
            }
        }
    }
}

/// A built-in app, to be sent with `public_url` in its slot (at `at`: build.rs found it, so
/// no start-up scans the embedded files).
fn built(bytes: &'static [u8], at: usize, public_url: &str) -> anyhow::Result<Source> {
    anyhow::ensure!(
        bytes[at..].starts_with(wire::slot::MARKER),
        "the built-in app has no server slot where build.rs found one"
    );
    let mut slot: Box<[u8; SLOT_LEN]> = Box::new(bytes[at..at + SLOT_LEN].try_into()?);
    wire::slot::write(&mut slot[..], public_url)
        .with_context(|| format!("public_url {public_url}"))?;
    Ok(Source::Built { bytes, at, slot })
}

/// An operator's file must be an assist app that names this server.
fn check_file(path: &Path, public_url: &str) -> anyhow::Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    match wire::slot::read_file(&bytes).with_context(|| path.display().to_string())? {
        Some(url) if url == public_url => Ok(()),
        Some(url) => bail!(
            "{} is written for {url}, not this server's public_url {public_url}: export it again with `beckon assist-app` (then sign it)",
            path.display()
        ),
        None => bail!(
            "{} carries no server address: export it with `beckon assist-app` (then sign it)",
            path.display()
        ),
    }
}

/// `beckon assist-app`: the built-in app for `platform` with `public_url` written in, for
/// an operator to sign and hand out (`assist_app_windows`).
pub fn export(platform: Platform, public_url: &str) -> anyhow::Result<Vec<u8>> {
    let Some((_, bytes, _)) = built::BUILT.iter().find(|(p, ..)| *p == platform.as_str()) else {
        let why = built::MISSING
            .iter()
            .find(|(p, _)| *p == platform.as_str())
            .map_or("not built", |(_, why)| why);
        bail!(
            "this server was built without the {} app: {why}",
            platform.as_str()
        );
    };
    let mut file = bytes.to_vec();
    wire::slot::write(&mut file, public_url)?;
    Ok(file)
}
