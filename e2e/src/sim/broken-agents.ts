/**
 * Deliberately broken sync agents, for the test that proves the simulation can fail. Each is
 * a bug a real outbox implementation could have.
 */
import type { AgentSabotage } from './sim-till.js';

/**
 * Marks each batch acknowledged as soon as it is sent, before the server answered, and (like an
 * outbox that deletes what it believes acknowledged) can no longer resend those events when the
 * server asks for them again. A lost request then loses sales.
 */
export const ackBeforeServerAnswers: AgentSabotage = ({ port, transport }) => ({
  port: {
    ...port,
    eventsFrom: (from_seq, limit) => port.eventsFrom(Math.max(from_seq, port.ackedSeq() + 1), limit),
  },
  transport: {
    ...transport,
    push: (body) => {
      const last = body.events[body.events.length - 1];
      if (last !== undefined) port.markAcked(last.seq, last.hash);
      return transport.push(body);
    },
  },
});
