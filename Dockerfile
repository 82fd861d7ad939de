# Beckon in a container: build the WASM bundle, the assist apps (Linux, and Windows with
# MinGW) and the binary that carries them, then run it as a non-root user.
#   docker build -t beckon .
#   docker run -p 8080:8080 -v beckon-data:/data beckon
FROM rust:1.95-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends nasm g++-mingw-w64-x86-64 \
    && rm -rf /var/lib/apt/lists/* \
    && rustup target add wasm32-unknown-unknown x86_64-pc-windows-gnu
COPY . .
RUN cargo build --profile dist --locked -p beckon && cp target/dist/beckon /beckon

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin beckon \
    && mkdir -p /data && chown beckon /data
COPY --from=build /beckon /usr/local/bin/beckon
USER beckon
WORKDIR /data
ENV BECKON_LISTEN=0.0.0.0:8080 BECKON_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080 3478/udp 3478/tcp
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ["beckon", "healthcheck"]
ENTRYPOINT ["beckon"]
CMD ["serve"]
