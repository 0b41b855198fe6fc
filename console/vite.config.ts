import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { precompress } from "../web/src/build/precompress";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The admin web console: a plain React app (no Zalo plugin, no zmp-sdk), built to console/dist. */
export default defineConfig({
  root: here("."),
  // .gz/.br beside each asset, for a static server to send by Accept-Encoding.
  plugins: [react(), precompress()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
  },
  server: { port: 5174 },
});
