#!/usr/bin/env bash
# Fuzzes every parser for a bounded time: builds the libFuzzer harnesses of fuzz/ with clang-14
# (ASan + UBSan, -DHANDOUT_FUZZ=ON) in build-fuzz/, then runs each one for SECONDS (default 60).
#
#   bash scripts/fuzz.sh [SECONDS] [HARNESS...]      e.g. bash scripts/fuzz.sh 20 content layout
#
# Each harness first runs its earlier findings (tests/data/fuzz/HARNESS-*) once — one that still
# fails is a finding — then fuzzes from a working copy of its seeds (build-fuzz/work/HARNESS/,
# emptied first): its committed corpus fuzz/corpus/HARNESS/, the shipped inputs (content/,
# layouts/, samples/), the tests' inputs (tests/data/) and the earlier findings that pass, so the
# committed corpora change only by hand (see the end of this file). Prints, per harness, the
# executions and the time; exits 1 when any harness found a crash, a leak, a timeout (10 s) or
# an out-of-memory (2 GB), naming the reproducer (build-fuzz/findings/HARNESS/) and its log.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
build_dir=build-fuzz
all_harnesses=(content layout manifest_csv manifest_jsonl output_name image readability)
harnesses=("$@")
if [ "${#harnesses[@]}" = 0 ]; then harnesses=("${all_harnesses[@]}"); fi

clang_rt=$(clang++-14 -print-resource-dir 2>/dev/null || true)/lib/linux/libclang_rt.fuzzer-x86_64.a
if ! command -v clang++-14 >/dev/null || [ ! -f "$clang_rt" ] || ! dpkg -s libfuzzer-14-dev >/dev/null 2>&1; then
  bash scripts/install-deps.sh
fi
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHANDOUT_FUZZ=ON -DHANDOUT_TESTS=OFF "${launcher[@]}" >/dev/null
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build "$build_dir" --target "${targets[@]}"

# Seeds of one harness, as paths (files only; folders searched recursively).
seeds() {
  local -a from=("fuzz/corpus/$1")
  case "$1" in
    content) from+=(content tests/data -name '*.md') ;;
    layout) from+=(layouts tests/data -name '*.toml') ;;
    manifest_csv) from+=(samples tests/data -name '*.csv') ;;
    manifest_jsonl) from+=(samples tests/data '(' -name '*.jsonl' -o -name '*.json' ')') ;;
    output_name) ;;
    image) from+=(layouts tests/data '(' -name '*.png' -o -name '*.jpg' -o -name '*.svg' ')') ;;
    readability) from+=(content tests/data/check -name '*.md') ;;
  esac
  # The committed corpus whole; from the other folders only the files of the harness's kind.
  find "fuzz/corpus/$1" -type f 2>/dev/null || true
  if [ "${#from[@]}" -gt 1 ]; then
    find "${from[@]:1}" -type f -not -path 'tests/data/fuzz/*' 2>/dev/null || true
  fi
}

# Inputs longer than the seeds reach deeper nesting (the default would be the largest seed).
max_len() {
  case "$1" in
    content) echo 32768 ;;
    layout) echo 16384 ;;
    image) echo 65536 ;;
    *) echo 8192 ;;
  esac
}

# The top frames of the first stack in a log, below libFuzzer's, the sanitizers' and libc's own:
# where it failed.
top_frames() {
  grep -E '^ +#[0-9]+ ' "$1" \
    | grep -vE 'fuzzer::|__sanitizer|__asan|__ubsan|__interceptor|pthread_kill|raise|abort|libc\.so|libc_start|in _start|in main |in malloc|in calloc|in realloc|operator new' \
    | head -8 | sed 's/^/    /' || true
}

export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0
failed=()
summary=()
for h in "${harnesses[@]}"; do
  work="$build_dir/work/$h"
  findings="$build_dir/findings/$h"
  log="$build_dir/work/$h.log"
  rm -rf "$work"
  mkdir -p "$work" "$findings"
  n=0
  while IFS= read -r f; do
    n=$((n + 1))
    cp "$f" "$work/seed-$n-$(basename "$f")"
  done < <(seeds "$h")
  # What the harness found before (tests/data/fuzz/HARNESS-*) must pass: run each once. One that
  # still fails is a finding of this run; the others seed the fuzzing (one that still crashes
  # would end it at once).
  while IFS= read -r f; do
    rlog="$build_dir/work/$(basename "$f").log"
    if "$build_dir/fuzz_$h" -runs=1 -rss_limit_mb=2048 -timeout=10 "$f" >"$rlog" 2>&1; then
      n=$((n + 1))
      cp "$f" "$work/seed-$n-$(basename "$f")"
    else
      line="$h: still fails: $f; log: $rlog"
      echo "$line"
      top_frames "$rlog"
      [[ " ${failed[*]} " == *" $h "* ]] || failed+=("$h")
      summary+=("$line")
    fi
  done < <(find tests/data/fuzz -type f -name "$h-*" 2>/dev/null | sort)
  echo "== $h: $n seeds, $seconds s"
  start=$(date +%s)
  rc=0
  # A fixed seed (HANDOUT_FUZZ_SEED, default 1): the same mutations in the same order on every
  # machine, so CI repeats what a run here tried (a slower machine a prefix of it); a new seed
  # explores anew.
  "$build_dir/fuzz_$h" -seed="${HANDOUT_FUZZ_SEED:-1}" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len="$(max_len "$h")" \
    -print_final_stats=1 -artifact_prefix="$findings/" "$work" >"$log" 2>&1 || rc=$?
  elapsed=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)
  line="$h: ${execs:-?} executions in ${elapsed} s"
  if [ -n "$done_line" ]; then line+=" (libFuzzer: $done_line)"; fi
  if [ "$rc" != 0 ]; then
    reproducer=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    kind=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [^ ]+( [^ ]+)?|runtime error: .*|output_name broke its promise: .*|decode_image returned .*' "$log" || echo "exit $rc")
    line+=" — FOUND: $kind; reproducer: ${reproducer:-none written}; log: $log"
    [[ " ${failed[*]} " == *" $h "* ]] || failed+=("$h")
    echo "$line"
    top_frames "$log"
  else
    echo "$line"
  fi
  summary+=("$line")
done

echo
echo "== fuzzing summary (${seconds} s per harness)"
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" != 0 ]; then
  echo "fuzz: findings in: ${failed[*]} (each reproducer becomes tests/data/fuzz/HARNESS-NAME and a case in tests/test_fuzz_regressions.cpp)" >&2
  exit 1
fi

# To grow a committed corpus from a working one, by hand (keeps only inputs that add coverage):
#   build-fuzz/fuzz_HARNESS -merge=1 fuzz/corpus/HARNESS build-fuzz/work/HARNESS
