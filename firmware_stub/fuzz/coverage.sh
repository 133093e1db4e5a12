#!/usr/bin/env bash
# The coverage of the board's files by a bounded fuzzing run:
#   fuzz/coverage.sh [SECONDS] [TARGET...]      (default: 60 s, session)
# TARGET: session (structure-aware) or decoder (raw bytes). For each, from a
# fresh corpus (fuzz/seeds.py's inputs, or the golden vectors), the sanitized
# target fuzzes for SECONDS (libFuzzer, -seed=1; 0: the seeds alone); then the
# build with clang's source-based coverage (make fuzz-cov) replays the corpus:
# llvm-cov reports the regions, branches and lines of core/hl_board.c,
# hl_frame.c and hl_law.c, and libFuzzer the edges it reached in each. The
# last lines are for scripts:
#   coverage: TARGET FILE regions R % branches B % lines L % edges E %
# Re-runnable: each run starts from its seeds again (build/fuzz/cov-TARGET).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("${@:-session}")
FILES=(core/hl_board.c core/hl_frame.c core/hl_law.c)

# llvm-profdata and llvm-cov: unversioned, else those of clang's own version
major="$(${FUZZ_CC:-clang} -dumpversion | cut -d. -f1)"
llvm_tool() {
    local t
    for t in "$1" "$1-$major" "/usr/lib/llvm-$major/bin/$1"; do
        if command -v "$t" >/dev/null 2>&1; then
            command -v "$t"
            return
        fi
    done
    echo "fuzz/coverage.sh: no $1 (Debian: llvm)" >&2
    exit 1
}
profdata="$(llvm_tool llvm-profdata)"
llvm_cov="$(llvm_tool llvm-cov)"

seed() { # TARGET CORPUS
    case "$1" in
    session) python3 fuzz/seeds.py "$2" ;;
    decoder)
        python3 - "$2" <<'PY'
import json, pathlib, sys
vectors = json.loads(pathlib.Path("../tests/data/protocol_vectors.json").read_text())["vectors"]
for v in vectors:
    (pathlib.Path(sys.argv[1]) / v["name"]).write_bytes(bytes.fromhex(v["hex"]))
PY
        ;;
    *)
        echo "fuzz/coverage.sh: no target $1 (session or decoder)" >&2
        exit 2
        ;;
    esac
}

make -s fuzz fuzz-cov
summary=()
for target in "${targets[@]}"; do
    corpus="build/fuzz/cov-$target"
    rm -rf "$corpus"
    mkdir -p "$corpus"
    seed "$target" "$corpus"
    echo "== $target: ${seconds} s of fuzzing from $(find "$corpus" -type f | wc -l) seeds"
    if [ "$seconds" -gt 0 ]; then
        log="build/fuzz/cov-$target.log"
        (cd build/fuzz && "./fuzz_$target" -seed=1 -max_total_time="$seconds" -max_len=4096 \
            -print_final_stats=1 "cov-$target") >"$log" 2>&1 || {
            tail -n 60 "$log" >&2
            for f in build/fuzz/crash-* build/fuzz/leak-* build/fuzz/timeout-* build/fuzz/oom-*; do
                [ -f "$f" ] && echo "$f: $(od -An -tx1 -v "$f" | tr -d ' \n')" >&2
            done
            echo "fuzz/coverage.sh: fuzz_$target failed; replay: build/fuzz/fuzz_$target FILE" >&2
            exit 1
        }
        grep -E '^#[0-9]+[[:space:]]+DONE|^Done ' "$log" || true
    fi
    profile="build/fuzz-cov/$target"
    rm -f "$profile.profraw"
    LLVM_PROFILE_FILE="$profile.profraw" "build/fuzz-cov/fuzz_$target" -runs=0 -print_coverage=1 \
        "$corpus" >"$profile.replay.log" 2>&1
    "$profdata" merge -sparse "$profile.profraw" -o "$profile.profdata"
    "$llvm_cov" report "build/fuzz-cov/fuzz_$target" -instr-profile="$profile.profdata" "${FILES[@]}"
    "$llvm_cov" export -summary-only "build/fuzz-cov/fuzz_$target" \
        -instr-profile="$profile.profdata" "${FILES[@]}" >"$profile.json"
    # libFuzzer's edges are those of the build without sanitizers (theirs add
    # edges of their own): -print_coverage, per function, summed by its file
    while read -r line; do summary+=("coverage: $target $line"); done < <(
        python3 - "$profile.json" "$profile.replay.log" <<'PY'
import json, re, sys
from collections import Counter
reached, edges = Counter(), Counter()
for m in re.finditer(r"COVERED_FUNC: hits: \d+ edges: (\d+)/(\d+) \S+ .*/(\S+?):\d+$",
                     open(sys.argv[2]).read(), re.M):
    reached[m[3]] += int(m[1])
    edges[m[3]] += int(m[2])
for f in json.load(open(sys.argv[1]))["data"][0]["files"]:
    s, name = f["summary"], f["filename"].split("firmware_stub/")[-1]
    figures = " ".join(f"{k} {s[k]['percent']:.1f} %" for k in ("regions", "branches", "lines"))
    base = name.split("/")[-1]
    print(f"{name} {figures} edges {100 * reached[base] / max(edges[base], 1):.1f} %"
          f" ({reached[base]} of {edges[base]})")
PY
    )
done
printf '%s\n' "${summary[@]}"
