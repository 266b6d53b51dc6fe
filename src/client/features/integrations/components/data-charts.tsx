import { Bar, BarChart, type BarShapeProps, CartesianGrid, Rectangle, Tooltip, XAxis, YAxis } from "recharts";
import type { AlertSummary, DeviceSummary } from "../../../../shared/data-contract";
import { ChartFigure, ChartLegend, chartTableClass } from "../../../components/chart-figure";
import { isSeverity, severityColor, severityLabel, severityOrder } from "../../../components/severity";
import { humanize } from "../../../lib/humanize";
import styles from "./data-charts.module.css";

const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

/** "Nov 22" for the UTC day "2025-11-22" (the summary counts UTC days). */
function formatDay(date: string): string {
  return dayFormat.format(new Date(`${date}T00:00:00Z`));
}

const axisTick = { fill: "var(--color-text-muted)", fontSize: 12 };
const tooltipStyle = {
  background: "var(--color-surface)",
  border: "1px solid var(--color-border)",
  borderRadius: 6,
  color: "var(--color-text)",
};

function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

type DayRow = AlertSummary["days"][number];

function dayTotal(day: DayRow): number {
  return severityOrder.reduce((sum, severity) => sum + day[severity], 0);
}

/** The chart in words: the total, by severity, and the busiest day. */
export function alertSummarySentence(days: readonly DayRow[]): string {
  const totals = severityOrder.map((severity) => ({
    severity,
    count: days.reduce((sum, day) => sum + day[severity], 0),
  }));
  const total = totals.reduce((sum, { count }) => sum + count, 0);
  const parts = totals
    .filter(({ count }) => count > 0)
    .map(({ severity, count }) => `${count.toLocaleString()} ${severityLabel[severity].toLowerCase()}`);
  const busiest = days.reduce<DayRow | undefined>(
    (best, day) => (best === undefined || dayTotal(day) > dayTotal(best) ? day : best),
    undefined,
  );
  const peak = busiest
    ? ` The most were created on ${formatDay(busiest.date)}: ${dayTotal(busiest).toLocaleString()}.`
    : "";
  return `${plural(total, "alert", "alerts")} created in the last ${days.length} days: ${parts.join(", ")}.${peak}`;
}

/**
 * Alerts created per day over the last 14 days, stacked by severity (most severe at the bottom), with the same
 * numbers as a table. A thin surface-coloured outline separates the stacked segments.
 */
export function AlertsBySeverityChart({ summary }: { summary: AlertSummary }) {
  const title = `Alerts by severity, last ${summary.days.length} days`;
  const total = summary.days.reduce((sum, day) => sum + dayTotal(day), 0);
  if (total === 0) {
    return (
      <div className={styles.block}>
        <h3 className={styles.title}>{title}</h3>
        <p className={styles.note}>No alerts were created in the last {summary.days.length} days.</p>
      </div>
    );
  }
  const rows = summary.days.map((day) => ({ ...day, label: formatDay(day.date) }));
  return (
    <ChartFigure
      id="alerts-by-severity"
      title={title}
      summary={alertSummarySentence(summary.days)}
      table={
        <table className={chartTableClass}>
          <caption>Alerts created per UTC day, by severity</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {severityOrder.map((severity) => (
                <th key={severity} scope="col">
                  {severityLabel[severity]}
                </th>
              ))}
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {summary.days.map((day) => (
              <tr key={day.date}>
                <th scope="row">
                  <time dateTime={day.date}>{formatDay(day.date)}</time>
                </th>
                {severityOrder.map((severity) => (
                  <td key={severity}>{day[severity].toLocaleString()}</td>
                ))}
                <td>{dayTotal(day).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <BarChart
        data={rows}
        responsive
        style={{ width: "100%", height: 220 }}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        accessibilityLayer={false}
      >
        <CartesianGrid vertical={false} stroke="var(--color-border)" />
        <XAxis dataKey="label" tick={axisTick} stroke="var(--color-border)" interval="preserveStartEnd" />
        <YAxis allowDecimals={false} width={40} tick={axisTick} stroke="var(--color-border)" />
        <Tooltip contentStyle={tooltipStyle} cursor={{ fill: "var(--color-surface-muted)" }} />
        {severityOrder.map((severity) => (
          <Bar
            key={severity}
            dataKey={severity}
            name={severityLabel[severity]}
            stackId="severity"
            fill={severityColor[severity]}
            stroke="var(--color-surface)"
            strokeWidth={1}
          />
        ))}
      </BarChart>
      <ChartLegend
        items={severityOrder.map((severity) => ({
          label: severityLabel[severity],
          color: severityColor[severity],
        }))}
      />
    </ChartFigure>
  );
}

type Counts = DeviceSummary["health"];

/** Risk and exposure levels share the severities' colours ("High" is the same red everywhere). */
function levelColor(value: string): string {
  const severity = value.toLowerCase();
  return isSeverity(severity) ? severityColor[severity] : "var(--color-severity-unknown)";
}

const accent = () => "var(--color-accent)";

interface Dimension {
  key: "health" | "onboarding" | "risk" | "exposure";
  title: string;
  color: (value: string) => string;
}

const dimensions: readonly Dimension[] = [
  { key: "health", title: "Health status", color: accent },
  { key: "onboarding", title: "Onboarding status", color: accent },
  { key: "risk", title: "Risk level", color: levelColor },
  { key: "exposure", title: "Exposure level", color: levelColor },
];

function countsSentence(title: string, counts: Counts): string {
  return `${title}: ${counts.map(({ value, count }) => `${humanize(value)} ${count.toLocaleString()}`).join(", ")}.`;
}

/** One dimension as horizontal bars, one per value, largest first (as the server sends them). */
function CountBars({ counts, color }: { counts: Counts; color: (value: string) => string }) {
  const rows = counts.map(({ value, count }) => ({ label: humanize(value), count, fill: color(value) }));
  return (
    <BarChart
      data={rows}
      layout="vertical"
      responsive
      style={{ width: "100%", height: rows.length * 28 + 16 }}
      margin={{ top: 0, right: 40, bottom: 0, left: 0 }}
      accessibilityLayer={false}
    >
      <XAxis type="number" hide allowDecimals={false} />
      <YAxis type="category" dataKey="label" width={170} tick={axisTick} stroke="var(--color-border)" />
      <Bar
        dataKey="count"
        barSize={16}
        label={{ position: "right", fill: "var(--color-text)", fontSize: 12 }}
        shape={(props: BarShapeProps) => <Rectangle {...props} fill={rows[props.index]?.fill ?? accent()} />}
      />
    </BarChart>
  );
}

/** Devices listed now, by health, onboarding status, risk and exposure: four small bar charts and their tables. */
export function DeviceHealthSummary({ summary }: { summary: DeviceSummary }) {
  const title = `Device health (${plural(summary.total, "device", "devices")})`;
  if (summary.total === 0) {
    return (
      <div className={styles.block}>
        <h3 className={styles.title}>Device health</h3>
        <p className={styles.note}>No devices are listed yet.</p>
      </div>
    );
  }
  const shown = dimensions.filter((dimension) => summary[dimension.key].length > 0);
  return (
    <ChartFigure
      id="device-health"
      title={title}
      summary={`${plural(summary.total, "device", "devices")}. ${shown
        .map((dimension) => countsSentence(dimension.title, summary[dimension.key]))
        .join(" ")}`}
      table={
        <div className={styles.tables}>
          {shown.map((dimension) => (
            <table key={dimension.key} className={chartTableClass}>
              <caption>{dimension.title}</caption>
              <thead>
                <tr>
                  <th scope="col">{dimension.title.replace(/ (status|level)$/, "")}</th>
                  <th scope="col">Devices</th>
                </tr>
              </thead>
              <tbody>
                {summary[dimension.key].map(({ value, count }) => (
                  <tr key={value}>
                    <th scope="row">{humanize(value)}</th>
                    <td>{count.toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </div>
      }
    >
      <div className={styles.grid}>
        {shown.map((dimension) => (
          <div key={dimension.key} className={styles.small}>
            <p className={styles.smallTitle}>{dimension.title}</p>
            <CountBars counts={summary[dimension.key]} color={dimension.color} />
          </div>
        ))}
      </div>
    </ChartFigure>
  );
}
