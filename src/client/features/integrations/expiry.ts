/** How far away a secret's expiry is, in whole days, and how urgent that is. */

const DAY_MS = 24 * 3600 * 1000;
/** From this many days before expiry the secret shows amber. */
export const EXPIRY_WARNING_DAYS = 30;

export type ExpiryUrgency = "ok" | "soon" | "expired";

export interface ExpiryInfo {
  expired: boolean;
  /** Days until expiry (rounded up), or days since (rounded down). */
  days: number;
  urgency: ExpiryUrgency;
}

export function expiryInfo(expiresAt: string, now: Date): ExpiryInfo {
  const delta = new Date(expiresAt).getTime() - now.getTime();
  if (delta <= 0) return { expired: true, days: Math.floor(-delta / DAY_MS), urgency: "expired" };
  const days = Math.ceil(delta / DAY_MS);
  return { expired: false, days, urgency: days <= EXPIRY_WARNING_DAYS ? "soon" : "ok" };
}

export function dayCount(days: number): string {
  return `${days} ${days === 1 ? "day" : "days"}`;
}

/** "in 208 days" / "3 days ago" / "today". */
export function relativeDays({ expired, days }: ExpiryInfo): string {
  if (expired) return days === 0 ? "today" : `${dayCount(days)} ago`;
  return `in ${dayCount(days)}`;
}

// Expiry dates are shown in UTC: a date an admin typed (stored as that day's UTC midnight) reads back unchanged.
const longDate = new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeZone: "UTC" });

/** "30 June 2027" (in the browser's language). */
export function formatExpiryDate(iso: string): string {
  return longDate.format(new Date(iso));
}

/** The YYYY-MM-DD of an ISO date-time, for a date input. */
export function isoDay(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

export const expirySourceText = {
  graph: "read from Microsoft Graph",
  admin: "typed by an admin",
} as const;
