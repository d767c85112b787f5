// The GraphiQL page of hasone: everything it needs is in this bundle
// (served from /graphiql/assets/); it loads nothing from elsewhere.
import { GraphiQL } from 'graphiql';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import './page.css';

const root = document.getElementById('graphiql');
// The page is served by the GraphQL endpoint itself (GET with Accept: text/html).
const endpoint = root.dataset.endpoint || '/graphql';

const USERS_QUERY = `# Has-one fields of a page of users: one SQL
# statement per field, whatever the page size.
query Users {
  users(first: 5) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id
        name
        profile { bio visibility }
        billingAddress { street city }
        shippingAddress { street city }
        project { name }
        archivedProject: project(
          scope: [ARCHIVED]
        ) { name archived }
      }
    }
  }
}
`;

const SET_PROFILE_MUTATION = `# user.setProfile(profile): links Profile:1 to
# User:5 (moving it away from User:1) and unlinks
# User:5's current profile, returned as \`previous\`.
mutation SetProfile {
  setUserProfile(userId: "User:5", profileId: "Profile:1") {
    user { id profile { id bio } }
    profile { id userId }
    previous { id userId }
  }
}
`;

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
    defaultTabs={[{ query: USERS_QUERY }, { query: SET_PROFILE_MUTATION }]}
    defaultEditorToolsVisibility={false}
    isHeadersEditorEnabled
  />,
);
