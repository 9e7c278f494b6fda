import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A POST of JSON whose body arrives in two parts, the second only when finish() is called: a request
 * still in flight while the test does something to the server. Its own connection (no keep-alive agent).
 */
export function startSlowPost(url: string, headers: Record<string, string>, body: unknown) {
  const payload = Buffer.from(JSON.stringify(body));
  const request = httpRequest(url, {
    method: 'POST',
    agent: false,
    headers: { ...headers, 'content-type': 'application/json', 'content-length': payload.length },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    request.on('error', reject);
  });
  request.write(payload.subarray(0, 10));
  return {
    finish: () => {
      request.end(payload.subarray(10));
      return answer;
    },
  };
}

/** Polls the URL until it answers the status (a server starting, a health check changing). */
export async function waitForStatus(url: string, status = 200, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      (await fetch(url).then(
        (response) => response.status,
        () => 0,
      )) === status
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`);
}
