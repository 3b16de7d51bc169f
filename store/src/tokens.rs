//! Random tokens and their hex form: a leaf every other server module may use.

/// A random token (128 bits, hex).
pub fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_round_trips_and_odd_or_foreign_text_is_refused() {
        assert_eq!(super::hex(&[0, 171, 255]), "00abff");
        assert_eq!(super::unhex("00abff"), Some(vec![0, 171, 255]));
        assert_eq!(super::unhex("abc"), None);
        assert_eq!(super::unhex("zz"), None);
        assert_eq!(super::unhex("é1"), None);
        assert_eq!(super::random_token().len(), 32);
    }
}
