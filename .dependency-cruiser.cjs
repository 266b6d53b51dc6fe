/**
 * Import boundaries of DESIGN §2, enforced by `npm test`:
 * client ↛ server, server ↛ client, shared ↛ both, feature ↛ feature, production ↛ simulator and test helpers.
 */
module.exports = {
  forbidden: [
    {
      name: "client-not-to-server",
      severity: "error",
      comment: "Browser code must not import server code; talk to it over /api.",
      from: { path: "^src/client/" },
      to: { path: "^src/(server|simulator)/" },
    },
    {
      name: "server-not-to-client",
      severity: "error",
      from: { path: "^src/server/" },
      to: { path: "^src/client/" },
    },
    {
      name: "shared-is-isomorphic",
      severity: "error",
      comment: "src/shared imports only zod and itself.",
      from: { path: "^src/shared/" },
      to: { pathNot: "^(src/shared/|node_modules/zod/)" },
    },
    {
      name: "cli-talks-http-only",
      severity: "error",
      comment:
        "The CLI is a client of the HTTP API: it may use src/shared, never server, client or simulator code.",
      from: { path: "^src/cli/", pathNot: "\\.test\\.ts$" },
      to: { path: "^src/(server|client|simulator|test)/" },
    },
    {
      name: "feature-not-to-feature",
      severity: "error",
      comment: "A feature may not reach into another feature; lift shared UI to src/client/components.",
      from: { path: "^src/client/features/([^/]+)/" },
      to: { path: "^src/client/features/", pathNot: "^src/client/features/$1/" },
    },
    {
      name: "production-not-to-simulator",
      severity: "error",
      comment:
        "Production code has no branch that knows the simulator exists. Tests and benchmarks (bench*.ts) drive it.",
      from: { path: "^src/(server|client|shared|cli)/", pathNot: "(\\.test\\.tsx?|/bench[a-z-]*\\.ts)$" },
      to: { path: "^src/simulator/" },
    },
    {
      name: "production-not-to-test-helpers",
      severity: "error",
      from: { path: "^src/(server|client|shared|simulator)/", pathNot: "\\.test\\.tsx?$" },
      to: { path: "^src/test/" },
    },
    {
      name: "partners-only-through-registry",
      severity: "error",
      comment:
        "The core knows partners only through the PartnerAdapter interface: src/server/partners/registry.ts is the only importer of a partner's folder (DESIGN §11).",
      from: { path: "^src/server/", pathNot: "^src/server/partners/|\\.test\\.ts$" },
      to: { path: "^src/server/partners/[^/]+/" },
    },
    {
      name: "shared-partners-only-through-registry",
      severity: "error",
      comment:
        "The browser, the CLI and the core reach a partner's shared folder only through src/shared/partners/registry.ts; the one per-partner UI is its setup guide under src/client/features/integrations/partners/.",
      from: {
        path: "^src/(client|cli|server/modules|server/jobs|server/app\\.ts|shared/(contract|catalog|errors)\\.ts)",
        pathNot: "^src/client/features/integrations/partners/|\\.test\\.tsx?$",
      },
      to: { path: "^src/shared/partners/[^/]+/" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    exclude: { path: "(^|/)(dist|data)/" },
  },
};
