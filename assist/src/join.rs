//! Which request this app joins, without typing when it can:
//!
//! 1. a link given on the command line (`beckon-assist https://…/s/TOKEN`);
//! 2. a code on the command line, or the code in this file's own name (the link page hands
//!    the app out as `Beckon-Support-K7QM-4XPA.exe`), redeemed at the server written in this
//!    file's slot (the server that handed it out);
//! 3. else the window asks for the code (or the link) shown on the link page.
//!
//! A code redeems to its request's link, nothing more: the server checks it and the device
//! binding like any visit to the link.

use anyhow::{Context, bail};
use serde_json::json;
use wire::JoinCode;

/// The server's address as written into this file by the server that handed it out.
#[used]
static SERVER_SLOT: [u8; wire::slot::SLOT_LEN] = wire::slot::empty();

/// The server written into this file, if any.
pub fn embedded_server() -> Option<String> {
    // Read through volatile loads: the compiler sees an all-zero constant and would
    // otherwise fold the answer to "none" at build time.
    let mut slot = [0u8; wire::slot::SLOT_LEN];
    for (i, b) in slot.iter_mut().enumerate() {
        // SAFETY: in bounds of a static that lives for the whole program.
        *b = unsafe { std::ptr::read_volatile(SERVER_SLOT.as_ptr().add(i)) };
    }
    wire::slot::read(&slot).map(str::to_owned)
}

/// What the app knows before asking the server.
#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    Link(String),
    Code {
        server: String,
        code: JoinCode,
    },
    /// Nothing to go on: ask (with the server, if one is written in this file).
    Ask {
        server: Option<String>,
    },
}

/// Reads the command line's argument, else this file's name.
pub fn start(arg: Option<&str>, exe_name: Option<&str>, server: Option<String>) -> Start {
    if let Some(arg) = arg.map(str::trim).filter(|a| !a.is_empty()) {
        return typed(arg, server);
    }
    match (exe_name.and_then(JoinCode::find_in_file_name), server) {
        (Some(code), Some(server)) => Start::Code { server, code },
        (_, server) => Start::Ask { server },
    }
}

/// What a person typed or pasted: a link, or a code for the written-in server.
pub fn typed(text: &str, server: Option<String>) -> Start {
    let text = text.trim();
    if text.contains("/s/") {
        return Start::Link(text.to_owned());
    }
    match (JoinCode::parse(text), server) {
        (Some(code), Some(server)) => Start::Code { server, code },
        (_, server) => Start::Ask { server },
    }
}

/// `https://host[:port][/prefix]/s/TOKEN` → (base URL, token).
pub fn parse_link(link: &str) -> anyhow::Result<(String, String)> {
    let url = url::Url::parse(link.trim()).context("the link is not a web address")?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!("the link must start with https:// (or http://)");
    }
    let path = url.path();
    let Some((prefix, token)) = path.rsplit_once("/s/") else {
        bail!("this is not a Beckon session link (…/s/…)");
    };
    if !wire::token_shape_ok(token) {
        bail!("the link is incomplete; copy the whole address from the invitation");
    }
    let mut base = url.clone();
    base.set_path(prefix);
    base.set_query(None);
    base.set_fragment(None);
    Ok((
        base.as_str().trim_end_matches('/').to_owned(),
        token.to_owned(),
    ))
}

/// A code, redeemed at `server` for its request's link.
pub async fn redeem(
    http: &reqwest::Client,
    server: &str,
    code: JoinCode,
) -> anyhow::Result<(String, String)> {
    let server = server.trim_end_matches('/');
    let r = http
        .post(format!("{server}/api/v1/assist/join"))
        .json(&json!({"code": code.to_string()}))
        .send()
        .await
        .with_context(|| format!("cannot reach {server}"))?;
    let body = crate::net::answer(r).await?;
    let link = body["link"].as_str().context("the server sent no link")?;
    parse_link(link)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_split_into_server_and_token() {
        let token = "A".repeat(32);
        assert_eq!(
            parse_link(&format!("https://help.example.com/s/{token}")).unwrap(),
            ("https://help.example.com".into(), token.clone())
        );
        assert_eq!(
            parse_link(&format!("http://10.0.0.5:8080/beckon/s/{token}?x=1")).unwrap(),
            ("http://10.0.0.5:8080/beckon".into(), token.clone())
        );
        for bad in [
            "not a link".to_owned(),
            format!("ftp://h/s/{token}"),
            "https://h/s/short".to_owned(),
            format!("https://h/x/{token}"),
        ] {
            assert!(parse_link(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_start_comes_from_the_argument_else_the_file_name() {
        let server = Some("https://h".to_owned());
        let code = JoinCode::parse("K7QM-4XPA").unwrap();
        let from_name = start(
            None,
            Some("Beckon-Support-K7QM-4XPA (1).exe"),
            server.clone(),
        );
        assert_eq!(
            from_name,
            Start::Code {
                server: "https://h".into(),
                code
            }
        );
        // A file that lost its name, or one no server wrote into, asks.
        assert_eq!(
            start(None, Some("beckon-assist.exe"), server.clone()),
            Start::Ask {
                server: server.clone()
            }
        );
        assert_eq!(
            start(None, Some("Beckon-Support-K7QM-4XPA.exe"), None),
            Start::Ask { server: None }
        );
        assert_eq!(
            start(Some(" k7qm 4xpa "), None, server.clone()),
            Start::Code {
                server: "https://h".into(),
                code
            }
        );
        let link = format!("https://h/s/{}", "A".repeat(32));
        assert_eq!(
            start(Some(&link), Some("Beckon-Support-K7QM-4XPA.exe"), None),
            Start::Link(link)
        );
    }

    #[test]
    fn an_unwritten_slot_names_no_server() {
        assert_eq!(embedded_server(), None);
    }
}
