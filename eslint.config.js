import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

// The layers of docs/ARCHITECTURE (shared/ARCHITECTURE.md), enforced: core knows nothing of
// Electron, HTTP or front ends; the renderer sees the API's types and nothing else of src-main.
const frontDoors = ['**/electron/**', '**/web/**', '**/cli/**', '**/src-renderer/**']

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'e2e/fixtures/.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src-main/core/**/*.ts'],
    // Tests may stand up an HTTP server to exercise the console bridge.
    ignores: ['src-main/core/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'core is plain Node: no Electron.' },
            { name: 'react', message: 'core knows nothing of the UI.' },
          ],
          patterns: [
            { group: frontDoors, message: 'core may not import a front door.', allowTypeImports: true },
            // Not even types: the core declares what it takes and gives (core/requests.ts,
            // core/types.ts); the API re-exports those and proves its schemas match them.
            { group: ['**/api', '**/api/**'], message: 'core may not import the API layer above it, not even its types.', allowTypeImports: false },
            { group: ['node:http', 'node:https', 'http', 'https'], message: 'core serves no HTTP (the console bridge may use http types only).', allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/api/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the API contract is transport-free.' }],
          patterns: [{ group: ['**/electron/**', '**/web/**', '**/cli/**', '**/src-renderer/**'], message: 'the API layer sits under every transport.' }],
        },
      ],
    },
  },
  {
    files: ['src-main/web/**/*.ts', 'src-main/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'only src-main/electron uses Electron.' }], patterns: [{ group: ['**/electron/**'], message: 'web and cli never import the Electron door.' }] },
      ],
    },
  },
  {
    files: ['src-main/electron/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/web/**', '**/cli/**'], message: 'the Electron door does not import the web host or the CLI.' }] }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the renderer reaches the main process only through the API client.' }],
          patterns: [
            { group: ['**/src-main/api/**'], message: 'the renderer may import only types from src-main/api.', allowTypeImports: true },
            // One exception: the core's message catalogues (plain JSON), which the UI renders
            // the core's errors and reports from (i18n/core-text.ts). Nothing else of the core.
            { group: ['**/src-main/electron/**', '**/src-main/web/**', '**/src-main/cli/**', 'node:*'], message: 'the renderer talks only to the API.', allowTypeImports: false },
            {
              regex: 'src-main/core/(?!messages/(en|zh-CN)\\.json$)',
              message: 'the renderer talks only to the API (of the core, only its message catalogues: src-main/core/messages/en.json, zh-CN.json).',
              allowTypeImports: false,
            },
          ],
        },
      ],
    },
  },
)
