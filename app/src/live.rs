//! The browser's side of things the server cannot render: local time, the clipboard, server
//! push (SSE for the portal, the assist WebSocket for the link page), and alerts. On the
//! server every function is an inert stand-in, so pages call them without `cfg` noise.

use crate::portal::Instant;

/// A status change pushed to the portal (`/api/v1/events`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct ChangePush {
    pub id: String,
    pub status: String,
}

/// What the assist socket pushes to the link page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct LinkPush {
    pub status: String,
    #[serde(default)]
    pub prompt: Option<PromptPush>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct PromptPush {
    /// A number, sent as a string (the REST API's prompt shape).
    pub id: String,
    pub agent_name: String,
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use js_sys::{Object, Reflect};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;

    const ALERTS_KEY: &str = "beckon.alerts";

    pub fn time_zone() -> Option<String> {
        let opts = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &Object::new())
            .resolved_options();
        Reflect::get(&opts, &"timeZone".into()).ok()?.as_string()
    }

    pub fn format_local(ts: Instant, lang: &str) -> Option<String> {
        let date = js_sys::Date::new(&JsValue::from_f64(ts.0 as f64));
        let opts = Object::new();
        for (k, v) in [("dateStyle", "medium"), ("timeStyle", "short")] {
            Reflect::set(&opts, &k.into(), &v.into()).ok()?;
        }
        Some(String::from(date.to_locale_string(lang, &opts)))
    }

    pub fn copy_text(text: &str) {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(text);
        }
    }

    pub fn watch_changes(on_change: impl Fn(ChangePush) + 'static) -> Option<web_sys::EventSource> {
        let source = web_sys::EventSource::new("/api/v1/events").ok()?;
        let cb = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(c) = ev
                .data()
                .as_string()
                .and_then(|s| serde_json::from_str::<ChangePush>(&s).ok())
            {
                on_change(c);
            }
        });
        source
            .add_event_listener_with_callback("status", cb.as_ref().unchecked_ref())
            .ok()?;
        cb.forget();
        Some(source)
    }

    pub fn watch_link(
        token: &str,
        on_push: impl Fn(LinkPush) + 'static,
    ) -> Option<web_sys::WebSocket> {
        let loc = web_sys::window()?.location();
        let scheme = if loc.protocol().ok()? == "https:" {
            "wss"
        } else {
            "ws"
        };
        let url = format!("{scheme}://{}/api/v1/assist/{token}/ws", loc.host().ok()?);
        let ws = web_sys::WebSocket::new(&url).ok()?;
        let cb = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(p) = ev
                .data()
                .as_string()
                .and_then(|s| serde_json::from_str::<LinkPush>(&s).ok())
            {
                on_push(p);
            }
        });
        ws.set_onmessage(Some(cb.as_ref().unchecked_ref()));
        cb.forget();
        Some(ws)
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub fn alerts_enabled() -> bool {
        storage()
            .and_then(|s| s.get_item(ALERTS_KEY).ok()?)
            .is_some_and(|v| v == "on")
    }

    pub fn set_alerts(on: bool) {
        if let Some(s) = storage() {
            let _ = s.set_item(ALERTS_KEY, if on { "on" } else { "off" });
        }
        if on && web_sys::Notification::permission() == web_sys::NotificationPermission::Default {
            let _ = web_sys::Notification::request_permission();
        }
    }

    /// A short two-tone chime and, when allowed, a desktop notification.
    pub fn alert(title: &str, body: &str) {
        if let Ok(ctx) = web_sys::AudioContext::new() {
            for (i, freq) in [880.0_f32, 660.0].into_iter().enumerate() {
                let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
                    continue;
                };
                osc.frequency().set_value(freq);
                gain.gain().set_value(0.15);
                let start = ctx.current_time() + i as f64 * 0.18;
                let _ = osc.connect_with_audio_node(&gain);
                let _ = gain.connect_with_audio_node(&ctx.destination());
                let _ = osc.start_with_when(start);
                let _ = osc.stop_with_when(start + 0.15);
            }
        }
        if web_sys::Notification::permission() == web_sys::NotificationPermission::Granted {
            let opts = web_sys::NotificationOptions::new();
            opts.set_body(body);
            let _ = web_sys::Notification::new_with_options(title, &opts);
        }
    }
}

#[cfg(feature = "hydrate")]
pub use browser::*;

#[cfg(not(feature = "hydrate"))]
mod server {
    use super::*;

    pub fn time_zone() -> Option<String> {
        None
    }
    pub fn format_local(_: Instant, _: &str) -> Option<String> {
        None
    }
    pub fn copy_text(_: &str) {}
    pub fn alerts_enabled() -> bool {
        false
    }
    pub fn set_alerts(_: bool) {}
    pub fn alert(_: &str, _: &str) {}
}

#[cfg(not(feature = "hydrate"))]
pub use server::*;
