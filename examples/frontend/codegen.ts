// graphql-codegen: TypeScript types and typed documents for the operations
// in *.graphql, checked against the live server's schema when
// HASONE_GRAPHQL_URL is set (CI), else against the committed schema.graphql.
import type { CodegenConfig } from '@graphql-codegen/cli';

const url = process.env.HASONE_GRAPHQL_URL;

const config: CodegenConfig = {
  schema: url
    ? [{ [url]: { headers: { 'graphql-require-preflight': '1' } } }]
    : '../../schema.graphql',
  documents: ['*.graphql'],
  generates: {
    'src/__generated__/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        // Ids come back as strings; arguments take a global or a row id.
        scalars: { ID: { input: 'string | number', output: 'string' } },
        useTypeImports: true,
      },
    },
  },
  errorsOnly: true,
};

export default config;
