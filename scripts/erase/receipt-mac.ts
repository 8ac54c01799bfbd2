/**
 * Receipts keyed so that holding one does not let anyone test a guessed id: each id is kept as an HMAC-SHA-256 made by
 * the stack's receipt key, a KMS HMAC_256 key (`alias/<project>-<env>-erasure-receipts`, stacks/constructs/erasure.ts)
 * whose key material never leaves KMS and whose key policy lets only the erasure compute or verify a MAC (KMS developer
 * guide, "HMAC keys in AWS KMS"; KMS API reference, GenerateMac and VerifyMac). A salted hash kept beside its salt,
 * as receipts once were, let anyone holding the receipt confirm a guess (an email, a numeric user id).
 */
import { GenerateMacCommand, KMSInvalidMacException, VerifyMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { createHmac } from 'node:crypto';
import { canonicalId } from './id-file';
import { matchField } from './records';

/** The MAC algorithm of receipts (KMS `MacAlgorithm`; HMAC_256 keys support HMAC_SHA_256 only). */
export const MAC_ALGORITHM = 'HMAC_SHA_256';

/** One id's MAC, in lowercase hex, and the ARN of the key that made it (an alias is resolved by KMS). */
export type IdMacer = (keyId: string, id: string) => Promise<{ keyArn: string; mac: string }>;

/** What a receipt says of its MACs: the key that made them and the algorithm. */
export interface MacKeyed {
  macKey: string;
  macAlgorithm: typeof MAC_ALGORITHM;
}

/**
 * MACs by KMS GenerateMac: the id's UTF-8 bytes as the message (at most 4,096 bytes; the id file's ids are
 * far shorter).
 */
export function kmsIdMacer(kms: KMSClient): IdMacer {
  return async (keyId, id) => {
    const out = await kms.send(
      new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: MAC_ALGORITHM, Message: Buffer.from(id, 'utf8') }),
    );
    if (!out.Mac || !out.KeyId) throw new Error(`KMS GenerateMac with ${keyId} returned no MAC`);
    return { keyArn: out.KeyId, mac: Buffer.from(out.Mac).toString('hex') };
  };
}

/**
 * Whether `mac` is the MAC of `id` under the receipt's key, by KMS VerifyMac (which answers KMSInvalidMacException for
 * a MAC that does not match): what someone allowed the receipt key may check, and nobody else.
 */
export async function verifyIdMac(kms: KMSClient, keyed: MacKeyed, id: string, mac: string): Promise<boolean> {
  try {
    const out = await kms.send(
      new VerifyMacCommand({
        KeyId: keyed.macKey,
        MacAlgorithm: keyed.macAlgorithm,
        Message: Buffer.from(id, 'utf8'),
        Mac: Buffer.from(mac, 'hex'),
      }),
    );
    return out.MacValid === true;
  } catch (error) {
    if (error instanceof KMSInvalidMacException || (error as Error).name === 'KMSInvalidMacException') return false;
    throw error;
  }
}

/**
 * The index of the receipt's MAC that is `id`'s (verified one by one with KMS), or -1. The id is put in the form the
 * request kept it (id-file.ts, `canonicalId`: lower-cased when the receipt's fields all ignore case), so an IDFV is
 * found whatever case it is given in.
 */
export async function receiptMacOf(
  kms: KMSClient,
  receipt: MacKeyed & { idMacs: string[]; fields?: string[] },
  id: string,
): Promise<number> {
  const kept = receipt.fields
    ? canonicalId(
        id,
        receipt.fields.map((f) => matchField(f)),
      )
    : id;
  for (const [i, mac] of receipt.idMacs.entries()) if (await verifyIdMac(kms, receipt, kept, mac)) return i;
  return -1;
}

/** A MAC made locally with a secret: for tests, which have no KMS. */
export function localIdMacer(secret: string, keyArn = 'arn:aws:kms:us-east-1:111111111111:key/local-test'): IdMacer {
  return async (_keyId, id) => ({ keyArn, mac: createHmac('sha256', secret).update(id, 'utf8').digest('hex') });
}
