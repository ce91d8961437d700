/**
 * The browser host (DESIGN §2, §11): the same till served to a plain browser on loopback. It
 * serves the built renderer and `POST /rpc/<method>` through the host's dispatcher, and nothing
 * else; it binds 127.0.0.1 only and refuses requests whose Host or Origin is not its own
 * loopback origin (DNS rebinding, cross-site posts).
 */
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { tillSecurityHeaders } from './csp.js';
import { httpStatusOf } from './http-status.js';
import { checkLoopbackRequest } from './loopback-guard.js';
import { build_renderer_hint, rendererBuilt } from './renderer-files.js';
import type { TillHost } from './till-host.js';

/** A 500-line sale is ~60 KiB of JSON; four times that is still no one's honest request. */
export const rpc_body_bytes_max = 256 * 1024;
export const loopback_address = '127.0.0.1';
const method_name = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

export interface HttpHostOptions {
  host: TillHost;
  rendererDir: string;
  logger?: FastifyServerOptions['logger'];
}

function listeningPort(app: FastifyInstance): number {
  const address = app.server.address();
  return typeof address === 'object' && address !== null ? address.port : -1;
}

export async function buildHttpHost(options: HttpHostOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: rpc_body_bytes_max, trustProxy: false });
  const headers = tillSecurityHeaders();
  // JSON only: text/plain is what a cross-site form can send without a CORS preflight.
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (request, reply) => {
    const verdict = checkLoopbackRequest({ host: request.headers.host, origin: request.headers.origin }, listeningPort(app));
    if (!verdict.ok) return reply.code(403).headers(headers).send({ code: verdict.code, message: verdict.message });
    reply.headers(headers);
  });

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    // Fastify's own refusals (too large, not JSON, unparsable) in the till's error shape.
    const status = error.statusCode ?? 500;
    if (status === 413) return reply.code(413).send({ code: 'payload_too_large', message: `The request is larger than ${rpc_body_bytes_max} bytes` });
    if (status === 415) return reply.code(415).send({ code: 'unsupported_media_type', message: 'Send the input as application/json' });
    if (status >= 400 && status < 500) return reply.code(400).send({ code: 'invalid_input', message: 'The request body is not valid JSON' });
    app.log.error({ err: error }, 'browser host error');
    return reply.code(500).send({ code: 'internal', message: 'The till program hit an unexpected error' });
  });

  app.post<{ Params: { method: string } }>('/rpc/:method', async (request, reply) => {
    const { method } = request.params;
    if (!method_name.test(method)) return reply.code(404).send({ code: 'unknown_method', message: 'No such till method', field: 'method' });
    const result = await options.host.call(method, request.body ?? {});
    reply.header('cache-control', 'no-store');
    if (result.ok) return reply.code(200).send(result.value);
    return reply.code(httpStatusOf(result.error.code)).send(result.error);
  });

  if (rendererBuilt(options.rendererDir)) {
    await app.register(fastifyStatic, { root: options.rendererDir, index: 'index.html', dotfiles: 'deny' });
  } else {
    app.get('/', async (_request, reply) =>
      reply.code(503).type('text/plain; charset=utf-8').send(`The cashier app is not built in ${options.rendererDir}.\n${build_renderer_hint}\n`),
    );
  }
  return app;
}

/** Listens on loopback only and returns the till's URL. */
export async function listenOnLoopback(app: FastifyInstance, port: number): Promise<string> {
  await app.listen({ host: loopback_address, port });
  return `http://${loopback_address}:${listeningPort(app)}/`;
}
