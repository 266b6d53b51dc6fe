import { useQuery } from "@tanstack/react-query";
import { type Role, roleCapabilities, type Session } from "../../../shared/auth";
import { roleLabel } from "../../lib/roles";
import { sessionQuery } from "./api/queries";

export const DEFAULT_PATH = "/integrations";

/**
 * Where to go after signing in: only a path inside Patchbay (never another origin, never back to the sign-in or
 * setup page); anything else goes to Integrations.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith("/")) return DEFAULT_PATH;
  // Resolve it the way the browser would (tabs and newlines are stripped, backslashes become slashes) and keep it
  // only if it stays on this origin.
  const base = "https://patchbay.invalid";
  let resolved: URL;
  try {
    resolved = new URL(next, base);
  } catch {
    return DEFAULT_PATH;
  }
  if (resolved.origin !== base) return DEFAULT_PATH;
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  if (/^\/(sign-in|setup)(?=$|[/?#])/.test(path)) return DEFAULT_PATH;
  return path;
}

/** `/sign-in?next=…`, coming back to `path` (pathname + search) afterwards. */
export function signInPath(path: string): string {
  const next = safeNextPath(path);
  return next === DEFAULT_PATH ? "/sign-in" : `/sign-in?${new URLSearchParams({ next }).toString()}`;
}

/** Why `role` cannot make a change, or undefined when it can. */
export function restrictionFor(role: Role): string | undefined {
  if (roleCapabilities[role].manage) return undefined;
  return `${roleLabel[role]}s can't make changes. Ask an admin.`;
}

/** The signed-in session; `null` once it is gone (the layout then sends the user to sign in). */
export function useSession(): Session | null {
  return useQuery(sessionQuery()).data ?? null;
}

export interface Capabilities {
  canManage: boolean;
  /** Shown beside what the user cannot do; undefined when they can do everything. */
  readOnlyReason: string | undefined;
}

export function useCapabilities(): Capabilities {
  const session = useSession();
  const readOnlyReason = session ? restrictionFor(session.user.role) : "Sign in to make changes.";
  return { canManage: readOnlyReason === undefined, readOnlyReason };
}
