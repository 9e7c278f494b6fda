export default async function globalTeardown() {
  await globalThis.tesseraTestServer?.stop();
}
