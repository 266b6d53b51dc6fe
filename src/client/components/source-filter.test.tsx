import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { type ConnectionOption, type SourceDraft, SourceFilter } from "./source-filter";

// Two partners, so narrowing can be seen before a second one ships (the component knows partners only as options).
const partners = [
  { id: "defender", name: "Microsoft Defender for Endpoint" },
  { id: "falcon", name: "CrowdStrike Falcon" },
];
const connections: ConnectionOption[] = [
  { id: "c1", name: "Contoso production", partner: "defender" },
  { id: "c2", name: "Fabrikam", partner: "defender" },
  { id: "c3", name: "Northwind EDR", partner: "falcon" },
];

function Harness({ initial }: { initial: SourceDraft }) {
  const [value, setValue] = useState(initial);
  return (
    <form aria-label="Filter">
      <SourceFilter
        idPrefix="t"
        partners={partners}
        connections={connections}
        value={value}
        onChange={setValue}
      />
    </form>
  );
}

const options = (name: string) =>
  Array.from(
    screen.getByRole("combobox", { name }).querySelectorAll("option"),
    (option) => option.textContent,
  );

describe("SourceFilter", () => {
  it("offers every partner, and only the chosen partner's connections", async () => {
    const user = userEvent.setup();
    render(<Harness initial={{ partner: "", integrationId: "" }} />);
    expect(options("Partner")).toEqual([
      "Any partner",
      "Microsoft Defender for Endpoint",
      "CrowdStrike Falcon",
    ]);
    expect(options("Connection")).toEqual([
      "Any connection",
      "Contoso production",
      "Fabrikam",
      "Northwind EDR",
    ]);
    await user.selectOptions(screen.getByRole("combobox", { name: "Partner" }), "CrowdStrike Falcon");
    expect(options("Connection")).toEqual(["Any connection", "Northwind EDR"]);
  });

  it("lets go of a connection that is not the newly chosen partner's, and keeps one that is", async () => {
    const user = userEvent.setup();
    render(<Harness initial={{ partner: "", integrationId: "c2" }} />);
    const partner = screen.getByRole("combobox", { name: "Partner" });
    const connection = screen.getByRole("combobox", { name: "Connection" });
    await user.selectOptions(partner, "Microsoft Defender for Endpoint");
    expect(connection).toHaveValue("c2");
    await user.selectOptions(partner, "CrowdStrike Falcon");
    expect(connection).toHaveValue("");
  });
});
