#!/usr/bin/env bash
# Runs the local stack (Kafka 127.0.0.1:9092, S3 127.0.0.1:9000) in the foreground; Ctrl-C stops it.
# Arguments go to LocalStackMain: --kafka-port, --s3-port, --data-dir, --bucket, --access-key,
# --secret-key, --help. Set MVN_FLAGS=-o to build offline.
set -euo pipefail
module="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$module/../.." && pwd)"
# shellcheck disable=SC2086
mvn -q ${MVN_FLAGS:-} -f "$root/pom.xml" -pl services/local-stack compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
# java directly rather than exec:java, so Ctrl-C reaches the stack's shutdown hook without Maven
# in between and arguments keep their quoting.
exec java -cp "$module/target/classes:$(cat "$module/target/classpath.txt")" \
  io.cyclegan.localstack.LocalStackMain "$@"
