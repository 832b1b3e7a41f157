#!/usr/bin/env bash
# Ingest benchmark: the same kind of 300-slice 512x512 CT study sent by DCMTK storescu, one
# association per round, alternately to a bare DCMTK storescp and to Relais (encryption, fsync
# and indexing on). Prints the median instances per second of each and their ratio.
#   bench/ingest.sh [--rounds N] [--warmup N] [--slices N]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS=5
WARMUP=4
SLICES=300
while (($#)); do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --slices) SLICES="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    *) echo "bench ingest: unknown option $1 (use --rounds N, --slices N)" >&2; exit 2 ;;
  esac
done

WORK="$(mktemp -d /tmp/relais-bench.XXXXXX)"
RELAIS_PID=""
SCP_PID=""
cleanup() {
  [[ -n "$RELAIS_PID" ]] && kill "$RELAIS_PID" 2>/dev/null && wait "$RELAIS_PID" 2>/dev/null || true
  [[ -n "$SCP_PID" ]] && kill "$SCP_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { # a port nobody listens on
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
now() { date +%s.%N; }

HTTP_PORT="$(free_port)"; DICOM_PORT="$(free_port)"; SCP_PORT="$(free_port)"
PASSWORD="bench-$(date +%s)-password"
JAR="$ROOT/target/relais.jar"

echo "generating $((WARMUP + ROUNDS)) studies of $SLICES slices..."
for i in $(seq 1 "$((WARMUP + ROUNDS))"); do
  java -jar "$JAR" generate-study --slices "$SLICES" --seed "$((1000 + i))" --out "$WORK/study$i" >/dev/null
done

echo "starting Relais (data in $WORK/data) and storescp..."
# The bench's own throwaway server, on loopback with a random password: its admin sets it up over
# the API with that password (the second factor stays on for page logins).
RELAIS_DATA_DIR="$WORK/data" RELAIS_HTTP_PORT="$HTTP_PORT" RELAIS_DICOM_PORT="$DICOM_PORT" \
  RELAIS_ADMIN_PASSWORD="$PASSWORD" RELAIS_PASSWORD_ONLY_API=true java ${JAVA_OPTS:-} -jar "$JAR" >"$WORK/relais.log" 2>&1 &
RELAIS_PID=$!
mkdir -p "$WORK/scp"
TCP_NODELAY=1 storescp --output-directory "$WORK/scp" "$SCP_PORT" >"$WORK/storescp.log" 2>&1 &
SCP_PID=$!

for _ in $(seq 1 240); do
  curl -fs "http://127.0.0.1:$HTTP_PORT/actuator/health" >/dev/null 2>&1 && break
  kill -0 "$RELAIS_PID" 2>/dev/null || { cat "$WORK/relais.log" >&2; echo "Relais did not start" >&2; exit 1; }
  sleep 0.5
done
curl -fs -u "admin:$PASSWORD" -H 'Content-Type: application/json' \
  -d '{"name":"CH Banc d essai","finess":"640000001","aeTitles":["BENCH_CT"]}' \
  "http://127.0.0.1:$HTTP_PORT/api/hospitals" >/dev/null

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

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
MS="$(median "${SCP_RATES[@]}")"; MR="$(median "${RELAIS_RATES[@]}")"
echo
printf 'median storescp: %.0f instances/s\n' "$MS"
printf 'median relais:   %.0f instances/s\n' "$MR"
printf 'ratio relais/storescp: %.2f\n' "$(calc "$MR / $MS")"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r)"
