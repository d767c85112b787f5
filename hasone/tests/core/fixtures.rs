//! The test entities, their associations and scopes, and an in-memory
//! SQLite database seeded with plain SQL whose statements are recorded.
//!
//! Tables (all seeded by [`TestDb::new`]):
//! - `companies` has one `ceos` (nullable, unique FK: [`CEO`]), one
//!   `badges` (NOT NULL, unique FK: [`BADGE`]), a billing and a shipping
//!   `addresses` (one table, a `kind` column: [`BILLING`], [`SHIPPING`]),
//!   one `offices` by its nullable `String` code ([`OFFICE`]) and one
//!   `passports` whose primary key is the foreign key ([`PASSPORT`]);
//! - `sites` (`u16` key) has one `meters` (`u32` key and foreign key).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hasone::sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryOrder,
};
use hasone::{HasOne, NamedScope, ScopeValue, Scopes};

pub mod company {
    use hasone::sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "companies")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub name: String,
        #[sea_orm(unique, nullable)]
        pub code: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod ceo {
    use hasone::sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ceos")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique, nullable)]
        pub company_id: Option<i32>,
        #[sea_orm(unique)]
        pub name: String,
        pub retired: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod badge {
    use hasone::sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "badges")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub company_id: i32,
        pub label: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod address {
    use hasone::sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "addresses")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(nullable)]
        pub company_id: Option<i32>,
        pub kind: String,
        pub street: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod office {
    use hasone::sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "offices")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique, nullable)]
        pub company_code: Option<String>,
        pub city: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod passport {
    use hasone::sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "passports")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub company_id: i32,
        pub number: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod site {
    use hasone::sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sites")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: u16,
        pub name: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod meter {
    use hasone::sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meters")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: u32,
        #[sea_orm(unique, nullable)]
        pub site_id: Option<u32>,
        pub serial: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `Company.hasOne(Ceo, { foreignKey: 'company_id' })`: nullable FK.
pub const CEO: HasOne<company::Entity, ceo::Entity> =
    HasOne::new("ceo", company::Column::Id, ceo::Column::CompanyId);

/// The same, with `destroyPrevious`.
pub const CEO_REPLACING: HasOne<company::Entity, ceo::Entity> =
    HasOne::new("replacingCeo", company::Column::Id, ceo::Column::CompanyId).destroy_previous();

/// `Company.hasOne(Badge)`: a `NOT NULL` foreign key.
pub const BADGE: HasOne<company::Entity, badge::Entity> =
    HasOne::new("badge", company::Column::Id, badge::Column::CompanyId);

/// The same, with `destroyPrevious`: `set(null)` deletes.
pub const BADGE_DESTROYING: HasOne<company::Entity, badge::Entity> = HasOne::new(
    "destroyingBadge",
    company::Column::Id,
    badge::Column::CompanyId,
)
.destroy_previous();

/// `Company.hasOne(Address, { as: 'billingAddress', scope: { kind: 'billing' } })`.
pub const BILLING: HasOne<company::Entity, address::Entity> = HasOne::new(
    "billingAddress",
    company::Column::Id,
    address::Column::CompanyId,
)
.scope(&[(address::Column::Kind, ScopeValue::Str("billing"))]);

/// `Company.hasOne(Address, { as: 'shippingAddress', scope: { kind: 'shipping' } })`.
pub const SHIPPING: HasOne<company::Entity, address::Entity> = HasOne::new(
    "shippingAddress",
    company::Column::Id,
    address::Column::CompanyId,
)
.scope(&[(address::Column::Kind, ScopeValue::Str("shipping"))]);

/// `Company.hasOne(Office, { sourceKey: 'code', foreignKey: 'company_code' })`:
/// a nullable `String` source key that is not the primary key.
pub const OFFICE: HasOne<company::Entity, office::Entity> =
    HasOne::new("office", company::Column::Code, office::Column::CompanyCode);

/// `Company.hasOne(Passport)` where the foreign key is the primary key.
pub const PASSPORT: HasOne<company::Entity, passport::Entity> =
    HasOne::new("passport", company::Column::Id, passport::Column::CompanyId);

/// `Site.hasOne(Meter)`: a `u16` source key, a `u32` foreign key.
pub const METER: HasOne<site::Entity, meter::Entity> =
    HasOne::new("meter", site::Column::Id, meter::Column::SiteId);

/// The model scopes of `Ceo`: the default hides retired CEOs.
pub const CEO_SCOPES: Scopes<ceo::Entity> = Scopes {
    default: &[(ceo::Column::Retired, ScopeValue::Bool(false))],
    default_description: "Serving CEOs.",
    named: &[NamedScope {
        name: "RETIRED",
        description: "Retired CEOs.",
        conditions: &[(ceo::Column::Retired, ScopeValue::Bool(true))],
    }],
};

/// The tables of one schema (the default one, or an attached file).
pub fn schema_sql(schema: &str) -> String {
    format!(
        "
        CREATE TABLE {schema}.companies (
            id INTEGER PRIMARY KEY, name TEXT NOT NULL, code TEXT UNIQUE);
        CREATE TABLE {schema}.ceos (
            id INTEGER PRIMARY KEY,
            company_id INTEGER UNIQUE REFERENCES companies(id)
                ON DELETE SET NULL ON UPDATE CASCADE,
            name TEXT NOT NULL UNIQUE,
            retired BOOLEAN NOT NULL DEFAULT 0);
        CREATE TABLE {schema}.badges (
            id INTEGER PRIMARY KEY,
            company_id INTEGER NOT NULL UNIQUE REFERENCES companies(id)
                ON DELETE CASCADE ON UPDATE CASCADE,
            label TEXT NOT NULL);
        CREATE TABLE {schema}.addresses (
            id INTEGER PRIMARY KEY,
            company_id INTEGER REFERENCES companies(id)
                ON DELETE SET NULL ON UPDATE CASCADE,
            kind TEXT NOT NULL,
            street TEXT NOT NULL,
            UNIQUE (company_id, kind));
        CREATE TABLE {schema}.offices (
            id INTEGER PRIMARY KEY,
            company_code TEXT UNIQUE REFERENCES companies(code)
                ON DELETE SET NULL ON UPDATE CASCADE,
            city TEXT NOT NULL);
        CREATE TABLE {schema}.passports (
            company_id INTEGER PRIMARY KEY REFERENCES companies(id)
                ON DELETE CASCADE ON UPDATE CASCADE,
            number TEXT NOT NULL);
        CREATE TABLE {schema}.sites (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE {schema}.meters (
            id INTEGER PRIMARY KEY,
            site_id INTEGER UNIQUE REFERENCES sites(id) ON DELETE SET NULL,
            serial TEXT NOT NULL);
        "
    )
}

/// The targets of a tenant schema (an attached SQLite database): no
/// foreign key to the source, which lives in the default schema, so
/// [`hasone::TenantCascade`] does what `ON DELETE` would.
pub fn tenant_sql(schema: &str) -> String {
    format!(
        "
        CREATE TABLE {schema}.ceos (
            id INTEGER PRIMARY KEY,
            company_id INTEGER UNIQUE,
            name TEXT NOT NULL UNIQUE,
            retired BOOLEAN NOT NULL DEFAULT 0);
        CREATE TABLE {schema}.badges (
            id INTEGER PRIMARY KEY,
            company_id INTEGER NOT NULL UNIQUE,
            label TEXT NOT NULL);
        INSERT INTO {schema}.ceos (id, company_id, name, retired) VALUES
            (101, 1, 'Tenant Ada', 0), (102, NULL, 'Tenant Dave', 0),
            (103, 2, 'Tenant Brian', 0);
        INSERT INTO {schema}.badges (id, company_id, label) VALUES
            (101, 1, 'TA'), (102, 2, 'TB');
        "
    )
}

/// The rows every test starts from.
pub const SEED: &str = "
    INSERT INTO companies (id, name, code) VALUES
        (1, 'Acme', 'ACME'), (2, 'Globex', 'GLOBEX'), (3, 'Initech', NULL),
        (4, 'Umbrella', 'UMB'), (5, 'Hooli', 'HOOLI');
    -- Ada runs Acme, Brian Globex, retired Carol Umbrella; Dave and Erin
    -- run nothing.
    INSERT INTO ceos (id, company_id, name, retired) VALUES
        (1, 1, 'Ada', 0), (2, 2, 'Brian', 0), (3, 4, 'Carol', 1),
        (4, NULL, 'Dave', 0), (5, NULL, 'Erin', 1);
    INSERT INTO badges (id, company_id, label) VALUES
        (1, 1, 'A'), (2, 2, 'B'), (3, 3, 'C');
    INSERT INTO addresses (id, company_id, kind, street) VALUES
        (1, 1, 'billing', '1 Main St'), (2, 1, 'shipping', '2 Dock Rd'),
        (3, 2, 'billing', '3 High St'), (4, 3, 'shipping', '4 Pier'),
        (5, NULL, 'billing', '5 Spare Ln');
    INSERT INTO offices (id, company_code, city) VALUES
        (1, 'ACME', 'Oslo'), (2, 'GLOBEX', 'Bergen'), (3, NULL, 'Tromso');
    INSERT INTO passports (company_id, number) VALUES (1, 'P-1'), (2, 'P-2');
    INSERT INTO sites (id, name) VALUES (1, 'North'), (7, 'Empty'), (65535, 'Max');
    INSERT INTO meters (id, site_id, serial) VALUES
        (10, 1, 'M-10'), (4294967295, 65535, 'M-MAX'), (20, NULL, 'M-20');
";

/// A fresh, seeded in-memory database: one pooled connection, so that the
/// pool is one database, never closed while the test runs.
pub struct TestDb {
    pub db: DatabaseConnection,
    log: Arc<Mutex<Vec<String>>>,
}

impl TestDb {
    pub async fn new() -> Self {
        let mut options = ConnectOptions::new("sqlite::memory:");
        options
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None::<Duration>)
            .max_lifetime(None::<Duration>)
            .sqlx_logging(false);
        let mut db = Database::connect(options)
            .await
            .expect("in-memory SQLite opens");
        db.execute_unprepared("PRAGMA foreign_keys = ON")
            .await
            .expect("foreign keys on");
        db.execute_unprepared(&schema_sql("main"))
            .await
            .expect("schema created");
        db.execute_unprepared(SEED).await.expect("rows seeded");
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        db.set_metric_callback(move |info| {
            sink.lock()
                .expect("statement log")
                .push(info.statement.sql.clone());
        });
        TestDb { db, log }
    }

    /// Forgets the statements run so far.
    pub fn clear_log(&self) {
        self.log.lock().expect("statement log").clear();
    }

    /// The SQL of every statement run since the last [`TestDb::clear_log`].
    pub fn statements(&self) -> Vec<String> {
        self.log.lock().expect("statement log").clone()
    }

    /// How many of them were `SELECT`s.
    pub fn selects(&self) -> usize {
        self.count(&["SELECT"])
    }

    /// How many of them wrote (`INSERT`, `UPDATE`, `DELETE`).
    pub fn writes(&self) -> usize {
        self.count(&["INSERT", "UPDATE", "DELETE"])
    }

    fn count(&self, verbs: &[&str]) -> usize {
        self.statements()
            .iter()
            .filter(|sql| {
                let sql = sql.trim_start().to_ascii_uppercase();
                verbs.iter().any(|verb| sql.starts_with(verb))
            })
            .count()
    }

    /// Every row of `E`, in primary key order.
    pub async fn all<E: EntityTrait>(&self) -> Vec<E::Model> {
        all::<E, _>(&self.db).await
    }
}

/// Every row of `E` as `db` (a connection or a transaction) reads them, in
/// primary key order.
pub async fn all<E: EntityTrait, C: ConnectionTrait>(db: &C) -> Vec<E::Model> {
    E::find()
        .order_by_asc(hasone::pk_column::<E>())
        .all(db)
        .await
        .expect("rows read")
}
