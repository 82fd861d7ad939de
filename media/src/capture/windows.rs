//! Windows capture through `xcap` (GDI): the monitors as Windows lists them, each pictured
//! whole. `xcap::Monitor` may not leave the thread that made it, so the handles live in a
//! per-thread cache: `grab` runs on the share's capture thread and makes its own there.
//!
//! Not drawn yet: the cursor (GDI leaves it out; `GetCursorInfo` + `DrawIconEx` would add
//! it). GDI costs about 11 ms a frame at 720p; Desktop Duplication is the faster path.

use std::cell::RefCell;

use super::{Layout, Monitor, Screen};
use crate::{Error, Frame};

thread_local! {
    /// This thread's handles, in `Monitor::all` order.
    static HANDLES: RefCell<Option<Vec<xcap::Monitor>>> = const { RefCell::new(None) };
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::Capture(e.to_string())
}

/// The monitors of this Windows session.
pub struct WindowsScreen {
    layout: Layout,
}

impl WindowsScreen {
    pub fn open() -> Result<WindowsScreen, Error> {
        let all = xcap::Monitor::all().map_err(err)?;
        let mut monitors = Vec::with_capacity(all.len());
        for m in &all {
            monitors.push(Monitor {
                x: m.x().map_err(err)?,
                y: m.y().map_err(err)?,
                width: m.width().map_err(err)? as usize,
                height: m.height().map_err(err)? as usize,
                primary: m.is_primary().unwrap_or(false),
            });
        }
        Ok(WindowsScreen {
            layout: Layout::new(monitors)?,
        })
    }
}

impl Screen for WindowsScreen {
    fn layout(&self) -> &Layout {
        &self.layout
    }

    fn layout_mut(&mut self) -> &mut Layout {
        &mut self.layout
    }

    fn grab(&mut self, frame: &mut Frame) -> Result<(), Error> {
        let index = self.layout.selected;
        let image = HANDLES.with(|cell| {
            let mut handles = cell.borrow_mut();
            if handles.is_none() {
                *handles = Some(xcap::Monitor::all().map_err(err)?);
            }
            let monitor = handles
                .as_ref()
                .and_then(|h| h.get(index))
                .ok_or_else(|| Error::Capture(format!("monitor {} is gone", index + 1)))?;
            monitor.capture_image().map_err(err)
        })?;
        let (width, height) = (image.width() as usize, image.height() as usize);
        frame.width = width;
        frame.height = height;
        frame.data.resize(width * height * 4, 0);
        // RGBA in, B G R X out (the frame's order).
        for (out, px) in frame
            .data
            .chunks_exact_mut(4)
            .zip(image.as_raw().chunks_exact(4))
        {
            out[0] = px[2];
            out[1] = px[1];
            out[2] = px[0];
            out[3] = 0xff;
        }
        Ok(())
    }
}
