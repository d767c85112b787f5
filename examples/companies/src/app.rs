//! The example's registration with hasone-graphql: its whole GraphQL API.

use async_graphql::{MergedObject, Schema, SchemaBuilder};
use hasone_graphql::{App, Exposed, Mutations, Queries, Registry, Subscriptions};

use crate::entities::{
    address, capital, ceo, company, country, desk, desk_name, lamp, meter, reading, site,
};

pub struct Companies;

impl App for Companies {
    fn declare(registry: &mut Registry) {
        registry
            .entity(Exposed::<company::Entity>::new("Company").queries("company", "companies"))
            .entity(Exposed::<ceo::Entity>::new("Ceo"))
            .entity(Exposed::<country::Entity>::new("Country").queries("country", "countries"))
            .entity(Exposed::<capital::Entity>::new("Capital"))
            .entity(Exposed::<address::Entity>::new("Address"))
            .entity(Exposed::<site::Entity>::new("Site").queries("site", "sites"))
            .entity(Exposed::<meter::Entity>::new("Meter"))
            .entity(Exposed::<desk::Entity>::new("Desk").queries("desk", "desks"))
            .entity(Exposed::<lamp::Entity>::new("Lamp"))
            .read_only(Exposed::<reading::Entity>::new("Reading").list("readings"))
            .read_only(Exposed::<desk_name::Entity>::new("DeskName").list("deskNames"))
            .has_one(&company::CEO)
            .has_one(&company::ADDRESS)
            .has_one(&company::HEAD_OFFICE)
            .has_one(&country::CAPITAL)
            .has_one(&country::ADDRESS)
            .has_one(&site::METER)
            .has_one(&desk::LAMP);
    }
}

/// Plain root names (hasone's roots inside are named the same).
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(Queries<Companies>);

#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(Mutations<Companies>);

/// The schema's roots: to serve, or to print (no database needed).
pub fn schema() -> SchemaBuilder<QueryRoot, MutationRoot, Subscriptions<Companies>> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        Subscriptions::default(),
    )
}
