// A minimal typed client over the generated documents: what a frontend
// does with the operations in ../*.graphql. Checked by `tsc --noEmit`.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

import {
  CreateUserProjectDocument,
  SetUserBillingAddressDocument,
  UserWithHasOneDocument,
  UsersPageDocument,
  type CreateUserProjectMutation,
  type UserWithHasOneQuery,
  type UsersPageQuery,
} from './__generated__/graphql';

/** The `extensions.code` values hasone puts on errors. */
export type ErrorCode =
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'INTERNAL'
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED';

export interface GraphQLErrorBody {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: ErrorCode | string };
}

export class HasoneError extends Error {
  constructor(readonly errors: GraphQLErrorBody[]) {
    super(errors.map((e) => e.message).join('; '));
  }

  /** The first error's code, e.g. to tell NOT_FOUND from CONFLICT. */
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

/**
 * POSTs one operation as JSON. `graphql-require-preflight: 1` is the CSRF
 * header the server asks of requests that are not JSON POSTs; sending it
 * always is harmless.
 */
export async function request<TResult, TVariables>(
  endpoint: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'graphql-require-preflight': '1',
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: TResult | null; errors?: GraphQLErrorBody[] };
  if (body.errors?.length) throw new HasoneError(body.errors);
  if (body.data == null) throw new HasoneError([{ message: `HTTP ${response.status}: no data` }]);
  return body.data;
}

/**
 * A mutation's result. Mutation fields are nullable (a failed one is null
 * and the others still answer); `request` has already thrown on its error,
 * so null here means the server broke the contract.
 */
function present<T>(value: T | null | undefined, field: string): T {
  if (value == null) throw new HasoneError([{ message: `${field} is null without an error` }]);
  return value;
}

type User = NonNullable<UserWithHasOneQuery['user']>;

/** One line about a user's has-one targets; null fields are absent targets. */
export function describe(user: User): string {
  const parts = [`${user.name} (${user.id})`];
  parts.push(user.profile ? `bio "${user.profile.bio}" (${user.profile.visibility})` : 'no profile');
  if (user.publicProfile === null && user.profile !== null) parts.push('profile is private');
  const billing = user.billingAddress;
  parts.push(billing ? `bills to ${billing.city}, ${billing.country}` : 'no billing address');
  if (user.shippingAddress?.verified === false) {
    throw new Error('the VERIFIED scope returned an unverified address');
  }
  parts.push(user.project?.name ?? user.archivedProject?.name ?? 'no project');
  return parts.join(', ');
}

export async function loadUser(endpoint: string, id: string): Promise<string> {
  const { user } = await request(endpoint, UserWithHasOneDocument, { id });
  return user ? describe(user) : `no user ${id}`;
}

/** Every user, page by page, following `endCursor`. */
export async function* allUsers(
  endpoint: string,
  pageSize = 50,
): AsyncGenerator<UsersPageQuery['users']['edges'][number]['node']> {
  let after: string | null = null;
  for (;;) {
    const page: UsersPageQuery = await request(endpoint, UsersPageDocument, {
      first: pageSize,
      after,
    });
    for (const edge of page.users.edges) yield edge.node;
    if (!page.users.pageInfo.hasNextPage) return;
    after = page.users.pageInfo.endCursor;
  }
}

/** Moves an address to a user; returns the id of the one it replaced. */
export async function moveBillingAddress(
  endpoint: string,
  userId: string,
  addressId: string | null,
): Promise<string | null> {
  try {
    const data = await request(endpoint, SetUserBillingAddressDocument, {
      userId,
      addressId,
    });
    const setUserBillingAddress = present(data.setUserBillingAddress, 'setUserBillingAddress');
    const kind: 'BILLING' | 'SHIPPING' | null = setUserBillingAddress.billingAddress?.kind ?? null;
    if (addressId !== null && kind !== 'BILLING') throw new Error(`linked as ${kind}`);
    return setUserBillingAddress.previous?.id ?? null;
  } catch (err) {
    if (err instanceof HasoneError && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}

/** Creates the user's project, in a tenant `schema` when given. */
export async function startProject(
  endpoint: string,
  userId: string,
  name: string,
  schema?: string,
): Promise<NonNullable<CreateUserProjectMutation['createUserProject']>> {
  const data = await request(endpoint, CreateUserProjectDocument, {
    userId,
    input: { name },
    schema: schema ?? null,
  });
  const createUserProject = present(data.createUserProject, 'createUserProject');
  // The project it replaced, if any, is unlinked: its owner is now null.
  if (createUserProject.previous && createUserProject.previous.ownerId !== null) {
    throw new Error('previous project still owned');
  }
  return createUserProject;
}
