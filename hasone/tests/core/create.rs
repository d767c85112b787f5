//! `create`: `createAssociation`, in its own transaction.

use hasone::Error;
use hasone::sea_orm::ActiveValue::{NotSet, Set};

use crate::fixtures::{
    BADGE, BILLING, CEO, METER, PASSPORT, TestDb, address, badge, ceo, meter, passport,
};

fn new_ceo(name: &str) -> ceo::ActiveModel {
    ceo::ActiveModel {
        id: NotSet,
        company_id: NotSet,
        name: Set(name.to_owned()),
        retired: Set(false),
    }
}

#[tokio::test]
async fn create_inserts_the_target_linked_and_unlinks_the_previous() {
    let t = TestDb::new().await;
    // A foreign key in the values is overwritten with the source's key.
    let values = ceo::ActiveModel {
        company_id: Set(Some(5)),
        ..new_ceo("Zed")
    };
    let linked = CEO.create(&t.db, 1, values, None).await.expect("create");
    assert!(linked.changed && !linked.destroyed);
    assert!(linked.target_before.is_none());
    let target = linked.target.expect("created");
    assert_eq!((target.name.as_str(), target.company_id), ("Zed", Some(1)));
    assert_eq!(
        linked.previous.map(|c| (c.id, c.company_id)),
        Some((1, None))
    );
    let rows = t.all::<ceo::Entity>().await;
    assert_eq!(rows.len(), 6);
    assert_eq!(rows.iter().find(|c| c.id == target.id), Some(&target));
    assert_eq!(rows[0].company_id, None, "Ada unlinked");
}

#[tokio::test]
async fn create_assigns_the_association_scope() {
    let t = TestDb::new().await;
    let values = address::ActiveModel {
        id: NotSet,
        company_id: NotSet,
        // The scope wins over the values, as in Sequelize.
        kind: Set("shipping".to_owned()),
        street: Set("9 New Rd".to_owned()),
    };
    let linked = BILLING
        .create(&t.db, 1, values, None)
        .await
        .expect("create");
    let target = linked.target.expect("created");
    assert_eq!(
        (target.company_id, target.kind.as_str()),
        (Some(1), "billing")
    );
    // Acme's billing address (1) is unlinked; its shipping one (2) is not
    // this association's and stays.
    assert_eq!(
        linked.previous.map(|a| (a.id, a.company_id)),
        Some((1, None))
    );
    let rows = t.all::<address::Entity>().await;
    assert_eq!(rows[1].company_id, Some(1));
    assert_eq!(rows[1].kind, "shipping");
}

#[tokio::test]
async fn create_on_a_not_null_foreign_key_deletes_the_previous() {
    let t = TestDb::new().await;
    let values = badge::ActiveModel {
        id: NotSet,
        company_id: NotSet,
        label: Set("A2".to_owned()),
    };
    let linked = BADGE.create(&t.db, 1, values, None).await.expect("create");
    assert!(linked.destroyed);
    assert_eq!(linked.previous.map(|b| b.id), Some(1));
    let labels: Vec<_> = t
        .all::<badge::Entity>()
        .await
        .into_iter()
        .map(|b| (b.company_id, b.label))
        .collect();
    assert_eq!(
        labels,
        [
            (2, "B".to_owned()),
            (3, "C".to_owned()),
            (1, "A2".to_owned())
        ]
    );
}

#[tokio::test]
async fn create_replaces_a_target_sharing_its_primary_key() {
    let t = TestDb::new().await;
    let values = passport::ActiveModel {
        company_id: NotSet,
        number: Set("P-1b".to_owned()),
    };
    let linked = PASSPORT
        .create(&t.db, 1, values, None)
        .await
        .expect("create");
    assert!(linked.destroyed);
    assert_eq!(linked.previous.map(|p| p.number), Some("P-1".to_owned()));
    let rows: Vec<_> = t
        .all::<passport::Entity>()
        .await
        .into_iter()
        .map(|p| (p.company_id, p.number))
        .collect();
    assert_eq!(rows, [(1, "P-1b".to_owned()), (2, "P-2".to_owned())]);
}

#[tokio::test]
async fn create_writes_a_u16_source_key_into_a_u32_foreign_key() {
    let t = TestDb::new().await;
    let values = meter::ActiveModel {
        id: Set(30),
        site_id: NotSet,
        serial: Set("M-30".to_owned()),
    };
    let linked = METER.create(&t.db, 7, values, None).await.expect("create");
    assert_eq!(linked.target.map(|m| m.site_id), Some(Some(7)));
    assert!(linked.previous.is_none(), "site 7 had no meter");
    let rows = t.all::<meter::Entity>().await;
    assert_eq!(
        rows.iter().find(|m| m.id == 30).map(|m| m.site_id),
        Some(Some(7))
    );
}

#[tokio::test]
async fn create_for_an_unknown_source_inserts_nothing() {
    let t = TestDb::new().await;
    let before = t.all::<ceo::Entity>().await;
    t.clear_log();
    let err = CEO
        .create(&t.db, 99, new_ceo("Zed"), None)
        .await
        .expect_err("no company 99");
    crate::assert_not_found(err, "companies", "99");
    assert_eq!(t.writes(), 0, "{:?}", t.statements());
    assert_eq!(t.all::<ceo::Entity>().await, before);
}

#[tokio::test]
async fn a_failed_insert_undoes_the_unlink() {
    let t = TestDb::new().await;
    let before = t.all::<ceo::Entity>().await;
    // `ceos.name` is unique: the insert fails after Ada was unlinked.
    let err = CEO
        .create(&t.db, 1, new_ceo("Brian"), None)
        .await
        .expect_err("duplicate name");
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    assert_eq!(t.all::<ceo::Entity>().await, before, "Ada still linked");
}
