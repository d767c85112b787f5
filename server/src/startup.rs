//! Starting the demo server: connect, migrate, seed an empty database,
//! build the schema and serve it. `main` and every test do it this way.

use entities::migration::migrate;
use hasone_actix::db::{self, Database};
use hasone_actix::{AppState, Application, Graphiql, StartupError};
use hasone_graphql::{Api, Changes, Shared};

use crate::app::schema;
use crate::config::Settings;

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
pub async fn state(settings: &Settings) -> Result<(AppState, Database), StartupError> {
    let url = settings.database_url();
    let allowlist = settings
        .server
        .allowlist(&url)
        .map_err(|e| StartupError::Config(e.to_string()))?;
    settings
        .server
        .limits
        .validate()
        .map_err(StartupError::Config)?;
    let db = db::connect(&settings.server, &url, &allowlist).await?;
    migrate(&db.conn, &allowlist).await?;
    if settings.seed_users > 0 && entities::seed::seed(&db.conn, settings.seed_users, 20).await? {
        tracing::info!(users = settings.seed_users, "seeded demo data");
    }
    let limits = settings.server.graphql_limits();
    let shared = Shared {
        db: db.conn.clone(),
        allowlist: allowlist.clone(),
        max_page_size: limits.max_page_size,
        changes: Changes::start(&db.conn).await?,
    };
    let mut api = Api::new(schema(shared, &limits), db.conn.clone(), limits);
    let mut probe = db::probe(&url).await?;
    if let Some(replica_url) = &settings.server.read_database_url {
        let replica = db::connect(&settings.server, replica_url, &allowlist).await?;
        api = api.with_read_replica(replica.conn);
        probe = probe.with_replica(replica_url).await?;
        tracing::info!("queries read from the read replica (HASONE_READ_DATABASE_URL)");
    }
    Ok((AppState::new(&settings.server, api, probe, graphiql()), db))
}

/// The demo server, bound and ready to run.
pub struct Server {
    pub app: Application,
    pub db: Database,
}

/// Everything `hasone serve` does before it serves.
pub async fn build(settings: Settings) -> Result<Server, StartupError> {
    let (state, db) = state(&settings).await?;
    let app = Application::bind(&settings.server, state)?;
    Ok(Server { app, db })
}
