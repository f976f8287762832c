#!/usr/bin/env bash
# Builds the silo and client images from k8s/docker/*.Dockerfile on a machine that can pull no image, and runs
# a sweep on them: a Redis-clustered pair of silo containers, examples/quick.yaml submitted and watched from
# the client container, and its Parquet output read back (`confusion results`).
#   sudo scripts/image-test.sh
# What it makes, all of it removed on exit (trap, by id/pid):
#   - a Debian 12 base image: debootstrap --variant=minbase bookworm, imported with `docker import`. It
#     carries the runtime libraries (RUNTIME_PACKAGES is passed empty), so nothing is installed at build time;
#   - a stand-in SDK image: that base plus this host's .NET SDK (/usr/share/dotnet), its CA bundle and NuGet
#     config, and the NuGet packages the two projects restore, copied from ~/.nuget/packages. The image builds
#     therefore restore offline: `dotnet restore -r linux-x64` runs on the host first (so the linux-x64 runtime
#     packs are in the cache), and the images get NUGET_AUDIT=false (the audit needs nuget.org);
#   - a private dockerd (--bridge=none --iptables=false, its own data/exec root and socket; never the system
#     daemon), redis-server on loopback, two silo containers and the client container, all --network host.
# The Dockerfiles are used as they are; only their ARGs (SDK_IMAGE, RUNTIME_IMAGE, RUNTIME_PACKAGES,
# NUGET_AUDIT) are overridden. The silo image is built twice, the second time after a change to a .cs file
# in a copy of the context, to show that the restore layer is reused (prints "restore layer: cached").
# Environment:
#   IMAGE_TEST_OUT=DIR    where the silos write (DIR/runs/quick/*.parquet) and the logs go; kept after exit.
#                         Default: a temporary directory, removed on exit.
#   IMAGE_TEST_CACHE=DIR  keep the debootstrap tree here between runs (saves its download, ~30 s).
#   DEBIAN_MIRROR=URL     debootstrap mirror (default http://deb.debian.org/debian).
# Prints one "timing <phase> <seconds>" line per phase and "image <name> <MB>" per image; exits non-zero on
# any failure.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
[[ $(id -u) -eq 0 ]] || { echo "image-test.sh: needs root (debootstrap, dockerd)" >&2; exit 2; }
for tool in debootstrap dockerd docker dotnet redis-server redis-cli jq curl; do
  command -v "$tool" >/dev/null || { echo "image-test.sh: '$tool' not found (apt-get install docker.io debootstrap redis-server jq curl)" >&2; exit 2; }
done

# What a killed run (SIGKILL: no trap) left: its dockerd and containers, mounts and work directory. A work
# directory whose owner (the script that made it) is gone is stale; one whose owner runs is left alone.
for stale in /tmp/oc-image-test.*; do
  [[ -d "$stale" && -f "$stale/owner.pid" ]] || continue
  kill -0 "$(cat "$stale/owner.pid")" 2>/dev/null && continue
  if [[ -f "$stale/dockerd.pid" ]] && kill -0 "$(cat "$stale/dockerd.pid")" 2>/dev/null; then
    DOCKER_HOST="unix://$stale/docker.sock" docker ps -aq 2>/dev/null | xargs -r env DOCKER_HOST="unix://$stale/docker.sock" docker rm -f >/dev/null 2>&1 || true
    kill "$(cat "$stale/dockerd.pid")" 2>/dev/null || true
    sleep 5
  fi
  grep -o " $stale[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$stale"
  echo "image-test: removed $stale, left by a run that was killed"
done

work="$(mktemp -d /tmp/oc-image-test.XXXXXX)"
echo $$ >"$work/owner.pid"
out="${IMAGE_TEST_OUT:-$work/out}"
mkdir -p "$out/logs"
prefix="oc-image-test-$$"
sock="$work/docker.sock"
dockerd_pid="" redis_pid="" containers=() container_names=()
echo "image-test: work directory $work"
export DOCKER_HOST="unix://$sock" DOCKER_BUILDKIT=0

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for i in "${!containers[@]}"; do
    docker logs "${containers[$i]}" >"$out/logs/${container_names[$i]}.log" 2>&1 || true
    docker rm -f "${containers[$i]}" >/dev/null 2>&1 || true
  done
  [[ -n "$redis_pid" ]] && { kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null; }
  if [[ -n "$dockerd_pid" ]]; then
    kill "$dockerd_pid" 2>/dev/null || true
    # dockerd unmounts its overlay layers on the way out; the data root can only be removed after that.
    for _ in $(seq 1 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$dockerd_pid" 2>/dev/null || true
    wait "$dockerd_pid" 2>/dev/null || true
  fi
  # Anything dockerd left mounted under the work directory (a killed daemon) must go before rm -rf.
  grep -o " $work[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$work"
  echo "image-test: cleaned up (exit $status)"
  exit "$status"
}
trap cleanup EXIT INT TERM

phase_start=$SECONDS
timing() { echo "timing $1 $((SECONDS - phase_start))"; phase_start=$SECONDS; }

# A port below the ephemeral range that nothing listens on (as the tests' FreePort does).
taken_ports=" "
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    [[ "$taken_ports" == *" $port "* ]] && continue
    ss -Htln "sport = :$port" | grep -q . && continue
    taken_ports+="$port "; echo "$port"; return
  done
}

# 1. Debian 12 base with the runtime libraries the published apps need (what RUNTIME_PACKAGES installs on Ubuntu).
base_pkgs=ca-certificates,libgomp1,libssl3,zlib1g,libstdc++6,curl
base_dir="${IMAGE_TEST_CACHE:+$IMAGE_TEST_CACHE/bookworm-minbase}"
base_dir="${base_dir:-$work/bookworm-minbase}"
if [[ ! -f "$base_dir/.complete" ]]; then
  rm -rf "$base_dir"; mkdir -p "$base_dir"
  debootstrap --variant=minbase --include="$base_pkgs" bookworm "$base_dir" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$out/logs/debootstrap.log" 2>&1 \
    || { tail -20 "$out/logs/debootstrap.log" >&2; exit 1; }
  rm -rf "$base_dir"/var/cache/apt/archives/*.deb "$base_dir"/var/lib/apt/lists/*
  touch "$base_dir/.complete"
fi
timing debootstrap

# 2. A private daemon. --bridge=none: no docker0 and no NAT rules; every container uses --network host.
mkdir -p "$work/data" "$work/exec"
dockerd --bridge=none --iptables=false --ip-masq=false --ip6tables=false \
  --data-root "$work/data" --exec-root "$work/exec" --pidfile "$work/dockerd.pid" -H "unix://$sock" \
  >"$out/logs/dockerd.log" 2>&1 &
dockerd_pid=$!
for _ in $(seq 1 120); do docker version >/dev/null 2>&1 && break; kill -0 "$dockerd_pid" || break; sleep 0.5; done
docker version >/dev/null 2>&1 || { tail -20 "$out/logs/dockerd.log" >&2; echo "dockerd did not start" >&2; exit 1; }
timing dockerd

# 3. Base and stand-in SDK images.
tar -C "$base_dir" --exclude=./.complete -c . | docker import - "$prefix/base:bookworm" >/dev/null

# The packages the two projects restore for linux-x64, self-contained (libraries and runtime packs). Restored
# on the host into a scratch artifacts folder, so this repository's own obj/ files are left alone.
scratch="$work/restore"
for project in silo/OrleansConfusion.Silo.csproj client/OrleansConfusion.Cli.csproj; do
  dotnet restore "$root/$project" -r linux-x64 -p:SelfContained=true -p:NuGetAudit=false -p:ArtifactsPath="$scratch" \
    >"$out/logs/host-restore.log" 2>&1 || { tail -20 "$out/logs/host-restore.log" >&2; exit 1; }
done
nuget_root="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
mapfile -t packages < <(find "$scratch" -name project.assets.json -exec jq -r '
    (.libraries[] | select(.type == "package") | .path),
    (.project.frameworks[].downloadDependencies[]? | "\(.name | ascii_downcase)/\(.version | ltrimstr("[") | split(",")[0] | ascii_downcase)")
  ' {} + | sort -u)
for p in "${packages[@]}"; do [[ -d "$nuget_root/$p" ]] || { echo "package $p missing from $nuget_root" >&2; exit 1; }; done

# The SDK image's tree: the base plus the SDK, the selected packages and the files below, hard-linked (same
# file system, nothing copied) into one directory, since an imported tar may not name a path twice.
sdk_root="$work/sdk-root"
cp -al "$base_dir" "$sdk_root"
rm -f "$sdk_root/.complete"
mkdir -p "$sdk_root/usr/share" "$sdk_root/root/.nuget/packages" "$sdk_root/root/.nuget/NuGet"
cp -al /usr/share/dotnet "$sdk_root/usr/share/dotnet" 2>/dev/null || cp -a /usr/share/dotnet "$sdk_root/usr/share/dotnet"
ln -sf /usr/share/dotnet/dotnet "$sdk_root/usr/bin/dotnet"
for p in "${packages[@]}"; do
  mkdir -p "$sdk_root/root/.nuget/packages/${p%/*}"
  cp -al "$nuget_root/$p" "$sdk_root/root/.nuget/packages/$p" 2>/dev/null || cp -a "$nuget_root/$p" "$sdk_root/root/.nuget/packages/$p"
done
# Outbound TLS may be re-signed by a local CA here: the SDK image trusts what the host trusts (SSL_CERT_FILE,
# which .NET's OpenSSL reads) and uses its feeds, should a restore need more than the copied packages.
cp /etc/ssl/certs/ca-certificates.crt "$sdk_root/etc/ssl/host-ca-certificates.crt"
if [[ -f "$HOME/.nuget/NuGet/NuGet.Config" ]]; then cp "$HOME/.nuget/NuGet/NuGet.Config" "$sdk_root/root/.nuget/NuGet/"; fi
tar -C "$sdk_root" -c . | docker import \
      --change 'ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 SSL_CERT_FILE=/etc/ssl/host-ca-certificates.crt' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      - "$prefix/sdk:10.0" >/dev/null
echo "sdk image: ${#packages[@]} NuGet packages copied from $nuget_root"
timing sdk-image

build_args=(--build-arg "SDK_IMAGE=$prefix/sdk:10.0" --build-arg "RUNTIME_IMAGE=$prefix/base:bookworm"
            --build-arg "RUNTIME_PACKAGES=" --build-arg "NUGET_AUDIT=false")

# 4. Client image from the repository root itself: the context the root .dockerignore lets through.
docker build --network host -f "$root/k8s/docker/client.Dockerfile" "${build_args[@]}" -t "$prefix/client" "$root" \
  >"$out/logs/build-client.log" 2>&1 || { tail -40 "$out/logs/build-client.log" >&2; exit 1; }
grep -m1 'Sending build context' "$out/logs/build-client.log" | sed 's/^/client /'
timing build-client

# 5. Silo image from a copy of the context (tracked and unignored files), built again after a code change.
ctx="$work/context"
mkdir -p "$ctx"
(cd "$root" && git ls-files -z -co --exclude-standard | tar --null -T - -c) | tar -C "$ctx" -x
docker build --network host -f "$ctx/k8s/docker/silo.Dockerfile" "${build_args[@]}" -t "$prefix/silo" "$ctx" \
  >"$out/logs/build-silo.log" 2>&1 || { tail -40 "$out/logs/build-silo.log" >&2; exit 1; }
timing build-silo
printf '\n// image-test.sh: a code change that must not invalidate the restore layer\n' >>"$ctx/silo/Program.cs"
docker build --network host -f "$ctx/k8s/docker/silo.Dockerfile" "${build_args[@]}" -t "$prefix/silo" "$ctx" \
  >"$out/logs/rebuild-silo.log" 2>&1 || { tail -40 "$out/logs/rebuild-silo.log" >&2; exit 1; }
# Legacy builder: each step prints " ---> Using cache" when its layer is reused. The restore step must be,
# the publish step (after COPY silo/) must not.
restore_cached=$(awk '/RUN dotnet restore/ {getline; print; exit}' "$out/logs/rebuild-silo.log")
publish_cached=$(awk '/RUN dotnet publish/ {getline; print; exit}' "$out/logs/rebuild-silo.log")
[[ "$restore_cached" == *"Using cache"* ]] || { echo "restore layer was rebuilt after a code change: $restore_cached" >&2; exit 1; }
[[ "$publish_cached" != *"Using cache"* ]] || { echo "publish layer was reused after a code change" >&2; exit 1; }
echo "restore layer: cached"
timing rebuild-silo

for image in silo client; do
  bytes=$(docker image inspect -f '{{.Size}}' "$prefix/$image")
  echo "image $image $((bytes / 1024 / 1024))"
done

# 6. Redis on the host's loopback, two silo containers on it, with distinct ports.
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$out/logs/redis.log" 2>&1 &
redis_pid=$!
until redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; do kill -0 "$redis_pid" || exit 1; sleep 0.2; done

# The silos run as uid 1654 (app) and write under /data.
chmod 0777 "$out"
http_ports=()
for i in 0 1; do
  silo_port=$(free_port) gateway_port=$(free_port) http_port=$(free_port)
  http_ports+=("$http_port")
  id=$(docker run -d --network host --name "$prefix-silo$i" -v "$out:/data" \
    -e Silo__Clustering=Redis -e ConnectionStrings__Redis="127.0.0.1:$redis_port" -e Silo__Tls__Mode=None \
    -e Silo__SiloPort="$silo_port" -e Silo__GatewayPort="$gateway_port" -e Urls="http://127.0.0.1:$http_port" \
    -e OrleansConfusion__Scheduling__CheckpointDirectory=/data/checkpoints \
    -e OrleansConfusion__Scheduling__CpuSlots=1 -e DOTNET_gcServer=0 \
    "$prefix/silo")
  containers+=("$id") container_names+=("silo$i")
done
for i in 0 1; do
  for _ in $(seq 1 180); do curl -sf "http://127.0.0.1:${http_ports[$i]}/health/ready" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:${http_ports[$i]}/health/ready" >/dev/null \
    || { docker logs "${containers[$i]}" 2>&1 | tail -30 >&2; echo "silo$i not ready" >&2; exit 1; }
done
timing silos-ready

# 7. Submit and watch from the client image; relative --out: the silos resolve it under /data.
client=(docker run --rm --network host -v "$root/examples:/examples:ro" -v "$out:/data" -w /data "$prefix/client")
cluster="redis://127.0.0.1:$redis_port"
# Exit 3 is "cluster unreachable": a new client gives up after 10 s, which a CPU-starved machine can take just
# to open its gateway connection. A user reruns the command (submit is idempotent: it resumes), so this does.
client_retry() {
  local log=$1 rc; shift
  for attempt in 1 2 3 4 5; do
    set +e; "${client[@]}" "$@" >>"$log" 2>&1; rc=$?; set -e
    [[ $rc -eq 3 ]] || break
    echo "image-test: $1 found the cluster unreachable (attempt $attempt), retrying"; sleep 2
  done
  [[ $rc -eq 0 ]] || { tail -30 "$log" >&2; echo "image-test: $1 exited $rc" >&2; exit 1; }
}
client_retry "$out/logs/submit.log" submit /examples/quick.yaml --cluster "$cluster" --out runs
cat "$out/logs/submit.log"
client_retry "$out/logs/watch.log" watch quick --cluster "$cluster"
timing sweep
"${client[@]}" results quick --out /data/runs | tee "$out/logs/results.log"
for kind in trials metrics logs; do
  ls "$out/runs/quick/$kind"/part-*.parquet >/dev/null 2>&1 || [[ $kind == logs ]] || { echo "missing $out/runs/quick/$kind/part-*.parquet" >&2; exit 1; }
done
echo "image-test: ok (output in $out/runs/quick)"
