import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import type { Integration } from "../../../shared/contract";
import { buttonClass } from "../../components/button";
import { TextField } from "../../components/form-field";
import { Loading } from "../../components/loading";
import { QueryError } from "../../components/query-error";
import { useToast } from "../../components/toaster";
import hiddenStyles from "../../components/visually-hidden.module.css";
import { useDisconnectIntegration } from "../../features/integrations/api/mutations";
import {
  integrationListQuery,
  partnersQuery,
  syncFreshnessQuery,
} from "../../features/integrations/api/queries";
import { describeSearch, searchCatalog } from "../../features/integrations/catalog-search";
import { PartnerCard } from "../../features/integrations/components/partner-card";
import { useCapabilities } from "../../features/session/session";
import { useSettled } from "../../lib/use-settled";
import styles from "./page.module.css";

/**
 * The search box's text, kept in the URL (`?q=`), replacing the entry as one types so Back leaves the page. The
 * input owns the text while typing: the URL follows it a moment later, so a URL change this page wrote is not read
 * back (fast typing would lose letters); any other change (Back, a link) replaces the text.
 */
function useSearchText() {
  const [searchParams, setSearchParams] = useSearchParams();
  const inUrl = searchParams.get("q") ?? "";
  const [text, setText] = useState(inUrl);
  const written = useRef<string[]>([]);
  useEffect(() => {
    const at = written.current.indexOf(inUrl);
    if (at !== -1) {
      written.current.splice(0, at + 1);
      return;
    }
    written.current = [];
    setText(inUrl);
  }, [inUrl]);
  function change(next: string) {
    setText(next);
    written.current.push(next);
    setSearchParams(
      (current) => {
        const params = new URLSearchParams(current);
        if (next === "") params.delete("q");
        else params.set("q", next);
        return params;
      },
      { replace: true },
    );
  }
  return [text, change] as const;
}

export function IntegrationsPage() {
  const partners = useQuery(partnersQuery());
  const integrations = useQuery(integrationListQuery());
  // One request for every card's "last received"; the cards show none while it loads or if it fails.
  const freshness = useQuery(syncFreshnessQuery());
  const disconnect = useDisconnectIntegration();
  const notify = useToast();
  const { readOnlyReason } = useCapabilities();
  const [query, setQuery] = useSearchText();
  const searchInput = useRef<HTMLInputElement>(null);

  const search =
    partners.data && integrations.data ? searchCatalog(partners.data, integrations.data, query) : undefined;
  const announced = useSettled(search ? describeSearch(search, query) : "");

  async function disconnectIntegration(integration: Integration) {
    await disconnect.mutateAsync(integration.id);
    notify({ tone: "success", title: "Disconnected", description: `${integration.name} is disconnected.` });
  }

  function clearSearch() {
    setQuery("");
    searchInput.current?.focus();
  }

  function content() {
    if (partners.isPending || integrations.isPending) return <Loading what="integrations" />;
    if (partners.isError) {
      return (
        <QueryError what="the partner catalog" error={partners.error} onRetry={() => partners.refetch()} />
      );
    }
    if (integrations.isError) {
      return (
        <QueryError
          what="your integrations"
          error={integrations.error}
          onRetry={() => integrations.refetch()}
        />
      );
    }
    if (!search || search.count === 0) {
      return (
        <div className={styles.empty}>
          <p>No partner matches “{query.trim()}”.</p>
          <p className={styles.muted}>
            The search looks in partner names, vendors, categories and descriptions, and in the names of your
            connections.
          </p>
          <button type="button" className={buttonClass()} onClick={clearSearch}>
            Clear search
          </button>
        </div>
      );
    }
    return search.groups.map((group, index) => (
      <section key={group.category} className={styles.group} aria-labelledby={`category-${index}`}>
        <h2 id={`category-${index}`}>{group.category}</h2>
        <div className={styles.cards}>
          {group.partners.map((match) => (
            <PartnerCard
              key={match.partner.id}
              partner={match.partner}
              integrations={[...match.active, ...match.history]}
              hiddenConnections={match.hidden}
              freshness={freshness.data}
              onDisconnect={disconnectIntegration}
              readOnlyReason={readOnlyReason}
            />
          ))}
        </div>
      </section>
    ));
  }

  return (
    <div className={styles.page}>
      <title>Integrations · Patchbay</title>
      <div className={styles.intro}>
        <h1>Integrations</h1>
        <p className={styles.muted}>
          Connect the security products you use. Patchbay verifies every connection with the product before
          storing it, and shows its status and when its data last arrived here.
        </p>
      </div>
      {/* biome-ignore lint/a11y/noRedundantRoles: screen readers and DOM tools older than <search> (2023) need the role. */}
      <search role="search" aria-label="Integrations" className={styles.search}>
        <TextField
          ref={searchInput}
          id="integrations-search"
          label="Search integrations"
          help="Partner, vendor or connection name, e.g. Microsoft or Contoso."
          type="search"
          autoComplete="off"
          maxLength={200}
          value={query}
          onChange={(event) => setQuery(event.currentTarget.value)}
        />
        {/* With no match the page says so below, in the same words: then this is for screen readers only. */}
        <p role="status" className={search?.count === 0 ? hiddenStyles.hidden : styles.muted}>
          {announced}
        </p>
      </search>
      {content()}
    </div>
  );
}
