// The viewer is served by `tryggve serve` from viewer/dist, on the same origin
// as the API, so relative asset paths and no dev proxy are needed for the build.
// `npm run dev` proxies /api to a running `tryggve serve` (TRYGGVE_API, default :8080).
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,  // MapLibre alone is ~1 MB; it is one local file, not a download per tile
  },
  server: {
    proxy: { '/api': process.env.TRYGGVE_API || 'http://127.0.0.1:8080' },
  },
  // `npm run unit`: the pure modules in node (no browser, no server); the
  // browser tests (tests/e2e.test.mjs) run with node:test, not here.
  test: {
    include: ['tests/unit/**/*.test.js'],
    environment: 'node',
  },
});
