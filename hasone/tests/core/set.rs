//! `set`: `setAssociation`, in its own transaction.

use hasone::{Conditions, Error, OnDelete};

use crate::fixtures::{
    BADGE, BADGE_DESTROYING, BILLING, CEO, CEO_REPLACING, METER, OFFICE, PASSPORT, SHIPPING,
    TestDb, address, badge, ceo, meter, office, passport,
};

/// The `(id, company_id)` of every CEO.
async fn ceo_links(t: &TestDb) -> Vec<(i32, Option<i32>)> {
    t.all::<ceo::Entity>()
        .await
        .into_iter()
        .map(|c| (c.id, c.company_id))
        .collect()
}

#[test]
fn declarations_follow_the_foreign_key() {
    assert!(CEO.nullable());
    assert_eq!(CEO.delete_rule(), OnDelete::SetNull);
    assert!(!CEO.destroys_previous());
    assert!(CEO_REPLACING.destroys_previous());
    assert!(!BADGE.nullable());
    assert_eq!(BADGE.delete_rule(), OnDelete::Cascade);
    assert!(BADGE.destroys_previous());
    assert!(PASSPORT.shares_primary_key());
    assert!(!CEO.shares_primary_key());
    assert_eq!(CEO.source_table(), "companies");
    assert_eq!(BILLING.foreign_key_name(), "company_id");
}

#[tokio::test]
async fn set_moves_the_foreign_key_and_unlinks_the_previous_target() {
    let t = TestDb::new().await;
    // Acme (1) has Ada (1); Dave (4) runs nothing.
    t.clear_log();
    let linked = CEO.set(&t.db, 1, Some(4), None).await.expect("set");
    // Unlink Ada, link Dave: two `UPDATE … RETURNING`, nothing else.
    assert_eq!(t.writes(), 2, "{:?}", t.statements());
    assert!(linked.changed);
    assert!(!linked.destroyed);
    assert_eq!(linked.source.id, 1);
    let target = linked.target.expect("linked");
    assert_eq!((target.id, target.company_id), (4, Some(1)));
    let previous = linked.previous.expect("Ada was linked");
    assert_eq!((previous.id, previous.company_id), (1, None));
    assert_eq!(linked.target_before.map(|c| c.company_id), Some(None));
    assert_eq!(
        ceo_links(&t).await,
        [
            (1, None),
            (2, Some(2)),
            (3, Some(4)),
            (4, Some(1)),
            (5, None)
        ]
    );
    // Read back through the association.
    let acme = linked.source;
    let now = CEO
        .get(&t.db, &acme, &Conditions::none(), None)
        .await
        .expect("get");
    assert_eq!(now.map(|c| c.id), Some(4));
}

#[tokio::test]
async fn set_takes_a_target_from_another_source() {
    let t = TestDb::new().await;
    // Brian (2) runs Globex (2); Acme (1) takes him.
    let linked = CEO.set(&t.db, 1, Some(2), None).await.expect("set");
    assert_eq!(
        linked.target_before.map(|c| c.company_id),
        Some(Some(2)),
        "what Brian was linked to"
    );
    assert_eq!(
        ceo_links(&t).await,
        [(1, None), (2, Some(1)), (3, Some(4)), (4, None), (5, None)]
    );
}

#[tokio::test]
async fn set_to_the_linked_target_writes_nothing() {
    let t = TestDb::new().await;
    t.clear_log();
    let linked = CEO.set(&t.db, 1, Some(1), None).await.expect("set");
    assert!(!linked.changed);
    assert!(linked.previous.is_none());
    assert_eq!(linked.target.map(|c| c.id), Some(1));
    assert_eq!(t.writes(), 0, "{:?}", t.statements());
}

#[tokio::test]
async fn set_none_unlinks_and_keeps_the_row() {
    let t = TestDb::new().await;
    let linked = CEO.set(&t.db, 1, None, None).await.expect("set null");
    assert!(linked.changed && !linked.destroyed);
    assert!(linked.target.is_none());
    assert_eq!(
        linked.previous.map(|c| (c.id, c.company_id)),
        Some((1, None))
    );
    assert_eq!(ceo_links(&t).await[0], (1, None), "Ada kept, unlinked");
    // Nothing left to unlink.
    let again = CEO.set(&t.db, 1, None, None).await.expect("set null again");
    assert!(!again.changed && again.previous.is_none());
}

#[tokio::test]
async fn destroy_previous_deletes_instead_of_unlinking() {
    let t = TestDb::new().await;
    let linked = CEO_REPLACING
        .set(&t.db, 1, Some(4), None)
        .await
        .expect("set");
    assert!(linked.destroyed);
    assert_eq!(
        linked.previous.map(|c| (c.id, c.company_id)),
        Some((1, Some(1)))
    );
    assert_eq!(
        ceo_links(&t).await,
        [(2, Some(2)), (3, Some(4)), (4, Some(1)), (5, None)],
        "Ada deleted"
    );
}

#[tokio::test]
async fn a_not_null_foreign_key_deletes_the_previous_target() {
    let t = TestDb::new().await;
    // Acme (1) takes Globex's badge (2); its own badge (1) cannot be
    // unlinked, so it goes.
    let linked = BADGE.set(&t.db, 1, Some(2), None).await.expect("set");
    assert!(linked.destroyed);
    assert_eq!(linked.previous.map(|b| (b.id, b.company_id)), Some((1, 1)));
    let badges: Vec<_> = t
        .all::<badge::Entity>()
        .await
        .into_iter()
        .map(|b| (b.id, b.company_id))
        .collect();
    assert_eq!(badges, [(2, 1), (3, 3)]);
}

#[tokio::test]
async fn a_not_null_foreign_key_refuses_set_none_unless_destroy_previous() {
    let t = TestDb::new().await;
    let before = t.all::<badge::Entity>().await;
    let err = BADGE.set(&t.db, 1, None, None).await.expect_err("refused");
    assert!(
        matches!(&err, Error::BadInput(msg) if msg.contains("NOT NULL")),
        "{err:?}"
    );
    assert_eq!(t.all::<badge::Entity>().await, before, "nothing changed");
    // Declared `destroy_previous`: unlinking deletes.
    let linked = BADGE_DESTROYING
        .set(&t.db, 1, None, None)
        .await
        .expect("set null");
    assert!(linked.destroyed && linked.target.is_none());
    assert_eq!(t.all::<badge::Entity>().await, before[1..]);
}

#[tokio::test]
async fn an_unknown_source_is_not_found_and_changes_nothing() {
    let t = TestDb::new().await;
    let before = t.all::<ceo::Entity>().await;
    t.clear_log();
    let err = CEO
        .set(&t.db, 99, Some(4), None)
        .await
        .expect_err("no company 99");
    crate::assert_not_found(err, "companies", "99");
    assert_eq!(t.writes(), 0, "{:?}", t.statements());
    assert_eq!(t.all::<ceo::Entity>().await, before);
}

#[tokio::test]
async fn an_unknown_target_is_not_found_and_changes_nothing() {
    let t = TestDb::new().await;
    let before = t.all::<ceo::Entity>().await;
    t.clear_log();
    let err = CEO
        .set(&t.db, 1, Some(999), None)
        .await
        .expect_err("no CEO 999");
    crate::assert_not_found(err, "ceos", "999");
    assert_eq!(t.writes(), 0, "{:?}", t.statements());
    assert_eq!(t.all::<ceo::Entity>().await, before, "Ada still linked");
}

#[tokio::test]
async fn set_assigns_the_association_scope() {
    let t = TestDb::new().await;
    // Acme's shipping address (2) becomes Globex's billing address; Globex's
    // billing address (3) is unlinked.
    let linked = BILLING.set(&t.db, 2, Some(2), None).await.expect("set");
    let before = linked.target_before.expect("read before");
    assert_eq!(
        (before.company_id, before.kind.as_str()),
        (Some(1), "shipping")
    );
    let target = linked.target.expect("linked");
    assert_eq!(
        (target.company_id, target.kind.as_str()),
        (Some(2), "billing")
    );
    let previous = linked.previous.expect("Globex had one");
    assert_eq!((previous.id, previous.company_id), (3, None));
    let rows: Vec<_> = t
        .all::<address::Entity>()
        .await
        .into_iter()
        .map(|a| (a.id, a.company_id, a.kind))
        .collect();
    let row = |id, company, kind: &str| (id, company, kind.to_owned());
    assert_eq!(
        rows,
        [
            row(1, Some(1), "billing"),
            row(2, Some(2), "billing"),
            row(3, None, "billing"),
            row(4, Some(3), "shipping"),
            row(5, None, "billing"),
        ]
    );
    // Acme has no shipping address any more.
    let acme = linked.source;
    let shipping = SHIPPING.get(&t.db, &acme, &Conditions::none(), None).await;
    assert_eq!(shipping.expect("get"), None);
}

#[tokio::test]
async fn a_source_with_a_null_key_cannot_be_linked() {
    let t = TestDb::new().await;
    let before = t.all::<office::Entity>().await;
    // Initech (3) has no code: the office's foreign key has nothing to hold.
    let err = OFFICE
        .set(&t.db, 3, Some(3), None)
        .await
        .expect_err("null key");
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    assert_eq!(t.all::<office::Entity>().await, before);
    // A company with a code can.
    let linked = OFFICE.set(&t.db, 4, Some(3), None).await.expect("set");
    assert_eq!(
        linked.target.and_then(|o| o.company_code),
        Some("UMB".into())
    );
}

#[tokio::test]
async fn a_target_sharing_its_primary_key_cannot_move() {
    let t = TestDb::new().await;
    let before = t.all::<passport::Entity>().await;
    let err = PASSPORT
        .set(&t.db, 1, Some(2), None)
        .await
        .expect_err("moves a key");
    assert!(matches!(err, Error::BadInput(_)), "{err:?}");
    assert_eq!(t.all::<passport::Entity>().await, before);
    let same = PASSPORT
        .set(&t.db, 1, Some(1), None)
        .await
        .expect("already linked");
    assert!(!same.changed);
}

#[tokio::test]
async fn set_links_a_u32_foreign_key_to_a_u16_source_key() {
    let t = TestDb::new().await;
    // Meter 20 goes to site 65535 (u16::MAX), whose meter u32::MAX is unlinked.
    let linked = METER
        .set(&t.db, u16::MAX, Some(20), None)
        .await
        .expect("set");
    assert_eq!(
        linked.previous.map(|m| (m.id, m.site_id)),
        Some((u32::MAX, None))
    );
    let meters: Vec<_> = t
        .all::<meter::Entity>()
        .await
        .into_iter()
        .map(|m| (m.id, m.site_id))
        .collect();
    assert_eq!(
        meters,
        [(10, Some(1)), (20, Some(65_535)), (u32::MAX, None)]
    );
}
