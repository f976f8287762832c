#!/usr/bin/env bash
# Starts redis-server and three silos on loopback, clustered through Redis, and waits for Ctrl-C.
#   scripts/local-cluster.sh            # plaintext (Silo:Tls:Mode=None, chosen explicitly), Redis without a password
#   scripts/local-cluster.sh --tls      # throwaway CA and certificates (openssl), mutual TLS on every Orleans
#                                       # connection, Redis with a random password; prints the CLI options
#   SILOS=2 REDIS_PORT=6380 scripts/local-cluster.sh
# Silo i (0-based) uses silo port 11111+i, gateway 30000+i and HTTP 8080+i (/metrics, /health/ready).
# Submit with: dotnet run --project client -- submit examples/quick.yaml --cluster redis://127.0.0.1:$REDIS_PORT
# Output goes under the repository root (the silos' OrleansConfusion:Output:BaseDirectory): runs/<sweep>/.
set -euo pipefail

tls=false
for arg in "$@"; do
  case "$arg" in
    --tls) tls=true ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown argument '$arg' (use --tls or nothing)" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
silos="${SILOS:-3}"
redis_port="${REDIS_PORT:-6379}"
dll="${SILO_DLL:-$root/artifacts/bin/OrleansConfusion.Silo/debug/OrleansConfusion.Silo.dll}"
logs="${LOG_DIR:-$root/runs/local-cluster}"
mkdir -p "$logs"

command -v redis-server >/dev/null || { echo "redis-server not found: apt-get install redis-server" >&2; exit 1; }
[[ -f "$dll" ]] || dotnet build "$root/silo/OrleansConfusion.Silo.csproj"

redis_args=(--port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no)
silo_env=(Silo__Tls__Mode=None)
redis_cli=(redis-cli -p "$redis_port")
if $tls; then
  pki="$logs/pki"
  rm -rf "$pki"
  names=(client)
  for ((i = 0; i < silos; i++)); do names+=("silo$i"); done
  "$root/scripts/dev-certs.sh" "$pki" "${names[@]}"
  password="$(openssl rand -hex 24)"
  # Given to redis-server through its stdin config, not its command line, where `ps` would show it.
  redis_args+=(-)
  redis_cli=(env REDISCLI_AUTH="$password" redis-cli -p "$redis_port")
  silo_env=(Silo__Tls__Mode=Mutual Silo__Tls__CaPath="$pki/ca.crt" Silo__RedisPassword="$password")
fi

redis_pid=""
silo_pids=()
stop() {
  trap - EXIT INT TERM
  # SIGTERM lets each silo hand its trials back within Silo:ShutdownTimeout; Redis must outlive
  # them, since leaving the cluster writes to the membership table.
  for pid in "${silo_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${silo_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [[ -n "$redis_pid" ]] && kill -TERM "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  true
}
trap stop EXIT INT TERM

# No persistence: a fresh cluster each time (the data dies with the script). Should redis-server die,
# the membership table and every sweep's state go with it (the silos keep running, but no client finds
# a gateway): stop the script, start it again, and resubmit each sweep that was running with the same
# --out. Its record in the output folder (<out>/<sweep>/: its Parquet parts and record/) keeps every finished trial and held row;
# the rest resume from their checkpoints. See docs/KUBERNETES.md, "Faults and recovery". setsid keeps Ctrl-C,
# which the terminal sends to the whole process group, from killing Redis before the silos leave.
if $tls; then
  setsid redis-server "${redis_args[@]}" >"$logs/redis.log" 2>&1 < <(printf 'requirepass %s\n' "$password") &
else
  setsid redis-server "${redis_args[@]}" >"$logs/redis.log" 2>&1 &
fi
redis_pid=$!
until "${redis_cli[@]}" ping 2>/dev/null | grep -q PONG; do
  kill -0 "$redis_pid" 2>/dev/null || { echo "redis-server exited; see $logs/redis.log" >&2; exit 1; }
  sleep 0.2
done

for ((i = 0; i < silos; i++)); do
  cert_env=()
  $tls && cert_env=(Silo__Tls__CertificatePath="$pki/silo$i.crt" Silo__Tls__KeyPath="$pki/silo$i.key")
  env "${silo_env[@]}" "${cert_env[@]}" \
  Silo__Clustering=Redis \
  ConnectionStrings__Redis="127.0.0.1:$redis_port" \
  Silo__SiloPort=$((11111 + i)) \
  Silo__GatewayPort=$((30000 + i)) \
  Urls="http://127.0.0.1:$((8080 + i))" \
  OrleansConfusion__Scheduling__CheckpointDirectory="$root/runs/checkpoints" \
  OrleansConfusion__Output__BaseDirectory="$root" \
    dotnet "$dll" >"$logs/silo$i.log" 2>&1 &
  silo_pids+=($!)
done

for ((i = 0; i < silos; i++)); do
  until curl -sf "http://127.0.0.1:$((8080 + i))/health/ready" >/dev/null; do
    kill -0 "${silo_pids[$i]}" 2>/dev/null || { echo "silo$i exited; see $logs/silo$i.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "silo$i ready: gateway 127.0.0.1:$((30000 + i)), http://127.0.0.1:$((8080 + i))/metrics"
done
if $tls; then
  echo "mutual TLS on; throwaway CA and certificates in $pki; Redis password in $pki/redis-password"
  umask 077
  printf '%s\n' "$password" > "$pki/redis-password"
  echo "reach the cluster with (in this shell's environment, or as --tls-cert/--tls-key/--tls-ca/--redis-password):"
  echo "  export CONFUSION_TLS_CERT=$pki/client.crt CONFUSION_TLS_KEY=$pki/client.key CONFUSION_TLS_CA=$pki/ca.crt"
  echo "  export CONFUSION_REDIS_PASSWORD=\$(cat $pki/redis-password)"
  echo "  dotnet run --project client -- submit examples/quick.yaml --cluster redis://127.0.0.1:$redis_port"
fi
echo "cluster up (logs in $logs); Ctrl-C stops it"
wait "${silo_pids[@]}"
