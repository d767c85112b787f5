//! Counting the SQL statements the server issues: in total, and per
//! request (a tokio task-local, so concurrent requests count apart); and
//! [`detached`], which runs a request's database work on a task of its
//! own, still counted as the request's.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sea_orm::DatabaseConnection;

tokio::task_local! {
    /// Statements issued by the request being served in this task.
    static REQUEST_STATEMENTS: Arc<AtomicU64>;
}

/// The statements of a connection pool: a total, and per request through
/// [`Statements::count`].
#[derive(Clone, Debug, Default)]
pub struct Statements {
    total: Arc<AtomicU64>,
}

impl Statements {
    /// Counts every statement `db` runs from now on (SeaORM's metric
    /// callback).
    pub fn install(db: &mut DatabaseConnection) -> Self {
        let statements = Statements::default();
        let counter = statements.clone();
        db.set_metric_callback(move |_| counter.record());
        statements
    }

    /// Every statement since [`Statements::install`].
    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    fn record(&self) {
        self.total.fetch_add(1, Ordering::Relaxed);
        let _ = REQUEST_STATEMENTS.try_with(|n| n.fetch_add(1, Ordering::Relaxed));
    }

    /// Runs `fut`, returning its output and the statements it issued.
    pub async fn count<F: Future>(fut: F) -> (F::Output, u64) {
        let counter = Arc::new(AtomicU64::new(0));
        let out = REQUEST_STATEMENTS.scope(counter.clone(), fut).await;
        (out, counter.load(Ordering::Relaxed))
    }
}

/// Runs `work` (a request's use of the database: a batch of loads, a
/// mutation's transaction) on a tokio task of its own, counted as the
/// calling request's statements, and waits for its output.
///
/// Whatever holds a pooled connection, or a place in the pool's queue
/// (the pool hands a freed connection to the first in the queue, polled
/// or not), or a row lock, must be polled until it lets go. A request's
/// future is not, always: the events of a subscription are resolved only
/// when the WebSocket's task asks for the next one, and that task waits
/// on a client that does not read. A load of such an event used to keep
/// its connection for as long (up to the WebSocket's send timeout), and a
/// few such subscriptions took the whole pool: every other request then
/// failed with `UNAVAILABLE` (issue 21). Here the task runs to the end,
/// gives its connection back, and keeps the output for the caller.
///
/// A caller that is dropped (a request timeout, a client gone) aborts the
/// task where it waits next, as dropping the work itself would: a
/// transaction that has not committed rolls back; one that goes on after
/// its request answered `TIMEOUT` would commit behind it. `Err` only when
/// the task panicked or its runtime is shutting down.
pub(crate) async fn detached<T, F>(work: F) -> Result<T, tokio::task::JoinError>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let task = match REQUEST_STATEMENTS.try_with(Arc::clone) {
        Ok(counter) => tokio::spawn(REQUEST_STATEMENTS.scope(counter, work)),
        Err(_) => tokio::spawn(work),
    };
    let mut task = AbortOnDrop(task);
    (&mut task.0).await
}

/// Aborts its task when dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
