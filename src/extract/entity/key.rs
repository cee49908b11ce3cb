//! Normalised keys of entity names, so the same artifact written differently in different
//! papers is one node: `Llama-3.1-8B`, `LLaMA 3.1 8B` and `llama-3.1-8b` share the key
//! `llama-3.1-8b`.

use unicode_normalization::UnicodeNormalization;

/// The key of a name: NFKC, lower case, every run of characters other than letters, digits,
/// `+`, `.`, `@` and `&` folded to one `-` (so spaces, hyphens and underscores meet), no
/// leading or trailing separators. Dots survive only between two alphanumerics (`3.1`,
/// `llama.cpp`), so a sentence end never becomes part of a key.
pub fn entity_key(text: &str) -> String {
    // ASCII is its own NFKC form, and lower-cases byte by byte: most names take this path.
    let chars: Vec<char> = if text.is_ascii() { text.bytes().map(|b| char::from(b.to_ascii_lowercase())).collect() } else { text.nfkc().flat_map(char::to_lowercase).collect() };
    let mut out = String::with_capacity(chars.len());
    let mut gap = false;
    for (i, &c) in chars.iter().enumerate() {
        let keep = c.is_alphanumeric()
            || matches!(c, '+' | '@' | '&')
            || (c == '.' && i > 0 && chars[i - 1].is_alphanumeric() && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()));
        if keep {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    out
}

/// The separator-free matching form of a name: lower case letters, digits and `+` only
/// (`Claude-3.5 Sonnet` and `Claude 3.5-Sonnet` are both `claude35sonnet`). Gazetteer
/// lookups and URL repository names compare in this form.
pub fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() || c == '+' {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// A model size or context-length suffix: `7B`, `1.1B`, `540B`, `770M`, `8x7B`, `128K`.
pub fn is_size(word: &str) -> bool {
    let w = word.as_bytes();
    let Some((&last, body)) = w.split_last() else { return false };
    if !matches!(last, b'B' | b'M' | b'K' | b'T' | b'b' | b'm' | b'k') || body.is_empty() || !body[0].is_ascii_digit() {
        return false;
    }
    // digits, optionally one '.', or an "NxM" expert count.
    let mut seen_x = false;
    let mut seen_dot = false;
    for (i, &b) in body.iter().enumerate() {
        match b {
            b'0'..=b'9' => {}
            b'.' if !seen_dot && i > 0 && i + 1 < body.len() => seen_dot = true,
            b'x' if !seen_x && i > 0 && i + 1 < body.len() => seen_x = true,
            _ => return false,
        }
    }
    true
}

/// The family of a size variant: `llama-3.1-8b` -> `llama-3.1`, `mathscale-7b` ->
/// `mathscale`, `qwen2-7b-128k` -> `qwen2`. `None` when the key has no size part.
pub fn size_family(key: &str) -> Option<String> {
    let parts: Vec<&str> = key.split('-').collect();
    let first_size = parts.iter().position(|p| is_size(p))?;
    (first_size > 0).then(|| parts[..first_size].join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_spelling_variants() {
        assert_eq!(entity_key("Llama-3.1-8B"), "llama-3.1-8b");
        assert_eq!(entity_key("LLaMA 3.1 8B"), "llama-3.1-8b");
        assert_eq!(entity_key("llama_3.1  8b"), "llama-3.1-8b");
        assert_eq!(entity_key("SWE-bench Lite"), "swe-bench-lite");
        assert_eq!(entity_key("HumanEval+"), "humaneval+");
        assert_eq!(entity_key("pass@k"), "pass@k");
        assert_eq!(entity_key("llama.cpp."), "llama.cpp");
        assert_eq!(entity_key("Sieve-&-Swap"), "sieve-&-swap");
        assert_eq!(entity_key("ＧＰＴ-４"), "gpt-4", "NFKC folds full-width forms");
        assert_ne!(entity_key("GPT-4"), entity_key("GPT-4o"));
    }

    #[test]
    fn compact_forms_meet() {
        assert_eq!(compact("Claude-3.5 Sonnet"), compact("Claude 3.5-Sonnet"));
        assert_eq!(compact("Flag Aggregator"), compact("FlagAggregator"));
        assert_eq!(compact("MiniWob++"), "miniwob++");
    }

    #[test]
    fn sizes_and_families() {
        for s in ["7B", "1.1B", "540B", "770M", "8x7B", "128K", "2b"] {
            assert!(is_size(s), "{s}");
        }
        for s in ["B", "7", "GPT", "B7", "1.B", "x7B", "7.5.1B", "H100"] {
            assert!(!is_size(s), "{s}");
        }
        assert_eq!(size_family("llama-3.1-8b").as_deref(), Some("llama-3.1"));
        assert_eq!(size_family("qwen2-7b-128k").as_deref(), Some("qwen2"));
        assert_eq!(size_family("mixtral-8x7b").as_deref(), Some("mixtral"));
        assert_eq!(size_family("gpt-4o"), None);
        assert_eq!(size_family("7b"), None);
    }
}
