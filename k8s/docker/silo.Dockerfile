# syntax=docker/dockerfile:1
# Silo image. Build from the repository root (the context; .dockerignore there keeps artifacts/ out):
#   docker build -f k8s/docker/silo.Dockerfile -t orleansconfusion-silo:cpu .
#   docker build -f k8s/docker/silo.Dockerfile -t orleansconfusion-silo:cuda \
#     --build-arg TORCH_BACKEND=cuda --build-arg RUNTIME_IMAGE=nvidia/cuda:12.8.1-runtime-ubuntu24.04 .
# Build arguments (defaults are what real users want; scripts/image-test.sh overrides them to build offline):
#   SDK_IMAGE         the image with the .NET 10 SDK that restores and publishes.
#   RUNTIME_IMAGE     the base of the final image: ubuntu:24.04 for CPU, a CUDA 12.8 runtime for cuda.
#   RUNTIME_PACKAGES  apt packages installed on RUNTIME_IMAGE (the C/C++ runtime libraries libtorch and .NET
#                     need); empty installs nothing (a base that already has them, or no apt).
#   TORCH_BACKEND     cpu or cuda (which TorchSharp native package is restored).
#   NUGET_AUDIT       false skips NuGet's vulnerability audit, which needs nuget.org (offline builds).
# The runtime base is chosen by an argument, not by a per-backend stage: the legacy builder builds (and
# pulls) every stage of a Dockerfile, so a CPU build must not name a CUDA image anywhere.
# libtorch 2.x needs GLIBCXX_3.4.32: Ubuntu 24.04 has it, so the library is published as is. On a Debian 12
# SDK image build/TorchNative.targets patches the published copy (it checks the libstdc++ of the image that
# publishes), so SDK_IMAGE and RUNTIME_IMAGE must have the same libstdc++: both Ubuntu 24.04, or both Debian 12.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble
ARG RUNTIME_IMAGE=ubuntu:24.04

FROM ${SDK_IMAGE} AS build
ARG TORCH_BACKEND=cpu
ARG NUGET_AUDIT=true
WORKDIR /src
# Restore layer: only what decides the package graph, so that a code change reuses the restored packages
# (libtorch is ~600 MB) instead of downloading them again.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY grains/OrleansConfusion.Grains.Abstractions/OrleansConfusion.Grains.Abstractions.csproj grains/OrleansConfusion.Grains.Abstractions/
COPY grains/OrleansConfusion.Engine/OrleansConfusion.Engine.csproj grains/OrleansConfusion.Engine/
COPY grains/OrleansConfusion.Engine.Configuration/OrleansConfusion.Engine.Configuration.csproj grains/OrleansConfusion.Engine.Configuration/
COPY grains/OrleansConfusion.Sweeps/OrleansConfusion.Sweeps.csproj grains/OrleansConfusion.Sweeps/
COPY grains/OrleansConfusion.Grains/OrleansConfusion.Grains.csproj grains/OrleansConfusion.Grains/
COPY silo/OrleansConfusion.Silo.csproj silo/
RUN dotnet restore silo/OrleansConfusion.Silo.csproj -r linux-x64 -p:SelfContained=true \
      -p:TorchBackend=${TORCH_BACKEND} -p:NuGetAudit=${NUGET_AUDIT}
COPY grains/ grains/
COPY silo/ silo/
# Self-contained: the runtime images need no .NET install, only the C/C++ runtime libraries.
RUN dotnet publish silo/OrleansConfusion.Silo.csproj --no-restore -c Release -r linux-x64 --self-contained \
      -p:TorchBackend=${TORCH_BACKEND} -p:NuGetAudit=${NUGET_AUDIT} -o /out

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
# Output and checkpoints land under /data (the ReadWriteMany volume in Kubernetes), the silo's output base:
# sweeps may write nowhere else (OrleansConfusion:Output:BaseDirectory). /app stays owned by root.
RUN mkdir -p /data && chown app /data
ENV OrleansConfusion__Output__BaseDirectory=/data
USER app
ENV Urls=http://0.0.0.0:8080
EXPOSE 8080 11111 30000
ENTRYPOINT ["/app/OrleansConfusion.Silo"]
