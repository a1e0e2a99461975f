#!/usr/bin/env bash
# Pipeline benchmark of the inference worker: N images through Kafka -> worker -> store -> results
# on the embedded stack, against the bare generator at the same batch size in the same process.
# Prints one JSON line: images, maxBatch, pipelineImagesPerSecond, p50Ms, p95Ms, p99Ms,
# bareImagesPerSecond, ratio.
#
# Usage: scripts/bench-inference.sh [--split] [images] [maxBatch] [size] [blocks] [ngf] [maxBatchDelayMs]
#   (or IMAGES, MAX_BATCH, SIZE, BLOCKS, NGF, MAX_BATCH_DELAY_MS in the environment;
#   defaults 128, 8, 64, 6, 64, 20: a 64 px, 6-block, ngf-64 generator with random weights).
# --split (issue 15 part 2): the broker and the store run in another JVM (the local stack's main,
#   LocalStackMain, as in a deployment), the worker in this one (WorkerCostBenchmark). After a
#   warm-up of a quarter of the burst, BENCH_ROUNDS (3) bursts; prints a "worker-burst" line per
#   burst, then "worker-cost" (workerCpuMsPerImage, bareCpuMsPerImage, codecCpuMsPerImage, the
#   overhead and the issue's two ratios, from the last burst), "png-encode" (the encoder and the
#   pixel copies), "input-read" (a stat then a get against one bounded get) and "worker-threads"
#   (CPU per image by thread). BENCH_B="K=V,K=V" (worker settings, e.g.
#   CYCLEGAN_INFERENCE_THREADS=2) alternates the rounds between the shipped settings (A) and A plus
#   those (B), each with its own bare figure at its libtorch thread count: a lever side by side in
#   one run. BENCH_OUTPUT_FORMAT=jpeg makes every claim check ask for a JPEG output (default png). On 2 shared cores: 128 images of 64 px about 3 minutes (A/B: 2.3 at load 6, 6 at
#   load 15); 32 images of 256 px about 4 minutes (docs/benchmarks.md).
# Runs from a fresh clone with the reactor (no `mvn install`). MVN defaults to offline Maven
# ("mvn -o").
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-mvn -o}
module=services/inference-worker
main=io.cyclegan.inference.bench.InferenceBenchmark
if [[ "${1:-}" == "--split" ]]; then
  main=io.cyclegan.inference.bench.WorkerCostBenchmark
  shift
fi
# shellcheck source=scripts/bench/test-classpath.sh
source scripts/bench/test-classpath.sh
# libgomp's default spin-waiting makes libtorch's CPU threads collapse when other processes
# share the cores (measured here: the same bare batch took 0.13 s to 1.75 s); passive waiting
# kept it within 15%.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
exec java -Xmx4g -Dai.djl.offline=true ${JAVA_OPTS:-} \
  -Dlogback.configurationFile=scripts/bench/logback-bench.xml \
  -cp "$cp" "$main" "$@"
