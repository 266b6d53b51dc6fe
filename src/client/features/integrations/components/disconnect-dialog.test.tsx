import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { partnerCatalog } from "../../../../shared/partners/registry";
import { ApiRequestError } from "../../../lib/api-client";
import { DisconnectDialog } from "./disconnect-dialog";

const [defender] = partnerCatalog();

describe("DisconnectDialog", () => {
  it("names what it destroys and what it keeps", async () => {
    const user = userEvent.setup();
    render(
      <DisconnectDialog partner={defender} integrationName="Contoso" onConfirm={vi.fn(async () => {})} />,
    );
    await user.click(screen.getByRole("button", { name: "Disconnect" }));
    const dialog = screen.getByRole("alertdialog", { name: "Disconnect Contoso?" });
    expect(dialog).toHaveAccessibleDescription(
      "Patchbay erases the stored App Secret for good (it destroys the secret's own encryption key, so no copy in the database, its log files or backups can be read again) and stops checking this connection. Its settings and history stay. The secret itself still works in Microsoft Entra ID: delete it there under App registrations → Certificates & secrets.",
    );
  });

  it("does nothing on Cancel and returns focus to the trigger", async () => {
    const user = userEvent.setup();
    const onConfirm = vi.fn(async () => {});
    render(<DisconnectDialog partner={defender} integrationName="Contoso" onConfirm={onConfirm} />);
    const trigger = screen.getByRole("button", { name: "Disconnect" });
    await user.click(trigger);
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(onConfirm).not.toHaveBeenCalled();
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(trigger).toHaveFocus();
  });

  it("closes on Escape without disconnecting", async () => {
    const user = userEvent.setup();
    const onConfirm = vi.fn(async () => {});
    render(<DisconnectDialog partner={defender} integrationName="Contoso" onConfirm={onConfirm} />);
    await user.click(screen.getByRole("button", { name: "Disconnect" }));
    await user.keyboard("{Escape}");
    expect(onConfirm).not.toHaveBeenCalled();
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  });

  it("disconnects only on confirm, then closes", async () => {
    const user = userEvent.setup();
    const onConfirm = vi.fn(async () => {});
    render(<DisconnectDialog partner={defender} integrationName="Contoso" onConfirm={onConfirm} />);
    await user.click(screen.getByRole("button", { name: "Disconnect" }));
    await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Disconnect" }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  });

  it("stays open and says why when disconnecting fails", async () => {
    const user = userEvent.setup();
    const onConfirm = vi.fn(async () => {
      throw new ApiRequestError({
        status: 0,
        code: "network_error",
        message: "The server could not be reached.",
      });
    });
    render(<DisconnectDialog partner={defender} integrationName="Contoso" onConfirm={onConfirm} />);
    await user.click(screen.getByRole("button", { name: "Disconnect" }));
    await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Disconnect" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The server could not be reached.");
    expect(screen.getByRole("alertdialog")).toBeInTheDocument();
  });
});
