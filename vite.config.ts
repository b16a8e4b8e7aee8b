// Vite build of the admin UI (src-renderer → dist-renderer). Relative asset paths, so the same
// build loads from the headless server (http://127.0.0.1:8480/) and inside the desktop app.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist-renderer',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 1000,
  },
  logLevel: 'warn',
});
