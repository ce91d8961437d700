import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport } from './transport.http.js';
import { SyncNetworkError } from './transport.js';

let server: Server | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

async function listen(handler: (request: IncomingMessage, body: string) => { status: number; body: string; headers?: Record<string, string> }): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, body });
      const answer = handler(request, body);
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`, seen };
}

describe('HTTP transport', () => {
  it('sends the device token as a bearer with JSON, and hands back status, body and headers', async () => {
    const { url, seen } = await listen(() => ({ status: 429, body: '{"code":"rate_limited","message":"slow"}', headers: { 'Retry-After': '5' } }));
    let token: string | null = 'device-token-1';
    const transport = createHttpTransport({ baseUrl: url, deviceToken: () => token });
    const pushed = await transport.push({ till_id: 'x', epoch: 1, events: [] as never[] });
    expect(pushed).toMatchObject({ status: 429, body: { code: 'rate_limited', message: 'slow' } });
    expect(pushed.headers['retry-after']).toBe('5');
    expect(seen[0]).toEqual({ method: 'POST', url: '/v1/sync/push', authorization: 'Bearer device-token-1', body: '{"till_id":"x","epoch":1,"events":[]}' });
    token = 'device-token-2';
    await transport.pull('17', 99);
    expect(seen[1]).toMatchObject({ method: 'GET', url: '/v1/sync/pull?after=17&wait=30', authorization: 'Bearer device-token-2' });
    await transport.pull('18', 0, { outbox_depth: 4, app_version: '1.4.2' });
    expect(seen.at(-1)).toMatchObject({ url: '/v1/sync/pull?after=18&wait=0&outbox_depth=4&app_version=1.4.2' });
    seen.splice(2, 1);
    await transport.recover({ till_id: 'x', last_common_seq: 3 });
    expect(seen[2]).toMatchObject({ url: '/v1/sync/recover', body: '{"till_id":"x","last_common_seq":3}' });
    await transport.enroll({ code: 'ABC123', name: 'Till' });
    // Enrollment is public: the code is the credential, no stale device token is sent.
    expect(seen[3]).toMatchObject({ url: '/v1/tills/enroll', authorization: undefined });
  });

  it('an empty or non-JSON body still comes back as an answer', async () => {
    const answers = [{ status: 204, body: '' }, { status: 502, body: '<html>bad gateway</html>' }];
    const { url } = await listen(() => answers.shift()!);
    const transport = createHttpTransport({ baseUrl: url, deviceToken: () => null });
    expect(await transport.pull('0', 0)).toMatchObject({ status: 204, body: null });
    expect(await transport.pull('0', 0)).toMatchObject({ status: 502, body: { code: 'not_json', message: '<html>bad gateway</html>' } });
  });

  it('no server listening, or no answer in time, is a network error', async () => {
    const { url } = await listen(() => ({ status: 200, body: '{}' }));
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = null;
    const transport = createHttpTransport({ baseUrl: url, deviceToken: () => 't' });
    await expect(transport.push({ till_id: 'x', epoch: 1, events: [] as never[] })).rejects.toBeInstanceOf(SyncNetworkError);
    server = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const silent = createHttpTransport({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, deviceToken: () => 't', timeoutMs: 200 });
    await expect(silent.recover({ till_id: 'x' })).rejects.toBeInstanceOf(SyncNetworkError);
    server.closeAllConnections();
  });
});
