import type { Database } from "../../db/client";
import { createSessions, type SessionOptions } from "./sessions";
import { createSetup } from "./setup";
import { createTokens } from "./tokens";
import { createUsers } from "./users";

/**
 * Users, sessions, API tokens and the one-time setup of the first admin, as the one service the routes and the
 * guard use. Each part lives in its own file: sessions.ts (sign-in and its throttle, sessions, CSRF, sign-out,
 * pruning), tokens.ts, users.ts, setup.ts; common.ts holds what they share.
 */

export { actorOf, type Principal, type RequestMeta, toUser } from "./common";

export type AuthOptions = SessionOptions;

export function createAuthService(db: Database, options: AuthOptions) {
  // Opening a session is how sign-in and setup end; it is not part of the service's public surface.
  const { startSession, ...sessions } = createSessions(db, options);
  return {
    ...sessions,
    ...createSetup(db, startSession),
    ...createTokens(db),
    ...createUsers(db),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
