// Lint: typescript-eslint's recommended rules plus the import layering of DESIGN.md
// ("Which part may import which"), enforced with no-restricted-imports per folder.
import tseslint from 'typescript-eslint';

const protocols = ['smtp', 'imap', 'pop3', 'admin', 'http'];
const otherProtocols = (self) =>
  protocols.filter((p) => p !== self).map((p) => ({ group: [`../${p}/*`, `../../${p}/*`, `../../../${p}/*`], message: `protocol folders do not import each other (${p})` }));

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist-renderer/', 'release/', 'patches/', '.tmp/', 'test-results/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src-mailserver/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the server never imports electron' }],
          patterns: [{ group: ['**/src-main/**', '**/src-renderer/**'], message: 'the server never imports the app or the UI' }],
        },
      ],
    },
  },
  ...protocols.map((p) => ({
    files: [`src-mailserver/${p}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the server never imports electron' }],
          patterns: [...otherProtocols(p), { group: ['**/src-main/**', '**/src-renderer/**'], message: 'the server never imports the app or the UI' }],
        },
      ],
    },
  })),
  {
    files: ['src-mailserver/{store,queue,directory,auth,dns,tls,net,mail,common,log,config,spam,abuse,metrics,secrets}/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the server never imports electron' }],
          patterns: [
            {
              group: protocols.map((p) => `../${p}/*`),
              message: 'subsystems never import a protocol folder',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-mailserver/{mail,common}/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./(?!common/|mail/)', message: 'mail/ and common/ import only common/ (and mail/ itself)' }] },
      ],
    },
  },
  {
    // The renderer talks only AdminApi: it may import the contract, and only its types.
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the renderer talks only to window.mailAdmin / the AdminApi' }],
          patterns: [
            { group: ['**/src-main/**'], message: 'the renderer never imports the main process' },
            { regex: 'src-mailserver/(?!admin/contract\\.js$)', message: 'the renderer imports only the AdminApi contract from the server' },
            { regex: 'src-mailserver/admin/contract\\.js$', allowTypeImports: true, message: 'the AdminApi contract is imported as types only (import type)' },
          ],
        },
      ],
    },
  },
);
