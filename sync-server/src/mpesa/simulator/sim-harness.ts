/**
 * Starts the simulator and a callback receiver on 127.0.0.1 (ephemeral ports) for tests and
 * benchmarks: the client talks real HTTP to the simulator, and the simulator's callbacks land in
 * the receiver, which records each body and answers like PayMe's callback routes.
 */
import Fastify from 'fastify';
import { createDarajaSimulator, type DarajaSimulator, type DarajaSimulatorOptions } from './sim-app.js';

export interface ReceivedCallback {
  path: string;
  body: unknown;
}

export interface SimHarness {
  simulator: DarajaSimulator;
  base_url: string;
  /** The receiver's base URL: `${callback_base}/stk`, `/c2b/validation`, `/c2b/confirmation`, `/result`, `/timeout`. */
  callback_base: string;
  received: ReceivedCallback[];
  /** What the validation route answers (`0` accepts). */
  validation_answer: { ResultCode: string; ResultDesc: string };
  close(): Promise<void>;
}

export async function startSimHarness(options: DarajaSimulatorOptions = {}): Promise<SimHarness> {
  const received: ReceivedCallback[] = [];
  const receiver = Fastify({ logger: false });
  const harness = { validation_answer: { ResultCode: '0', ResultDesc: 'Accepted' } };
  receiver.post('/*', async (request) => {
    received.push({ path: request.url, body: request.body });
    if (request.url.endsWith('/c2b/validation')) return harness.validation_answer;
    return { ResultCode: 0, ResultDesc: 'Accepted' };
  });
  const callbackBase = `${await receiver.listen({ port: 0, host: '127.0.0.1' })}`;
  const simulator = createDarajaSimulator(options);
  const baseUrl = await simulator.app.listen({ port: 0, host: '127.0.0.1' });
  return Object.assign(harness, {
    simulator,
    base_url: baseUrl,
    callback_base: callbackBase,
    received,
    async close() {
      await simulator.app.close();
      await receiver.close();
    },
  });
}
