import { mkdir, open, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { secretDataKeys } from "../db/schema";

/**
 * Where the per-secret data keys live (issue 6, finding 4: crypto-shredding). A secret's ciphertext stays in the
 * database, where PostgreSQL keeps old row versions in the heap until vacuum and in the WAL until it is recycled;
 * its data key lives here, and destroying the key on Disconnect makes every copy of the ciphertext unreadable,
 * master key or not.
 *
 * - `files` (the embedded database on disk): one file per key in `DATA_DIR/secret-keys`, outside the database and
 *   its WAL. Destroying overwrites the file with zeros, syncs it and unlinks it.
 * - `database` (PostgreSQL, or the in-memory database of tests): a row per key in `secret_data_keys`, deleted and
 *   the table rewritten (`VACUUM FULL`, which writes a new file and unlinks the old one). The WAL and any backup
 *   taken while the key existed still hold it until they are recycled; see src/README.md.
 */
export interface DataKeyStore {
  readonly kind: "files" | "database";
  put(id: string, wrapped: string): Promise<void>;
  get(id: string): Promise<string | null>;
  destroy(ids: readonly string[]): Promise<void>;
  /** Ids of keys stored before `before` (the sweep of keys no row refers to any more). */
  storedBefore(before: Date): Promise<string[]>;
  /** Is any key stored at all? (A missing master key must not be replaced while keys exist.) */
  any(): Promise<boolean>;
}

const KEY_FILE = /^[0-9a-f-]{36}$/;

function isNotFound(error: unknown): boolean {
  return error instanceof Error && Reflect.get(error, "code") === "ENOENT";
}

export function fileDataKeyStore(dataDir: string): DataKeyStore {
  const dir = join(dataDir, "secret-keys");
  const path = (id: string) => {
    if (!KEY_FILE.test(id)) throw new Error(`not a data key id: ${id}`);
    return join(dir, id);
  };
  async function sync(target: string) {
    const handle = await open(target, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  return {
    kind: "files",
    async put(id, wrapped) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const temporary = `${path(id)}.new`;
      await writeFile(temporary, wrapped, { mode: 0o600, flag: "wx" });
      await sync(temporary);
      await rename(temporary, path(id));
      // The rename is durable only once the directory is synced.
      await sync(dir);
    },
    async get(id) {
      try {
        return (await readFile(path(id), "utf8")).trim();
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async destroy(ids) {
      for (const id of ids) {
        let handle: Awaited<ReturnType<typeof open>>;
        try {
          handle = await open(path(id), "r+");
        } catch (error) {
          if (isNotFound(error)) continue;
          throw error;
        }
        try {
          const { size } = await handle.stat();
          await handle.write(Buffer.alloc(size), 0, size, 0);
          await handle.sync();
        } finally {
          await handle.close();
        }
        // The sweep may destroy the same orphan at the same moment: gone is gone.
        await unlink(path(id)).catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
      }
      if (ids.length > 0) await sync(dir).catch(() => undefined);
    },
    async storedBefore(before) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
      const old: string[] = [];
      for (const name of names.filter((n) => KEY_FILE.test(n))) {
        if ((await stat(join(dir, name))).mtime < before) old.push(name);
      }
      return old;
    },
    async any() {
      try {
        return (await readdir(dir)).some((n) => KEY_FILE.test(n));
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },
  };
}

export function databaseDataKeyStore(db: Database): DataKeyStore {
  return {
    kind: "database",
    async put(id, wrapped) {
      await db.insert(secretDataKeys).values({ id, wrapped, createdAt: new Date() });
    },
    async get(id) {
      const [row] = await db
        .select()
        .from(secretDataKeys)
        .where(inArray(secretDataKeys.id, [id]));
      return row?.wrapped ?? null;
    },
    async destroy(ids) {
      if (ids.length === 0) return;
      await db.delete(secretDataKeys).where(inArray(secretDataKeys.id, [...ids]));
      // Rewrite the (tiny) table into a new file so the deleted row's bytes leave the table's files.
      await db.execute(sql`vacuum full secret_data_keys`);
    },
    async storedBefore(before) {
      const rows = await db
        .select({ id: secretDataKeys.id })
        .from(secretDataKeys)
        .where(lt(secretDataKeys.createdAt, before));
      return rows.map((r) => r.id);
    },
    async any() {
      const [row] = await db.select({ id: secretDataKeys.id }).from(secretDataKeys).limit(1);
      return row !== undefined;
    },
  };
}
