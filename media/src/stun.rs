//! This computer's public address, as a STUN server sees it (RFC 8489 Binding): the share
//! offers it as a server-reflexive candidate, so an agent's browser behind the relay can
//! reach the app across the end user's router. One request, one answer; no authentication.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::Duration;

const MAGIC: u32 = 0x2112_A442;
const BINDING_REQUEST: u16 = 0x0001;
const BINDING_SUCCESS: u16 = 0x0101;
const XOR_MAPPED_ADDRESS: u16 = 0x0020;

/// A Binding request with a random transaction ID.
pub fn request() -> ([u8; 20], [u8; 12]) {
    let id: [u8; 12] = rand::random();
    let mut out = [0u8; 20];
    out[..2].copy_from_slice(&BINDING_REQUEST.to_be_bytes());
    // Length 0: no attributes.
    out[4..8].copy_from_slice(&MAGIC.to_be_bytes());
    out[8..].copy_from_slice(&id);
    (out, id)
}

/// The XOR-MAPPED-ADDRESS of a Binding success answering `id`; `None` for anything else.
pub fn mapped_address(answer: &[u8], id: &[u8; 12]) -> Option<SocketAddr> {
    let header = answer.get(..20)?;
    if u16::from_be_bytes([header[0], header[1]]) != BINDING_SUCCESS
        || header[4..8] != MAGIC.to_be_bytes()
        || header[8..20] != id[..]
    {
        return None;
    }
    let len = usize::from(u16::from_be_bytes([header[2], header[3]]));
    let mut attrs = answer.get(20..20 + len)?;
    while attrs.len() >= 4 {
        let kind = u16::from_be_bytes([attrs[0], attrs[1]]);
        let size = usize::from(u16::from_be_bytes([attrs[2], attrs[3]]));
        let value = attrs.get(4..4 + size)?;
        if kind == XOR_MAPPED_ADDRESS && size >= 8 {
            let port = u16::from_be_bytes([value[2], value[3]]) ^ (MAGIC >> 16) as u16;
            let ip = match value[1] {
                1 => {
                    let x = u32::from_be_bytes(value[4..8].try_into().ok()?) ^ MAGIC;
                    IpAddr::V4(Ipv4Addr::from(x))
                }
                2 if size >= 20 => {
                    let mut key = [0u8; 16];
                    key[..4].copy_from_slice(&MAGIC.to_be_bytes());
                    key[4..].copy_from_slice(id);
                    let mut b = [0u8; 16];
                    for (i, byte) in b.iter_mut().enumerate() {
                        *byte = value[4 + i] ^ key[i];
                    }
                    IpAddr::V6(Ipv6Addr::from(b))
                }
                _ => return None,
            };
            return Some(SocketAddr::new(ip, port));
        }
        // Attributes are padded to four bytes.
        attrs = attrs.get(4 + size.div_ceil(4) * 4..)?;
    }
    None
}

/// Asks `server` from `socket` (twice, `wait` each); the address it saw, or `None`.
pub fn public_address(
    socket: &UdpSocket,
    server: SocketAddr,
    wait: Duration,
) -> Option<SocketAddr> {
    let before = socket.read_timeout().ok().flatten();
    socket.set_read_timeout(Some(wait)).ok()?;
    let (msg, id) = request();
    let mut buf = [0u8; 576];
    let mut found = None;
    'tries: for _ in 0..2 {
        socket.send_to(&msg, server).ok()?;
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            if from == server
                && let Some(a) = mapped_address(&buf[..n], &id)
            {
                found = Some(a);
                break 'tries;
            }
        }
    }
    let _ = socket.set_read_timeout(before);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Binding success as a server writes it (RFC 8489 §14.2), with another attribute
    /// before the address to step over.
    fn answer(id: &[u8; 12], addr: SocketAddr) -> Vec<u8> {
        let mut attrs = vec![
            0x80, 0x22, 0x00, 0x05, b'b', b'e', b'c', b'k', b'o', 0, 0, 0,
        ];
        let SocketAddr::V4(v4) = addr else { panic!() };
        attrs.extend_from_slice(&XOR_MAPPED_ADDRESS.to_be_bytes());
        attrs.extend_from_slice(&8u16.to_be_bytes());
        attrs.extend_from_slice(&[0, 1]);
        attrs.extend_from_slice(&(v4.port() ^ (MAGIC >> 16) as u16).to_be_bytes());
        attrs.extend_from_slice(&(u32::from(*v4.ip()) ^ MAGIC).to_be_bytes());
        let mut out = BINDING_SUCCESS.to_be_bytes().to_vec();
        out.extend_from_slice(&(attrs.len() as u16).to_be_bytes());
        out.extend_from_slice(&MAGIC.to_be_bytes());
        out.extend_from_slice(id);
        out.extend_from_slice(&attrs);
        out
    }

    #[test]
    fn the_mapped_address_is_read_and_only_from_our_answer() {
        let (req, id) = request();
        assert_eq!(&req[..2], &[0, 1]);
        let addr: SocketAddr = "203.0.113.7:40123".parse().unwrap();
        let a = answer(&id, addr);
        assert_eq!(mapped_address(&a, &id), Some(addr));
        assert_eq!(mapped_address(&a, &[9; 12]), None, "another transaction");
        assert_eq!(mapped_address(&a[..a.len() - 3], &id), None, "cut short");
        assert_eq!(mapped_address(&[0u8; 7], &id), None);
    }
}
