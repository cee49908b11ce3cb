#!/usr/bin/env python3
"""Would annotated neighbours find the gold concepts no matcher proposes?

A core concept becomes a ranker candidate only when some matcher (labels, scope words, the
profile) sees it; 247 of the 1,613 gold concepts of the development sets never do (session
21). This counts, for every concept the annotated neighbours vote for but that is no
candidate of the paper, how many are gold, by vote threshold: the most a "neighbour-proposed
candidate" could add. Votes as `src/link/neighbours.rs` computes them (TF-IDF cosine over
the memory's stems, the 25 nearest papers below 0.95 similarity, similarity-weighted share), each paper's from the
papers of the other cross-validation folds (paper i in fold i % 10, as `eval` folds them).

usage: topicgraph eval --gold ... --input ... --train-ranker R --train-neighbours MEM.tsv.gz --examples EX.tsv
       python3 scripts/neighbour-candidates-study.py MEM.tsv.gz EX.tsv
Python 3 standard library only.
"""
import collections
import csv
import gzip
import math
import sys

K = 25
FOLDS = 10


def main(memory, examples):
    rows = []
    with gzip.open(memory, "rt", encoding="utf-8") as f:
        for line in f:
            if not line.startswith("paper\t"):
                continue
            _, pid, concepts, terms = line.rstrip("\n").split("\t", 3)
            counts = {}
            for t in terms.split(" "):
                if ":" in t:
                    k, c = t.rsplit(":", 1)
                    counts[k] = int(c)
            rows.append((pid, {c for c in concepts.split(",") if c}, counts))
    n = len(rows)
    df = collections.Counter(t for _, _, c in rows for t in c)
    # As the memory weighs them: stems of two or more papers, smoothed idf, sublinear tf.
    idf = {t: math.log((1 + n) / (1 + d)) + 1 for t, d in df.items() if d >= 2}

    def vector(counts):
        v = {t: (1 + math.log(c)) * idf[t] for t, c in counts.items() if t in idf}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {t: x / norm for t, x in v.items()}

    vectors = [vector(c) for _, _, c in rows]
    postings = collections.defaultdict(list)
    for i, v in enumerate(vectors):
        for t, x in v.items():
            postings[t].append((i, x))
    candidates = collections.defaultdict(set)
    with open(examples, encoding="utf-8") as f:
        for r in csv.reader(f, delimiter="\t"):
            if r and not r[0].startswith("#") and r[0] != "paper":
                candidates[r[0]].add(r[1])
    found = []
    for i, (pid, gold, _) in enumerate(rows):
        sims = collections.Counter()
        for t, x in vectors[i].items():
            for j, y in postings[t]:
                if j != i and j % FOLDS != i % FOLDS:
                    sims[j] += x * y
        near = [(j, s) for j, s in sims.most_common(K + 5) if s < 0.95][:K]
        total = sum(s for _, s in near) or 1.0
        votes = collections.Counter()
        for j, s in near:
            for c in rows[j][1]:
                votes[c] += s / total
        found.extend((v, c in gold, c) for c, v in votes.items() if c not in candidates[pid])
    print(f"{n} papers; concepts voted for that are no candidate of the paper, by vote:")
    for threshold in (0.6, 0.5, 0.4, 0.3, 0.25, 0.2):
        chosen = [x for x in found if x[0] >= threshold]
        print(f"  vote >= {threshold}: {sum(g for _, g, _ in chosen)} gold, {sum(not g for _, g, _ in chosen)} not")
    top = collections.Counter(c for v, g, c in found if v >= 0.3 and g)
    print("  gold ones at vote >= 0.3:", ", ".join(f"{c} {k}" for c, k in top.most_common(6)))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
