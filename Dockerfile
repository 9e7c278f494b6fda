# Production image: the built server, runtime dependencies only. Serves an external PostgreSQL
# (DATABASE_URL as the runtime role, DATABASE_OWNER_URL as the schema owner for migrations).
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.app.json ./
COPY src src
COPY migrations migrations
COPY scripts scripts
RUN npx tsc -p tsconfig.app.json && npm run build:console

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches patches
# No dev or optional dependencies: the embedded PostgreSQL is for development only.
# Install scripts stay off; patch-package applies the dependency fixes in patches/ (see docs/upstream).
RUN npm ci --omit=dev --omit=optional --ignore-scripts && npx patch-package && npm cache clean --force
COPY --from=build /app/dist dist
USER node
EXPOSE 3000
CMD ["node", "--import", "./dist/src/platform/observability/tracing.register.js", "dist/src/main.js"]
