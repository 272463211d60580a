// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.kafka/**', '.stack/**', 'eslint.config.mjs'] },
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
    files: ['apps/*/src/main.ts', 'apps/*/src/cli/main.ts', 'test/**/*.ts', 'bench/**/*.ts'],
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
              group: ['@app/*', '!@app/pos-sdk', '**/apps/**'],
              message: 'Integrations import only @app/pos-sdk.',
            },
          ],
        },
      ],
    },
  },
  {
    // The gateway picks SPI codes in one place: every answer it makes up is a GatewayAnswer.
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
            {
              name: '@app/contracts',
              importNames: ['SpiErrorCode', 'spiFailure', 'spiSuccess'],
              message: 'Answer with GatewayAnswer (apps/gateway/src/orders/gateway-answers.ts).',
            },
          ],
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
