#!/usr/bin/env bash
# The chaos run (docs/reliability.md, "Chaos run"): the local stack (embedded Kafka and S3, each
# behind a TCP fault proxy) in one JVM and the three services as JVMs of their own, under a steady
# load of translation requests and a few small training jobs, while a seeded random schedule of
# faults hits them: kill -9 and SIGTERM of each service with a restart, broker restarts, the store
# refused or hung for 2-60 s. Prints one JSON line on stdout; progress goes to stderr and to the
# run folder (./chaos-out/<timestamp>/ unless --out says otherwise).
#
# Usage: scripts/chaos.sh [--minutes N] [--seed S] [--rate R] [--drain-minutes N] [--out DIR]
#                         [--images N] [--job-every SECONDS] [--job-epochs N]
# Exit status: 0 when nothing was lost, no job failed or was left unfinished and no request got
#   an error result; 1 when any did; other values for a run that could not be made.
# Environment: SKIP_BUILD=1 to reuse the last build, MVN_FLAGS (default -o: offline, a warm ~/.m2),
#   CHAOS_JAVA_OPTS (options of the driver's JVM; default -Xmx1g).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLI="$ROOT/services/cli"
CLASSPATH_FILE="$CLI/target/chaos.classpath"
MVN_FLAGS="${MVN_FLAGS:--o}"

cd "$ROOT"
if [[ "${SKIP_BUILD:-0}" != "1" || ! -s "$CLASSPATH_FILE" ]]; then
  echo "chaos: building services/cli and the modules it needs (package, no install)" >&2
  # One reactor: the sibling modules resolve to their own target/ jars, never to ~/.m2. Every
  # module writes the class path file in turn; cli comes last, so its list is what stays.
  # shellcheck disable=SC2086
  mvn $MVN_FLAGS -B -q -pl services/cli -am package dependency:build-classpath \
    -DskipTests -Dspotless.check.skip=true -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$CLASSPATH_FILE" >&2
fi

# libgomp spin-waiting starves the other JVMs on a small machine; the services get it too.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
# shellcheck disable=SC2086
exec java ${CHAOS_JAVA_OPTS:--Xmx1g} -Dai.djl.offline=true \
  -cp "$CLI/target/classes:$(cat "$CLASSPATH_FILE")" \
  io.cyclegan.cli.CycleganCli chaos "$@"
