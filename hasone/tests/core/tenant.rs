//! The `schema` option on SQLite: targets in an attached database, and
//! `TenantCascade` doing there what the missing foreign keys would.

use hasone::sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};
use hasone::tenancy::{Allowlist, SchemaName};
use hasone::{Conditions, Key, TenantCascade, begin_write, load};

use crate::fixtures::{BADGE, CEO, TestDb, badge, ceo, company, tenant_sql};
use crate::found;

async fn with_tenant() -> (TestDb, SchemaName) {
    let t = TestDb::new().await;
    t.db.execute_unprepared("ATTACH DATABASE ':memory:' AS tenant_a")
        .await
        .expect("attached");
    t.db.execute_unprepared(&tenant_sql("tenant_a"))
        .await
        .expect("tenant tables");
    let tenant = Allowlist::new(["tenant_a"])
        .expect("identifier")
        .check("tenant_a")
        .expect("allowlisted");
    (t, tenant)
}

/// The rows of `E` in `table` (schema-qualified), in id order.
async fn rows<E: EntityTrait>(t: &TestDb, table: &str) -> Vec<E::Model> {
    let sql = format!("SELECT * FROM {table} ORDER BY 1");
    E::find()
        .from_raw_sql(Statement::from_string(DbBackend::Sqlite, sql))
        .all(&t.db)
        .await
        .expect("rows read")
}

#[tokio::test]
async fn set_in_a_schema_writes_the_targets_there_only() {
    let (t, tenant) = with_tenant().await;
    let main_before = t.all::<ceo::Entity>().await;
    let linked = CEO
        .set(&t.db, 1, Some(102), Some(&tenant))
        .await
        .expect("set");
    assert_eq!(
        linked.previous.map(|c| (c.id, c.company_id)),
        Some((101, None))
    );
    let tenant_links: Vec<_> = rows::<ceo::Entity>(&t, "tenant_a.ceos")
        .await
        .into_iter()
        .map(|c| (c.id, c.company_id))
        .collect();
    assert_eq!(tenant_links, [(101, None), (102, Some(1)), (103, Some(2))]);
    assert_eq!(
        t.all::<ceo::Entity>().await,
        main_before,
        "default schema untouched"
    );
    // `load` in the schema reads the tenant's row, in the default one Ada.
    let none = Conditions::none();
    let in_tenant = Key::new(CEO.lookup(), 1.into(), none.clone(), Some(tenant));
    let in_main = Key::new(CEO.lookup(), 1.into(), none, None);
    let loaded = load(&t.db, &[in_tenant.clone(), in_main.clone()]).await;
    assert_eq!(found(&loaded, &in_tenant).map(|c| c.id), Some(102));
    assert_eq!(found(&loaded, &in_main).map(|c| c.id), Some(1));
}

#[tokio::test]
async fn tenant_cascade_applies_on_delete_and_on_update() {
    let (t, tenant) = with_tenant().await;
    let companies = t.all::<company::Entity>().await;
    let (acme, globex) = (&companies[0], &companies[1]);
    let cascades: [&dyn TenantCascade<company::Entity>; 2] = [&CEO, &BADGE];
    let txn = begin_write(&t.db).await.expect("begin");
    // Acme deleted: its CEO is unlinked (SET NULL), its badge deleted
    // (CASCADE: NOT NULL foreign key).
    for cascade in cascades {
        cascade
            .source_deleted(&txn, acme, &tenant)
            .await
            .expect("on delete");
    }
    // Globex's key changes from 2 to 6.
    let renumbered = company::Model {
        id: 6,
        ..globex.clone()
    };
    for cascade in cascades {
        cascade
            .source_key_changed(&txn, globex, &renumbered, &tenant)
            .await
            .expect("on update");
    }
    txn.commit().await.expect("commit");
    let ceos: Vec<_> = rows::<ceo::Entity>(&t, "tenant_a.ceos")
        .await
        .into_iter()
        .map(|c| (c.id, c.company_id))
        .collect();
    assert_eq!(ceos, [(101, None), (102, None), (103, Some(6))]);
    let badges: Vec<_> = rows::<badge::Entity>(&t, "tenant_a.badges")
        .await
        .into_iter()
        .map(|b| (b.id, b.company_id))
        .collect();
    assert_eq!(badges, [(102, 6)]);
    // The default schema is not the tenant's: untouched.
    assert_eq!(t.all::<ceo::Entity>().await[0].company_id, Some(1));
    assert_eq!(t.all::<badge::Entity>().await.len(), 3);
}
