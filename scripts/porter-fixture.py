#!/usr/bin/env python3
"""Write tests/data/keyphrase/porter-nltk.tsv: word<TAB>stem by NLTK's PorterStemmer() (the
stemmer of shared/eval/keyphrase_eval.py), for every distinct [a-z0-9]+ token of the given
text files. The unit test in src/extract/keyphrase/porter.rs checks topicgraph's stemmer
against it, so `topicgraph eval --keyphrases` matches the reference script.

usage: porter-fixture.py OUT.tsv FILE...   (e.g. the Inspec Test .abstr and .uncontr files)
"""
import re, sys
from nltk.stem.porter import PorterStemmer

ps = PorterStemmer()
words = set()
for path in sys.argv[2:]:
    words.update(re.findall(r"[a-z0-9]+", open(path, encoding="utf-8", errors="replace").read().lower()))
# Edge cases of the algorithm's y handling and short words, whatever the corpus holds.
words.update(["y", "yy", "yyy", "ay", "sky", "skies", "toy", "syzygy", "yyyying", "ies", "ied", "dies", "died", "eed", "ss", "s", "is", "as"])
with open(sys.argv[1], "w") as out:
    for w in sorted(words):
        out.write(f"{w}\t{ps.stem(w)}\n")
