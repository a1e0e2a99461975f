#!/usr/bin/env bash
# The README's first command: builds what it needs with Maven (offline first), then runs
# `cyclegan demo`, which starts the embedded Kafka + S3 and the three services in one JVM,
# uploads a synthetic unpaired data set over Kafka, trains a small CycleGAN with a training
# command, translates held-out images over Kafka and writes everything to ./demo-out/.
# Arguments go to `cyclegan demo` (--out DIR, --images N, --epochs N, --decay-epochs N, --seed N).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
CYCLEGAN_REBUILD="${CYCLEGAN_REBUILD:-1}" exec "$root/scripts/cyclegan" demo "$@"
