#!/usr/bin/env bash
# Training throughput of the CycleGAN model (services/cyclegan-model), one JSON line per
# configuration on stdout: imageSize, generatorBlocks, ngf, device, stepSeconds (median of the
# measured steps after warm-up), gflops (the reference architecture's FLOPs per step divided by
# stepSeconds) and matmulGflops (libtorch float32 2048^3 matmul rate in the same process).
#
# Usage: scripts/bench-train.sh [size/blocks/ngf ...]      default: 64/6/64 32/2/8
# Environment: BENCH_DEVICE (auto|cpu|gpu|gpu:N, default auto), BENCH_STEPS (default 7),
#   BENCH_WARMUP (default 2), SKIP_BUILD=1 to reuse target/classes, MVN_FLAGS (default -o),
#   BENCH_JAVA_OPTS (extra JVM options, e.g. -Dai.djl.pytorch.num_threads=1). libgomp reads
#   OMP_WAIT_POLICY from the environment: on a machine shared with other busy processes,
#   OMP_WAIT_POLICY=passive gives steadier figures (see docs/benchmarks.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$ROOT/services/cyclegan-model"
MVN_FLAGS="${MVN_FLAGS:--o}"
CLASSPATH_FILE="$MODULE/target/bench.classpath"

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

# shellcheck disable=SC2086
exec java -Xmx4g -Dai.djl.offline=true ${BENCH_JAVA_OPTS:-} \
  -Dbench.device="${BENCH_DEVICE:-auto}" \
  -Dbench.steps="${BENCH_STEPS:-7}" \
  -Dbench.warmup="${BENCH_WARMUP:-2}" \
  -cp "$MODULE/target/classes:$(cat "$CLASSPATH_FILE")" \
  io.cyclegan.model.bench.TrainBenchmark "$@"
