# syntax=docker/dockerfile:1
# The `confusion` CLI (submit/status/watch/cancel/results; `run` embeds a CPU silo).
#   docker build -f k8s/docker/client.Dockerfile -t orleansconfusion-client:latest .
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY grains/ grains/
COPY client/ client/
RUN dotnet publish client/OrleansConfusion.Cli.csproj -c Release -r linux-x64 --self-contained -o /out

FROM ubuntu:24.04
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libgomp1 libssl3t64 zlib1g \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 1654 --create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /out/ ./
USER app
ENTRYPOINT ["/app/confusion"]
