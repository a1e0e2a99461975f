#!/usr/bin/env bash
# The full PyTorch round trip of docs/interop.md, where PyTorch is installed (not part of
# `mvn verify`, which runs the same checks against committed fixtures):
#   1. PyTorch builds a ResnetGenerator (official layout) with random weights and saves it with
#      torch.save, plus random inputs at 64x64 and 37x50;
#   2. Java imports it (the reader and mapping of `cyclegan models import`), translates the
#      inputs, and exports latest_net_G_A.pth and .safetensors;
#   3. PyTorch loads both exports with torch.load(weights_only=True) / load_state_dict(strict),
#      checks the tensors are bit-identical to what it saved, and compares Java's outputs with
#      its own (max abs diff <= 1e-4).
#
# Usage: scripts/check-interop.sh [NGF BLOCKS]    default: 16 9 (the official block count)
# Environment: PYTHON (default /usr/bin/python3, Debian's python3-torch), SKIP_BUILD=1,
#   MVN_FLAGS (default -o), KEEP=1 to keep the work folder.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$ROOT/services/cyclegan-model"
PYTHON="${PYTHON:-/usr/bin/python3}"
MVN_FLAGS="${MVN_FLAGS:--o}"
CLASSPATH_FILE="$MODULE/target/bench.classpath"
NGF="${1:-16}"
BLOCKS="${2:-9}"

if ! "$PYTHON" -c 'import torch' 2>/dev/null; then
  echo "check-interop: PyTorch is not installed for $PYTHON (apt-get install python3-torch); skipped" >&2
  exit 0
fi

cd "$ROOT"
if [[ "${SKIP_BUILD:-0}" != "1" || ! -d "$MODULE/target/classes" ]]; then
  # shellcheck disable=SC2086
  mvn $MVN_FLAGS -q -pl services/cyclegan-model -DskipTests -Dspotless.check.skip=true compile >&2
fi
if [[ ! -s "$CLASSPATH_FILE" || "$MODULE/pom.xml" -nt "$CLASSPATH_FILE" ]]; then
  # shellcheck disable=SC2086
  mvn $MVN_FLAGS -q -pl services/cyclegan-model dependency:build-classpath \
    -DincludeScope=runtime -Dmdep.outputFile="$CLASSPATH_FILE" >&2
fi

WORK="$(mktemp -d)"
if [[ "${KEEP:-0}" != "1" ]]; then
  trap 'rm -rf "$WORK"' EXIT
else
  echo "work folder: $WORK"
fi

"$PYTHON" "$ROOT/scripts/interop/check_roundtrip.py" prepare "$WORK" "$NGF" "$BLOCKS"
OMP_WAIT_POLICY=passive java -Xmx2g -Dai.djl.offline=true \
  -cp "$MODULE/target/classes:$(cat "$CLASSPATH_FILE")" \
  io.cyclegan.model.interop.InteropCheck "$WORK/generator.pth" "$WORK/inputs.safetensors" "$WORK"
"$PYTHON" "$ROOT/scripts/interop/check_roundtrip.py" verify "$WORK"
