import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorSchema } from "../../shared/errors";
import { createTestApp, type TestApp } from "../../test/test-app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.app.close();
});

describe("cache-control: no-store on every API response, however its path is spelled", () => {
  // The router decodes the path before matching, so each of these reaches the API.
  it.each([
    ["/api/health", 200],
    ["/%61pi/health", 200],
    ["/%61%70%69/health", 200],
    ["/api/%68ealth", 200],
    ["/%61pi/health?x=1", 200],
  ])("GET %s → %i with no-store", async (url, status) => {
    const response = await t.app.inject({ method: "GET", url });
    expect(response.statusCode).toBe(status);
    expect(response.headers["cache-control"]).toBe("no-store");
  });

  it("GET /%61pi/integrations without credentials → 401 with no-store", async () => {
    const response = await t.app.inject({ method: "GET", url: "/%61pi/integrations" });
    expect(response.statusCode).toBe(401);
    expect(response.headers["cache-control"]).toBe("no-store");
  });

  it("GET /%61pi/integrations signed in → 200 with no-store", async () => {
    const response = await t.inject({ method: "GET", url: "/%61pi/integrations" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
  });

  it.each(["/%61pi/nope", "/api/nope", "/api"])("GET %s → 404 in the envelope with no-store", async (url) => {
    const response = await t.app.inject({ method: "GET", url });
    expect(response.statusCode).toBe(404);
    expect(apiErrorSchema.parse(response.json()).error.code).toBe("not_found");
    expect(response.headers["cache-control"]).toBe("no-store");
  });

  it("a malformed path (refused before routing) → 400 with no-store and a request id", async () => {
    const response = await t.app.inject({ method: "GET", url: "/api/integrations/%zz" });
    expect(response.statusCode).toBe(400);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.headers["x-request-id"]).toEqual(expect.any(String));
  });
});
