# syntax=docker/dockerfile:1
# dflint as a container image:
#   docker build -t dflint .
#   docker run --rm -v "$PWD:/src" dflint check /src
# The build stage links the C library statically (crt-static, as scripts/release does), so the final image holds
# one file, the binary, and runs as a user without privileges.
FROM rust:1.90-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    RUSTFLAGS="-C target-feature=+crt-static" \
    cargo build --release --locked --target x86_64-unknown-linux-gnu \
    && cp target/x86_64-unknown-linux-gnu/release/dflint /usr/local/bin/dflint

FROM scratch
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["dflint"]
CMD ["check", "."]
COPY --from=build /usr/local/bin/dflint /usr/local/bin/dflint
