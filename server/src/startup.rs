//! Starting the demo server: connect, migrate, seed an empty database,
//! build the schema and serve it. `main` and every test do it this way.

use entities::migration::migrate;
use hasone_actix::{AppState, Application, Graphiql, Pool, StartupError};

use crate::app::schema;
use crate::config::{DEFAULT_DATABASE_URL, Settings};

/// The demo's GraphiQL: three ready tabs.
fn graphiql() -> Graphiql {
    Graphiql::new("hasone")
        .tab(
            "# Has-one fields of a page of users: one SQL
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
",
        )
        .tab(
            "# user.setProfile(profile): links Profile:1 to
# User:5 (moving it away from User:1) and unlinks
# User:5's current profile, returned as `previous`.
mutation SetProfile {
  setUserProfile(userId: \"User:5\", profileId: \"Profile:1\") {
    user { id profile { id bio } }
    profile { id userId }
    previous { id userId }
  }
}
",
        )
        .tab(
            "# userProfileChanged: the profile linked to User:5
# now (current: true), then every committed change of
# that link, from this server or any other on the same
# PostgreSQL. Run it, then the SetProfile tab.
subscription ProfileChanges {
  userProfileChanged(userId: \"User:5\", current: true) {
    user { id }
    profile { id bio }
    previous { id }
  }
}
",
        )
}

/// Connects, migrates and seeds an empty database; returns the HTTP
/// state to serve and the database.
pub async fn state(settings: &Settings) -> Result<(AppState, Pool), StartupError> {
    let pool = Pool::open(&settings.server, DEFAULT_DATABASE_URL).await?;
    migrate(&pool.conn, pool.allowlist()).await?;
    if settings.seed_users > 0 && entities::seed::seed(&pool.conn, settings.seed_users, 20).await? {
        tracing::info!(users = settings.seed_users, "seeded demo data");
    }
    let state = AppState::build(&settings.server, &pool, schema(), graphiql()).await?;
    Ok((state, pool))
}

/// The demo server, bound and ready to run.
pub struct Server {
    pub app: Application,
    pub db: Pool,
}

/// Everything `hasone serve` does before it serves.
pub async fn build(settings: Settings) -> Result<Server, StartupError> {
    let (state, db) = state(&settings).await?;
    let app = Application::bind(&settings.server, state)?;
    Ok(Server { app, db })
}
