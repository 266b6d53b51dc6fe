import { z } from "zod";

/** The one reader of `process.env` (DESIGN §8). A bad value stops the process with a message naming it. */

const hostList = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== ""),
  )
  .pipe(
    z.array(
      z
        .string()
        .regex(/^[a-z0-9.-]+(:\d{1,5})?$/, "each entry must be host or host:port, e.g. localhost:9443"),
    ),
  );

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection string")
    .optional(),
  PATCHBAY_MASTER_KEY: z
    .string()
    .refine(
      (v) => Buffer.from(v, "base64").length === 32,
      "must be 32 bytes, base64-encoded (openssl rand -base64 32)",
    )
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PATCHBAY_EXTRA_DEFENDER_HOSTS: hostList,
  /** SentinelOne consoles outside .sentinelone.net (on-premises, FedRAMP, a test stand-in): host or host:port. */
  PATCHBAY_EXTRA_SENTINELONE_HOSTS: hostList,
  PATCHBAY_ENTRA_AUTHORITY: z
    .url({ protocol: /^https$/, error: "must be an https:// URL (msal-node refuses other schemes)" })
    .transform((v) => v.replace(/\/+$/, ""))
    .optional(),
  /** Operator-only seams like PATCHBAY_ENTRA_AUTHORITY: where Graph and the incidents API are reached. */
  PATCHBAY_GRAPH_ORIGIN: z
    .url({ protocol: /^https$/, error: "must be an https:// URL" })
    .transform((v) => v.replace(/\/+$/, ""))
    .optional(),
  PATCHBAY_SECURITY_API_ORIGIN: z
    .url({ protocol: /^https$/, error: "must be an https:// URL" })
    .transform((v) => v.replace(/\/+$/, ""))
    .optional(),
  /**
   * Operator-only seam: where each Falcon cloud's API is reached instead of CrowdStrike's hosts, as
   * `us-1=https://host:port,us-2=https://…` (the simulator; a test harness). Unlisted clouds keep their real host.
   */
  PATCHBAY_FALCON_ORIGINS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const origins: Record<string, string> = {};
      for (const entry of (value ?? "")
        .split(",")
        .map((e) => e.trim())
        .filter((e) => e !== "")) {
        const [cloud, origin] = entry.split("=", 2).map((part) => part.trim());
        const url = z.url({ protocol: /^https$/ }).safeParse(origin);
        if (!cloud || !url.success) {
          ctx.addIssue({
            code: "custom",
            message: "must be a list of cloud=https://host:port, e.g. us-1=https://127.0.0.1:9444",
          });
          return z.NEVER;
        }
        origins[cloud] = new URL(url.data).origin;
      }
      return origins;
    }),
  /** When set, `/metrics` answers only `Authorization: Bearer <this>` (a Prometheus scrape's bearer_token). */
  PATCHBAY_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** A connection turns degraded this many days before its secret expires. */
  PATCHBAY_SECRET_WARN_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  PATCHBAY_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Minutes between scheduled re-checks of each connection; 0 turns the scheduler off. */
  PATCHBAY_RECHECK_MINUTES: z.coerce.number().min(0).max(10_080).default(60),
  /** Whether this instance runs sync jobs (any number of instances may; each page runs once). */
  PATCHBAY_SYNC: z.enum(["on", "off"]).default("on"),
  /** `$top` of a sync page: 10,000 is the Defender API's maximum. */
  PATCHBAY_SYNC_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(10_000),
  /**
   * Seconds a sync run holds a stream between pages: after a crash, its streams resume once this has passed. It must
   * outlast a page (a sync call waits at most half of it for rate budget).
   */
  PATCHBAY_SYNC_LEASE_SECONDS: z.coerce.number().int().min(10).max(3_600).default(120),
  /** Minutes between passes of event sources (alerts, incidents). */
  PATCHBAY_SYNC_EVENTS_MINUTES: z.coerce.number().int().min(1).max(1_440).default(5),
  /** Minutes between passes of inventories (devices, vulnerabilities, software). */
  PATCHBAY_SYNC_INVENTORY_MINUTES: z.coerce.number().int().min(1).max(10_080).default(360),
  /** Synced alerts and incidents older than this many days are deleted. */
  PATCHBAY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(90),
  PATCHBAY_ADMIN_EMAIL: z.email({ error: "must be an email address" }).optional(),
  PATCHBAY_ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").max(256).optional(),
  PATCHBAY_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  PATCHBAY_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  /**
   * Addresses (or CIDR ranges) of the reverse proxies whose X-Forwarded-* headers are believed, comma-separated.
   * Only those: trusting any sender would let a client choose the address the audit trail and throttling see.
   */
  PATCHBAY_TRUST_PROXY: z
    .string()
    .regex(
      /^[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*$/,
      "must be proxy addresses or CIDR ranges, e.g. 10.0.0.5,10.1.0.0/16",
    )
    .optional(),
  /** The origin browsers use to reach Patchbay (https://patchbay.example.com); cross-site checks compare with it. */
  PATCHBAY_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://patchbay.example.com" })
    .transform((v) => new URL(v).origin)
    .optional(),
  PATCHBAY_VERIFY_DEADLINE_MS: z.coerce.number().int().min(500).max(300_000).default(30_000),
  /**
   * A client must send a whole request (headers and body) within this; otherwise it gets a 408 and the connection
   * is closed. Bounds what a client that drips its body slowly can hold.
   */
  PATCHBAY_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).default(30_000),
});

export type Env = z.output<typeof envSchema>;

const withAdminPair = envSchema
  .refine((env) => (env.PATCHBAY_ADMIN_EMAIL === undefined) === (env.PATCHBAY_ADMIN_PASSWORD === undefined), {
    message: "set both PATCHBAY_ADMIN_EMAIL and PATCHBAY_ADMIN_PASSWORD, or neither",
    path: ["PATCHBAY_ADMIN_EMAIL"],
  })
  // Instances sharing a PostgreSQL must share the key that seals secrets; a master.key made per instance would
  // leave each unable to open what the others stored.
  .refine((env) => env.DATABASE_URL === undefined || env.PATCHBAY_MASTER_KEY !== undefined, {
    message:
      "is required with DATABASE_URL, so every instance seals and opens secrets with the same key (openssl rand -base64 32)",
    path: ["PATCHBAY_MASTER_KEY"],
  });

export class EnvError extends Error {
  override name = "EnvError";
}

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // An empty value means "not set" (a `PORT=` line must not become port 0).
  const present = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ""),
  );
  const result = withAdminPair.safeParse(present);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
  throw new EnvError(`Patchbay cannot start: invalid configuration.\n${lines.join("\n")}`);
}
