// The baseline of the bundle benchmark (.scripts/bench-bundle.ts): a bare Vite app that imports only the libraries
// Patchbay's brief mandates for its screens and renders one form with them. Not part of Patchbay.
import { zodResolver } from "@hookform/resolvers/zod";
import { QueryClient, QueryClientProvider, useMutation } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { useForm } from "react-hook-form";
import { createBrowserRouter, RouterProvider } from "react-router";
import { z } from "zod";

const schema = z.object({
  baseUrl: z.url(),
  tenantId: z.uuid(),
  appId: z.uuid(),
  appSecret: z.string().min(1),
});
type Values = z.infer<typeof schema>;

function ConnectForm() {
  const { register, handleSubmit, formState } = useForm<Values>({ resolver: zodResolver(schema) });
  const connect = useMutation({
    mutationFn: (values: Values) =>
      fetch("/api/integrations", { method: "POST", body: JSON.stringify(values) }).then((r) => r.json()),
  });
  return (
    <form onSubmit={handleSubmit((values) => connect.mutate(values))}>
      {(["baseUrl", "tenantId", "appId", "appSecret"] as const).map((name) => (
        <label key={name}>
          {name}
          <input {...register(name)} aria-invalid={formState.errors[name] ? true : undefined} />
          {formState.errors[name]?.message}
        </label>
      ))}
      <button type="submit">Connect</button>
    </form>
  );
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={new QueryClient()}>
        <RouterProvider router={createBrowserRouter([{ path: "*", element: <ConnectForm /> }])} />
      </QueryClientProvider>
    </StrictMode>,
  );
}
