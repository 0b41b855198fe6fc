/** Runtime config: `window.__MC_CONFIG__` (injected when the console is served) wins, then build-time env. */
const trimSlash = (s: string) => s.replace(/\/+$/, "");

export const config = {
  apiUrl: trimSlash((typeof window !== "undefined" && window.__MC_CONFIG__?.apiUrl) || import.meta.env.VITE_API_URL || "http://localhost:3000"),
};
