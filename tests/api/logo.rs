//! The organisation's logo: an administrator uploads it (REST or the settings page's form),
//! link pages show it, it survives a restart, and anything but a bounded PNG, JPEG or WebP
//! image is refused with a clear error.

use reqwest::{Method, StatusCode, header};
use serde_json::Value;

use crate::harness::TestServer;

/// A real PNG of `w`×`h` pixels.
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().unwrap();
    let pixels: Vec<u8> = (0..w * h * 4).map(|i| (i % 251) as u8).collect();
    writer.write_image_data(&pixels).unwrap();
    writer.finish().unwrap();
    out
}

async fn put_logo(t: &TestServer, token: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let res = t
        .http
        .put(format!("{}/api/v1/settings/logo", t.base))
        .bearer_auth(token)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// What `GET /logo` answers now.
async fn logo_status(t: &TestServer) -> StatusCode {
    let res = t.http.get(format!("{}/logo", t.base)).send().await.unwrap();
    res.status()
}

/// The link page, from this server (a restarted one listens on another port).
async fn link_page(t: &TestServer, link: &str) -> String {
    let page = format!("{}/s/{}", t.base, crate::harness::token_of(link));
    t.http.get(page).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn an_admin_uploads_a_logo_that_link_pages_show_and_a_restart_keeps() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let (_, agent) = t.agent(&admin, "bob@example.com", true, true).await;
    let req = t.create(&admin, serde_json::json!({})).await;
    let link = req["link"].as_str().unwrap().to_owned();
    assert!(!link_page(&t, &link).await.contains("org-logo"));
    assert_eq!(
        t.get("/api/v1/settings", &admin).await.body["logo_url"],
        Value::Null
    );

    // Refused, with the reason: agents; SVG (scripts); other bytes; too large; too small.
    let logo = png(120, 40);
    assert_eq!(
        put_logo(&t, &agent, logo.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#.to_vec();
    let huge: Vec<u8> = png(2000, 2000)
        .into_iter()
        .chain(vec![0; 300_000])
        .collect();
    for (bytes, says) in [
        (svg, "PNG, JPEG or WebP"),
        (b"hello".to_vec(), "PNG, JPEG or WebP"),
        (Vec::new(), "PNG, JPEG or WebP"),
        (huge, "256 KB"),
        (png(8, 8), "pixels"),
        (png(3000, 20), "pixels"),
    ] {
        let (status, body) = put_logo(&t, &admin, bytes).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("logo: ") && message.contains(says),
            "{message}"
        );
    }
    assert_eq!(logo_status(&t).await, StatusCode::NOT_FOUND);

    let (status, body) = put_logo(&t, &admin, logo.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["content_type"], "image/png");
    assert_eq!(
        (body["width"].as_u64(), body["height"].as_u64()),
        (Some(120), Some(40))
    );
    assert_eq!(body["size"].as_u64(), Some(logo.len() as u64));
    let url = body["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("/logo?v="), "{url}");
    assert_eq!(
        t.get("/api/v1/settings", &admin).await.body["logo_url"],
        url
    );

    // Served as what it is, byte for byte, revalidated by its hash.
    let res = t.http.get(format!("{}{url}", t.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/png");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let etag = res.headers()[header::ETAG].clone();
    assert_eq!(res.bytes().await.unwrap().as_ref(), logo.as_slice());
    let again = t
        .http
        .get(format!("{}/logo", t.base))
        .header(header::IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // The link page shows it, sized, named by the organisation.
    let page = link_page(&t, &link).await;
    let img = page
        .split("<img")
        .find(|s| s.contains("org-logo"))
        .unwrap_or_else(|| panic!("no logo on the link page: {page}"));
    assert!(img.contains(&format!("src=\"{url}\"")), "{img}");
    assert!(
        img.contains("width=\"120\"") && img.contains("height=\"40\""),
        "{img}"
    );
    assert!(img.contains("alt=\""), "{img}");

    // The audit log says who changed it.
    let audit = t.get("/api/v1/audit", &admin).await.body;
    let entries = audit["items"].as_array().unwrap();
    assert!(
        entries.iter().any(|e| e["kind"] == "settings_changed"
            && e["detail"]
                .as_str()
                .unwrap_or("")
                .contains("logo = image/png, 120×40")),
        "{audit}"
    );

    let (dir, _guard) = t.stop().await;
    let t = TestServer::start_in(&dir, |_| {}).await;
    assert!(
        link_page(&t, &link)
            .await
            .contains(&format!("src=\"{url}\""))
    );
    let res = t.http.get(format!("{}{url}", t.base)).send().await.unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), logo.as_slice());

    let removed = t
        .call(Method::DELETE, "/api/v1/settings/logo", Some(&admin), None)
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_eq!(logo_status(&t).await, StatusCode::NOT_FOUND);
    assert!(!link_page(&t, &link).await.contains("org-logo"));
}

/// The settings page's plain form: multipart, signed in by cookie, back to the page saying
/// what happened; refused from another site.
#[tokio::test]
async fn the_settings_page_form_uploads_and_removes_the_logo() {
    let t = TestServer::start().await;
    let admin = t.admin().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let post = |fields: Vec<(&'static str, Option<&'static str>, Vec<u8>)>, origin: String| {
        let boundary = "beckon-test-boundary";
        let mut body = Vec::new();
        for (name, file, bytes) in fields {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let disposition = match file {
                Some(f) => format!("form-data; name=\"{name}\"; filename=\"{f}\""),
                None => format!("form-data; name=\"{name}\""),
            };
            body.extend_from_slice(
                format!("Content-Disposition: {disposition}\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(&bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        client
            .post(format!("{}/admin/settings/logo", t.base))
            .header(header::COOKIE, format!("beckon_session={admin}"))
            .header(header::ORIGIN, origin)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
    };
    let location = |res: &reqwest::Response| {
        res.headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let page = |q: &'static str| t.portal_get(&format!("/admin/settings?{q}"), &admin).send();

    let res = post(
        vec![("logo", Some("evil.svg"), b"<svg/>".to_vec())],
        t.base.clone(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&res).as_deref(),
        Some("/admin/settings?logo_error=not_image")
    );
    let html = page("logo_error=not_image")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"err-logo\""), "{html}");
    assert!(html.contains("id=\"no-logo\""));

    let other = post(
        vec![("logo", Some("a.png"), png(64, 64))],
        "https://evil.example".into(),
    )
    .await
    .unwrap();
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        t.get("/api/v1/settings", &admin).await.body["logo_url"],
        Value::Null
    );

    let res = post(vec![("logo", Some("a.png"), png(64, 64))], t.base.clone())
        .await
        .unwrap();
    assert_eq!(location(&res).as_deref(), Some("/admin/settings?done=logo"));
    let url = t.get("/api/v1/settings", &admin).await.body["logo_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let html = page("done=logo").await.unwrap().text().await.unwrap();
    assert!(html.contains("id=\"logo-saved\"") && html.contains(&format!("src=\"{url}\"")));

    let res = post(vec![("remove", None, b"1".to_vec())], t.base.clone())
        .await
        .unwrap();
    assert_eq!(location(&res).as_deref(), Some("/admin/settings?done=logo"));
    assert_eq!(
        t.get("/api/v1/settings", &admin).await.body["logo_url"],
        Value::Null
    );
}
