#!/usr/bin/env bash
# pygenn_cl on a GPU machine: install, build, probe, check, benchmark, test -- one command, one time budget.
#
#     [OUT=dir] [GPU_CHECK_BUDGET=seconds] [GPU_CHECK_SCALES="0.1 1.0"] bash benchmarks/gpu_check.sh [WHEELS]
#
# Run from anywhere; the repository is this script's parent folder.  WHEELS (default: .whl in the
# repository, git-ignored) holds wheels for what the machine lacks -- pyopencl, pycuda, pytools,
# siphash24, mako, markupsafe, platformdirs, typing_extensions for its Python -- installed into a
# site folder in the temp dir, never into the repository.  Nothing is downloaded.  Assumed present:
# python3 with numpy, scipy, Cython, setuptools and pytest (pytest-xdist and pytest-timeout used if
# there), a C compiler, and for CUDA nvcc and the NVIDIA driver.  Without a GPU, OpenCL CPU devices
# (PoCL) stand in for one and the CUDA parts report "cuda unavailable".
#
# Phases, each with its own time limit, all within GPU_CHECK_BUDGET seconds (default 420):
#   1 environment, wheels, NVIDIA OpenCL ICD   2 the Cython runtime (pip -e, started first)
#   3 devices   4 targeted checks (benchmarks/gpu_checks.py)   5 microcircuit benchmarks
#   (benchmarks/gpu_bench.py: cuda and opencl at each of GPU_CHECK_SCALES)   6 pytest, CUDA cases
#   7 pytest, OpenCL cases   8 more benchmark variants   9 compute-sanitizer memcheck   10 summary
# At most 8 files go to $OUT: summary.txt setup.log checks.log bench.log results.jsonl
# pytest_cuda.log pytest_opencl.log extra.tar.gz.  The summary is printed last.  Turn the figures
# into a record of benchmarks/data/ afterwards, on any machine:
#     python benchmarks/gpu_summary.py OUT --record && python -m pygenn_cl.bench.results --write benchmarks/RESULTS.md
set -u -o pipefail

T0=$(date +%s)
BUDGET=${GPU_CHECK_BUDGET:-420}
SCALES=${GPU_CHECK_SCALES:-"0.1 1.0"}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
WHL=${1:-${GPU_CHECK_WHEELS:-$REPO/.whl}}
[ -d "$WHL/whl" ] && WHL=$WHL/whl     # a copy of ../shared/gpu-check keeps its wheels in whl/
OUT=${OUT:-${TMPDIR:-/tmp}/gpu_check_out}
WORK=${GPU_CHECK_WORK:-${TMPDIR:-/tmp}/gpu_check}
SITE=$WORK/site
PY=${PYTHON:-python3}
mkdir -p "$OUT" "$WORK"
SUM=$OUT/summary.txt; SETUP=$OUT/setup.log; CHECKS=$OUT/checks.log; BENCH=$OUT/bench.log
RES=$OUT/results.jsonl; PT1=$OUT/pytest_cuda.log; PT2=$OUT/pytest_opencl.log
: > "$SUM"; : > "$SETUP"; : > "$CHECKS"; : > "$BENCH"; : > "$RES"

elapsed() { echo $(( $(date +%s) - T0 )); }
left() { echo $(( BUDGET - $(elapsed) )); }
note() { echo "[$(elapsed)s] $*" | tee -a "$SUM"; }
# cap WANT RESERVE: seconds for the next step: WANT, or less so that RESERVE seconds stay for later
cap() { local c=$1 l; l=$(( $(left) - $2 )); (( l < c )) && c=$l; (( c < 0 )) && c=0; echo "$c"; }
# tl SECONDS CMD...: run CMD with a time limit (SIGTERM, then SIGKILL 10 s later); 124 when cut, 125 skipped
tl() { local t=$1; shift; if (( t < 8 )); then echo "(skipped: no time left)"; return 125; fi
       timeout -k 10 "$t" "$@"; }

COMMIT=${GPU_CHECK_COMMIT:-$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)}
export GPU_CHECK_COMMIT=$COMMIT
"$PY" - "$RES" "$COMMIT" "$BUDGET" "$SCALES" "$*" <<'EOF'
import datetime, json, sys
out, commit, budget, scales, args = sys.argv[1:6]
command = f"GPU_CHECK_BUDGET={budget} GPU_CHECK_SCALES='{scales}' bash benchmarks/gpu_check.sh {args}".strip()
with open(out, "a") as f:
    f.write(json.dumps({"kind": "run", "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                        "commit": commit, "budget_s": int(budget), "scales": scales.split(),
                        "command": command}) + "\n")
EOF
note "gpu_check: repo $REPO (commit $COMMIT), wheels $WHL, out $OUT, budget ${BUDGET}s, scales $SCALES"

# ------------------------------------------------------------------------ 2 (started first)
# The Cython build needs only the machine's setuptools and Cython: start it now, wait in phase 2.
# Skipped where this Python already imports pygenn_cl, built, from this repository.
if (cd "$WORK" && "$PY" -c "import os, sys, pygenn_cl, pygenn_cl._runtime, pygenn_cl.codegen
sys.exit(0 if os.path.realpath(pygenn_cl.__file__).startswith(os.path.realpath(sys.argv[1]) + os.sep) else 1)" \
    "$REPO") > "$WORK/build.log" 2>&1; then
  echo "pygenn_cl is already installed from $REPO" >> "$WORK/build.log"
  BUILD_PID=
else
  ( cd "$REPO" && timeout -k 10 240 "$PY" -m pip install --no-build-isolation --no-deps --no-index \
      --no-cache-dir -e . ) > "$WORK/build.log" 2>&1 &
  BUILD_PID=$!
fi

# ------------------------------------------------------------------------ 1 environment, wheels
command -v nvcc >/dev/null 2>&1 || export PATH=$PATH:/usr/local/cuda/bin
{
  echo "== date / machine"; date -u; uname -a; nproc; free -g; df -h /tmp | tail -1
  echo "== nvidia-smi"; timeout 30 nvidia-smi
  echo "== toolchain"; command -v nvcc gcc cc "$PY"; nvcc --version 2>&1 | tail -2; gcc --version | head -1
  "$PY" -V; "$PY" -m pip --version
  echo "== python packages"
  "$PY" -m pip list 2>/dev/null | grep -i -E '^(numpy|scipy|cython|setuptools|pytest|pytest-xdist|pytest-timeout|mako|platformdirs|pytools|pycuda|pyopencl|pocl-binary-distribution) '
  echo "== driver libraries"
  ldconfig -p 2>/dev/null | grep -E 'libcuda\.so|libnvidia-opencl|libOpenCL' | head
  echo "== OpenCL ICDs"; ls -la /etc/OpenCL/vendors 2>&1; cat /etc/OpenCL/vendors/*.icd 2>/dev/null
  echo "== compute-sanitizer"; command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>&1
} >> "$SETUP" 2>&1
GPU_NAME=$(timeout 20 nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)
note "GPU: ${GPU_NAME:-none (nvidia-smi gave nothing)}; $("$PY" -V 2>&1); nvcc $(nvcc --version 2>/dev/null | grep -o 'release [0-9.]*' || echo absent); $(nproc) cores"

if ls "$WHL"/*.whl >/dev/null 2>&1; then
  INSTALLED=""; FAILED=""
  for w in "$WHL"/*.whl; do   # one at a time: a wheel for another Python is skipped, not fatal
    case $(basename "$w") in pygenn_cl-*) continue;; esac
    if "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$SITE" "$w" \
        >> "$SETUP" 2>&1; then INSTALLED="$INSTALLED $(basename "$w" | cut -d- -f1)"
    else FAILED="$FAILED $(basename "$w" | cut -d- -f1-2)"; fi
  done
  note "wheels installed into $SITE:${INSTALLED:- none}${FAILED:+; not installable here:$FAILED}"
  export PYTHONPATH=$SITE${PYTHONPATH:+:$PYTHONPATH}
else
  note "no wheels in $WHL: using the packages this Python has"
fi
export PYTHONUNBUFFERED=1
# pygenn_cl's pure-Python requirements (the Cython build above installs none: --no-deps)
MISSING=$("$PY" -c "
import importlib.util as u
print(' '.join(m for m in ('numpy', 'mako', 'platformdirs', 'filelock', 'tqdm') if u.find_spec(m) is None))" 2>&1)
[ -n "$MISSING" ] && note "MISSING Python packages: $MISSING (put their wheels in $WHL: pip download --no-deps -d <folder> $MISSING)"
# the example reads ../shared/reference/pd14.json beside the repo when it exists, else its embedded copy

# NVIDIA's OpenCL ICD: the pyopencl wheel's loader reads /etc/OpenCL/vendors or $OCL_ICD_VENDORS
if command -v nvidia-smi >/dev/null 2>&1 && ! grep -qs -i nvidia /etc/OpenCL/vendors/*.icd; then
  OCL_LIB=$(ldconfig -p 2>/dev/null | awk '/libnvidia-opencl\.so\.1 /{print $NF; exit}')
  [ -z "$OCL_LIB" ] && OCL_LIB=$(timeout 20 find /usr/local/nvidia /usr/lib /usr/lib64 /usr/local/lib -maxdepth 4 \
      -name 'libnvidia-opencl.so*' 2>/dev/null | head -1)
  if [ -n "$OCL_LIB" ]; then
    mkdir -p "$WORK/icd" && echo "$OCL_LIB" > "$WORK/icd/nvidia.icd"
    export OCL_ICD_VENDORS=$WORK/icd
    note "OpenCL: no NVIDIA ICD in /etc/OpenCL/vendors; using $OCL_LIB through OCL_ICD_VENDORS"
  else
    note "OpenCL: no libnvidia-opencl found: OpenCL on the GPU is unavailable (CUDA still runs)"
  fi
fi

# ------------------------------------------------------------------------ 2 the Cython runtime
BUILD_RC=0
[ -n "$BUILD_PID" ] && { wait "$BUILD_PID"; BUILD_RC=$?; }
cat "$WORK/build.log" >> "$SETUP"
if [ "$BUILD_RC" = 0 ] && (cd "$WORK" && "$PY" -c "import pygenn_cl._runtime, pygenn_cl.codegen") >> "$SETUP" 2>&1; then
  note "pygenn_cl: $( [ -n "$BUILD_PID" ] && echo 'editable install and Cython build OK' || echo 'already installed from this repository (not rebuilt)')"
else
  note "WARNING: editable install failed (rc $BUILD_RC; $(grep -E '^ *error' "$WORK/build.log" | tail -1 | cut -c1-160)); building in place"
  ( cd "$REPO" && timeout -k 10 180 "$PY" setup.py build_ext --inplace ) >> "$SETUP" 2>&1
  # setup.py maps the package pygenn_cl.codegen to codegen/: a link does that in the tree (git-ignored)
  [ -e "$REPO/pygenn_cl/codegen" ] || ln -s ../codegen "$REPO/pygenn_cl/codegen"
  export PYTHONPATH=$PYTHONPATH:$REPO
  (cd "$WORK" && "$PY" -c "import pygenn_cl._runtime, pygenn_cl.codegen") >> "$SETUP" 2>&1 \
      && note "pygenn_cl: importable from the tree" || note "ERROR: pygenn_cl cannot be imported (see setup.log)"
fi

# ------------------------------------------------------------------------ 3 devices
(cd "$WORK" && tl 60 "$PY" -m pygenn_cl devices) > "$WORK/devices.txt" 2>&1
cat "$WORK/devices.txt" >> "$SETUP"
note "backends: $(grep -E '^[a-z_]+: ' "$WORK/devices.txt" | cut -c1-160 | tr '\n' ';')"
GPU_BACKENDS=$(cd "$WORK" && tl 90 "$PY" -c "
import os, sys; sys.path.insert(0, '$HERE'); os.environ.setdefault('GPU_CHECKS_ALLOW_CPU', '')
import gpu_checks; print(' '.join(gpu_checks.gpu_backends()))" 2>>"$SETUP")
if [ -z "$GPU_BACKENDS" ] && [ -z "$GPU_NAME" ]; then
  export GPU_CHECKS_ALLOW_CPU=1    # no GPU here: OpenCL CPU devices stand in
  GPU_BACKENDS=$(cd "$WORK" && tl 90 "$PY" -c "
import sys; sys.path.insert(0, '$HERE'); import gpu_checks; print(' '.join(gpu_checks.gpu_backends()))" 2>>"$SETUP")
  note "no GPU: OpenCL CPU devices stand in (GPU_CHECKS_ALLOW_CPU=1)"
fi
note "GPU backends: ${GPU_BACKENDS:-NONE}"

# ------------------------------------------------------------------------ 4 targeted checks
CHECK_LINES=0
checks() {  # checks NAME WANT_S
  local name=$1 want=$2
  echo "== check $name" >> "$CHECKS"
  (cd "$WORK" && tl "$(cap "$want" 250)" "$PY" "$HERE/gpu_checks.py" "$name" --repo "$REPO" --out "$RES" \
      --build-root "$WORK/build") >> "$CHECKS" 2>&1
  local rc=$?; (( rc == 124 || rc == 137 )) && note "    check $name: TIMED OUT"
  (( rc == 125 )) && note "    check $name: skipped (no time left)"
  grep -E "^CHECK " "$CHECKS" | tail -n +$((CHECK_LINES + 1)) | cut -c1-300 | sed 's/^/    /' | tee -a "$SUM"
  CHECK_LINES=$(grep -c -E "^CHECK " "$CHECKS")
}
note "phase 4: targeted checks"
checks machine 30
case " $GPU_BACKENDS " in *" cuda "*) checks cuda_context 60 ;; esac
case " $GPU_BACKENDS " in *" opencl "*) checks opencl_probe 45 ;; esac
if [ -n "$GPU_BACKENDS" ]; then
  checks smoke 90
  checks dense_fusion 75
  case " $GPU_BACKENDS " in *" cuda "*) checks graphs 60 ;; esac
  checks timers 60
  checks launch_floor 75
fi

# ------------------------------------------------------------------------ 5 microcircuit benchmarks
bench() {  # bench BACKEND SCALE VARIANT DURATION_MS WANT_S [gpu_bench.py options]
  local b=$1 s=$2 v=$3 d=$4 want=$5; shift 5
  case " $GPU_BACKENDS " in *" $b "*) ;; *) return ;; esac
  echo "== bench $b $s $v $d $*" >> "$BENCH"
  (cd "$WORK" && tl "$(cap "$want" "$RESERVE")" "$PY" "$HERE/gpu_bench.py" --repo "$REPO" --backend "$b" \
      --scale "$s" --variant "$v" --duration "$d" --out "$RES" --build-root "$WORK/build" "$@") \
      > "$WORK/bench_one.log" 2>&1
  local rc=$?
  cat "$WORK/bench_one.log" >> "$BENCH"
  if grep -q '^BENCH' "$WORK/bench_one.log"; then grep '^BENCH' "$WORK/bench_one.log" | cut -c1-400 | sed 's/^/    /' | tee -a "$SUM"
  else note "    bench $b $s $v $*: no result (rc $rc$( ((rc==124||rc==137)) && echo ', TIMED OUT')$( ((rc==125)) && echo ', skipped: no time left'))"; fi
}
note "phase 5: microcircuit benchmarks (scales $SCALES)"
RESERVE=170
LARGEST=$(echo $SCALES | tr ' ' '\n' | sort -g | tail -1)
for s in $SCALES; do
  d=$( [ "$s" = "$LARGEST" ] && [ "$s" != "0.1" ] && echo 2000 || echo 1000 )
  bench cuda "$s" plain "$d" 120
  bench opencl "$s" plain "$d" 120
done
bench cuda "$LARGEST" graphs 2000 90
bench cuda "$LARGEST" timing 1000 90
bench opencl "$LARGEST" timing 1000 90

# ------------------------------------------------------------------------ 6, 7 test suite
NW=$(nproc); (( NW > 16 )) && NW=16
PT_OPTS=(-p no:cacheprovider -v --tb=short -rfE)
if "$PY" -c "import xdist" 2>/dev/null && (( NW > 2 )); then PT_OPTS+=(-n "$NW"); fi
if "$PY" -c "import pytest_timeout" 2>/dev/null; then PT_OPTS+=(--timeout=240 --timeout-method=thread); fi
pytest_phase() {  # pytest_phase LOG JUNIT CASES WANT RESERVE ARGS...
  local log=$1 junit=$2 cases=$3 want=$4 reserve=$5; shift 5
  local t; t=$(cap "$want" "$reserve")
  if (( t < 20 )); then note "    skipped: no time left"; echo "skipped: no time" > "$log"; return; fi
  ( cd "$REPO" && PYGENN_CL_TEST_BACKENDS=$cases timeout -s INT -k 30 "$t" "$PY" -m pytest "${PT_OPTS[@]}" \
      --basetemp="$WORK/pt_$(basename "$log" .log)" --junitxml="$WORK/$junit" "$@" ) > "$log" 2>&1
  local rc=$?
  note "    rc $rc$( ((rc==124)) && echo ' (cut at the time limit)'): $(grep -E '^=+ .*(passed|failed|error|no tests ran).* =+$' "$log" | tail -1)"
  grep -E '^(FAILED|ERROR) ' "$log" | head -25 | cut -c1-220 | sed 's/^/      /' | tee -a "$SUM"
}
note "phase 6: pytest, the CUDA cases (PYGENN_CL_TEST_BACKENDS=cuda)"
case " $GPU_BACKENDS " in
  *" cuda "*) pytest_phase "$PT1" junit_cuda.xml cuda 150 90 ;;
  *) note "    skipped: cuda unavailable"; echo "skipped: cuda unavailable" > "$PT1" ;;
esac
note "phase 7: pytest, the OpenCL cases (PYGENN_CL_TEST_BACKENDS=opencl,opencl-gpu-layout)"
case " $GPU_BACKENDS " in
  *" opencl "*) pytest_phase "$PT2" junit_opencl.xml opencl,opencl-gpu-layout 200 25 --ignore=tests/test_bench.py ;;
  *) note "    skipped: opencl unavailable"; echo "skipped: opencl unavailable" > "$PT2" ;;
esac

# ------------------------------------------------------------------------ 8 more variants
note "phase 8: more benchmark variants (as time allows)"
RESERVE=40
bench cuda 0.1 graphs 1000 45
bench cuda "$LARGEST" plain 2000 90 --pref block_size=256
bench cuda "$LARGEST" plain 2000 90 --presyn 16
bench opencl "$LARGEST" plain 2000 90 --pref block_size=128

# ------------------------------------------------------------------------ 9 sanitizer
SAN=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null)
case " $GPU_BACKENDS " in *" cuda "*)
  if [ -n "$SAN" ] && (( $(left) > 70 )); then
    note "phase 9: compute-sanitizer memcheck, microcircuit scale 0.02, cuda"
    (cd "$WORK" && tl "$(cap 90 20)" "$SAN" --tool memcheck --print-limit 20 "$PY" "$HERE/gpu_bench.py" \
        --repo "$REPO" --backend cuda --scale 0.02 --duration 30 --warmup 100 --step-calls 100 \
        --out "$WORK/sanitizer.jsonl" --build-root "$WORK/build_san") > "$WORK/sanitizer.log" 2>&1
    note "    $(grep -E 'ERROR SUMMARY|BENCH' "$WORK/sanitizer.log" | tail -2 | cut -c1-200 | tr '\n' ' ')"
  fi ;;
esac

# ------------------------------------------------------------------------ 10 summary
"$PY" -m pip list > "$WORK/pip_list.txt" 2>&1
timeout 30 nvidia-smi > "$WORK/nvidia_smi_end.txt" 2>&1
( cd "$WORK" && tar czf "$OUT/extra.tar.gz" --ignore-failed-read junit_cuda.xml junit_opencl.xml sanitizer.log \
    sanitizer.jsonl devices.txt build.log pip_list.txt nvidia_smi_end.txt 2>/dev/null ) || true
(cd "$WORK" && "$PY" "$HERE/gpu_summary.py" "$OUT") > "$WORK/tables.txt" 2>&1
cat "$WORK/tables.txt" >> "$SUM"
note "done in $(elapsed)s"
echo
echo "################ SUMMARY (also in summary.txt; the timeline is above) ################"
cat "$WORK/tables.txt"
echo "[$(elapsed)s] done"
