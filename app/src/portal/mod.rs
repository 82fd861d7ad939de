//! The portal's contract between pages and server: view types, the server functions, and
//! (server only) the `Backend` port the binary implements over its service layer.

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod types;

pub use types::*;
