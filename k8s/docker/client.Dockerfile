# syntax=docker/dockerfile:1
# The `confusion` CLI (submit/status/watch/cancel/results; `run` embeds a CPU silo).
#   docker build -f k8s/docker/client.Dockerfile -t orleansconfusion-client:latest .
# Build arguments as in silo.Dockerfile (SDK_IMAGE, RUNTIME_IMAGE, RUNTIME_PACKAGES, NUGET_AUDIT); the CLI
# always restores the CPU libtorch, for `confusion run`.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble
ARG RUNTIME_IMAGE=ubuntu:24.04

FROM ${SDK_IMAGE} AS build
ARG NUGET_AUDIT=true
WORKDIR /src
# Restore layer: project files only, so a code change does not download the packages again.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY grains/OrleansConfusion.Grains.Abstractions/OrleansConfusion.Grains.Abstractions.csproj grains/OrleansConfusion.Grains.Abstractions/
COPY grains/OrleansConfusion.Engine/OrleansConfusion.Engine.csproj grains/OrleansConfusion.Engine/
COPY grains/OrleansConfusion.Engine.Configuration/OrleansConfusion.Engine.Configuration.csproj grains/OrleansConfusion.Engine.Configuration/
COPY grains/OrleansConfusion.Sweeps/OrleansConfusion.Sweeps.csproj grains/OrleansConfusion.Sweeps/
COPY grains/OrleansConfusion.Grains/OrleansConfusion.Grains.csproj grains/OrleansConfusion.Grains/
COPY client/OrleansConfusion.Cli.csproj client/
RUN dotnet restore client/OrleansConfusion.Cli.csproj -r linux-x64 -p:SelfContained=true -p:NuGetAudit=${NUGET_AUDIT}
COPY grains/ grains/
COPY client/ client/
RUN dotnet publish client/OrleansConfusion.Cli.csproj --no-restore -c Release -r linux-x64 --self-contained \
      -p:NuGetAudit=${NUGET_AUDIT} -o /out

FROM ${RUNTIME_IMAGE}
ARG RUNTIME_PACKAGES="ca-certificates libgomp1 libssl3t64 zlib1g"
RUN if [ -n "$RUNTIME_PACKAGES" ]; then \
      apt-get update \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $RUNTIME_PACKAGES \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
 && useradd --uid 1654 --create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /out/ ./
USER app
ENTRYPOINT ["/app/confusion"]
