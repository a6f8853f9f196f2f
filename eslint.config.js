import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

/** What the pure layers (schema, domain) may not reach: UI, Automerge, storage, the clock. */
const PURE_IMPORTS = {
  patterns: [
    {
      group: ['react', 'react-dom', 'react/*', 'react-dom/*'],
      message: 'schema and domain are React-free.',
    },
    { group: ['@automerge/*'], message: 'schema and domain work on plain objects, not Automerge.' },
    {
      group: ['idb', 'trystero', '@trystero-p2p/*', 'qrcode'],
      message: 'I/O belongs in src/adapters.',
    },
    {
      group: ['**/adapters/**', '**/hooks/**', '**/ui/**', '**/app/**'],
      message: 'schema and domain import only to their right.',
    },
  ],
}

export default tseslint.config(
  { ignores: ['dist', 'build', 'coverage', 'node_modules', '.test-output', 'dev-dist'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.node },
    },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name='only']",
          message: 'No focused tests.',
        },
      ],
    },
  },
  {
    files: ['src/schema/**', 'src/domain/**'],
    rules: {
      'no-restricted-imports': ['error', PURE_IMPORTS],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pass time in through CommandContext.' },
        { object: 'Math', property: 'random', message: 'Pass ids in through CommandContext.' },
      ],
      'no-restricted-globals': [
        'error',
        ...[
          'window',
          'document',
          'navigator',
          'localStorage',
          'indexedDB',
          'fetch',
          'setTimeout',
          'setInterval',
          'crypto',
          'performance',
        ].map((name) => ({ name, message: 'schema and domain read no clock, randomness or I/O.' })),
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Pass time in through CommandContext.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
)
