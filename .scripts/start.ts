// `npm start`: build the dashboard if dist/ is missing, then serve UI + API on HOST:PORT (default 127.0.0.1:8080).
import { bin, ensureBuilt, supervise } from "./lib";

await ensureBuilt();
supervise(bin("tsx"), ["src/server/main.ts"]);
