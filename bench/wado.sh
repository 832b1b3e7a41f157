#!/usr/bin/env bash
# DICOMweb benchmark: Relais against Orthanc with its DICOMweb plugin, in the same run, on the same
# generated study (300 slices of 512x512 CT by default) sent to both by DCMTK storescu. Measures,
# in rounds that alternate the servers: the series metadata latency (WADO-RS .../metadata) and the
# time to fetch every frame (.../frames/1 of each instance) with 6 parallel keep-alive clients.
# Relais runs with its default settings, second factor on, and is read as its viewer reads it: by
# the radiologist holding the claim, with the session of a page login (password, then the TOTP
# code the bench computes); Orthanc with HTTP Basic. The load client is bench/WadoBench.java (plain
# JDK, run from source). The figures come last as lines "bench wado NAME VALUE UNIT".
#   bench/wado.sh [--rounds N] [--warmup N] [--slices N] [--clients N]
# Needs: target/relais.jar (./relais bench wado builds it; or RELAIS_CLASSPATH), Java 17+, curl,
# openssl, dcmtk, and the Debian packages orthanc and orthanc-dicomweb (./relais setup installs
# them when run as root).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS=5
WARMUP=2
SLICES=300
CLIENTS=6
while (($#)); do
  case "$1" in
    --rounds) ROUNDS="${2:?--rounds needs a number}"; shift 2 ;;
    --warmup) WARMUP="${2:?--warmup needs a number}"; shift 2 ;;
    --slices) SLICES="${2:?--slices needs a number}"; shift 2 ;;
    --clients) CLIENTS="${2:?--clients needs a number}"; shift 2 ;;
    -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench wado: unknown option $1 (use --rounds N, --warmup N, --slices N, --clients N)" >&2; exit 2 ;;
  esac
done
for v in ROUNDS WARMUP SLICES CLIENTS; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "bench wado: --${v,,} wants a whole number, got '${!v}'" >&2; exit 2; }
done
((ROUNDS >= 1 && SLICES >= 1 && CLIENTS >= 1)) || { echo "bench wado: --rounds, --slices and --clients must be at least 1" >&2; exit 2; }

die() {
  echo "bench wado: $*" >&2
  exit 1
}

# --- what it needs -------------------------------------------------------------

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
need_relais_tools dcmdump:dcmtk
ORTHANC="$(command -v Orthanc 2>/dev/null || true)"
[[ -z "$ORTHANC" && -x /usr/sbin/Orthanc ]] && ORTHANC=/usr/sbin/Orthanc
[[ -n "$ORTHANC" ]] || die "Orthanc is missing: apt-get install orthanc orthanc-dicomweb (./relais setup does it as root)"
# The plugin's shared object, as the package installed it.
DICOMWEB_PLUGIN="$(dpkg -L orthanc-dicomweb 2>/dev/null | awk '/\/libOrthancDicomWeb\.so[.0-9]*$/ && !found { print; found = 1 }' || true)"
[[ -n "$DICOMWEB_PLUGIN" && -f "$DICOMWEB_PLUGIN" ]] \
  || die "the Orthanc DICOMweb plugin is missing: apt-get install orthanc-dicomweb"

# --- work folder, servers, cleanup ----------------------------------------------

WORK="$(mktemp -d /tmp/relais-bench-wado.XXXXXX)"
RELAIS_PID=""
ORTHANC_PID=""
stop() { # pid: TERM, then KILL after 20 s
  local pid="$1" i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for i in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}
show_logs() {
  local f
  for f in "$WORK/relais.log" "$WORK/orthanc.log" "$WORK/storescu.log"; do
    [[ -s "$f" ]] || continue
    echo "---- last lines of $f" >&2
    tail -n 30 "$f" >&2
  done
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop "$RELAIS_PID"
  stop "$ORTHANC_PID"
  if ((status != 0)); then
    show_logs
    # Keep the logs to read, not the images nor the databases.
    rm -rf "${WORK:?}/study" "${WORK:?}/relais-data" "${WORK:?}/orthanc-storage" "${WORK:?}"/*.session*
    echo "bench wado: failed; logs kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() { date +%s.%N; }
secs() { awk "BEGIN { printf \"%.2f\", $2 - $1 }"; }

ORTHANC_VERSION="$("$ORTHANC" --version 2>/dev/null | awk 'NR == 1 { print $NF }' || true)"
RELAIS_HTTP="$(free_port)"; RELAIS_DICOM="$(free_port)"
ORTHANC_HTTP="$(free_port)"; ORTHANC_DICOM="$(free_port)"
while [[ "$ORTHANC_HTTP" == "$RELAIS_HTTP" || "$ORTHANC_HTTP" == "$RELAIS_DICOM" ]]; do ORTHANC_HTTP="$(free_port)"; done
while [[ " $RELAIS_HTTP $RELAIS_DICOM $ORTHANC_HTTP " == *" $ORTHANC_DICOM "* ]]; do ORTHANC_DICOM="$(free_port)"; done
ADMIN_PASSWORD="bench-$RANDOM$RANDOM-admin"
ORTHANC_USER=bench
ORTHANC_PASSWORD="bench-$RANDOM$RANDOM-orthanc"
AE=BENCH_CT
R="http://127.0.0.1:$RELAIS_HTTP"
O="http://127.0.0.1:$ORTHANC_HTTP"

echo "starting Relais (HTTP $RELAIS_HTTP, DICOM $RELAIS_DICOM) and Orthanc $ORTHANC_VERSION (HTTP $ORTHANC_HTTP, DICOM $ORTHANC_DICOM) in $WORK"
# The bench's own throwaway server on loopback, started as an operator starts one: default
# settings (second factor on), only the ports, the data folder, the first admin's password and
# RELAIS_STABLE_SECONDS=1 (a study is complete after 1 s of silence instead of 10) set.
RELAIS_DATA_DIR="$WORK/relais-data" RELAIS_HTTP_PORT="$RELAIS_HTTP" RELAIS_DICOM_PORT="$RELAIS_DICOM" \
  RELAIS_ADMIN_PASSWORD="$ADMIN_PASSWORD" RELAIS_STABLE_SECONDS=1 relais_java >"$WORK/relais.log" 2>&1 &
RELAIS_PID=$!

# Orthanc as a child process with its own storage; the system service is left alone.
# Orthanc 1.10 has no bind address: RemoteAccessAllowed=false refuses every peer but loopback.
mkdir -p "$WORK/orthanc-storage"
cat >"$WORK/orthanc.json" <<EOF
{
  "Name": "relais-bench",
  "StorageDirectory": "$WORK/orthanc-storage",
  "IndexDirectory": "$WORK/orthanc-storage",
  "Plugins": [ "$DICOMWEB_PLUGIN" ],
  "HttpPort": $ORTHANC_HTTP,
  "DicomPort": $ORTHANC_DICOM,
  "DicomAet": "ORTHANC",
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": true,
  "RegisteredUsers": { "$ORTHANC_USER": "$ORTHANC_PASSWORD" },
  "KeepAlive": true,
  "TcpNoDelay": true,
  "DicomAlwaysAllowStore": true,
  "SaveJobs": false,
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/", "EnableWado": false }
}
EOF
# TCP_NODELAY=1: Orthanc's DICOM side is DCMTK, which leaves Nagle on otherwise (NOTES.md).
TCP_NODELAY=1 "$ORTHANC" "$WORK/orthanc.json" >"$WORK/orthanc.log" 2>&1 &
ORTHANC_PID=$!

wait_http Relais "$RELAIS_PID" "$R/actuator/health"
wait_http Orthanc "$ORTHANC_PID" "$O/system" -u "$ORTHANC_USER:$ORTHANC_PASSWORD"
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$O/system")" == 401 ]] || die "Orthanc answers without authentication"

# --- Relais: a hospital, its physician's request accepted by a radiologist ---------
# Only a study whose exam is readable can be read: one that arrives for an accepted request with
# consent becomes READY; a study nobody asked for would stay UNMATCHED, hidden from everyone.
# Each call is made the way its caller would make it on a default server:
# - the admin, a person with a second factor, logs in through the pages (password, then the
#   enrolment of the TOTP second factor) and sets up with that session, as the /admin pages do;
# - the hospital's RIS files the request with an API token the admin created for it (a machine:
#   no person, no second factor);
# - the radiologist logs in as the admin did, accepts the request, takes a seat and claims the exam,
#   then reads it with that session, as the viewer does (only the claim holder reads an exam).
PATIENT_ID=IPP-BENCH-WADO
json_id() { grep -o '"id":[0-9]*' | awk -F: 'NR == 1 { print $2 }'; }
ADMIN_SESSION="$WORK/admin.session"
RADIOLOGIST_SESSION="$WORK/radiologist.session"
admin_api() { session_api "$R" "$ADMIN_SESSION" "$@"; }
radiologist_api() { session_api "$R" "$RADIOLOGIST_SESSION" "$@"; }

page_login "$R" admin "$ADMIN_PASSWORD" "$ADMIN_SESSION"
HOSPITAL_ID="$(admin_api POST /api/hospitals '{"name":"CH Banc d essai","finess":"640000001","aeTitles":["'"$AE"'"]}' | json_id)"
[[ -n "$HOSPITAL_ID" ]] || die "the new hospital has no id"
RIS_TOKEN="$(admin_api POST /api/tokens '{"hospitalId":'"$HOSPITAL_ID"',"role":"HOSPITAL_PHYSICIAN","name":"RIS banc d essai"}' \
  | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')"
[[ -n "$RIS_TOKEN" ]] || die "the new API token has no secret"
RADIOLOGIST_PASSWORD="bench-$RANDOM$RANDOM-radiologist"
RADIOLOGIST_ID="$(admin_api POST /api/users '{"username":"radiologue.bench","displayName":"Radiologue Banc","role":"RADIOLOGIST","password":"'"$RADIOLOGIST_PASSWORD"'"}' | json_id)"
[[ -n "$RADIOLOGIST_ID" ]] || die "the new radiologist has no id"
# A radiologist sees the requests and exams of the hospitals they are authorised for only.
admin_api PUT "/api/radiologists/$RADIOLOGIST_ID/hospitals" "[$HOSPITAL_ID]" >/dev/null
CENTER_ID="$(admin_api POST /api/centers '{"name":"Centre banc d essai","seats":2}' | json_id)"
[[ -n "$CENTER_ID" ]] || die "the new reading center has no id"

FILED="$(token_api "$R" "$RIS_TOKEN" POST /api/requests '{"patientId":"'"$PATIENT_ID"'","familyName":"BANC","givenName":"Essai","birthDate":"1950-03-14","sex":"M","examTypeCode":"CT_HEAD","clinicalContext":"Banc d essai DICOMweb","question":"Hematome ?","urgency":"P2","requestingPhysician":"Dr Banc","callbackPhone":"05 59 00 00 00","consent":"PATIENT_SIGNED"}')"
EXAM_ID="$(printf '%s' "$FILED" | json_id)"
ACCESSION="$(printf '%s' "$FILED" | sed -n 's/.*"accessionNumber":"\([^"]*\)".*/\1/p')"
[[ -n "$EXAM_ID" && -n "$ACCESSION" ]] || die "the request answer has no id or accession number: $FILED"
page_login "$R" radiologue.bench "$RADIOLOGIST_PASSWORD" "$RADIOLOGIST_SESSION"
radiologist_api POST "/api/requests/$EXAM_ID/accept" '{"text":"Crane sans injection"}' >/dev/null
radiologist_api POST /api/presence/check-in '{"centerId":'"$CENTER_ID"'}' >/dev/null

echo "generating a study of $SLICES slices (accession $ACCESSION)..."
relais_java generate-study --slices "$SLICES" --seed 4242 --patient-id "$PATIENT_ID" --patient-name "BANC^Essai" \
  --birth-date 1950-03-14 --sex M --accession "$ACCESSION" \
  --out "$WORK/study" >"$WORK/generate.log" 2>&1 || { cat "$WORK/generate.log" >&2; die "generate-study failed"; }
FILES=("$WORK/study"/*.dcm)
FIRST="${FILES[0]}"
STUDY_UID="$(dcmdump +P 0020,000d "$FIRST" | sed -n '1s/.*\[\(.*\)\].*/\1/p')"
[[ -n "$STUDY_UID" ]] || die "no StudyInstanceUID in $FIRST"

# --- both servers get the same study by C-STORE -------------------------------------

send() { # name port called-ae
  local t0 t1
  t0="$(now)"
  TCP_NODELAY=1 storescu -aet "$AE" -aec "$3" 127.0.0.1 "$2" "$WORK/study"/*.dcm >>"$WORK/storescu.log" 2>&1 \
    || die "storescu to $1 failed (see $WORK/storescu.log)"
  t1="$(now)"
  echo "  sent $SLICES instances to $1 in $(secs "$t0" "$t1") s"
}
echo "sending the study with storescu..."
send Relais "$RELAIS_DICOM" RELAIS
send Orthanc "$ORTHANC_DICOM" ORTHANC

# Relais marks the study complete after RELAIS_STABLE_SECONDS of silence; wait until QIDO lists all
# of it to the admin and the exam is READY (nothing left running in the background).
echo "waiting until both servers list $SLICES instances..."
count_instances() { # QIDO studies answer -> instance count of the study, or nothing
  tr -d ' \t\r\n' | sed -n 's/.*"00201208":{[^}]*"Value":\[\([0-9]*\)\].*/\1/p' || true
}
relais_instances() {
  curl -fs -b "$ADMIN_SESSION" -H 'Accept: application/dicom+json' "$R/dicomweb/studies?StudyInstanceUID=$STUDY_UID" 2>/dev/null \
    | count_instances
}
orthanc_instances() {
  curl -fs -K <(printf 'user = "%s:%s"\n' "$ORTHANC_USER" "$ORTHANC_PASSWORD") -H 'Accept: application/dicom+json' \
    "$O/dicom-web/studies?StudyInstanceUID=$STUDY_UID" 2>/dev/null | count_instances
}
exam_state() {
  curl -fs -b "$ADMIN_SESSION" -H 'Accept: application/json' "$R/api/exams?limit=1000" 2>/dev/null \
    | grep -o "\"id\":$EXAM_ID,\"state\":\"[A-Z_]*\"" | sed 's/.*"state":"\(.*\)"/\1/' || true
}
for i in $(seq 1 240); do
  rc="$(relais_instances)"
  oc="$(orthanc_instances)"
  state="$(exam_state)"
  [[ "${rc:-0}" == "$SLICES" && "${oc:-0}" == "$SLICES" && "$state" == READY ]] && break
  ((i == 240)) && die "after 120 s: Relais lists ${rc:-0} instances (exam $EXAM_ID ${state:-unknown}), Orthanc ${oc:-0}; expected $SLICES and READY"
  sleep 0.5
done
# The radiologist takes the exam: from now on the claim opens its images to them.
radiologist_api POST "/api/worklist/$EXAM_ID/claim" >/dev/null

# --- measure ---------------------------------------------------------------------

echo "measuring..."
# The credentials reach the load client through its environment, not its command line.
RADIOLOGIST_COOKIE="$(awk -F'\t' '$6 == "JSESSIONID" { print "JSESSIONID=" $7 }' "$RADIOLOGIST_SESSION" | tail -n 1)"
[[ -n "$RADIOLOGIST_COOKIE" ]] || die "the radiologist's session cookie is not in $RADIOLOGIST_SESSION"
BENCH_RELAIS_COOKIE="$RADIOLOGIST_COOKIE" BENCH_ORTHANC_PASSWORD="$ORTHANC_PASSWORD" \
  java ${BENCH_JAVA_OPTS:-} "$ROOT/bench/WadoBench.java" --study "$STUDY_UID" --slices "$SLICES" \
  --rounds "$ROUNDS" --warmup "$WARMUP" --clients "$CLIENTS" \
  --server "Relais|$R/dicomweb|cookie|env:BENCH_RELAIS_COOKIE" \
  --server "Orthanc|$O/dicom-web|$ORTHANC_USER|env:BENCH_ORTHANC_PASSWORD" \
  | tee "$WORK/figures.txt" | grep -v '^bench wado ' || die "the load client failed"
# Its figures' machine-readable lines go last, after the machine they ran on.
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r)"
echo "versions: Relais $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?'), Orthanc $ORTHANC_VERSION, DICOMweb plugin $(dpkg-query -W -f='${Version}' orthanc-dicomweb 2>/dev/null || echo '?')"
grep '^bench wado ' "$WORK/figures.txt" || die "the load client printed no figures"
