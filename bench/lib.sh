# Shared by the bench scripts (sourced, after ROOT is set and a die function is defined): how
# Relais runs, free ports, and how the bench talks to a Relais started with its default settings,
# second factor included, as an operator and the people it serves would.

BENCH_JAR="$ROOT/target/relais.jar"

# relais_java ARGS: Relais, the server or one of its command-line tools, from target/relais.jar; or,
# when RELAIS_CLASSPATH is set (target/classes and the runtime dependencies, as the test suite
# gives it before any jar exists), from that class path.
relais_java() {
  if [[ -n "${RELAIS_CLASSPATH:-}" ]]; then
    java ${JAVA_OPTS:-} -cp "$RELAIS_CLASSPATH" fr.relais.RelaisApplication "$@"
  else
    java ${JAVA_OPTS:-} -jar "$BENCH_JAR" "$@"
  fi
}

# What every bench that starts Relais needs, each named with the package that brings it.
need_relais_tools() {
  [[ -n "${RELAIS_CLASSPATH:-}" || -f "$BENCH_JAR" ]] \
    || die "$BENCH_JAR is missing: run ./relais build (./relais bench ... builds it)"
  local tool
  for tool in java:openjdk-17-jdk-headless curl:curl openssl:openssl base32:coreutils storescu:dcmtk "$@"; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || die "${tool%%:*} is missing (Debian: apt-get install ${tool#*:})"
  done
}

# A port nobody listens on, below the kernel's ephemeral range (32768 and up on Linux): a port
# picked there can be taken, between the probe and the server's bind, by any outgoing connection
# or by a test server on a random port (BenchesIT's first run failed so on "port already in use").
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

# figure BENCH NAME VALUE UNIT: one machine-readable line of the figures a bench prints last,
# "bench BENCH NAME VALUE UNIT" (a script reads them with awk '$1 == "bench"').
figure() {
  printf 'bench %s %s %s %s\n' "$1" "$2" "$3" "$4"
}

# totp BASE32_SECRET [STEP]: the code of the moment, or of a 30 s step (RFC 6238: HMAC-SHA1 of the
# step, 6 digits), as an authenticator app computes it from the secret the enrolment page shows.
totp() {
  local secret key step="${2:-}" counter mac offset value
  secret="$(printf '%s' "$1" | tr -d ' =' | tr 'a-z' 'A-Z')"
  while ((${#secret} % 8)); do secret+="="; done
  key="$(printf '%s' "$secret" | base32 -d | od -An -v -tx1 | tr -d ' \n')"
  [[ -n "$key" ]] || die "not a base32 secret: $1"
  [[ -n "$step" ]] || step=$(($(date +%s) / 30))
  counter="$(printf '%016x' "$step" | sed 's/../\\x&/g')"
  # shellcheck disable=SC2059 # the counter is the format on purpose: eight \xNN bytes
  mac="$(printf "$counter" | openssl dgst -sha1 -mac HMAC -macopt "hexkey:$key" | awk '{ print $NF }')"
  [[ "$mac" =~ ^[0-9a-f]{40}$ ]] || die "openssl did not compute an HMAC-SHA1"
  offset=$((16#${mac:39:1}))
  value=$((16#${mac:offset * 2:8} & 0x7fffffff))
  printf '%06d' $((value % 1000000))
}

# The CSRF token of a page (the hidden field of its forms, else its meta tag).
page_csrf() {
  sed -n -e 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' -e 's/.*<meta name="_csrf" content="\([^"]*\)".*/\1/p' | head -n 1
}

# page_login BASE_URL USER PASSWORD JAR: logs in through the pages as a person does on a default
# server: the password, then the second factor. The first time, that is the enrolment: the bench
# reads the secret the page shows (as a phone reads its QR code), keeps it in JAR.totp and answers
# with the code it computes; later logins give a fresh code from it. JAR, a curl cookie jar, then
# holds the session opened with both factors and JAR.csrf its CSRF token, as the pages' own scripts
# call the API (session_api). Nothing secret goes on a command line.
page_login() {
  local base="$1" user="$2" password="$3" jar="$4" page csrf where secret
  : >"$jar"
  chmod 600 "$jar"
  page="$(curl -sS --fail -c "$jar" -b "$jar" "$base/login")" || die "$user: GET /login failed"
  csrf="$(page_csrf <<<"$page")"
  [[ -n "$csrf" ]] || die "$user: the login page holds no CSRF token"
  where="$(printf 'username=%s&password=%s&_csrf=%s' "$user" "$password" "${csrf//=/%3D}" \
    | curl -sS -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" --data-binary @- \
      -H 'Content-Type: application/x-www-form-urlencoded' "$base/login")"
  [[ "$where" == */login/second-factor ]] \
    || die "$user: the password step led to '$where', not to the second factor (wrong password, or the second factor off?)"
  page="$(curl -sS --fail -c "$jar" -b "$jar" "$base/login/second-factor")" || die "$user: GET /login/second-factor failed"
  csrf="$(page_csrf <<<"$page")"
  secret="$(sed -n 's:.*<code id="totp-secret"[^>]*>\([^<]*\)</code>.*:\1:p' <<<"$page" | tr -d ' ')"
  if [[ -n "$secret" ]]; then
    (umask 077 && printf '%s\n' "$secret" >"$jar.totp")
  elif [[ -s "$jar.totp" ]]; then
    secret="$(cat "$jar.totp")"
  else
    die "$user: enrolled already, and the bench does not hold the secret"
  fi
  where="$(printf 'code=%s&_csrf=%s' "$(totp "$secret")" "${csrf//=/%3D}" \
    | curl -sS -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" --data-binary @- \
      -H 'Content-Type: application/x-www-form-urlencoded' "$base/login/second-factor")"
  [[ -n "$where" && "$where" != *"/login"* ]] || die "$user: the code was refused (led to '$where')"
  page="$(curl -sS --fail -c "$jar" -b "$jar" "$base/")" || die "$user: GET / failed after the login"
  csrf="$(page_csrf <<<"$page")"
  [[ -n "$csrf" ]] || die "$user: the home page holds no CSRF token"
  (umask 077 && printf '%s\n' "$csrf" >"$jar.csrf")
}

# session_api BASE_URL JAR METHOD PATH [JSON]: the API with a page session (page_login), as the
# pages' scripts call it; prints the answer, dies on a status other than 2xx.
session_api() {
  local out code
  out="$(curl -s -w '\n%{http_code}' -b "$2" -H 'Accept: application/json' -H 'Content-Type: application/json' \
    -K <(printf 'header = "X-CSRF-TOKEN: %s"\n' "$(cat "$2.csrf")") -X "$3" ${5:+--data "$5"} "$1$4")"
  code="${out##*$'\n'}"
  out="${out%$'\n'*}"
  [[ "$code" == 2* ]] || die "$3 $4 answered $code: $out"
  printf '%s' "$out"
}

# token_api BASE_URL TOKEN METHOD PATH [JSON]: the API as a hospital system calls it, with an API
# token an administrator created for it (POST /api/tokens); prints the answer, dies unless 2xx.
token_api() {
  local out code
  out="$(curl -s -w '\n%{http_code}' -H 'Accept: application/json' -H 'Content-Type: application/json' \
    -K <(printf 'header = "Authorization: Bearer %s"\n' "$2") -X "$3" ${5:+--data "$5"} "$1$4")"
  code="${out##*$'\n'}"
  out="${out%$'\n'*}"
  [[ "$code" == 2* ]] || die "$3 $4 answered $code: $out"
  printf '%s' "$out"
}

# wait_http NAME PID URL [CURL ARGS]: until the URL answers 2xx (120 s), or the process stops.
wait_http() {
  local name="$1" pid="$2" url="$3" i
  shift 3
  for i in $(seq 1 240); do
    curl -fs -o /dev/null "$@" "$url" && return 0
    kill -0 "$pid" 2>/dev/null || die "$name stopped while starting"
    sleep 0.5
  done
  die "$name did not answer $url within 120 s"
}
