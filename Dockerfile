# syntax=docker/dockerfile:1
#
# The platform's image: every process of it, the gateway and each service of
# services/services.table, with the working-day calendar and the gateway's web
# pages, run as the unprivileged user 10001 under tini. Each Deployment names
# its binary (k8s/base/<process>.yaml, `args`):
#
#   docker build -t gongkai:$(git describe --always) .
#   docker run --rm gongkai:... gongkai-registry --help
#
# The build stage builds as scripts/up and scripts/test do (scripts/lib.sh):
# the same Debian packages, the same CMake configuration (Release, build/).
# The runtime stage is bookworm-slim with only the shared libraries the
# binaries link (found with ldd in the build stage) and tini.

ARG DEBIAN_RELEASE=bookworm

FROM debian:${DEBIAN_RELEASE} AS build
# Parallel compile jobs (lib.sh's GONGKAI_JOBS).
ARG GONGKAI_JOBS=2
ENV DEBIAN_FRONTEND=noninteractive
SHELL ["/bin/bash", "-o", "errexit", "-o", "nounset", "-o", "pipefail", "-c"]
WORKDIR /src

# The Debian packages the project builds with (lib.sh install_dependencies).
# Only lib.sh is copied first, so this layer is rebuilt only when it changes.
COPY scripts/lib.sh scripts/lib.sh
RUN source scripts/lib.sh && install_dependencies && rm -rf /var/lib/apt/lists/*

COPY . .

# Configured as lib.sh's build() configures; only what the image holds is
# built: each service's binary (read_services: services/services.table), the
# gateway, gongkai-admin (the principals file's tool), the web pages and the
# API reference (build/web). ccache (installed above, used by CMakeLists.txt
# when present) keeps its cache across builds.
RUN --mount=type=cache,target=/root/.cache/ccache \
    source scripts/lib.sh && read_services && \
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null && \
    cmake --build "$BUILD_DIR" -j "$GONGKAI_JOBS" \
      --target gongkai-gateway gongkai-admin gongkai_web gongkai_api_reference "${SERVICES[@]/#/gongkai-}"

# What the runtime stage takes: the binaries (stripped), the calendar files
# and the web pages, in /out.
RUN source scripts/lib.sh && read_services && \
    mkdir -p /out/bin /out/share/gongkai/calendar && \
    install -m 0755 -s "$BUILD_DIR/gateway/gongkai-gateway" "$BUILD_DIR/tools/gongkai-admin" /out/bin/ && \
    for service in "${SERVICES[@]}"; do \
      install -m 0755 -s "$BUILD_DIR/services/$service/gongkai-$service" /out/bin/; \
    done && \
    cp data/calendar/*.json /out/share/gongkai/calendar/ && \
    cp -r "$BUILD_DIR/web" /out/share/gongkai/web && rm -f /out/share/gongkai/web/.copied && \
    test -s /out/share/gongkai/web/index.html && test -s /out/share/gongkai/web/api/index.html

# The Debian packages that hold the shared libraries the binaries load (every
# library ldd resolves, by file name), one name a line in /out/packages. A
# library no package holds, or one ldd cannot find, stops the build.
RUN : > /out/packages && \
    for lib in $(ldd /out/bin/* | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u); do \
      owner=$(dpkg -S "*/${lib##*/}" 2>/dev/null | head -n 1 | cut -d: -f1 | cut -d, -f1 || true); \
      if [ -z "$owner" ]; then echo "no Debian package holds $lib" >&2; exit 1; fi; \
      echo "$owner" >> /out/packages; \
    done && \
    if ldd /out/bin/* | grep 'not found'; then exit 1; fi && \
    sort -u -o /out/packages /out/packages && cat /out/packages


FROM debian:${DEBIAN_RELEASE}-slim AS runtime
COPY --from=build /out/packages /tmp/packages
# tini is PID 1: it passes SIGTERM (graceful stop) and SIGHUP (calendar
# reload) on to the process and reaps what exits.
RUN export DEBIAN_FRONTEND=noninteractive && \
    apt-get update -qq && \
    xargs -a /tmp/packages apt-get install -y -qq --no-install-recommends tini && \
    rm -rf /var/lib/apt/lists/* /tmp/packages

RUN groupadd --system --gid 10001 gongkai && \
    useradd --system --uid 10001 --gid gongkai --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin gongkai

COPY --from=build /out/bin/ /usr/local/bin/
COPY --from=build /out/share/gongkai/ /usr/local/share/gongkai/
# Every library every binary needs is here.
RUN if ldd /usr/local/bin/gongkai-* | grep 'not found'; then exit 1; fi

# The calendar files shipped with this version (data/calendar). A deployment
# may point the services at other files (k8s: a ConfigMap mounted at
# /etc/gongkai/calendar). The gateway's pages: GONGKAI_WEB_DIR=/usr/local/share/gongkai/web.
ENV GONGKAI_CALENDAR_DIR=/usr/local/share/gongkai/calendar

LABEL org.opencontainers.image.title="gongkai" \
      org.opencontainers.image.description="The gongkai platform: the gateway and every service, one binary each"

USER 10001:10001
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["gongkai-gateway"]
