//! One captured picture: 32-bit pixels in B, G, R, X byte order (what X11 and Windows hand
//! out on little-endian machines), rows packed without padding.

#[derive(Debug, Clone, Default)]
pub struct Frame {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

impl Frame {
    pub fn new(width: usize, height: usize) -> Frame {
        Frame {
            width,
            height,
            data: vec![0; width * height * 4],
        }
    }

    /// Draws a cursor image (premultiplied ARGB, one `u32` per pixel, as XFixes gives it)
    /// with its top-left corner at (`x`, `y`); the parts off the picture are cut.
    pub fn draw_cursor(&mut self, x: i32, y: i32, width: usize, height: usize, argb: &[u32]) {
        for cy in 0..height {
            let py = y + cy as i32;
            if py < 0 || py as usize >= self.height {
                continue;
            }
            for cx in 0..width {
                let px = x + cx as i32;
                if px < 0 || px as usize >= self.width {
                    continue;
                }
                let Some(&src) = argb.get(cy * width + cx) else {
                    return;
                };
                let a = src >> 24;
                if a == 0 {
                    continue;
                }
                let i = (py as usize * self.width + px as usize) * 4;
                let dst = &mut self.data[i..i + 3];
                // Premultiplied "over": out = src + dst × (1 − α).
                for (k, shift) in [(0, 0), (1, 8), (2, 16)] {
                    let s = (src >> shift) & 0xff;
                    let d = u32::from(dst[k]);
                    dst[k] = (s + d * (255 - a) / 255).min(255) as u8;
                }
            }
        }
    }

    /// The largest even-sized top-left part (H.264's 4:2:0 needs even sides).
    pub fn even_size(&self) -> (usize, usize) {
        (self.width & !1, self.height & !1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opaque_cursor_replaces_the_pixels_and_a_clear_one_keeps_them() {
        let mut f = Frame::new(4, 4);
        f.data.fill(100);
        // 2×2 cursor at (3, 3): only its top-left pixel is on the picture.
        f.draw_cursor(3, 3, 2, 2, &[0xff_10_20_30, 0xff_ff_ff_ff, 0, 0]);
        let i = (3 * 4 + 3) * 4;
        assert_eq!(&f.data[i..i + 3], &[0x30, 0x20, 0x10]);
        // A fully transparent pixel leaves the picture alone.
        f.draw_cursor(0, 0, 1, 1, &[0x00_ff_ff_ff]);
        assert_eq!(&f.data[0..3], &[100, 100, 100]);
        // Half-transparent white over grey 100: 128 + 100 × 127/255 = 177.
        f.draw_cursor(1, 0, 1, 1, &[0x80_80_80_80]);
        assert_eq!(&f.data[4..7], &[177, 177, 177]);
    }

    #[test]
    fn a_cursor_entirely_off_the_picture_is_ignored() {
        let mut f = Frame::new(2, 2);
        f.draw_cursor(-5, -5, 2, 2, &[0xffffffff; 4]);
        f.draw_cursor(10, 0, 2, 2, &[0xffffffff; 4]);
        assert!(f.data.iter().all(|&b| b == 0));
    }

    #[test]
    fn odd_sides_are_cut_to_even() {
        assert_eq!(Frame::new(1281, 721).even_size(), (1280, 720));
    }
}
