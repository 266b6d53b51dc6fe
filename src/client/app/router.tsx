import { createBrowserRouter, Navigate } from "react-router";
import { Loading } from "../components/loading";
import { RootLayout } from "./routes/root-layout";
import { RootError, RouteError } from "./routes/route-error";

export const router = createBrowserRouter([
  {
    element: <RootLayout />,
    errorElement: <RootError />,
    hydrateFallbackElement: <Loading what="Patchbay" />,
    children: [
      { index: true, element: <Navigate to="/integrations" replace />, errorElement: <RouteError /> },
      {
        path: "integrations",
        errorElement: <RouteError />,
        lazy: () => import("./routes/integrations-page").then((m) => ({ Component: m.IntegrationsPage })),
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
          import("./routes/integration-detail-page").then((m) => ({ Component: m.IntegrationDetailPage })),
      },
      {
        path: "*",
        errorElement: <RouteError />,
        lazy: () => import("./routes/not-found-page").then((m) => ({ Component: m.NotFoundPage })),
      },
    ],
  },
]);
