import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { integrationSchema } from "../../shared/contract";
import { SIM_SEED } from "../../simulator/seed";
import { createTestApp, type TestApp } from "../../test/test-app";
import { openDatabase } from "../db/client";
import { integrations } from "../db/schema";
import { databaseDataKeyStore, fileDataKeyStore } from "./data-keys";
import { createSecretBox, SecretBoxError } from "./secret-box";
import { createSecretVault } from "./secret-vault";

// Each test opens an on-disk or scrypt-heavy app; on a loaded two-core machine that can take a while. No timing is
// asserted: this only bounds how long a hung test may take.
vi.setConfig({ testTimeout: 120_000 });

/**
 * "Erased" must mean unrecoverable, even by someone holding the data directory and master.key (issue 6, finding 4);
 * and a lost master.key must never be silently replaced over stored secrets.
 */

const scratch: string[] = [];
afterEach(async () => {
  await Promise.all(scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function dataDir() {
  const dir = await mkdtemp(join(tmpdir(), "patchbay-erasure-"));
  scratch.push(dir);
  return dir;
}

/** The app on an embedded database in `dir`, keyed by `dir/master.key` unless a key is given. */
function appOn(dir: string, masterKey = "") {
  // An empty PATCHBAY_MASTER_KEY means "not set": the key file in DATA_DIR is used.
  return createTestApp({ DATA_DIR: dir, PATCHBAY_MASTER_KEY: masterKey, DATABASE_URL: "" });
}

async function connectHealthy(t: TestApp) {
  const created = await t.inject({
    method: "POST",
    url: "/api/integrations",
    payload: {
      partner: "defender",
      baseUrl: t.simulator.origin,
      tenantId: SIM_SEED.healthy.tenantId,
      appId: SIM_SEED.healthy.appId,
      appSecret: SIM_SEED.healthy.appSecret,
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  return integrationSchema.parse(created.json());
}

/** What an attacker copying the data directory while the secret was stored would hold: the row as stored. */
async function storedRow(dir: string, id: string) {
  const database = await openDatabase({ dataDir: dir });
  try {
    const [row] = await database.db.select().from(integrations).where(eq(integrations.id, id));
    return row;
  } finally {
    await database.close();
  }
}

async function everyFileUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe("Disconnect erases the App Secret for good", () => {
  it("leaves nothing that master.key can open, and the data key in no file of the data directory", async () => {
    const dir = await dataDir();
    let t = await appOn(dir);
    const integration = await connectHealthy(t);
    await t.app.close();

    // The attacker's copy, taken while connected: the row and master.key.
    const row = await storedRow(dir, integration.id);
    const masterKey = Buffer.from((await readFile(join(dir, "master.key"), "utf8")).trim(), "base64");
    if (!row?.secretCiphertext || !row.secretIv || !row.secretKeyId || !row.secretDataKeyId) {
      throw new Error("the connected row holds no sealed secret");
    }
    const stolen = {
      ciphertext: row.secretCiphertext,
      iv: row.secretIv,
      keyId: row.secretKeyId,
      dataKeyId: row.secretDataKeyId,
    };
    const keyFile = join(dir, "secret-keys", row.secretDataKeyId);
    const wrappedKey = (await readFile(keyFile, "utf8")).trim();
    const vault = createSecretVault(createSecretBox(masterKey), fileDataKeyStore(dir));
    // While connected, the copy opens: the attack is real.
    expect(await vault.open(stolen, integration.id)).toBe(SIM_SEED.healthy.appSecret);

    t = await appOn(dir);
    expect(
      (await t.inject({ method: "DELETE", url: `/api/integrations/${integration.id}` })).statusCode,
    ).toBe(200);
    await t.app.close();

    // After Disconnect the same copy and the same master key open nothing.
    await expect(vault.open(stolen, integration.id)).rejects.toThrow(SecretBoxError);
    expect(() => createSecretBox(masterKey).open(stolen, integration.id)).toThrow(SecretBoxError);
    await expect(stat(keyFile)).rejects.toThrow(/ENOENT/);
    // The data key never went into the database, its WAL or anything else in the directory.
    for (const file of await everyFileUnder(dir)) {
      const bytes = await readFile(file);
      expect(bytes.includes(wrappedKey), file).toBe(false);
      expect(bytes.includes(SIM_SEED.healthy.appSecret), file).toBe(false);
    }
  });

  it("in the database key store (PostgreSQL), deletes the key so the ciphertext cannot be opened", async () => {
    const database = await openDatabase({ dataDir: "memory://" });
    try {
      const store = databaseDataKeyStore(database.db);
      const vault = createSecretVault(createSecretBox(randomBytes(32)), store);
      const sealed = await vault.seal("Abc8Q~a secret worth erasing", "integration-1");
      expect(await vault.open(sealed, "integration-1")).toBe("Abc8Q~a secret worth erasing");
      await vault.shred(sealed.dataKeyId);
      expect(await store.get(sealed.dataKeyId)).toBeNull();
      await expect(vault.open(sealed, "integration-1")).rejects.toThrow(
        /key of this stored secret is missing/,
      );
    } finally {
      await database.close();
    }
  });

  it("replacing a secret erases the old one the same way", async () => {
    const dir = await dataDir();
    const t = await appOn(dir);
    try {
      const integration = await connectHealthy(t);
      const before = new Set(await readdir(join(dir, "secret-keys")));
      expect(before.size).toBe(1);
      const replaced = await t.inject({
        method: "PATCH",
        url: `/api/integrations/${integration.id}`,
        payload: { appSecret: SIM_SEED.healthy.appSecret },
      });
      expect(replaced.statusCode, replaced.body).toBe(200);
      const after = new Set(await readdir(join(dir, "secret-keys")));
      expect(after.size).toBe(1);
      expect([...after].some((k) => before.has(k))).toBe(false);
    } finally {
      await t.app.close();
    }
  });
});

describe("a missing master.key", () => {
  it("stops the start, naming the file and the fix, instead of making a new key over stored secrets", async () => {
    const dir = await dataDir();
    const first = await appOn(dir);
    const integration = await connectHealthy(first);
    await first.app.close();
    await rm(join(dir, "master.key"));

    await expect(appOn(dir)).rejects.toThrow(
      new RegExp(`${join(dir, "master.key")} is missing, but this database holds 1 stored App Secret`),
    );
    // No new key was written, so the next start refuses too instead of running with the wrong key.
    await expect(stat(join(dir, "master.key"))).rejects.toThrow(/ENOENT/);

    // The way out it names: a new key given explicitly; the secret then shows as unreadable, to replace.
    const recovered = await appOn(dir, randomBytes(32).toString("base64"));
    try {
      const checked = await recovered.inject({
        method: "POST",
        url: `/api/integrations/${integration.id}/check`,
      });
      expect(integrationSchema.parse(checked.json()).error?.code).toBe("secret_unreadable");
      expect(recovered.logs.join("\n")).toContain("were encrypted with another master key");
    } finally {
      await recovered.app.close();
    }
  });

  it("is simply created on a first start", async () => {
    const dir = await dataDir();
    const t = await appOn(dir);
    await t.app.close();
    expect((await stat(join(dir, "master.key"))).mode & 0o777).toBe(0o600);
  });
});
