import { describe, expect, it } from "vitest";
import { partnerCatalog } from "../../../shared/partners/registry";
import { describeSearch, searchCatalog } from "./catalog-search";

const [defender] = partnerCatalog();
if (!defender) throw new Error("The catalog has no Defender entry.");

/** Other partners' entries, as the search reads them (only the fields every catalog entry has). */
const entry = (id: string, name: string, vendor: string, description: string, category = "EDR") => ({
  id,
  name,
  vendor,
  description,
  category,
});
const falcon = entry(
  "falcon",
  "CrowdStrike Falcon",
  "CrowdStrike",
  "Detections and hosts from the Falcon platform.",
);
const sentinel = entry(
  "sentinelone",
  "SentinelOne Singularity",
  "SentinelOne",
  "Threats and agents from the Singularity console.",
);
const siem = entry("splunk", "Splunk", "Cisco", "Searches over your logs.", "SIEM");

const contoso = { partner: "defender", name: "Contoso production", status: "connected" };
const fabrikam = { partner: "defender", name: "Fabrikam EU", status: "degraded" };
const oldOne = { partner: "defender", name: "Contoso lab", status: "disconnected" };

const names = (search: { groups: { category: string; partners: { partner: { name: string } }[] }[] }) =>
  search.groups.map((g) => [g.category, g.partners.map((p) => p.partner.name)]);

describe("searchCatalog", () => {
  it("groups every partner by category in the catalog's order when there is no query", () => {
    const search = searchCatalog([defender, siem, falcon], [contoso, fabrikam, oldOne], " ");
    expect(names(search)).toEqual([
      ["EDR", ["Microsoft Defender for Endpoint", "CrowdStrike Falcon"]],
      ["SIEM", ["Splunk"]],
    ]);
    const [first] = search.groups[0]?.partners ?? [];
    expect(first?.active.map((i) => i.name)).toEqual(["Contoso production", "Fabrikam EU"]);
    expect(first?.history.map((i) => i.name)).toEqual(["Contoso lab"]);
    expect(first?.hidden).toBe(0);
    expect(search).toMatchObject({ count: 3, total: 3 });
  });

  it("matches name, vendor, category and description, in any case and without accents", () => {
    const partners = [defender, falcon, sentinel, siem];
    expect(names(searchCatalog(partners, [], "crowdSTRIKE"))).toEqual([["EDR", ["CrowdStrike Falcon"]]]);
    expect(names(searchCatalog(partners, [], "cisco"))).toEqual([["SIEM", ["Splunk"]]]);
    expect(names(searchCatalog(partners, [], "singularity console"))).toEqual([
      ["EDR", ["SentinelOne Singularity"]],
    ]);
    expect(searchCatalog(partners, [], "edr").count).toBe(3);
    expect(names(searchCatalog(partners, [], "Micrôsoft"))).toEqual([
      ["EDR", ["Microsoft Defender for Endpoint"]],
    ]);
  });

  it("finds a connection by name, showing only the matching connections and how many it left out", () => {
    const search = searchCatalog([defender, falcon], [contoso, fabrikam, oldOne], "contoso");
    expect(names(search)).toEqual([["EDR", ["Microsoft Defender for Endpoint"]]]);
    const [match] = search.groups[0]?.partners ?? [];
    expect(match?.active.map((i) => i.name)).toEqual(["Contoso production"]);
    expect(match?.history.map((i) => i.name)).toEqual(["Contoso lab"]);
    expect(match?.hidden).toBe(1);
    // Words may fall on the partner and the connection.
    const both = searchCatalog([defender, falcon], [contoso, fabrikam], "microsoft fabrikam");
    expect(both.groups[0]?.partners[0]?.active.map((i) => i.name)).toEqual(["Fabrikam EU"]);
  });

  it("says how many partners match, or that none does", () => {
    const partners = [defender, falcon];
    expect(describeSearch(searchCatalog(partners, [], ""), "")).toBe("2 partners.");
    expect(describeSearch(searchCatalog(partners, [], "falcon"), "falcon")).toBe(
      "1 partner matches “falcon”.",
    );
    expect(describeSearch(searchCatalog(partners, [], "edr"), " edr ")).toBe("2 partners match “edr”.");
    expect(describeSearch(searchCatalog(partners, [], "acme"), "acme")).toBe("No partner matches “acme”.");
  });
});
