// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/** `no-restricted-imports` options forbidding `names` (and their subpaths) and `folders`. */
function forbid(message, names, folders = []) {
  return {
    paths: names.map((name) => ({ name, message })),
    patterns: [{ group: [...names.map((name) => `${name}/*`), ...folders], message }],
  };
}

// The design's boundaries; test/ (end-to-end tests) may import anything.
const GATEWAY_BOUNDARY = forbid(
  'The gateway reaches workers over Kafka only and keeps no database.',
  ['@wix-pos-gateway/database', 'pg', '@electric-sql/pglite'],
  ['**/pos-worker/**'],
);
const WORKER_BOUNDARY = forbid(
  'The worker reaches the gateway over Kafka only.',
  [],
  ['**/apps/gateway/**', '**/gateway/src/**'],
);
const CONTRACTS_BOUNDARY = forbid(
  'Contracts import no app and no transport: both sides share them.',
  ['@wix-pos-gateway/kafka', 'kafkajs', '@nestjs/microservices'],
  ['**/apps/**', '**/gateway/src/**', '**/pos-worker/src/**'],
);

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'libs/*/dist/**',
      'examples/*/dist/**',
      'examples/*/node_modules/**',
      'libs/*/api/**',
      'node_modules/**',
      '.kafka/**',
      '.stack/**',
      'eslint.config.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read the environment only in an app config (config.ts) or the test support.',
        },
      ],
    },
  },
  {
    files: [
      'apps/*/src/main.ts',
      'apps/*/src/cli/main.ts',
      'tools/*/main.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
      'libs/pos-conformance/src/**/*.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // An integration sees the worker only through the SDK, as a brand's own package would.
    files: ['libs/integrations/**/*.ts', 'examples/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@wix-pos-gateway/*',
                '!@wix-pos-gateway/pos-sdk',
                '**/apps/**',
                '**/libs/**',
              ],
              message: 'Integrations import only @wix-pos-gateway/pos-sdk.',
            },
          ],
        },
      ],
    },
  },
  {
    // A POS vendor installs the SDK alone: it imports nothing but Node and its own modules.
    files: ['libs/pos-sdk/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!node:|\\./|\\.\\./)',
              message: 'The SDK has no dependencies (libs/pos-sdk/package.json).',
            },
          ],
        },
      ],
    },
  },
  {
    // Contracts are plain data: no app, no transport, no store.
    files: ['libs/contracts/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', CONTRACTS_BOUNDARY] },
  },
  {
    // The worker talks to the gateway over Kafka only.
    files: ['apps/pos-worker/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', WORKER_BOUNDARY] },
  },
  {
    files: ['apps/gateway/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', GATEWAY_BOUNDARY] },
  },
  {
    // The gateway picks SPI codes in one place: every answer it makes up is a GatewayAnswer.
    // (A later entry replaces the rule's options, so this one repeats the boundary.)
    files: ['apps/gateway/**/*.ts'],
    ignores: [
      'apps/gateway/src/orders/gateway-answers.ts',
      'apps/gateway/src/orders/answer-rules.ts',
      '**/*.spec.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...GATEWAY_BOUNDARY.paths,
            {
              name: '@wix-pos-gateway/contracts',
              importNames: ['SpiErrorCode', 'spiFailure', 'spiSuccess'],
              message: 'Answer with GatewayAnswer (apps/gateway/src/orders/gateway-answers.ts).',
            },
          ],
          patterns: GATEWAY_BOUNDARY.patterns,
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
);
