//! Repository links in the text: a GitHub repository is the paper's code (software), a
//! Hugging Face repository a model, a dataset (`/datasets/`) or an app (`/spaces/`).

use super::EntityType;

/// A repository URL found in a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoLink {
    /// The URL as written (without trailing punctuation), with `https://` added when absent.
    pub url: String,
    pub host: Host,
    pub owner: String,
    /// The repository name as written.
    pub name: String,
    /// Code-point span of the whole URL, and of the repository name inside it.
    pub span: (usize, usize),
    pub name_span: (usize, usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    GitHub,
    HuggingFace,
}

impl RepoLink {
    /// What the repository holds.
    pub fn kind(&self) -> EntityType {
        match self.host {
            Host::GitHub => EntityType::Software,
            Host::HuggingFace if self.url.contains("huggingface.co/datasets/") => EntityType::Dataset,
            Host::HuggingFace if self.url.contains("huggingface.co/spaces/") => EntityType::Software,
            Host::HuggingFace => EntityType::Model,
        }
    }
}

const DOMAINS: [&str; 8] = [".com", ".org", ".io", ".net", ".ai", ".edu", ".cn", ".co"];

/// Code-point spans of URL-like runs (`https://...`, `www...`, `name.github.io/...`): their
/// words are not names.
pub fn url_spans(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if !may_hold_url(chars) {
        return out;
    }
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        // Every URL form below has a dot; most words have none, or only the sentence's
        // final one.
        let run = &chars[start..i];
        let core = run.len() - run.iter().rev().take_while(|c| matches!(c, '.' | ',' | ')' | ';')).count();
        let www = run.len() >= 4 && run[..4].iter().map(char::to_ascii_lowercase).eq("www.".chars());
        if !run[..core].contains(&'.') && !run.contains(&':') && !www {
            continue;
        }
        let lower: String = chars[start..i].iter().map(char::to_ascii_lowercase).collect();
        let trimmed = lower.trim_end_matches(['.', ',', ')', ';']);
        let domain = DOMAINS.iter().any(|d| trimmed.ends_with(d) || lower.match_indices(d).any(|(p, _)| lower[p + d.len()..].starts_with('/')));
        if lower.contains("://") || lower.starts_with("www.") || domain {
            out.push((start, i));
        }
    }
    out
}

/// Whether a text can hold a URL as [`url_spans`] finds them, in one quick pass: each form
/// needs a `:` (`://`), `www.`, or a dot followed by the first letter of one of [`DOMAINS`]
/// (most abstracts have only sentence-final dots, followed by a space).
fn may_hold_url(chars: &[char]) -> bool {
    const CHUNK: usize = 32;
    let hit = |i: usize, c: char| {
        c == ':'
            || c == '.'
                && (chars.get(i + 1).is_some_and(|n| matches!(n.to_ascii_lowercase(), 'c' | 'o' | 'i' | 'n' | 'a' | 'e'))
                    || i >= 3 && chars[i - 3..i].iter().all(|w| w.eq_ignore_ascii_case(&'w')))
    };
    // Whole chunks without a `:` or `.` are passed over in a branch-free (vectorised) test;
    // an abstract has a dozen dots, so few chunks need the exact one.
    chars.chunks(CHUNK).enumerate().any(|(k, chunk)| chunk.iter().fold(false, |any, &c| any | (c == ':') | (c == '.')) && chunk.iter().enumerate().any(|(j, &c)| hit(k * CHUNK + j, c)))
}

/// The GitHub and Hugging Face repositories linked in a field.
pub fn repo_links(chars: &[char]) -> Vec<RepoLink> {
    repo_links_in(chars, &url_spans(chars))
}

/// [`repo_links`] with the field's [`url_spans`] already found.
pub fn repo_links_in(chars: &[char], spans: &[(usize, usize)]) -> Vec<RepoLink> {
    let mut out = Vec::new();
    for &(s, e) in spans {
        let run: String = chars[s..e].iter().collect();
        let trimmed = run.trim_end_matches(['.', ',', ')', ';', ':', '}', ']']);
        let lower = trimmed.to_ascii_lowercase();
        let (host, marker) = if let Some(p) = lower.find("github.com/") {
            (Host::GitHub, p + "github.com/".len())
        } else if let Some(p) = lower.find("huggingface.co/") {
            (Host::HuggingFace, p + "huggingface.co/".len())
        } else {
            continue;
        };
        let mut parts = trimmed[marker..].split(['/', '{', '}', '?', '#']).filter(|p| !p.is_empty());
        let mut owner = parts.next().unwrap_or("");
        if host == Host::HuggingFace && matches!(owner, "datasets" | "spaces") {
            owner = parts.next().unwrap_or("");
        }
        let name = parts.next().unwrap_or("").trim_end_matches(".git");
        let ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !ok(owner) || !ok(name) || (host == Host::HuggingFace && matches!(owner, "docs" | "papers" | "blog" | "collections" | "models")) {
            continue;
        }
        // Offsets: the name's first occurrence after the host marker.
        let marker_cp = trimmed[..marker].chars().count();
        let after: String = trimmed[marker..].to_string();
        let name_at = after.find(&format!("{owner}/{name}")).map(|b| after[..b].chars().count() + owner.chars().count() + 1).unwrap_or(0);
        let ns = s + marker_cp + name_at;
        let prefix = trimmed[..marker].rsplit_once("://").map_or(0, |_| 0);
        let _ = prefix;
        let url = if lower.starts_with("http") { format!("{}{}/{}", &trimmed[..marker], owner, name) } else { format!("https://{}{}/{}", &trimmed[..marker], owner, name) };
        let url = if host == Host::HuggingFace && lower.contains("huggingface.co/datasets/") {
            url.replacen("huggingface.co/", "huggingface.co/datasets/", 1)
        } else if host == Host::HuggingFace && lower.contains("huggingface.co/spaces/") {
            url.replacen("huggingface.co/", "huggingface.co/spaces/", 1)
        } else {
            url
        };
        out.push(RepoLink { url, host, owner: owner.to_string(), name: name.to_string(), span: (s, s + trimmed.chars().count()), name_span: (ns, ns + name.chars().count()) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(t: &str) -> Vec<RepoLink> {
        repo_links(&t.chars().collect::<Vec<_>>())
    }

    #[test]
    fn github_and_hugging_face_repositories() {
        let l = links("Code at https://github.com/bytedance/ShadowKV. Data: https://huggingface.co/datasets/flagopen/InfinityMATH and huggingface.co/Org/SAIL-VL-2B).");
        assert_eq!(l.len(), 3);
        assert_eq!((l[0].owner.as_str(), l[0].name.as_str(), l[0].kind()), ("bytedance", "ShadowKV", EntityType::Software));
        assert_eq!(l[0].url, "https://github.com/bytedance/ShadowKV");
        let t: Vec<char> = "Code at https://github.com/bytedance/ShadowKV.".chars().collect();
        let n = &links("Code at https://github.com/bytedance/ShadowKV.")[0];
        assert_eq!(t[n.name_span.0..n.name_span.1].iter().collect::<String>(), "ShadowKV");
        assert_eq!((l[1].name.as_str(), l[1].kind()), ("InfinityMATH", EntityType::Dataset));
        assert_eq!(l[1].url, "https://huggingface.co/datasets/flagopen/InfinityMATH");
        assert_eq!((l[2].name.as_str(), l[2].kind()), ("SAIL-VL-2B", EntityType::Model));
        assert_eq!(l[2].url, "https://huggingface.co/Org/SAIL-VL-2B");
        assert!(links("see https://rank.opencompass.org.cn/leaderboard and github.com/only-owner").is_empty());
    }

    #[test]
    fn url_runs_are_masked() {
        let t: Vec<char> = "at asimov-benchmark.github.io and https://x.y/z, done".chars().collect();
        let spans = url_spans(&t);
        assert_eq!(spans.len(), 2);
        assert_eq!(t[spans[0].0..spans[0].1].iter().collect::<String>(), "asimov-benchmark.github.io");
    }

    #[test]
    fn the_quick_pass_lets_every_url_form_through() {
        for text in ["see WWW.Example.Org", "at Lab.GitHub.IO now", "x.AI/blog", "ftp://h", "mit.edu", "tsinghua.edu.cn/x", "t.co/abc", "site.net"] {
            let chars: Vec<char> = text.chars().collect();
            assert!(may_hold_url(&chars), "{text}");
            assert!(!url_spans(&chars).is_empty(), "{text}");
        }
        // Every domain's letter after the dot is one the quick pass looks for.
        for d in DOMAINS {
            let chars: Vec<char> = format!("a{d}").chars().collect();
            assert!(may_hold_url(&chars), "{d}");
        }
        let plain: Vec<char> = "We study KV caches. Results improve by 3.5 points, e.g. on MMLU.".chars().collect();
        assert!(!may_hold_url(&plain));
        // Forms across the pass's 32-character chunks: the dot last in one chunk, the
        // domain or the `www` in the next or the previous.
        for pad in 25..40 {
            for tail in ["x.com", "www.x", "a:b"] {
                let text: Vec<char> = format!("{}{tail} end", "a ".repeat(pad / 2) + &" ".repeat(pad % 2)).chars().collect();
                assert!(may_hold_url(&text), "{pad} {tail}");
            }
            let text: Vec<char> = format!("{}end. Then", "a ".repeat(pad / 2) + &" ".repeat(pad % 2)).chars().collect();
            assert!(!may_hold_url(&text), "{pad}");
        }
    }
}
