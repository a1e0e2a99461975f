#!/usr/bin/env bash
# Training throughput of the CycleGAN model (services/cyclegan-model) next to the reference PyTorch
# eager step, in the same run. For each configuration it prints three JSON lines on stdout:
#  - ours: imageSize, generatorBlocks, ngf, device, stepSeconds (median of the timed steps after
#    warm-up), stepSpread (p90 - p10), nativeOpsPerStep (aten:: operations per step, counted with
#    libtorch's profiler through DJL), gflops (the reference architecture's FLOPs per step divided
#    by stepSeconds) and matmulGflops (libtorch float32 2048^3 matmul rate in the same process),
#    on the libtorch thread count a training job would choose for the step (threads: one for a
#    small step on the CPU, EngineThreads.forTrainingSteps) unless BENCH_JAVA_OPTS or
#    OMP_NUM_THREADS chose one;
#  - the reference (scripts/bench/reference_train_step.py, PyTorch eager, same threads, same
#    warm-up and timed steps, operations counted by the same libtorch profiler), when a Python
#    PyTorch is installed (Debian: apt-get install python3-torch);
#  - "comparison": stepRatio (ours / reference) and opsRatio.
# Small configurations (size * ngf <= 512, e.g. 32/2/8) use 20 warm-up and 30 timed steps, others
# 2 and 7.
#
# Usage: scripts/bench-train.sh [size/blocks/ngf ...]      default: 64/6/64 32/2/8
# Environment: BENCH_DEVICE (auto|cpu|gpu|gpu:N, default auto), BENCH_STEPS, BENCH_WARMUP and
#   BENCH_PROFILED (override the step counts), SKIP_BUILD=1 to reuse target/classes, MVN_FLAGS
#   (default -o), BENCH_JAVA_OPTS (extra JVM options, e.g. -Dai.djl.pytorch.num_threads=1),
#   PYTHON (default /usr/bin/python3; SKIP_REFERENCE=1 leaves the reference out). libgomp reads
#   OMP_WAIT_POLICY from the environment: on a machine shared with other busy processes,
#   OMP_WAIT_POLICY=passive gives steadier figures (see docs/benchmarks.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$ROOT/services/cyclegan-model"
MVN_FLAGS="${MVN_FLAGS:--o}"
CLASSPATH_FILE="$MODULE/target/bench.classpath"
PYTHON="${PYTHON:-/usr/bin/python3}"

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

reference=1
if [[ "${SKIP_REFERENCE:-0}" == "1" ]]; then
  reference=0
elif ! "$PYTHON" -c 'import torch' 2>/dev/null; then
  echo "bench-train: no PyTorch for $PYTHON (apt-get install python3-torch); reference skipped" >&2
  reference=0
fi

configs=("$@")
if [[ ${#configs[@]} -eq 0 ]]; then
  configs=(64/6/64 32/2/8)
fi
for spec in "${configs[@]}"; do
  # Log lines to stderr: stdout carries the JSON line (logback-classic is on the runtime classpath,
  # and without a configuration it logs everything, DJL's debug lines included, to stdout).
  # shellcheck disable=SC2086
  ours=$(java -Xmx4g -Dai.djl.offline=true ${BENCH_JAVA_OPTS:-} \
    -Dlogback.configurationFile=scripts/bench/logback-bench.xml \
    -Dbench.device="${BENCH_DEVICE:-auto}" \
    ${BENCH_STEPS:+-Dbench.steps=$BENCH_STEPS} \
    ${BENCH_WARMUP:+-Dbench.warmup=$BENCH_WARMUP} \
    ${BENCH_PROFILED:+-Dbench.profiled=$BENCH_PROFILED} \
    -cp "$MODULE/target/classes:$(cat "$CLASSPATH_FILE")" \
    io.cyclegan.model.bench.TrainBenchmark "$spec")
  echo "$ours"
  if [[ $reference == 1 ]]; then
    threads=$("$PYTHON" -c 'import json,sys; print(json.loads(sys.argv[1])["threads"])' "$ours")
    ref=$(BENCH_THREADS=$threads "$PYTHON" "$ROOT/scripts/bench/reference_train_step.py" "$spec")
    echo "$ref"
    "$PYTHON" - "$ours" "$ref" <<'PY'
import json, sys
o, r = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ops = o["nativeOpsPerStep"] / r["nativeOpsPerStep"] if r["nativeOpsPerStep"] else None
print(json.dumps({"comparison": "%d/%d/%d" % (o["imageSize"], o["generatorBlocks"], o["ngf"]),
                  "stepRatio": round(o["stepSeconds"] / r["stepSeconds"], 3),
                  "opsRatio": None if ops is None else round(ops, 3)}))
PY
  fi
done
