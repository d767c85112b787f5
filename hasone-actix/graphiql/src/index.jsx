// The GraphiQL page of hasone: everything it needs is in this bundle
// (served from /graphiql/assets/); it loads nothing from elsewhere.
import { GraphiQL } from 'graphiql';
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

// Every request is a JSON POST carrying the CSRF preflight header.
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

createRoot(root).render(
  <GraphiQL
    fetcher={fetcher}
    defaultTabs={tabs()}
    defaultEditorToolsVisibility={false}
    isHeadersEditorEnabled
  />,
);
