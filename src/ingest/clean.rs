//! Text cleaning and id derivation: turns a parsed paper into a canonical one.
//!
//! Entry point: [`finalize`]. Text rules, in order: HTML/JATS tags stripped and entities
//! decoded; TeX text-mode accents and escapes turned into Unicode; TeX grouping braces
//! dropped; math (`$..$`, `$$..$$`, `\(..\)`, `\[..\]`) kept verbatim and recorded as a span
//! (an unbalanced `$` opens none); hard line wraps joined and whitespace collapsed; NFC.
//! Offsets are half-open Unicode code-point offsets into the cleaned text.

use crate::ingest::ids::{arxiv_from_doi, normalize_doi, parse_arxiv};
use crate::model::{Author, Paper, PartialDate};
use memchr::{memchr, memchr2, memchr3};
use sha2::{Digest, Sha256};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Longest accepted title, in bytes.
pub const MAX_TITLE_BYTES: usize = 4 * 1024;
/// Longest accepted abstract, in bytes (real abstracts stay far below; a larger one is a
/// full text or a broken record).
pub const MAX_ABSTRACT_BYTES: usize = 64 * 1024;
/// Deepest accepted brace nesting in TeX text.
pub const MAX_BRACE_DEPTH: usize = 64;

/// Cleaned text and the math spans inside it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cleaned {
    pub text: String,
    pub math: Vec<[usize; 2]>,
    /// Whether cleaning changed more than whitespace (then the source text is worth keeping).
    pub changed: bool,
}

/// Clean a short inline field (an author name, a venue, a keyword).
pub fn clean_inline(s: &str) -> String {
    if is_clean_inline(s) {
        return s.to_string();
    }
    clean_text(s).text
}

/// Clean an inline field in place; no allocation when it is already clean.
pub fn clean_inline_in_place(s: &mut String) {
    if !is_clean_inline(s) {
        *s = clean_text(s).text;
    }
}

/// True when [`clean_text`] would return `s` unchanged (cheap check for short fields).
fn is_clean_inline(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0] != b' '
        && b[b.len() - 1] != b' '
        && !b.windows(2).any(|w| w == b"  ")
        && !b.iter().any(|&c| c < b' ' || matches!(c, b'\\' | b'$' | b'<' | b'&' | b'{' | b'}' | b'~'))
        && (s.is_ascii() || (!needs_nfc(s) && !s.chars().any(|c| !c.is_ascii() && c.is_whitespace())))
}

/// Clean one text field. Never fails: over-deep braces are rejected before, by
/// [`finalize`] with [`brace_depth`].
pub fn clean_text(raw: &str) -> Cleaned {
    let has_markup = memchr2(b'<', b'&', raw.as_bytes()).is_some();
    let has_tex = next_tex_special(raw.as_bytes(), 0).is_some();
    let mut out = Cleaned { text: String::with_capacity(raw.len()), math: Vec::new(), changed: false };
    let mut gap = Gap::default();
    if !has_markup && !has_tex {
        if needs_nfc(raw) {
            let normalized: String = raw.nfc().collect();
            collapse_into(&mut out.text, &normalized, &mut gap);
            out.changed = true;
        } else {
            collapse_into(&mut out.text, raw, &mut gap);
        }
        return out;
    }
    let stripped;
    let src = if has_markup {
        let (text, changed) = strip_markup(raw);
        stripped = text;
        out.changed |= changed;
        stripped.as_str()
    } else {
        raw
    };
    let mut pieces: Vec<(String, bool)> = Vec::new();
    out.changed |= tex_to_pieces(src, &mut pieces);
    // Normalise each piece on its own and count code points as we go, so offsets are exact.
    let mut chars = 0usize;
    for (piece, is_math) in pieces {
        let piece = if needs_nfc(&piece) {
            out.changed = true;
            piece.nfc().collect()
        } else {
            piece
        };
        let before = out.text.len();
        let space_before = collapse_into(&mut out.text, &piece, &mut gap);
        let start = chars + space_before as usize;
        chars += count_chars(&out.text[before..]);
        if is_math && chars > start {
            out.math.push([start, chars]);
        }
    }
    out
}

/// The index of the next TeX special (`\\ $ { } ~`) at or after `from` (SIMD search).
fn next_tex_special(b: &[u8], from: usize) -> Option<usize> {
    let rest = b.get(from..)?;
    match (memchr3(b'\\', b'$', b'{', rest), memchr2(b'}', b'~', rest)) {
        (Some(x), Some(y)) => Some(from + x.min(y)),
        (Some(x), None) | (None, Some(x)) => Some(from + x),
        (None, None) => None,
    }
}

/// Whitespace state carried across the pieces of one field.
#[derive(Default)]
struct Gap {
    pending: bool,
    newline: bool,
}

/// Append `s` to `out` with whitespace runs collapsed to one space (none at the start or
/// end), joining "key-\nvalue" hard wraps. Copies runs of text in bulk. Returns whether a
/// space was written before the first character of `s`.
fn collapse_into(out: &mut String, s: &str, gap: &mut Gap) -> bool {
    // Fast path for the common shape, lines of ASCII words with single spaces joined by
    // newlines (arXiv abstracts): each line is copied whole.
    let mut first_space = None;
    let mut rest = s;
    loop {
        let (line, next) = match memchr(b'\n', rest.as_bytes()) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let inner = line.trim_matches(' ');
        let simple = inner.is_ascii()
            && memchr3(b'\t', b'\r', 0x0b, inner.as_bytes()).is_none()
            && memchr(0x0c, inner.as_bytes()).is_none()
            && !inner.contains("  ");
        if simple {
            if inner.len() < line.len() && line.starts_with(' ') {
                gap.pending |= !out.is_empty();
            }
            let wrote = push_run(out, inner, gap);
            if !inner.is_empty() {
                first_space.get_or_insert(wrote);
            }
            if inner.len() < line.len() && line.ends_with(' ') {
                gap.pending |= !out.is_empty();
            }
        } else {
            let wrote = collapse_slow(out, line, gap);
            if !line.trim().is_empty() {
                first_space.get_or_insert(wrote);
            }
        }
        match next {
            Some(n) => {
                gap.pending |= !out.is_empty();
                gap.newline = true;
                rest = n;
            }
            None => break,
        }
    }
    first_space.unwrap_or(false)
}

/// [`collapse_into`] for any text, byte by byte.
fn collapse_slow(out: &mut String, s: &str, gap: &mut Gap) -> bool {
    let b = s.as_bytes();
    let n = b.len();
    let mut i = 0;
    let mut run = 0;
    let mut first_space = None;
    while i < n {
        let c = b[i];
        // A single space between two words is kept as it is: no need to break the run.
        if c == b' ' && i > run && i + 1 < n && !may_be_space(b[i + 1]) {
            i += 2;
            continue;
        }
        let (ws, len) = if c < 0x80 {
            (ASCII_SPACE[c as usize], 1)
        } else {
            let ch = s[i..].chars().next().unwrap_or(' ');
            (ch.is_whitespace(), ch.len_utf8())
        };
        if !ws {
            i += len;
            continue;
        }
        let wrote = push_run(out, &s[run..i], gap);
        first_space.get_or_insert(wrote);
        // Consume the whole whitespace run.
        while i < n {
            let c = b[i];
            let (ws, len) = if c < 0x80 {
                (ASCII_SPACE[c as usize], 1)
            } else {
                let ch = s[i..].chars().next().unwrap_or('x');
                (ch.is_whitespace(), ch.len_utf8())
            };
            if !ws {
                break;
            }
            gap.newline |= c == b'\n' || (c >= 0x80 && matches!(s[i..].chars().next(), Some('\u{2028}' | '\u{2029}' | '\u{85}')));
            i += len;
        }
        gap.pending |= !out.is_empty();
        run = i;
    }
    let wrote = push_run(out, &s[run..], gap);
    first_space.get_or_insert(wrote);
    first_space.unwrap_or(false)
}

/// ASCII whitespace as `char::is_whitespace` sees it.
const ASCII_SPACE: [bool; 128] = {
    let mut t = [false; 128];
    t[b' ' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\t' as usize] = true;
    t[b'\r' as usize] = true;
    t[0x0b] = true;
    t[0x0c] = true;
    t
};

/// Whether a byte could start a whitespace character (ASCII space or any non-ASCII lead).
fn may_be_space(b: u8) -> bool {
    b >= 0x80 || ASCII_SPACE[b as usize]
}

/// Push a run without whitespace, preceded by the pending space if any; returns whether a
/// space was written.
fn push_run(out: &mut String, run: &str, gap: &mut Gap) -> bool {
    if run.is_empty() {
        return false;
    }
    let mut wrote = false;
    if gap.pending {
        let join = gap.newline && run.chars().next().is_some_and(char::is_alphanumeric) && hyphen_follows_word(out);
        if !join {
            out.push(' ');
            wrote = true;
        }
    }
    gap.pending = false;
    gap.newline = false;
    out.push_str(run);
    wrote
}

fn count_chars(s: &str) -> usize {
    s.bytes().filter(|&b| (b as i8) >= -0x40).count()
}

/// Whether NFC could change `s`: only text with code points from U+0300 (combining marks
/// and up) can be affected.
fn needs_nfc(s: &str) -> bool {
    !s.is_ascii()
        && s.chars().any(|c| {
            c >= '\u{300}'
                && (unicode_normalization::char::canonical_combining_class(c) != 0
                    || is_nfc_quick(std::iter::once(c)) != IsNormalized::Yes)
        })
}

fn hyphen_follows_word(text: &str) -> bool {
    let mut it = text.chars().rev();
    it.next() == Some('-') && it.next().is_some_and(char::is_alphanumeric)
}

fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    collapse_into(&mut out, s, &mut Gap::default());
    out
}

/// The deepest brace nesting outside math, for rejecting TeX bombs before cleaning.
pub fn brace_depth(s: &str) -> usize {
    if memchr(b'{', s.as_bytes()).is_none() {
        return 0;
    }
    let (mut depth, mut max) = (0usize, 0usize);
    let mut escaped = false;
    for b in s.bytes() {
        match b {
            b'\\' => {
                escaped = !escaped;
                continue;
            }
            b'{' if !escaped => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' if !escaped => depth = depth.saturating_sub(1),
            _ => {}
        }
        escaped = false;
    }
    max
}

/// Strip HTML/JATS/MathML-like tags and decode character entities. A `<` that does not
/// open a well-formed tag (`a < b`) is kept.
fn strip_markup(s: &str) -> (String, bool) {
    let mut out = String::with_capacity(s.len());
    let mut changed = false;
    let mut rest = s;
    while let Some(pos) = rest.find(['<', '&']) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(after) = tail.strip_prefix('<') {
            if let Some(len) = tag_len(tail) {
                let name = tail[1..len].trim_start_matches('/');
                let name = name.split(|c: char| c.is_whitespace() || c == '>' || c == '/').next().unwrap_or("");
                let local = name.rsplit(':').next().unwrap_or(name).to_ascii_lowercase();
                if matches!(local.as_str(), "p" | "br" | "div" | "title" | "sec" | "li" | "ul" | "ol" | "abstract") {
                    out.push(' ');
                }
                rest = &tail[len..];
                changed = true;
                continue;
            }
            out.push('<');
            rest = after;
        } else if let Some((c, len)) = entity(tail) {
            out.push(c);
            rest = &tail[len..];
            changed = true;
        } else {
            out.push('&');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    (out, changed)
}

/// Length of a tag at the start of `s` (`<p>`, `</jats:p>`, `<a href="x">`, `<br/>`).
fn tag_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 1;
    if b.get(i) == Some(&b'/') {
        i += 1;
    }
    if !b.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b':' | b'_' | b'-')) {
        i += 1;
    }
    let mut quote: Option<u8> = None;
    while i < b.len() && i < 512 {
        match (b[i], quote) {
            (b'>', None) => return Some(i + 1),
            (b'<', None) => return None,
            (q @ (b'"' | b'\''), None) => quote = Some(q),
            (q, Some(open)) if q == open => quote = None,
            _ => {}
        }
        i += 1;
    }
    None
}

fn entity(s: &str) -> Option<(char, usize)> {
    let end = s.bytes().take(12).position(|b| b == b';')?;
    let name = &s[1..end];
    let c = if let Some(num) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        char::from_u32(u32::from_str_radix(num, 16).ok()?)?
    } else if let Some(num) = name.strip_prefix('#') {
        char::from_u32(num.parse().ok()?)?
    } else {
        match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => ' ',
            "ndash" => '–',
            "mdash" => '—',
            "hellip" => '…',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

/// Combining mark for a TeX accent command.
fn accent_mark(cmd: &str) -> Option<char> {
    Some(match cmd {
        "\"" => '\u{308}',
        "'" => '\u{301}',
        "`" => '\u{300}',
        "^" => '\u{302}',
        "~" => '\u{303}',
        "=" => '\u{304}',
        "." => '\u{307}',
        "u" => '\u{306}',
        "v" => '\u{30C}',
        "H" => '\u{30B}',
        "c" => '\u{327}',
        "k" => '\u{328}',
        "r" => '\u{30A}',
        "d" => '\u{323}',
        "b" => '\u{331}',
        _ => return None,
    })
}

/// Letters and symbols written as TeX commands in text mode.
fn text_symbol(cmd: &str) -> Option<&'static str> {
    Some(match cmd {
        "ss" => "ß",
        "o" => "ø",
        "O" => "Ø",
        "l" => "ł",
        "L" => "Ł",
        "ae" => "æ",
        "AE" => "Æ",
        "oe" => "œ",
        "OE" => "Œ",
        "aa" => "å",
        "AA" => "Å",
        "i" => "ı",
        "j" => "ȷ",
        "&" => "&",
        "%" => "%",
        "$" => "$",
        "#" => "#",
        "_" => "_",
        "{" => "{",
        "}" => "}",
        " " => " ",
        "," => " ",
        ";" => " ",
        "textbackslash" => "\\",
        "textasciitilde" => "~",
        "textasciicircum" => "^",
        "textendash" => "–",
        "textemdash" => "—",
        "textquoteright" => "’",
        "textquoteleft" => "‘",
        "textregistered" => "®",
        "texttrademark" => "™",
        "textdegree" => "°",
        "ldots" | "dots" | "textellipsis" => "…",
        "LaTeX" => "LaTeX",
        "TeX" => "TeX",
        "S" => "§",
        "P" => "¶",
        "pounds" => "£",
        "copyright" => "©",
        "euro" => "€",
        _ => return None,
    })
}

/// Commands whose braced argument is kept as plain text.
fn is_text_wrapper(cmd: &str) -> bool {
    matches!(
        cmd,
        "textbf" | "textit" | "emph" | "texttt" | "textsc" | "textrm" | "textsf" | "textsl" | "underline" | "mbox"
            | "text" | "url" | "href" | "uppercase" | "lowercase" | "textup" | "textmd" | "textnormal" | "hbox"
    )
}

/// Font switches inside a group: `{\em X}`, `{\bf X}`.
fn is_font_switch(cmd: &str) -> bool {
    matches!(cmd, "em" | "it" | "bf" | "tt" | "sc" | "rm" | "sf" | "sl" | "small" | "large" | "normalfont" | "itshape" | "bfseries")
}

/// Split TeX-bearing text into (text, is_math) pieces with text-mode TeX turned to Unicode.
/// Works on bytes: every TeX special is ASCII, so runs between them are copied whole.
/// Returns whether any TeX outside math was rewritten.
fn tex_to_pieces(s: &str, pieces: &mut Vec<(String, bool)>) -> bool {
    let b = s.as_bytes();
    let n = b.len();
    let mut text = String::with_capacity(s.len());
    let mut changed = false;
    let mut i = 0;
    let mut run = 0;
    while let Some(at) = next_tex_special(b, i) {
        let start = at;
        let c = b[start];
        text.push_str(&s[run..start]);
        let before = text.len();
        let pieces_before = pieces.len();
        i = start;
        i = match c {
            b'$' => {
                let open = if b.get(i + 1) == Some(&b'$') { 2 } else { 1 };
                match find_math_end(b, i + open, &b"$$"[..open]) {
                    Some(end) => {
                        flush(&mut text, pieces);
                        pieces.push((s[i..end].to_string(), true));
                        end
                    }
                    None => {
                        text.push('$');
                        i + 1
                    }
                }
            }
            b'\\' if matches!(b.get(i + 1), Some(b'(') | Some(b'[')) => {
                let close: &[u8] = if b[i + 1] == b'(' { b"\\)" } else { b"\\]" };
                match find_math_end(b, i + 2, close) {
                    Some(end) => {
                        flush(&mut text, pieces);
                        pieces.push((s[i..end].to_string(), true));
                        end
                    }
                    None => {
                        text.push('\\');
                        i + 1
                    }
                }
            }
            b'\\' => tex_command(s, i, &mut text),
            // "{--}" and "{---}" are BibTeX's protected dashes; other braces are grouping.
            b'{' if b[i + 1..].starts_with(b"---}") => {
                text.push('—');
                i + 5
            }
            b'{' if b[i + 1..].starts_with(b"--}") => {
                text.push('–');
                i + 4
            }
            b'~' => {
                text.push(' ');
                i + 1
            }
            _ => i + 1,
        };
        // A math piece was pushed, or the text now differs from the source here.
        if pieces.len() == pieces_before {
            changed |= text.get(before..) != s.get(start..i);
        }
        run = i;
    }
    text.push_str(&s[run.min(n)..]);
    flush(&mut text, pieces);
    changed
}

fn flush(text: &mut String, pieces: &mut Vec<(String, bool)>) {
    if !text.is_empty() {
        pieces.push((std::mem::take(text), false));
    }
}

/// Index just past the closing delimiter of a math span whose content starts at `from`, if
/// it closes before the end of the text. Escaped dollars (`\$`) do not close; an empty span
/// (`$$` read as two single dollars) is not math.
fn find_math_end(b: &[u8], from: usize, close: &[u8]) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        if b[i] == b'\\' && close[0] == b'$' {
            i += 2;
            continue;
        }
        if b[i..].starts_with(close) {
            return (i > from).then_some(i + close.len());
        }
        i += 1;
    }
    None
}

/// Handle a backslash command at byte `i` in text mode; returns the byte index after it.
fn tex_command(s: &str, i: usize, out: &mut String) -> usize {
    let b = s.as_bytes();
    let n = b.len();
    let mut j = i + 1;
    if j >= n {
        out.push('\\');
        return j;
    }
    let letter_cmd = b[j].is_ascii_alphabetic();
    if letter_cmd {
        while j < n && b[j].is_ascii_alphabetic() {
            j += 1;
        }
    } else {
        j += s[j..].chars().next().map_or(1, char::len_utf8);
    }
    let name = &s[i + 1..j];
    if let Some(mark) = accent_mark(name) {
        // \"a  \"{a}  \c{c}  \v s  \'{\i}
        let mut k = j;
        if letter_cmd {
            if b.get(k) == Some(&b' ') {
                k += 1;
            } else if b.get(k) != Some(&b'{') {
                return unknown_command(s, name, j, out);
            }
        }
        if let Some((base, next)) = accent_argument(s, k) {
            out.push(base);
            out.push(mark);
            return next;
        }
        return unknown_command(s, name, j, out);
    }
    if let Some(sym) = text_symbol(name) {
        out.push_str(sym);
        // A short letter command eats one following space ("\ss e" = "ße"), as TeX does.
        if letter_cmd && b.get(j) == Some(&b' ') && name.len() <= 2 {
            j += 1;
        } else if letter_cmd && b[j..].starts_with(b"{}") {
            j += 2;
        }
        return j;
    }
    if is_font_switch(name) {
        return if b.get(j) == Some(&b' ') { j + 1 } else { j };
    }
    if is_text_wrapper(name) {
        return j; // the braces around the argument are dropped by the caller
    }
    unknown_command(s, name, j, out)
}

/// An unknown command is kept as written, with its braced argument, if any.
fn unknown_command(s: &str, name: &str, next: usize, out: &mut String) -> usize {
    out.push('\\');
    out.push_str(name);
    let b = s.as_bytes();
    if b.get(next) != Some(&b'{') {
        return next;
    }
    let mut depth = 0usize;
    for (k, &c) in b.iter().enumerate().skip(next) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    out.push_str(&s[next..=k]);
                    return k + 1;
                }
            }
            _ => {}
        }
    }
    out.push_str(&s[next..]);
    b.len()
}

/// The base letter of an accent at byte `k`: `a`, `{a}`, `{\i}`, `\i`.
fn accent_argument(s: &str, k: usize) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let braced = b.get(k) == Some(&b'{');
    let k = k + braced as usize;
    let (base, mut next) = if b.get(k) == Some(&b'\\') && matches!(b.get(k + 1), Some(b'i') | Some(b'j')) {
        (b[k + 1] as char, k + 2)
    } else {
        let c = s.get(k..)?.chars().next().filter(|c| c.is_alphabetic())?;
        (c, k + c.len_utf8())
    };
    if braced {
        if b.get(next) != Some(&b'}') {
            return None;
        }
        next += 1;
    }
    Some((base, next))
}

/// Lower-case, accent-free, punctuation-free form of a title, for fingerprints and ids.
pub fn normalize_title(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    if title.is_ascii() {
        // What the loop below gives for ASCII (its own NFKD form, no combining marks),
        // without decomposing: most titles take this path.
        for b in title.bytes() {
            if b.is_ascii_alphanumeric() {
                out.push(b.to_ascii_lowercase() as char);
            } else if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
        }
        out.truncate(out.trim_end().len());
        return out;
    }
    normalize_title_chars(title, out)
}

/// [`normalize_title`] for any text, into `out`.
fn normalize_title_chars(title: &str, mut out: String) -> String {
    for c in title.nfkd() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if unicode_normalization::char::is_combining_mark(c) {
            continue;
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// The id of a paper whose source gives none of the known ids: `t-` and the first 16 hex
/// digits of SHA-256 over the normalised title ([`normalize_title`]), so the same title
/// always gets the same id, whatever its case, accents or punctuation.
pub fn title_id(title: &str) -> String {
    let digest = Sha256::digest(normalize_title(title).as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("t-{hex}")
}

/// Clean author names and affiliations in place. Idempotent, so a build can apply it again to
/// a stored record written before a rule was added.
pub fn clean_authors(authors: &mut Vec<Author>) {
    for a in authors.iter_mut() {
        clean_inline_in_place(&mut a.name);
        for aff in &mut a.affiliations {
            clean_inline_in_place(aff);
        }
    }
    // arXiv writes a collaboration as `["X Collaboration", ":", "A. Author", ...]`: a name with
    // no letter or digit in it is punctuation, not an author.
    authors.retain(|a| a.name.chars().any(char::is_alphanumeric));
}

/// Turn a parsed record into a canonical paper: check limits, clean the text, fill implied
/// ids and dates, find links in the text, derive the id. `Err` is the rejection reason.
pub fn finalize(mut p: Paper) -> Result<Paper, String> {
    if p.title.len() > MAX_TITLE_BYTES {
        return Err(format!("title is {} bytes, over the {MAX_TITLE_BYTES}-byte limit", p.title.len()));
    }
    if p.abstract_text.len() > MAX_ABSTRACT_BYTES {
        return Err(format!("abstract is {} bytes, over the {MAX_ABSTRACT_BYTES}-byte limit", p.abstract_text.len()));
    }
    for (field, text) in [("title", &p.title), ("abstract", &p.abstract_text)] {
        let depth = brace_depth(text);
        if depth > MAX_BRACE_DEPTH {
            return Err(format!("{field} nests braces {depth} deep, over the limit of {MAX_BRACE_DEPTH}"));
        }
    }
    let title = clean_text(&p.title);
    let abs = clean_text(&p.abstract_text);
    if title.text.is_empty() && abs.text.is_empty() {
        return Err("record has neither title nor abstract".into());
    }
    // The source text is kept when cleaning changed more than whitespace (line wraps alone
    // carry no information and would double the size of every arXiv record).
    if title.changed {
        p.original.title = Some(std::mem::take(&mut p.title));
    }
    if abs.changed {
        p.original.abstract_text = Some(std::mem::take(&mut p.abstract_text));
    }
    p.title = title.text;
    p.abstract_text = abs.text;
    p.math_spans.title = title.math;
    p.math_spans.abstract_text = abs.math;

    clean_authors(&mut p.authors);
    for k in &mut p.keywords {
        clean_inline_in_place(k);
    }
    p.keywords.retain(|k| !k.is_empty());
    dedup_keep_order(&mut p.keywords);
    dedup_keep_order(&mut p.categories);
    if let Some(v) = p.venue.take() {
        p.venue = Some(clean_inline(&v)).filter(|v| !v.is_empty());
    }
    if let Some(c) = p.comment.take() {
        p.comment = Some(collapse_ws(&c)).filter(|c| !c.is_empty());
    }

    // Implied ids: the input's own id, arXiv DOIs.
    let own = std::mem::take(&mut p.id);
    let own = own.trim();
    if !own.is_empty() {
        if let Some(ax) = parse_arxiv(own) {
            add_arxiv(&mut p, ax.base, ax.version);
        } else if let Some(doi) = normalize_doi(own) {
            p.ids.doi.get_or_insert(doi);
        } else if !p.ids.other.iter().any(|o| o == own) {
            p.ids.other.push(own.to_string());
        }
    }
    if let Some(doi) = p.ids.doi.clone() {
        match normalize_doi(&doi) {
            Some(d) => {
                if let Some(ax) = arxiv_from_doi(&d) {
                    add_arxiv(&mut p, ax.base, ax.version);
                }
                p.ids.doi = Some(d);
            }
            None => p.ids.doi = None,
        }
    }
    p.ids.arxiv_versions.sort_unstable();
    p.ids.arxiv_versions.dedup();
    if let Some(ax) = p.ids.arxiv.as_deref().and_then(parse_arxiv) {
        if let Some((y, m)) = ax.month() {
            p.id_date = PartialDate::month(y, m);
        }
        if p.links.abs.is_none() {
            p.links.abs = Some(format!("https://arxiv.org/abs/{}", ax.base));
        }
    }
    find_links(&mut p);

    p.id = if !own.is_empty() { own.to_string() } else { derive_id(&p) };
    Ok(p)
}

fn add_arxiv(p: &mut Paper, base: String, version: Option<u32>) {
    if p.ids.arxiv.is_none() {
        p.ids.arxiv = Some(base);
    }
    if let Some(v) = version {
        p.ids.arxiv_versions.push(v);
    }
}

/// The id order for records without their own: arXiv base id, DOI, ACL id, OpenAlex id,
/// S2 id, then [`title_id`].
pub fn derive_id(p: &Paper) -> String {
    p.ids
        .arxiv
        .clone()
        .or_else(|| p.ids.doi.clone())
        .or_else(|| p.ids.acl.clone())
        .or_else(|| p.ids.openalex.clone())
        .or_else(|| p.ids.s2.clone())
        .unwrap_or_else(|| title_id(&p.title))
}

fn dedup_keep_order(v: &mut Vec<String>) {
    // Lists are short (categories, keywords): a quadratic scan beats hashing.
    let mut i = 0;
    while i < v.len() {
        if v[..i].contains(&v[i]) {
            v.remove(i);
        } else {
            i += 1;
        }
    }
}

/// Collect URLs from the abstract and comment: code hosts go to `links.code`, others to
/// `links.other`.
fn find_links(p: &mut Paper) {
    let texts = [p.abstract_text.as_str(), p.comment.as_deref().unwrap_or("")];
    let mut found: Vec<String> = Vec::new();
    for text in texts {
        let mut rest = text;
        while let Some(pos) = rest.find("http") {
            let tail = &rest[pos..];
            if !(tail.starts_with("https://") || tail.starts_with("http://")) {
                rest = &tail[4..];
                continue;
            }
            let end = tail.find(|c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>' | '}' | '{')).unwrap_or(tail.len());
            let url = tail[..end].trim_end_matches(['.', ',', ';', ':', ')', ']', '\'']);
            if url.len() > "https://".len() + 3 {
                found.push(url.to_string());
            }
            rest = &tail[end..];
        }
    }
    for url in found {
        let host = url.split("://").nth(1).unwrap_or("").split('/').next().unwrap_or("").to_ascii_lowercase();
        let is_code = ["github.com", "gitlab.com", "huggingface.co", "bitbucket.org", "codeberg.org"].iter().any(|h| host == *h || host.ends_with(&format!(".{h}")))
            && host != "pages.github.com"
            && !host.ends_with(".github.io");
        let bucket = if is_code { &mut p.links.code } else { &mut p.links.other };
        if !bucket.contains(&url) {
            bucket.push(url);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> String {
        clean_text(s).text
    }

    #[test]
    fn ascii_titles_normalise_as_the_unicode_path_does() {
        for t in ["Attention Is All You Need", "  GPT-4o: a (Very) Large\tModel!  ", "x", "", "--", "A/B testing, v2.0; 100% #1", "\u{1}ctrl\u{7f}chars"] {
            assert_eq!(normalize_title(t), normalize_title_chars(t, String::new()), "{t:?}");
        }
        assert_eq!(normalize_title("Kähler  Métrics"), "kahler metrics");
    }

    #[test]
    fn joins_hard_wraps_and_collapses_space() {
        assert_eq!(c("Designing subspaces for\naccelerating  finite\n  element"), "Designing subspaces for accelerating finite element");
        assert_eq!(c("a key-\nvalue cache"), "a key-value cache");
        assert_eq!(c("ends with -\n2 items"), "ends with - 2 items");
        assert_eq!(c("  lead and trail \n"), "lead and trail");
    }

    #[test]
    fn tex_accents_and_escapes() {
        assert_eq!(c(r#"K\"{a}hler"#), "Kähler");
        assert_eq!(c(r#"K\"ahler and Erd\H{o}s"#), "Kähler and Erdős");
        assert_eq!(c(r"{\L}ukasz Kaiser, Fran\c{c}ois, Ji\v{r}\'{\i}"), "Łukasz Kaiser, François, Jiří");
        assert_eq!(c(r"Q\&A at 50\% \textbf{bold} {\em it}"), "Q&A at 50% bold it");
        assert_eq!(c(r#"M{\"u}ller \ss e"#), "Müller ße");
        assert_eq!(c(r"{GPT}-4 {--} a \emph{study}"), "GPT-4 – a study");
        assert_eq!(c(r"\cite{x} stays"), r"\cite{x} stays");
    }

    #[test]
    fn math_kept_and_spanned() {
        let r = clean_text("We prove $O(n \\log n)$ bounds\nfor \\(x^2\\) and $$a=b$$.");
        assert_eq!(r.text, "We prove $O(n \\log n)$ bounds for \\(x^2\\) and $$a=b$$.");
        let spans: Vec<String> = r.math.iter().map(|[s, e]| r.text.chars().skip(*s).take(e - s).collect()).collect();
        assert_eq!(spans, vec!["$O(n \\log n)$", "\\(x^2\\)", "$$a=b$$"]);
    }

    #[test]
    fn unbalanced_dollar_opens_no_span() {
        let r = clean_text("costs $5 and more");
        assert_eq!(r.text, "costs $5 and more");
        assert!(r.math.is_empty());
        let r = clean_text(r"price \$3 and $x$");
        assert_eq!(r.text, "price $3 and $x$");
        assert_eq!(r.math, vec![[13, 16]]);
    }

    #[test]
    fn offsets_are_code_points() {
        let r = clean_text("Kähler $x$");
        assert_eq!(r.math, vec![[7, 10]]);
    }

    #[test]
    fn html_and_entities() {
        assert_eq!(c("<jats:p>We study <i>X</i> &amp; Y.</jats:p>"), "We study X & Y.");
        assert_eq!(c("if a < b and c > d"), "if a < b and c > d");
        assert_eq!(c("caf&#233; &#x4E2D;"), "café 中");
        assert_eq!(c("& B.~Vieublé. x"), "& B. Vieublé. x");
    }

    #[test]
    fn changed_means_more_than_whitespace() {
        assert!(!clean_text("a\n  b").changed);
        assert!(!clean_text("cost $O(n)$ and $5 \\foo{x}").changed, "math and unknown commands kept verbatim");
        assert!(clean_text("K\\\"ahler").changed);
        assert!(clean_text("a~b").changed);
        assert!(clean_text("<p>x</p>").changed);
        assert!(clean_text("Ka\u{308}hler").changed);
    }

    #[test]
    fn nfc() {
        assert_eq!(c("Ka\u{308}hler"), "Kähler");
    }

    #[test]
    fn brace_bomb_is_measured_without_recursion() {
        let bomb = "{".repeat(100_000) + &"}".repeat(100_000);
        assert_eq!(brace_depth(&bomb), 100_000);
        let p = Paper { title: "{".repeat(1000) + &"}".repeat(1000), ..Default::default() };
        assert!(finalize(p).unwrap_err().contains("braces"));
    }

    #[test]
    fn title_ids_are_stable_across_spelling() {
        assert_eq!(title_id("Mixture of Experts: A Survey"), title_id("mixture-of-experts  a survey"));
        assert_eq!(title_id("Kähler"), title_id("Kahler"));
        assert!(title_id("x").starts_with("t-") && title_id("x").len() == 18);
    }

    #[test]
    fn finalize_derives_ids_dates_links() {
        let p = Paper {
            title: "A".into(),
            abstract_text: "Code at https://github.com/a/b. Page: https://a.github.io/x).".into(),
            ids: crate::model::Ids { doi: Some("10.48550/arXiv.2506.01234".into()), ..Default::default() },
            ..Default::default()
        };
        let p = finalize(p).unwrap();
        assert_eq!(p.id, "2506.01234");
        assert_eq!(p.id_date.unwrap().to_string(), "2025-06");
        assert_eq!(p.links.code, vec!["https://github.com/a/b"]);
        assert_eq!(p.links.other, vec!["https://a.github.io/x"]);
    }

    #[test]
    fn own_id_kept_verbatim() {
        let p = Paper { id: "seed-001".into(), title: "T".into(), ..Default::default() };
        let p = finalize(p).unwrap();
        assert_eq!(p.id, "seed-001");
        assert_eq!(p.ids.other, vec!["seed-001"]);
        let p = Paper { id: "2506.01234v2".into(), title: "T".into(), ..Default::default() };
        let p = finalize(p).unwrap();
        assert_eq!(p.id, "2506.01234v2");
        assert_eq!(p.ids.arxiv.as_deref(), Some("2506.01234"));
        assert_eq!(p.ids.arxiv_versions, vec![2]);
    }

    #[test]
    fn punctuation_is_not_an_author() {
        let names = ["Baikal-GVD Collaboration", ":", " ", "A. Author", "&", "李明"];
        let p = Paper { title: "T".into(), authors: names.iter().map(|n| crate::model::Author::new(*n)).collect(), ..Default::default() };
        let kept: Vec<String> = finalize(p).unwrap().authors.into_iter().map(|a| a.name).collect();
        assert_eq!(kept, ["Baikal-GVD Collaboration", "A. Author", "李明"]);
    }

    #[test]
    fn rejects() {
        assert!(finalize(Paper::default()).unwrap_err().contains("neither"));
        let p = Paper { title: "t".into(), abstract_text: "x".repeat(1 << 20), ..Default::default() };
        assert!(finalize(p).unwrap_err().contains("limit"));
    }
}
