import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Write-only secret storage (DESIGN §6): AES-256-GCM, a random 96-bit IV per encryption, the integration id as
 * additional authenticated data (a ciphertext copied to another row fails to open), and an HMAC fingerprint for
 * humans to compare. Both keys are derived from the master key with HKDF, so neither doubles as the other.
 */

export interface SealedSecret {
  /** base64 of ciphertext || 16-byte GCM tag */
  ciphertext: string;
  iv: string;
  keyId: string;
  fingerprint: string;
}

export interface SecretBox {
  readonly keyId: string;
  seal(plaintext: string, associatedData: string): SealedSecret;
  open(sealed: Pick<SealedSecret, "ciphertext" | "iv" | "keyId">, associatedData: string): string;
  fingerprint(plaintext: string): string;
}

export class SecretBoxError extends Error {
  override name = "SecretBoxError";
}

const TAG_BYTES = 16;

/** A 32-byte key for one purpose, derived from the master key (HKDF-SHA256, `purpose` as info). */
export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey, "", purpose, 32));
}

export function createSecretBox(masterKey: Buffer): SecretBox {
  if (masterKey.length !== 32) throw new SecretBoxError("The master key must be 32 bytes.");
  const encryptionKey = deriveKey(masterKey, "patchbay secret box v1");
  const fingerprintKey = deriveKey(masterKey, "patchbay secret fingerprint v1");
  const keyId = createHash("sha256").update(encryptionKey).digest("hex").slice(0, 8);

  const fingerprint = (plaintext: string) =>
    createHmac("sha256", fingerprintKey).update(plaintext, "utf8").digest("hex").slice(0, 12);

  return {
    keyId,
    fingerprint,
    seal(plaintext, associatedData) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", encryptionKey, iv);
      cipher.setAAD(Buffer.from(associatedData, "utf8"));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
      return {
        ciphertext: body.toString("base64"),
        iv: iv.toString("base64"),
        keyId,
        fingerprint: fingerprint(plaintext),
      };
    },
    open(sealed, associatedData) {
      if (sealed.keyId !== keyId) {
        throw new SecretBoxError(
          `The stored secret was encrypted with master key ${sealed.keyId}, but this server has key ${keyId}. Restore the original PATCHBAY_MASTER_KEY or data/master.key, or replace the secret.`,
        );
      }
      const body = Buffer.from(sealed.ciphertext, "base64");
      if (body.length <= TAG_BYTES)
        throw new SecretBoxError("The stored secret is damaged; replace the secret.");
      try {
        const decipher = createDecipheriv("aes-256-gcm", encryptionKey, Buffer.from(sealed.iv, "base64"));
        decipher.setAAD(Buffer.from(associatedData, "utf8"));
        decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
        return Buffer.concat([
          decipher.update(body.subarray(0, body.length - TAG_BYTES)),
          decipher.final(),
        ]).toString("utf8");
      } catch {
        throw new SecretBoxError("The stored secret failed its integrity check; replace the secret.");
      }
    },
  };
}

/**
 * The master key: `PATCHBAY_MASTER_KEY` when set, otherwise `<dataDir>/master.key`, created on first start with
 * mode 0600. Losing it makes stored secrets unreadable (they can be replaced); it is never logged.
 */
export async function loadMasterKey(options: {
  fromEnv: string | undefined;
  dataDir: string;
}): Promise<Buffer> {
  if (options.fromEnv !== undefined) return Buffer.from(options.fromEnv, "base64");
  const path = join(options.dataDir, "master.key");
  try {
    const key = Buffer.from((await readFile(path, "utf8")).trim(), "base64");
    if (key.length !== 32) throw new SecretBoxError(`${path} does not hold a 32-byte base64 key.`);
    return key;
  } catch (error) {
    if (!(error instanceof Error) || Reflect.get(error, "code") !== "ENOENT") throw error;
  }
  await mkdir(options.dataDir, { recursive: true });
  const key = randomBytes(32);
  await writeFile(path, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  await chmod(path, 0o600);
  return key;
}
