#!/bin/sh
# Starts one service of the pipeline: MAIN_CLASS is set by the image's build target.
# JAVA_BASE_OPTS are the image's fixed flags; JAVA_OPTS (from the chart or compose)
# come after them, so a flag given there wins (e.g. -XX:MaxRAMPercentage).
set -eu
: "${MAIN_CLASS:?MAIN_CLASS is not set: build the image with one of the service targets}"
# shellcheck disable=SC2086 # the option strings are meant to be split into words
exec java ${JAVA_BASE_OPTS:-} ${JAVA_OPTS:-} -cp "/app/lib/*" "$MAIN_CLASS" "$@"
