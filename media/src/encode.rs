//! H.264 Constrained Baseline for browsers, from OpenH264 in screen-content mode: rate
//! control by bitrate with frame skipping (what that mode wants), no periodic keyframes (the
//! receiver asks for one after a loss), and a level that fits the picture's size.

use openh264::OpenH264API;
use openh264::encoder::{
    BitRate, Encoder, EncoderConfig, FrameRate, FrameType, Level, Profile, RateControlMode,
    UsageType,
};
use openh264::formats::{BgraSliceU8, YUVBuffer};

use crate::{Error, Frame};

/// The floor and ceiling the bandwidth estimate is clamped to.
pub const MIN_BITRATE: u32 = 150_000;
pub const MAX_BITRATE: u32 = 8_000_000;

pub struct H264 {
    encoder: Encoder,
    yuv: YUVBuffer,
    size: (usize, usize),
    bitrate: u32,
    keyframe: bool,
}

/// One encoded picture: Annex B NAL units.
pub struct Encoded {
    pub data: Vec<u8>,
    pub keyframe: bool,
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::Encode(e.to_string())
}

/// The lowest level whose frame size covers `width`×`height` at 30 fps (Table A-1).
fn level_for(width: usize, height: usize) -> Level {
    let macroblocks = width.div_ceil(16) * height.div_ceil(16);
    match macroblocks {
        0..=3_600 => Level::Level_3_1,
        3_601..=8_192 => Level::Level_4_0,
        _ => Level::Level_5_1,
    }
}

impl H264 {
    /// An encoder for pictures of `width`×`height` (cut to even sides) at up to `fps`.
    pub fn new(width: usize, height: usize, fps: f32, bitrate: u32) -> Result<H264, Error> {
        let size = (width & !1, height & !1);
        let bitrate = bitrate.clamp(MIN_BITRATE, MAX_BITRATE);
        let config = EncoderConfig::new()
            .usage_type(UsageType::ScreenContentRealTime)
            .rate_control_mode(RateControlMode::Bitrate)
            .skip_frames(true)
            // Not available in screen-content mode (OpenH264 would turn them off and warn).
            .adaptive_quantization(false)
            .background_detection(false)
            .bitrate(BitRate::from_bps(bitrate))
            .max_frame_rate(FrameRate::from_hz(fps))
            .profile(Profile::Baseline)
            .level(level_for(size.0, size.1))
            // One thread: the capture and the network have the other core.
            .num_threads(1);
        let encoder = Encoder::with_api_config(OpenH264API::from_source(), config).map_err(err)?;
        Ok(H264 {
            encoder,
            yuv: YUVBuffer::new(size.0, size.1),
            size,
            bitrate,
            keyframe: true,
        })
    }

    pub fn size(&self) -> (usize, usize) {
        self.size
    }

    pub fn bitrate(&self) -> u32 {
        self.bitrate
    }

    /// The next picture will be a keyframe (the receiver lost one, or a new viewer came).
    pub fn request_keyframe(&mut self) {
        self.keyframe = true;
    }

    /// Follows the connection's bandwidth estimate without restarting the stream.
    pub fn set_bitrate(&mut self, bps: u32) {
        let bps = bps.clamp(MIN_BITRATE, MAX_BITRATE);
        if bps == self.bitrate {
            return;
        }
        let mut info = openh264_sys2::SBitrateInfo {
            iLayer: openh264_sys2::SPATIAL_LAYER_ALL,
            iBitrate: bps as i32,
        };
        // SAFETY: `set_option` with ENCODER_OPTION_BITRATE reads one `SBitrateInfo` through
        // the pointer during the call; `info` outlives it and the encoder is initialised
        // (created by `with_api_config`). The crate has no safe setter for this option.
        #[allow(unsafe_code)]
        let rc = unsafe {
            self.encoder.raw_api().set_option(
                openh264_sys2::ENCODER_OPTION_BITRATE,
                (&raw mut info).cast(),
            )
        };
        if rc == 0 {
            self.bitrate = bps;
        }
    }

    /// Encodes `frame` (its top-left part of this encoder's size). `None` when rate control
    /// skipped the picture.
    pub fn encode(&mut self, frame: &Frame) -> Result<Option<Encoded>, Error> {
        let (w, h) = self.size;
        if frame.width < w || frame.height < h {
            return Err(Error::Encode(format!(
                "a {}×{} picture for a {w}×{h} encoder",
                frame.width, frame.height
            )));
        }
        if frame.width == w {
            self.yuv
                .read_bgra8(BgraSliceU8::new(&frame.data[..w * h * 4], (w, h)));
        } else {
            // Odd width: pack the rows to the even width first.
            let mut packed = Vec::with_capacity(w * h * 4);
            for row in frame.data.chunks_exact(frame.width * 4).take(h) {
                packed.extend_from_slice(&row[..w * 4]);
            }
            self.yuv.read_bgra8(BgraSliceU8::new(&packed, (w, h)));
        }
        if std::mem::take(&mut self.keyframe) {
            self.encoder.force_intra_frame();
        }
        let stream = self.encoder.encode(&self.yuv).map_err(err)?;
        let kind = stream.frame_type();
        if matches!(kind, FrameType::Skip | FrameType::Invalid) {
            return Ok(None);
        }
        let data = stream.to_vec();
        if data.is_empty() {
            return Ok(None);
        }
        Ok(Some(Encoded {
            data,
            keyframe: matches!(kind, FrameType::IDR | FrameType::I),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_cover_the_picture() {
        assert!(matches!(level_for(1280, 720), Level::Level_3_1));
        assert!(matches!(level_for(1920, 1080), Level::Level_4_0));
        assert!(matches!(level_for(2560, 1440), Level::Level_5_1));
    }

    #[test]
    fn the_first_picture_is_a_keyframe_and_a_still_screen_costs_little_after_it() {
        let mut enc = H264::new(321, 241, 30.0, 1_000_000).unwrap();
        assert_eq!(enc.size(), (320, 240));
        let mut frame = Frame::new(321, 241);
        for (i, b) in frame.data.iter_mut().enumerate() {
            *b = (i % 251) as u8;
        }
        let first = enc.encode(&frame).unwrap().expect("the first picture");
        assert!(first.keyframe);
        assert!(first.data.starts_with(&[0, 0, 0, 1]), "Annex B start code");
        let mut later = 0;
        for _ in 0..5 {
            if let Some(e) = enc.encode(&frame).unwrap() {
                assert!(!e.keyframe);
                later += e.data.len();
            }
        }
        assert!(later < first.data.len(), "{later} ≥ {}", first.data.len());
        enc.request_keyframe();
        let again = enc.encode(&frame).unwrap().expect("a requested keyframe");
        assert!(again.keyframe);
        enc.set_bitrate(400_000);
        assert_eq!(enc.bitrate(), 400_000);
    }

    #[test]
    fn a_picture_smaller_than_the_encoder_is_an_error_not_a_panic() {
        let mut enc = H264::new(64, 64, 30.0, 500_000).unwrap();
        assert!(enc.encode(&Frame::new(32, 32)).is_err());
    }
}
