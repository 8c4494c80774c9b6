# syntax=docker/dockerfile:1
# Okta MFA Portal: production image (docs/deployment.md).
#   docker build -t okta-mfa-portal .
#   docker run --read-only --tmpfs /tmp -v portal-data:/data -p 3000:3000 --env-file portal.env okta-mfa-portal
# Three stages: `build` compiles TypeScript with every dependency; `deps` installs the runtime dependencies only
# (npm ci --omit=dev: no compiler, no emulator, no oidc-provider); the final image holds those plus dist/, runs as
# the unprivileged `node` user (uid 1000) and writes only to /data (DATA_DIR). test/deploy/production-tree.test.ts
# builds the same tree without a container engine and completes a recovery with it.

ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/build.mjs ./scripts/build.mjs
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY emulator/src ./emulator/src
RUN node scripts/build.mjs && rm -rf dist/emulator

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/build.mjs ./scripts/build.mjs
# `prepare` (scripts/build.mjs --if-possible) finds no TypeScript here and does nothing; better-sqlite3 installs its
# prebuilt binary for this Node version.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# The slim image has no HTTP client binary: Node itself asks the liveness endpoint.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# Node is PID 1 (exec form, no shell, no npm): it handles SIGTERM itself and exits when in-flight requests finish.
ENTRYPOINT ["node", "dist/src/main.js"]
