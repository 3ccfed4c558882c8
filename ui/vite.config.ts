import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Tauri serves ui/dist from disk in a WebKitGTK (Linux), WebKit (macOS) or WebView2 (Windows)
// webview; `tauri dev` loads the dev server below.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  envPrefix: ["VITE_", "TAURI_ENV_"],
  server: {
    port: 1420,
    strictPort: true,
    host: "127.0.0.1",
  },
  build: {
    // WebKitGTK 2.40+ / Safari 16 level; keeps the output free of needless down-levelling.
    target: ["es2022", "safari16"],
    cssTarget: ["safari16"],
    sourcemap: false,
    reportCompressedSize: true,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    restoreMocks: true,
  },
});
