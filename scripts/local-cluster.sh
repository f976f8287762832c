#!/usr/bin/env bash
# Starts redis-server and three silos on loopback, clustered through Redis, and waits for Ctrl-C.
#   scripts/local-cluster.sh            # build if needed, then run
#   SILOS=2 REDIS_PORT=6380 scripts/local-cluster.sh
# Silo i (0-based) uses silo port 11111+i, gateway 30000+i and HTTP 8080+i (/metrics, /health/ready).
# Submit with: dotnet run --project client -- submit examples/quick.yaml --cluster redis://127.0.0.1:$REDIS_PORT
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
silos="${SILOS:-3}"
redis_port="${REDIS_PORT:-6379}"
dll="${SILO_DLL:-$root/artifacts/bin/OrleansConfusion.Silo/debug/OrleansConfusion.Silo.dll}"
logs="${LOG_DIR:-$root/runs/local-cluster}"
mkdir -p "$logs"

command -v redis-server >/dev/null || { echo "redis-server not found: apt-get install redis-server" >&2; exit 1; }
[[ -f "$dll" ]] || dotnet build "$root/silo/OrleansConfusion.Silo.csproj"

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

# No persistence: a fresh cluster each time (the data dies with the script). setsid keeps Ctrl-C,
# which the terminal sends to the whole process group, from killing Redis before the silos leave.
setsid redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$logs/redis.log" 2>&1 &
redis_pid=$!
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.2; done

for ((i = 0; i < silos; i++)); do
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
  until curl -sf "http://127.0.0.1:$((8080 + i))/health/ready" >/dev/null; do sleep 0.5; done
  echo "silo$i ready: gateway 127.0.0.1:$((30000 + i)), http://127.0.0.1:$((8080 + i))/metrics"
done
echo "cluster up (logs in $logs); Ctrl-C stops it"
wait "${silo_pids[@]}"
