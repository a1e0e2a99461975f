# shellcheck shell=bash
# Sourced by the benchmark scripts, from the repository's root, with MVN and module set: compiles
# the module's tests with the reactor (so a fresh clone needs no `mvn install`) and sets cp to its
# test and main classes and its test-scope dependencies.
$MVN -q -pl "$module" -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >&2
cp="$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")"
