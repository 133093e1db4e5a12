#!/usr/bin/env bash
# Build the libFuzzer targets and run one for SECONDS (default 60):
#   fuzz/run.sh [SECONDS] [decoder|session]
# decoder (the default): raw bytes into the decoder and a board, from the
# golden vectors, corpus in build/fuzz/corpus; session: the structure-aware
# target (valid frames, sessions, maps, landings), from fuzz/seeds.py, corpus
# in build/fuzz/corpus-session. Longer: fuzz/run.sh 3600 session. A crash
# leaves its input in build/fuzz/ (crash-*) and exits non-zero; replay it with
# build/fuzz/fuzz_TARGET build/fuzz/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
target="${2:-decoder}"
make -s fuzz
case "$target" in
decoder)
    corpus=build/fuzz/corpus
    mkdir -p "$corpus"
    python3 - "$corpus" <<'PY'
import json, pathlib, sys
vectors = json.loads(pathlib.Path("../tests/data/protocol_vectors.json").read_text())["vectors"]
for v in vectors:
    (pathlib.Path(sys.argv[1]) / v["name"]).write_bytes(bytes.fromhex(v["hex"]))
PY
    ;;
session)
    corpus=build/fuzz/corpus-session
    python3 fuzz/seeds.py "$corpus"
    ;;
*)
    echo "fuzz/run.sh: no target $target (decoder or session)" >&2
    exit 2
    ;;
esac
cd build/fuzz
"./fuzz_$target" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 "${corpus#build/fuzz/}"
