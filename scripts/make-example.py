#!/usr/bin/env python3
"""Rebuild the bundled example slice of real arXiv records (CC0 metadata).

    python3 scripts/make-example.py ../shared/corpus/arxiv-daily examples/arxiv-cs-2024-2026.jsonl.gz

Takes, from the "daily arXiv" crawler corpus, papers whose primary category is cs.*,
submitted 2024-01 .. 2026-08 (the month a new-style arXiv id encodes): the same number per
month, chosen by a hash of the arXiv id (so the choice is stable and unbiased), plus the records whose titles match a paper of the seed
listing (so the example shows the listing's id-less records joining their arXiv records). Records are
written unchanged, sorted by first_seen then id; the gzip header carries no time stamp, so
the output is byte-identical on every run.
"""
import gzip
import hashlib
import json
import re
import sys
from pathlib import Path

PER_MONTH = 94
FIRST, LAST = "2024-01", "2026-08"


def norm(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", title.lower()).strip()


def main() -> None:
    corpus, out = Path(sys.argv[1]), Path(sys.argv[2])
    seed = Path(__file__).resolve().parent.parent / "examples" / "hf-daily-papers-2025-03-14.txt"
    seed_titles = set()
    if seed.exists():
        lines = [l.strip() for l in seed.read_text(encoding="utf-8").splitlines()]
        seed_titles = {norm(l) for l in lines if 0 < len(l) < 300}
    by_month, chosen = {}, []
    for f in sorted(corpus.glob("*.jsonl.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                m = re.fullmatch(r"(\d\d)(\d\d)\.\d{5}", rec["id"])
                month = f"20{m.group(1)}-{m.group(2)}" if m else ""
                cats = rec.get("categories") or []
                if norm(rec.get("title", "")) in seed_titles:
                    chosen.append(line)
                elif FIRST <= month <= LAST and cats and cats[0].startswith("cs."):
                    key = hashlib.sha256(rec["id"].encode()).hexdigest()
                    by_month.setdefault(month, []).append((key, line))
    for month in sorted(by_month):
        chosen.extend(line for _, line in sorted(by_month[month])[:PER_MONTH])
    chosen.sort(key=lambda l: (json.loads(l).get("first_seen", ""), json.loads(l)["id"]))
    with open(out, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        for line in chosen:
            gz.write(line.encode("utf-8") if line.endswith("\n") else (line + "\n").encode("utf-8"))
    print(f"{out}: {len(chosen)} records", file=sys.stderr)


if __name__ == "__main__":
    main()
