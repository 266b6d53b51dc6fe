import type { Device } from "../../../../shared/data-contract";
import { Badge } from "../../../components/badge";
import { tableStyles } from "../../../components/data-table";
import listStyles from "../../../components/record-list.module.css";
import { type SortableColumn, SortableTable, type SortState } from "../../../components/sortable-table";
import { Timestamp } from "../../../components/timestamp";
import { humanize } from "../../../lib/humanize";
import type { DeviceSort } from "../device-view";

const columns: readonly SortableColumn<DeviceSort>[] = [
  { label: "Name", sortKey: "name" },
  { label: "Health", sortKey: "healthStatus" },
  { label: "Operating system", sortKey: "osPlatform" },
  { label: "Onboarding" },
  { label: "Risk" },
  { label: "Exposure" },
  { label: "Connection" },
  { label: "Last seen", sortKey: "lastSeenAt" },
];

function Optional({ value }: { value: string | null }) {
  return value === null ? <span className={tableStyles.muted}>—</span> : humanize(value);
}

interface DevicesTableProps {
  devices: readonly Device[];
  sort: SortState<DeviceSort>;
  onSort: (key: DeviceSort) => void;
  busy: boolean;
  connectionNames: ReadonlyMap<string, string>;
  onOpen: (device: Device) => void;
}

/** One page of devices; each name opens the device's detail. */
export function DevicesTable({ devices, sort, onSort, busy, connectionNames, onOpen }: DevicesTableProps) {
  return (
    <SortableTable caption="Devices" columns={columns} sort={sort} onSort={onSort} busy={busy}>
      {devices.map((device) => (
        <tr key={device.id}>
          <td>
            <button type="button" className={listStyles.open} onClick={() => onOpen(device)}>
              {device.name}
            </button>
            {device.removedAt ? (
              <span className={listStyles.secondary}>
                <Badge tone="neutral">Removed</Badge>
              </span>
            ) : null}
          </td>
          <td className={tableStyles.nowrap}>{humanize(device.healthStatus)}</td>
          <td>{device.osPlatform}</td>
          <td>
            <Optional value={device.onboardingStatus} />
          </td>
          <td>
            <Optional value={device.riskScore} />
          </td>
          <td>
            <Optional value={device.exposureLevel} />
          </td>
          <td>
            {connectionNames.get(device.integrationId) ?? <code>{device.integrationId.slice(0, 8)}</code>}
          </td>
          <td>
            <Timestamp value={device.lastSeenAt} />
          </td>
        </tr>
      ))}
    </SortableTable>
  );
}
