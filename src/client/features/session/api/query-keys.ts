export const sessionKeys = {
  current: ["session"] as const,
  setup: ["setup"] as const,
};
