//! What the portal's bundle does in the browser to the pages the server rendered, besides
//! hydrating their islands: the frame's alerts switch and language select, times in the
//! viewer's own zone, the copy buttons, and the page's live regions fetched again when the
//! change stream (or an island's own change) says something moved.
//! Plain DOM work: the lists themselves are rendered on the server only, so the bundle
//! carries no view code for them.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Element;

use crate::live;
use crate::portal::Instant;

/// Starts it all, once per page with the portal's frame (the bundle's `hydrate` calls it).
pub fn start() {
    let Some(doc) = document() else { return };
    let Some(alerts) = doc
        .get_element_by_id("alerts-toggle")
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let lang = super::request_lang();
    let t = super::texts();
    let lang = lang.code();
    alerts_switch(alerts);
    language_select(&doc);
    let refresher = Refresher::new(lang);
    localize_times(lang);
    count_in_title();
    copy_buttons();
    let on_change = refresher.clone();
    let _ = live::watch_changes(move |c| {
        on_change.run();
        if c.is_some_and(|c| c.status == "waiting") && live::alerts_enabled() {
            live::alert(t.status_waiting, t.ev_checked_in);
        }
    });
    if let Some(w) = web_sys::window() {
        let cb = Closure::<dyn Fn()>::new(move || refresher.run());
        let _ =
            w.add_event_listener_with_callback(live::REFRESH_EVENT, cb.as_ref().unchecked_ref());
        cb.forget();
    }
}

/// The alerts switch: as this browser last set it, and remembered when changed.
fn alerts_switch(input: web_sys::HtmlInputElement) {
    input.set_checked(live::alerts_enabled());
    let el = input.clone();
    let cb = Closure::<dyn Fn()>::new(move || live::set_alerts(el.checked()));
    let _ = input.add_event_listener_with_callback("change", cb.as_ref().unchecked_ref());
    cb.forget();
}

/// Choosing a language posts its form (the server answers with this page in it).
fn language_select(doc: &web_sys::Document) {
    let Some(select) = doc.get_element_by_id("lang-select") else {
        return;
    };
    let form = doc
        .get_element_by_id("lang-form")
        .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok());
    let cb = Closure::<dyn Fn()>::new(move || {
        if let Some(form) = &form {
            let _ = form.request_submit();
        }
    });
    let _ = select.add_event_listener_with_callback("change", cb.as_ref().unchecked_ref());
    cb.forget();
}

/// Rewrites every `time[data-ms]` (see `widgets::Time`) into the viewer's zone, once each.
fn localize_times(lang: &str) {
    let Some(list) = document().and_then(|d| d.query_selector_all("time[data-ms]").ok()) else {
        return;
    };
    for i in 0..list.length() {
        let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let ms = el
            .get_attribute("data-ms")
            .and_then(|v| v.parse::<i64>().ok());
        let zone = el.get_attribute("data-zone");
        if let Some(text) = ms.and_then(|ms| live::format_in(Instant(ms), lang, zone.as_deref())) {
            el.set_text_content(Some(&text));
        }
        let _ = el.remove_attribute("data-ms");
    }
    // The label of the zone the times are now in.
    let zone = live::time_zone();
    let labels = document().and_then(|d| d.query_selector_all("[data-local-zone]").ok());
    if let (Some(zone), Some(labels)) = (zone, labels) {
        for i in 0..labels.length() {
            if let Some(label) = labels.item(i) {
                label.set_text_content(Some(&zone));
            }
        }
    }
}

/// "(2) Session requests · Beckon": the number of end users waiting right now, from the
/// queue's `#waiting-count`, so an agent sees it from another browser tab.
fn count_in_title() {
    let Some(doc) = document() else { return };
    let Some(count) = doc
        .get_element_by_id("waiting-count")
        .and_then(|e| e.get_attribute("data-waiting"))
    else {
        return;
    };
    let title = doc.title();
    // Without an earlier count: "(12) Title" → "Title".
    let base = match title.strip_prefix('(').and_then(|t| t.split_once(") ")) {
        Some((n, rest)) if n.trim_end_matches('+').parse::<u32>().is_ok() => rest.to_owned(),
        _ => title,
    };
    doc.set_title(&match count.as_str() {
        "0" | "" => base,
        n => format!("({n}) {base}"),
    });
}

/// One listener for every `button.copy[data-link]` on the page, present and future.
fn copy_buttons() {
    let Some(doc) = document() else { return };
    let cb = Closure::<dyn Fn(web_sys::Event)>::new(|ev: web_sys::Event| {
        let button = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("button.copy[data-link]").ok().flatten());
        if let Some(b) = button
            && let Some(link) = b.get_attribute("data-link")
        {
            live::copy_text(&link);
            if let Some(said) = b.get_attribute("data-copied") {
                b.set_text_content(Some(&said));
            }
        }
    });
    let _ = doc.add_event_listener_with_callback("click", cb.as_ref().unchecked_ref());
    cb.forget();
}

/// One refresh at a time; asks that arrive meanwhile make one more after it.
#[derive(Clone)]
struct Refresher {
    /// The page's language, for the times of what is swapped in.
    lang: &'static str,
    /// 0 idle, 1 running, 2 running and asked again.
    state: Rc<Cell<u8>>,
    /// Each live region's content as last rendered by the server (before times were made
    /// local), so a refresh that brings nothing new leaves the page alone.
    seen: Rc<RefCell<HashMap<String, String>>>,
}

impl Refresher {
    /// Remembers the regions as the server rendered them: call before `localize_times`.
    fn new(lang: &'static str) -> Refresher {
        let seen = live_regions()
            .into_iter()
            .map(|el| (el.id(), el.inner_html()))
            .collect();
        Refresher {
            lang,
            state: Rc::default(),
            seen: Rc::new(RefCell::new(seen)),
        }
    }

    fn run(&self) {
        if self.state.get() != 0 {
            self.state.set(2);
            return;
        }
        self.state.set(1);
        let (lang, state, seen) = (self.lang, self.state.clone(), self.seen.clone());
        leptos::task::spawn_local(async move {
            loop {
                let _ = swap_live_regions(&seen).await;
                localize_times(lang);
                count_in_title();
                if state.get() == 2 {
                    state.set(1);
                    continue;
                }
                state.set(0);
                break;
            }
        });
    }
}

/// Fetches this page again and puts the new content of each `[data-live][id]` region into
/// the one on screen, where it changed. Everything else (an open dialog, a half-typed form,
/// the session view) stays as it is.
async fn swap_live_regions(seen: &RefCell<HashMap<String, String>>) -> Result<(), JsValue> {
    let regions = live_regions();
    if regions.is_empty() {
        return Ok(());
    }
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let init = web_sys::RequestInit::new();
    let headers = web_sys::Headers::new()?;
    headers.set("Accept", "text/html")?;
    init.set_headers(&headers);
    let href = window.location().href()?;
    let res: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(&href, &init))
        .await?
        .dyn_into()?;
    // Signed out meanwhile, or the page moved: go where the server sends us.
    if res.redirected() {
        live::go(&res.url());
        return Ok(());
    }
    if !res.ok() {
        return Ok(());
    }
    let html = JsFuture::from(res.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    let fresh =
        web_sys::DomParser::new()?.parse_from_string(&html, web_sys::SupportedType::TextHtml)?;
    for old in regions {
        let id = old.id();
        let Some(html) = fresh.get_element_by_id(&id).map(|n| n.inner_html()) else {
            continue;
        };
        if seen.borrow().get(&id) != Some(&html) {
            let open = open_menus(&old);
            old.set_inner_html(&html);
            reopen_menus(&old, &open);
            seen.borrow_mut().insert(id, html);
        }
    }
    Ok(())
}

/// The `data-keep` keys of the menus open in `region`, and whether the focus is in one of them
/// (a person halfway through *More → Close* must not see the menu snap shut under the pointer
/// because the row changed).
fn open_menus(region: &Element) -> Vec<(String, bool)> {
    let Ok(list) = region.query_selector_all("details[open][data-keep]") else {
        return Vec::new();
    };
    let focused = document().and_then(|d| d.active_element());
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .filter_map(|menu| {
            let key = menu.get_attribute("data-keep")?;
            let has_focus = focused.as_ref().is_some_and(|f| menu.contains(Some(f)));
            Some((key, has_focus))
        })
        .collect()
}

/// Opens again, in the new content of `region`, the menus [`open_menus`] found open, and puts
/// the focus back on the innermost one's summary where it was inside.
fn reopen_menus(region: &Element, open: &[(String, bool)]) {
    let mut focus = None;
    for (key, has_focus) in open {
        let selector = format!("details[data-keep=\"{key}\"]");
        let Ok(Some(menu)) = region.query_selector(&selector) else {
            continue;
        };
        let _ = menu.set_attribute("open", "");
        if *has_focus {
            focus = menu.query_selector("summary").ok().flatten();
        }
    }
    if let Some(summary) = focus.and_then(|s| s.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = summary.focus();
    }
}

/// The page's live regions: `[data-live][id]`, each fetched again by its `id`.
fn live_regions() -> Vec<Element> {
    let Some(list) = document().and_then(|d| d.query_selector_all("[data-live][id]").ok()) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}
