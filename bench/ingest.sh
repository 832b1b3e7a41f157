#!/usr/bin/env bash
# Ingest benchmark: the same kind of 300-slice 512x512 CT study sent by DCMTK storescu, one
# association per round, alternately to a bare DCMTK storescp and to Relais (encryption, fsync
# and indexing on). Prints the median instances per second of each and their ratio, then the
# same figures as machine-readable lines (bench ingest NAME VALUE UNIT), last.
#   bench/ingest.sh [--rounds N] [--warmup N] [--slices N]
# Relais runs with its default settings, second factor on: the bench's admin logs in through the
# pages (password, then the TOTP code it computes) and registers the sending hospital.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS=5
WARMUP=4
SLICES=300
while (($#)); do
  case "$1" in
    --rounds) ROUNDS="${2:?--rounds needs a number}"; shift 2 ;;
    --slices) SLICES="${2:?--slices needs a number}"; shift 2 ;;
    --warmup) WARMUP="${2:?--warmup needs a number}"; shift 2 ;;
    -h | --help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench ingest: unknown option $1 (use --rounds N, --warmup N, --slices N)" >&2; exit 2 ;;
  esac
done
for v in ROUNDS WARMUP SLICES; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "bench ingest: --${v,,} wants a whole number, got '${!v}'" >&2; exit 2; }
done
((ROUNDS >= 1 && SLICES >= 1)) || { echo "bench ingest: --rounds and --slices must be at least 1" >&2; exit 2; }

die() {
  echo "bench ingest: $*" >&2
  exit 1
}
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
need_relais_tools storescp:dcmtk

WORK="$(mktemp -d /tmp/relais-bench.XXXXXX)"
RELAIS_PID=""
SCP_PID=""
cleanup() {
  local status=$?
  trap - EXIT
  [[ -n "$RELAIS_PID" ]] && kill "$RELAIS_PID" 2>/dev/null && wait "$RELAIS_PID" 2>/dev/null || true
  [[ -n "$SCP_PID" ]] && kill "$SCP_PID" 2>/dev/null || true
  if ((status != 0)) && [[ -s "$WORK/relais.log" ]]; then
    echo "---- last lines of $WORK/relais.log" >&2
    tail -n 30 "$WORK/relais.log" >&2
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
now() { date +%s.%N; }

HTTP_PORT="$(free_port)"; DICOM_PORT="$(free_port)"; SCP_PORT="$(free_port)"
PASSWORD="bench-$RANDOM$RANDOM-admin"
R="http://127.0.0.1:$HTTP_PORT"

echo "starting Relais (data in $WORK/data) and storescp..."
# The bench's own throwaway server on loopback, started as an operator starts one: default
# settings (second factor on), only the ports, the data folder and the first admin's password set.
RELAIS_DATA_DIR="$WORK/data" RELAIS_HTTP_PORT="$HTTP_PORT" RELAIS_DICOM_PORT="$DICOM_PORT" \
  RELAIS_ADMIN_PASSWORD="$PASSWORD" relais_java >"$WORK/relais.log" 2>&1 &
RELAIS_PID=$!
mkdir -p "$WORK/scp"
TCP_NODELAY=1 storescp --output-directory "$WORK/scp" "$SCP_PORT" >"$WORK/storescp.log" 2>&1 &
SCP_PID=$!

echo "generating (while Relais starts) $((WARMUP + ROUNDS)) studies of $SLICES slices..."
for i in $(seq 1 "$((WARMUP + ROUNDS))"); do
  relais_java generate-study --slices "$SLICES" --seed "$((1000 + i))" --out "$WORK/study$i" >/dev/null
done

wait_http Relais "$RELAIS_PID" "$R/actuator/health"
# The admin logs in as on the first day: password, then the enrolment of the second factor (the
# bench computes the codes); the page session then registers the hospital, as /admin pages would.
page_login "$R" admin "$PASSWORD" "$WORK/admin.session"
session_api "$R" "$WORK/admin.session" POST /api/hospitals \
  '{"name":"CH Banc d essai","finess":"640000001","aeTitles":["BENCH_CT"]}' >/dev/null

send() { # port called-ae folder -> seconds
  local t0 t1
  t0="$(now)"
  TCP_NODELAY=1 storescu -aet BENCH_CT -aec "$2" 127.0.0.1 "$1" "$3"/*.dcm >>"$WORK/storescu.log" 2>&1 \
    || { echo "storescu to $2 failed; see $WORK/storescu.log" >&2; tail -5 "$WORK/storescu.log" >&2; exit 1; }
  t1="$(now)"
  calc "$t1 - $t0"
}

# The JVM compiles its hot paths (AES-GCM among them) during the first thousand objects or so.
echo "$WARMUP warm-up rounds (not counted)..."
for i in $(seq 1 "$WARMUP"); do
  rm -rf "${WORK:?}/scp"/*
  send "$SCP_PORT" STORESCP "$WORK/study$i" >/dev/null
  send "$DICOM_PORT" RELAIS "$WORK/study$i" >/dev/null
done

SCP_RATES=(); RELAIS_RATES=()
for n in $(seq 1 "$ROUNDS"); do
  i=$((WARMUP + n))
  rm -rf "${WORK:?}/scp"/*
  s="$(send "$SCP_PORT" STORESCP "$WORK/study$i")"
  r="$(send "$DICOM_PORT" RELAIS "$WORK/study$i")"
  sr="$(calc "$SLICES / $s")"; rr="$(calc "$SLICES / $r")"
  SCP_RATES+=("$sr"); RELAIS_RATES+=("$rr")
  printf 'round %d: storescp %6.3f s (%6.0f inst/s)   relais %6.3f s (%6.0f inst/s)\n' "$n" "$s" "$sr" "$r" "$rr"
done

# storescu says E: when a C-STORE was refused: then there is no figure to give.
if grep -q '^E:' "$WORK/storescu.log" 2>/dev/null; then
  grep '^E:' "$WORK/storescu.log" | head -n 5 >&2
  die "a C-STORE was refused (storescu log above): no figures"
fi

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
MS="$(median "${SCP_RATES[@]}")"; MR="$(median "${RELAIS_RATES[@]}")"
RATIO="$(calc "$MR / $MS")"
echo
printf 'median storescp: %.0f instances/s\n' "$MS"
printf 'median relais:   %.0f instances/s\n' "$MR"
printf 'ratio relais/storescp: %.2f\n' "$RATIO"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r)"
figure ingest storescp_instances_per_s "$(printf '%.1f' "$MS")" 1/s
figure ingest relais_instances_per_s "$(printf '%.1f' "$MR")" 1/s
figure ingest relais_over_storescp "$(printf '%.3f' "$RATIO")" ratio
