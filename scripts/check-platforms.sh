#!/usr/bin/env bash
# Checks that every platform the build supports resolves its native PyTorch artifacts: for each,
# the modules that bundle libtorch resolve their whole runtime graph with -Ddjl.platform=<p>
# (pytorch-native-cpu:<p> and pytorch-jni, whose jar holds the JNI library of every platform).
# Not part of `mvn verify`: the other platforms' libtorch jars are 70-200 MB each and are
# downloaded once into ~/.m2. See docs/platforms.md.
#
#   scripts/check-platforms.sh                      # all four
#   scripts/check-platforms.sh osx-aarch64          # one
#   MAVEN_OFFLINE=1 scripts/check-platforms.sh      # only what ~/.m2 already holds
set -euo pipefail

root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
platforms=("$@")
if [ ${#platforms[@]} -eq 0 ]; then
  platforms=(linux-x86_64 linux-aarch64 osx-aarch64 win-x86_64)
fi
offline=()
[ -n "${MAVEN_OFFLINE:-}" ] && offline=(-o)

# The jar inside the pytorch-jni artifact that a platform needs, next to the libtorch jar.
jni_entry() {
  case "$1" in
    win-*) echo "jnilib/$1/cpu/djl_torch.dll" ;;
    osx-*) echo "jnilib/$1/cpu/libdjl_torch.dylib" ;;
    *) echo "jnilib/$1/cpu/libdjl_torch.so" ;;
  esac
}

failed=0
for p in "${platforms[@]}"; do
  printf '%-14s ' "$p"
  log="$(mktemp)"
  # cyclegan-model is the one module that declares the natives; every service gets them from it.
  if ! (cd "$root" && mvn -B -q "${offline[@]}" -pl services/cyclegan-model -Ddjl.platform="$p" \
      dependency:resolve -DincludeGroupIds=ai.djl.pytorch -DoutputFile="$log.list") >"$log" 2>&1; then
    echo "FAILED: the artifacts do not resolve"
    sed 's/^/    /' "$log" | grep -E 'ERROR|Could not' | head -5
    failed=1
    continue
  fi
  native="$(grep -o "pytorch-native-cpu:jar:$p:[^:]*" "$log.list" || true)"
  jni_version="$(grep -o 'pytorch-jni:jar:[^:]*' "$log.list" | cut -d: -f3 || true)"
  jni_jar="${MAVEN_REPO:-$HOME/.m2/repository}/ai/djl/pytorch/pytorch-jni/$jni_version/pytorch-jni-$jni_version.jar"
  if [ -z "$native" ]; then
    echo "FAILED: pytorch-native-cpu for $p is not in the resolved graph"
    failed=1
  elif ! unzip -l "$jni_jar" "$(jni_entry "$p")" >/dev/null 2>&1; then
    echo "FAILED: $(basename "$jni_jar") has no $(jni_entry "$p")"
    failed=1
  else
    echo "ok ($native, $(basename "$jni_jar"))"
  fi
  rm -f "$log" "$log.list"
done
exit "$failed"
