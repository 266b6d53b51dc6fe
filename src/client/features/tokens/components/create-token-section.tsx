import { useState } from "react";
import type { ApiToken, CreateApiToken, Role } from "../../../../shared/auth";
import type { FormOutcome } from "../../../lib/form-outcome";
import { CreateTokenForm } from "./create-token-form";
import { TokenSecretPanel } from "./token-secret-panel";

export type CreateTokenResult =
  | { ok: true; token: ApiToken; secret: string }
  | Exclude<FormOutcome, { ok: true }>;

interface CreateTokenSectionProps {
  maxRole: Role;
  onCreate: (input: CreateApiToken) => Promise<CreateTokenResult>;
}

/**
 * The form, and after a token is created its secret, shown once. The secret lives only in this component's state
 * (never in storage or the query cache) and is gone after "I have copied it" or when the page is left.
 */
export function CreateTokenSection({ maxRole, onCreate }: CreateTokenSectionProps) {
  const [created, setCreated] = useState<{ token: ApiToken; secret: string } | null>(null);

  async function create(input: CreateApiToken): Promise<FormOutcome> {
    const result = await onCreate(input);
    if (!result.ok) return result;
    setCreated({ token: result.token, secret: result.secret });
    return { ok: true };
  }

  if (created) {
    return <TokenSecretPanel token={created.token} secret={created.secret} onDone={() => setCreated(null)} />;
  }
  return <CreateTokenForm maxRole={maxRole} onCreate={create} />;
}
