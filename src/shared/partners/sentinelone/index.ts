/** SentinelOne: everything the browser, the CLI and the server share about it. */
export * from "./catalog";
export * from "./cli";
export * from "./features";
export * from "./schema";
