// `npm run dev`: the API server (restarting on change) beside Vite's dev server, which proxies /api to it.
import { bin, supervise } from "./lib";

supervise(bin("tsx"), ["watch", "--clear-screen=false", "src/server/main.ts"]);
supervise(bin("vite"), []);
