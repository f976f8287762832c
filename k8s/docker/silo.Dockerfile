# syntax=docker/dockerfile:1
# Silo image. Build from the repository root:
#   docker build -f k8s/docker/silo.Dockerfile -t orleansconfusion-silo:cpu .
#   docker build -f k8s/docker/silo.Dockerfile --build-arg TORCH_BACKEND=cuda -t orleansconfusion-silo:cuda .
# Ubuntu 24.04 ships GLIBCXX_3.4.32, so TorchSharp's native library loads as published (the
# Debian 12 fix in build/TorchNative.targets detects that and does nothing).
ARG TORCH_BACKEND=cpu

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
ARG TORCH_BACKEND
WORKDIR /src
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY grains/ grains/
COPY silo/ silo/
# Self-contained: the runtime images need no .NET install, only the C/C++ runtime libraries.
RUN dotnet publish silo/OrleansConfusion.Silo.csproj -c Release -r linux-x64 --self-contained \
      -p:TorchBackend=${TORCH_BACKEND} -o /out

FROM ubuntu:24.04 AS runtime-cpu
FROM nvidia/cuda:12.8.1-runtime-ubuntu24.04 AS runtime-cuda

FROM runtime-${TORCH_BACKEND}
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libgomp1 libssl3t64 zlib1g \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 1654 --create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /out/ ./
# Output and checkpoints land under /data (the ReadWriteMany volume in Kubernetes), the silo's output base:
# sweeps may write nowhere else (OrleansConfusion:Output:BaseDirectory). /app stays owned by root.
RUN mkdir -p /data && chown app /data
ENV OrleansConfusion__Output__BaseDirectory=/data
USER app
ENV Urls=http://0.0.0.0:8080
EXPOSE 8080 11111 30000
ENTRYPOINT ["/app/OrleansConfusion.Silo"]
