//! The embedded TURN relay (medea-turn): sessions reach across home routers and corporate
//! NAT with nothing else installed. It listens on one port over UDP and TCP (for networks
//! that block UDP), answers STUN (how the assist app learns its public address), and relays
//! for clients holding credentials from `service::ice::TurnAccess`. Each relayed side takes
//! one UDP port from `relay_ports`. Dropping `Turn` stops it.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs, UdpSocket as StdUdp};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use medea_turn::transport::{TcpServer, Transport};
use medea_turn::{AuthHandler, ServerConfig, TurnConfig, relay::Allocator};
use secrecy::SecretString;

use crate::config::RelayConfig;
use crate::service::ice::TurnAccess;

/// The running relay.
pub struct Turn {
    _server: medea_turn::Server,
    pub access: Arc<TurnAccess>,
    /// Where it listens (UDP and TCP).
    pub local: SocketAddr,
}

struct Auth(Arc<TurnAccess>);

impl AuthHandler for Auth {
    fn auth_handle(
        &self,
        username: &str,
        _realm: &str,
        _src: SocketAddr,
    ) -> Result<SecretString, medea_turn::Error> {
        self.0
            .password_for(username, SystemTime::now())
            .map(SecretString::from)
            .ok_or(medea_turn::Error::NoSuchUser)
    }
}

/// Binds the relay's UDP and TCP sockets (the same port) and starts serving.
pub async fn start(config: &RelayConfig, public_url: &url::Url) -> anyhow::Result<Turn> {
    let (udp, tcp) = bind(config.listen).await.with_context(|| {
        format!(
            "the relay could not listen on {} (UDP and TCP); set relay_listen to a free \
             address, or to `off`",
            config.listen
        )
    })?;
    let local = udp.local_addr()?;
    let address = advertised(config, local.ip(), public_url);
    let urls = ["udp", "tcp"]
        .map(|t| {
            format!(
                "turn:{}?transport={t}",
                SocketAddr::new(address, local.port())
            )
        })
        .to_vec();
    let access = Arc::new(TurnAccess::new(urls));
    let server = medea_turn::Server::new(ServerConfig {
        connections: vec![
            Arc::new(udp) as Arc<dyn Transport + Send + Sync>,
            Arc::new(TcpServer::new(tcp).context("the relay's TCP listener")?),
        ],
        turn: Some(TurnConfig {
            relay_addr_generator: Allocator {
                relay_address: address,
                min_port: config.ports.0,
                max_port: config.ports.1,
                max_retries: 10,
                // Relayed connections bind where the relay listens.
                address: local.ip().to_string(),
            },
            realm: "beckon".into(),
            auth_handler: Arc::new(Auth(access.clone())),
            channel_bind_lifetime: Duration::from_secs(600),
            alloc_close_notify: None,
        }),
    });
    tracing::info!(%local, %address, "relay listening (TURN over UDP and TCP)");
    Ok(Turn {
        _server: server,
        access,
        local,
    })
}

/// UDP first, then TCP on the port UDP got (with port 0, the system's choice).
async fn bind(
    listen: SocketAddr,
) -> std::io::Result<(tokio::net::UdpSocket, tokio::net::TcpListener)> {
    let mut last = None;
    for _ in 0..if listen.port() == 0 { 10 } else { 1 } {
        let udp = tokio::net::UdpSocket::bind(listen).await?;
        match tokio::net::TcpListener::bind(udp.local_addr()?).await {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no port")))
}

/// The address clients are given: the setting; else the listen address when it names one;
/// else `public_url`'s host (an IP, or its name resolved now); else the address this machine
/// reaches the outside from.
fn advertised(config: &RelayConfig, listen: IpAddr, public_url: &url::Url) -> IpAddr {
    if let Some(a) = config.address {
        return a;
    }
    if !listen.is_unspecified() {
        return listen;
    }
    let from_url = public_url.host_str().and_then(|h| {
        (h, 0)
            .to_socket_addrs()
            .ok()?
            .map(|a| a.ip())
            .find(|ip| ip.is_ipv4() && !ip.is_unspecified())
    });
    from_url
        .or_else(|| {
            // Connecting a UDP socket sends nothing; it only picks the route's local address.
            let s = StdUdp::bind("0.0.0.0:0").ok()?;
            s.connect("192.0.2.1:9").ok()?;
            s.local_addr().ok().map(|a| a.ip())
        })
        .unwrap_or(listen)
}
