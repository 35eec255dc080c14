#!/usr/bin/env bash
# A real single-node Kafka broker (KRaft, combined broker+controller) on loopback, for dev and tests.
#
#   kafka.sh start [--port P] [--data-dir D] [--timeout-s S] [--owner-pid PID]
#                                                               prints the bootstrap address 127.0.0.1:P;
#                                                               with --owner-pid the broker stops when PID exits
#   kafka.sh stop  [--data-dir D]
#   kafka.sh status [--data-dir D]
#   kafka.sh fetch                                              only download the jars
#
# The jars come from Maven Central through test/kafka/pom.xml into $VIGIL_KAFKA_CACHE
# (default test/kafka/.cache/lib); once there, no network is needed. Needs Java 17+ and,
# for the first fetch, Maven. Everything but the bootstrap address goes to stderr.
# Exit codes: 0 ok, 1 failure, 2 usage, 3 Java or Maven missing.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pom="$script_dir/pom.xml"
lib_dir="${VIGIL_KAFKA_CACHE:-$script_dir/.cache/lib}"
# One source for the version: the pom.
kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom" | head -n 1)"
heap_opts="${VIGIL_KAFKA_HEAP_OPTS:--Xms64m -Xmx384m}"

log() { echo "kafka.sh: $*" >&2; }
die() { log "$*"; exit 1; }
missing() { log "$*"; exit 3; }

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

cmd="${1:-}"
[[ -n "$cmd" ]] || usage
shift
port=9092
data_dir=""
timeout_s="${VIGIL_KAFKA_START_TIMEOUT_S:-90}"
owner_pid=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --data-dir) data_dir="$2"; shift 2 ;;
    --timeout-s) timeout_s="$2"; shift 2 ;;
    --owner-pid) owner_pid="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) die "unknown argument: $1" ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ ]] || die "--port must be a number, got '$port'"
data_dir="${data_dir:-$script_dir/.cache/broker}"
mkdir -p "$data_dir"
data_dir="$(cd "$data_dir" && pwd)"
pid_file="$data_dir/broker.pid"
log_file="$data_dir/broker.log"
props="$data_dir/server.properties"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# kill -0 alone counts a zombie (an exited child not yet reaped) as alive.
alive() {
  local state
  state="$(sed -n 's/^[0-9]* (.*) \([A-Z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# The pid file is trusted only while it names a live kafka.Kafka process of this data dir
# (a pid can be reused after a reboot or a crash).
running_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  local cmdline
  cmdline="$(tr '\0' ' ' < "/proc/$pid/cmdline")"
  [[ "$cmdline" == *kafka.Kafka*"$props"* ]] || return 1
  echo "$pid"
}

require_java() {
  command -v java >/dev/null 2>&1 || missing "java not found: install Java 17+ (Debian: apt-get install openjdk-17-jre-headless)"
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
  [[ -n "$major" && "$major" -ge 17 ]] || missing "Kafka $kafka_version needs Java 17+, found '${major:-unknown}'"
}

fetch_jars() {
  local marker="$lib_dir/.complete-$kafka_version"
  [[ -f "$marker" ]] && return 0
  command -v mvn >/dev/null 2>&1 || missing "Kafka jars missing in $lib_dir and mvn not found: install Maven (Debian: apt-get install maven)"
  mkdir -p "$lib_dir"
  # Serialise concurrent fetches into the same cache (e.g. CI script and test setup).
  exec 9>"$lib_dir/.fetch.lock"
  flock 9
  if [[ ! -f "$marker" ]]; then
    log "fetching Apache Kafka $kafka_version jars into $lib_dir"
    # Jars of another version would end up on the same classpath.
    find "$lib_dir" -maxdepth 1 -name '*.jar' -delete
    local mvn_log="$lib_dir/.fetch.log"
    if ! mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies "-Dkafka.lib.dir=$lib_dir" >"$mvn_log" 2>&1; then
      cat "$mvn_log" >&2
      die "mvn could not fetch the Kafka jars (output above)"
    fi
    touch "$marker"
  fi
  exec 9>&-
}

# Controller listener: P+1 when free, else the next free port; kept across restarts of one data dir.
pick_controller_port() {
  if [[ -f "$props" ]]; then
    local previous
    previous="$(sed -n 's/^vigil.controller.port=//p' "$props")"
    if [[ -n "$previous" ]] && ! port_open "$previous"; then echo "$previous"; return; fi
  fi
  local candidate=$((port + 1))
  while port_open "$candidate" || [[ "$candidate" -eq "$port" ]]; do
    candidate=$((candidate + 1))
    [[ "$candidate" -lt $((port + 100)) ]] || die "no free controller port near $port"
  done
  echo "$candidate"
}

write_properties() {
  local controller_port="$1"
  cat > "$props" <<EOF
# Written by test/kafka/kafka.sh: a single KRaft node for dev and tests, loopback only.
vigil.controller.port=$controller_port
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$data_dir/kraft-logs
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
# Fewer internal partitions than the default 50: the first consumer group comes up sooner.
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=8
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests join groups one consumer at a time; the default 3 s delay only slows them down.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=24
EOF
}

format_storage() {
  local cluster_id_file="$data_dir/cluster.id"
  if [[ ! -s "$cluster_id_file" ]]; then
    java -cp "$lib_dir/*" kafka.tools.StorageTool random-uuid > "$cluster_id_file.tmp" 2>>"$log_file" \
      || die "StorageTool random-uuid failed, see $log_file"
    mv "$cluster_id_file.tmp" "$cluster_id_file"
  fi
  java -cp "$lib_dir/*" kafka.tools.StorageTool format -t "$(cat "$cluster_id_file")" -c "$props" \
    --ignore-formatted >>"$log_file" 2>&1 || { tail -n 40 "$log_file" >&2; die "StorageTool format failed"; }
}

start() {
  local pid
  if pid="$(running_pid)"; then
    local configured
    configured="$(sed -n 's#^advertised.listeners=PLAINTEXT://127.0.0.1:##p' "$props")"
    [[ "$configured" == "$port" ]] || die "a broker (pid $pid) already runs from $data_dir on port $configured"
    log "already running (pid $pid)"
    echo "127.0.0.1:$port"
    return 0
  fi
  rm -f "$pid_file"
  port_open "$port" && die "port $port is already in use"
  require_java
  fetch_jars

  local controller_port
  controller_port="$(pick_controller_port)"
  write_properties "$controller_port"
  : > "$log_file"
  format_storage

  local started_at=$SECONDS
  # setsid: the broker outlives the shell (or test runner) that started it; `stop` ends it.
  # shellcheck disable=SC2086
  setsid java $heap_opts -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dorg.slf4j.simpleLogger.showDateTime=true \
    -Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd\'T\'HH:mm:ss.SSS \
    -Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn \
    -cp "$lib_dir/*" kafka.Kafka "$props" >>"$log_file" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$pid_file"
  log "starting Kafka $kafka_version (pid $pid) on 127.0.0.1:$port, controller 127.0.0.1:$controller_port, log $log_file"

  while true; do
    if ! alive "$pid"; then
      tail -n 60 "$log_file" >&2
      rm -f "$pid_file"
      die "broker exited during start-up (log above, full log in $log_file)"
    fi
    if grep -q "Kafka Server started" "$log_file" && port_open "$port"; then
      break
    fi
    if (( SECONDS - started_at >= timeout_s )); then
      tail -n 60 "$log_file" >&2
      stop_broker
      die "broker did not start within ${timeout_s} s (log above, full log in $log_file)"
    fi
    sleep 0.25
  done
  log "ready after $((SECONDS - started_at)) s"
  [[ -z "$owner_pid" ]] || watch_owner "$owner_pid"
  echo "127.0.0.1:$port"
}

stop_broker() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pid_file"
    log "not running ($data_dir)"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while alive "$pid" && (( waited < 120 )); do
    sleep 0.25
    waited=$((waited + 1))
  done
  if alive "$pid"; then
    log "broker (pid $pid) ignored SIGTERM for 30 s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$pid_file"
  log "stopped (pid $pid)"
}

# A test runner killed before its teardown must not leave a broker behind.
watch_owner() {
  local owner="$1"
  [[ "$owner" =~ ^[0-9]+$ ]] || die "--owner-pid must be a number, got '$owner'"
  setsid bash -c '
    while kill -0 "$1" 2>/dev/null && [[ -f "$3/broker.pid" ]]; do sleep 2; done
    [[ -f "$3/broker.pid" ]] && exec bash "$2" stop --data-dir "$3"
  ' watch-owner "$owner" "${BASH_SOURCE[0]}" "$data_dir" >>"$log_file" 2>&1 < /dev/null &
}

status() {
  local pid
  if pid="$(running_pid)"; then
    echo "running pid=$pid $(sed -n 's#^advertised.listeners=PLAINTEXT://##p' "$props")"
  else
    echo "stopped"
    return 1
  fi
}

case "$cmd" in
  start) start ;;
  stop) stop_broker ;;
  status) status ;;
  fetch) fetch_jars; echo "$lib_dir" ;;
  *) usage ;;
esac
