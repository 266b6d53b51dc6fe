import { describe, expect, it } from "vitest";
import { ApiRequestError, requestHeaders, toApiRequestError } from "./api-client";

describe("toApiRequestError", () => {
  it("keeps the envelope's code, message, fields and detail", () => {
    const error = toApiRequestError(400, {
      error: {
        code: "validation_failed",
        message: "Check the highlighted fields.",
        fields: { baseUrl: "Leave /api off the Base URL." },
      },
    });
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({
      status: 400,
      code: "validation_failed",
      message: "Check the highlighted fields.",
      fields: { baseUrl: "Leave /api off the Base URL." },
    });
  });

  it("keeps the conflicting integration's id in detail", () => {
    const error = toApiRequestError(409, {
      error: { code: "conflict", message: "Already connected.", detail: { integrationId: "abc" } },
    });
    expect(error.detail).toEqual({ integrationId: "abc" });
  });

  it("explains a body that is not Patchbay's envelope", () => {
    expect(toApiRequestError(502, "<html>Bad gateway</html>")).toMatchObject({
      status: 502,
      code: "internal_error",
      message: expect.stringMatching(/server failed \(HTTP 502\)/),
    });
    expect(toApiRequestError(404, undefined).message).toMatch(/refused the request \(HTTP 404\)/);
  });
});

describe("requestHeaders", () => {
  it("sends the anti-CSRF token on every request that changes something", () => {
    for (const method of ["POST", "PATCH", "PUT", "DELETE"] as const) {
      expect(requestHeaders(method, false, "t0k3n")).toMatchObject({ "x-csrf-token": "t0k3n" });
    }
    expect(requestHeaders("POST", true, "t0k3n")).toEqual({
      accept: "application/json",
      "content-type": "application/json",
      "x-csrf-token": "t0k3n",
    });
  });

  it("keeps the token off reads, and sends none before there is a session", () => {
    expect(requestHeaders("GET", false, "t0k3n")).toEqual({ accept: "application/json" });
    expect(requestHeaders("POST", true, undefined)).not.toHaveProperty("x-csrf-token");
  });
});
