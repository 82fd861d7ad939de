//! Capturing the display: the platform's picture of one monitor, with the cursor drawn in
//! (neither X11's GetImage nor GDI include it).

#[cfg(unix)]
mod x11;

#[cfg(unix)]
pub use x11::X11Screen as PlatformScreen;

#[cfg(windows)]
mod windows;

#[cfg(windows)]
pub use windows::WindowsScreen as PlatformScreen;

use crate::{Error, Frame};

/// One monitor: where it sits on the desktop, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Monitor {
    pub x: i32,
    pub y: i32,
    pub width: usize,
    pub height: usize,
    pub primary: bool,
}

/// A screen's monitors and the one it pictures (the same on every platform).
#[derive(Debug, Clone)]
pub struct Layout {
    monitors: Vec<Monitor>,
    selected: usize,
}

impl Layout {
    /// `monitors` in the platform's order, the primary one selected (else the first).
    pub fn new(monitors: Vec<Monitor>) -> Result<Layout, Error> {
        if monitors.is_empty() {
            return Err(Error::Capture("the display lists no monitor".into()));
        }
        let selected = monitors.iter().position(|m| m.primary).unwrap_or(0);
        Ok(Layout { monitors, selected })
    }
}

/// A display the app can picture.
pub trait Screen: Send {
    fn layout(&self) -> &Layout;
    fn layout_mut(&mut self) -> &mut Layout;
    /// Pictures the selected monitor into `frame` (resized to it).
    fn grab(&mut self, frame: &mut Frame) -> Result<(), Error>;

    /// The monitors, in the platform's order (at least one).
    fn monitors(&self) -> &[Monitor] {
        &self.layout().monitors
    }

    /// Which monitor `grab` pictures.
    fn select(&mut self, index: usize) -> Result<(), Error> {
        let layout = self.layout_mut();
        if index >= layout.monitors.len() {
            return Err(Error::Capture(format!("there is no monitor {}", index + 1)));
        }
        layout.selected = index;
        Ok(())
    }

    fn selected(&self) -> Monitor {
        let layout = self.layout();
        layout.monitors[layout.selected]
    }
}

/// The display this process runs on (`DISPLAY` on X11; the session's monitors on Windows).
pub fn open() -> Result<Box<dyn Screen>, Error> {
    #[cfg(unix)]
    {
        Ok(Box::new(PlatformScreen::open(None)?))
    }
    #[cfg(windows)]
    {
        Ok(Box::new(PlatformScreen::open()?))
    }
    #[cfg(not(any(unix, windows)))]
    {
        Err(Error::Capture(
            "screen capture is not built for this platform yet".into(),
        ))
    }
}
