import type { QueryClient } from "@tanstack/react-query";
import { createBrowserRouter, Navigate, Outlet, ScrollRestoration } from "react-router";
import { Loading } from "../components/loading";
import { requireSession, setupLoader, signInLoader } from "./loaders";
import { PublicLayout } from "./routes/public-layout";
import { RootLayout } from "./routes/root-layout";
import { RootError, RouteError } from "./routes/route-error";

function AppRoot() {
  return (
    <>
      <Outlet />
      <ScrollRestoration />
    </>
  );
}

/** Sign-in and setup are public; everything else needs a session (`requireSession`). */
export function createAppRouter(queryClient: QueryClient) {
  return createBrowserRouter([
    {
      element: <AppRoot />,
      errorElement: <RootError />,
      hydrateFallbackElement: <Loading what="Patchbay" />,
      children: [
        {
          element: <PublicLayout />,
          errorElement: <RootError />,
          children: [
            {
              path: "sign-in",
              loader: signInLoader(queryClient),
              errorElement: <RouteError />,
              lazy: () => import("./routes/sign-in-page").then((m) => ({ Component: m.SignInPage })),
            },
            {
              path: "setup",
              loader: setupLoader(queryClient),
              errorElement: <RouteError />,
              lazy: () => import("./routes/setup-page").then((m) => ({ Component: m.SetupPage })),
            },
          ],
        },
        {
          id: "signed-in",
          loader: requireSession(queryClient),
          element: <RootLayout />,
          errorElement: <RootError />,
          children: [
            { index: true, element: <Navigate to="/integrations" replace />, errorElement: <RouteError /> },
            {
              path: "integrations",
              errorElement: <RouteError />,
              lazy: () =>
                import("./routes/integrations-page").then((m) => ({ Component: m.IntegrationsPage })),
            },
            {
              path: "integrations/connect/:partnerId",
              errorElement: <RouteError />,
              lazy: () => import("./routes/connect-page").then((m) => ({ Component: m.ConnectPage })),
            },
            {
              path: "integrations/:id",
              errorElement: <RouteError />,
              lazy: () =>
                import("./routes/integration-detail-page").then((m) => ({
                  Component: m.IntegrationDetailPage,
                })),
            },
            {
              path: "alerts",
              errorElement: <RouteError />,
              lazy: () => import("./routes/alerts-page").then((m) => ({ Component: m.AlertsPage })),
            },
            {
              path: "devices",
              errorElement: <RouteError />,
              lazy: () => import("./routes/devices-page").then((m) => ({ Component: m.DevicesPage })),
            },
            {
              path: "audit",
              errorElement: <RouteError />,
              lazy: () => import("./routes/audit-page").then((m) => ({ Component: m.AuditPage })),
            },
            {
              path: "users",
              errorElement: <RouteError />,
              lazy: () => import("./routes/users-page").then((m) => ({ Component: m.UsersPage })),
            },
            {
              path: "tokens",
              errorElement: <RouteError />,
              lazy: () => import("./routes/tokens-page").then((m) => ({ Component: m.TokensPage })),
            },
            {
              path: "*",
              errorElement: <RouteError />,
              lazy: () => import("./routes/not-found-page").then((m) => ({ Component: m.NotFoundPage })),
            },
          ],
        },
      ],
    },
  ]);
}
