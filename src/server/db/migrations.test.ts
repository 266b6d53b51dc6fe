import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { toIntegration } from "../modules/integrations/context";
import * as schema from "./schema";

/**
 * Rows written by round 1 keep working after every later migration: the data is migrated, not just the schema.
 * The database is first built with round 1's migrations only, filled the way round 1 filled it, then brought up to
 * date with all of them.
 */

const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));
const journalSchema = z
  .object({ entries: z.array(z.object({ idx: z.number(), tag: z.string() }).passthrough()) })
  .passthrough();

const scratch: string[] = [];
afterEach(async () => {
  await Promise.all(scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A copy of the migrations folder holding only the first `count` migrations. */
async function firstMigrations(count: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "patchbay-migrations-"));
  scratch.push(dir);
  await cp(migrationsFolder, dir, { recursive: true });
  const journal = journalSchema.parse(JSON.parse(await readFile(join(dir, "meta/_journal.json"), "utf8")));
  await mkdir(join(dir, "meta"), { recursive: true });
  await writeFile(
    join(dir, "meta/_journal.json"),
    JSON.stringify({ ...journal, entries: journal.entries.slice(0, count) }),
  );
  return dir;
}

describe("migrations", () => {
  it("carry a round-1 connection over: identity key, permissions with their API, default features", async () => {
    const client = await PGlite.create({});
    try {
      const db = drizzle(client, { schema });
      await migrate(db, { migrationsFolder: await firstMigrations(3) });
      const permissions = {
        required: ["Machine.Read.All", "Alert.Read.All"],
        granted: ["Machine.Read.All"],
        missing: ["Alert.Read.All"],
      };
      const report = {
        ok: true,
        status: "degraded",
        checkedAt: "2026-11-01T10:00:00.000Z",
        durationMs: 5,
        cloud: "commercial",
        steps: [{ id: "input", label: "Check the values", status: "ok", message: "ok", durationMs: 0 }],
        permissions,
        warnings: [],
      };
      await client.query(
        `insert into integrations (id, partner, name, status, config, permissions, last_report, created_at, updated_at)
         values ($1, 'defender', 'Round 1', 'degraded', $2, $3, $4, now(), now())`,
        [
          "6f1c2b1e-2f7d-4c59-9b1a-0c7e5d1e9a10",
          JSON.stringify({
            baseUrl: "https://api.security.microsoft.com",
            tenantId: "B081026B-F59B-4E0C-827F-14093FF9674E",
            appId: "dc4d0d7b-5a35-4760-a173-77fc48ed4ed7",
            cloud: "commercial",
          }),
          JSON.stringify(permissions),
          JSON.stringify(report),
        ],
      );

      await migrate(db, { migrationsFolder });
      const [row] = await db.select().from(schema.integrations);
      if (!row) throw new Error("the row is gone");
      expect(row.identityKey).toBe(
        "b081026b-f59b-4e0c-827f-14093ff9674e|dc4d0d7b-5a35-4760-a173-77fc48ed4ed7",
      );
      const integration = toIntegration(row);
      const refs = (...names: string[]) => names.map((name) => ({ name, api: "WindowsDefenderATP" }));
      expect(integration.permissions).toEqual({
        required: refs("Machine.Read.All", "Alert.Read.All"),
        granted: refs("Machine.Read.All"),
        missing: refs("Alert.Read.All"),
        unused: [],
      });
      expect(integration.lastReport?.permissions.missing).toEqual(refs("Alert.Read.All"));
      expect(integration.config.features).toEqual(["alerts", "devices"]);
      expect(integration.secret).toMatchObject({ expiresAt: null, expirySource: null });
    } finally {
      await client.close();
    }
  });
});
