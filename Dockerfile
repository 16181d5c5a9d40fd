# syntax=docker/dockerfile:1
# The gateway's image: `docker build -t qb-grpc-gateway .` from the repository's root. No container
# engine runs on the development machines, so it is not built there; test/deploy/dockerfile.test.ts
# checks what this file promises (pinned base, non-root, node as PID 1, a health check, every source the
# build compiles copied in).
ARG NODE_IMAGE=node:26.12.1-trixie-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY gen gen
COPY server server
COPY emulator emulator
COPY bench bench
COPY clients/src clients/src
COPY clients/examples clients/examples
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production GRPC_HOST=0.0.0.0 GRPC_PORT=50051 METRICS_PORT=9464
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# The image's own user (uid 1000), never root; nothing under /app needs writing, so the root file system may be read-only.
USER node
EXPOSE 50051 9464
# Liveness over the operator's port; readiness (/readyz, gRPC health) is the orchestrator's to probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.METRICS_PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
# node itself is PID 1, not npm or a shell: it receives SIGTERM and drains (server/cli/serve-until-signal.ts).
CMD ["node", "dist/server/cli/main.js"]
