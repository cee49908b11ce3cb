#!/usr/bin/env python3
"""Score topicgraph against the CSO classifier's gold standard, beside the CSO classifier.

usage: scripts/cso-eval.py [--bin target/release/topicgraph] [--cso-gold ../shared/eval/cso-gold]
                           [--keep DIR] [--semantic]

The folder holds GoldStandard.json (70 papers: id -> {title, abstract, keywords,
gold_standard{majority_vote}, cso_output{syntactic, semantic, final}}) and concepts.csv
(the 14,612 CSO labels, one column `Label`). The script writes, under a temporary folder:

  papers.jsonl                 canonical papers {"id", "title", "abstract", "keywords"}
  gold.jsonl                   {"id", "concepts": [majority_vote labels]}
  cso-syntactic.jsonl          the CSO classifier's outputs, as label predictions
  cso-syntactic+semantic.jsonl
  cso-final.jsonl

then runs `topicgraph eval --gold-labels` with `--ontology concepts.csv` for topicgraph
(tagging the papers on the fly) and for each CSO output, and prints one table of
micro-averaged precision, recall and F1. Labels are matched to concepts by topicgraph's
label key (case, plurals, hyphens and spacing folded) on both sides, so every system is
scored the same way. Python 3 standard library only.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

CSO_SYSTEMS = [
    ("CSO syntactic", "cso-syntactic", ("syntactic",)),
    ("CSO syntactic+semantic", "cso-syntactic+semantic", ("syntactic", "semantic")),
    ("CSO final", "cso-final", ("final",)),
]


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def union(lists):
    out, seen = [], set()
    for l in lists:
        for x in l:
            if x not in seen:
                seen.add(x)
                out.append(x)
    return out


def prepare(gold_standard, out_dir):
    """Write papers, gold and CSO predictions; return {file stem: path}."""
    with open(gold_standard, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict) or not data:
        sys.exit(f"cso-eval: {gold_standard}: expected a JSON object of papers")
    papers, gold = [], []
    preds = {stem: [] for _, stem, _ in CSO_SYSTEMS}
    for pid, p in data.items():
        papers.append({"id": pid, "title": p.get("title") or "", "abstract": p.get("abstract") or "", "keywords": p.get("keywords") or []})
        gold.append({"id": pid, "concepts": p["gold_standard"]["majority_vote"]})
        for _, stem, parts in CSO_SYSTEMS:
            preds[stem].append({"id": pid, "concepts": union(p["cso_output"].get(k, []) for k in parts)})
    paths = {"papers": os.path.join(out_dir, "papers.jsonl"), "gold": os.path.join(out_dir, "gold.jsonl")}
    write_jsonl(paths["papers"], papers)
    write_jsonl(paths["gold"], gold)
    for stem, rows in preds.items():
        paths[stem] = os.path.join(out_dir, stem + ".jsonl")
        write_jsonl(paths[stem], rows)
    return paths, len(data)


def evaluate(binary, ontology, gold, pred=None, papers=None, min_score=None, extra=()):
    cmd = [binary, "eval", "--gold-labels", "--gold", gold, "--ontology", ontology, "--json"]
    if min_score is not None:
        cmd += ["--min-score", str(min_score)]
    cmd += list(extra)
    cmd += ["--input", papers] if papers else [pred]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"cso-eval: {' '.join(cmd)} failed ({r.returncode}):\n{r.stderr}")
    c = json.loads(r.stdout)["concepts"]
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    p = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
    return p, rec, f1, tp, fp, fn, cmd


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default="target/release/topicgraph", help="the topicgraph binary (default: %(default)s)")
    ap.add_argument("--cso-gold", default="../shared/eval/cso-gold", help="folder with GoldStandard.json and concepts.csv (default: %(default)s)")
    ap.add_argument("--keep", metavar="DIR", help="write the generated files here instead of a temporary folder, and keep them")
    ap.add_argument("--commands", action="store_true", help="also print the topicgraph commands run")
    ap.add_argument("--semantic", action="store_true", help="also score `--semantic on` (a binary built with --features neural, and the model)")
    ap.add_argument("--mentioned", type=float, default=0.1, help="the --min-score that tags every mentioned topic (default: %(default)s)")
    a = ap.parse_args()

    gs = os.path.join(a.cso_gold, "GoldStandard.json")
    ontology = os.path.join(a.cso_gold, "concepts.csv")
    if not os.path.isdir(a.cso_gold):
        sys.exit(f"cso-eval: the CSO gold folder {a.cso_gold} is absent (give it with --cso-gold)")
    for f in (gs, ontology):
        if not os.path.isfile(f):
            sys.exit(f"cso-eval: {f} is missing (the CSO gold folder needs GoldStandard.json and concepts.csv)")
    if not (os.path.isfile(a.bin) and os.access(a.bin, os.X_OK)):
        sys.exit(f"cso-eval: no topicgraph binary at {a.bin} (build it with `cargo build --release`, or give --bin)")

    def run(out_dir):
        paths, n = prepare(gs, out_dir)
        rows = [("topicgraph (default)", evaluate(a.bin, ontology, paths["gold"], papers=paths["papers"]))]
        # CSO's gold lists every topic a paper mentions, not only its main subjects: the
        # matching threshold is low enough that one plain abstract mention of a one-word
        # label (score 0.11-0.26) is tagged.
        rows.append((f"topicgraph --min-score {a.mentioned}", evaluate(a.bin, ontology, paths["gold"], papers=paths["papers"], min_score=a.mentioned)))
        if a.semantic:
            on = ("--semantic", "on")
            rows.append(("  + --semantic on", evaluate(a.bin, ontology, paths["gold"], papers=paths["papers"], extra=on)))
            rows.append((f"  + --semantic on, {a.mentioned}", evaluate(a.bin, ontology, paths["gold"], papers=paths["papers"], min_score=a.mentioned, extra=on)))
        for name, stem, _ in CSO_SYSTEMS:
            rows.append((name, evaluate(a.bin, ontology, paths["gold"], pred=paths[stem])))
        print(f"CSO classifier gold standard: {n} papers, gold = majority_vote, ontology = {ontology} (flat), micro-averaged")
        print(f"{'system':<24} {'P':>6} {'R':>6} {'F1':>6}   {'tp':>4} {'fp':>4} {'fn':>4}")
        for name, (p, r, f1, tp, fp, fn, _) in rows:
            print(f"{name:<24} {p:6.3f} {r:6.3f} {f1:6.3f}   {tp:4d} {fp:4d} {fn:4d}")
        if a.commands:
            for name, res in rows:
                print(f"# {name}: {' '.join(res[6])}")

    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
        run(a.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="cso-eval-") as d:
            run(d)


if __name__ == "__main__":
    main()
