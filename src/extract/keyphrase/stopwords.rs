//! Words that end a candidate keyphrase: function words (articles, pronouns, prepositions,
//! conjunctions, auxiliaries and modals, quantifiers), and the discourse words of abstracts
//! that never head or modify a technical term ("paper", "propose", "novel", "significantly").
//! Open-class words are otherwise left to the corpus statistics of [`super::table`]: a word
//! that the corpus mostly uses as a verb or adverb ends a candidate there.
//!
//! Matched on the lowercase form of a whole atom: "state-of-the-art" is one atom and not
//! split at "of"; "A" is a stopword but "RL" or "QA" are not words here at all.

pub const STOPWORDS: &[&str] = &[
    // articles, determiners, quantifiers
    "a", "an", "the", "this", "that", "these", "those", "each", "every", "either", "neither", "some", "any", "all", "both", "no", "none", "another", "other", "others", "such", "same", "own",
    "many", "much", "more", "most", "less", "least", "few", "fewer", "several", "various", "numerous", "enough", "certain", "whole", "entire", "only", "just", "even", "also", "too", "very",
    "quite", "rather", "almost", "nearly", "about", "around", "approximately", "roughly", "mainly", "mostly", "often", "always", "never", "sometimes", "usually", "typically", "generally",
    // number words (numerals are not words at all here)
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion",
    "billions", "dozen", "dozens", "twice",
    // pronouns
    "i", "me", "my", "mine", "we", "us", "our", "ours", "ourselves", "you", "your", "yours", "he", "him", "his", "she", "her", "hers", "it", "its", "itself", "they", "them", "their", "theirs",
    "themselves", "one", "ones", "oneself", "who", "whom", "whose", "which", "what", "whatever", "whichever", "whoever", "where", "wherever", "when", "whenever", "why", "how", "however",
    "whether", "there", "here", "thereby", "therein", "thereof", "herein", "hereby",
    // prepositions, conjunctions, particles
    "of", "in", "on", "at", "by", "for", "with", "without", "within", "from", "to", "into", "onto", "upon", "over", "under", "above", "below", "between", "among", "amongst", "through",
    "throughout", "during", "before", "after", "since", "until", "till", "against", "along", "alongside", "across", "behind", "beyond", "beside", "besides", "near", "toward", "towards",
    "via", "per", "versus", "vs", "than", "as", "like", "unlike", "despite", "except", "including", "regarding", "concerning", "considering", "following", "according", "due", "thus",
    "hence", "therefore", "moreover", "furthermore", "additionally", "further", "meanwhile", "otherwise", "instead", "nevertheless", "nonetheless", "yet", "still", "already", "again",
    "and", "or", "but", "nor", "so", "if", "then", "else", "because", "although", "though", "while", "whereas", "unless", "once", "not", "out", "up", "down", "off", "away", "back",
    "etc", "ie", "eg", "cf", "et", "al", "i.e", "e.g", "viz",
    // auxiliaries and modals
    "be", "is", "are", "was", "were", "been", "being", "am", "have", "has", "had", "having", "do", "does", "did", "doing", "done", "can", "could", "may", "might", "must", "shall", "should",
    "will", "would", "cannot", "need", "needs", "ought",
    // discourse words of abstracts: verbs of reporting and doing, evaluative adjectives and
    // adverbs, and nouns that talk about the paper rather than its subject. Words that are
    // also parts of technical terms ("time series", "lower bound", "key management", "call
    // admission", "case study", "prior distribution", "band gap") are deliberately absent.
    "paper", "papers", "article", "studied", "present", "presents", "presented", "presenting", "propose", "proposes", "proposed", "proposing", "introduce", "introduces",
    "introduced", "introducing", "describe", "describes", "described", "describing", "show", "shows", "showed", "shown", "showing", "demonstrate", "demonstrates", "demonstrated",
    "demonstrating", "discuss", "discusses", "discussed", "discussing", "reported", "investigate", "investigates", "investigated", "investigating", "consider", "considers",
    "considered", "provide", "provides", "provided", "providing", "use", "uses", "used", "using", "based", "obtain", "obtains", "obtained", "achieve", "achieves", "achieved",
    "achieving", "allow", "allows", "allowed", "allowing", "enable", "enables", "enabled", "enabling", "make", "makes", "made", "making", "give", "gives", "given", "giving", "take",
    "takes", "taken", "taking", "find", "finds", "found", "yields", "yielded", "leads", "led", "resulting", "resulted", "perform", "performs", "performed", "outperform", "outperforms",
    "outperformed", "outperforming", "improve", "improves", "improved", "improving", "require", "requires", "required", "requiring", "remain", "remains", "remained", "become",
    "becomes", "became", "seem", "seems", "appear", "appears", "exist", "exists", "existing", "include", "includes", "included", "contain", "contains", "contained", "containing",
    "develop", "develops", "developed", "aim", "aims", "aimed", "focuses", "focused", "addressed", "addressing", "apply", "applies", "applied", "applying", "compare", "compares",
    "compared", "comparing", "called", "named", "termed", "dubbed", "known", "well", "new", "novel", "recent", "recently", "previous", "previously", "currently", "first", "second",
    "third", "finally", "last", "former", "latter", "respectively", "respective", "corresponding", "particular", "particularly", "specific", "specifically", "especially",
    "important", "significant", "significantly", "effectively", "efficient", "efficiently", "good", "better", "best", "highest", "lowest", "able", "possible", "necessary", "simple",
    "simply", "easy", "easily", "widely", "largely", "highly", "strongly", "clearly", "directly", "fully", "overall", "promising", "interesting", "crucial", "essential", "challenging",
    "difficult", "useful", "extensive", "extensively", "comprehensive", "superior", "remarkable", "substantial", "substantially", "considerable", "considerably", "different",
    "similar", "way", "ways", "lot", "lots", "kind", "kinds", "fact", "example", "examples", "idea", "ideas", "goal", "goals", "purpose", "addition", "comparison", "extent", "variety",
    "amount", "year", "years", "day", "days", "people", "thing", "things", "literature", "researchers", "authors", "benefit", "benefits", "advantage", "advantages", "limitation",
    "limitations", "challenge", "challenges", "insight", "insights", "finding", "findings", "contribution", "contributions", "aspect", "aspects", "issue", "issues", "respect",
];

/// Prepositions after which an -ing verb form starts a verb phrase, not a noun phrase ("by
/// employing RLHF", "for generating responses").
pub const GERUND_PREPOSITIONS: &[&str] = &["by", "for", "in", "of", "while", "when", "after", "before", "without", "through", "via", "from", "on", "towards", "toward"];

#[cfg(test)]
mod tests {
    #[test]
    fn lowercase_and_no_acronyms() {
        for w in super::STOPWORDS {
            assert_eq!(*w, w.to_lowercase(), "{w}");
            assert!(!["rl", "qa", "ai", "ml", "gpt"].contains(w), "{w}");
        }
    }
}
