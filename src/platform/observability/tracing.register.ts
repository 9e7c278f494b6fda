/**
 * Preloaded before the application (`node --import ./dist/src/platform/observability/tracing.register.js
 * dist/src/main.js`, as `npm run start:prod` and the image do), so that the instrumentations hook
 * node:http and pg before anything imports them: in ESM, hooks registered later see no module loaded
 * earlier. Without OTEL_EXPORTER_OTLP_ENDPOINT nothing is imported and nothing is hooked.
 */
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  const { startTracing } = await import('./tracing.js');
  await startTracing();
}
