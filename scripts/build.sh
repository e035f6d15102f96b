#!/usr/bin/env bash
# One entry point for set-up: installs the Debian packages, builds, then
#   samples  — writes the sample PDFs into samples/
#   test     — runs the test suite (CTest)
#   asan     — builds with AddressSanitizer + UBSan in build-asan/ and runs the tests there
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-samples}"
bash scripts/install-deps.sh
build_dir=build
cmake_args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "$what" = asan ]; then
  build_dir=build-asan
  cmake_args+=(-DHANDOUT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
fi
cmake -S . -B "$build_dir" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir"
case "$what" in
  samples) bash scripts/make-samples.sh "$build_dir/handout" ;;
  test|asan)
    # Every doctest case is a CTest test: two at a time, a failure named by its case.
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" ;;
  *) echo "usage: scripts/build.sh samples|test|asan" >&2; exit 2 ;;
esac
