//! `set_in` and `create_in`: inside the caller's transaction.

use hasone::sea_orm::ActiveValue::{NotSet, Set};
use hasone::sea_orm::TransactionTrait;
use hasone::{Conditions, begin_write, load};

use crate::fixtures::{BILLING, CEO, TestDb, address, all, ceo};
use crate::{found, key};

#[tokio::test]
async fn a_rolled_back_set_in_leaves_no_change() {
    let t = TestDb::new().await;
    let before = t.all::<ceo::Entity>().await;
    let txn = begin_write(&t.db).await.expect("begin");
    let linked = CEO.set_in(&txn, 1, Some(4), None).await.expect("set_in");
    assert_eq!(linked.target.map(|c| c.company_id), Some(Some(1)));
    // The transaction sees its own change, through `load` too.
    let k = key(CEO.lookup(), 1, &Conditions::none());
    let loaded = load(&txn, std::slice::from_ref(&k)).await;
    assert_eq!(found(&loaded, &k).map(|c| c.id), Some(4));
    txn.rollback().await.expect("rollback");
    assert_eq!(t.all::<ceo::Entity>().await, before);
}

#[tokio::test]
async fn a_rolled_back_create_in_leaves_no_change() {
    let t = TestDb::new().await;
    let before = t.all::<address::Entity>().await;
    let txn = begin_write(&t.db).await.expect("begin");
    let values = address::ActiveModel {
        id: NotSet,
        company_id: NotSet,
        kind: NotSet,
        street: Set("9 New Rd".to_owned()),
    };
    let linked = BILLING
        .create_in(&txn, 2, values, None)
        .await
        .expect("create_in");
    assert_eq!(linked.previous.map(|a| a.id), Some(3));
    assert_eq!(
        all::<address::Entity, _>(&txn).await.len(),
        before.len() + 1
    );
    // Dropped without commit: rolled back.
    drop(txn);
    assert_eq!(t.all::<address::Entity>().await, before);
}

#[tokio::test]
async fn set_in_and_create_in_commit_together() {
    let t = TestDb::new().await;
    let txn = t.db.begin().await.expect("begin");
    CEO.set_in(&txn, 2, Some(5), None).await.expect("set_in");
    let values = ceo::ActiveModel {
        id: NotSet,
        company_id: NotSet,
        name: Set("Zed".to_owned()),
        retired: Set(false),
    };
    let created = CEO
        .create_in(&txn, 3, values, None)
        .await
        .expect("create_in");
    txn.commit().await.expect("commit");
    let links: Vec<_> = t
        .all::<ceo::Entity>()
        .await
        .into_iter()
        .map(|c| (c.name, c.company_id))
        .collect();
    let link = |name: &str, company| (name.to_owned(), company);
    assert_eq!(
        links,
        [
            link("Ada", Some(1)),
            link("Brian", None),
            link("Carol", Some(4)),
            link("Dave", None),
            link("Erin", Some(2)),
            link("Zed", Some(3)),
        ]
    );
    assert_eq!(created.target.map(|c| c.company_id), Some(Some(3)));
}
