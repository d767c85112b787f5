//! The bench database's tables as SeaORM entities for seaography: the same
//! columns as entities/src/ of the repository (enum columns read as strings),
//! with the relations seaography turns into fields. The scoped has-ones of
//! hasone (billingAddress / shippingAddress: addresses.kind; project:
//! archived = false) are separate relations here, but seaography 2.0.0-rc.9
//! ignores a relation's `on_condition` when it loads it, so the queries in
//! bench/queries/seaography/ pass the scope as a `filters` argument.
pub mod addresses;
pub mod profiles;
pub mod projects;
pub mod settings;
pub mod users;
