import { type AddressInfo, connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/test-app";

/**
 * A client that sends a request's headers and then drips (or withholds) the rest must be cut off, not held
 * forever. The real app, listening on a real socket: `app.inject` has no sockets and so no timeouts.
 */

let t: TestApp;
let port: number;
const sockets = new Set<Socket>();
beforeAll(async () => {
  t = await createTestApp({ PATCHBAY_REQUEST_TIMEOUT_MS: "1000" });
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  // Should a test fail, its connection is still open and would keep close() waiting.
  for (const socket of sockets) socket.destroy();
  await t.app.close();
});

/** Writes `raw` on a fresh connection, then waits until the server closes it; resolves with what it answered. */
function sendAndWaitForClose(raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" });
    sockets.add(socket);
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
    socket.write(raw);
  });
}

describe("request timeouts", () => {
  it("answers 408 and closes the connection when the body stops arriving", async () => {
    const headers = [
      "POST /api/session HTTP/1.1",
      "Host: 127.0.0.1",
      "Content-Type: application/json",
      "Content-Length: 1000",
      "",
      "",
    ].join("\r\n");
    const answer = await sendAndWaitForClose(`${headers}{"email":"slow@example.test","pass`);
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it("answers 408 and closes the connection when the headers never end", async () => {
    const answer = await sendAndWaitForClose("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it("still serves a request that arrives whole", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(response.status).toBe(200);
  });
});
