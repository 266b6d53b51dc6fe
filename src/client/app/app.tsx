import { RouterProvider } from "react-router";
import type { Session } from "../../shared/auth";
import { sessionKeys } from "../features/session/api/query-keys";
import { signInPath } from "../features/session/session";
import { configureApiClient } from "../lib/api-client";
import { createQueryClient } from "../lib/query-client";
import { Providers } from "./providers";
import { createAppRouter } from "./router";

const queryClient = createQueryClient();
const router = createAppRouter(queryClient);

/** A 401 means the session is gone: sign in again, then come back here. */
function sendToSignIn() {
  const { navigation, location } = router.state;
  if (location.pathname === "/sign-in" || navigation.location?.pathname === "/sign-in") return;
  void router.navigate(signInPath(location.pathname + location.search), {
    replace: true,
    state: { sessionEnded: true },
  });
}

configureApiClient({
  csrfToken: () => queryClient.getQueryData<Session | null>(sessionKeys.current)?.csrfToken,
  onUnauthorized: sendToSignIn,
});

export function App() {
  return (
    <Providers queryClient={queryClient}>
      <RouterProvider router={router} />
    </Providers>
  );
}
