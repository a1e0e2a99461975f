#!/usr/bin/env bash
# The README's first command. For now it starts the embedded local stack (Kafka + S3) in the
# foreground; the full demo replaces this once the services exist.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -q -B install -DskipTests -pl services/local-stack -am
exec services/local-stack/run.sh "$@"
