// GraphQL Codegen configuration of a typed TypeScript client for this
// service: the client preset over schema.graphqls, with the custom scalars
// bound to their JSON types (Time is an RFC 3339 string; JSON is any JSON
// value). The end-to-end tests generate src/gql/ with it and compile
// src/ with `tsc --strict` (see e2e/clients_test.go).
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../../schema.graphqls',
  documents: ['src/**/*.ts', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      config: {
        strictScalars: true,
        scalars: {
          ID: 'string',
          Time: 'string',
          JSON: 'string | number | boolean | null | { [key: string]: unknown } | unknown[]',
        },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
