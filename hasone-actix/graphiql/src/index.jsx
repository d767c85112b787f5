// The GraphiQL page of hasone: everything it needs is in this bundle
// (served from /graphiql/assets/); it loads nothing from elsewhere.
import { GraphiQL } from 'graphiql';
import { parse } from 'graphql';
import { createClient } from 'graphql-ws';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import './page.css';

const root = document.getElementById('graphiql');
// The page is served by the GraphQL endpoint itself (GET with Accept: text/html).
const endpoint = root.dataset.endpoint || '/graphql';

// The application's ready tabs, from the page (hasone-actix's `Graphiql`):
// a JSON list of query texts in `data-tabs`.
function tabs() {
  try {
    const list = JSON.parse(root.dataset.tabs || '[]');
    return Array.isArray(list) ? list.filter((q) => typeof q === 'string').map((query) => ({ query })) : [];
  } catch {
    return [];
  }
}

// Queries and mutations are JSON POSTs carrying the CSRF preflight header.
async function fetcher(params, options) {
  const response = await fetch(endpoint, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      ...(options?.headers ?? {}),
      accept: 'application/graphql-response+json, application/json',
      'content-type': 'application/json',
      'graphql-require-preflight': '1',
    },
    body: JSON.stringify(params),
  });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 500)}` }] };
  }
}

// Subscriptions go over a WebSocket on the same endpoint (ws: from an http:
// page, wss: from https:), protocol graphql-transport-ws. The client connects
// on the first subscription and closes the socket after the last one ends.
// A browser's WebSocket cannot carry headers, so the headers editor does not
// apply to them.
const socketUrl = new URL(endpoint, location.href);
socketUrl.protocol = socketUrl.protocol === 'https:' ? 'wss:' : 'ws:';
socketUrl.hash = ''; // a WebSocket URL has no fragment
let socketClient;

// Is the operation to run (the one named, or the only one) a subscription?
// A query that does not parse goes by POST, and the server answers the error.
function isSubscription({ query, operationName }) {
  let document;
  try {
    document = parse(query);
  } catch {
    return false;
  }
  const operations = document.definitions.filter((d) => d.kind === 'OperationDefinition');
  const operation = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1 && operations[0];
  return operation?.operation === 'subscription';
}

// Why a subscription failed, as GraphQL errors: the server's `error` message
// (already a list of errors), the socket closing (e.g. 4400 and the reason),
// or a socket error, of which the browser tells nothing more.
function socketErrors(error) {
  if (Array.isArray(error)) return error;
  if (typeof error?.code === 'number') {
    return [{ message: `WebSocket closed: ${error.code}${error.reason ? ` ${error.reason}` : ''}` }];
  }
  if (error instanceof Error) return [{ message: error.message }];
  return [{ message: `WebSocket error: the connection to ${socketUrl} failed or was lost` }];
}

// The results of a subscription, as an async iterator: a failure ends it with
// one last result carrying the errors. `return` (GraphiQL's stop button)
// unsubscribes at once, even while waiting for the next result.
function subscribe({ query, variables, operationName }) {
  socketClient ??= createClient({ url: socketUrl.href, lazy: true });
  const results = socketClient.iterate({ query, variables, operationName });
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: () => results.next().catch((error) => ({ done: false, value: { errors: socketErrors(error) } })),
    return: () => results.return(),
  };
}

// GraphiQL's fetcher: subscriptions over the socket, the rest by POST.
function fetchOrSubscribe(params, options) {
  return isSubscription(params) ? subscribe(params) : fetcher(params, options);
}

createRoot(root).render(
  <GraphiQL
    fetcher={fetchOrSubscribe}
    defaultTabs={tabs()}
    defaultEditorToolsVisibility={false}
    isHeadersEditorEnabled
  />,
);
