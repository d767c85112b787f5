//! `Address`: target of `billingAddress` and `shippingAddress`.

use async_graphql::{Context, Enum, ID, InputObject, Object};
use entities::tenancy::SchemaName;
use entities::{address, user};
use sea_orm::ActiveValue::Set;

use super::{Input, User, text};
use crate::graphql::crud;
use crate::graphql::error::ApiError;
use crate::graphql::has_one::by_id;
use crate::graphql::relay::{FromRow, global_id};

/// A postal address; `kind` says which association it serves.
#[derive(Clone, Debug)]
pub struct Address {
    pub row: address::Model,
    /// The schema the row was read from (`None`: the default one).
    pub schema: Option<SchemaName>,
}

impl FromRow<address::Model> for Address {
    fn from_row(row: address::Model, schema: Option<SchemaName>) -> Self {
        Address { row, schema }
    }
}

/// Model scopes of `Address`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entities::address::Scope")]
pub enum AddressScope {
    /// The default scope (no condition).
    Default,
    /// Only verified addresses (`verified = true`).
    Verified,
}

/// The association scope column of addresses.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AddressKind {
    Billing,
    Shipping,
}

impl AddressKind {
    fn as_db(self) -> &'static str {
        match self {
            AddressKind::Billing => address::BILLING,
            AddressKind::Shipping => address::SHIPPING,
        }
    }
}

#[Object]
impl Address {
    /// The global id, `Address:<rowId>`.
    pub async fn id(&self) -> ID {
        global_id::<address::Entity>(self.row.id, self.schema.as_ref())
    }

    /// The primary key, `addresses.id`.
    async fn row_id(&self) -> i32 {
        self.row.id
    }

    /// The foreign key `addresses.user_id`; null when unlinked.
    async fn user_id(&self) -> Option<ID> {
        self.row
            .user_id
            .map(|id| global_id::<user::Entity>(id, None))
    }

    /// `billing` or `shipping`: assigned by the association that links it.
    async fn kind(&self) -> Option<AddressKind> {
        match self.row.kind.as_str() {
            address::BILLING => Some(AddressKind::Billing),
            address::SHIPPING => Some(AddressKind::Shipping),
            _ => None,
        }
    }

    async fn street(&self) -> &str {
        &self.row.street
    }

    async fn city(&self) -> &str {
        &self.row.city
    }

    async fn country(&self) -> &str {
        &self.row.country
    }

    async fn verified(&self) -> bool {
        self.row.verified
    }

    /// The inverse `Address.belongsTo(User)`; null when unlinked.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<User>, ApiError> {
        by_id::<user::Entity, User>(ctx, self.row.user_id, None).await
    }
}

/// Values of a new address (its `kind` comes from the association).
#[derive(InputObject)]
pub struct CreateAddressInput {
    pub street: String,
    pub city: String,
    pub country: String,
    #[graphql(default)]
    pub verified: bool,
}

impl Input for CreateAddressInput {
    type ActiveModel = address::ActiveModel;

    fn into_active_model(self) -> Result<address::ActiveModel, ApiError> {
        Ok(address::ActiveModel {
            street: Set(text("street", self.street, 1)?),
            city: Set(text("city", self.city, 1)?),
            country: Set(text("country", self.country, 1)?),
            verified: Set(self.verified),
            ..Default::default()
        })
    }
}

/// Changes to an address; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateAddressInput {
    pub street: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub verified: Option<bool>,
}

#[derive(Default)]
pub struct AddressMutation;

#[Object]
impl AddressMutation {
    /// Creates an address linked to nobody.
    async fn create_address(
        &self,
        ctx: &Context<'_>,
        kind: AddressKind,
        input: CreateAddressInput,
    ) -> Result<Option<Address>, ApiError> {
        let mut values = input.into_active_model()?;
        values.kind = Set(kind.as_db().to_owned());
        crud::insert(ctx, values)
            .await
            .map(|row| Some(Address::from_row(row, None)))
    }

    /// Updates an address's own columns.
    async fn update_address(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id or row id.")] id: ID,
        input: UpdateAddressInput,
    ) -> Result<Option<Address>, ApiError> {
        crud::update::<address::Entity>(ctx, "id", &id, |a| {
            if let Some(v) = input.street {
                a.street = Set(text("street", v, 1)?);
            }
            if let Some(v) = input.city {
                a.city = Set(text("city", v, 1)?);
            }
            if let Some(v) = input.country {
                a.country = Set(text("country", v, 1)?);
            }
            if let Some(v) = input.verified {
                a.verified = Set(v);
            }
            Ok(())
        })
        .await
        .map(|row| Some(Address::from_row(row, None)))
    }

    /// Deletes an address; returns its global id.
    async fn delete_address(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global id or row id.")] id: ID,
    ) -> Result<Option<ID>, ApiError> {
        crud::delete::<address::Entity>(ctx, "id", &id)
            .await
            .map(Some)
    }
}
