#!/usr/bin/env bash
# Regenerate the tagger models shipped in data/ner/ (embedded in the binary), byte for byte:
# training is deterministic (fixed seed, fixed order, integer updates), so these commands
# give the committed files again. Run from the project root with ../shared present:
#   scripts/train-ner.sh [path/to/topicgraph]
# After retraining, rebuild so the binary embeds the new files.
set -euo pipefail
cd "$(dirname "$0")/.."
TG=${1:-target/release/topicgraph}
EVAL=../shared/eval
"$TG" ner train --scierc $EVAL/scierc/train.json --dev $EVAL/scierc/dev.json --scheme bilou --epochs 30 --bits 18 --seed 1 --out data/ner/scierc.tgner.gz
"$TG" ner train --gsap $EVAL/gsap-ner/gsap_ner_paragraphs.jsonl --folds $EVAL/gsap-ner/10-fold-publication-filenames.json --dev-fold 9 --types MLModel,Dataset --scheme bilou --epochs 30 --bits 18 --seed 1 --out data/ner/gsap.tgner.gz
