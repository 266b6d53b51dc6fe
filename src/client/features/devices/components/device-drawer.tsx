import { useQuery } from "@tanstack/react-query";
import type { Device, DeviceDetail } from "../../../../shared/data-contract";
import { Loading } from "../../../components/loading";
import { QueryError } from "../../../components/query-error";
import { FieldList, PortalLink, RawRecord } from "../../../components/record-detail";
import { SideSheet } from "../../../components/side-sheet";
import { Timestamp } from "../../../components/timestamp";
import { humanize } from "../../../lib/humanize";
import { deviceQuery } from "../api/queries";

const optional = (value: string | null) => (value === null ? null : humanize(value));

function DeviceBody({ device, connectionName }: { device: DeviceDetail; connectionName: string }) {
  return (
    <>
      <PortalLink partner={device.partner} href={device.portalUrl} />
      <FieldList
        fields={[
          { label: "Health", value: humanize(device.healthStatus) },
          { label: "Operating system", value: device.osPlatform },
          { label: "Onboarding", value: optional(device.onboardingStatus) },
          { label: "Risk", value: optional(device.riskScore) },
          { label: "Exposure", value: optional(device.exposureLevel) },
          { label: "Last seen", value: <Timestamp value={device.lastSeenAt} /> },
          ...(device.removedAt ? [{ label: "Removed", value: <Timestamp value={device.removedAt} /> }] : []),
          { label: "Connection", value: connectionName },
          { label: "Partner's id", value: <code>{device.externalId}</code> },
        ]}
      />
      <RawRecord raw={device.raw} />
    </>
  );
}

function DeviceDetailContent({ id, connectionName }: { id: string; connectionName: string }) {
  const detail = useQuery(deviceQuery(id));
  if (detail.isPending) return <Loading what="the device" />;
  if (detail.isError)
    return <QueryError what="the device" error={detail.error} onRetry={() => detail.refetch()} />;
  return <DeviceBody device={detail.data} connectionName={connectionName} />;
}

interface DeviceDrawerProps {
  /** The row that was opened; null when the drawer is closed. */
  device: Device | null;
  connectionName: string;
  onClose: () => void;
}

/** A device's detail in a side sheet: its fields, the raw record and a link to the portal. */
export function DeviceDrawer({ device, connectionName, onClose }: DeviceDrawerProps) {
  return (
    <SideSheet
      open={device !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={device?.name ?? "Device"}
      subtitle={device ? `Device from ${connectionName}` : undefined}
    >
      {device ? <DeviceDetailContent id={device.id} connectionName={connectionName} /> : null}
    </SideSheet>
  );
}
