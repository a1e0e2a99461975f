#!/usr/bin/env bash
# Scale benchmark (issue 17 part 5) on `cyclegan up`'s in-process pipeline (embedded Kafka and
# S3, ingest, training and inference in one JVM): grows one dataset over Kafka chunk by chunk and
# prints JSON lines on stdout:
#   {"bench":"ingest-warmup", images, seconds}   one chunk to another dataset first (JIT, pools)
#   {"bench":"ingest-chunk", chunk, datasetImagesBefore, images, seconds, imagesPerSecond}  per chunk
#   {"bench":"ingest-summary", firstChunkImagesPerSecond, lastChunkImagesPerSecond, lastOverFirst, cpus, loadAverage}
#   {"bench":"get-datasets", datasetImages, countedImages, calls, p50Ms, maxMs}
#   {"bench":"job-start", cache: cold|warm, secondsToStarted}   start command -> `started` event
#
# Usage: scripts/bench-scale.sh [images] [chunk] [size]   (defaults 20000 1000 32)
# Runs from a fresh clone: builds what it needs with the reactor (no `mvn install`). MVN defaults
# to "mvn -o" (offline); set MVN=mvn the first time on a machine whose ~/.m2 lacks the
# dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-mvn -o}
module=services/cli
# shellcheck source=scripts/bench/test-classpath.sh
source scripts/bench/test-classpath.sh
# libgomp's default spin-waiting starves the JVM's other threads on a small machine.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
exec java -Xmx3g -Dai.djl.offline=true ${JAVA_OPTS:-} \
  -Dlogback.configurationFile=scripts/bench/logback-bench.xml \
  -cp "$cp" io.cyclegan.cli.bench.ScaleBenchmark "$@"
