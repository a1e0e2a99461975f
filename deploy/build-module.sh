#!/bin/sh
# Build stage helper: compiles one service module (and what it depends on) and gathers
# its runtime class path in /out/lib. No fat jar: the image runs `java -cp /app/lib/*`.
set -eu
module="$1"
mvn -B -q -DskipTests -pl "services/$module" -am install
mvn -B -q -pl "services/$module" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory=/out/lib
jar=$(find "services/$module/target" -maxdepth 1 -name "$module-*.jar" \
  ! -name '*-sources.jar' ! -name '*-javadoc.jar' ! -name '*-tests.jar' | head -n 1)
if [ -z "$jar" ]; then
  echo "no jar of module $module in services/$module/target" >&2
  exit 1
fi
cp "$jar" /out/lib/
