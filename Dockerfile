# Dockerfile - msggen itself in a container (Debian slim): a build stage that
# compiles msggen, and a runtime stage with the binary, the shipped templates,
# the man page and the shared libraries it links, nothing else.
#
#   docker build -t msggen .
#   docker run --rm -u "$(id -u)" -v "$PWD:/work" msggen check
#
# tests/workflow checks that the package lists below match the Makefile's
# build dependencies and the libraries msggen links.
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc make pkg-config libyaml-dev libcjson-dev libpcre2-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile ./
COPY generator/ generator/
COPY templates/ templates/
COPY docs/msggen.1 docs/
COPY completion/ completion/
RUN make build && make install PREFIX=/opt/msggen

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libyaml-0-2 libcjson1 libpcre2-8-0 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/msggen /usr/local
WORKDIR /work
ENTRYPOINT ["msggen"]
CMD ["--help"]
