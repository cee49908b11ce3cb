#!/usr/bin/env python3
"""The arXiv development set (data/eval/arxiv-dev/): draw its papers, and measure agreement.

usage: scripts/arxiv-dev.py sample [--corpus ../shared/corpus/arxiv-daily] [--seed ../shared/seed/seed-papers.jsonl] [-n 150] > papers.jsonl
       scripts/arxiv-dev.py agree annotator-a.jsonl annotator-b.jsonl [gold.jsonl]

`sample` draws the papers the set was annotated on: arXiv records (CC0) of the daily corpus
first seen in 2023 or later, whose first category is cs.*, with an abstract of at least 300
characters and a title that is not a seed paper's; ordered by SHA-256 of
"topicgraph-arxiv-dev:" + id, the first N. The same corpus gives the same papers, byte for byte
(records are written as the corpus holds them, re-serialised with sorted keys off).

`agree` prints the F1 of one annotation against the other (as ANNOTATION.md reports agreement)
and, with the adjudicated gold, how many papers and labels adjudication changed; for files
whose lines carry "entities" too, the same for entities (untyped and typed, normalised as
ANNOTATION.md scores them).
Python 3 standard library only.
"""
import argparse
import glob
import gzip
import hashlib
import json
import os
import re
import sys
import unicodedata


def sample(a):
    if not os.path.isdir(a.corpus):
        sys.exit(f"arxiv-dev: the corpus folder {a.corpus} is absent (give it with --corpus)")
    seed_titles = set()
    if os.path.isfile(a.seed):
        with open(a.seed, encoding="utf-8") as f:
            seed_titles = {json.loads(l)["title"].lower().strip() for l in f if l.strip()}
    pool = []
    for path in sorted(glob.glob(os.path.join(a.corpus, "*.jsonl.gz"))):
        m = re.search(r"(\d{4})-\d{2}\.jsonl\.gz$", path)
        if not m or int(m.group(1)) < 2023:
            continue
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                cats = d.get("categories") or []
                if not cats or not cats[0].startswith("cs."):
                    continue
                if d["title"].lower().strip() in seed_titles or len(d.get("summary") or "") < 300:
                    continue
                pool.append((hashlib.sha256(("topicgraph-arxiv-dev:" + d["id"]).encode()).hexdigest(), d))
    pool.sort(key=lambda x: x[0])
    out = sys.stdout
    for _, d in pool[: a.n]:
        out.write(json.dumps(d, ensure_ascii=False) + "\n")


def read(path):
    with open(path, encoding="utf-8") as f:
        return {d["id"]: set(d["concepts"]) for d in (json.loads(l) for l in f if l.strip())}


def norm_entity(text):
    """ANNOTATION.md's entity normalisation: NFKC, lower case, hyphens, underscores and runs
    of spaces folded to one space."""
    t = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[-_\s]+", " ", t).strip()


def read_entities(path, typed):
    """{id: {normalised text (, type)}} for the papers that carry "entities", else None."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for d in (json.loads(l) for l in f if l.strip()):
            if "entities" not in d:
                return None
            out[d["id"]] = {(norm_entity(e["text"]), e["type"]) if typed else norm_entity(e["text"]) for e in d["entities"]}
    return out


def f1_of(x, y):
    both = sum(len(x[i] & y.get(i, set())) for i in x)
    n = sum(map(len, x.values())) + sum(map(len, y.values()))
    return 2 * both / n if n else 1.0


def agree(a):
    x, y = read(a.a), read(a.b)
    if set(x) != set(y):
        sys.exit("arxiv-dev: the two annotations cover different papers")
    both = sum(len(x[i] & y[i]) for i in x)
    nx, ny = sum(map(len, x.values())), sum(map(len, y.values()))
    print(f"papers {len(x)}; labels {nx} and {ny}; in both {both}; agreement F1 {2 * both / (nx + ny):.3f}")
    print(f"papers the two annotations differ on: {sum(1 for i in x if x[i] != y[i])}")
    if a.gold:
        g = read(a.gold)
        print(f"gold: {sum(map(len, g.values()))} labels; papers without a concept {sum(1 for v in g.values() if not v)}")
        for name, ann in (("a", x), ("b", y)):
            tp = sum(len(ann[i] & g[i]) for i in g)
            n = sum(map(len, ann.values()))
            print(f"annotator {name} against the gold: F1 {2 * tp / (n + sum(map(len, g.values()))):.3f}")
    # Entities, when both annotations carry them (scored as ANNOTATION.md scores entities).
    for typed in (False, True):
        ex, ey = read_entities(a.a, typed), read_entities(a.b, typed)
        if ex is None or ey is None:
            break
        kind = "typed" if typed else "untyped"
        line = f"entities ({kind}): {sum(map(len, ex.values()))} and {sum(map(len, ey.values()))}; agreement F1 {f1_of(ex, ey):.3f}"
        eg = read_entities(a.gold, typed) if a.gold else None
        if eg is not None:
            line += f"; gold {sum(map(len, eg.values()))}, annotators against it {f1_of(ex, eg):.3f} and {f1_of(ey, eg):.3f}"
        print(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--corpus", default="../shared/corpus/arxiv-daily")
    s.add_argument("--seed", default="../shared/seed/seed-papers.jsonl")
    s.add_argument("-n", type=int, default=150)
    g = sub.add_parser("agree")
    g.add_argument("a")
    g.add_argument("b")
    g.add_argument("gold", nargs="?")
    a = ap.parse_args()
    sample(a) if a.cmd == "sample" else agree(a)


if __name__ == "__main__":
    main()
