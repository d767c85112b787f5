# hasone: the GraphQL server in a small Debian image.
#
#   docker build -t hasone .
#   docker run --rm -p 8080:8080 -v hasone-data:/data hasone
#
# then open http://127.0.0.1:8080/graphql (GraphiQL is embedded in the
# binary; the image needs no network at run time).

# Same major Debian release in both stages: the binary links glibc.
ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-slim-bookworm AS builder
WORKDIR /src
COPY . .
# The release build CI and the README use; cache mounts keep the crates
# and the target directory between builds (BuildKit).
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p hasone-server \
    && install -D -m 0755 target/release/hasone /out/hasone

FROM debian:bookworm-slim
# ca-certificates: for databases reached over TLS. busybox (about 1 MB,
# libc only): its `wget` is the HEALTHCHECK's HTTP client.
# Versions are not pinned: Debian replaces them with security updates.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates busybox \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 hasone \
    && useradd --system --uid 10001 --gid hasone --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin hasone \
    && install -d -o hasone -g hasone -m 0750 /data
COPY --from=builder /out/hasone /usr/local/bin/hasone

# HASONE_ADDR: the address the server listens on (host:port). 0.0.0.0 so a
# published port reaches it; change the port here and in `-p` together.
ENV HASONE_ADDR=0.0.0.0:8080
# HASONE_ALLOWED_HOSTS: the Host names clients reach the server by. Unset,
# localhost and the loopback addresses (a port published on the host); set
# it to the public name behind a proxy (other hosts get 400).
# DATABASE_URL: sqlite://, postgres:// or mysql:// URL. The default is an
# SQLite file on the /data volume, created (mode=rwc), migrated and seeded
# with demo data on first start; set HASONE_SEED_USERS=0 for an empty one.
ENV DATABASE_URL=sqlite:///data/hasone.sqlite?mode=rwc
ENV RUST_LOG=info

VOLUME /data
WORKDIR /data
# The `hasone` system user created above.
USER 10001:10001
EXPOSE 8080

# /health answers 200 while the HTTP server runs (/ready also checks the
# database). The port follows HASONE_ADDR.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/bin/sh", "-c", "busybox wget -q -O /dev/null \"http://127.0.0.1:${HASONE_ADDR##*:}/health\" || exit 1"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["hasone"]
CMD ["serve"]
