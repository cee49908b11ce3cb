#!/usr/bin/env python3
"""Other models over the core-concept ranker's examples, beside a logistic model like it.

Reads the TSV `topicgraph eval --train-ranker R --examples FILE` writes (one row per core
candidate, the fold cross-validation puts its paper in, the features) and scores, on those
folds, micro-F1 over every gold concept (those that were no candidate count as missed):

  logistic        features + one-hot concept (the shipped ranker's model class)
  boosted-trees   gradient-boosted trees over the same columns
  relative        logistic + each feature's gap to the paper's best and its rank in the paper
  hierarchy       logistic + first-stage probabilities of broader / narrower / sibling candidates
  tfidf           logistic + a one-vs-rest TF-IDF classifier per concept (needs --papers)
  upweighted      logistic with the papers whose id starts with --upweight PREFIX weighted W

A candidate left to the score threshold (`fixed`) keeps its decision. Each model's threshold is
the F1-best one on its training folds. Needs numpy and scikit-learn. Measured in session 19
(README, "Where the rest is lost").
"""
import argparse
import json
import sys
from collections import defaultdict

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression


def read_examples(path):
    header, rows, total = None, [], None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                # "# topicgraph ranker examples: P gold papers, G gold concepts, ..."
                total = int(line.split(", ")[1].split()[0])
                continue
            if header is None:
                header = line.split("\t")
                continue
            rows.append(line.split("\t"))
    if total is None or header is None:
        sys.exit(f"{path}: not a file `eval --examples` wrote")
    return header, rows, total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("examples")
    ap.add_argument("--core-concepts", default="../shared/eval/core-concepts.tsv", help="for the hierarchy variant")
    ap.add_argument("--papers", nargs="*", default=[], help="JSON Lines papers (id, title, abstract) for the tfidf variant")
    ap.add_argument("--upweight", nargs=2, metavar=("PREFIX", "W"), help="e.g. seed- 3")
    ap.add_argument("--only", nargs="*", help="run only these variants")
    a = ap.parse_args()

    header, rows, total = read_examples(a.examples)
    feats = header[5:]
    pid = np.array([r[0] for r in rows])
    cid = [r[1] for r in rows]
    y = np.array([int(r[2]) for r in rows])
    fixed = np.array([r[3] for r in rows])
    fold = np.array([int(r[4]) for r in rows])
    X = np.array([[float(v) for v in r[5:]] for r in rows])
    concepts = sorted(set(cid))
    C = np.zeros((len(rows), len(concepts)))
    for k, c in enumerate(cid):
        C[k, concepts.index(c)] = 1
    XC = np.hstack([X, C])
    decided = fixed == "-"
    folds = sorted(set(fold))
    by_paper = defaultdict(list)
    for k, p in enumerate(pid):
        by_paper[p].append(k)

    def f1(pred):
        tp = int(((pred == 1) & (y == 1)).sum())
        fp = int(((pred == 1) & (y == 0)).sum())
        p = tp / max(tp + fp, 1)
        r = tp / total
        return 2 * p * r / max(p + r, 1e-12), p, r

    def best_threshold(prob, truth, weight):
        # F1-best on the training examples; the gold concepts that are no example count as missed.
        gold = (weight * truth).sum() * total / max(y.sum(), 1)
        best = (-1.0, 0.5)
        for t in np.arange(0.05, 0.95, 0.01):
            keep = prob >= t
            tp = (weight * (keep & (truth == 1))).sum()
            fp = (weight * (keep & (truth == 0))).sum()
            f = 2 * tp / (2 * tp + fp + (gold - tp)) if tp else 0.0
            if f > best[0]:
                best = (f, t)
        return best[1]

    def cross_validated(make, cols, weight=None, probabilities=False):
        weight = np.ones(len(rows)) if weight is None else weight
        pred = np.where(fixed == "kept", 1, 0)
        prob = np.where(fixed == "kept", 1.0, 0.0)
        for f in folds:
            tr, te = (fold != f) & decided, (fold == f) & decided
            m = make()
            m.fit(cols[tr], y[tr], sample_weight=weight[tr])
            t = best_threshold(m.predict_proba(cols[tr])[:, 1], y[tr], weight[tr])
            prob[te] = m.predict_proba(cols[te])[:, 1]
            pred[te] = prob[te] >= t
        return prob if probabilities else f1(pred)

    logistic = lambda: LogisticRegression(C=1.0, max_iter=5000)

    def relative():
        extra = np.zeros((len(rows), 2 * len(feats)))
        for ks in by_paper.values():
            ks = np.array(ks)
            for j in range(len(feats)):
                v = X[ks, j]
                extra[ks, 2 * j] = v - v.max()
                extra[ks, 2 * j + 1] = [(v > x).sum() for x in v]
        return np.hstack([XC, extra])

    def hierarchy():
        parent = {}
        with open(a.core_concepts) as f:
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if cols[0] != "id" and len(cols) > 2 and cols[2]:
                    parent[cols[0]] = cols[2]

        def ancestors(c):
            out = []
            while c in parent:
                c = parent[c]
                out.append(c)
            return out

        p1 = cross_validated(logistic, XC, probabilities=True)
        extra = np.zeros((len(rows), 3))
        for ks in by_paper.values():
            for k in ks:
                c = cid[k]
                extra[k] = [
                    max([p1[j] for j in ks if c in ancestors(cid[j])], default=0),
                    max([p1[j] for j in ks if cid[j] in ancestors(c)], default=0),
                    max([p1[j] for j in ks if j != k and c in parent and parent.get(cid[j]) == parent[c]], default=0),
                ]
        return np.hstack([XC, extra])

    def tfidf():
        from sklearn.feature_extraction.text import TfidfVectorizer

        text = {}
        for path in a.papers:
            with open(path) as f:
                for line in f:
                    r = json.loads(line)
                    p = r.get("paper", r)
                    text[r.get("id") or p.get("id")] = f"{r.get('title') or p.get('title') or ''} . {r.get('abstract') or r.get('summary') or p.get('summary') or ''}"
        papers = sorted(by_paper)
        fold_of = {pid[ks[0]]: fold[ks[0]] for ks in by_paper.values()}
        T = TfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2), stop_words="english").fit_transform([text.get(p, "") for p in papers])
        where = {p: i for i, p in enumerate(papers)}
        gold_of = defaultdict(set)
        for k in range(len(rows)):
            if y[k]:
                gold_of[pid[k]].add(cid[k])
        pf = np.array([fold_of[p] for p in papers])
        P = np.zeros((len(papers), len(concepts)))
        for f in folds:
            tr, te = pf != f, pf == f
            for j, c in enumerate(concepts):
                yy = np.array([c in gold_of[p] for p in papers])
                if yy[tr].sum() >= 2:
                    m = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced").fit(T[tr], yy[tr])
                    P[te, j] = m.predict_proba(T[te])[:, 1]
        col = np.array([P[where[pid[k]], concepts.index(cid[k])] for k in range(len(rows))])
        return np.hstack([XC, col[:, None]])

    variants = {
        "logistic": lambda: cross_validated(logistic, XC),
        "boosted-trees": lambda: cross_validated(lambda: HistGradientBoostingClassifier(learning_rate=0.05, max_iter=200, max_leaf_nodes=15, min_samples_leaf=20, random_state=0), XC),
        "relative": lambda: cross_validated(logistic, relative()),
        "hierarchy": lambda: cross_validated(logistic, hierarchy()),
    }
    if a.papers:
        variants["tfidf"] = lambda: cross_validated(logistic, tfidf())
    if a.upweight:
        prefix, w = a.upweight[0], float(a.upweight[1])
        variants["upweighted"] = lambda: cross_validated(logistic, XC, weight=np.array([w if p.startswith(prefix) else 1.0 for p in pid]))
    print(f"{len(by_paper)} papers with candidates, {len(rows)} candidates, {total} gold concepts, {len(folds)} folds")
    for name, run in variants.items():
        if a.only and name not in a.only:
            continue
        f, p, r = run()
        print(f"{name:14s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")


if __name__ == "__main__":
    main()
