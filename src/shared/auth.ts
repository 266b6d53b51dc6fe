import { z } from "zod";

/**
 * Users, sessions, API tokens and the audit trail: the HTTP contract of sign-in and access control (issue 3).
 * Server responses and client/CLI parsing share these schemas.
 */

export const roles = ["admin", "viewer"] as const;
export const roleSchema = z.enum(roles, { error: "role must be “admin” or “viewer”." });
export type Role = z.infer<typeof roleSchema>;

/** What each role may do; the server enforces it on every route, the UI uses it to hide or disable. */
export const roleCapabilities: Record<Role, { manage: boolean; description: string }> = {
  admin: {
    manage: true,
    description:
      "Connects, tests, replaces secrets, re-checks and disconnects; manages users and API tokens.",
  },
  viewer: {
    manage: false,
    description: "Sees integrations, statuses, events and the audit log; changes nothing.",
  },
};

/** PostgreSQL text cannot hold U+0000; refusing it here keeps such input a 400, never a database error. */
export const noNul = (value: string) => !value.includes("\u0000");
const NUL_MESSAGE = "must not contain a NUL character";

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export const emailSchema = z
  .string({ error: "Email is required." })
  .trim()
  .toLowerCase()
  .min(1, "Email is required.")
  .max(254, "Email must be at most 254 characters.")
  .pipe(z.email({ error: "Enter an email address like name@example.com." }));

export const passwordSchema = z
  .string({ error: "Password is required." })
  .min(MIN_PASSWORD_LENGTH, `Password must be at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(MAX_PASSWORD_LENGTH, `Password must be at most ${MAX_PASSWORD_LENGTH} characters.`);

/**
 * Characters a name must not contain: control characters (NUL, line breaks, U+2028/U+2029 separators) and the
 * bidirectional overrides, embeddings, isolates and marks that reorder text on screen. A name is shown beside the
 * actions of its owner; these would let it pass for someone else's (issue 6, finding 8).
 */
const DISGUISING_RANGES: readonly (readonly [number, number])[] = [
  [0x00, 0x1f], // C0 controls, line breaks included
  [0x7f, 0x9f], // DEL and C1 controls (U+0085 is a line break too)
  [0x061c, 0x061c], // Arabic letter mark
  [0x200e, 0x200f], // left-to-right and right-to-left marks
  [0x2028, 0x2029], // line and paragraph separators
  [0x202a, 0x202e], // bidi embeddings and overrides
  [0x2066, 0x2069], // bidi isolates
];
export const isPlainName = (value: string) =>
  ![...value].some((char) => {
    const code = char.codePointAt(0) ?? 0;
    return DISGUISING_RANGES.some(([from, to]) => code >= from && code <= to);
  });

/** A name people choose (a user's display name, a token's name): plain text, no markup-like brackets. */
function nameSchema(label: string, example: string) {
  return z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, `${label} is required${example}.`)
    .max(100, `${label} must be at most 100 characters.`)
    .refine(
      isPlainName,
      `${label} must not contain control, line-separator or text-direction characters; type it as plain text.`,
    )
    .refine(
      (value) => !/[<>]/.test(value),
      `${label} must not contain < or >: Patchbay shows the email next to the name itself.`,
    );
}

export const displayNameSchema = nameSchema("Display name", "");

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  role: roleSchema,
  active: z.boolean(),
  createdAt: z.iso.datetime(),
  lastSignInAt: z.iso.datetime().nullable(),
});
export type User = z.infer<typeof userSchema>;

// --- session ---------------------------------------------------------------------------------------------------

/** POST /api/session */
export const signInSchema = z.object({
  email: emailSchema,
  // Not the policy schema: an old password that predates the policy must still sign in.
  password: z
    .string({ error: "Password is required." })
    .min(1, "Password is required.")
    .max(MAX_PASSWORD_LENGTH),
});
export type SignIn = z.infer<typeof signInSchema>;

/**
 * 200 of POST /api/session and GET /api/session. Send `csrfToken` as `x-csrf-token` on every mutating request.
 * For a request made with an API token, `user.role` is the token's effective role, `csrfToken` is empty (tokens
 * need none) and `expiresAt` is the token's expiry (null: none).
 */
export const sessionSchema = z.object({
  user: userSchema,
  csrfToken: z.string(),
  expiresAt: z.iso.datetime().nullable(),
});
export type Session = z.infer<typeof sessionSchema>;

/**
 * `GET /api/session/current`: the browser's probe, answered 200 either way (null when nobody is signed in), so a
 * signed-out visitor's console stays clean. `GET /api/session` keeps answering 401 to a caller without a session.
 */
export const currentSessionSchema = z.object({ session: sessionSchema.nullable() });

export const CSRF_HEADER = "x-csrf-token";
export const SESSION_COOKIE = "patchbay_session";

/** GET /api/setup: is the one-time setup of the first admin still open? */
export const setupStatusSchema = z.object({ needed: z.boolean() });

/** POST /api/setup: create the first admin with the one-time token from the setup link; signs in. */
export const setupSchema = z.object({
  token: z
    .string({ error: "The setup link is incomplete; open the link the server printed." })
    .min(1)
    .max(200),
  email: emailSchema,
  displayName: displayNameSchema,
  password: passwordSchema,
});
export type Setup = z.infer<typeof setupSchema>;

// --- users -----------------------------------------------------------------------------------------------------

export const userListSchema = z.object({ users: z.array(userSchema) });

/** POST /api/users (admin): create a user with an initial password to hand over. */
export const createUserSchema = z.object({
  email: emailSchema,
  displayName: displayNameSchema,
  role: roleSchema,
  password: passwordSchema,
});
export type CreateUser = z.infer<typeof createUserSchema>;

/** PATCH /api/users/:id (admin). Deactivating revokes the user's sessions and API tokens at once. */
export const updateUserSchema = z
  .object({
    displayName: displayNameSchema.optional(),
    role: roleSchema.optional(),
    active: z.boolean().optional(),
  })
  .refine((v) => v.displayName !== undefined || v.role !== undefined || v.active !== undefined, {
    message: "Nothing to change: send displayName, role or active.",
  });
export type UpdateUser = z.infer<typeof updateUserSchema>;

/** POST /api/users/:id/password (admin): set a new password; the user's sessions are revoked. */
export const resetPasswordSchema = z.object({ password: passwordSchema });

// --- API tokens ------------------------------------------------------------------------------------------------

export const API_TOKEN_PREFIX = "pbt_";

export const apiTokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  role: roleSchema,
  owner: z.object({ id: z.uuid(), email: z.string(), displayName: z.string() }),
  /** The first characters of the token, to recognise it; never enough to use it. */
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;
export const apiTokenListSchema = z.object({ tokens: z.array(apiTokenSchema) });

/** POST /api/tokens: a token for automation, scoped to a role no higher than its owner's. */
export const createApiTokenSchema = z.object({
  name: nameSchema("Name", ", e.g. “SIEM sync”"),
  role: roleSchema,
  expiresInDays: z
    .number({ error: "expiresInDays must be a number of days." })
    .int("expiresInDays must be a whole number.")
    .min(1, "A token must live at least 1 day.")
    .max(3650, "A token may live at most 3650 days.")
    .nullable()
    .optional(),
});
export type CreateApiToken = z.infer<typeof createApiTokenSchema>;

/** 201 of POST /api/tokens: `secret` is shown this once and never again. */
export const createdApiTokenSchema = z.object({ token: apiTokenSchema, secret: z.string() });

// --- audit trail -----------------------------------------------------------------------------------------------

export const auditActions = [
  "session.sign_in",
  "session.sign_in_failed",
  "session.sign_in_throttled",
  "session.sign_out",
  "setup.admin_created",
  "integration.test",
  "integration.connect",
  "integration.connect_failed",
  "integration.update",
  "integration.secret_replace",
  "integration.check",
  "integration.secret_expiring",
  "integration.disconnect",
  "integration.data_erase",
  "user.create",
  "user.update",
  "user.deactivate",
  "user.password_reset",
  "token.create",
  "token.revoke",
] as const;
export const auditActionSchema = z.enum(auditActions);
export type AuditAction = z.infer<typeof auditActionSchema>;

export const auditActorSchema = z.object({
  type: z.enum(["user", "token", "anonymous", "system"]),
  id: z.string().nullable(),
  /** e.g. "Ada Admin <ada@example.com>", "token “SIEM sync” of Ada Admin <ada@example.com>", "scheduler". */
  name: z.string(),
  /**
   * The email of the signed-in user (a token's owner) as Patchbay knows it; null for anonymous and system actors.
   * Show it apart from `name`, whose display-name part a user chooses.
   */
  email: z.string().nullable().default(null),
});
export type AuditActor = z.infer<typeof auditActorSchema>;

export const auditEventSchema = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  action: auditActionSchema,
  outcome: z.enum(["success", "failure"]),
  actor: auditActorSchema,
  target: z
    .object({ type: z.enum(["integration", "user", "token", "session"]), id: z.string().nullable() })
    .nullable(),
  integrationId: z.string().nullable(),
  sourceIp: z.string().nullable(),
  userAgent: z.string().nullable(),
  message: z.string(),
  /** Non-secret fields before and after the change. */
  changes: z
    .object({ before: z.record(z.string(), z.unknown()), after: z.record(z.string(), z.unknown()) })
    .nullable(),
  /** How many times this event happened (refused sign-ins are counted on one entry per window). */
  occurrences: z.number().int().min(1).default(1),
  /** When the last of those occurrences happened; null when there was only one. */
  lastAt: z.iso.datetime().nullable().default(null),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

/**
 * The instants Patchbay accepts as input: ISO 8601 in UTC, from 1970 to 9999. PostgreSQL refuses year 0 and
 * JavaScript dates end in 275760, so a bound here keeps every date input a 400 with a message, never a 500.
 */
export const EARLIEST_INPUT_DATE = "1970-01-01T00:00:00Z";
export const LATEST_INPUT_DATE = "9999-12-31T23:59:59Z";
export function boundedDateTime(field: string, example: string) {
  return z.iso
    .datetime({ error: `${field} must be an ISO 8601 date-time in UTC, e.g. ${example}.` })
    .refine((value) => {
      const ms = Date.parse(value);
      return (
        Number.isFinite(ms) && ms >= Date.parse(EARLIEST_INPUT_DATE) && ms <= Date.parse(LATEST_INPUT_DATE)
      );
    }, `${field} must be between 1970-01-01 and 9999-12-31.`);
}

/** GET /api/audit query: filters and an opaque cursor from the previous page's `nextCursor`. */
export const auditQuerySchema = z
  .object({
    actor: z.string().trim().max(200).refine(noNul, `actor ${NUL_MESSAGE}.`).optional(),
    action: auditActionSchema.optional(),
    integrationId: z.uuid({ error: "integrationId must be an integration's id." }).optional(),
    from: boundedDateTime("from", "2026-11-01T00:00:00Z").optional(),
    to: boundedDateTime("to", "2026-11-30T23:59:59Z").optional(),
    cursor: z
      .string()
      .max(100, "cursor is not one Patchbay issued; start again without it.")
      .regex(/^[A-Za-z0-9_-]+$/, "cursor is not one Patchbay issued; start again without it.")
      .optional(),
    limit: z.coerce
      .number({ error: "limit must be a number from 1 to 200." })
      .int("limit must be a whole number from 1 to 200.")
      .min(1, "limit must be a number from 1 to 200.")
      .max(200, "limit must be a number from 1 to 200.")
      .default(50),
  })
  .refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) <= Date.parse(q.to), {
    message: "from must not be later than to.",
    path: ["from"],
  });
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditPageSchema = z.object({
  events: z.array(auditEventSchema),
  /** Pass as `cursor` to get the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;
