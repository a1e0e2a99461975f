#!/usr/bin/env bash
# Inference fleet benchmark (issue 17 part 3): throughput with one and with two inference workers,
# each in a JVM of its own with one libtorch thread, on a requests topic of three partitions, with
# a near-free model (ngf 4, one block); then a burst during which a third worker joins and the
# first leaves (SIGTERM), counting lost requests (must be 0) and duplicate results. Broker and
# store run in the benchmark's JVM. Prints JSON lines:
#   {"bench": "inference-fleet", "phase": "workers"|"rebalance", "workers", "images",
#    "imagesPerSecond", "lost", "duplicates", "cpus", "loadAverage"}
#
# Usage: scripts/bench-fleet.sh [images] [edge]   (defaults 600 32)
# Runs from a fresh clone with the reactor (no `mvn install`); MVN defaults to "mvn -o".
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-mvn -o}
module=services/inference-worker
# shellcheck source=scripts/bench/test-classpath.sh
source scripts/bench/test-classpath.sh
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
exec java -Xmx2g -Dai.djl.offline=true ${JAVA_OPTS:-} \
  -Dlogback.configurationFile=scripts/bench/logback-bench.xml \
  -cp "$cp" io.cyclegan.inference.bench.FleetBenchmark "$@"
