import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { StatusBadge } from "./status-badge";

describe("StatusBadge", () => {
  it.each([
    ["connected", "Connected"],
    ["degraded", "Degraded"],
    ["error", "Error"],
    ["disconnected", "Disconnected"],
    ["checking", "Checking"],
  ] as const)("shows %s as an icon and the word %s", (status, word) => {
    const { container } = render(<StatusBadge status={status} />);
    expect(screen.getByText(word)).toBeInTheDocument();
    const icon = container.querySelector("svg");
    expect(icon).toHaveAttribute("aria-hidden", "true");
  });
});
