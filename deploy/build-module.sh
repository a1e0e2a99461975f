#!/bin/sh
# Build stage helper: compiles one service module (and what it depends on) and gathers
# its runtime class path in /out/lib. No fat jar: the image runs `java -cp /app/lib/*`.
set -eu
module="$1"
# The CPU libtorch of the image's platform (buildx sets TARGETARCH), whatever platform Maven runs
# on; without TARGETARCH the POM's profiles pick the building machine's own.
platform=""
case "${TARGETARCH:-}" in
  amd64) platform="-Ddjl.platform=linux-x86_64" ;;
  arm64) platform="-Ddjl.platform=linux-aarch64" ;;
  "") ;;
  *) echo "no CPU libtorch from DJL for linux/$TARGETARCH (amd64 and arm64 only)" >&2; exit 1 ;;
esac
mvn -B -q -DskipTests $platform -pl "services/$module" -am install
mvn -B -q $platform -pl "services/$module" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory=/out/lib
jar=$(find "services/$module/target" -maxdepth 1 -name "$module-*.jar" \
  ! -name '*-sources.jar' ! -name '*-javadoc.jar' ! -name '*-tests.jar' | head -n 1)
if [ -z "$jar" ]; then
  echo "no jar of module $module in services/$module/target" >&2
  exit 1
fi
cp "$jar" /out/lib/
