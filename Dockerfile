# One image for the gateway and every Node service; compose picks the process:
#   node --import tsx gateway/src/server.ts
#   node --import tsx services/<name>/src/main.ts
#
# TypeScript runs through tsx (a production dependency of services/core), as with
# `npm start`: no build step, so the image runs exactly the code that the tests ran.
# The cost is tsx's on-the-fly transform at start (well under a second per process).
#
#   docker build --build-arg T2S_CODE_VERSION=0.1.0+$(git rev-parse --short=12 HEAD) -t t2s-node:0.1.0 .

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# Only the package manifests, so the dependency layer is rebuilt when they change, not on every edit.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && find . -path ./node_modules -prune -o \( -name package.json -o -name package-lock.json \) -print \
    | xargs -I{} cp --parents {} /manifests/

# Production dependencies only. better-sqlite3 uses its prebuilt binary when one matches,
# else compiles: hence the toolchain here, and node's own headers (no download).
FROM ${NODE_IMAGE} AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# The web console: a static bundle built from console/src by Vite (dev dependencies live only in this stage).
FROM ${NODE_IMAGE} AS console
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY console/ ./console/
RUN npm run build -w @t2s/console

FROM ${NODE_IMAGE} AS runtime
# Recorded in every artifact's manifest (there is no git checkout in the image).
ARG T2S_CODE_VERSION=0.1.0
ENV T2S_CODE_VERSION=${T2S_CODE_VERSION} \
    NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY --from=deps /app/ ./
COPY tsconfig.json ./
COPY services/ ./services/
COPY gateway/ ./gateway/
COPY --from=console /app/console/dist/ ./console/dist/
# DATA_DIR belongs to the unprivileged user; a new named volume takes this ownership.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
CMD ["node", "--import", "tsx", "gateway/src/server.ts"]
