//! Client addresses: allow lists of addresses and CIDR ranges (an API key may be limited to
//! its senders' addresses), and the real client behind trusted reverse proxies.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::IpAddr;

use super::ValidationError;

/// One address, or a CIDR range such as `10.0.0.0/8` or `2001:db8::/32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressRange {
    network: IpAddr,
    prefix: u8,
}

impl AddressRange {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().map_err(|_| format!("'{text}' is not an IP address or CIDR range"))?;
        let network = network.to_canonical();
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) => {
                p.parse::<u8>().ok().filter(|p| *p <= bits).ok_or_else(|| format!("'{text}' has a prefix length over {bits}"))?
            }
        };
        // Keep the network address itself, so `10.1.2.3/8` reads back as `10.0.0.0/8`.
        Ok(Self { network: masked(network, prefix), prefix })
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        address.is_ipv4() == self.network.is_ipv4() && masked(address, self.prefix) == self.network
    }
}

fn masked(address: IpAddr, prefix: u8) -> IpAddr {
    match address {
        IpAddr::V4(v4) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4((u32::from(v4) & mask).into())
        }
        IpAddr::V6(v6) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6((u128::from(v6) & mask).into())
        }
    }
}

impl fmt::Display for AddressRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let single = if self.network.is_ipv4() { 32 } else { 128 };
        if self.prefix == single {
            write!(f, "{}", self.network)
        } else {
            write!(f, "{}/{}", self.network, self.prefix)
        }
    }
}

/// A list of ranges, written as text separated by commas, spaces or new lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct AddressList(Vec<AddressRange>);

pub const MAX_RANGES: usize = 100;

impl AddressList {
    /// Parses a list; `field` names the input in the error.
    pub fn parse(text: &str, field: &str) -> Result<Self, ValidationError> {
        let mut ranges = Vec::new();
        let mut problems = Vec::new();
        for item in text.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()) {
            match AddressRange::parse(item) {
                Ok(range) if !ranges.contains(&range) => ranges.push(range),
                Ok(_) => {}
                Err(problem) => problems.push(problem),
            }
        }
        if ranges.len() > MAX_RANGES {
            problems.push(format!("at most {MAX_RANGES} addresses or ranges"));
        }
        if problems.is_empty() {
            Ok(Self(ranges))
        } else {
            Err(ValidationError::new(field, problems.join("; ")))
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// An allow list: an empty list allows every address.
    pub fn allows(&self, address: IpAddr) -> bool {
        self.is_empty() || self.contains(address)
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(address))
    }
}

impl fmt::Display for AddressList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let items: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&items.join(", "))
    }
}

impl From<AddressList> for String {
    fn from(list: AddressList) -> Self {
        list.to_string()
    }
}

impl TryFrom<String> for AddressList {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text, "addresses").map_err(|e| e.message)
    }
}

/// The address a request came from. A peer that is a trusted proxy speaks for the client in
/// `X-Forwarded-For`: walking that list from the right (the entries nearest to us), the first
/// address that is not itself a trusted proxy is the client. Anything else is the peer, so a
/// client cannot choose its own address by sending the header.
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted_proxies: &AddressList) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted_proxies.contains(peer) {
        return peer;
    }
    let hops = forwarded_for.unwrap_or("").split(',').rev().map(|hop| hop.trim().parse::<IpAddr>());
    let mut client = peer;
    for hop in hops {
        match hop {
            Ok(address) => {
                client = address.to_canonical();
                if !trusted_proxies.contains(client) {
                    break;
                }
            }
            // An entry that is not an address ends what can be trusted.
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_match_their_addresses_only() {
        let range = AddressRange::parse("10.1.2.3/8").unwrap();
        assert_eq!(range.to_string(), "10.0.0.0/8");
        assert!(range.contains(ip("10.200.0.1")));
        assert!(!range.contains(ip("11.0.0.1")));
        assert!(range.contains(ip("::ffff:10.0.0.9")), "IPv4-mapped IPv6 is the IPv4 address");
        let single = AddressRange::parse("203.0.113.7").unwrap();
        assert!(single.contains(ip("203.0.113.7")) && !single.contains(ip("203.0.113.8")));
        let v6 = AddressRange::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:1::5")) && !v6.contains(ip("2001:db9::1")) && !v6.contains(ip("10.0.0.1")));
        assert!(AddressRange::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        for bad in ["10.0.0.0/33", "example.com", "10.0.0", "::1/129", "1.2.3.4/x"] {
            assert!(AddressRange::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lists_parse_every_separator_and_report_every_problem() {
        let list = AddressList::parse(" 203.0.113.7,10.0.0.0/8\n2001:db8::/32  203.0.113.7 ", "allowed_addresses").unwrap();
        assert_eq!(list.to_string(), "203.0.113.7, 10.0.0.0/8, 2001:db8::/32");
        assert!(list.allows(ip("10.9.9.9")) && !list.allows(ip("192.0.2.1")));
        assert!(AddressList::default().allows(ip("192.0.2.1")), "an empty allow list allows everyone");
        let error = AddressList::parse("nope, 10.0.0.0/99", "allowed_addresses").unwrap_err();
        assert_eq!(error.field, "allowed_addresses");
        assert!(error.message.contains("'nope'") && error.message.contains("10.0.0.0/99"), "{}", error.message);
        let json = serde_json::to_string(&list).unwrap();
        assert_eq!(serde_json::from_str::<AddressList>(&json).unwrap(), list);
    }

    #[test]
    fn only_trusted_proxies_speak_for_the_client() {
        let proxies = AddressList::parse("127.0.0.1, 10.0.0.0/8", "p").unwrap();
        // A direct client's header is ignored.
        assert_eq!(client_address(ip("198.51.100.4"), Some("1.1.1.1"), &proxies), ip("198.51.100.4"));
        // Behind two proxies, the first untrusted hop from the right is the client.
        assert_eq!(client_address(ip("127.0.0.1"), Some("1.1.1.1, 198.51.100.4, 10.0.0.2"), &proxies), ip("198.51.100.4"));
        // A proxy without the header is the client as far as anyone can tell.
        assert_eq!(client_address(ip("127.0.0.1"), None, &proxies), ip("127.0.0.1"));
        assert_eq!(client_address(ip("127.0.0.1"), Some("garbage"), &proxies), ip("127.0.0.1"));
        assert_eq!(client_address(ip("127.0.0.1"), Some("198.51.100.4"), &AddressList::default()), ip("127.0.0.1"));
    }
}
