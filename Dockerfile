# One image definition, two targets: `gateway` and `pos-worker`.
# The Node.js image both stages start from. A build argument so that a machine with no access to
# an image registry can build on a base of its own (scripts/ci/compose-run.sh does).
ARG NODE_IMAGE=node:24-bookworm-slim
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The workspace packages' manifests: npm ci links each into node_modules/@wix-pos-gateway.
# Not the conformance kit's (libs/pos-conformance, a tool for integration authors): the image
# needs none of it, and its optional peers would stay in node_modules.
COPY libs/cards/package.json libs/cards/
COPY libs/config/package.json libs/config/
COPY libs/contracts/package.json libs/contracts/
COPY libs/database/package.json libs/database/
COPY libs/integrations/package.json libs/integrations/
COPY libs/kafka/package.json libs/kafka/
COPY libs/openapi/package.json libs/openapi/
COPY libs/pos-sdk/package.json libs/pos-sdk/
COPY libs/runtime/package.json libs/runtime/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
RUN npm run build:apps && npm prune --omit=dev
# Where a brand's image installs its own integration package (examples/acme-pos/Dockerfile):
# a package.json of its own, so that npm installs there and not into the workspace at /app.
RUN mkdir integrations && printf '{ "name": "integrations", "private": true }\n' > integrations/package.json

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
# The workspace packages node_modules links to: their package.json and dist/.
COPY --from=build /app/libs libs
COPY --from=build /app/dist dist
COPY --from=build --chown=node:node /app/integrations integrations
USER node

FROM runtime AS gateway
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --retries=12 \
  CMD node -e "require(process.env.TLS_CERT_FILE?'https':'http').get({host:'127.0.0.1',port:process.env.PORT||8080,path:'/health/ready',rejectUnauthorized:false,timeout:2500},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
CMD ["node", "--max-semi-space-size=32", "dist/apps/gateway/src/main.js"]

FROM runtime AS pos-worker
# Without DATABASE_URL the worker keeps an embedded store here (one worker per store).
ENV DATA_DIR=/home/node/data/pos-worker
# POS_INTEGRATION names a package installed here, or a path from here.
ENV POS_INTEGRATION_DIR=/app/integrations
EXPOSE 8081
HEALTHCHECK --interval=5s --timeout=3s --retries=12 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8081)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/apps/pos-worker/src/main.js"]
