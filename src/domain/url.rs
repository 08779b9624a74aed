//! Building URLs: one percent-encoder for query values, shared by server redirects and the
//! links pages draw.

/// Percent-encodes a query value. Unreserved characters and `/` (legal in a query, and kept
/// so `next=/p/aurora/users` stays readable) pass through; everything else is `%XX`.
pub fn encode_component(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_encoded() {
        assert_eq!(encode_component("/p/a?q=x y&z"), "/p/a%3Fq%3Dx%20y%26z");
        assert_eq!(encode_component("Ünï%"), "%C3%9Cn%C3%AF%25");
    }
}
