//! The example's registration with hasone-graphql: its whole GraphQL API.

use std::sync::LazyLock;

use async_graphql::{MergedObject, Schema};
use hasone_graphql::{
    App, Limits, Mutation, Object, Query, Registry, Shared, Subscription, schema_builder,
};

use crate::entities::{address, capital, ceo, company, country, desk, lamp, meter, site};

pub struct Companies;

impl App for Companies {
    fn registry() -> &'static Registry {
        static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
            let mut registry = Registry::new();
            registry
                .entity(Object::<company::Entity>::new("Company").queries("company", "companies"))
                .entity(Object::<ceo::Entity>::new("Ceo"))
                .entity(Object::<country::Entity>::new("Country").queries("country", "countries"))
                .entity(Object::<capital::Entity>::new("Capital"))
                .entity(Object::<address::Entity>::new("Address"))
                .entity(Object::<site::Entity>::new("Site").queries("site", "sites"))
                .entity(Object::<meter::Entity>::new("Meter"))
                .entity(Object::<desk::Entity>::new("Desk").queries("desk", "desks"))
                .entity(Object::<lamp::Entity>::new("Lamp"))
                .has_one(&company::CEO)
                .has_one(&company::ADDRESS)
                .has_one(&company::HEAD_OFFICE)
                .has_one(&country::CAPITAL)
                .has_one(&country::ADDRESS)
                .has_one(&site::METER)
                .has_one(&desk::LAMP);
            registry
        });
        &REGISTRY
    }
}

/// Plain root names (hasone's roots inside are named the same).
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(Query<Companies>);

#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(Mutation<Companies>);

/// The schema over `shared`, within `limits`.
pub fn schema(
    shared: Shared,
    limits: &Limits,
) -> Schema<QueryRoot, MutationRoot, Subscription<Companies>> {
    let (query, mutation) = (QueryRoot::default(), MutationRoot::default());
    schema_builder(query, mutation, Subscription::default(), shared, limits).finish()
}
