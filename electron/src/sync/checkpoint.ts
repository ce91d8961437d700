/**
 * The server's signed audit checkpoints, as a till checks them (DESIGN §5 Pull): an Ed25519
 * signature, by the key handed over at enrollment, over the JCS bytes of `{business_id, seq,
 * hash}`. A checkpoint that does not verify is never kept: it is either not from this business's
 * server or was changed on the way.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { checkpointMessage, type Checkpoint } from '@payme/shared';

export function checkpointSignedBy(checkpoint: Checkpoint, identity: { business_id: string; server_public_key: string }): boolean {
  if (checkpoint.business_id !== identity.business_id) return false;
  try {
    const message = checkpointMessage({ business_id: identity.business_id, seq: checkpoint.seq, hash: checkpoint.hash });
    return ed25519.verify(hexToBytes(checkpoint.signature), message, hexToBytes(identity.server_public_key));
  } catch {
    // A key or signature that is not hex of the right length.
    return false;
  }
}
