#!/usr/bin/env bash
# DICOMweb benchmark: Relais against Orthanc with its DICOMweb plugin, in the same run, on the same
# generated study (300 slices of 512x512 CT by default) sent to both by DCMTK storescu. Measures,
# in rounds that alternate the servers: the series metadata latency (WADO-RS .../metadata) and the
# time to fetch every frame (.../frames/1 of each instance) with 6 parallel keep-alive clients.
# HTTP Basic on both. The load client is bench/WadoBench.java (plain JDK, run from source).
#   bench/wado.sh [--rounds N] [--warmup N] [--slices N] [--clients N]
# Needs: target/relais.jar (./relais bench wado builds it), Java 17+, curl, dcmtk, and the Debian
# packages orthanc and orthanc-dicomweb (./relais bench wado installs them when run as root).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/target/relais.jar"
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
    -h | --help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

[[ -f "$JAR" ]] || die "$JAR is missing: run ./relais build (or ./relais bench wado)"
for tool in java:openjdk-17-jdk-headless curl:curl storescu:dcmtk dcmdump:dcmtk; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || die "${tool%%:*} is missing (Debian: apt-get install ${tool#*:})"
done
ORTHANC="$(command -v Orthanc 2>/dev/null || true)"
[[ -z "$ORTHANC" && -x /usr/sbin/Orthanc ]] && ORTHANC=/usr/sbin/Orthanc
[[ -n "$ORTHANC" ]] || die "Orthanc is missing: apt-get install orthanc orthanc-dicomweb (./relais bench wado does it as root)"
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
    rm -rf "${WORK:?}/study" "${WORK:?}/relais-data" "${WORK:?}/orthanc-storage"
    echo "bench wado: failed; logs kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { # a port nobody listens on
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
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
# A study is complete (READY) after 1 s of silence instead of 10. The bench's own throwaway server
# (loopback, random passwords): its admin and radiologist use the API with their passwords, as
# Orthanc's clients do (the second factor stays on for page logins).
RELAIS_DATA_DIR="$WORK/relais-data" RELAIS_HTTP_PORT="$RELAIS_HTTP" RELAIS_DICOM_PORT="$RELAIS_DICOM" \
  RELAIS_ADMIN_PASSWORD="$ADMIN_PASSWORD" RELAIS_STABLE_SECONDS=1 RELAIS_PASSWORD_ONLY_API=true \
  java ${JAVA_OPTS:-} -jar "$JAR" >"$WORK/relais.log" 2>&1 &
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

wait_http() { # name pid url [curl args]: until the URL answers 2xx (120 s)
  local name="$1" pid="$2" url="$3" i
  shift 3
  for i in $(seq 1 240); do
    curl -fs -o /dev/null "$@" "$url" && return 0
    kill -0 "$pid" 2>/dev/null || die "$name stopped while starting"
    sleep 0.5
  done
  die "$name did not answer $url within 120 s"
}

wait_http Relais "$RELAIS_PID" "$R/actuator/health"
wait_http Orthanc "$ORTHANC_PID" "$O/system" -u "$ORTHANC_USER:$ORTHANC_PASSWORD"
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$O/system")" == 401 ]] || die "Orthanc answers without authentication"

# --- Relais: a hospital, its physician's request accepted by a radiologist ---------
# Only a study whose exam is readable can be read: one that arrives for an accepted request with
# consent becomes READY; a study nobody asked for would stay UNMATCHED, hidden from everyone.
PATIENT_ID=IPP-BENCH-WADO
api() { # method path json-body: prints the answer, fails on a non-2xx status
  local out code
  out="$(curl -s -w '\n%{http_code}' -u "${API_USER:-admin}:${API_PASSWORD:-$ADMIN_PASSWORD}" \
    -H 'Content-Type: application/json' -X "$1" --data "$3" "$R$2")"
  code="${out##*$'\n'}"
  out="${out%$'\n'*}"
  [[ "$code" == 2* ]] || die "$1 $2 answered $code: $out"
  printf '%s' "$out"
}
json_id() { grep -o '"id":[0-9]*' | awk -F: 'NR == 1 { print $2 }'; }

HOSPITAL_ID="$(api POST /api/hospitals '{"name":"CH Banc d essai","finess":"640000001","aeTitles":["'"$AE"'"]}' | json_id)"
PHYSICIAN_PASSWORD="bench-$RANDOM$RANDOM-physician"
RADIOLOGIST_PASSWORD="bench-$RANDOM$RANDOM-radiologist"
api POST /api/users '{"username":"urgentiste.bench","displayName":"Urgentiste Banc","role":"HOSPITAL_PHYSICIAN","hospitalId":'"$HOSPITAL_ID"',"password":"'"$PHYSICIAN_PASSWORD"'"}' >/dev/null
RADIOLOGIST_ID="$(api POST /api/users '{"username":"radiologue.bench","displayName":"Radiologue Banc","role":"RADIOLOGIST","password":"'"$RADIOLOGIST_PASSWORD"'"}' | json_id)"
# A radiologist sees the requests of the hospitals they are authorised for only.
api PUT "/api/radiologists/$RADIOLOGIST_ID/hospitals" "[$HOSPITAL_ID]" >/dev/null
FILED="$(API_USER=urgentiste.bench API_PASSWORD="$PHYSICIAN_PASSWORD" api POST /api/requests '{"patientId":"'"$PATIENT_ID"'","familyName":"BANC","givenName":"Essai","birthDate":"1950-03-14","sex":"M","examTypeCode":"CT_HEAD","clinicalContext":"Banc d essai DICOMweb","question":"Hematome ?","urgency":"P2","requestingPhysician":"Dr Banc","callbackPhone":"05 59 00 00 00","consent":"PATIENT_SIGNED"}')"
EXAM_ID="$(printf '%s' "$FILED" | json_id)"
ACCESSION="$(printf '%s' "$FILED" | sed -n 's/.*"accessionNumber":"\([^"]*\)".*/\1/p')"
[[ -n "$EXAM_ID" && -n "$ACCESSION" ]] || die "the request answer has no id or accession number: $FILED"
API_USER=radiologue.bench API_PASSWORD="$RADIOLOGIST_PASSWORD" api POST "/api/requests/$EXAM_ID/accept" '{"text":"Crane sans injection"}' >/dev/null

echo "generating a study of $SLICES slices (accession $ACCESSION)..."
java -jar "$JAR" generate-study --slices "$SLICES" --seed 4242 --patient-id "$PATIENT_ID" --patient-name "BANC^Essai" \
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
instances_of() { # base-url user:password -> instance count of the study in QIDO, or 0
  curl -fs -u "$2" -H 'Accept: application/dicom+json' "$1/studies?StudyInstanceUID=$STUDY_UID" 2>/dev/null \
    | tr -d ' \t\r\n' | sed -n 's/.*"00201208":{[^}]*"Value":\[\([0-9]*\)\].*/\1/p' || true
}
exam_state() {
  curl -fs -u "admin:$ADMIN_PASSWORD" "$R/api/exams?limit=1000" 2>/dev/null \
    | grep -o "\"id\":$EXAM_ID,\"state\":\"[A-Z_]*\"" | sed 's/.*"state":"\(.*\)"/\1/' || true
}
for i in $(seq 1 240); do
  rc="$(instances_of "$R/dicomweb" "admin:$ADMIN_PASSWORD")"
  oc="$(instances_of "$O/dicom-web" "$ORTHANC_USER:$ORTHANC_PASSWORD")"
  state="$(exam_state)"
  [[ "${rc:-0}" == "$SLICES" && "${oc:-0}" == "$SLICES" && "$state" == READY ]] && break
  ((i == 240)) && die "after 120 s: Relais lists ${rc:-0} instances (exam $EXAM_ID ${state:-unknown}), Orthanc ${oc:-0}; expected $SLICES and READY"
  sleep 0.5
done

# --- measure ---------------------------------------------------------------------

echo "measuring..."
java ${BENCH_JAVA_OPTS:-} "$ROOT/bench/WadoBench.java" --study "$STUDY_UID" --slices "$SLICES" \
  --rounds "$ROUNDS" --warmup "$WARMUP" --clients "$CLIENTS" \
  --server "Relais|$R/dicomweb|admin|$ADMIN_PASSWORD" \
  --server "Orthanc|$O/dicom-web|$ORTHANC_USER|$ORTHANC_PASSWORD"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r)"
echo "versions: Relais $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?'), Orthanc $ORTHANC_VERSION, DICOMweb plugin $(dpkg-query -W -f='${Version}' orthanc-dicomweb 2>/dev/null || echo '?')"
