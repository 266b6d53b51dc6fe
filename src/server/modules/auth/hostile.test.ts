import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { auditPageSchema, userSchema } from "../../../shared/auth";
import { apiErrorSchema } from "../../../shared/errors";
import { createTestApp, type TestApp } from "../../../test/test-app";
import { addressKey } from "./common";

// Each test opens an on-disk or scrypt-heavy app; on a loaded two-core machine that can take a while. No timing is
// asserted: this only bounds how long a hung test may take.
vi.setConfig({ testTimeout: 120_000 });

/** Attacks a stranger, a neighbour or a rogue user would try on sign-in and the audit trail (issue 6). */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.app.close();
});

const errorOf = (body: string) => apiErrorSchema.parse(JSON.parse(body)).error;

async function addUser(email: string, password: string) {
  const created = await t.inject({
    method: "POST",
    url: "/api/users",
    payload: { email, displayName: "Owen Owner", role: "viewer", password },
  });
  expect(created.statusCode, created.body).toBe(201);
}

const signInFrom = (remoteAddress: string, email: string, password: string) =>
  t.app.inject({ method: "POST", url: "/api/session", payload: { email, password }, remoteAddress });

describe("a stranger guessing passwords", () => {
  it("cannot lock the owner out: 30 wrong guesses from one address, then the owner signs in from another", async () => {
    const email = "owner-one@patchbay.test";
    const password = "the owner's own password";
    await addUser(email, password);
    const codes: number[] = [];
    for (let i = 0; i < 30; i += 1)
      codes.push((await signInFrom("203.0.113.7", email, "a wrong guess!")).statusCode);
    // Five reach the password check; the rest are refused by the per-account-and-address limit and not counted.
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(25);

    const owner = await signInFrom("198.51.100.9", email, password);
    expect(owner.statusCode, owner.body).toBe(200);
  });

  it("records the refusals on one audit entry with a count instead of one row each", async () => {
    const email = "owner-two@patchbay.test";
    await addUser(email, "another right password");
    for (let i = 0; i < 30; i += 1) await signInFrom("203.0.113.8", email, "a wrong guess!");
    const page = auditPageSchema.parse(
      (
        await t.inject({
          method: "GET",
          url: `/api/audit?action=session.sign_in_throttled&actor=${encodeURIComponent(email)}`,
        })
      ).json(),
    );
    expect(page.events).toHaveLength(1);
    expect(page.events[0]).toMatchObject({ outcome: "failure", sourceIp: "203.0.113.8", occurrences: 25 });
    expect(page.events[0]?.lastAt).not.toBeNull();
  });

  it("still stops guessing spread over many addresses, except from an address the owner used before", async () => {
    const email = "owner-three@patchbay.test";
    const password = "the third owner's password";
    await addUser(email, password);
    // The owner signs in once from home: that address is now known.
    expect((await signInFrom("192.0.2.50", email, password)).statusCode).toBe(200);
    // Six strangers, five guesses each: past 25 attempts that reached the password check, the account-wide
    // limit refuses the rest.
    const codes: number[] = [];
    for (let s = 1; s <= 6; s += 1) {
      for (let i = 0; i < 5; i += 1) {
        codes.push((await signInFrom(`198.51.100.${s}`, email, "a wrong guess!")).statusCode);
      }
    }
    expect(codes.filter((c) => c === 401)).toHaveLength(25);
    expect(codes.filter((c) => c === 429)).toHaveLength(5);
    const fromNewPlace = await signInFrom("192.0.2.99", email, password);
    expect(fromNewPlace.statusCode).toBe(429);
    expect(errorOf(fromNewPlace.body).message).toContain("for this account");
    const fromHome = await signInFrom("192.0.2.50", email, password);
    expect(fromHome.statusCode, fromHome.body).toBe(200);
  });
});

describe("IPv6 addresses", () => {
  it("are one address per /64: a stranger rotating inside it meets the per-address limit, the owner stays known", async () => {
    const email = "owner-six@patchbay.test";
    const password = "the ipv6 owner's password";
    await addUser(email, password);
    expect((await signInFrom("2001:db8:1:2::10", email, password)).statusCode).toBe(200);
    const rotating: number[] = [];
    for (let i = 1; i <= 8; i += 1) {
      rotating.push(
        (await signInFrom(`2001:db8:9:9::${i.toString(16)}`, email, "a wrong guess!")).statusCode,
      );
    }
    expect(rotating.filter((c) => c === 401)).toHaveLength(5);
    expect(rotating.filter((c) => c === 429)).toHaveLength(3);
    // Past the account-wide limit from many /64s, the owner still signs in from a new address of their own /64.
    for (let s = 1; s <= 5; s += 1) {
      for (let i = 0; i < 5; i += 1) await signInFrom(`2001:db8:${s}0::1`, email, "a wrong guess!");
    }
    expect((await signInFrom("2001:db8:77::1", email, password)).statusCode).toBe(429);
    expect((await signInFrom("2001:db8:1:2:aaaa:bbbb:cccc:99", email, password)).statusCode).toBe(200);
  });

  it("map to their /64, and IPv4-mapped ones to IPv4", () => {
    expect(addressKey("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:0db8:0001:0002::99")).toBe("2001:db8:1:2::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(addressKey("192.0.2.7")).toBe("192.0.2.7");
  });
});

describe("a rogue user disguising their name", () => {
  const disguises = [
    ["angle brackets", "Administrator <admin@patchbay.test>"],
    ["a line separator", "Ada\u2028Administrator"],
    ["a right-to-left override", "Ada \u202etset.yabhctap@nimda"],
    ["a bidi isolate", "Ada \u2066Admin\u2069"],
    ["a newline", "Ada\nAdmin"],
  ] as const;

  it.each(disguises)("cannot take a display name with %s", async (_what, displayName) => {
    const created = await t.inject({
      method: "POST",
      url: "/api/users",
      payload: {
        email: `disguise-${Math.random().toString(36).slice(2)}@patchbay.test`,
        displayName,
        role: "viewer",
        password: "a long enough password",
      },
    });
    expect(created.statusCode).toBe(400);
    expect(errorOf(created.body).fields).toHaveProperty("displayName");
  });

  it("cannot rename itself into a disguise, nor name a token so", async () => {
    const users = (await t.inject({ method: "GET", url: "/api/users" })).json<{ users: unknown[] }>().users;
    const someone = userSchema.parse(users[0]);
    const renamed = await t.inject({
      method: "PATCH",
      url: `/api/users/${someone.id}`,
      payload: { displayName: "Admin <admin@patchbay.test>" },
    });
    expect(renamed.statusCode).toBe(400);
    const token = await t.inject({
      method: "POST",
      url: "/api/tokens",
      payload: { name: "sync” of Administrator <admin@patchbay.test>", role: "viewer" },
    });
    expect(token.statusCode).toBe(400);
    expect(errorOf(token.body).fields).toHaveProperty("name");
  });

  it("shows every user's actions with the email Patchbay knows, apart from the chosen name", async () => {
    const email = "plain-name@patchbay.test";
    await addUser(email, "a plain password 123");
    await signInFrom("192.0.2.77", email, "a plain password 123");
    const page = auditPageSchema.parse(
      (await t.inject({ method: "GET", url: "/api/audit?action=session.sign_in&actor=plain-name" })).json(),
    );
    expect(page.events[0]?.actor).toMatchObject({ type: "user", email });
  });
});

describe("date, number and cursor inputs", () => {
  it.each([
    ["from=0000-01-01T00:00:00Z", "from"],
    ["to=0000-01-01T00:00:00Z", "to"],
    ["from=1969-12-31T23:59:59Z", "from"],
    ["from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z", "from"],
    ["limit=1e9", "limit"],
    ["limit=-1", "limit"],
    ["limit=NaN", "limit"],
    ["cursor=%F0%9F%92%A3", "cursor"],
  ])("answers ?%s with a 400 naming %s, never a 500", async (query, field) => {
    const response = await t.inject({ method: "GET", url: `/api/audit?${query}` });
    expect(response.statusCode, response.body).toBe(400);
    expect(errorOf(response.body).fields).toHaveProperty(field);
  });

  it("accepts the whole documented range", async () => {
    const response = await t.inject({
      method: "GET",
      url: "/api/audit?from=1970-01-01T00:00:00Z&to=9999-12-31T23:59:59Z",
    });
    expect(response.statusCode, response.body).toBe(200);
  });
});
