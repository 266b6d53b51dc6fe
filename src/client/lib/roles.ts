import type { Role } from "../../shared/auth";

export const roleLabel: Record<Role, string> = { admin: "Admin", viewer: "Viewer" };

/** The roles a user with `role` may hand out (to a token): none higher than their own. */
export function rolesUpTo(role: Role): Role[] {
  return role === "admin" ? ["admin", "viewer"] : ["viewer"];
}
