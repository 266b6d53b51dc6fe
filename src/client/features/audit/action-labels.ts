import type { AuditAction } from "../../../shared/auth";

/** Words for each audited action; a new action in the contract fails type-checking until it has a label here. */
export const actionLabel: Record<AuditAction, string> = {
  "session.sign_in": "Signed in",
  "session.sign_in_failed": "Sign-in failed",
  "session.sign_in_throttled": "Sign-in refused (too many failures)",
  "session.sign_out": "Signed out",
  "setup.admin_created": "First admin created",
  "integration.test": "Connection tested",
  "integration.connect": "Integration connected",
  "integration.connect_failed": "Connect failed",
  "integration.update": "Integration updated",
  "integration.secret_replace": "Secret replaced",
  "integration.secret_expiring": "Secret expiry warning",
  "integration.check": "Integration re-checked",
  "integration.disconnect": "Integration disconnected",
  "integration.data_erase": "Synced data erased",
  "user.create": "User added",
  "user.update": "User changed",
  "user.deactivate": "User deactivated",
  "user.password_reset": "Password reset",
  "token.create": "API token created",
  "token.revoke": "API token revoked",
};
