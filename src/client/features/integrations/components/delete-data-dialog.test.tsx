import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { partnerCatalog } from "../../../../shared/partners/registry";
import { ApiRequestError } from "../../../lib/api-client";
import { DeleteDataDialog } from "./delete-data-dialog";
import { DisconnectDialog } from "./disconnect-dialog";

const [defender] = partnerCatalog();

describe("DeleteDataDialog", () => {
  it("is its own action beside Disconnect, and names everything it erases", async () => {
    const user = userEvent.setup();
    const disconnect = vi.fn(async () => {});
    const deleteData = vi.fn(async () => {});
    render(
      <>
        <DisconnectDialog partner={defender} integrationName="Contoso" onConfirm={disconnect} />
        <DeleteDataDialog
          partner={defender}
          integrationName="Contoso"
          disconnected={false}
          onConfirm={deleteData}
        />
      </>,
    );
    await user.click(screen.getByRole("button", { name: "Delete synced data and disconnect" }));
    const dialog = screen.getByRole("alertdialog", {
      name: "Delete the data synced from Contoso and disconnect it?",
    });
    expect(dialog).toHaveAccessibleDescription(
      expect.stringContaining(
        "deletes the alerts, incidents, devices, vulnerabilities and software synced from Contoso. This cannot be undone",
      ),
    );
    expect(dialog).toHaveAccessibleDescription(
      expect.stringContaining("erasing the stored App Secret for good"),
    );

    await user.click(within(dialog).getByRole("button", { name: "Delete and disconnect" }));
    expect(deleteData).toHaveBeenCalledTimes(1);
    expect(disconnect).not.toHaveBeenCalled();
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  });

  it("leaves the plain Disconnect as it was: it says the data stays", async () => {
    const user = userEvent.setup();
    const deleteData = vi.fn(async () => {});
    render(
      <>
        <DisconnectDialog partner={defender} integrationName="Contoso" onConfirm={vi.fn(async () => {})} />
        <DeleteDataDialog
          partner={defender}
          integrationName="Contoso"
          disconnected={false}
          onConfirm={deleteData}
        />
      </>,
    );
    await user.click(screen.getByRole("button", { name: "Disconnect" }));
    const dialog = screen.getByRole("alertdialog", { name: "Disconnect Contoso?" });
    expect(dialog).not.toHaveAccessibleDescription(expect.stringContaining("alerts, incidents"));
    await user.click(within(dialog).getByRole("button", { name: "Disconnect" }));
    expect(deleteData).not.toHaveBeenCalled();
  });

  it("deletes nothing on Cancel", async () => {
    const user = userEvent.setup();
    const deleteData = vi.fn(async () => {});
    render(
      <DeleteDataDialog
        partner={defender}
        integrationName="Contoso"
        disconnected={false}
        onConfirm={deleteData}
      />,
    );
    const trigger = screen.getByRole("button", { name: "Delete synced data and disconnect" });
    await user.click(trigger);
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(deleteData).not.toHaveBeenCalled();
    expect(trigger).toHaveFocus();
  });

  it("offers a disconnected connection to delete what it left behind", async () => {
    const user = userEvent.setup();
    const deleteData = vi.fn(async () => {});
    render(
      <DeleteDataDialog partner={defender} integrationName="Contoso" disconnected onConfirm={deleteData} />,
    );
    await user.click(screen.getByRole("button", { name: "Delete synced data" }));
    const dialog = screen.getByRole("alertdialog", { name: "Delete the data synced from Contoso?" });
    expect(dialog).toHaveAccessibleDescription(
      expect.stringContaining(
        "Patchbay deletes the alerts, incidents, devices, vulnerabilities and software synced from Contoso, for good.",
      ),
    );
    await user.click(within(dialog).getByRole("button", { name: "Delete synced data" }));
    expect(deleteData).toHaveBeenCalledTimes(1);
  });

  it("stays open and says why when deleting fails", async () => {
    const user = userEvent.setup();
    const deleteData = vi.fn(async () => {
      throw new ApiRequestError({ status: 403, code: "forbidden", message: "Only admins can delete data." });
    });
    render(
      <DeleteDataDialog
        partner={defender}
        integrationName="Contoso"
        disconnected={false}
        onConfirm={deleteData}
      />,
    );
    await user.click(screen.getByRole("button", { name: "Delete synced data and disconnect" }));
    await user.click(
      within(screen.getByRole("alertdialog")).getByRole("button", { name: "Delete and disconnect" }),
    );
    expect(await screen.findByRole("alert")).toHaveTextContent("Only admins can delete data.");
    expect(screen.getByRole("alertdialog")).toBeInTheDocument();
  });
});
