//! [`Changes`]: where committed has-one changes go, for subscriptions.
//!
//! A mutation that changes a link (`set*`, `create*`, an unlink, the
//! delete of a linked target or of a source) describes it as a
//! [`Change`] and commits it through [`Changes::commit`]:
//! - on PostgreSQL the change is sent with `pg_notify` inside the
//!   mutation's own transaction, so that PostgreSQL delivers it on commit
//!   only, in commit order, to every hasone process listening on the
//!   database (one `LISTEN` connection each);
//! - elsewhere (SQLite, MariaDB) it is handed to this process's
//!   subscribers right after the commit, under a lock held across commit
//!   and hand-over, so that they too see changes in commit order.
//!
//! Delivery is at most once: a subscriber that is disconnected, or falls
//! more than [`BUFFER`] changes behind, misses changes. It is told so
//! ([`Received::Missed`]) and catches up by reading the field again
//! (docs/subscriptions.md).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use hasone::tenancy::SchemaName;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, Statement,
};
use serde::{Deserialize, Serialize};

use crate::model::RowModel;
use crate::registry::{AssocSpec, Registry};
use crate::snapshot::Snapshot;
use tokio::sync::{Mutex, broadcast, oneshot};

/// The `LISTEN`/`NOTIFY` channel.
pub const CHANNEL: &str = "hasone_changes";

/// How many changes a subscriber may fall behind before it misses some.
pub const BUFFER: usize = 1024;

/// PostgreSQL refuses a `NOTIFY` payload of 8000 bytes or more; a change
/// larger than this goes without its rows' values (subscribers read the
/// rows by id).
const MAX_PAYLOAD: usize = 7900;

/// One committed change of one association's link, for one source.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct Change {
    /// The association: `<Source type>.<field>` (stable across processes
    /// and versions, unlike an index).
    pub assoc: String,
    /// The tenant schema of the target table, if not the default one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub source: Snapshot,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Snapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<Snapshot>,
}

impl Change {
    /// A change of `assoc` for `source`: the rows as they read now.
    pub fn of(
        registry: &Registry,
        assoc: &AssocSpec,
        schema: Option<&SchemaName>,
        source: &RowModel,
        target: Option<&RowModel>,
        previous: Option<&RowModel>,
    ) -> Change {
        let (sources, targets) = (&registry[assoc.source], &registry[assoc.target]);
        Change {
            assoc: assoc.change_key(registry),
            schema: schema.map(|s| s.as_str().to_owned()),
            source: Snapshot::of(sources, source),
            target: target.map(|t| Snapshot::of(targets, t)),
            previous: previous.map(|p| Snapshot::of(targets, p)),
        }
    }

    /// The change as a `NOTIFY` payload: JSON, without the rows' values if
    /// it would not fit.
    fn payload(&self) -> Result<String, DbErr> {
        let encode = |change: &Change| {
            serde_json::to_string(change).map_err(|e| DbErr::Custom(e.to_string()))
        };
        let full = encode(self)?;
        if full.len() <= MAX_PAYLOAD {
            return Ok(full);
        }
        // Without the rows' values, one after the other until it fits:
        // previous, target, then the source (which a subscriber cannot
        // read again once it is deleted).
        let mut small = self.clone();
        for step in 0..3 {
            let snapshot = match step {
                0 => small.previous.as_mut(),
                1 => small.target.as_mut(),
                _ => Some(&mut small.source),
            };
            if let Some(snapshot) = snapshot {
                snapshot.values = None;
            }
            let encoded = encode(&small)?;
            if encoded.len() <= MAX_PAYLOAD {
                return Ok(encoded);
            }
        }
        Err(DbErr::Custom(
            "the change's row ids do not fit a NOTIFY payload".to_owned(),
        ))
    }
}

/// What a subscriber receives.
#[derive(Clone, Debug)]
pub(crate) enum Received {
    Change(Arc<Change>),
    /// Changes may have been missed (the subscriber fell behind, or the
    /// `LISTEN` connection was lost and made again).
    Missed,
}

/// Where committed changes go (see the module's documentation). One per
/// process, in an [`crate::Api`]; cloning shares it.
#[derive(Clone)]
pub struct Changes {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    sender: broadcast::Sender<Received>,
    /// Whether changes travel through `NOTIFY` (PostgreSQL).
    notify: bool,
    /// Held across commit and hand-over where there is no `NOTIFY`.
    order: Mutex<()>,
    /// Dropped with the hub: the `LISTEN` task then ends, and gives its
    /// connection back.
    _listening: Option<oneshot::Sender<()>>,
}

impl fmt::Debug for Changes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            None => f.write_str("Changes(off)"),
            Some(inner) if inner.notify => f.write_str("Changes(LISTEN/NOTIFY)"),
            Some(_) => f.write_str("Changes(in process)"),
        }
    }
}

impl Default for Changes {
    fn default() -> Self {
        Changes::off()
    }
}

impl Changes {
    /// No subscriptions: mutations commit as they are, subscribing fails
    /// (for tools that only print the schema).
    pub fn off() -> Self {
        Changes { inner: None }
    }

    /// Changes of the database `db`: on PostgreSQL, listens on `hasone_changes`
    /// with a connection of its own (one more than `db`'s pool), from a
    /// task of its own that connects again when the connection is lost;
    /// elsewhere, within this process. Call it within the tokio runtime.
    pub async fn start(db: &DatabaseConnection) -> Result<Self, DbErr> {
        let (sender, _) = broadcast::channel(BUFFER);
        let notify = db.get_database_backend() == DbBackend::Postgres;
        let mut listening = None;
        if notify {
            // A connection of its own, not one of the pool's: a pool of one
            // would have none left for requests. No idle timeout and no
            // maximum lifetime, as every pool of hasone-actix (sqlx's reaper,
            // docs/decisions.md "Database pools").
            let options = (*db.get_postgres_connection_pool().connect_options()).clone();
            let pool = sea_orm::sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .min_connections(0)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_lazy_with(options);
            let listener = listen(&pool).await?;
            let (stop, stopped) = oneshot::channel();
            listening = Some(stop);
            let forwarded = forward(pool, listener, sender.clone());
            tokio::spawn(async move {
                tokio::select! {
                    () = forwarded => {}
                    _ = stopped => {}
                }
            });
        }
        Ok(Changes {
            inner: Some(Arc::new(Inner {
                sender,
                notify,
                order: Mutex::new(()),
                _listening: listening,
            })),
        })
    }

    /// Whether changes are published (not [`Changes::off`]).
    pub fn enabled(&self) -> bool {
        self.inner.is_some()
    }

    /// Commits `txn` with `changes`: they reach subscribers only if the
    /// commit succeeds.
    pub(crate) async fn commit(
        &self,
        txn: DatabaseTransaction,
        changes: Vec<Change>,
    ) -> Result<(), DbErr> {
        let Some(inner) = self.inner.as_ref().filter(|_| !changes.is_empty()) else {
            return txn.commit().await;
        };
        if inner.notify {
            for change in &changes {
                txn.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_notify($1, $2)",
                    [CHANNEL.into(), change.payload()?.into()],
                ))
                .await?;
            }
            return txn.commit().await;
        }
        let _order = inner.order.lock().await;
        txn.commit().await?;
        for change in changes {
            // No receiver is not an error: nobody subscribes.
            let _ = inner.sender.send(Received::Change(Arc::new(change)));
        }
        Ok(())
    }

    /// A new subscriber's receiver; `None` when [`Changes::off`].
    pub(crate) fn subscribe(&self) -> Option<broadcast::Receiver<Received>> {
        self.inner.as_ref().map(|inner| inner.sender.subscribe())
    }
}

async fn listen(
    pool: &sea_orm::sqlx::PgPool,
) -> Result<sea_orm::sqlx::postgres::PgListener, DbErr> {
    let mut listener = sea_orm::sqlx::postgres::PgListener::connect_with(pool)
        .await
        .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))?;
    listener
        .listen(CHANNEL)
        .await
        .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))?;
    Ok(listener)
}

/// Hands every notification to this process's subscribers; a lost
/// connection is made again, and subscribers are told they may have
/// missed changes. Ends when the pool closes (or the hub is dropped).
async fn forward(
    pool: sea_orm::sqlx::PgPool,
    listener: sea_orm::sqlx::postgres::PgListener,
    sender: broadcast::Sender<Received>,
) {
    let mut listener = Some(listener);
    loop {
        let Some(current) = listener.as_mut() else {
            // The old listener is dropped first: it holds the pool's only
            // connection, and a dead one after a reset.
            tokio::time::sleep(Duration::from_millis(500)).await;
            if pool.is_closed() {
                return;
            }
            match listen(&pool).await {
                Ok(fresh) => listener = Some(fresh),
                Err(err) => tracing::warn!(error = %err, "cannot listen for changes yet"),
            }
            continue;
        };
        match current.try_recv().await {
            Ok(Some(notification)) => {
                match serde_json::from_str::<Change>(notification.payload()) {
                    Ok(change) => {
                        let _ = sender.send(Received::Change(Arc::new(change)));
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "a change notification that is not one")
                    }
                }
            }
            Ok(None) => {
                tracing::warn!("the LISTEN connection was lost and made again");
                let _ = sender.send(Received::Missed);
            }
            Err(err) => {
                if pool.is_closed() {
                    return;
                }
                tracing::warn!(error = %err, "the LISTEN connection failed; listening again");
                let _ = sender.send(Received::Missed);
                listener = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(id: &str, bio: &str) -> Snapshot {
        let mut values = indexmap::IndexMap::new();
        values.insert(
            "bio".to_owned(),
            async_graphql::Value::String(bio.to_owned()),
        );
        Snapshot {
            id: id.to_owned(),
            values: Some(values),
        }
    }

    #[test]
    fn a_change_that_fits_carries_its_rows_and_one_that_does_not_only_ids() {
        let small = Change {
            assoc: "User.profile".to_owned(),
            schema: None,
            source: snapshot("1", "a"),
            target: Some(snapshot("2", "b")),
            previous: None,
        };
        let payload = small.payload().unwrap();
        assert_eq!(serde_json::from_str::<Change>(&payload).unwrap(), small);

        let big = Change {
            target: Some(snapshot("2", &"x".repeat(MAX_PAYLOAD))),
            ..small.clone()
        };
        let payload = big.payload().unwrap();
        assert!(payload.len() <= MAX_PAYLOAD, "{}", payload.len());
        let sent: Change = serde_json::from_str(&payload).unwrap();
        assert_eq!(sent.target.as_ref().map(|t| t.id.as_str()), Some("2"));
        assert!(sent.target.unwrap().values.is_none());
        // The source keeps its values: only the large target went.
        assert_eq!(sent.source, small.source);
    }
}
