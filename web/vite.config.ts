// The web app's build: React, output in web/dist, served by `coso serve` at /.
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  // ECharts' chunk (~500 kB, 165 kB gzipped) loads only with a chart; the entry stays far below.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 550 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
})
