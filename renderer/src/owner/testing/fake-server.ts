/**
 * TEST DOUBLE: the owner API as a `fetch` function over in-memory routes, for the component
 * tests (jsdom). Each route answers a JSON body with a status; the requests it saw are kept, so
 * a test can assert what the page sent (CSRF header, idempotency key, body). Unknown routes are
 * the server's JSON 404, as the real server answers them.
 */
import type { FetchLike } from '../api/owner-http.js';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeAnswer {
  status?: number;
  body?: unknown;
}

export type FakeRoute = (request: FakeRequest) => FakeAnswer | Promise<FakeAnswer>;

export class FakeOwnerServer {
  readonly requests: FakeRequest[] = [];
  private readonly routes = new Map<string, FakeRoute>();

  /** `on('GET /v1/products', () => ({ body: { products: [] } }))`; `:id` matches one segment. */
  on(route: string, answer: FakeRoute): this;
  on(route: string, body: object): this;
  on(route: string, answer: FakeRoute | object): this {
    this.routes.set(route, typeof answer === 'function' ? (answer as FakeRoute) : () => ({ body: answer }));
    return this;
  }

  has(route: string): boolean {
    return this.routes.has(route);
  }

  /** The requests for one route, in order. */
  sent(route: string): FakeRequest[] {
    return this.requests.filter((request) => this.matches(route, request));
  }

  private matches(route: string, request: FakeRequest): boolean {
    const [method, pattern] = route.split(' ');
    if (method !== request.method || pattern === undefined) return false;
    const want = pattern.split('/');
    const got = request.path.split('/');
    return want.length === got.length && want.every((part, i) => part.startsWith(':') || part === got[i]);
  }

  readonly fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url, 'http://owner.test');
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>).map(([key, value]) => [key.toLowerCase(), value]));
    const request: FakeRequest = {
      method: init.method ?? 'GET',
      path: parsed.pathname,
      query: parsed.searchParams,
      headers,
      body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    };
    this.requests.push(request);
    const route = [...this.routes.keys()].reverse().find((key) => this.matches(key, request));
    const answer: FakeAnswer = route === undefined ? { status: 404, body: { code: 'not_found', message: `No route ${request.method} ${request.path}` } } : await this.routes.get(route)!(request);
    const status = answer.status ?? 200;
    return new Response(status === 204 ? null : JSON.stringify(answer.body ?? {}), { status, headers: { 'content-type': 'application/json' } });
  };
}
