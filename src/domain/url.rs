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

/// Percent-encodes one segment of a path, such as a user's email in `/p/aurora/u/<email>`:
/// as `encode_component` but `/` is encoded (it would end the segment), while `@` and `+`
/// stay as they are, since a browser router decodes a path with `decodeURI`, which leaves
/// `%40` and `%2B` encoded.
pub fn encode_path_segment(value: &str) -> String {
    encode_component(value).replace('/', "%2F").replace("%40", "@").replace("%2B", "+")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_encoded() {
        assert_eq!(encode_component("/p/a?q=x y&z"), "/p/a%3Fq%3Dx%20y%26z");
        assert_eq!(encode_component("Ünï%"), "%C3%9Cn%C3%AF%25");
    }

    #[test]
    fn a_path_segment_keeps_at_and_plus() {
        assert_eq!(encode_path_segment("ada+beta@example.com"), "ada+beta@example.com");
        assert_eq!(encode_path_segment("a b/c?"), "a%20b%2Fc%3F");
    }
}
