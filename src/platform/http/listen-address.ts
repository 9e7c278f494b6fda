import { createServer } from 'node:net';

/**
 * Fails at once, naming PORT or HOST, when the HTTP address cannot be listened on: checked before the
 * embedded database boots, so that a second server started by mistake says so in a second, not after
 * PostgreSQL started and the migrations ran. (Another process can still take the port in between;
 * listen() failing is explained the same way.)
 */
export async function assertListenable(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (error) {
    throw explainListenFailure(error, host, port);
  }
  await new Promise((resolve) => probe.close(resolve));
}

/** One sentence naming the variable to change, for Node's listen errors; other errors pass through. */
export function explainListenFailure(error: unknown, host: string, port: number): unknown {
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'EADDRINUSE':
      return new Error(`PORT ${port} is already in use on ${host}: stop whatever listens there, or set PORT to a free port`);
    case 'EACCES':
      return new Error(`PORT ${port} on ${host} needs privileges this process does not have: set PORT to 1024 or above`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new Error(
        `HOST ${host} is not an address of this machine: set HOST (127.0.0.1 for this machine only, 0.0.0.0 for every interface)`,
      );
    default:
      return error;
  }
}

/** The host to put in a URL for people: a wildcard address is reached locally as localhost. */
export function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
