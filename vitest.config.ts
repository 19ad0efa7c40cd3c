import { defineConfig } from 'vitest/config'

// Unit tests are fast and touch no external program; integration tests run real
// qemu-img and QEMU and carry `.integration.test.ts` in their name.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src-main/**/*.test.ts', 'src-renderer/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', 'node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'src-main/**/*.integration.test.ts',
            'scripts/**/*.integration.test.ts',
            'e2e/fixtures/**/*.integration.test.ts',
          ],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Two cores: guests under TCG are CPU-bound, so run files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
})
