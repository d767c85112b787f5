//! The example's one migration: five tables and their foreign keys.

use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateTables),
            Box::new(CreateNarrowKeys),
            Box::new(CreateKeyless),
        ]
    }
}

struct CreateTables;

impl MigrationName for CreateTables {
    fn name(&self) -> &str {
        "m20261201_000001_create_tables"
    }
}

#[derive(DeriveIden)]
enum Companies {
    Table,
    Id,
    Code,
    Name,
}

#[derive(DeriveIden)]
enum Ceos {
    Table,
    Id,
    CompanyId,
    Name,
}

#[derive(DeriveIden)]
enum Countries {
    Table,
    Code,
    Name,
}

#[derive(DeriveIden)]
enum Capitals {
    Table,
    Id,
    CountryCode,
    Name,
}

#[derive(DeriveIden)]
enum Addresses {
    Table,
    Id,
    CompanyCode,
    CountryCode,
    Kind,
    Street,
    City,
}

#[async_trait::async_trait]
impl MigrationTrait for CreateTables {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Companies::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Companies::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Companies::Code)
                            .string_len(32)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Companies::Name).string().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Ceos::Table)
                    .if_not_exists()
                    .col(ColumnDef::new(Ceos::Id).uuid().not_null().primary_key())
                    .col(
                        ColumnDef::new(Ceos::CompanyId)
                            .uuid()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Ceos::Name).string().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_ceos_company_id",
                        (Ceos::Table, Ceos::CompanyId),
                        (Companies::Table, Companies::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Countries::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Countries::Code)
                            .string_len(8)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Countries::Name).string().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Capitals::Table)
                    .if_not_exists()
                    .col(big_id(Capitals::Id))
                    .col(
                        ColumnDef::new(Capitals::CountryCode)
                            .string_len(8)
                            .null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Capitals::Name).string().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_capitals_country_code",
                        (Capitals::Table, Capitals::CountryCode),
                        (Countries::Table, Countries::Code),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Addresses::Table)
                    .if_not_exists()
                    .col(big_id(Addresses::Id))
                    .col(ColumnDef::new(Addresses::CompanyCode).string_len(32).null())
                    .col(ColumnDef::new(Addresses::CountryCode).string_len(8).null())
                    .col(ColumnDef::new(Addresses::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(Addresses::Street).string().not_null())
                    .col(ColumnDef::new(Addresses::City).string().not_null())
                    .index(&mut one_per_kind(
                        "ux_addresses_company_code_kind",
                        Addresses::CompanyCode,
                    ))
                    .index(&mut one_per_kind(
                        "ux_addresses_country_code_kind",
                        Addresses::CountryCode,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_addresses_company_code",
                        (Addresses::Table, Addresses::CompanyCode),
                        (Companies::Table, Companies::Code),
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_addresses_country_code",
                        (Addresses::Table, Addresses::CountryCode),
                        (Countries::Table, Countries::Code),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["addresses", "capitals", "countries", "ceos", "companies"] {
            manager
                .drop_table(
                    Table::drop()
                        .table(Alias::new(table))
                        .if_exists()
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// Narrow and unsigned integer keys: `sites` (`u16`) and `meters` (`u32`,
/// its `site_id` a `u32`), `desks` (`i16`) and `lamps` (`desk_id` an
/// `i16`). SeaORM writes the unsigned types as MariaDB's `SMALLINT
/// UNSIGNED` and `INT UNSIGNED`; on PostgreSQL, which has none, as
/// `integer` and `bigint`; on SQLite as integers.
struct CreateNarrowKeys;

impl MigrationName for CreateNarrowKeys {
    fn name(&self) -> &str {
        "m20261207_000001_create_narrow_keys"
    }
}

#[derive(DeriveIden)]
enum Sites {
    Table,
    Id,
    Name,
}

#[derive(DeriveIden)]
enum Meters {
    Table,
    Id,
    SiteId,
    Serial,
}

#[derive(DeriveIden)]
enum Desks {
    Table,
    Id,
    Name,
}

#[derive(DeriveIden)]
enum Lamps {
    Table,
    Id,
    DeskId,
    Name,
}

#[async_trait::async_trait]
impl MigrationTrait for CreateNarrowKeys {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Sites::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Sites::Id)
                            .small_unsigned()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Sites::Name).string().not_null())
                    .to_owned(),
            )
            .await?;
        // `site_id` is wider than the key it holds: MariaDB refuses a
        // foreign key constraint between `SMALLINT UNSIGNED` and `INT
        // UNSIGNED`, so the unique index alone keeps one meter per site.
        manager
            .create_table(
                Table::create()
                    .table(Meters::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Meters::Id)
                            .unsigned()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Meters::SiteId)
                            .unsigned()
                            .null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Meters::Serial).string().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Desks::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Desks::Id)
                            .small_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Desks::Name).string().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Lamps::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Lamps::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Lamps::DeskId)
                            .small_integer()
                            .null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Lamps::Name).string().not_null())
                    .foreign_key(&mut foreign_key(
                        "fk_lamps_desk_id",
                        (Lamps::Table, Lamps::DeskId),
                        (Desks::Table, Desks::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["lamps", "desks", "meters", "sites"] {
            manager
                .drop_table(
                    Table::drop()
                        .table(Alias::new(table))
                        .if_exists()
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// Rows without a key hasone can use: a table without a primary key and
/// a view (served read-only).
struct CreateKeyless;

impl MigrationName for CreateKeyless {
    fn name(&self) -> &str {
        "m20261208_000001_create_keyless"
    }
}

#[derive(DeriveIden)]
enum Readings {
    Table,
    DeskId,
    Lux,
    Note,
}

#[async_trait::async_trait]
impl MigrationTrait for CreateKeyless {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Readings::Table)
                    .if_not_exists()
                    .col(ColumnDef::new(Readings::DeskId).small_integer().not_null())
                    .col(ColumnDef::new(Readings::Lux).integer().not_null())
                    .col(ColumnDef::new(Readings::Note).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("CREATE VIEW desk_names AS SELECT id, name FROM desks")
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP VIEW IF EXISTS desk_names")
            .await?;
        manager
            .drop_table(Table::drop().table(Readings::Table).if_exists().to_owned())
            .await
    }
}

/// A 64-bit auto-increment primary key.
fn big_id(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

/// A foreign key that follows its source key (`ON UPDATE CASCADE`) and
/// does `on_delete` when the source goes.
fn foreign_key(
    name: &str,
    from: (impl IntoTableRef, impl IntoIden),
    to: (impl IntoTableRef, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}

/// At most one address of each kind per source: the unique index that
/// keeps a scoped has-one to one target.
fn one_per_kind(name: &str, foreign_key: impl IntoIden) -> IndexCreateStatement {
    Index::create()
        .name(name)
        .col(foreign_key)
        .col(Addresses::Kind)
        .unique()
        .to_owned()
}
