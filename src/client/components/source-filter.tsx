import { FormField, inputClassName } from "./form-field";

/** A partner the records may come from (the catalog's id and name). */
export interface PartnerOption {
  id: string;
  name: string;
}

/** A connection the records may come from, with its partner. */
export interface ConnectionOption {
  id: string;
  name: string;
  partner: string;
}

export interface SourceDraft {
  /** "" for any partner. */
  partner: string;
  /** "" for any connection. */
  integrationId: string;
}

interface SourceFilterProps {
  /** Prefix of the controls' ids, e.g. "alerts". */
  idPrefix: string;
  partners: readonly PartnerOption[];
  connections: readonly ConnectionOption[];
  value: SourceDraft;
  onChange: (value: SourceDraft) => void;
}

/**
 * Where records come from: a Partner select (from the partner catalog) and a Connection select that lists only
 * the chosen partner's connections. Choosing another partner lets go of a connection that is not one of its own,
 * so the two can never ask for nothing by contradicting each other.
 */
export function SourceFilter({ idPrefix, partners, connections, value, onChange }: SourceFilterProps) {
  const offered = value.partner
    ? connections.filter((connection) => connection.partner === value.partner)
    : connections;

  function choosePartner(partner: string) {
    const keeps = connections.some(
      (connection) =>
        connection.id === value.integrationId && (partner === "" || connection.partner === partner),
    );
    onChange({ partner, integrationId: keeps ? value.integrationId : "" });
  }

  return (
    <>
      <FormField id={`${idPrefix}-partner`} label="Partner">
        {(control) => (
          <select
            {...control}
            className={inputClassName}
            value={value.partner}
            onChange={(event) => choosePartner(event.currentTarget.value)}
          >
            <option value="">Any partner</option>
            {partners.map((partner) => (
              <option key={partner.id} value={partner.id}>
                {partner.name}
              </option>
            ))}
            {/* A partner from a shared link this server's catalog does not list still shows as chosen. */}
            {value.partner && !partners.some((partner) => partner.id === value.partner) ? (
              <option value={value.partner}>{value.partner}</option>
            ) : null}
          </select>
        )}
      </FormField>
      <FormField id={`${idPrefix}-connection`} label="Connection">
        {(control) => (
          <select
            {...control}
            className={inputClassName}
            value={value.integrationId}
            onChange={(event) => onChange({ ...value, integrationId: event.currentTarget.value })}
          >
            <option value="">Any connection</option>
            {offered.map((connection) => (
              <option key={connection.id} value={connection.id}>
                {connection.name}
              </option>
            ))}
          </select>
        )}
      </FormField>
    </>
  );
}
