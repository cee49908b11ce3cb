//! The domain tokenizer and the normalised forms that matching works on. Shared by the
//! ontology (to key labels) and the linker (to key text), so both sides agree.
//!
//! Entry points: [`tokenize`] (atoms such as `GPT-4o`, `Llama-3.1-8B`, `KV-cache`,
//! `HumanEval+`, with code-point offsets), [`words`] (atoms split at hyphens, each with its
//! lowercase stem) and [`label_key`] (the separator-free key of a label, so `key-value
//! cache`, `key value caches` and `KV cache`'s long form meet).

use compact_str::CompactString;

/// A token of the cleaned text, with half-open code-point offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Characters that may join two parts of one atom (`GPT-4o`, `3.1`, `snake_case`).
fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '.' | '_' | '\'' | '’')
}

/// Split text into atoms: maximal runs of letters and digits, joined by `-`, `_` or `.`
/// when both neighbours are alphanumeric (and for `.`, when a digit follows: `3.1`,
/// `v1.5`, not a sentence end), with trailing `+` kept (`HumanEval+`, `C++`, `MiniWob++`).
/// Apostrophes join only inside words (`model's` is split before `'s`).
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 6);
    let (chars, bytes) = char_index(text);
    for_each_atom(text, &chars, &bytes, |start, end, atom| out.push(Token { text: atom.to_string(), start, end }));
    out
}

/// The atoms of [`tokenize`] without allocating them: `f(start, end, text)` for each, with
/// code-point offsets.
///
/// Atoms are cut from the text by bytes and reported by code points: `chars` and `bytes` are
/// the text's [`char_index`].
fn for_each_atom(text: &str, chars: &[char], bytes: &[usize], mut f: impl FnMut(usize, usize, &str)) {
    let n = chars.len();
    let at = |i: usize| chars[i];
    let byte = |i: usize| bytes[i];
    let mut i = 0;
    while i < n {
        if !at(i).is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i + 1;
        loop {
            while j < n && at(j).is_alphanumeric() {
                j += 1;
            }
            if j + 1 < n && is_joiner(at(j)) && at(j + 1).is_alphanumeric() {
                let ok = match at(j) {
                    '.' => at(j + 1).is_ascii_digit(),
                    '\'' | '’' => !(at(j + 1) == 's' && !(j + 2 < n && at(j + 2).is_alphanumeric())),
                    _ => true,
                };
                if ok {
                    j += 1;
                    continue;
                }
            }
            break;
        }
        while j < n && at(j) == '+' {
            j += 1;
        }
        f(start, j, &text[byte(start)..byte(j)]);
        i = j;
    }
}

/// A word: part of an atom between hyphens/underscores, with its forms for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// As written.
    pub text: CompactString,
    /// Lowercase, singular (the case-insensitive matching form).
    pub stem: CompactString,
    pub start: usize,
    pub end: usize,
    /// Index of the atom this word belongs to.
    pub atom: usize,
}

/// Split atoms into words at `-`, `_` and `/`, with their stems.
pub fn words(tokens: &[Token]) -> Vec<Word> {
    let mut out = Vec::with_capacity(tokens.len() + tokens.len() / 4);
    for (ti, t) in tokens.iter().enumerate() {
        push_words(&mut out, ti, t.start, &t.text);
    }
    out
}

/// A text's code points, and the byte offset of each with the text's length last.
pub fn char_index(text: &str) -> (Vec<char>, Vec<usize>) {
    if text.is_ascii() {
        // One byte per code point: both vectors fill without decoding (most abstracts).
        return (text.bytes().map(char::from).collect(), (0..=text.len()).collect());
    }
    let mut chars = Vec::with_capacity(text.len());
    let mut bytes = Vec::with_capacity(text.len() + 1);
    for (b, c) in text.char_indices() {
        chars.push(c);
        bytes.push(b);
    }
    bytes.push(text.len());
    (chars, bytes)
}

/// `words(&tokenize(text))`, without the tokens in between, over the text's [`char_index`]
/// (which the caller keeps for slicing).
pub fn text_words(text: &str, chars: &[char], bytes: &[usize]) -> Vec<Word> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut ti = 0;
    for_each_atom(text, chars, bytes, |start, _, atom| {
        push_words(&mut out, ti, start, atom);
        ti += 1;
    });
    out
}

/// The words of atom number `ti`, which starts at code point `start`.
fn push_words(out: &mut Vec<Word>, ti: usize, start: usize, atom: &str) {
    let mut offset = start;
    for part in atom.split(['-', '_']) {
        let len = part.chars().count();
        if !part.is_empty() {
            out.push(Word { text: CompactString::from(part), stem: stem(part), start: offset, end: offset + len, atom: ti });
        }
        offset += len + 1;
    }
}

/// The matching form of a word: lowercase, without inflection (plural `-s`/`-es`/`-ies`,
/// `-ed`, `-ing`, a final `e`), so that `caches`/`cache`, `tuned`/`tuning`/`tune`,
/// `pre-trained`/`pretraining`, `LLMs`/`LLM` meet, and British spellings become American
/// ones (`optimisation`/`optimization`, `behaviour`/`behavior`). Derivational suffixes are kept on
/// purpose (`-al`, `-ation`): stripping them would make a hyphenated compound
/// (`multi-modal`) and its closed form (`multimodal`) stem differently. Words with digits
/// are only lowercased (`FP8`, `o1`).
pub fn stem(word: &str) -> CompactString {
    stem_form(word).0
}

/// Whether a word is a verb form that [`stem`] strips: a gerund or participle (`machining`,
/// `layered`, `applied`), as against its base noun (`machine`, `layer`), which stems alike.
pub fn is_verb_form(word: &str) -> bool {
    stem_form(word).1
}

/// Words spelt the British way with an `-our` that American spelling writes `-or`
/// (`behaviour`, `neighbourhood`); a list, because `four`, `hour`, `tour`, `source` keep it.
const OUR_STEMS: &[&str] = &[
    "armour", "behaviour", "clamour", "colour", "endeavour", "favour", "flavour", "harbour", "honour", "humour", "labour", "neighbour", "odour", "parlour", "rigour", "rumour", "savour", "splendour",
    "tumour", "valour", "vapour", "vigour",
];

/// British spellings folded into American ones before the inflections go, so that a paper
/// and a label written in either meet (`optimisation`/`optimization`, `tokenised`/
/// `tokenized`, `analyse`/`analyze`, `behaviour`/`behavior`, `centre`/`center`,
/// `dialogue`/`dialog`, `programme`/`program`, `defence`/`defense`). Applied to a lowercase
/// ASCII word of four letters or more. `-isation` always becomes `-ization`; the other forms
/// of `-ise` only after the endings of the verbs American spelling writes with `-ize`
/// (`normal-`, `summar-`, `categor-`, `priorit-`, `optim-`, `anonym-`, `organ-`, `token-`,
/// `recogn-`, `util-`, `discret-`, `quant-`, `parameter-`, `random-`, `custom-`, `hypothes-`,
/// `emphas-`), so that `supervise`, `promise`, `advertise`, `expertise`, `comprise`,
/// `surprise`, `noise` and `otherwise` keep their spelling.
fn american(w: &mut CompactString) {
    if w.contains("our") {
        // Prefixed too: `misbehaviour`, `unfavourable`.
        if let Some(at) = OUR_STEMS.iter().find_map(|s| w.find(s).map(|i| i + s.len() - 2)) {
            w.remove(at); // the `u` of `-our`
            return;
        }
    }
    const ISATION: &[&str] = &["isation", "isations", "yse", "yses", "ysed", "ysing", "yser", "ysers"];
    const ISE: &[&str] = &["ise", "ises", "ised", "ising", "iser", "isers"];
    const IZE_BASES: &[&str] = &["al", "ar", "or", "it", "im", "ym", "an", "en", "gn", "il", "et", "nt", "er", "dom", "tom", "es", "as"];
    let ise = ISATION.iter().find(|e| w.ends_with(**e) && w.len() >= e.len() + 3).or_else(|| {
        ISE.iter().find(|e| {
            w.len() >= e.len() + 3 && w.ends_with(**e) && {
                let base = &w[..w.len() - e.len()];
                IZE_BASES.iter().any(|b| base.ends_with(b))
            }
        })
    });
    if let Some(end) = ise {
        let k = w.len() - end.len() + 1; // the `s`
        w.replace_range(k..k + 1, "z");
        return;
    }
    let swap = |w: &mut CompactString, from: &str, to: &str| {
        let n = w.len() - from.len();
        w.replace_range(n.., to);
    };
    for (from, to) in [("logues", "logs"), ("logue", "log"), ("programmes", "programs"), ("programme", "program")] {
        if w.ends_with(from) {
            swap(w, from, to);
            return;
        }
    }
    let whole: &[(&str, &str)] = &[
        ("centre", "center"),
        ("centres", "centers"),
        ("centred", "centered"),
        ("fibre", "fiber"),
        ("fibres", "fibers"),
        ("metre", "meter"),
        ("metres", "meters"),
        ("litre", "liter"),
        ("litres", "liters"),
        ("defence", "defense"),
        ("defences", "defenses"),
        ("licence", "license"),
        ("licences", "licenses"),
        ("offence", "offense"),
        ("offences", "offenses"),
    ];
    if let Some((_, to)) = whole.iter().find(|(from, _)| w.as_str() == *from) {
        *w = CompactString::from(*to);
    }
}

/// A word ending in `ys` after a consonant (`analysys`, `polys`): no plural to strip, unlike
/// `keys`, `arrays` or `surveys`.
fn consonant_ys(w: &str) -> bool {
    w.len() >= 3 && w.ends_with("ys") && !matches!(w.as_bytes()[w.len() - 3], b'a' | b'e' | b'i' | b'o' | b'u')
}

/// [`stem`], and whether it stripped `-ing`, `-ed` or `-ied`.
fn stem_form(word: &str) -> (CompactString, bool) {
    // Every step below edits `w` in place (inline for short words: no allocation):
    // stemming runs for each word of each paper.
    let mut w = if word.is_ascii() {
        let mut w = CompactString::from(word);
        w.make_ascii_lowercase();
        if w.bytes().any(|b| b == b'\'') {
            w.retain(|c| c != '\'');
        }
        w
    } else {
        word.chars().filter(|c| *c != '\'' && *c != '’').flat_map(char::to_lowercase).collect()
    };
    // Acronym plurals: "LLMs", "MoEs", "GPUs" (capitals then a lowercase s).
    let acronym_plural = word.len() >= 3 && word.ends_with('s') && word[..word.len() - 1].chars().filter(|c| c.is_uppercase()).count() >= 2;
    if acronym_plural {
        w.pop();
        return (w, false);
    }
    if w.len() < 4 || !w.bytes().all(|b| b.is_ascii_lowercase()) {
        return (w, false);
    }
    american(&mut w);
    let has_vowel = |s: &str| s.bytes().any(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y'));
    if let Some(n) = w.strip_suffix("ies").or_else(|| w.strip_suffix("ied")).map(str::len) {
        if n >= 2 {
            let participle = w.ends_with('d');
            w.truncate(n);
            w.push('y');
            return (w, participle);
        }
    }
    let mut stripped = false;
    if w.ends_with("sses") {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s') && !["ss", "us", "is", "ias"].iter().any(|s| w.ends_with(s)) && !consonant_ys(&w) && !(w.len() <= 4 && w.ends_with("as")) {
        w.pop();
    }
    if let Some(n) = w.strip_suffix("ing").filter(|b| b.len() >= 3 && has_vowel(b)).map(str::len) {
        w.truncate(n);
        stripped = true;
    } else if let Some(n) = w.strip_suffix("ed").filter(|b| b.len() >= 3 && has_vowel(b)).map(str::len) {
        w.truncate(n);
        stripped = true;
    }
    if stripped {
        // "running" -> "run", "embedded" -> "embed", "modelling" -> "model"; "distilled" keeps ll.
        let b = w.as_bytes();
        let n = b.len();
        if n >= 3 && b[n - 1] == b[n - 2] && !matches!(b[n - 1], b'a' | b'e' | b'i' | b'o' | b'u' | b's' | b'z') && (b[n - 1] != b'l' || b[n - 3] == b'e') {
            w.pop();
        }
    }
    // A final "e" goes ("cache", "scale" meet "cach-ing", "scal-ing"), except in short
    // words where it would make a different word ("some" is not "som").
    if (w.len() > 4 || stripped) && w.ends_with('e') && !w.ends_with("ee") {
        w.pop();
    }
    (w, stripped)
}

/// The matching key of a label: its words' stems concatenated without separators, so that
/// hyphen, space and no-space variants and plurals all give the same key
/// (`key-value caches`, `key value cache` -> `keyvaluecache`). Characters other than
/// letters, digits and `+` are dropped.
pub fn label_key(label: &str) -> String {
    let mut key = String::with_capacity(label.len());
    let (chars, bytes) = char_index(label);
    for_each_atom(label, &chars, &bytes, |_, _, atom| atom.split(['-', '_']).filter(|p| !p.is_empty()).for_each(|p| key.push_str(&stem(p))));
    key
}

/// Where the long form of `short` starts in `cand`, by Schwartz-Hearst's right-to-left
/// match: every letter and digit of the short form appears in `cand` in order, the first one
/// at the start of a word (see [`crate::link::acronym`]).
///
/// Where the short form spells the initials of the last words one for one (function words
/// may be skipped), that match wins: "Asymmetric Advantage Policy Optimization (AAPO)"
/// starts at "Asymmetric", where the letter-by-letter match would stop at "Advantage".
pub fn long_form_start(short: &str, cand: &[char]) -> Option<usize> {
    let s: Vec<char> = short.chars().flat_map(char::to_lowercase).collect();
    let l: Vec<char> = cand.iter().flat_map(|c| c.to_lowercase()).collect();
    if l.len() != cand.len() {
        return None; // lowercasing changed lengths: offsets would drift
    }
    if let Some(start) = initials_start(&s, &l) {
        return Some(start);
    }
    let mut si = s.len() as isize - 1;
    let mut li = l.len() as isize - 1;
    while si >= 0 {
        let c = s[si as usize];
        if !c.is_alphanumeric() {
            si -= 1;
            continue;
        }
        while li >= 0 && (l[li as usize] != c || (si == 0 && li > 0 && l[li as usize - 1].is_alphanumeric())) {
            li -= 1;
        }
        if li < 0 {
            return None;
        }
        si -= 1;
        li -= 1;
    }
    let mut start = (li + 1) as usize;
    while start > 0 && cand[start - 1].is_alphanumeric() {
        start -= 1;
    }
    Some(start)
}

/// Words that an acronym may leave out ("Mixture of Experts (MoE)" spells "of").
const SKIPPABLE: &[&str] = &["of", "for", "and", "the", "a", "an", "in", "on", "with", "to", "via", "from", "by"];

/// The start of the long form whose words' initials spell `s` (lower case), right to left
/// from the candidate's last word; words are split at spaces and hyphens.
fn initials_start(s: &[char], l: &[char]) -> Option<usize> {
    let letters: Vec<char> = s.iter().copied().filter(|c| c.is_alphanumeric()).collect();
    if letters.len() < 2 {
        return None;
    }
    // (start, end, joined to the word before by a hyphen)
    let mut words: Vec<(usize, usize, bool)> = Vec::new();
    let mut i = 0;
    while i < l.len() {
        if l[i].is_alphanumeric() {
            let b = i;
            while i < l.len() && (l[i].is_alphanumeric() || l[i] == '\'') {
                i += 1;
            }
            words.push((b, i, b > 0 && l[b - 1] == '-'));
        } else {
            i += 1;
        }
    }
    let mut k = letters.len();
    let mut w = words.len();
    let mut start = None;
    while k > 0 {
        let (b, e, joined) = *words.get(w.checked_sub(1)?)?;
        w -= 1;
        let word: String = l[b..e].iter().collect();
        if l[b] == letters[k - 1] {
            k -= 1;
            start = Some(b);
        } else if start.is_none() || !(SKIPPABLE.contains(&word.as_str()) || joined) {
            // The last word must give the last letter; a skipped word is a function word or
            // the second half of a compound ("Reward-guided").
            return None;
        }
    }
    start
}

/// A label that defines its own acronym, `long form (SHORT)` or `SHORT (long form)`
/// (`resource description framework (rdf)`, `qos (quality of service)`, as thesauri and
/// label lists write them): returns the long form and the short form. The short form is one
/// word of 2 to 10 characters whose letters and digits appear in order in the long form,
/// the first one starting its first word (Schwartz-Hearst, as for definitions in the
/// text); a plural `s` is dropped when the long form has fewer words than the short form
/// has letters (`wireless mesh networks (wmns)` gives `wmn`; `global positioning system
/// (gps)` keeps `gps`). A qualifier (`linkage (genetics)`) or text after the parenthesis
/// (`E(3)-equivariant networks`) is no definition.
pub fn label_definition(label: &str) -> Option<(String, String)> {
    let label = label.trim();
    let inner = label.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let (outer, inner) = (inner[..open].trim(), inner[open + 1..].trim());
    if outer.is_empty() || inner.is_empty() || outer.contains(['(', ')']) || inner.contains(['(', ')']) {
        return None;
    }
    [(outer, inner), (inner, outer)].into_iter().find_map(|(long, short)| {
        let n = short.chars().count();
        let shape = (2..=10).contains(&n) && !short.contains(char::is_whitespace) && short.chars().next().is_some_and(char::is_alphanumeric) && short.chars().any(char::is_alphabetic);
        if !shape || long.chars().count() <= n || !long.contains(|c: char| c.is_alphabetic()) {
            return None;
        }
        let long_chars: Vec<char> = long.chars().collect();
        let covers = |s: &str| long_form_start(s, &long_chars) == Some(0);
        // `svms` for three words is a plural; `gps` for three is not.
        let words = long.split(|c: char| c.is_whitespace() || c == '-').filter(|w| !w.is_empty()).count();
        let singular = short.strip_suffix('s').filter(|s| s.chars().count() >= 2 && covers(s));
        match singular {
            Some(one) if words < n => Some((long.to_string(), one.to_string())),
            _ if covers(short) => Some((long.to_string(), short.to_string())),
            _ => singular.map(|one| (long.to_string(), one.to_string())),
        }
    })
}

/// Whether a label is written like an acronym (`MoE`, `RLHF`, `KV`, `GPT-4`, `LLMs`): one
/// atom with at least two capitals and more capitals than lowercase letters, or mixed case
/// inside a short word. Acronyms are matched case-sensitively.
pub fn looks_like_acronym(label: &str) -> bool {
    let label = label.trim();
    if label.contains(' ') || label.chars().count() > 10 {
        return false;
    }
    let upper = label.chars().filter(|c| c.is_uppercase()).count();
    let lower = label.chars().filter(|c| c.is_lowercase()).count();
    upper >= 2 && (upper > lower || (upper >= 2 && label.chars().next().is_some_and(char::is_uppercase) && label.chars().count() <= 5))
}

/// Whether a label is a single name with capitals inside (`HumanEval`, `MultiPL-E`,
/// `LiveCodeBench`, `DeepSpeed`): such names are matched case-sensitively, so that
/// `MultiPL-E` is not the word "multiple".
pub fn is_cased_name(label: &str) -> bool {
    let label = label.trim();
    !label.contains(' ') && label.chars().skip(1).any(char::is_uppercase) && label.chars().any(char::is_lowercase)
}

/// The case-sensitive matching form of an acronym: as written, without a plural `s`
/// (`LLMs` -> `LLM`), hyphens dropped.
pub fn acronym_key(word: &str) -> String {
    let w: String = word.chars().filter(|c| *c != '-').collect();
    let upper = w.chars().filter(|c| c.is_uppercase()).count();
    match w.strip_suffix('s') {
        Some(base) if upper >= 2 && base.chars().last().is_some_and(char::is_uppercase) => base.to_string(),
        _ => w,
    }
}

/// `acronym_key(word) == key`, without building the word's key when its first letter
/// already differs (the common case when a defined acronym is looked for in every word).
pub fn has_acronym_key(word: &str, key: &str) -> bool {
    word.chars().find(|&c| c != '-') == key.chars().next() && acronym_key(word) == key
}

/// A stable slug for a label: lowercase ASCII letters and digits joined by hyphens.
pub fn slugify(label: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in label.nfkd() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '+' {
            out.push_str("-plus");
        } else if !out.is_empty() && !out.ends_with('-') && !unicode_normalization::char::is_combining_mark(c) {
            out.push('-');
        }
    }
    let slug = out.trim_matches('-').replace("--", "-");
    if slug.is_empty() {
        "concept".to_string()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atoms(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn verb_forms_are_told_from_base_words_that_stem_alike() {
        for w in ["machining", "layered", "applied", "clustering", "Tuned", "prototypings"] {
            assert!(is_verb_form(w), "{w}");
        }
        for w in ["machine", "layers", "applies", "cluster", "string", "need", "LLMs", "FP8"] {
            assert!(!is_verb_form(w), "{w}");
        }
        assert_eq!(stem("machining"), stem("machine"));
    }

    #[test]
    fn domain_atoms_stay_whole() {
        assert_eq!(
            atoms("GPT-4o and Llama-3.1-8B use a KV-cache in FP8 on H100s; MoE, o1, SWE-bench, HumanEval+ and C++."),
            vec!["GPT-4o", "and", "Llama-3.1-8B", "use", "a", "KV-cache", "in", "FP8", "on", "H100s", "MoE", "o1", "SWE-bench", "HumanEval+", "and", "C++"]
        );
        assert_eq!(atoms("v1.5 ends. Next"), vec!["v1.5", "ends", "Next"]);
        assert_eq!(atoms("the model's cache"), vec!["the", "model", "s", "cache"]);
        assert_eq!(atoms("MiniWob++ (ours)"), vec!["MiniWob++", "ours"]);
    }

    #[test]
    fn offsets_are_code_points() {
        let t = tokenize("Kähler KV-cache");
        assert_eq!((t[1].start, t[1].end), (7, 15));
        let w = words(&t);
        assert_eq!(w.iter().map(|w| (w.text.as_str(), w.start, w.end)).collect::<Vec<_>>(), vec![("Kähler", 0, 6), ("KV", 7, 9), ("cache", 10, 15)]);
    }

    #[test]
    fn stems_fold_inflections() {
        for (a, b) in [
            ("caches", "cache"),
            ("studies", "study"),
            ("LLMs", "LLM"),
            ("MoEs", "MoE"),
            ("Transformers", "transformer"),
            ("tuned", "tuning"),
            ("pretrained", "pretraining"),
            ("patches", "patch"),
            ("classes", "class"),
            ("indexes", "index"),
            ("embeddings", "embedding"),
            ("embedded", "embedding"),
            ("alphas", "alpha"),
            ("modelling", "modeling"),
            ("scaling", "scale"),
            ("planned", "plan"),
            ("keys", "key"),
            ("arrays", "array"),
            ("surveys", "survey"),
            ("replays", "replay"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        for (a, b) in [("loss", "lose"), ("general", "generation"), ("FP8", "FP16"), ("distilled", "distil"), ("string", "str")] {
            assert_ne!(stem(a), stem(b), "{a} / {b}");
        }
        // British and American spellings.
        for (a, b) in [
            ("optimisation", "optimization"),
            ("tokenised", "tokenized"),
            ("Tokenisers", "tokenizer"),
            ("summarising", "summarizing"),
            ("prioritise", "prioritize"),
            ("characterised", "characterized"),
            ("recognising", "recognizing"),
            ("quantisation", "quantization"),
            ("hypothesise", "hypothesize"),
            ("randomised", "randomized"),
            ("normalise", "normalize"),
            ("analyse", "analyze"),
            ("analysed", "analyzed"),
            ("behaviour", "behavior"),
            ("behavioural", "behavioral"),
            ("misbehaviour", "misbehavior"),
            ("unfavourable", "unfavorable"),
            ("neighbourhoods", "neighborhood"),
            ("colours", "color"),
            ("centre", "center"),
            ("fibres", "fiber"),
            ("dialogues", "dialog"),
            ("catalogue", "catalog"),
            ("programme", "program"),
            ("defence", "defense"),
            ("labelled", "labeled"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        for w in ["four", "hours", "source", "tour", "raise", "noise", "arise", "analysis", "basis", "crisis", "supervised", "unsupervised", "promising", "advertising", "expertise", "comprises", "surprising", "otherwise", "denoising", "exercise", "precise", "enterprise", "revised"] {
            assert!(!stem(w).contains('z'), "{w} keeps its s: {}", stem(w));
        }
        assert_eq!(stem("semantics"), stem("semantic"));
        assert_eq!(stem("logics"), stem("logic"));
        assert_eq!(stem("some"), "some");
        for w in ["loss", "corpus", "analysis", "bias", "need", "string", "FP8", "some", "tune"] {
            assert_eq!(stem(w), w.to_lowercase(), "{w} keeps its form");
        }
    }

    #[test]
    fn label_keys_fold_variants() {
        let k = label_key("key-value cache");
        assert_eq!(k, "keyvalucach");
        assert_eq!(label_key("multi-modal models"), label_key("multimodal model"));
        assert_eq!(label_key("instruction-tuned"), label_key("instruction tuning"));
        assert_eq!(label_key("Key Value Caches"), k);
        assert_eq!(label_key("key value-cache"), k);
        assert_eq!(label_key("pre-training"), label_key("pretraining"));
        assert_eq!(label_key("Mixture-of-Experts"), label_key("mixture of experts"));
        assert_eq!(label_key("HumanEval+"), "humaneval+");
        assert_ne!(label_key("HumanEval+"), label_key("HumanEval"));
    }

    #[test]
    fn labels_that_define_an_acronym() {
        let def = |l: &str| label_definition(l).map(|(long, short)| format!("{long}|{short}"));
        assert_eq!(def("resource description framework (rdf)").as_deref(), Some("resource description framework|rdf"));
        assert_eq!(def("Mixture of Experts (MoE)").as_deref(), Some("Mixture of Experts|MoE"));
        assert_eq!(def("qos (quality of service)").as_deref(), Some("quality of service|qos"));
        assert_eq!(def("svm(support vector machine)").as_deref(), Some("support vector machine|svm"));
        assert_eq!(def("support vector machines (svms)").as_deref(), Some("support vector machines|svm"));
        assert_eq!(def("global positioning system (gps)").as_deref(), Some("global positioning system|gps"));
        assert_eq!(def("mobile ad hoc networks (manets)").as_deref(), Some("mobile ad hoc networks|manet"));
        for none in ["linkage (genetics)", "fortran (programming language)", "alcatel (co)", "E(3)-equivariant networks", "(100) silicon", "keys (for locks)", "rdf", "x (y)"] {
            assert_eq!(def(none), None, "{none}");
        }
    }

    #[test]
    fn acronyms() {
        for a in ["MoE", "RLHF", "KV", "LLMs", "GQA", "LoRA", "DPO"] {
            assert!(looks_like_acronym(a), "{a}");
        }
        for a in ["transformer", "Mamba", "key value", "Adam", "BERTology is long"] {
            assert!(!looks_like_acronym(a), "{a}");
        }
        assert_eq!(acronym_key("LLMs"), "LLM");
        assert_eq!(acronym_key("MoEs"), "MoE");
        assert_eq!(acronym_key("MoE"), "MoE");
        for (word, key) in [("LLMs", "LLM"), ("MoE", "MoE"), ("-MoE", "MoE"), ("Mo-E", "MoE"), ("MOE", "MoE"), ("LLM", "LLMs"), ("", ""), ("-", "")] {
            assert_eq!(has_acronym_key(word, key), acronym_key(word) == key, "{word} {key}");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("KV cache"), "kv-cache");
        assert_eq!(slugify("HumanEval+"), "humaneval-plus");
        assert_eq!(slugify("Gödel's  theorem!"), "godel-s-theorem");
        assert_eq!(slugify("***"), "concept");
    }
}
