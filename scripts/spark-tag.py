#!/usr/bin/env python3
"""Tag a corpus too large for one machine with Apache Spark and `topicgraph tag`.

Each partition of the input's lines is piped through `topicgraph tag -` (RDD.pipe): the
tagger is a pure stream filter (records in, one tagged JSON object per record out, no
state), so any partitioning gives the answer a single process gives, paper by paper. The
output folder of part files is what `topicgraph build --from-tags` loads (with
`--with-paper`, the default here).

On a cluster (YARN: files given with --files land in each container's working folder):

    spark-submit --files target/release/topicgraph,mine.ttl scripts/spark-tag.py \\
        --binary ./topicgraph --ontology bundled --ontology mine.ttl \\
        --input 'hdfs:///arxiv/snapshot-*.json' --format kaggle --output hdfs:///tags

Locally (what the test suite runs, Spark's local[2] master):

    python3 scripts/spark-tag.py --master 'local[2]' --binary target/release/topicgraph \\
        --input papers.jsonl --partitions 4 --output /tmp/tags

Then: `topicgraph build --from-tags /tmp/tags --out kg` (same --ontology as the tagging).
See docs/scaling.md.
"""

import argparse
import shlex
import sys


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", required=True, nargs="+", help="input files or globs (any path Spark reads: local, hdfs://, s3a://)")
    ap.add_argument("--output", required=True, help="output folder of part files (must not exist)")
    ap.add_argument("--binary", default="topicgraph", help="the topicgraph binary as the executors see it")
    ap.add_argument("--ontology", action="append", default=[], help="passed to `topicgraph tag --ontology` (repeatable)")
    ap.add_argument("--format", default="auto", help="input format (`topicgraph tag --format`); one record per line")
    ap.add_argument("--partitions", type=int, default=0, help="minimum number of partitions (0: Spark's choice)")
    ap.add_argument("--no-paper", action="store_true", help="tags only, without each paper's record (not loadable by build --from-tags)")
    ap.add_argument("--gzip", action="store_true", help="gzip the part files")
    ap.add_argument("--master", help="Spark master, e.g. local[2] (default: spark-submit's)")
    args = ap.parse_args()

    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("topicgraph-tag")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("ERROR")

    # Not -q: rejected records are named on the executors' stderr (their logs).
    command = [args.binary, "tag", "-", "--format", args.format]
    for o in args.ontology:
        command += ["--ontology", o]
    if not args.no_paper:
        command.append("--with-paper")

    lines = sc.textFile(",".join(args.input), minPartitions=args.partitions or None)
    # checkCode: a failing tagger fails the task (and Spark retries or stops the job)
    # instead of yielding a short partition.
    tagged = lines.pipe(shlex.join(command), checkCode=True)
    codec = "org.apache.hadoop.io.compress.GzipCodec" if args.gzip else None
    tagged.saveAsTextFile(args.output, compressionCodecClass=codec)
    print(f"spark-tag: {lines.getNumPartitions()} partition(s) -> {args.output}", file=sys.stderr)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
