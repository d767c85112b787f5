//! Counting the SQL statements the server issues: in total, and per
//! request (a tokio task-local, so concurrent requests count apart).

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
