#!/usr/bin/env bash
# The inference worker's PNG writer, fast mode (Huffman codes only where rows hardly repeat)
# against deflate level 1, on a folder of images (issue 15; docs/benchmarks.md, "PNG with
# Huffman codes only"). Each image is scaled to SIZE x SIZE (RGB) and written both ways: one
# JSON line per image (the mode chosen, CPU per write, bytes), then a total.
#
# Usage: scripts/bench-png.sh SIZE FILE-OR-FOLDER...
#   e.g. scikit-image's sample images, from Debian's package, without installing it:
#   apt-get download python3-skimage && dpkg -x python3-skimage_*.deb /tmp/skimage
#   scripts/bench-png.sh 256 /tmp/skimage/usr/lib/python3/dist-packages/skimage/data
# Runs from a fresh clone with the reactor (no `mvn install`). MVN defaults to offline Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-mvn -o}
module=services/pipeline-common
# shellcheck source=scripts/bench/test-classpath.sh
source scripts/bench/test-classpath.sh
exec java ${JAVA_OPTS:-} -cp "$cp" io.cyclegan.common.image.PngCorpusBenchmark "$@"
