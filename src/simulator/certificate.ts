// Self-signed TLS certificate for the simulator, cached on disk so that NODE_EXTRA_CA_CERTS can point at a stable
// file across runs. Generation is guarded by a lock file because several processes (parallel test workers, the
// demo script) may start simulators on the same directory at once.

import { createPrivateKey, X509Certificate } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { generate } from "selfsigned";

export interface SimulatorCertificate {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

const CERT_FILE = "simulator-cert.pem";
const KEY_FILE = "simulator-key.pem";
const LOCK_FILE = "simulator-cert.lock";
const DAY_MS = 24 * 60 * 60 * 1000;
const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 20_000;

function isUsable(cert: string, key: string): boolean {
  try {
    const x509 = new X509Certificate(cert);
    const now = Date.now();
    if (Date.parse(x509.validFrom) > now) return false;
    if (Date.parse(x509.validTo) - now <= DAY_MS) return false;
    const san = x509.subjectAltName ?? "";
    if (!san.includes("DNS:localhost") || !san.includes("IP Address:127.0.0.1")) return false;
    return x509.checkPrivateKey(createPrivateKey(key));
  } catch {
    return false;
  }
}

async function readExisting(
  certPath: string,
  keyPath: string,
): Promise<{ cert: string; key: string } | null> {
  try {
    const [cert, key] = await Promise.all([readFile(certPath, "utf8"), readFile(keyPath, "utf8")]);
    return isUsable(cert, key) ? { cert, key } : null;
  } catch {
    return null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function acquireLock(lockPath: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (err) {
      if (!(err instanceof Error) || !("code" in err) || err.code !== "EEXIST") throw err;
      const info = await stat(lockPath).catch(() => null);
      if (info && Date.now() - info.mtimeMs > LOCK_STALE_MS) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for certificate lock ${lockPath}`);
      await sleep(50);
    }
  }
}

async function writeAtomically(filePath: string, content: string, mode: number): Promise<void> {
  const tmp = `${filePath}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, content, { mode });
  await chmod(tmp, mode);
  await rename(tmp, filePath);
}

async function generateCertificate(): Promise<{ cert: string; key: string }> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 365 * DAY_MS);
  const pems = await generate(
    [
      { name: "commonName", value: "localhost" },
      { name: "organizationName", value: "Patchbay Simulator" },
    ],
    {
      keySize: 2048,
      algorithm: "sha256",
      notBeforeDate,
      notAfterDate,
      extensions: [
        { name: "basicConstraints", cA: false, critical: true },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        {
          name: "subjectAltName",
          altNames: [
            { type: 2, value: "localhost" },
            { type: 7, ip: "127.0.0.1" },
            { type: 7, ip: "::1" },
          ],
        },
      ],
    },
  );
  return { cert: pems.cert, key: pems.private };
}

/**
 * Returns a self-signed certificate for localhost / 127.0.0.1 / ::1, reusing `dir/simulator-cert.pem` and
 * `dir/simulator-key.pem` while they stay valid for more than a day, generating (1 year) otherwise.
 */
export async function ensureCertificate(dir: string): Promise<SimulatorCertificate> {
  const absDir = path.resolve(dir);
  const certPath = path.join(absDir, CERT_FILE);
  const keyPath = path.join(absDir, KEY_FILE);
  await mkdir(absDir, { recursive: true });

  const existing = await readExisting(certPath, keyPath);
  if (existing) return { certPath, keyPath, ...existing };

  const release = await acquireLock(path.join(absDir, LOCK_FILE));
  try {
    // Another process may have generated it while we waited for the lock.
    const again = await readExisting(certPath, keyPath);
    if (again) return { certPath, keyPath, ...again };
    const fresh = await generateCertificate();
    await writeAtomically(keyPath, fresh.key, 0o600);
    await writeAtomically(certPath, fresh.cert, 0o644);
    return { certPath, keyPath, ...fresh };
  } finally {
    await release();
  }
}
