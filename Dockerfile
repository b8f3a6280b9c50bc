# wrtcbench as a container image, for users: a static binary on distroless
# (CA certificates and a non-root user included, nothing else).
#
#   docker build -t wrtcbench .            (or: podman build / buildah build)
#   docker run --rm wrtcbench validate /scenarios/soak.yaml
#
# Where no image registry can be reached, build the binary here and use
# Dockerfile.local instead (deploy/image/build-local.sh). docs/distributed.md
# runs the image on Kubernetes.
ARG GO_VERSION=1.26

FROM golang:${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# -X main.version: the image's tag, as `wrtcbench version` prints it.
ARG VERSION=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/wrtcbench ./cmd/wrtcbench

# distroless/static: CA certificates, tzdata, /etc/passwd with the nonroot
# user (65532); no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/wrtcbench /usr/local/bin/wrtcbench
COPY scenarios/ /scenarios/
USER 65532:65532
WORKDIR /home/nonroot
# run --metrics-addr :9464 serves Prometheus metrics here.
EXPOSE 9464
ENTRYPOINT ["/usr/local/bin/wrtcbench"]
CMD ["--help"]
