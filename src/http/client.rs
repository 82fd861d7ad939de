//! Who is on the other end of a request: the peer's address, or — when the peer is a reverse
//! proxy the administrator trusts — the address it forwards for, and whether the browser's
//! own connection is HTTPS. Rate limits key on the address; cookies get `Secure` and the page
//! gets HSTS when the browser's connection is HTTPS.
//!
//! `X-Forwarded-*` from anyone else is ignored: a client cannot pick its own rate-limit key.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// How this server is reached: its own TLS, and the proxies in front of it.
#[derive(Debug, Clone, Default)]
pub struct Edge {
    /// This server terminates TLS itself.
    pub tls: bool,
    pub trusted_proxies: Vec<IpNet>,
}

/// The client of one request, as decided by [`identify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    pub ip: IpAddr,
    /// The browser's connection is HTTPS (ours, or the trusted proxy's).
    pub https: bool,
}

impl Client {
    /// The client of a request that passed through [`identify`] (every routed one does).
    pub fn of(parts: &Parts) -> Client {
        parts.extensions.get::<Client>().copied().unwrap_or(Client {
            ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            https: false,
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Client::of(parts))
    }
}

/// Middleware: decides the request's [`Client`] once and stores it in its extensions.
pub async fn identify(State(edge): State<Arc<Edge>>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip());
    let client = edge.resolve(peer, req.headers());
    req.extensions_mut().insert(client);
    next.run(req).await
}

impl Edge {
    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.trusted_proxies.iter().any(|n| n.contains(&ip))
    }

    /// The client behind `peer`. `X-Forwarded-For` is read from the right (each proxy appends
    /// the address it saw): the first address that is not a trusted proxy is the client. An
    /// entry that is not an address stops the walk at the last trusted hop.
    pub fn resolve(&self, peer: IpAddr, headers: &HeaderMap) -> Client {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return Client {
                ip: peer,
                https: self.tls,
            };
        }
        let mut ip = peer;
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect::<Vec<_>>();
        for hop in hops.iter().rev() {
            match hop.trim().parse::<IpAddr>() {
                Ok(next) => {
                    ip = canonical(next);
                    if !self.trusts(ip) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        // The nearest proxy's word on the scheme: the last value it set or appended.
        let proto = headers
            .get_all("x-forwarded-proto")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .map(str::trim);
        Client {
            ip,
            https: self.tls || proto.is_some_and(|p| p.eq_ignore_ascii_case("https")),
        }
    }
}

/// `::ffff:10.0.0.1` (a dual-stack listener's IPv4 peer) is `10.0.0.1`.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(nets: &[&str]) -> Edge {
        Edge {
            tls: false,
            trusted_proxies: nets.iter().map(|n| n.parse().unwrap()).collect(),
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_cannot_choose_its_address_or_scheme() {
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-proto", "https"),
        ]);
        let c = edge(&["10.0.0.0/8"]).resolve(ip("203.0.113.9"), &h);
        assert_eq!(
            c,
            Client {
                ip: ip("203.0.113.9"),
                https: false
            }
        );
        let c = edge(&[]).resolve(ip("10.0.0.1"), &h);
        assert_eq!(c.ip, ip("10.0.0.1"));
    }

    #[test]
    fn a_trusted_proxy_names_the_client_from_the_right() {
        let e = edge(&["10.0.0.0/8"]);
        // The client forged the first entry; the proxy appended what it saw.
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4, 198.51.100.7"),
            ("x-forwarded-proto", "https"),
        ]);
        let c = e.resolve(ip("10.1.2.3"), &h);
        assert_eq!(
            c,
            Client {
                ip: ip("198.51.100.7"),
                https: true
            }
        );
        // Two proxies in a row, over two header lines.
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.7"),
            ("x-forwarded-for", "10.9.9.9"),
        ]);
        assert_eq!(e.resolve(ip("10.1.2.3"), &h).ip, ip("198.51.100.7"));
        // No header, or garbage: the proxy itself (never an address the client made up).
        assert_eq!(
            e.resolve(ip("10.1.2.3"), &HeaderMap::new()).ip,
            ip("10.1.2.3")
        );
        let h = headers(&[("x-forwarded-for", "1.2.3.4, unknown")]);
        assert_eq!(e.resolve(ip("10.1.2.3"), &h).ip, ip("10.1.2.3"));
    }

    #[test]
    fn ipv4_mapped_peers_match_ipv4_networks() {
        let h = headers(&[("x-forwarded-for", "198.51.100.7")]);
        let c = edge(&["127.0.0.0/8"]).resolve(ip("::ffff:127.0.0.1"), &h);
        assert_eq!(c.ip, ip("198.51.100.7"));
    }

    #[test]
    fn our_own_tls_is_https_whatever_the_headers_say() {
        let e = Edge {
            tls: true,
            trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
        };
        let h = headers(&[("x-forwarded-proto", "http")]);
        assert!(e.resolve(ip("10.0.0.1"), &h).https);
        assert!(e.resolve(ip("203.0.113.9"), &h).https);
    }
}
