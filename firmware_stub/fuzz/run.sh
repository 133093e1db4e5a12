#!/usr/bin/env bash
# Build the libFuzzer target and run it for SECONDS (default 60), starting
# from the golden vectors. Longer: fuzz/run.sh 3600. A crash leaves its input
# in build/fuzz/ (crash-*) and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
make -s fuzz
corpus=build/fuzz/corpus
mkdir -p "$corpus"
python3 - "$corpus" <<'PY'
import json, pathlib, sys
vectors = json.loads(pathlib.Path("../tests/data/protocol_vectors.json").read_text())["vectors"]
for v in vectors:
    (pathlib.Path(sys.argv[1]) / v["name"]).write_bytes(bytes.fromhex(v["hex"]))
PY
cd build/fuzz
./fuzz_decoder -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 corpus
