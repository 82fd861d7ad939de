//! X11 capture over x11rb's pure-Rust connection (no libX11 at run time): core `GetImage`
//! of the root window cut to one RandR monitor, and the XFixes cursor drawn on top.

use x11rb::connection::Connection;
use x11rb::protocol::randr::ConnectionExt as _;
use x11rb::protocol::xfixes::ConnectionExt as _;
use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat, ImageOrder, Window};
use x11rb::rust_connection::RustConnection;

use super::{Layout, Monitor, Screen};
use crate::{Error, Frame};

pub struct X11Screen {
    conn: RustConnection,
    root: Window,
    layout: Layout,
    /// The server has XFixes 2+ (cursor images).
    cursor: bool,
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::Capture(e.to_string())
}

impl X11Screen {
    /// Connects to `display` (or `DISPLAY`) and lists its monitors, the primary selected.
    pub fn open(display: Option<&str>) -> Result<X11Screen, Error> {
        let (conn, n) = x11rb::connect(display).map_err(err)?;
        let setup = conn.setup();
        let screen = &setup.roots[n];
        let root = screen.root;
        let bpp = setup
            .pixmap_formats
            .iter()
            .find(|f| f.depth == screen.root_depth)
            .map(|f| f.bits_per_pixel);
        if bpp != Some(32) || setup.image_byte_order != ImageOrder::LSB_FIRST {
            return Err(Error::Capture(format!(
                "the display's pixel format (depth {}, {bpp:?} bits per pixel) is not 32-bit BGRX",
                screen.root_depth
            )));
        }
        let whole = Monitor {
            x: 0,
            y: 0,
            width: screen.width_in_pixels.into(),
            height: screen.height_in_pixels.into(),
            primary: true,
        };
        let mut monitors: Vec<Monitor> = conn
            .randr_get_monitors(root, true)
            .ok()
            .and_then(|c| c.reply().ok())
            .map(|r| {
                r.monitors
                    .iter()
                    .map(|m| Monitor {
                        x: m.x.into(),
                        y: m.y.into(),
                        width: m.width.into(),
                        height: m.height.into(),
                        primary: m.primary,
                    })
                    .filter(|m| m.width > 0 && m.height > 0)
                    .collect()
            })
            .unwrap_or_default();
        if monitors.is_empty() {
            monitors.push(whole);
        }
        let cursor = conn
            .xfixes_query_version(5, 0)
            .ok()
            .and_then(|c| c.reply().ok())
            .is_some_and(|v| v.major_version >= 2);
        Ok(X11Screen {
            conn,
            root,
            layout: Layout::new(monitors)?,
            cursor,
        })
    }

    fn draw_cursor(&self, frame: &mut Frame, at: Monitor) -> Result<(), Error> {
        let c = self
            .conn
            .xfixes_get_cursor_image()
            .map_err(err)?
            .reply()
            .map_err(err)?;
        frame.draw_cursor(
            i32::from(c.x) - i32::from(c.xhot) - at.x,
            i32::from(c.y) - i32::from(c.yhot) - at.y,
            c.width.into(),
            c.height.into(),
            &c.cursor_image,
        );
        Ok(())
    }
}

impl Screen for X11Screen {
    fn layout(&self) -> &Layout {
        &self.layout
    }

    fn layout_mut(&mut self) -> &mut Layout {
        &mut self.layout
    }

    fn grab(&mut self, frame: &mut Frame) -> Result<(), Error> {
        let m = self.selected();
        let image = self
            .conn
            .get_image(
                ImageFormat::Z_PIXMAP,
                self.root,
                m.x as i16,
                m.y as i16,
                m.width as u16,
                m.height as u16,
                !0,
            )
            .map_err(err)?
            .reply()
            .map_err(err)?;
        if image.data.len() != m.width * m.height * 4 {
            return Err(Error::Capture(format!(
                "GetImage returned {} bytes for {}×{}",
                image.data.len(),
                m.width,
                m.height
            )));
        }
        frame.width = m.width;
        frame.height = m.height;
        frame.data = image.data;
        if self.cursor {
            self.draw_cursor(frame, m)?;
        }
        Ok(())
    }
}
